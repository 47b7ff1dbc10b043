//! `completions` and `man`: the shell completion scripts and the man page, generated from
//! the clap definitions (`cli::Cli`), so they never drift from the flags. Neither reads the
//! config nor touches AWS.
//!
//! Cluster and service names complete from the names last listed (`name_cache`): the bash,
//! zsh and fish scripts call the hidden `ecsnap __names clusters|services`, which reads that
//! file only — never the network, never the config. The other shells complete flags and
//! subcommands only.

use std::fmt::Write as _;
use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, NamesArgs};
use crate::error::{Error, Result, exit};

/// The completion script for `shell`: clap's, with the values of `--cluster` and
/// `--service` completed from the names last listed where the shell can run a command.
pub fn completion_script(shell: Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "ecsnap", &mut out);
    let script = String::from_utf8_lossy(&out).into_owned();
    with_names(shell, script).into_bytes()
}

/// The names a flag's value completes from, as `ecsnap __names` prints them.
const NAMES: [(&str, &str, &str); 2] = [
    ("--cluster", "CLUSTER", "clusters"),
    ("--service", "SERVICE", "services"),
];

/// `script` with `--cluster` and `--service` values completed by `ecsnap __names`.
fn with_names(shell: Shell, script: String) -> String {
    match shell {
        // The hidden `__names` is not offered as a command.
        Shell::Bash => NAMES.iter().fold(script.replace(" __names ", " "), |s, (flag, _, kind)| {
            s.replace(
                &format!("{flag})\n                    COMPREPLY=($(compgen -f \"${{cur}}\"))"),
                &format!(
                    "{flag})\n                    COMPREPLY=($(compgen -W \"$(ecsnap __names {kind} 2>/dev/null)\" -- \"${{cur}}\"))"
                ),
            )
        }),
        Shell::Zsh => {
            let script = NAMES.iter().fold(script, |s, (_, value, kind)| {
                s.replace(
                    &format!(":{value}:_default'"),
                    &format!(":{value}:_ecsnap_{kind}'"),
                )
            });
            let mut helpers = String::new();
            for (_, _, kind) in NAMES {
                let _ = write!(
                    helpers,
                    "_ecsnap_{kind}() {{\n    local -a names\n    names=(${{(f)\"$(ecsnap __names {kind} 2>/dev/null)\"}})\n    compadd -a names\n}}\n"
                );
            }
            match script.split_once('\n') {
                Some((first, rest)) => format!("{first}\n{helpers}{rest}"),
                None => script,
            }
        }
        Shell::Fish => {
            let mut out = String::new();
            for line in script.lines().filter(|l| !l.contains("-a \"__names\"")) {
                let _ = writeln!(out, "{line}");
            }
            for (flag, _, kind) in NAMES {
                let long = flag.trim_start_matches('-');
                let _ = writeln!(
                    out,
                    "complete -c ecsnap -l {long} -f -r -a \"(ecsnap __names {kind} 2>/dev/null)\""
                );
            }
            out
        }
        _ => script,
    }
}

/// `__names`: the names last listed, one a line (none when nothing was listed yet).
pub(super) fn names(args: &NamesArgs) -> Result<i32> {
    let Some(path) = crate::name_cache::path() else {
        return Ok(exit::OK);
    };
    let names = match args.kind.as_str() {
        "clusters" => crate::name_cache::clusters_in(&path),
        _ => crate::name_cache::services_in(&path, args.cluster.as_deref()),
    };
    // Only names as ECS allows them (letters, digits, - and _): nothing else reaches the
    // shell's command line.
    let mut text = names
        .into_iter()
        .filter(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .collect::<Vec<_>>()
        .join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    write_raw(text.as_bytes())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn script(shell: Shell) -> String {
        String::from_utf8(completion_script(shell)).unwrap_or_default()
    }

    #[test]
    fn cluster_and_service_values_complete_from_the_names_in_bash_zsh_and_fish() {
        let bash = script(Shell::Bash);
        assert!(bash.contains(r#"compgen -W "$(ecsnap __names clusters 2>/dev/null)""#));
        assert!(bash.contains(r#"compgen -W "$(ecsnap __names services 2>/dev/null)""#));
        assert!(!bash.contains(
            r#"--cluster)
                    COMPREPLY=($(compgen -f "${cur}"))"#
        ));
        let zsh = script(Shell::Zsh);
        assert!(zsh.starts_with("#compdef ecsnap\n_ecsnap_clusters() {"));
        assert!(zsh.contains(":CLUSTER:_ecsnap_clusters'"));
        assert!(zsh.contains(":SERVICE:_ecsnap_services'"));
        assert!(!zsh.contains(":CLUSTER:_default'"));
        let fish = script(Shell::Fish);
        assert!(fish.contains(
            r#"complete -c ecsnap -l cluster -f -r -a "(ecsnap __names clusters 2>/dev/null)""#
        ));
        assert!(
            !fish.contains(r#"-a "__names""#),
            "the hidden command is not offered"
        );
    }
}
