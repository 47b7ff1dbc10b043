//! The library's error type. Every variant says what failed, on which resource and region,
//! and what the user can do about it; `exit_code` maps it onto the CLI contract.

use std::fmt;
use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Exit codes of the command line (DESIGN.md, "Command line").
pub mod exit {
    pub const OK: i32 = 0;
    pub const ERROR: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const ROLLOUT_FAILED: i32 = 3;
    pub const TIMED_OUT: i32 = 4;
    pub const REFUSED: i32 = 5;
    /// Interrupted (Ctrl-C, SIGINT, SIGTERM; in the console also SIGHUP and SIGQUIT):
    /// 128 + SIGINT, as shells report it.
    pub const INTERRUPTED: i32 = 130;
    /// A bug: ecsnap panicked (the backtrace is in the log file), as Rust reports it.
    pub const PANIC: i32 = 101;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Aws(#[from] AwsError),
    #[error("config file {path}: {message}")]
    Config { path: PathBuf, message: String },
    #[error("{0}")]
    Usage(String),
    #[error("{kind} `{name}` not found{scope}{hint}", scope = in_scope(.scope.as_deref()), hint = close_names_hint(.close))]
    NotFound {
        kind: &'static str,
        name: String,
        scope: Option<String>,
        close: Vec<String>,
    },
    #[error("refused: {0}")]
    Refused(String),
    #[error("rollout failed: {0}")]
    RolloutFailed(String),
    #[error("timed out: {0}")]
    TimedOut(String),
    /// An interrupt stopped the request before it was sent.
    #[error("interrupted: {0}")]
    Interrupted(String),
    #[error("local AWS emulator: {0}")]
    Emulator(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

fn in_scope(scope: Option<&str>) -> String {
    scope.map(|s| format!(" in {s}")).unwrap_or_default()
}

fn close_names_hint(close: &[String]) -> String {
    if close.is_empty() {
        String::new()
    } else {
        format!("; did you mean: {}?", close.join(", "))
    }
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => exit::USAGE,
            Error::Refused(_) => exit::REFUSED,
            Error::RolloutFailed(_) => exit::ROLLOUT_FAILED,
            Error::TimedOut(_) => exit::TIMED_OUT,
            Error::Interrupted(_) => exit::INTERRUPTED,
            _ => exit::ERROR,
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

/// Whether an error, as shown, says the credentials are missing or expired (the console's
/// panes keep errors as text; these are the phrases `AwsError` writes for those kinds).
pub fn is_credentials_error(text: &str) -> bool {
    [
        "no AWS credentials found",
        "no usable AWS credentials",
        "the AWS credentials are expired or invalid",
    ]
    .iter()
    .any(|p| text.contains(p))
}

/// What kind of AWS failure this is; decides the advice printed with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsErrorKind {
    AccessDenied,
    NoCredentials,
    ExpiredCredentials,
    NoRegion,
    Unreachable,
    Timeout,
    Throttled,
    NotFound,
    Service,
    /// The endpoint does not know the operation (an older endpoint, an emulator): callers
    /// fall back to what they did without it.
    Unsupported,
    Other,
}

/// A failed AWS call, with the IAM action it needed and where it was sent.
#[derive(Debug, Clone)]
pub struct AwsError {
    /// The IAM action of the call, e.g. `ecs:DescribeServices`.
    pub action: &'static str,
    pub region: String,
    pub endpoint: Option<String>,
    pub kind: AwsErrorKind,
    /// The service's error code, when it sent one.
    pub code: Option<String>,
    /// For missing or expired credentials, what exactly to do for the profile in use
    /// (`aws::credentials`) may lead it, split from the cause by [`HINT_SEPARATOR`]
    /// (`AwsError::with_hint`; kept in the message so `Error` stays small).
    pub message: String,
}

/// Splits a credential error's advice from its cause in `AwsError::message` (a control
/// character: never in an AWS message as shown, which is escaped).
pub const HINT_SEPARATOR: char = '\u{1f}';

impl AwsError {
    /// The message led by `hint` (what to do, replacing the generic advice).
    #[must_use]
    pub fn with_hint(mut self, hint: Option<String>) -> Self {
        if let Some(h) = hint {
            self.message = format!("{h}{HINT_SEPARATOR}{}", self.message);
        }
        self
    }

    /// The advice and the cause, when a hint leads the message.
    pub fn hint(&self) -> Option<(&str, &str)> {
        self.message.split_once(HINT_SEPARATOR)
    }
}

impl std::error::Error for AwsError {}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (action, region) = (self.action, &self.region);
        let said = if self.message.is_empty() {
            String::new()
        } else {
            format!(" (AWS said: {})", self.message)
        };
        let cause = if self.message.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.message)
        };
        if let (Some((hint, why)), AwsErrorKind::NoCredentials | AwsErrorKind::ExpiredCredentials) =
            (self.hint(), self.kind)
        {
            let what = if self.kind == AwsErrorKind::NoCredentials {
                "no usable AWS credentials"
            } else {
                "the AWS credentials are expired or invalid"
            };
            let why = if why.is_empty() {
                String::new()
            } else {
                format!(" ({why})")
            };
            return write!(f, "{action} in {region}: {what}: {hint}{why}");
        }
        match self.kind {
            AwsErrorKind::AccessDenied => write!(
                f,
                "{action} was denied in {region}: the identity in use lacks the IAM permission \
                 `{action}`. Add it to the role or policy (README: IAM permissions){said}"
            ),
            AwsErrorKind::NoCredentials => write!(
                f,
                "{action} in {region}: no AWS credentials found. Pass --profile (or set \
                 AWS_PROFILE), run `aws sso login` for an SSO profile, `aws configure` to \
                 store keys, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY{cause}"
            ),
            AwsErrorKind::ExpiredCredentials => write!(
                f,
                "{action} in {region}: the AWS credentials are expired or invalid. Refresh them \
                 (`aws sso login`, or new keys) and retry{said}"
            ),
            AwsErrorKind::NoRegion => write!(
                f,
                "{action}: no AWS region is set. Pass --region, set AWS_REGION, or set `region` \
                 in the profile"
            ),
            AwsErrorKind::Unreachable => write!(
                f,
                "{action}: cannot reach {} in {region}{cause}. Check the network, proxy and \
                 --endpoint-url",
                self.endpoint_label()
            ),
            AwsErrorKind::Timeout => write!(
                f,
                "{action}: {} in {region}: {}. Gave up; check the network, proxy and \
                 --endpoint-url, then retry (docs/errors.md: timeouts)",
                self.endpoint_label(),
                if self.message.is_empty() {
                    "no answer in time"
                } else {
                    &self.message
                }
            ),
            AwsErrorKind::Throttled => write!(
                f,
                "{action} in {region} was throttled and retries ran out. Wait a minute and retry, \
                 or lower the concurrency{said}"
            ),
            AwsErrorKind::Unsupported => write!(
                f,
                "{action} is not supported by {} in {region} (an older endpoint or an \
                 emulator without it){cause}",
                self.endpoint_label()
            ),
            AwsErrorKind::NotFound | AwsErrorKind::Service | AwsErrorKind::Other => {
                let code = self
                    .code
                    .as_deref()
                    .map(|c| format!(" {c}"))
                    .unwrap_or_default();
                if code.is_empty() && self.message.trim().is_empty() {
                    // Never an empty reason: say what is known.
                    return write!(
                        f,
                        "{action} in {region} failed: {} gave no reason (error kind: {:?})",
                        self.endpoint_label(),
                        self.kind
                    );
                }
                write!(f, "{action} in {region} failed:{code} {}", self.message)
            }
        }
    }
}

impl AwsError {
    fn endpoint_label(&self) -> String {
        match &self.endpoint {
            Some(url) => format!("the endpoint {url}"),
            None => "AWS".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(kind: AwsErrorKind) -> AwsError {
        AwsError {
            action: "ec2:DescribeVolumes",
            region: "eu-west-1".into(),
            endpoint: Some("http://127.0.0.1:9".into()),
            kind,
            code: Some("UnauthorizedOperation".into()),
            message: "You are not authorized".into(),
        }
    }

    #[test]
    fn access_denied_names_the_permission_and_region() {
        let text = err(AwsErrorKind::AccessDenied).to_string();
        assert!(text.contains("`ec2:DescribeVolumes`"), "{text}");
        assert!(text.contains("eu-west-1"), "{text}");
    }

    #[test]
    fn unreachable_names_the_endpoint() {
        let text = err(AwsErrorKind::Unreachable).to_string();
        assert!(text.contains("http://127.0.0.1:9"), "{text}");
        assert!(text.contains("eu-west-1"), "{text}");
    }

    #[test]
    fn a_reason_is_never_empty() {
        for kind in [
            AwsErrorKind::Other,
            AwsErrorKind::Service,
            AwsErrorKind::NotFound,
        ] {
            let e = AwsError {
                code: None,
                message: String::new(),
                ..err(kind)
            };
            let text = e.to_string();
            assert!(text.contains("ec2:DescribeVolumes"), "{text}");
            assert!(text.contains("http://127.0.0.1:9"), "{text}");
            assert!(text.contains("gave no reason"), "{text}");
            assert!(!text.trim_end().ends_with(':'), "{text}");
        }
        let timeout = AwsError {
            code: None,
            message: String::new(),
            ..err(AwsErrorKind::Timeout)
        };
        assert!(timeout.to_string().contains("no answer in time"));
    }

    #[test]
    fn not_found_lists_close_names() {
        let e = Error::NotFound {
            kind: "cluster",
            name: "payment".into(),
            scope: Some("us-east-1".into()),
            close: vec!["payments-prod".into()],
        };
        assert_eq!(
            e.to_string(),
            "cluster `payment` not found in us-east-1; did you mean: payments-prod?"
        );
        assert_eq!(e.exit_code(), exit::ERROR);
    }

    #[test]
    fn exit_codes_follow_the_contract() {
        assert_eq!(Error::Refused("x".into()).exit_code(), 5);
        assert_eq!(Error::TimedOut("x".into()).exit_code(), 4);
        assert_eq!(Error::RolloutFailed("x".into()).exit_code(), 3);
        assert_eq!(Error::Usage("x".into()).exit_code(), 2);
    }
}
