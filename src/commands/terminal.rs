//! `completions` and `man`: the shell completion scripts and the man page, generated from
//! the clap definitions (`cli::Cli`), so they never drift from the flags. Neither reads the
//! config nor touches AWS.
//!
//! Cluster and service names are not completed dynamically: ecsnap keeps no on-disk list of
//! them (its only cache holds task-definition images), and completing from AWS would block
//! the shell on the network.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::{Error, Result, exit};

/// The completion script for `shell`.
pub fn completion_script(shell: Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "ecsnap", &mut out);
    out
}

/// The man page, as roff.
pub fn man_page() -> Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| Error::io("rendering the man page", e))?;
    Ok(out)
}

pub(super) fn completions(shell: Shell) -> Result<i32> {
    write_raw(&completion_script(shell))
}

pub(super) fn man() -> Result<i32> {
    write_raw(&man_page()?)
}

/// Writes generated text as it is (a script or roff: ecsnap's own text, nothing from AWS to
/// escape); a closed pipe is not an error.
fn write_raw(bytes: &[u8]) -> Result<i32> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(exit::OK),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(exit::OK),
        Err(e) => Err(Error::io("writing to stdout", e)),
    }
}
