//! Container logs: where a container's logs go (`LogSource`) and the lines read back
//! (`LogEvent`, `LogPage`).

use chrono::{DateTime, Utc};

/// A container definition's `logConfiguration`: the driver and its options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogConfiguration {
    pub driver: String,
    pub options: Vec<(String, String)>,
}

impl LogConfiguration {
    /// The value of one option (`awslogs-group` …).
    pub fn option(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Where one container's logs can be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogSource {
    /// CloudWatch Logs, readable by ecsnap.
    Awslogs {
        group: String,
        stream: String,
        region: String,
    },
    /// Somewhere ecsnap does not read: `where_` says where they go (or why none are kept).
    Other { driver: String, where_: String },
}

/// One log line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogEvent {
    pub timestamp: DateTime<Utc>,
    pub message: String,
    /// Filled where the lines of several containers or tasks are merged.
    pub task_id: String,
    pub container: String,
}

/// One GetLogEvents answer: the events oldest to newest and the tokens to page on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogPage {
    pub events: Vec<LogEvent>,
    /// Pages older lines.
    pub next_backward_token: Option<String>,
    /// Reads lines newer than this page (follow).
    pub next_forward_token: Option<String>,
}

/// The last lines of one container (the wait view, a failed `--wait`): the newest few, or
/// why there are none (another log driver, a missing stream, a denied read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastLines {
    pub container: String,
    pub lines: Result<Vec<LogEvent>, String>,
}
