//! Events pane state: one feed of every service's events in view (every place's),
//! newest first, built from the services already loaded — it reads nothing of its own and
//! is rebuilt whenever the services answer, so it follows them live.

use std::cmp::Ordering;

use crate::analysis::events::{FeedEvent, events_of, newest_first};
use crate::tui::state::list::{ListPane, Row, by};
use crate::tui::state::services::ServicesPane;

pub const SORT_COLUMNS: &[&str] = &["time", "service"];

#[derive(Debug, Clone)]
pub struct EventRow {
    pub event: FeedEvent,
    /// The place of its service (a console on several places).
    pub place: Option<usize>,
    key: String,
}

impl EventRow {
    fn new(event: FeedEvent, place: Option<usize>) -> Self {
        let key = format!(
            "{}:{}/{}/{}",
            place.map_or_else(String::new, |p| p.to_string()),
            event.cluster,
            event.service,
            event.id
        );
        Self { event, place, key }
    }
}

impl Row for EventRow {
    fn key(&self) -> String {
        self.key.clone()
    }

    fn haystack(&self) -> String {
        format!(
            "{} {} {}",
            self.event.cluster, self.event.service, self.event.message
        )
        .to_lowercase()
    }

    fn compare(&self, o: &Self, column: usize) -> Ordering {
        match column {
            // Newest first.
            0 => newest_first(&self.event, &o.event).then_with(|| by(&self.key, &o.key)),
            _ => by(
                (&self.event.cluster, &self.event.service),
                (&o.event.cluster, &o.event.service),
            )
            .then_with(|| newest_first(&self.event, &o.event)),
        }
    }

    fn descending(column: usize) -> bool {
        column == 0
    }
}

#[derive(Debug, Clone)]
pub struct EventsPane {
    pub list: ListPane<EventRow>,
}

impl Default for EventsPane {
    fn default() -> Self {
        Self {
            list: ListPane::new(SORT_COLUMNS),
        }
    }
}

impl EventsPane {
    /// The services changed: rebuilt when the pane is `open` (it follows them live); else
    /// left for [`EventsPane::rebuild`] when it opens — a large account's listing, arriving
    /// cluster by cluster, rebuilds no feed nobody looks at.
    pub fn follow(&mut self, services: &ServicesPane, open: bool) {
        if open {
            self.rebuild(services);
        }
    }

    /// The feed of every service loaded (in the Services pane's cluster scope); the
    /// selection, filter and sort stay.
    pub fn rebuild(&mut self, services: &ServicesPane) {
        let rows = services
            .all
            .iter()
            .zip(&services.all_at)
            .filter(|(s, _)| {
                services
                    .cluster_scope
                    .as_ref()
                    .is_none_or(|c| &s.cluster == c)
            })
            .flat_map(|(s, place)| events_of(s).map(move |e| EventRow::new(e, *place)))
            .collect();
        self.list.set_rows(rows);
    }
}
