//! The action dialogs through `update`: wait progress and failure offering a rollback,
//! services arriving in parts; redeploy and restore; and their screens (insta, 120×40 and
//! 80×24). The rollback picker is in `rollback.rs`, cleanup in `cleanup.rs`.

use std::time::Duration;

use crate::asserts::{assert_has, assert_has_all};
use crate::fixtures::{
    deliver, dialog, generation, key, listing, loaded_state, now, render, reply,
};
use crate::rollback::picker_open;
use chrono::TimeZone;
use crossterm::event::KeyCode;
use ecsnap::model::{Deployment, ServiceEvent};
use ecsnap::ops::redeploy::Started;
use ecsnap::ops::wait::{StoppedTask, Verdict, WaitProgress};
use ecsnap::tui::run::effect::{ActionEffect, Effect, HandsOnEffect, Load, Work};
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::msg::{DialogAnswer, Event, Listing, Planned};
use ecsnap::tui::state::pane_id::PaneId;
use ecsnap::tui::update::app::update;

mod redeploy;
mod restore;
mod screens;

pub(crate) const TD: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition/worker";

pub(crate) fn ch(state: &mut AppState, c: char) -> Vec<Effect> {
    key(state, KeyCode::Char(c))
}

/// Types `text` into whatever has the keyboard: a filter, a prompt, a typed confirmation.
pub(crate) fn type_text(state: &mut AppState, text: &str) {
    for c in text.chars() {
        ch(state, c);
    }
}

/// Types `text` and presses Enter: the Enter's effects.
pub(crate) fn submit(state: &mut AppState, text: &str) -> Vec<Effect> {
    type_text(state, text);
    key(state, KeyCode::Enter)
}

/// The one action `effects` run; any other effects fail the test, showing them.
pub(crate) fn only_action(effects: &[Effect]) -> &ActionEffect {
    match effects {
        [Effect::Run(Work::Action(action))] => action,
        other => panic!("expected one action, got {other:?}"),
    }
}

/// The one hands-on effect `effects` run; any other effects fail the test, showing them.
pub(crate) fn only_hands_on(effects: &[Effect]) -> &HandsOnEffect {
    match effects {
        [Effect::Run(Work::HandsOn(hands_on))] => hands_on,
        other => panic!("expected one hands-on effect, got {other:?}"),
    }
}

/// The one load `effects` run; any other effects fail the test, showing them.
pub(crate) fn only_load(effects: &[Effect]) -> &Load {
    match effects {
        [Effect::Run(Work::Load(load))] => load,
        other => panic!("expected one load, got {other:?}"),
    }
}

/// `y` on a dialog in read-only mode: nothing is sent, and the dialog says it refused.
pub(crate) fn assert_y_refused_in_read_only(s: &mut AppState) {
    let effects = ch(s, 'y');
    assert!(effects.is_empty(), "read-only sends nothing: {effects:?}");
    let text = render(s, 120, 40);
    assert_has_all(
        &text,
        &[
            "READ-ONLY — this console sends no changes",
            "refused, nothing was sent",
        ],
    );
}

/// Whether `effects` load the services again (among whatever else they run).
pub(crate) fn reloads_services(effects: &[Effect]) -> bool {
    effects
        .iter()
        .any(|e| matches!(e, Effect::Run(Work::Load(Load::Services { .. }))))
}

/// A confirmation that asks for `name` typed: `y` is only typed, Enter on it sends nothing
/// and the dialog says it does not match; erased, `name` typed and Enter: that Enter's
/// effects.
pub(crate) fn confirm_by_typing(s: &mut AppState, name: &str) -> Vec<Effect> {
    assert!(ch(s, 'y').is_empty(), "y is typed, not a confirmation");
    assert!(key(s, KeyCode::Enter).is_empty(), "\"y\" is not {name}");
    assert_has(&render(s, 120, 40), "does not match");
    key(s, KeyCode::Backspace);
    submit(s, name)
}

/// The worker service selected in Services.
pub(crate) fn on_worker() -> AppState {
    let mut s = loaded_state();
    assert!(s.services.list.select_key("payments-prod/worker"));
    s
}

/// The dialogs' screens are taken at a fixed time.
pub(crate) fn fixed(mut s: AppState) -> AppState {
    s.now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 23, 12, 1, 30)
        .single()
        .unwrap_or_default();
    s
}

pub(crate) fn started(td_rev: i32) -> Started {
    let mut service = crate::fixtures::services()
        .into_iter()
        .find(|x| x.name == "worker")
        .expect("worker fixture");
    service.task_definition = format!("{TD}:{td_rev}");
    Started {
        deployment_id: service.primary().map(|d| d.id.clone()),
        task_definition: format!("{TD}:{td_rev}"),
        service,
    }
}

pub(crate) fn progress(poll: u32, verdict: Verdict) -> WaitProgress {
    let mut d = Deployment {
        id: "ecs-svc/new1".into(),
        status: "PRIMARY".into(),
        task_definition: format!("{TD}:2"),
        desired_count: 3,
        running_count: 1,
        pending_count: 2,
        rollout_state: Some("IN_PROGRESS".into()),
        ..Deployment::default()
    };
    if matches!(verdict, Verdict::Failed(_)) {
        d.rollout_state = Some("FAILED".into());
    }
    WaitProgress {
        poll,
        elapsed: Duration::from_secs(u64::from(poll) * 5),
        service_status: "ACTIVE".into(),
        deployments: vec![d],
        new_events: vec![ServiceEvent {
            id: format!("ev{poll}"),
            created_at: Some(now()),
            message: format!("(service worker) has started 1 tasks (poll {poll})."),
        }],
        new_stopped_tasks: vec![StoppedTask {
            task_id: format!("task{poll}"),
            task_definition: format!("{TD}:2"),
            reason: Some("Essential container in task exited (OOM)".into()),
            ..StoppedTask::default()
        }],
        poll_error: None,
        verdict,
    }
}

/// A watch that ended stable after three polls.
pub(crate) fn stable_outcome() -> ecsnap::ops::wait::WaitOutcome {
    ecsnap::ops::wait::WaitOutcome {
        verdict: Verdict::Stable,
        elapsed: Duration::from_mins(1),
        polls: 3,
        service: None,
        events: Vec::new(),
        stopped_tasks: Vec::new(),
        deployment: None,
    }
}

pub(crate) fn wait_view() -> AppState {
    let mut s = picker_open();
    ch(&mut s, 'y');
    reply(&mut s, DialogAnswer::Started(Ok(started(2))));
    s
}

/// The wait view after its first poll, still rolling; the dialog's generation.
fn rolling() -> (AppState, u64) {
    let mut s = wait_view();
    let g = reply(
        &mut s,
        DialogAnswer::WaitProgress(progress(1, Verdict::InProgress)),
    );
    (s, g)
}

/// The rollout's second poll: the deployment failed.
fn fail_rollout(s: &mut AppState, g: u64) {
    let failed = Verdict::Failed("deployment ecs-svc/new1 FAILED: tasks failed to start".into());
    deliver(
        s,
        dialog(g, DialogAnswer::WaitProgress(progress(2, failed))),
    );
}

#[test]
fn wait_progress_updates_the_view_and_failure_offers_rollback() {
    let (mut s, g) = rolling();
    s.now = now() + chrono::Duration::seconds(65);
    let text = render(&s, 120, 40);
    assert_has(&text, "1m05s elapsed · poll 1 ·");
    assert!(
        text.contains("IN_PROGRESS") && text.contains("worker:2"),
        "{text}"
    );
    assert_has_all(
        &text,
        &[
            "has started 1 tasks (poll 1)",
            "task1 (worker:2): Essential container in task exited (OOM)",
        ],
    );
    assert!(
        ch(&mut s, 'R').is_empty(),
        "no rollback offered while rolling"
    );
    fail_rollout(&mut s, g);
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "✗ FAILED: deployment ecs-svc/new1 FAILED",
            "R rolls back now",
        ],
    );
    let effects = ch(&mut s, 'R');
    assert!(
        matches!(&effects[..], [Effect::CancelAction, Effect::Run(Work::Action(ActionEffect::LoadRevisions { current, .. }))] if current.ends_with("worker:2")),
        "{effects:?}"
    );
}

#[test]
fn esc_stops_watching() {
    let mut s = wait_view();
    assert_eq!(key(&mut s, KeyCode::Esc), vec![Effect::CancelAction]);
    assert!(s.modal.is_none());
}

#[test]
fn progress_after_leaving_the_wait_view_is_dropped() {
    let mut s = wait_view();
    let g = generation(&s);
    key(&mut s, KeyCode::Esc);
    deliver(
        &mut s,
        dialog(
            g,
            DialogAnswer::WaitProgress(progress(1, Verdict::InProgress)),
        ),
    );
    assert!(s.modal.is_none());
}

/// Services arriving cluster by cluster: the healthy `reports` first, alone, then the
/// rolling `ledger-api` of another cluster sorting in above it.
pub(crate) fn services_in_parts(controller: Option<&str>) -> AppState {
    let mut s = crate::fixtures::empty_state();
    deliver(&mut s, crate::fixtures::identity());
    let g = s.services.loader.generation;
    let healthy = crate::fixtures::service("analytics", "reports", 4, 2, 2);
    let mut rolling = crate::fixtures::service("payments", "ledger-api", 7, 3, 1);
    rolling.deployment_controller = controller.map(str::to_string);
    let mut primary = crate::fixtures::deployment("PRIMARY", "ledger-api", 7, (3, 1, 2));
    primary.rollout_state = Some("IN_PROGRESS".into());
    rolling.deployments = vec![
        primary,
        crate::fixtures::deployment("ACTIVE", "ledger-api", 6, (0, 2, 0)),
    ];
    for (cluster, service, done) in [("analytics", healthy, 1), ("payments", rolling, 2)] {
        deliver(
            &mut s,
            listing(
                g,
                Listing::ServicesPart {
                    cluster: cluster.into(),
                    services: vec![service],
                    done,
                    total: 2,
                },
            ),
        );
    }
    s
}

#[test]
fn once_the_user_moves_the_selection_stays_on_their_service() {
    let mut s = crate::fixtures::empty_state();
    let g = s.services.loader.generation;
    let part = |cluster: &str, name: &str, done| {
        listing(
            g,
            Listing::ServicesPart {
                cluster: cluster.into(),
                services: vec![crate::fixtures::service(cluster, name, 1, 2, 2)],
                done,
                total: 3,
            },
        )
    };
    deliver(&mut s, part("alpha", "api", 1));
    deliver(&mut s, part("beta", "billing", 2));
    key(&mut s, KeyCode::Down);
    let chosen = s.services.list.selected_key();
    deliver(&mut s, part("aardvark", "aaa", 3));
    assert_eq!(s.services.list.selected_key(), chosen);
}

#[test]
fn r_and_d_refuse_a_code_deploy_service_and_send_nothing() {
    let mut s = services_in_parts(Some("CODE_DEPLOY"));
    assert!(ch(&mut s, 'R').is_empty());
    assert!(s.modal.is_none());
    let message = s.message.clone().unwrap_or_default();
    assert_has(&message, "CODE_DEPLOY");
    assert!(ch(&mut s, 'D').is_empty());
    assert!(s.modal.is_none());
}

#[test]
fn a_rollback_from_tasks_loads_the_tasks_again_when_it_starts() {
    let mut s = on_worker();
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.pane, PaneId::Tasks);
    ch(&mut s, 'R');
    reply(
        &mut s,
        DialogAnswer::Revisions(Ok(crate::rollback::revisions())),
    );
    ch(&mut s, 'y');
    let g = generation(&s);
    let effects = update(
        &mut s,
        Event::Msg(dialog(g, DialogAnswer::Started(Ok(started(2))))),
    );
    // The services and the worker's tasks, not at the Tasks pane's next refresh.
    assert!(
        matches!(&effects[..], [
            Effect::Run(Work::Load(Load::Services { .. })),
            Effect::Run(Work::Load(Load::Tasks { cluster, service, .. })),
        ] if cluster == "payments-prod" && service == "worker"),
        "{effects:?}"
    );
}
