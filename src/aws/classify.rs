//! Turns SDK errors into `AwsError`s that name the IAM action, region and endpoint, and
//! sort the failure into a kind the user can act on.

use aws_sdk_ecs::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use crate::error::{AwsError, AwsErrorKind};

/// Where calls of one adapter go: used to label every error it returns.
#[derive(Debug, Clone, Default)]
pub struct CallContext {
    pub region: String,
    pub endpoint: Option<String>,
}

impl CallContext {
    /// A closure for `map_err` that labels an SDK error with the IAM action of the call.
    pub fn err<E, R>(&self, action: &'static str) -> impl FnOnce(SdkError<E, R>) -> AwsError + '_
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        move |e| classify(action, self, &e)
    }

    /// An error for a call that returned something ecsnap cannot use.
    pub fn odd_answer(&self, action: &'static str, message: impl Into<String>) -> AwsError {
        AwsError {
            action,
            region: self.region.clone(),
            endpoint: self.endpoint.clone(),
            kind: AwsErrorKind::Other,
            code: None,
            message: message.into(),
        }
    }
}

fn classify<E, R>(action: &'static str, ctx: &CallContext, err: &SdkError<E, R>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let chain = DisplayErrorContext(err).to_string();
    let (kind, code, message) = match err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let code = e.code().map(str::to_string);
            let message = e.message().unwrap_or_default().to_string();
            (kind_of_code(code.as_deref()), code, message)
        }
        SdkError::TimeoutError(_) => (AwsErrorKind::Timeout, None, String::new()),
        SdkError::DispatchFailure(d) => (
            kind_of_dispatch_failure(&chain, d.is_timeout()),
            None,
            root_cause(&chain),
        ),
        _ => {
            let kind = if mentions_credentials(&chain) {
                AwsErrorKind::NoCredentials
            } else if chain.contains("region") && chain.contains("No region") {
                AwsErrorKind::NoRegion
            } else {
                AwsErrorKind::Other
            };
            (kind, None, root_cause(&chain))
        }
    };
    AwsError {
        action,
        region: ctx.region.clone(),
        endpoint: ctx.endpoint.clone(),
        kind,
        code,
        message,
    }
}

/// The error codes ECS, ECR, EC2 and STS use, sorted by what the user should do.
pub fn kind_of_code(code: Option<&str>) -> AwsErrorKind {
    match code.unwrap_or_default() {
        "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" => {
            AwsErrorKind::AccessDenied
        }
        "ExpiredToken"
        | "ExpiredTokenException"
        | "InvalidClientTokenId"
        | "AuthFailure"
        | "UnrecognizedClientException"
        | "SignatureDoesNotMatch"
        | "RequestExpired" => AwsErrorKind::ExpiredCredentials,
        "Throttling"
        | "ThrottlingException"
        | "RequestLimitExceeded"
        | "TooManyRequestsException" => AwsErrorKind::Throttled,
        "ClusterNotFoundException"
        | "ServiceNotFoundException"
        | "RepositoryNotFoundException"
        | "ImageNotFoundException"
        | "InvalidVolume.NotFound"
        | "InvalidSnapshot.NotFound" => AwsErrorKind::NotFound,
        "" => AwsErrorKind::Other,
        _ => AwsErrorKind::Service,
    }
}

/// A request that never left: no credentials (the provider chain found none, or IMDS
/// refused or is switched off), a timeout, or the network.
fn kind_of_dispatch_failure(chain: &str, is_timeout: bool) -> AwsErrorKind {
    if mentions_credentials(chain) {
        AwsErrorKind::NoCredentials
    } else if is_timeout {
        AwsErrorKind::Timeout
    } else {
        AwsErrorKind::Unreachable
    }
}

fn mentions_credentials(chain: &str) -> bool {
    let lower = chain.to_ascii_lowercase();
    lower.contains("no credentials")
        || lower.contains("credentialsnotloaded")
        || lower.contains("failed to load credentials")
        || lower.contains("loading credentials")
        || lower.contains("credentials provider")
        || lower.contains("credential provider")
        || lower.contains("provided credentials")
        // The instance metadata service, the last link of the default chain, refused
        // (disabled on the instance, or no role) or could not be asked.
        || lower.contains("imds")
}

/// The innermost cause of an error chain (`a: b: c (DebugDump(..))` → `c`), which is the
/// useful part: the first line, without the trailing debug dump.
fn root_cause(chain: &str) -> String {
    let line = chain.lines().next().unwrap_or_default();
    let dump = line.match_indices(" (").map(|(i, _)| i).find(|&i| {
        let rest = &line[i + 2..];
        let ident: String = rest
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        ident.starts_with(|c: char| c.is_ascii_uppercase()) && rest[ident.len()..].starts_with('(')
    });
    let line = dump.map_or(line, |i| &line[..i]);
    line.rsplit(": ").next().unwrap_or(line).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_into_kinds() {
        let cases = [
            (Some("AccessDeniedException"), AwsErrorKind::AccessDenied),
            (Some("UnauthorizedOperation"), AwsErrorKind::AccessDenied),
            (Some("AccessDenied"), AwsErrorKind::AccessDenied),
            (Some("ExpiredToken"), AwsErrorKind::ExpiredCredentials),
            (Some("ThrottlingException"), AwsErrorKind::Throttled),
            (Some("RequestLimitExceeded"), AwsErrorKind::Throttled),
            (Some("ClusterNotFoundException"), AwsErrorKind::NotFound),
            (Some("InvalidParameterException"), AwsErrorKind::Service),
            (None, AwsErrorKind::Other),
        ];
        for (code, kind) in cases {
            assert_eq!(kind_of_code(code), kind, "{code:?}");
        }
    }

    #[test]
    fn missing_credentials_are_not_called_a_network_problem() {
        let cases = [
            // IMDS answering 403 (disabled on the instance, or switched off) as the last
            // link of the chain: the message the issue quoted.
            (
                "dispatch failure: other: an error occurred while loading credentials: failed \
                 to load IMDS session token: request forbidden: IMDS is disabled or the caller \
                 has insufficient permissions.",
                false,
                AwsErrorKind::NoCredentials,
            ),
            (
                "dispatch failure: other: the credential provider was not enabled: no providers \
                 in chain provided credentials",
                false,
                AwsErrorKind::NoCredentials,
            ),
            (
                "dispatch failure: io error: Connection refused (os error 111)",
                false,
                AwsErrorKind::Unreachable,
            ),
            (
                "dispatch failure: timeout: connect timed out",
                true,
                AwsErrorKind::Timeout,
            ),
        ];
        for (chain, timeout, want) in cases {
            assert_eq!(kind_of_dispatch_failure(chain, timeout), want, "{chain}");
        }
        let text = AwsError {
            action: "ecs:ListClusters",
            region: "us-east-1".into(),
            endpoint: None,
            kind: AwsErrorKind::NoCredentials,
            code: None,
            message: root_cause(cases[0].0),
        }
        .to_string();
        assert!(text.contains("no AWS credentials found"), "{text}");
        assert!(!text.contains("cannot reach"), "{text}");
        for how in [
            "--profile",
            "aws sso login",
            "aws configure",
            "AWS_ACCESS_KEY_ID",
        ] {
            assert!(text.contains(how), "{how}: {text}");
        }
    }

    #[test]
    fn root_cause_is_the_innermost_message() {
        let cases = [
            (
                "dispatch failure: io error: Connection refused (os error 111)",
                "Connection refused (os error 111)",
            ),
            (
                "dispatch failure: io error: client error (Connect): tcp connect error: \
                 Connection refused (os error 111) (DispatchFailure(DispatchFailure { source: \
                 ConnectorError { kind: Io } }))",
                "Connection refused (os error 111)",
            ),
            ("first line: cause\n  second line", "cause"),
            ("", ""),
        ];
        for (chain, want) in cases {
            assert_eq!(root_cause(chain), want, "{chain}");
        }
    }
}
