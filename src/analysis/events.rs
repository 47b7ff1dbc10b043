//! One feed of every service's events: merged by time, newest first, each naming its
//! service, narrowed by age and by text (case-insensitive). The `events` command and the
//! console's Events pane read it; the events are those DescribeServices already returns
//! (ECS keeps each service's latest 100), so the feed costs no call of its own.

use chrono::{DateTime, Utc};

use crate::model::Service;

/// One service event, with the service it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEvent {
    pub cluster: String,
    pub service: String,
    pub id: String,
    pub at: Option<DateTime<Utc>>,
    pub message: String,
}

/// What the feed keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedFilter {
    /// Only events at or after this time (events without a time are kept only without it).
    pub since: Option<DateTime<Utc>>,
    /// Only events whose message, cluster or service holds this text, any case.
    pub grep: Option<String>,
}

impl FeedFilter {
    fn keeps(&self, event: &FeedEvent) -> bool {
        let recent = match (self.since, event.at) {
            (None, _) => true,
            (Some(since), Some(at)) => at >= since,
            (Some(_), None) => false,
        };
        recent && self.grep.as_deref().is_none_or(|g| event.matches(g))
    }
}

impl FeedEvent {
    /// Whether the message, cluster or service holds `text`, any case.
    pub fn matches(&self, text: &str) -> bool {
        let text = text.to_lowercase();
        [&self.message, &self.cluster, &self.service]
            .iter()
            .any(|t| t.to_lowercase().contains(&text))
    }
}

/// One service's events, each naming the service.
pub fn events_of(service: &Service) -> impl Iterator<Item = FeedEvent> + '_ {
    service.events.iter().map(|e| FeedEvent {
        cluster: service.cluster.clone(),
        service: service.name.clone(),
        id: e.id.clone(),
        at: e.created_at,
        message: e.message.clone(),
    })
}

/// Every event of `services` that `filter` keeps, newest first (then by service and id,
/// so the order is stable); an event listed twice (the same id in one service) once.
pub fn feed(services: &[Service], filter: &FeedFilter) -> Vec<FeedEvent> {
    let mut events: Vec<FeedEvent> = services
        .iter()
        .flat_map(events_of)
        .filter(|e| filter.keeps(e))
        .collect();
    events.sort_by(newest_first);
    events.dedup_by(|a, b| a.cluster == b.cluster && a.service == b.service && a.id == b.id);
    events
}

/// The feed's order: newest first, then by cluster, service and id.
pub fn newest_first(a: &FeedEvent, b: &FeedEvent) -> std::cmp::Ordering {
    b.at.cmp(&a.at)
        .then_with(|| (&a.cluster, &a.service, &a.id).cmp(&(&b.cluster, &b.service, &b.id)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::utc;
    use crate::model::ServiceEvent;
    use chrono::Duration;

    fn now() -> DateTime<Utc> {
        utc(2026, 12, 6, 3, 0)
    }

    fn service(cluster: &str, name: &str, events: &[(&str, i64, &str)]) -> Service {
        Service {
            cluster: cluster.into(),
            name: name.into(),
            events: events
                .iter()
                .map(|(id, minutes, message)| ServiceEvent {
                    id: (*id).into(),
                    created_at: Some(now() - Duration::minutes(*minutes)),
                    message: (*message).into(),
                })
                .collect(),
            ..Service::default()
        }
    }

    fn fleet() -> Vec<Service> {
        vec![
            service(
                "payments-prod",
                "checkout",
                &[
                    ("c2", 2, "(service checkout) was unable to place a task"),
                    ("c1", 50, "(service checkout) has reached a steady state."),
                ],
            ),
            service(
                "search-staging",
                "crawler",
                &[("w1", 10, "(service crawler) has started 1 tasks")],
            ),
        ]
    }

    #[test]
    fn events_of_every_service_merge_newest_first_naming_their_service() {
        let got = feed(&fleet(), &FeedFilter::default());
        let order: Vec<(&str, &str)> = got
            .iter()
            .map(|e| (e.service.as_str(), e.id.as_str()))
            .collect();
        assert_eq!(
            order,
            [("checkout", "c2"), ("crawler", "w1"), ("checkout", "c1")]
        );
    }

    #[test]
    fn since_and_grep_narrow_the_feed() {
        let filter = FeedFilter {
            since: Some(now() - Duration::minutes(30)),
            grep: Some("UNABLE TO PLACE".into()),
        };
        let got = feed(&fleet(), &filter);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].id, "c2");
        let by_service = FeedFilter {
            grep: Some("crawler".into()),
            ..FeedFilter::default()
        };
        assert_eq!(feed(&fleet(), &by_service).len(), 1);
    }

    #[test]
    fn an_event_listed_twice_shows_once() {
        let mut services = fleet();
        let again = services[0].events[0].clone();
        services[0].events.push(again);
        assert_eq!(feed(&services, &FeedFilter::default()).len(), 3);
    }
}
