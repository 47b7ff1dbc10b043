//! Everything the commands write: `print_text` / `print_json` (stdout) and
//! `eprintln_escaped!` / `eprint_escaped!` (stderr), which escape what a terminal would act
//! on. Declared first in `commands/mod.rs` (`#[macro_use]`) so every command has the macros.

use std::io::Write;

use serde::Serialize;

use crate::error::{Error, Result, exit};
use crate::model::escape::{escape_text, json_safe};

/// `eprintln!` with the text escaped (`model::escape::escape_text`; line breaks kept).
macro_rules! eprintln_escaped {
    ($($arg:tt)*) => {
        $crate::commands::print::eprint_text(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprint!` with the text escaped (`model::escape::escape_text`; line breaks kept).
macro_rules! eprint_escaped {
    ($($arg:tt)*) => {
        $crate::commands::print::eprint_text(&format!($($arg)*))
    };
}

/// Writes a value as pretty JSON to stdout, ending with a newline. The values are exact;
/// characters a terminal would act on are JSON-escaped (`model::escape::json_safe`).
pub(crate) fn print_json<T: Serialize>(value: &T) -> Result<i32> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::Usage(format!("cannot encode output as JSON: {e}")))?;
    write_stdout(&format!("{}\n", json_safe(&text)))
}

/// Writes text to stdout; a closed pipe (`| head`) is not an error. The last guard: any
/// control or bidi character left in it is escaped (`model::escape::escape_text`), line
/// breaks kept — the fields inside were escaped already, so no row is forged.
pub(crate) fn print_text(text: &str) -> Result<i32> {
    write_stdout(&escape_text(text))
}

/// Text escaped as `print_text` does, to stderr (a note, a warning, an error line).
pub(crate) fn eprint_text(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(escape_text(text).as_bytes());
}

fn write_stdout(text: &str) -> Result<i32> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(exit::OK),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(exit::OK),
        Err(e) => Err(Error::io("writing to stdout", e)),
    }
}
