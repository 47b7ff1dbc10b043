//! Groups of JSON fields several outputs share, each flattened (`#[serde(flatten)]`) into
//! the objects that carry it: the keys stay at the top level of those objects, in place.

use std::time::Duration;

use serde::Serialize;

use crate::model::ClusterService;

/// What an action on one service says first: `action`, `cluster`, `service`, `dry_run`.
#[derive(Debug, Default, Serialize)]
pub struct ServiceActionJson {
    pub action: &'static str,
    /// `cluster` and `service`.
    #[serde(flatten)]
    pub service: ClusterService,
    pub dry_run: bool,
}

impl ServiceActionJson {
    pub fn new(action: &'static str, service: &ClusterService, dry_run: bool) -> Self {
        Self {
            action,
            service: service.clone(),
            dry_run,
        }
    }
}

/// How a watch ended: `status` (`reached`, `failed`, `timed_out` …) and `reason`, the
/// failure's (or what it waits for), `null` otherwise.
#[derive(Debug, Serialize)]
pub struct EndJson {
    pub status: &'static str,
    pub reason: Option<String>,
}

impl EndJson {
    pub fn new(status: &'static str, reason: Option<&String>) -> Self {
        Self {
            status,
            reason: reason.cloned(),
        }
    }
}

/// How long a watch took: `elapsed_secs` and `polls`.
#[derive(Debug, Serialize)]
pub struct PollsJson {
    pub elapsed_secs: u64,
    pub polls: u32,
}

impl PollsJson {
    pub fn new(elapsed: Duration, polls: u32) -> Self {
        Self {
            elapsed_secs: elapsed.as_secs(),
            polls,
        }
    }
}
