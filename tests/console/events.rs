//! The Events pane: `E` on Services shows every service's events in one feed, newest
//! first, each naming its service; it follows the services as they are loaded again,
//! `/` filters it across every service, Enter opens the event's service, Esc goes back.

use crate::actions::submit;
use crate::asserts::{assert_has_all, assert_lacks};
use crate::fixtures::{ago, key, listed, loaded_state, render, services};
use crossterm::event::KeyCode;
use ecsnap::model::{Service, ServiceEvent};
use ecsnap::tui::run::effect::{Effect, Load, Work};
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::msg::Listing;
use ecsnap::tui::state::pane_id::PaneId;

fn on_events() -> AppState {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('E'));
    assert_eq!(s.pane, PaneId::Events);
    s
}

/// The fixture fleet with a new event of a minute ago at the head of `service`'s events.
pub(crate) fn services_with_event(service: &str, id: &str, message: &str) -> Vec<Service> {
    let mut fleet = services();
    let found = fleet
        .iter_mut()
        .find(|x| x.name == service)
        .expect("the service in the fixture");
    found.events.insert(
        0,
        ServiceEvent {
            id: id.into(),
            created_at: ago(1),
            message: message.into(),
        },
    );
    fleet
}

/// The fleet again, `query` now unable to place a task (an event with a control sequence
/// in it, as AWS text can hold).
fn query_cannot_place(s: &mut AppState) {
    let fleet = services_with_event(
        "query",
        "query-e2",
        "(service query) was unable to place a task \u{1b}[31mred",
    );
    s.services.loader.start(s.now);
    listed(s, Listing::Services(Ok(fleet)));
}

#[test]
fn every_services_events_in_one_feed_newest_first() {
    let s = on_events();
    let order: Vec<String> = s
        .events
        .list
        .visible_rows()
        .map(|r| format!("{}/{}", r.event.service, r.event.id))
        .collect();
    // worker's event of 2 minutes ago, then every service's of 90 minutes ago.
    assert_eq!(order.len(), 9, "{order:?}");
    assert_eq!(order[0], "worker/worker-e2");
    let screen = render(&s, 80, 24);
    assert_has_all(&screen, &["1 Services › Events", "payments-prod/worker"]);
    insta::assert_snapshot!("events_80x24", screen);
    insta::assert_snapshot!("events_120x40", render(&s, 120, 40));
}

#[test]
fn the_feed_follows_the_services_and_filters_across_them() {
    let mut s = on_events();
    query_cannot_place(&mut s);
    let top = s.events.list.selected_row().expect("a row");
    assert_eq!(top.event.id, "query-e2", "the new event leads");
    key(&mut s, KeyCode::Char('/'));
    submit(&mut s, "unable to place");
    assert_eq!(s.events.list.visible_rows().count(), 1);
    let screen = render(&s, 120, 40);
    assert_has_all(
        &screen,
        &[
            "search-staging/query",
            "was unable to place a task \\e[31mred",
        ],
    );
    assert_lacks(&screen, "has reached a steady state");
}

#[test]
fn enter_opens_the_events_service_and_esc_goes_back() {
    let mut s = on_events();
    query_cannot_place(&mut s);
    let effects = key(&mut s, KeyCode::Enter);
    assert_eq!(s.pane, PaneId::Tasks);
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::Run(Work::Load(Load::Tasks { cluster, service, .. }))
                if cluster == "search-staging" && service == "query"
        )),
        "{effects:?}"
    );
    let mut s = on_events();
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.pane, PaneId::Services);
}
