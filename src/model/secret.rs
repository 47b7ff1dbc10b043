//! The one rule for secrets in environment variables and other values ecsnap shows: by
//! name (`is_secret_name`: the whole value is never shown) and by shape (`mask_value`: the
//! password of a URL's userinfo, `Password=…` in a connection string, whatever the
//! variable is called). Used everywhere a value is shown — the Detail pane, the revision
//! diff in the rollback picker, `ecsnap diff` (text and JSON).

use std::borrow::Cow;

/// What is shown instead of a secret.
pub const MASK: &str = "••••";

/// Parts of a name that mark a secret wherever they appear in it, any case. `PASS`
/// covers PASSWORD, PASSWD and PASSPHRASE; `CRED` CREDENTIALS; `AUTH` AUTH_HEADER and
/// BASIC_AUTH. `KEY` also masks names such as KEYBOARD_LAYOUT: masking too much is the
/// safe side.
pub const SECRET_PARTS: &[&str] = &[
    "SECRET",
    "PASS",
    "PWD",
    "TOKEN",
    "KEY",
    "CRED",
    "AUTH",
    "COOKIE",
    "WEBHOOK",
    "DSN",
    "PRIVATE",
    "SIGNATURE",
];

/// Words that mark a secret only as a whole word of the name (split at `_`, `-`, `.` and
/// lower-to-upper case changes): `GITHUB_PAT`, `gitlabPat`, but not PATH or PATTERN.
pub const SECRET_WORDS: &[&str] = &["PAT", "PW", "PIN", "OTP"];

/// Whether an environment variable's (or a setting's) name looks like it holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_uppercase();
    SECRET_PARTS.iter().any(|p| upper.contains(p))
        || words(name).any(|w| SECRET_WORDS.iter().any(|s| w.eq_ignore_ascii_case(s)))
}

/// The words of a name: split at non-alphanumeric characters and where a lower-case letter
/// is followed by an upper-case one (`githubPat` → `github`, `Pat`).
fn words(name: &str) -> impl Iterator<Item = &str> {
    let mut bounds = Vec::new();
    let mut prev_lower = false;
    for (i, c) in name.char_indices() {
        if c.is_uppercase() && prev_lower {
            bounds.push(i);
        }
        prev_lower = c.is_lowercase();
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    for b in bounds.into_iter().chain(std::iter::once(name.len())) {
        pieces.push(&name[start..b]);
        start = b;
    }
    pieces
        .into_iter()
        .flat_map(|p| p.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
}

/// The value to show for an environment variable: all of it masked when the name looks
/// secret, else the value with the secrets its shape reveals masked (`mask_value`).
pub fn shown_env_value<'a>(name: &str, value: &'a str) -> Cow<'a, str> {
    if is_secret_name(name) {
        Cow::Borrowed(MASK)
    } else {
        mask_value(value)
    }
}

/// A value with what its shape says is secret masked, whatever it is called:
/// - the password of every URL's userinfo (`postgres://admin:pw@db/x` →
///   `postgres://admin:••••@db/x`, `redis://:pw@host` → `redis://:••••@host`);
/// - the value of every `key=value` part whose key looks secret (`is_secret_name`): a
///   connection string's `Password=…;` or `Pwd=…;`, a query's `?token=…&`, a flag's
///   `--password=…`. The value ends at `;`, `&`, `,` or whitespace.
pub fn mask_value(value: &str) -> Cow<'_, str> {
    let masked = mask_pairs(&mask_url_passwords(value)).into_owned();
    if masked == value {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(masked)
    }
}

/// Where a URL's or a pair's value ends.
fn ends_value(c: char) -> bool {
    c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>')
}

fn mask_url_passwords(value: &str) -> Cow<'_, str> {
    if !value.contains("://") {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let end = tail.find(ends_value).unwrap_or(tail.len());
        let (url, after) = tail.split_at(end);
        // The userinfo runs to the last `@` of the URL: a password may hold a `/` or `@`
        // that should have been percent-encoded. Taking too much masks more, never less.
        match url
            .rfind('@')
            .and_then(|a| url[..a].find(':').map(|c| (c, a)))
        {
            Some((colon, at)) if colon + 1 < at => {
                out.push_str(&url[..=colon]);
                out.push_str(MASK);
                out.push_str(&url[at..]);
            }
            _ => out.push_str(url),
        }
        rest = after;
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn mask_pairs(value: &str) -> Cow<'_, str> {
    if !value.contains('=') {
        return Cow::Borrowed(value);
    }
    let separator = |c: char| matches!(c, ';' | '&' | '?' | ',') || c.is_whitespace();
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while !rest.is_empty() {
        let end = rest.find(separator).unwrap_or(rest.len());
        let (part, after) = rest.split_at(end);
        match part.split_once('=') {
            Some((key, v)) if !v.is_empty() && is_secret_name(key) && v != MASK => {
                out.push_str(key);
                out.push('=');
                out.push_str(MASK);
            }
            _ => out.push_str(part),
        }
        let mut chars = after.chars();
        if let Some(sep) = chars.next() {
            out.push(sep);
        }
        rest = chars.as_str();
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_looking_names_are_masked_and_plain_ones_shown() {
        let cases = [
            // SECRET, PASSWORD, TOKEN, KEY (the first rule)
            ("AWS_SECRET_ACCESS_KEY", true),
            ("DB_PASSWORD", true),
            ("api_token", true),
            ("SIGNING_KEY_ID", true),
            // PWD, PASS (PASSWD, PASSPHRASE)
            ("MYSQL_PWD", true),
            ("PASS", true),
            ("passwd", true),
            ("SSH_PASSPHRASE", true),
            // CRED, AUTH
            ("CREDENTIALS", true),
            ("GOOGLE_APPLICATION_CREDENTIALS", true),
            ("AUTH_HEADER", true),
            ("BASIC_AUTH", true),
            ("OAUTH_CLIENT", true),
            // PAT as a word only
            ("GITHUB_PAT", true),
            ("PAT", true),
            ("gitlab-pat", true),
            ("githubPat", true),
            // COOKIE, WEBHOOK, DSN
            ("SESSION_COOKIE", true),
            ("SLACK_WEBHOOK", true),
            ("SLACK_WEBHOOK_URL", true),
            ("SENTRY_DSN", true),
            ("PRIVATE_KEY_PEM", true),
            ("DB_PW", true),
            // masking too much is the safe side
            ("KEYBOARD_LAYOUT", true),
            // stay visible
            ("PATH", false),
            ("LD_LIBRARY_PATH", false),
            ("URL_PATTERN", false),
            ("HOME", false),
            ("LANG", false),
            ("LOG_LEVEL", false),
            ("PORT", false),
            ("DATABASE_URL", false),
            ("REDIS_URL", false),
            ("SPRING_PROFILES_ACTIVE", false),
        ];
        for (name, secret) in cases {
            assert_eq!(is_secret_name(name), secret, "{name}");
            assert_eq!(shown_env_value(name, "v") == MASK, secret, "{name}");
        }
    }

    #[test]
    fn secrets_are_masked_by_their_shape_whatever_the_name() {
        let cases = [
            (
                "postgres://admin:hunter2@db:5432/x",
                "postgres://admin:••••@db:5432/x",
            ),
            ("redis://:pw@host:6379/0", "redis://:••••@host:6379/0"),
            ("amqp://u:p@h", "amqp://u:••••@h"),
            ("mysql://u:p/w@d@db/x?ssl=1", "mysql://u:••••@db/x?ssl=1"),
            (
                "--db postgres://a:b@h/x --cache redis://:c@r",
                "--db postgres://a:••••@h/x --cache redis://:••••@r",
            ),
            (
                "Server=db;Database=x;User Id=sa;Password=hunter2;",
                "Server=db;Database=x;User Id=sa;Password=••••;",
            ),
            ("Server=db;Uid=sa;Pwd=hunter2", "Server=db;Uid=sa;Pwd=••••"),
            (
                "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc==;",
                "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=••••;",
            ),
            (
                "https://h/hook?token=abc&x=1",
                "https://h/hook?token=••••&x=1",
            ),
            ("--password=hunter2 -v", "--password=•••• -v"),
            // unchanged
            ("postgres://db:5432/x", "postgres://db:5432/x"),
            ("postgres://admin@db/x", "postgres://admin@db/x"),
            ("https://example.com/a?b=c", "https://example.com/a?b=c"),
            ("info", "info"),
            ("/usr/local/bin:/usr/bin", "/usr/local/bin:/usr/bin"),
        ];
        for (value, shown) in cases {
            assert_eq!(mask_value(value), shown, "{value}");
            assert_eq!(shown_env_value("DATABASE_URL", value), shown, "{value}");
        }
        assert!(matches!(mask_value("plain"), Cow::Borrowed(_)));
        assert_eq!(mask_value(&mask_value("amqp://u:p@h")), "amqp://u:••••@h");
    }
}
