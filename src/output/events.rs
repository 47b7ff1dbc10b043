//! `events`: the feed as JSON (`[{cluster, service_name, id, created_at, message}]`,
//! newest first) and as a table (time, age, service, message — escaped).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::json::rfc3339;
use super::table::Table;
use crate::analysis::age::short_age;
use crate::analysis::events::FeedEvent;

#[derive(Debug, Serialize)]
pub struct EventJson {
    pub cluster: String,
    pub service_name: String,
    pub id: String,
    pub created_at: Option<String>,
    pub message: String,
}

impl From<&FeedEvent> for EventJson {
    fn from(e: &FeedEvent) -> Self {
        Self {
            cluster: e.cluster.clone(),
            service_name: e.service.clone(),
            id: e.id.clone(),
            created_at: rfc3339(e.at),
            message: e.message.clone(),
        }
    }
}

/// The feed as a table, or a line saying it is empty.
pub fn events_text(events: &[FeedEvent], now: DateTime<Utc>) -> String {
    if events.is_empty() {
        return "no events\n".into();
    }
    let mut t = Table::new(["TIME", "AGE", "SERVICE", "MESSAGE"]);
    for e in events {
        t.row(vec![
            e.at.map_or_else(|| "-".into(), |at| at.format("%H:%M:%S").to_string()),
            short_age(e.at, now),
            format!("{}/{}", e.cluster, e.service),
            e.message.clone(),
        ]);
    }
    t.render()
}
