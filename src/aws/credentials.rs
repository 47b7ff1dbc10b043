//! What to say when credentials are missing or expired: the profile in use, how it signs in
//! (an IAM Identity Center `sso_session` or legacy `sso_start_url`, an `aws login`
//! `login_session`, or keys), when its cached token expires, and the one command that
//! fixes it (`aws sso login --profile X`, `aws login --profile X`). Read from the AWS config
//! file and the token caches the AWS CLI writes (`~/.aws/sso/cache/<sha1>.json`,
//! `~/.aws/login/cache/<sha256>.json`), never from the network; the credential provider
//! re-reads the same caches, so a login in another terminal is picked up by a retry.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sha1::Digest as _;

/// The AWS config and credentials files the SDK reads: `AWS_CONFIG_FILE` and
/// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/config` and `~/.aws/credentials`.
pub fn aws_profile_paths() -> (String, String) {
    let home = std::env::var("HOME")
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "~".into());
    let file = |var: &str, default: &str| {
        std::env::var(var)
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| format!("{home}/.aws/{default}"))
    };
    (
        file("AWS_CONFIG_FILE", "config"),
        file("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
    )
}

/// How a profile gets its credentials, as far as its advice goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    /// IAM Identity Center: the `sso_session` name (or, legacy, the start URL) and the
    /// cached token's expiry (`None`: no token cached).
    Sso {
        session: Option<String>,
        start_url: Option<String>,
        expires_at: Option<DateTime<Utc>>,
    },
    /// `aws login`: the `login_session` and the cached session's expiry.
    Login {
        session: String,
        expires_at: Option<DateTime<Utc>>,
    },
    /// Keys, a role, a process, or nothing the file says.
    Other,
}

/// The profile's sign-in, read from `config` (the AWS config file) and the caches under
/// `home`.
pub fn sign_in_of(profile: &str, config: &str, home: &Path) -> SignIn {
    let sections = parse_ini(config);
    let key = if profile == "default" {
        sections
            .get("default")
            .or_else(|| sections.get("profile default"))
    } else {
        sections.get(&format!("profile {profile}"))
    };
    let Some(p) = key else {
        return SignIn::Other;
    };
    if let Some(session) = p.get("login_session") {
        let cache = std::env::var_os("AWS_LOGIN_CACHE_DIRECTORY")
            .map_or_else(|| home.join(".aws/login/cache"), PathBuf::from);
        let file = cache.join(format!(
            "{}.json",
            hex(&sha2::Sha256::digest(session.trim()))
        ));
        return SignIn::Login {
            session: session.clone(),
            expires_at: cached_expiry(&file, true),
        };
    }
    let session = p.get("sso_session").cloned();
    let start_url = p.get("sso_start_url").cloned().or_else(|| {
        session
            .as_ref()
            .and_then(|s| sections.get(&format!("sso-session {s}")))
            .and_then(|s| s.get("sso_start_url").cloned())
    });
    if session.is_none() && start_url.is_none() {
        return SignIn::Other;
    }
    // The CLI names the cache file after the session name, or the start URL without one.
    let cache_key = session
        .clone()
        .or_else(|| start_url.clone())
        .unwrap_or_default();
    let file = home.join(".aws/sso/cache").join(format!(
        "{}.json",
        hex(&sha1::Sha1::digest(cache_key.as_bytes()))
    ));
    SignIn::Sso {
        session,
        start_url,
        expires_at: cached_expiry(&file, false),
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// `expiresAt` of a cached token (`accessToken.expiresAt` in a login cache).
fn cached_expiry(file: &Path, login: bool) -> Option<DateTime<Utc>> {
    let text = std::fs::read_to_string(file).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let at = if login {
        json.get("accessToken")
            .and_then(|t| t.get("expiresAt"))
            .or_else(|| json.get("expiresAt"))
    } else {
        json.get("expiresAt")
    }?;
    DateTime::parse_from_rfc3339(at.as_str()?)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Sections → keys → values of an INI file as the AWS CLI writes it (comments and
/// continuation lines ignored).
fn parse_ini(text: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            out.entry(name.clone()).or_default();
            current = Some(name);
        } else if let (Some(section), Some((k, v))) = (&current, line.split_once('=')) {
            out.entry(section.clone())
                .or_default()
                .insert(k.trim().to_string(), v.trim().to_string());
        }
    }
    out
}

/// "expired at 2026-12-06 03:00 UTC (5h ago)" / "valid until … (in 2h)".
fn expiry_words(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let when = at.format("%Y-%m-%d %H:%M UTC");
    let mins = (now - at).num_minutes();
    let span = |m: i64| {
        if m >= 120 {
            format!("{}h", m / 60)
        } else {
            format!("{m}m")
        }
    };
    if mins >= 0 {
        format!("expired at {when} ({} ago)", span(mins))
    } else {
        format!("is valid until {when} (in {})", span(-mins))
    }
}

/// The advice for profile `profile` (`None`: no profile was named: the default chain).
/// `None` back: nothing more exact than the generic advice is known.
pub fn advice(profile: Option<&str>, now: DateTime<Utc>) -> Option<String> {
    let named = profile.is_some();
    let name = profile.unwrap_or("default");
    let (config_path, _) = aws_profile_paths();
    let config = std::fs::read_to_string(&config_path).ok()?;
    let home = std::env::var_os("HOME").map(PathBuf::from)?;
    advice_for(name, named, &sign_in_of(name, &config, &home), now)
}

/// [`advice`] from what was read.
pub fn advice_for(
    profile: &str,
    named: bool,
    sign_in: &SignIn,
    now: DateTime<Utc>,
) -> Option<String> {
    let flag = if profile == "default" && !named {
        String::new()
    } else {
        format!(" --profile {profile}")
    };
    match sign_in {
        SignIn::Sso {
            session,
            start_url,
            expires_at,
        } => {
            let which = match (session, start_url) {
                (Some(s), Some(u)) => format!("SSO session `{s}` ({u})"),
                (Some(s), None) => format!("SSO session `{s}`"),
                (None, Some(u)) => format!("SSO start URL {u}"),
                (None, None) => "SSO session".to_string(),
            };
            let state = match expires_at {
                Some(at) => format!("its token {}", expiry_words(*at, now)),
                None => "no token of it is cached (not logged in on this machine)".to_string(),
            };
            Some(format!(
                "the credentials of profile `{profile}` come from the {which}: {state}. Run \
                 `aws sso login{flag}`, then retry (r in the console)"
            ))
        }
        SignIn::Login {
            session,
            expires_at,
        } => {
            let state = match expires_at {
                Some(at) => format!("its session {}", expiry_words(*at, now)),
                None => "no session of it is cached (not logged in on this machine)".to_string(),
            };
            Some(format!(
                "the credentials of profile `{profile}` come from `aws login` (login_session \
                 {session}): {state}. Run `aws login{flag}`, then retry (r in the console)"
            ))
        }
        SignIn::Other if named => Some(format!(
            "profile `{profile}` has no working credentials (its keys, role or process gave \
             none, or they expired). Refresh them (`aws configure{flag}` for keys; `aws sso \
             login{flag}` or `aws login{flag}` if it signs in), then retry"
        )),
        SignIn::Other => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-06T08:00:00Z")
            .expect("time")
            .with_timezone(&Utc)
    }

    const CONFIG: &str = "[default]\nregion = us-east-1\n\n[profile oncall]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = OnCall\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n\n[profile legacy]\nsso_start_url = https://old.awsapps.com/start\n\n[profile console]\nlogin_session = arn:aws:iam::111111111111:user/alice\n\n[profile keys]\nregion = eu-west-1\n";

    #[test]
    fn an_expired_sso_token_names_profile_session_expiry_and_command() {
        let home = tempfile::tempdir().expect("tempdir");
        let cache = home.path().join(".aws/sso/cache");
        std::fs::create_dir_all(&cache).expect("mkdir");
        // sha1("corp")
        let file = cache.join(format!("{}.json", hex(&sha1::Sha1::digest(b"corp"))));
        std::fs::write(
            &file,
            r#"{"startUrl":"https://corp.awsapps.com/start","expiresAt":"2026-12-06T03:00:00Z"}"#,
        )
        .expect("write");
        let sign_in = sign_in_of("oncall", CONFIG, home.path());
        assert_eq!(
            sign_in,
            SignIn::Sso {
                session: Some("corp".into()),
                start_url: Some("https://corp.awsapps.com/start".into()),
                expires_at: Some(
                    DateTime::parse_from_rfc3339("2026-12-06T03:00:00Z")
                        .expect("t")
                        .with_timezone(&Utc)
                ),
            }
        );
        let text = advice_for("oncall", true, &sign_in, now()).expect("advice");
        assert_eq!(
            text,
            "the credentials of profile `oncall` come from the SSO session `corp` \
             (https://corp.awsapps.com/start): its token expired at 2026-12-06 03:00 UTC (5h \
             ago). Run `aws sso login --profile oncall`, then retry (r in the console)"
        );
    }

    #[test]
    fn the_cache_file_is_named_after_the_sha1_of_the_session() {
        // Known vector: sha1("abc").
        assert_eq!(
            hex(&sha1::Sha1::digest(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }

    #[test]
    fn a_legacy_start_url_and_a_missing_cache_say_not_logged_in() {
        let home = tempfile::tempdir().expect("tempdir");
        let sign_in = sign_in_of("legacy", CONFIG, home.path());
        let text = advice_for("legacy", true, &sign_in, now()).expect("advice");
        assert!(
            text.contains("SSO start URL https://old.awsapps.com/start"),
            "{text}"
        );
        assert!(text.contains("no token of it is cached"), "{text}");
        assert!(text.contains("`aws sso login --profile legacy`"), "{text}");
    }

    #[test]
    fn a_login_session_profile_says_aws_login() {
        let home = tempfile::tempdir().expect("tempdir");
        let cache = home.path().join(".aws/login/cache");
        std::fs::create_dir_all(&cache).expect("mkdir");
        let session = "arn:aws:iam::111111111111:user/alice";
        let file = cache.join(format!("{}.json", hex(&sha2::Sha256::digest(session))));
        std::fs::write(
            &file,
            r#"{"accessToken":{"expiresAt":"2026-12-06T07:45:00Z"}}"#,
        )
        .expect("write");
        let sign_in = sign_in_of("console", CONFIG, home.path());
        let text = advice_for("console", true, &sign_in, now()).expect("advice");
        assert!(text.contains("profile `console`"), "{text}");
        assert!(text.contains(&format!("login_session {session}")), "{text}");
        assert!(
            text.contains("expired at 2026-12-06 07:45 UTC (15m ago)"),
            "{text}"
        );
        assert!(text.contains("Run `aws login --profile console`"), "{text}");
    }

    #[test]
    fn the_default_profile_not_named_gets_no_flag_and_keys_get_configure() {
        let home = tempfile::tempdir().expect("tempdir");
        assert_eq!(
            advice_for(
                "default",
                false,
                &sign_in_of("default", CONFIG, home.path()),
                now()
            ),
            None
        );
        let text = advice_for(
            "keys",
            true,
            &sign_in_of("keys", CONFIG, home.path()),
            now(),
        )
        .expect("advice");
        assert!(text.contains("`aws configure --profile keys`"), "{text}");
    }
}
