//! Confirmation on the command line, after the plan has been printed.
//!
//! - `--yes`: go ahead (the scripted path; also for production profiles/accounts — a
//!   script that passes `--yes` has decided).
//! - No `--yes` and stdin is not a terminal: refuse (exit 5) and say to pass `--yes`, or
//!   `--dry-run` to see the plan.
//! - A terminal: single actions need `y`; bulk deletes need the count typed back; a
//!   profile or account marked `production` always needs typing (the count, or the name
//!   of what is changed).

use std::io::{BufRead, Write};

use crate::error::{Error, Result};

/// What the user has to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmation {
    /// `y` or `yes`.
    YesNo,
    /// This exact text (a count, or a service / user name).
    Typed(String),
}

impl Confirmation {
    /// The confirmation an action needs: bulk deletes type the count; in production a
    /// single action types `name`; otherwise `y`.
    pub fn required(bulk_count: Option<usize>, production: bool, name: &str) -> Self {
        match bulk_count {
            Some(n) => Confirmation::Typed(n.to_string()),
            None if production => Confirmation::Typed(name.to_string()),
            None => Confirmation::YesNo,
        }
    }

    pub fn prompt(&self, what: &str) -> String {
        match self {
            Confirmation::YesNo => format!("{what}? [y/N] "),
            Confirmation::Typed(text) => format!("{what}? Type {text} to confirm: "),
        }
    }

    pub fn accepts(&self, answer: &str) -> bool {
        let a = answer.trim();
        match self {
            Confirmation::YesNo => a.eq_ignore_ascii_case("y") || a.eq_ignore_ascii_case("yes"),
            Confirmation::Typed(text) => a == text,
        }
    }
}

/// Asks for confirmation (or applies `--yes`). `interactive` says whether stdin is a
/// terminal; `input` / `output` are stdin / stderr in the binary.
pub fn confirm(
    what: &str,
    needed: &Confirmation,
    yes: bool,
    interactive: bool,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> Result<()> {
    if yes {
        return Ok(());
    }
    if !interactive {
        return Err(Error::Refused(format!(
            "not confirmed: {what} needs confirmation and stdin is not a terminal. Pass --yes \
             to go ahead, or --dry-run to see the plan only"
        )));
    }
    let _ = output.write_all(needed.prompt(what).as_bytes());
    let _ = output.flush();
    let mut answer = String::new();
    input
        .read_line(&mut answer)
        .map_err(|e| Error::io("reading the confirmation", e))?;
    if needed.accepts(&answer) {
        Ok(())
    } else {
        Err(Error::Refused(format!(
            "not confirmed (answer {:?}); nothing was changed",
            answer.trim()
        )))
    }
}

/// Confirms on the real terminal: stdin, prompt on stderr.
pub fn confirm_on_terminal(what: &str, needed: &Confirmation, yes: bool) -> Result<()> {
    use std::io::IsTerminal;
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let mut input = stdin.lock();
    let mut err = std::io::stderr();
    confirm(what, needed, yes, interactive, &mut input, &mut err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(needed: &Confirmation, yes: bool, interactive: bool, typed: &str) -> Result<()> {
        let mut input = std::io::Cursor::new(typed.as_bytes().to_vec());
        let mut out = Vec::new();
        confirm(
            "delete 3 volumes",
            needed,
            yes,
            interactive,
            &mut input,
            &mut out,
        )
    }

    #[test]
    fn confirmation_table() {
        let count = Confirmation::required(Some(3), false, "x");
        let single = Confirmation::required(None, false, "api");
        let prod = Confirmation::required(None, true, "api");
        assert_eq!(count, Confirmation::Typed("3".into()));
        assert_eq!(single, Confirmation::YesNo);
        assert_eq!(prod, Confirmation::Typed("api".into()));
        let cases: [(&Confirmation, bool, bool, &str, bool); 9] = [
            (&count, true, false, "", true),
            (&count, false, false, "3\n", false),
            (&count, false, true, "3\n", true),
            (&count, false, true, "y\n", false),
            (&count, false, true, "", false),
            (&single, false, true, "y\n", true),
            (&single, false, true, "n\n", false),
            (&prod, false, true, "y\n", false),
            (&prod, false, true, "api\n", true),
        ];
        for (needed, yes, interactive, typed, ok) in cases {
            let got = run(needed, yes, interactive, typed);
            assert_eq!(
                got.is_ok(),
                ok,
                "{needed:?} yes={yes} tty={interactive} {typed:?}"
            );
            if let Err(e) = got {
                assert_eq!(e.exit_code(), 5, "{e}");
            }
        }
    }

    #[test]
    fn no_terminal_says_what_to_pass() {
        let err = run(&Confirmation::YesNo, false, false, "")
            .expect_err("refused")
            .to_string();
        assert!(err.contains("--yes") && err.contains("--dry-run"), "{err}");
    }
}
