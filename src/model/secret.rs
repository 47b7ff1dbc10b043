//! The one rule for environment variables whose names look secret (`*SECRET*`,
//! `*PASSWORD*`, `*TOKEN*`, `*KEY*`, any case): their values are never shown, anywhere —
//! the Detail pane, the revision diff in the rollback picker, `ecsnap diff`.

/// What is shown instead of a secret-looking variable's value.
pub const MASK: &str = "••••";

/// Whether an environment variable's name looks like it holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_uppercase();
    ["SECRET", "PASSWORD", "TOKEN", "KEY"]
        .iter()
        .any(|w| upper.contains(w))
}

/// The value to show for an environment variable: secrets masked.
pub fn shown_env_value<'a>(name: &str, value: &'a str) -> &'a str {
    if is_secret_name(name) { MASK } else { value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_looking_names_are_masked() {
        let cases = [
            ("DB_PASSWORD", true),
            ("api_token", true),
            ("AWS_SECRET_ACCESS_KEY", true),
            ("SIGNING_KEY_ID", true),
            ("LOG_LEVEL", false),
            ("PORT", false),
        ];
        for (name, secret) in cases {
            assert_eq!(is_secret_name(name), secret, "{name}");
            assert_eq!(shown_env_value(name, "v") == MASK, secret, "{name}");
        }
    }
}
