//! The why on the first screen: under the Services table, the selected service in a line
//! or two — its failed stops counted by class, ECS's verdict and its last event when it is
//! not steady, its last deployment when it is — and the same lines at the head of Detail.

use std::collections::HashMap;

use crate::asserts::{assert_has, assert_has_all, assert_lacks};
use crate::fixtures::{ago, deliver, key, listing, loaded_state, now, render};
use crossterm::event::KeyCode;
use ecsnap::analysis::stop::StopClass;
use ecsnap::analysis::why::{StopCount, Why};
use ecsnap::model::ServiceEvent;
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::msg::Listing;
use ecsnap::tui::state::pane_id::PaneId;

const CRAWLER: &str = "arn:aws:ecs:us-east-1:123456789012:service/search-staging/crawler";

/// crawler (FAILED, selected first) judged: two out-of-memory stops, the oldest 4m ago.
fn crawler_why() -> Why {
    Why {
        stops: vec![StopCount {
            class: StopClass::OutOfMemory,
            count: 2,
            exit_code: Some(137),
            since: now() - chrono::Duration::minutes(4),
        }],
        verdict: Some("tasks failed to start".into()),
        last_event: Some(ServiceEvent {
            id: "crawler-e1".into(),
            created_at: ago(90),
            message: "(service crawler) has reached a steady state.".into(),
        }),
        stops_error: None,
        alarms: Vec::new(),
        steady: false,
    }
}

fn judged(s: &mut AppState, generation: u64) {
    let whys: HashMap<String, Why> = [(CRAWLER.to_string(), crawler_why())].into();
    deliver(s, listing(generation, Listing::ServicesWhy(whys)));
}

#[test]
fn the_failing_service_says_why_under_the_table_at_80x24() {
    let mut s = loaded_state();
    let before = render(&s, 80, 24);
    // Its stopped tasks are still being read: the service's own last event shows.
    assert_has_all(
        &before,
        &[
            "crawler: ✗ FAILED · reading its stopped tasks…",
            "1h ago: (service crawler) has reached a steady state.",
        ],
    );
    let generation = s.services.loader.generation;
    judged(&mut s, generation);
    let screen = render(&s, 80, 24);
    assert_has_all(
        &screen,
        &[
            "crawler: ✗ FAILED · 2 tasks out of memory (exit 137) in 4m",
            "tasks failed to start · 1h ago: (service crawler)",
        ],
    );
    insta::assert_snapshot!("why_failed_80x24", screen);
    insta::assert_snapshot!("why_failed_120x40", render(&s, 120, 40));
}

#[test]
fn a_steady_service_shows_its_last_deployment() {
    let mut s = loaded_state();
    // Down from crawler (failed), worker (rolling), query (degraded) to a steady one.
    for _ in 0..3 {
        key(&mut s, KeyCode::Down);
    }
    let row = s.services.list.selected_row().expect("a row");
    assert!(row.steadiness.is_steady(), "{}", row.service.name);
    let name = row.service.name.clone();
    let screen = render(&s, 80, 24);
    assert_has(
        &screen,
        &format!("{name}: steady · last deployment 3d ago ({name}:"),
    );
}

#[test]
fn an_answer_of_an_older_load_is_dropped() {
    let mut s = loaded_state();
    let stale = s.services.loader.generation - 1;
    judged(&mut s, stale);
    assert_lacks(&render(&s, 80, 24), "out of memory");
}

#[test]
fn detail_opens_with_the_same_why() {
    let mut s = loaded_state();
    let generation = s.services.loader.generation;
    judged(&mut s, generation);
    // crawler is selected: d opens its detail.
    key(&mut s, KeyCode::Char('d'));
    assert_eq!(s.pane, PaneId::Detail);
    let screen = render(&s, 120, 40);
    let first = screen
        .lines()
        .skip_while(|l| !l.contains("Detail of"))
        .nth(1)
        .unwrap_or_default();
    assert!(
        first.contains("crawler: ✗ FAILED · 2 tasks out of memory (exit 137) in 4m"),
        "{screen}"
    );
}

#[test]
fn the_failing_services_reason_stays_on_screen_when_another_row_is_selected() {
    let mut s = loaded_state();
    let generation = s.services.loader.generation;
    judged(&mut s, generation);
    // worker (rolling) selected: its lines first, then a line for each other service
    // not steady — crawler's reason among them.
    key(&mut s, KeyCode::Down);
    let screen = render(&s, 80, 24);
    assert_has_all(
        &screen,
        &[
            "worker: ◐ ROLLING · reading its stopped tasks…",
            "crawler: ✗ FAILED · 2 tasks out of memory (exit 137) in 4m",
            "query: ! DEGRADED",
        ],
    );
    assert_lacks(&screen, "api: ");
}
