//! The action dialogs through `update`: rollback picker → y → wait view, typed counts for
//! bulk deletes, read-only refusal inside the dialog, stale answers dropped, wait progress
//! and failure offering a rollback; and their screens (insta, 120×40 and 80×24).

use std::collections::BTreeSet;
use std::time::Duration;

use crate::fixtures::{deliver, key, loaded_state, now, render};
use chrono::TimeZone;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ecsnap::aws::Preflight;
use ecsnap::model::{Deployment, ServiceEvent};
use ecsnap::model::{ResourceKind, Skipped};
use ecsnap::ops::cleanup::{CleanupItem, CleanupPlan, ItemResult, ItemStatus};
use ecsnap::ops::redeploy::Started;
use ecsnap::ops::rollback::{ContainerImage, Revision};
use ecsnap::ops::wait::{StoppedTask, Verdict, WaitProgress};
use ecsnap::tui::run::effect::Effect;
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::modal::{ModalKind, Stage};
use ecsnap::tui::state::msg::{Event, Msg, Planned};
use ecsnap::tui::state::pane_id::PaneId;
use ecsnap::tui::update::app::update;

mod cleanup;
mod interrupt;
mod redeploy;
mod restore;
mod rollback;
mod screens;

const TD: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition/worker";

fn ch(state: &mut AppState, c: char) -> Vec<Effect> {
    key(state, KeyCode::Char(c))
}

fn revisions() -> Vec<Revision> {
    [
        (3, "v1.6.0-rc1", 30),
        (2, "v1.5.2", 3 * 24 * 60),
        (1, "v1.5.0", 9 * 24 * 60),
    ]
    .into_iter()
    .map(|(n, tag, minutes)| Revision {
        arn: format!("{TD}:{n}"),
        revision: n,
        registered_at: Some(now() - chrono::Duration::minutes(minutes)),
        images: vec![ContainerImage {
            container: "app".into(),
            image: format!("registry/app:{tag}"),
            tag: Some(tag.into()),
            presence: ecsnap::model::ImagePresence::NotEcr,
        }],
        current: n == 3,
        changes: if n == 3 {
            Vec::new()
        } else {
            vec![ecsnap::analysis::diff::FieldChange {
                container: Some("app".into()),
                field: "image",
                name: None,
                kind: ecsnap::analysis::diff::ChangeKind::Changed,
                from: Some("registry/app:v1.6.0-rc1".into()),
                to: Some(format!("registry/app:{tag}")),
            }]
        },
    })
    .collect()
}

/// The worker service selected in Services.
fn on_worker() -> AppState {
    let mut s = loaded_state();
    assert!(s.services.list.select_key("payments-prod/worker"));
    s
}

fn generation(s: &AppState) -> u64 {
    s.modal
        .as_ref()
        .map(|m| m.generation)
        .expect("a dialog is open")
}

fn picker_open() -> AppState {
    let mut s = on_worker();
    let effects = ch(&mut s, 'R');
    assert!(
        matches!(&effects[..], [Effect::LoadRevisions { current, .. }] if current.ends_with("worker:3")),
        "{effects:?}"
    );
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Revisions {
            generation: g,
            result: Ok(revisions()),
        },
    );
    s
}

fn started(td_rev: i32) -> Started {
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

fn progress(poll: u32, verdict: Verdict) -> WaitProgress {
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

#[test]
fn rollback_takes_two_keys_to_the_wait_view() {
    let mut s = picker_open();
    let text = render(&s, 120, 40);
    assert!(text.contains("Roll back payments-prod/worker"), "{text}");
    assert!(
        text.contains("▶ worker:2"),
        "the previous revision is preselected:\n{text}"
    );
    assert!(
        text.contains("app:v1.5.2") && text.contains("(running now)"),
        "{text}"
    );
    // y sends exactly the plan shown: worker:2.
    let effects = ch(&mut s, 'y');
    let [Effect::Rollback { plan, .. }] = &effects[..] else {
        panic!("y should roll back: {effects:?}");
    };
    assert!(plan.summary().contains("to worker:2"), "{}", plan.summary());
    let g = generation(&s);
    let effects = update(
        &mut s,
        Event::Msg(Msg::Started {
            generation: g,
            result: Ok(started(2)),
        }),
    );
    assert!(
        matches!(effects[..], [Effect::LoadServices { .. }]),
        "{effects:?}"
    );
    assert!(matches!(
        s.modal.as_ref().map(|m| &m.kind),
        Some(ModalKind::Wait(_))
    ));
    let text = render(&s, 120, 40);
    assert!(text.contains("Watching payments-prod/worker"), "{text}");
    assert!(text.contains("0m00s elapsed"), "{text}");
}

#[test]
fn picking_another_revision_changes_the_plan() {
    let mut s = picker_open();
    ch(&mut s, 'j');
    let effects = ch(&mut s, 'y');
    let [Effect::Rollback { plan, .. }] = &effects[..] else {
        panic!("{effects:?}");
    };
    assert!(plan.summary().contains("to worker:1"), "{}", plan.summary());
}

#[test]
fn the_running_revision_cannot_be_confirmed() {
    let mut s = picker_open();
    ch(&mut s, 'k');
    assert!(ch(&mut s, 'y').is_empty());
    let text = render(&s, 120, 40);
    assert!(
        text.contains("pick a revision other than the one running"),
        "{text}"
    );
}

#[test]
fn read_only_shows_the_plan_and_refuses_in_the_dialog() {
    let mut s = on_worker();
    s.settings.read_only = true;
    ch(&mut s, 'R');
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Revisions {
            generation: g,
            result: Ok(revisions()),
        },
    );
    let effects = ch(&mut s, 'y');
    assert!(effects.is_empty(), "nothing is sent: {effects:?}");
    let text = render(&s, 120, 40);
    assert!(
        text.contains("READ-ONLY — this console sends no changes"),
        "{text}"
    );
    assert!(text.contains("refused, nothing was sent"), "{text}");
    assert_eq!(s.modal.as_ref().map(|m| &m.stage), Some(&Stage::Confirm));
}

#[test]
fn production_needs_the_service_name_typed() {
    let mut s = on_worker();
    s.settings.production = true;
    ch(&mut s, 'R');
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Revisions {
            generation: g,
            result: Ok(revisions()),
        },
    );
    assert!(ch(&mut s, 'y').is_empty(), "y is typed, not a confirmation");
    assert!(
        key(&mut s, KeyCode::Enter).is_empty(),
        "\"y\" is not the name"
    );
    assert!(render(&s, 120, 40).contains("does not match"));
    key(&mut s, KeyCode::Backspace);
    for c in "worker".chars() {
        ch(&mut s, c);
    }
    let effects = key(&mut s, KeyCode::Enter);
    assert!(
        matches!(effects[..], [Effect::Rollback { .. }]),
        "{effects:?}"
    );
}

#[test]
fn stale_dialog_answers_are_dropped() {
    let mut s = on_worker();
    ch(&mut s, 'R');
    let old = generation(&s);
    let effects = key(&mut s, KeyCode::Esc);
    assert_eq!(effects, vec![Effect::CancelAction]);
    assert!(s.modal.is_none());
    ch(&mut s, 'R');
    deliver(
        &mut s,
        Msg::Revisions {
            generation: old,
            result: Ok(Vec::new()),
        },
    );
    assert_eq!(s.modal.as_ref().map(|m| &m.stage), Some(&Stage::Planning));
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Revisions {
            generation: g,
            result: Ok(revisions()),
        },
    );
    assert_eq!(s.modal.as_ref().map(|m| &m.stage), Some(&Stage::Confirm));
}

fn wait_view() -> AppState {
    let mut s = picker_open();
    ch(&mut s, 'y');
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Started {
            generation: g,
            result: Ok(started(2)),
        },
    );
    s
}

#[test]
fn wait_progress_updates_the_view_and_failure_offers_rollback() {
    let mut s = wait_view();
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::WaitProgress {
            generation: g,
            progress: progress(1, Verdict::InProgress),
        },
    );
    s.now = now() + chrono::Duration::seconds(65);
    let text = render(&s, 120, 40);
    assert!(text.contains("1m05s elapsed · poll 1 ·"), "{text}");
    assert!(
        text.contains("IN_PROGRESS") && text.contains("worker:2"),
        "{text}"
    );
    assert!(text.contains("has started 1 tasks (poll 1)"), "{text}");
    assert!(
        text.contains("task1 (worker:2): Essential container in task exited (OOM)"),
        "{text}"
    );
    assert!(
        ch(&mut s, 'R').is_empty(),
        "no rollback offered while rolling"
    );
    let failed = Verdict::Failed("deployment ecs-svc/new1 FAILED: tasks failed to start".into());
    deliver(
        &mut s,
        Msg::WaitProgress {
            generation: g,
            progress: progress(2, failed),
        },
    );
    let text = render(&s, 120, 40);
    assert!(
        text.contains("✗ FAILED: deployment ecs-svc/new1 FAILED"),
        "{text}"
    );
    assert!(text.contains("R rolls back now"), "{text}");
    let effects = ch(&mut s, 'R');
    assert!(
        matches!(&effects[..], [Effect::CancelAction, Effect::LoadRevisions { current, .. }] if current.ends_with("worker:2")),
        "{effects:?}"
    );
}

#[test]
fn esc_stops_watching() {
    let mut s = wait_view();
    assert_eq!(key(&mut s, KeyCode::Esc), vec![Effect::CancelAction]);
    assert!(s.modal.is_none());
}

// ---- cleanup fixtures ---------------------------------------------------------------

fn item(id: &str, gib: f64) -> CleanupItem {
    CleanupItem {
        kind: ResourceKind::Volume,
        id: id.into(),
        repository: None,
        digest: None,
        tags: Vec::new(),
        size_gib: gib,
        age_days: Some(40),
        monthly_cost_usd: gib * 0.08,
        reason: "available (attached to nothing)".into(),
        preflight: Some(Preflight::Allowed),
    }
}

fn volume_plan(ids: &[&str]) -> CleanupPlan {
    CleanupPlan {
        target: ResourceKind::Volume,
        items: ids.iter().map(|id| item(id, 100.0)).collect(),
        skipped: vec![Skipped::new(
            "vol-keep",
            ResourceKind::Volume,
            8.0,
            "protected by tag ecsnap:keep",
        )],
        min_age_days: None,
        snapshot_first: false,
        keep_newest: 3,
        preflight_done: true,
        notes: Vec::new(),
    }
}

fn cleanup_of(marks: &[&str]) -> AppState {
    let mut s = loaded_state();
    s.pane = PaneId::Orphans;
    for m in marks {
        s.orphans.list.marks.insert((*m).to_string());
    }
    s
}

fn first_orphan_volumes(s: &AppState, n: usize) -> Vec<String> {
    s.orphans
        .list
        .rows
        .iter()
        .filter(|r| r.kind() == "volume")
        .take(n)
        .map(|r| r.id().to_string())
        .collect()
}

#[test]
fn progress_after_leaving_the_wait_view_is_dropped() {
    let mut s = wait_view();
    let g = generation(&s);
    key(&mut s, KeyCode::Esc);
    deliver(
        &mut s,
        Msg::WaitProgress {
            generation: g,
            progress: progress(1, Verdict::InProgress),
        },
    );
    assert!(s.modal.is_none());
}

/// Services arriving cluster by cluster: the healthy `reports` first, alone, then the
/// rolling `ledger-api` of another cluster sorting in above it.
fn services_in_parts(controller: Option<&str>) -> AppState {
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
            Msg::ServicesPart {
                generation: g,
                cluster: cluster.into(),
                services: vec![service],
                done,
                total: 2,
            },
        );
    }
    s
}

#[test]
fn a_rollback_right_after_the_parts_arrive_acts_on_the_failing_service() {
    let mut s = services_in_parts(None);
    let effects = ch(&mut s, 'R');
    assert!(
        matches!(&effects[..], [Effect::LoadRevisions { cluster, service, .. }]
            if cluster == "payments" && service == "ledger-api"),
        "{effects:?}"
    );
    let screen = render(&s, 120, 40);
    assert!(
        screen.contains("Roll back payments/ledger-api"),
        "the dialog names what it acts on:\n{screen}"
    );
}

#[test]
fn once_the_user_moves_the_selection_stays_on_their_service() {
    let mut s = crate::fixtures::empty_state();
    let g = s.services.loader.generation;
    let part = |cluster: &str, name: &str, done| Msg::ServicesPart {
        generation: g,
        cluster: cluster.into(),
        services: vec![crate::fixtures::service(cluster, name, 1, 2, 2)],
        done,
        total: 3,
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
    assert!(message.contains("CODE_DEPLOY"), "{message}");
    assert!(ch(&mut s, 'D').is_empty());
    assert!(s.modal.is_none());
}
