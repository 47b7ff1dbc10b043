//! The one rule for showing text that came from AWS (names, tags, stop reasons, events,
//! log lines, environment values, error messages): characters a terminal would act on are
//! shown escaped, never written raw. Every text renderer uses it — the commands' tables
//! and lines, the errors `main` prints, `logs`, `diff`, the Markdown report and the
//! console. JSON output does not: serde writes the exact value, escaped the JSON way.
//!
//! Escaped: the C0 controls (ESC as `\e`, LF `\n`, CR `\r`, TAB `\t`, NUL `\0`, the rest
//! `\x07` …), DEL `\x7f`, the C1 controls `\x9b` …, the bidirectional overrides, isolates
//! and marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C: `\u{202e}` …) and the
//! line and paragraph separators U+2028, U+2029. Backslashes are left alone, so escaping is
//! idempotent: text escaped twice reads as text escaped once.

use std::borrow::Cow;

/// Whether a character must not reach a terminal raw.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

fn push_escaped(out: &mut String, c: char) {
    use std::fmt::Write as _;
    match c {
        '\u{1b}' => out.push_str("\\e"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\0' => out.push_str("\\0"),
        c if u32::from(c) <= 0xff => {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

fn escape_where(text: &str, escape: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escape(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One field (a cell, a name, a tag value, a log line): everything a terminal would act
/// on escaped, newlines included, so a field stays on its one line.
pub fn escape(field: &str) -> Cow<'_, str> {
    escape_where(field, needs_escape)
}

/// Text of several lines that ecsnap wrote itself (a rendered table, an error message):
/// like `escape`, but the line breaks (`\n`) are kept. The last guard before stdout and
/// stderr; fields inside it are escaped with `escape` first, so no row can be forged.
pub fn escape_text(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| c != '\n' && needs_escape(c))
}

/// One cell of a Markdown table: `escape`d, then every character Markdown would act on
/// inside a table cell backslash-escaped — `\`, `|` (a new cell), `[` `]` (links), `<` `>`
/// (HTML, autolinks), backticks (code), `*` (emphasis), `&` (entities) — so text such as
/// `[click](http://evil)` or `<img src=x>` is shown as written and inert.
pub fn markdown_cell(text: &str) -> String {
    let escaped = escape(text);
    let mut out = String::with_capacity(escaped.len() + 8);
    for c in escaped.chars() {
        if matches!(c, '\\' | '|' | '[' | ']' | '<' | '>' | '`' | '*' | '&') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// JSON text as serde wrote it, with every character a terminal would act on that serde
/// leaves raw (DEL, the C1 controls, the bidi characters) written as a JSON `\uXXXX`
/// escape: the exact same value for any JSON parser, inert on a terminal. The line breaks
/// of pretty-printed JSON are kept (serde already escapes them inside strings).
pub fn json_safe(json: &str) -> Cow<'_, str> {
    use std::fmt::Write as _;
    let raw = |c: char| c != '\n' && needs_escape(c);
    if !json.chars().any(raw) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if raw(c) {
            // Every such character is in the Basic Multilingual Plane: one \uXXXX.
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_are_shown_escaped() {
        let cases = [
            ("plain text · ünïcode ✓", "plain text · ünïcode ✓"),
            ("\u{1b}]52;c;ZXZpbA==\u{7}", "\\e]52;c;ZXZpbA==\\x07"),
            ("\u{1b}[2J", "\\e[2J"),
            ("\u{1b}]0;pwned\u{7}", "\\e]0;pwned\\x07"),
            ("a\nb\rc\td", "a\\nb\\rc\\td"),
            ("nul\0", "nul\\0"),
            ("del\u{7f}", "del\\x7f"),
            ("csi\u{9b}2J", "csi\\x9b2J"),
            ("\u{202e}gnp.exe", "\\u{202e}gnp.exe"),
            ("\u{2066}x\u{2069}", "\\u{2066}x\\u{2069}"),
            ("\u{200e}\u{200f}\u{61c}", "\\u{200e}\\u{200f}\\u{61c}"),
            ("line\u{2028}sep", "line\\u{2028}sep"),
            ("C:\\path\\n", "C:\\path\\n"),
        ];
        for (input, shown) in cases {
            assert_eq!(escape(input), shown, "{input:?}");
            assert!(
                !escape(input).chars().any(needs_escape),
                "{input:?} still has a control"
            );
        }
    }

    #[test]
    fn clean_text_is_borrowed_and_escaping_twice_changes_nothing() {
        assert!(matches!(escape("vol-123 ✓"), Cow::Borrowed(_)));
        let once = escape("\u{1b}[2Jx\n").into_owned();
        assert_eq!(escape(&once), once);
    }

    #[test]
    fn text_keeps_its_line_breaks_only() {
        assert_eq!(
            escape_text("error: \u{1b}[2J\r\nnext line\u{7}\n"),
            "error: \\e[2J\\r\nnext line\\x07\n"
        );
    }

    #[test]
    fn json_keeps_the_exact_value_and_no_raw_control() {
        let value = "\u{1b}]0;pwned\u{7}\r\n\u{7f}\u{9b}\u{202e}x";
        let json =
            serde_json::to_string_pretty(&serde_json::json!({ "reason": value })).expect("json");
        let safe = json_safe(&json);
        assert!(
            !safe.chars().any(|c| c != '\n' && needs_escape(c)),
            "{safe}"
        );
        let back: serde_json::Value = serde_json::from_str(&safe).expect("still JSON");
        assert_eq!(back["reason"], value);
    }

    #[test]
    fn markdown_cells_are_inert() {
        let cases = [
            ("web", "web"),
            ("[click](http://evil)", "\\[click\\](http://evil)"),
            ("<img src=x>", "\\<img src=x\\>"),
            ("a|b", "a\\|b"),
            ("a\\|b", "a\\\\\\|b"),
            ("`code` *bold*", "\\`code\\` \\*bold\\*"),
            ("x\n| forged | row |", "x\\\\n\\| forged \\| row \\|"),
            ("&lt;", "\\&lt;"),
            ("\u{1b}[2J", "\\\\e\\[2J"),
        ];
        for (input, cell) in cases {
            assert_eq!(markdown_cell(input), cell, "{input:?}");
        }
    }
}
