//! How a mutating call was answered, beyond its result: how many attempts the SDK made
//! (a retry means an earlier attempt's answer was lost, so a NotFound after it may be our
//! own delete), and whether an error leaves the outcome unknown (the connection dropped,
//! a timeout, retries that ended in a transport or server error). `ops::guard::Mutator`
//! re-reads the resource in those cases before it reports.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use aws_sdk_ec2::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_ec2::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_ec2::error::BoxError;

use crate::error::{AwsError, AwsErrorKind, Error, Result};

/// The result of a mutating call and how many attempts it took.
#[derive(Debug)]
pub struct Sent<T> {
    pub result: Result<T>,
    /// Attempts the SDK made (1 when it was not retried).
    pub attempts: u32,
}

impl<T> Sent<T> {
    /// Whether the SDK sent the request more than once.
    pub fn retried(&self) -> bool {
        self.attempts > 1
    }
}

/// Counts the attempts of one operation (an interceptor added per call).
#[derive(Debug, Clone, Default)]
pub struct Attempts(Arc<AtomicU32>);

impl Attempts {
    pub fn count(&self) -> u32 {
        self.0.load(Ordering::Relaxed).max(1)
    }
}

impl Intercept for Attempts {
    fn name(&self) -> &'static str {
        "ecsnap::Attempts"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> std::result::Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// Server-side error codes after which a request may or may not have been applied.
const SERVER_CODES: [&str; 5] = [
    "InternalError",
    "InternalFailure",
    "ServiceUnavailable",
    "Unavailable",
    "ServerException",
];

/// Whether this failure leaves the outcome of a mutation unknown: no answer came back
/// (connection dropped, timeout), the answer could not be read, or retries ended in a
/// throttle or server error after earlier attempts whose answers were lost. A clear
/// refusal (denied, not found, invalid) is not.
pub fn answer_lost(e: &AwsError) -> bool {
    matches!(
        e.kind,
        AwsErrorKind::Timeout
            | AwsErrorKind::Unreachable
            | AwsErrorKind::Throttled
            | AwsErrorKind::Other
    ) || e.code.as_deref().is_some_and(|c| SERVER_CODES.contains(&c))
}

/// [`answer_lost`] for the crate's error type.
pub fn outcome_unknown(e: &Error) -> bool {
    matches!(e, Error::Aws(a) if answer_lost(a))
}

/// Whether AWS answered that the resource does not exist.
pub fn is_not_found(e: &Error) -> bool {
    matches!(e, Error::Aws(a) if a.kind == AwsErrorKind::NotFound)
}

/// Whether the endpoint does not know the operation (`AwsErrorKind::Unsupported`): an
/// older endpoint or an emulator; the caller falls back to what it did without it.
pub fn is_unsupported(e: &Error) -> bool {
    matches!(e, Error::Aws(a) if a.kind == AwsErrorKind::Unsupported)
}
