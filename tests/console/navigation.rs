//! The behaviour of `update`: navigation, filter, sort, marks, jumps, stale results,
//! help, quitting and the background refresh.

use crate::actions::{only_load, reloads_services, type_text};
use crate::asserts::{assert_has, assert_has_all};
use crate::fixtures::{deliver, key, listed, listing, loaded_state, now, pane, render};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ecsnap::tui::action::Action;
use ecsnap::tui::run::effect::{Effect, Load, Work};
use ecsnap::tui::state::app::{AppState, Mode};
use ecsnap::tui::state::msg::{Event, Listing, PaneAnswer};
use ecsnap::tui::state::pane_id::PaneId;
use ecsnap::tui::state::service_ref::ServiceRef;
use ecsnap::tui::state::snapshots::Unique;
use ecsnap::tui::update::app::{act, update};

pub(crate) fn service_names(state: &AppState) -> Vec<String> {
    state
        .services
        .list
        .visible_rows()
        .map(|r| r.service.name.clone())
        .collect()
}

#[test]
fn not_steady_services_sort_first() {
    let s = loaded_state();
    assert_eq!(
        service_names(&s)[..3],
        ["crawler", "worker", "query"],
        "FAILED, ROLLING, DEGRADED first"
    );
}

#[test]
fn navigation_moves_and_drills_in_and_out() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Down);
    assert_eq!(s.services.list.selected, 2);
    key(&mut s, KeyCode::Char('G'));
    assert_eq!(s.services.list.selected, 7);
    key(&mut s, KeyCode::Char('g'));
    assert_eq!(s.services.list.selected, 0);
    key(&mut s, KeyCode::PageDown);
    assert_eq!(
        s.services.list.selected, 7,
        "a page of 10 stops at the last row"
    );
    key(&mut s, KeyCode::PageUp);
    key(&mut s, KeyCode::Char('k'));
    assert_eq!(s.services.list.selected, 0);
    // After the three not-steady services come api, ledger...: drill into api.
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('j'));
    let effects = key(&mut s, KeyCode::Enter);
    assert_eq!(s.pane, PaneId::Tasks);
    assert!(matches!(
        only_load(&effects),
        Load::Tasks { cluster, service, .. } if cluster == "payments-prod" && service == "api"
    ));
    let effects = key(&mut s, KeyCode::Enter);
    assert_eq!(s.pane, PaneId::Detail);
    assert!(matches!(
        only_load(&effects),
        Load::Detail { task_definition, .. } if task_definition.ends_with("api:2")
    ));
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.pane, PaneId::Tasks);
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.pane, PaneId::Services);
}

#[test]
fn tab_cycles_the_panes_and_numbers_jump() {
    let mut s = loaded_state();
    let order: Vec<PaneId> = (0..4)
        .map(|_| {
            key(&mut s, KeyCode::Tab);
            s.pane
        })
        .collect();
    assert_eq!(
        order,
        [
            PaneId::Tasks,
            PaneId::Snapshots,
            PaneId::Orphans,
            PaneId::Services
        ]
    );
    key(&mut s, KeyCode::BackTab);
    assert_eq!(s.pane, PaneId::Orphans);
    key(&mut s, KeyCode::Char('3'));
    assert_eq!(s.pane, PaneId::Snapshots);
}

#[test]
fn filter_narrows_live_and_esc_clears() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('/'));
    assert_eq!(s.mode, Mode::Filter);
    type_text(&mut s, "LEDG");
    assert_eq!(service_names(&s), ["ledger"]);
    for _ in 0..4 {
        key(&mut s, KeyCode::Backspace);
    }
    type_text(&mut s, "que");
    assert_eq!(service_names(&s), ["query"]);
    // q while typing is text, not quit.
    assert!(!s.quit);
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.mode, Mode::Normal);
    assert_eq!(service_names(&s), ["query"]);
    let text = render(&s, 120, 40);
    assert_has(&text, "Services (1/8)");
    key(&mut s, KeyCode::Esc);
    assert_eq!(service_names(&s).len(), 8);
    assert_eq!(s.pane, PaneId::Services);
    // Esc while typing clears too.
    key(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "zzz");
    assert!(service_names(&s).is_empty());
    key(&mut s, KeyCode::Esc);
    assert_eq!(service_names(&s).len(), 8);
}

#[test]
fn sort_cycles_and_reverses_keeping_the_selection() {
    let mut s = loaded_state();
    assert!(s.services.list.select_key("payments-prod/ledger"));
    key(&mut s, KeyCode::Char('s'));
    assert_eq!(s.services.list.sort_label(), "cluster");
    assert_eq!(service_names(&s)[0], "api");
    key(&mut s, KeyCode::Char('S'));
    // Reversed: Z first, and the arrow says so.
    assert_eq!(s.services.list.sort_label(), "cluster↓");
    assert_eq!(service_names(&s)[0], "workspaces");
    assert_eq!(
        s.services.list.selected_key().as_deref(),
        Some("payments-prod/ledger")
    );
}

#[test]
fn a_reversed_sort_labels_the_direction_it_runs() {
    let mut s = loaded_state();
    let running = |s: &AppState| -> Vec<i32> {
        s.services
            .list
            .visible_rows()
            .map(|r| r.service.running_count)
            .collect()
    };
    // s × 3: the running column, fewest first; S: most first, labelled ↓ (not ↑).
    for _ in 0..3 {
        key(&mut s, KeyCode::Char('s'));
    }
    assert_eq!(s.services.list.sort_label(), "running");
    let up = running(&s);
    assert!(up.windows(2).all(|w| w[0] <= w[1]), "{up:?}");
    key(&mut s, KeyCode::Char('S'));
    let down = running(&s);
    assert!(down.windows(2).all(|w| w[0] >= w[1]), "{down:?}");
    assert!(
        down.first() > down.last(),
        "the fixture has several counts: {down:?}"
    );
    assert_eq!(s.services.list.sort_label(), "running↓");
    assert!(render(&s, 120, 40).contains("sort running↓"));
    // The deployed column runs newest first; reversed, oldest (smallest) first: ↑.
    key(&mut s, KeyCode::Char('s'));
    assert_eq!(s.services.list.sort_label(), "deployed");
    key(&mut s, KeyCode::Char('S'));
    assert_eq!(s.services.list.sort_label(), "deployed↑");
}

#[test]
fn space_marks_rows_where_an_action_uses_them_and_nowhere_else() {
    let mut s = loaded_state();
    // Services: no action uses marks (D and R act on the cursor row), so none is offered.
    key(&mut s, KeyCode::Char(' '));
    assert!(s.services.list.marks.is_empty(), "no mark in Services");
    assert_eq!(s.services.list.selected, 0, "and the cursor did not move");
    assert!(!render(&s, 120, 40).contains("marked"));
    // Orphans: the marked rows are what the cleanup deletes; marking moves down.
    key(&mut s, KeyCode::Char('4'));
    key(&mut s, KeyCode::Char(' '));
    key(&mut s, KeyCode::Char(' '));
    assert_eq!(s.orphans.list.marks.len(), 2);
    assert_eq!(s.orphans.list.selected, 2, "marking moves down");
    let text = render(&s, 120, 40);
    assert_has_all(&text, &["2 marked", "●"]);
}

#[test]
fn stale_results_are_dropped() {
    let mut s = loaded_state();
    let old = s.services.loader.generation;
    let effects = act(&mut s, Action::Refresh);
    let new = s.services.loader.generation;
    assert!(effects.contains(&Effect::Run(Work::Load(Load::Services { generation: new }))));
    // The answer to the earlier request arrives late: ignored.
    deliver(&mut s, listing(old, Listing::Services(Ok(Vec::new()))));
    assert_eq!(s.services.list.rows.len(), 8);
    assert!(s.services.loader.state.is_loading());
    let mut fewer = crate::fixtures::services();
    fewer.truncate(2);
    deliver(&mut s, listing(new, Listing::Services(Ok(fewer))));
    assert_eq!(s.services.list.rows.len(), 2);
}

#[test]
fn stale_tasks_of_another_service_are_dropped() {
    let mut s = loaded_state();
    assert!(s.services.list.select_key("payments-prod/api"));
    let first = key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Esc);
    assert!(s.services.list.select_key("payments-prod/ledger"));
    let second = key(&mut s, KeyCode::Enter);
    let generation = |e: &[Effect]| match e {
        [Effect::Run(Work::Load(Load::Tasks { generation, .. }))] => *generation,
        other => panic!("expected one tasks load, got {other:?}"),
    };
    deliver(
        &mut s,
        pane(
            generation(&first),
            PaneAnswer::Tasks(Ok(crate::fixtures::ledger_tasks())),
        ),
    );
    assert!(
        s.tasks.list.rows.is_empty(),
        "api's answer must not land on ledger"
    );
    deliver(
        &mut s,
        pane(
            generation(&second),
            PaneAnswer::Tasks(Ok(crate::fixtures::ledger_tasks())),
        ),
    );
    assert_eq!(s.tasks.list.rows.len(), 3);
    assert_eq!(s.tasks.volumes.len(), 3);
}

#[test]
fn jump_completes_and_lands() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char(':'));
    type_text(&mut s, "ledg");
    key(&mut s, KeyCode::Tab);
    assert_eq!(
        s.mode,
        Mode::Jump {
            input: "payments-prod/ledger".into(),
            choice: 0
        }
    );
    let effects = key(&mut s, KeyCode::Enter);
    assert_eq!(s.pane, PaneId::Tasks);
    assert_eq!(
        s.tasks.target.as_ref().map(ServiceRef::names),
        Some(("payments-prod".into(), "ledger".into()))
    );
    assert!(effects.is_empty(), "ledger's tasks are loaded already");
    key(&mut s, KeyCode::Char(':'));
    type_text(&mut s, "api");
    let effects = key(&mut s, KeyCode::Enter);
    assert!(matches!(
        only_load(&effects),
        Load::Tasks { service, .. } if service == "api"
    ));
    key(&mut s, KeyCode::Char(':'));
    type_text(&mut s, "carol");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.pane, PaneId::Snapshots);
    assert_eq!(
        s.snapshots.users.selected_key().as_deref(),
        Some("workspaces/carol")
    );
    assert!(
        s.snapshots
            .tags
            .rows
            .iter()
            .all(|t| t.entry.tag.starts_with("carol-"))
    );
    key(&mut s, KeyCode::Char(':'));
    type_text(&mut s, "search-staging");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.pane, PaneId::Services);
    assert_eq!(service_names(&s).len(), 4);
    key(&mut s, KeyCode::Char(':'));
    type_text(&mut s, "nosuch");
    key(&mut s, KeyCode::Enter);
    assert!(s.message.as_deref().is_some_and(|m| m.contains("nosuch")));
}

#[test]
fn snapshots_browse_tags_and_compute_unique_bytes() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('3'));
    assert_eq!(
        s.snapshots.users.selected_key().as_deref(),
        Some("workspaces/alice")
    );
    let first_tags: Vec<String> = s
        .snapshots
        .tags
        .visible_rows()
        .map(|t| t.entry.tag.clone())
        .collect();
    assert_eq!(first_tags[0], "alice-20261122T0930", "newest first");
    assert_eq!(
        first_tags.len(),
        6,
        "alice-latest does not match the pattern"
    );
    key(&mut s, KeyCode::Char('j'));
    assert_eq!(
        s.snapshots.users.selected_key().as_deref(),
        Some("workspaces/bob")
    );
    key(&mut s, KeyCode::Enter);
    assert!(s.snapshots.focus_tags);
    key(&mut s, KeyCode::Char('j'));
    assert_eq!(s.snapshots.tags.selected, 1);
    key(&mut s, KeyCode::Esc);
    assert!(!s.snapshots.focus_tags);
    let effects = key(&mut s, KeyCode::Char('u'));
    let (generation, mine) = match effects.as_slice() {
        [
            Effect::Run(Work::Load(Load::Unique {
                generation, mine, ..
            })),
        ] => (*generation, mine.clone()),
        other => panic!("expected a unique-bytes load, got {other:?}"),
    };
    assert_eq!(mine.len(), 6);
    deliver(
        &mut s,
        pane(
            generation,
            PaneAnswer::UniqueProgress { done: 3, total: 19 },
        ),
    );
    assert_eq!(
        s.snapshots.unique.get("workspaces/bob"),
        Some(&Unique::Computing { done: 3, total: 19 })
    );
    assert!(render(&s, 120, 40).contains("… 3/19"));
    deliver(
        &mut s,
        pane(generation, PaneAnswer::Unique(Ok(1_500_000_000))),
    );
    assert_eq!(
        s.snapshots.unique.get("workspaces/bob"),
        Some(&Unique::Done(1_500_000_000))
    );
    assert!(render(&s, 120, 40).contains("1.40 GiB"));
}

#[test]
fn help_opens_and_closes_and_ctrl_c_always_quits() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('?'));
    assert_eq!(s.mode, Mode::Help);
    key(&mut s, KeyCode::Char('j'));
    assert_eq!(s.mode, Mode::Help, "help takes the keys");
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.mode, Mode::Normal);
    key(&mut s, KeyCode::Char('/'));
    update(
        &mut s,
        Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert!(s.quit);
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('q'));
    assert!(s.quit);
}

#[test]
fn background_refresh_runs_on_the_interval_and_faster_when_rolling() {
    let mut s = loaded_state();
    let tick = |s: &mut AppState, secs: i64| {
        update(s, Event::Tick(now() + chrono::Duration::seconds(secs)))
    };
    assert!(tick(&mut s, 1).is_empty());
    // Detail of worker (rolling): refreshed after 5 s; services after 30 s.
    assert!(s.services.list.select_key("payments-prod/worker"));
    let _ = act(&mut s, Action::Detail);
    let g = s.detail.loader.generation;
    deliver(
        &mut s,
        pane(g, PaneAnswer::Detail(Ok(crate::fixtures::ledger_detail()))),
    );
    let effects = tick(&mut s, 6);
    assert!(
        matches!(only_load(&effects), Load::Detail { service, .. } if service == "worker"),
        "{effects:?}"
    );
    let effects = tick(&mut s, 31);
    assert!(reloads_services(&effects), "{effects:?}");
}

#[test]
fn behind_the_too_small_notice_only_quit_acts() {
    let mut s = loaded_state();
    update(
        &mut s,
        Event::Resize {
            width: 60,
            height: 20,
        },
    );
    assert!(render(&s, 60, 20).contains("terminal too small"));
    for c in ['j', 'D', 'R', '+', 'y', '\n'] {
        assert!(
            key(&mut s, KeyCode::Char(c)).is_empty(),
            "{c:?} sends nothing while the panes are hidden"
        );
    }
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.services.list.selected, 0, "the cursor did not move");
    assert!(s.modal.is_none(), "no dialog opened out of sight");
    assert_eq!(s.pane, PaneId::Services);
    // Enlarged again, the same keys act: `D` opens the redeploy dialog of the row in view.
    update(
        &mut s,
        Event::Resize {
            width: 80,
            height: 24,
        },
    );
    key(&mut s, KeyCode::Char('D'));
    assert!(s.modal.is_some(), "D acts once the panes are shown");
    // Too small again: `q` quits even with the dialog open behind the notice.
    update(
        &mut s,
        Event::Resize {
            width: 79,
            height: 24,
        },
    );
    key(&mut s, KeyCode::Char('y'));
    assert!(
        s.modal.is_some() && !s.quit,
        "y is not a confirmation out of sight"
    );
    key(&mut s, KeyCode::Char('q'));
    assert!(s.quit);
}

#[test]
fn the_service_acted_on_keeps_the_cursor_when_it_sorts_down_once_steady() {
    let mut s = loaded_state();
    assert_eq!(
        s.services.list.selected_key().as_deref(),
        Some("search-staging/crawler"),
        "the failed service is on top, selected without a key pressed"
    );
    // The user acts on it (the redeploy dialog), then closes the dialog.
    key(&mut s, KeyCode::Char('D'));
    assert!(s.modal.is_some());
    key(&mut s, KeyCode::Esc);
    assert!(s.modal.is_none());
    // The next refresh finds it steady: it sorts below the services still not steady.
    let _ = act(&mut s, Action::Refresh);
    let mut fleet = crate::fixtures::services();
    for svc in &mut fleet {
        if svc.name == "crawler" {
            *svc = crate::fixtures::service("search-staging", "crawler", 5, 2, 2);
        }
    }
    listed(&mut s, Listing::Services(Ok(fleet)));
    assert_ne!(service_names(&s)[0], "crawler", "it sorted down");
    assert_eq!(
        s.services.list.selected_key().as_deref(),
        Some("search-staging/crawler"),
        "the cursor followed the service the user acted on"
    );
    // Tasks opens for it, not for whatever is on row 0.
    let effects = key(&mut s, KeyCode::Char('2'));
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::Run(Work::Load(Load::Tasks { cluster, service, .. }))
                if cluster == "search-staging" && service == "crawler"
        )),
        "{effects:?}"
    );
}

#[test]
fn esc_clears_a_message_before_it_goes_back() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('2'));
    assert_eq!(s.pane, PaneId::Tasks);
    s.message = Some("nothing to do".into());
    key(&mut s, KeyCode::Esc);
    assert!(s.message.is_none(), "the first Esc clears the line");
    assert_eq!(s.pane, PaneId::Tasks, "and stays where the user is");
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.pane, PaneId::Services, "the next Esc goes back");
}
