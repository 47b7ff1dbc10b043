//! Turns SDK errors into `AwsError`s that name the IAM action, region and endpoint, and
//! sort the failure into a kind the user can act on.

use aws_sdk_ecs::config::http::HttpResponse;
use aws_sdk_ecs::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use crate::error::{AwsError, AwsErrorKind};

/// Where calls of one adapter go: used to label every error it returns.
#[derive(Debug, Clone, Default)]
pub struct CallContext {
    pub region: String,
    pub endpoint: Option<String>,
    /// The AWS profile named (`--profile`, `AWS_PROFILE`): a credential error names it.
    pub profile: Option<String>,
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

    /// `err` for an operation older endpoints may not know (the service deployments and
    /// revisions): besides an `UnknownOperationException`, an emulator's bare HTTP 500,
    /// 501 or 404 page (moto answers an operation it lacks with an HTML 500) from an
    /// `--endpoint-url` is `Unsupported`, so callers can fall back. From AWS itself such
    /// a page stays what it is (a proxy's, most likely).
    pub fn err_newer<E, R>(
        &self,
        action: &'static str,
    ) -> impl FnOnce(SdkError<E, R>) -> AwsError + '_
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        move |e| unsupported_by_emulator(classify(action, self, &e))
    }

    /// What an answer of `action` was expected to hold: `value`, or (when the answer
    /// lacks it) an [`Self::odd_answer`] error saying `missing`.
    pub fn present<T>(
        &self,
        action: &'static str,
        value: Option<T>,
        missing: impl Into<String>,
    ) -> crate::error::Result<T> {
        value.ok_or_else(|| self.odd_answer(action, missing).into())
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
    let endpoint = ctx.endpoint.as_deref();
    // Every SDK call answers with an `HttpResponse`; other raw types have no status to read.
    let strange = err
        .raw_response()
        .and_then(|raw| (raw as &dyn std::any::Any).downcast_ref::<HttpResponse>())
        .and_then(|raw| strange_answer(raw, endpoint));
    let (kind, code, message) = match err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let code = e.code().map(str::to_string);
            let message = e.message().unwrap_or_default().to_string();
            match strange {
                // Not an AWS error at all: a proxy's page, an empty or unreadable body.
                Some(what) if code.is_none() || message.is_empty() => {
                    (AwsErrorKind::Other, None, what)
                }
                _ => (kind_of_code(code.as_deref()), code, message),
            }
        }
        SdkError::ResponseError(_) if strange.is_some() => {
            (AwsErrorKind::Other, None, strange.unwrap_or_default())
        }
        SdkError::TimeoutError(_) => (AwsErrorKind::Timeout, None, no_answer_within(&chain)),
        SdkError::DispatchFailure(d) if d.is_timeout() && !mentions_credentials(&chain) => {
            (AwsErrorKind::Timeout, None, no_answer_within(&chain))
        }
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
    // Missing or expired credentials: the profile, how it signs in, when its token
    // expires and the command to run, from the config file and the token caches.
    let hint = matches!(
        kind,
        AwsErrorKind::NoCredentials | AwsErrorKind::ExpiredCredentials
    )
    .then(|| super::credentials::advice(ctx.profile.as_deref(), crate::config::now()))
    .flatten();
    AwsError {
        action,
        region: ctx.region.clone(),
        endpoint: ctx.endpoint.clone(),
        kind,
        code,
        message,
    }
    .with_hint(hint)
}

/// An emulator's page instead of an answer to an operation it does not implement.
fn unsupported_by_emulator(mut e: AwsError) -> AwsError {
    let page = e.kind == AwsErrorKind::Other
        && e.code.is_none()
        && e.endpoint.is_some()
        && ["HTTP 500 ", "HTTP 501 ", "HTTP 404 "]
            .iter()
            .any(|p| e.message.starts_with(p));
    if page {
        e.kind = AwsErrorKind::Unsupported;
        // What it answered, without the proxy advice (the endpoint is named already).
        let answered = e.message.split(" from ").next().unwrap_or_default();
        e.message = format!("it answered {answered}");
    }
    e
}

/// What a timeout's message says about which limit ran out: `no answer within 3 s (...)`.
/// The SDK says `… occurred after 3s`; the kind of timeout comes from the words before it.
fn no_answer_within(chain: &str) -> String {
    let after = chain
        .split("occurred after ")
        .nth(1)
        .and_then(|rest| rest.split([' ', ')', ',', '\n']).next())
        .filter(|d| !d.is_empty());
    let Some(duration) = after else {
        return "no answer in time".to_string();
    };
    let amount = match duration.strip_suffix("ms") {
        Some(n) => format!("{n} ms"),
        None => format!("{} s", duration.trim_end_matches('s')),
    };
    let which = if chain.contains("connect timeout") {
        "while connecting; `[network] connect_timeout_secs`"
    } else if chain.contains("read timeout") || chain.contains("attempt timeout") {
        "one attempt; `[network] read_timeout_secs`"
    } else {
        "the whole call with its retries; `[network] operation_timeout_secs`"
    };
    format!("no answer within {amount} ({which})")
}

/// Advice for an answer that did not come from AWS.
pub const PROXY_HINT: &str = "a proxy or captive portal answered? Check HTTPS_PROXY / HTTP_PROXY and the endpoint \
     (--endpoint-url, AWS_ENDPOINT_URL)";

/// An answer that is not AWS's, named by its HTTP status: an HTML page (a proxy or a
/// captive portal), an empty body, or a body no AWS error parser could read. `None` for an
/// answer that looks like AWS's own. The body itself is never repeated (it could be
/// anything, control sequences included).
pub fn strange_answer(raw: &HttpResponse, endpoint: Option<&str>) -> Option<String> {
    let status = raw.status().as_u16();
    let from = endpoint.map_or_else(|| "AWS".to_string(), |e| format!("the endpoint {e}"));
    let body = raw.body().bytes().unwrap_or_default();
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim_start();
    let content_type = raw
        .headers()
        .get("content-type")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let lower = trimmed
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    let what = if trimmed.is_empty() {
        "an empty answer"
    } else if content_type.contains("html")
        || lower.starts_with("<!doctype html")
        || lower.contains("<html")
    {
        "an HTML page"
    } else if looks_like_aws(trimmed) {
        return None;
    } else {
        "an answer that is not AWS's (neither JSON nor XML)"
    };
    Some(format!(
        "HTTP {status} with {what} from {from} instead of an AWS answer: {PROXY_HINT}"
    ))
}

/// JSON or XML: what the AWS protocols answer with.
fn looks_like_aws(body: &str) -> bool {
    body.starts_with('{') || body.starts_with("<?xml") || body.starts_with('<')
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
        "UnknownOperationException"
        | "UnknownOperation"
        | "InvalidAction"
        | "NotImplemented"
        | "UnsupportedOperation"
        | "UnsupportedFeatureException" => AwsErrorKind::Unsupported,
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
            (Some("UnknownOperationException"), AwsErrorKind::Unsupported),
            (
                Some("UnsupportedFeatureException"),
                AwsErrorKind::Unsupported,
            ),
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
    fn timeouts_say_which_limit_ran_out() {
        let cases = [
            (
                "timeout: operation timeout (all attempts including retries) occurred after 60s",
                "no answer within 60 s (the whole call with its retries; \
                 `[network] operation_timeout_secs`)",
            ),
            (
                "dispatch failure: timeout: HTTP read timeout occurred after 20s",
                "no answer within 20 s (one attempt; `[network] read_timeout_secs`)",
            ),
            (
                "dispatch failure: timeout: client error (Connect): HTTP connect timeout \
                 occurred after 1.5s (DispatchFailure(..))",
                "no answer within 1.5 s (while connecting; `[network] connect_timeout_secs`)",
            ),
            (
                "timeout: operation attempt timeout (single attempt) occurred after 500ms",
                "no answer within 500 ms (one attempt; `[network] read_timeout_secs`)",
            ),
            ("timeout: something else", "no answer in time"),
        ];
        for (chain, want) in cases {
            assert_eq!(no_answer_within(chain), want, "{chain}");
        }
    }

    #[test]
    fn strange_answers_are_told_from_aws_ones() {
        let answer = |status: u16, body: &'static str| {
            HttpResponse::new(status.try_into().expect("status"), body.into())
        };
        let endpoint = Some("http://127.0.0.1:9");
        let cases = [
            (
                503,
                "<html><body>captive</body></html>",
                Some("HTTP 503 with an HTML page"),
            ),
            (
                403,
                "  <!DOCTYPE html><p>no</p>",
                Some("HTTP 403 with an HTML page"),
            ),
            (500, "", Some("HTTP 500 with an empty answer")),
            (
                502,
                "Bad Gateway",
                Some("HTTP 502 with an answer that is not AWS's"),
            ),
            (400, r#"{"__type":"ClientException","message":"x"}"#, None),
            (
                400,
                "<?xml version=\"1.0\"?><Response><Errors/></Response>",
                None,
            ),
        ];
        for (status, body, want) in cases {
            let got = strange_answer(&answer(status, body), endpoint);
            match want {
                None => assert_eq!(got, None, "{body}"),
                Some(w) => {
                    let got = got.unwrap_or_default();
                    assert!(got.starts_with(w), "{body}: {got}");
                    assert!(got.contains("http://127.0.0.1:9"), "{got}");
                    assert!(got.contains(PROXY_HINT), "{got}");
                    assert!(!got.contains("captive</body>"), "{got}");
                }
            }
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
