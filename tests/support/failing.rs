//! Mocked AWS errors: a rule that answers an operation with an HTTP error and a JSON body,
//! once or every time, and the bodies several tests send.

/// A rule answering operation `$op` (`aws_sdk_ecs::Client::list_tasks`) with HTTP
/// `$status` and the error `$body`, once — or every time, with `repeatedly` last.
macro_rules! failing {
    ($op:expr, $status:expr, $body:expr) => {
        aws_smithy_mocks::mock!($op)
            .sequence()
            .http_status($status, Some($body.to_string()))
            .build()
    };
    ($op:expr, $status:expr, $body:expr, repeatedly) => {
        aws_smithy_mocks::mock!($op)
            .sequence()
            .http_status($status, Some($body.to_string()))
            .repeatedly()
            .build()
    };
}
pub(crate) use failing;

/// An older endpoint's answer to an operation it does not have.
pub const UNKNOWN_OPERATION: &str = r#"{"__type":"UnknownOperationException"}"#;
