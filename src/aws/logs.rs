//! CloudWatch Logs adapter: GetLogEvents (the newest page, older pages by the backward
//! token, newer lines by the forward token).

use async_trait::async_trait;
use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;
use chrono::DateTime;

use super::api::LogsApi;
use super::classify::CallContext;
use crate::error::{AwsError, Error, Result};
use crate::model::{LogEvent, LogPage};

/// GetLogEvents answers at most 10,000 events (1 MB) a call.
pub const GET_LOG_EVENTS_MAX: i32 = 10_000;

pub struct LogsAdapter {
    client: Client,
    ctx: CallContext,
}

impl LogsAdapter {
    pub fn new(client: Client, ctx: CallContext) -> Self {
        Self { client, ctx }
    }

    /// A missing group or stream names it; anything else keeps its classification.
    fn missing(&self, e: AwsError, group: &str, stream: Option<&str>) -> Error {
        if e.code.as_deref() != Some("ResourceNotFoundException") {
            return e.into();
        }
        let stream_missing = e.message.to_ascii_lowercase().contains("stream");
        match stream {
            Some(stream) if stream_missing => Error::NotFound {
                kind: "log stream",
                name: stream.to_string(),
                scope: Some(format!(
                    "log group {group} ({}; {})",
                    self.ctx.region, e.action
                )),
                close: Vec::new(),
            },
            _ => Error::NotFound {
                kind: "log group",
                name: group.to_string(),
                scope: Some(format!("{} ({})", self.ctx.region, e.action)),
                close: Vec::new(),
            },
        }
    }
}

fn event(timestamp: Option<i64>, message: Option<&str>) -> LogEvent {
    LogEvent {
        timestamp: timestamp
            .and_then(DateTime::from_timestamp_millis)
            .unwrap_or_default(),
        message: message
            .unwrap_or_default()
            .trim_end_matches('\n')
            .to_string(),
        ..LogEvent::default()
    }
}

#[async_trait]
impl LogsApi for LogsAdapter {
    async fn get_log_events(
        &self,
        group: &str,
        stream: &str,
        token: Option<&str>,
        from_head: bool,
        limit: Option<i32>,
        start_time: Option<i64>,
    ) -> Result<LogPage> {
        // Sent with a token too: AWS asks for `startFromHead=true` whenever a
        // `nextForwardToken` is passed, and `false` (the default) pages backward.
        let req = self
            .client
            .get_log_events()
            .log_group_name(group)
            .log_stream_name(stream)
            .set_next_token(token.map(str::to_string))
            .set_limit(limit.map(|l| l.clamp(1, GET_LOG_EVENTS_MAX)))
            .set_start_time(start_time)
            .start_from_head(from_head);
        let out = req.send().await.map_err(|e| {
            let code = e.code().map(str::to_string);
            let mut err = self.ctx.err("logs:GetLogEvents")(e);
            err.code = err.code.or(code);
            self.missing(err, group, Some(stream))
        })?;
        Ok(LogPage {
            events: out
                .events()
                .iter()
                .map(|e| event(e.timestamp(), e.message()))
                .collect(),
            next_backward_token: out.next_backward_token().map(str::to_string),
            next_forward_token: out.next_forward_token().map(str::to_string),
        })
    }
}
