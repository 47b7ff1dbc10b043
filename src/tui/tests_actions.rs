//! The action dialogs through `update`: rollback picker → y → wait view, typed counts for
//! bulk deletes, read-only refusal inside the dialog, stale answers dropped, wait progress
//! and failure offering a rollback; and their screens (insta, 120×40 and 80×24).

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::TimeZone;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::app::{AppState, PaneId};
use super::effects::Effect;
use super::fixtures::{deliver, loaded_state, now};
use super::modal::{ModalKind, Stage};
use super::msg::{Event, Msg, Planned};
use super::update::update;
use super::view;
use crate::aws::Preflight;
use crate::model::{Deployment, ServiceEvent};
use crate::ops::cleanup::{
    CleanupItem, CleanupPlan, CleanupTarget, ItemKind, ItemResult, ItemStatus, SkippedItem,
};
use crate::ops::redeploy::Started;
use crate::ops::rollback::{ContainerImage, Revision};
use crate::ops::wait::{StoppedTask, Verdict, WaitProgress};

const TD: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition/worker";

fn render(state: &AppState, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|f| view::draw(f, state))
        .expect("draw into the test backend");
    let buf = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let line: String = (0..width).map(|x| buf[(x, y)].symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn key(state: &mut AppState, code: KeyCode) -> Vec<Effect> {
    update(state, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

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
        }],
        current: n == 3,
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
    let mut service = super::fixtures::services()
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

// ---- cleanup ----------------------------------------------------------------------

fn item(id: &str, gib: f64) -> CleanupItem {
    CleanupItem {
        kind: ItemKind::Volume,
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
        target: CleanupTarget::Volumes,
        items: ids.iter().map(|id| item(id, 100.0)).collect(),
        skipped: vec![SkippedItem {
            id: "vol-keep".into(),
            kind: ItemKind::Volume,
            reason: "protected by tag ecsnap:keep".into(),
        }],
        min_age_days: None,
        snapshot_first: false,
        keep_newest: 3,
        preflight_done: true,
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
fn x_plans_only_the_marked_rows_and_bulk_needs_the_count_typed() {
    let base = loaded_state();
    let ids = first_orphan_volumes(&base, 2);
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut s = cleanup_of(&refs);
    let effects = ch(&mut s, 'x');
    let [
        Effect::PlanCleanup {
            volumes,
            snapshots,
            images,
            ..
        },
    ] = &effects[..]
    else {
        panic!("{effects:?}");
    };
    assert_eq!(volumes.iter().cloned().collect::<Vec<_>>(), {
        let mut v = ids.clone();
        v.sort();
        v
    });
    assert!(snapshots.is_empty() && images.is_empty());
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Planned {
            generation: g,
            result: Ok(Planned::Cleanup(vec![volume_plan(&refs)])),
        },
    );
    assert!(ch(&mut s, 'y').is_empty(), "bulk: y is not enough");
    ch(&mut s, '3');
    assert!(key(&mut s, KeyCode::Enter).is_empty(), "3 is not the count");
    assert!(render(&s, 120, 40).contains("does not match"));
    key(&mut s, KeyCode::Backspace);
    key(&mut s, KeyCode::Backspace);
    ch(&mut s, '2');
    let effects = key(&mut s, KeyCode::Enter);
    assert!(
        matches!(&effects[..], [Effect::Cleanup { plans, .. }] if plans[0].items.len() == 2),
        "{effects:?}"
    );
    assert!(
        key(&mut s, KeyCode::Esc).is_empty(),
        "running: Esc waits for the results"
    );
    assert!(s.modal.is_some());
}

#[test]
fn one_resource_needs_only_y_and_results_refresh_the_pane() {
    let mut s = cleanup_of(&[]);
    let id = s.orphans.list.selected_key().expect("a selected orphan");
    ch(&mut s, 'x');
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Planned {
            generation: g,
            result: Ok(Planned::Cleanup(vec![volume_plan(&[&id])])),
        },
    );
    assert!(matches!(ch(&mut s, 'y')[..], [Effect::Cleanup { .. }]));
    let done = ItemResult {
        id: id.clone(),
        kind: ItemKind::Volume,
        status: ItemStatus::Done,
        detail: None,
        snapshot_id: None,
    };
    deliver(
        &mut s,
        Msg::CleanupItem {
            generation: g,
            result: done.clone(),
        },
    );
    let effects = update(
        &mut s,
        Event::Msg(Msg::CleanupDone {
            generation: g,
            result: Ok(vec![done]),
        }),
    );
    assert!(
        matches!(effects[..], [Effect::LoadOrphans { .. }]),
        "{effects:?}"
    );
    let text = render(&s, 120, 40);
    assert!(text.contains(&format!("done    volume   {id}")), "{text}");
    assert!(
        text.contains("Result: 1 done, 0 skipped, 0 failed"),
        "{text}"
    );
    assert!(
        text.contains("vol-keep (volume): protected by tag ecsnap:keep"),
        "{text}"
    );
}

#[test]
fn a_marks_all_filtered_rows_and_again_unmarks() {
    let mut s = cleanup_of(&[]);
    ch(&mut s, 'a');
    assert_eq!(s.orphans.list.marks.len(), s.orphans.list.visible.len());
    ch(&mut s, 'a');
    assert!(s.orphans.list.marks.is_empty());
}

// ---- screens ----------------------------------------------------------------------

fn fixed(mut s: AppState) -> AppState {
    s.now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 23, 12, 1, 30)
        .single()
        .unwrap_or_default();
    s
}

#[test]
fn rollback_picker_screen() {
    let s = fixed(picker_open());
    insta::assert_snapshot!("rollback_picker_120x40", render(&s, 120, 40));
    insta::assert_snapshot!("rollback_picker_80x24", render(&s, 80, 24));
}

#[test]
fn wait_view_screen() {
    let mut s = wait_view();
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::WaitProgress {
            generation: g,
            progress: progress(1, Verdict::InProgress),
        },
    );
    let failed = Verdict::Failed("deployment ecs-svc/new1 FAILED: tasks failed to start".into());
    deliver(
        &mut s,
        Msg::WaitProgress {
            generation: g,
            progress: progress(2, failed),
        },
    );
    let s = fixed(s);
    insta::assert_snapshot!("wait_view_120x40", render(&s, 120, 40));
    insta::assert_snapshot!("wait_view_80x24", render(&s, 80, 24));
}

fn cleanup_confirm() -> AppState {
    let base = loaded_state();
    let ids = first_orphan_volumes(&base, 2);
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut s = cleanup_of(&refs);
    ch(&mut s, 'x');
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Planned {
            generation: g,
            result: Ok(Planned::Cleanup(vec![volume_plan(&refs)])),
        },
    );
    s
}

#[test]
fn cleanup_confirm_screen() {
    let s = fixed(cleanup_confirm());
    insta::assert_snapshot!("cleanup_confirm_120x40", render(&s, 120, 40));
    insta::assert_snapshot!("cleanup_confirm_80x24", render(&s, 80, 24));
}

#[test]
fn cleanup_report_screen() {
    let mut s = cleanup_confirm();
    ch(&mut s, '2');
    key(&mut s, KeyCode::Enter);
    let g = generation(&s);
    let ids: Vec<String> = s
        .modal
        .as_ref()
        .and_then(|m| match &m.kind {
            ModalKind::Cleanup(c) => Some(c.items().map(|i| i.id.clone()).collect()),
            _ => None,
        })
        .unwrap_or_default();
    let results = vec![
        ItemResult {
            id: ids[0].clone(),
            kind: ItemKind::Volume,
            status: ItemStatus::Done,
            detail: None,
            snapshot_id: None,
        },
        ItemResult {
            id: ids[1].clone(),
            kind: ItemKind::Volume,
            status: ItemStatus::Failed,
            detail: Some("ec2:DeleteVolume was denied".into()),
            snapshot_id: None,
        },
    ];
    deliver(
        &mut s,
        Msg::CleanupDone {
            generation: g,
            result: Ok(results),
        },
    );
    let text = render(&s, 120, 40);
    assert!(
        text.contains("Result: 1 done, 0 skipped, 1 failed"),
        "{text}"
    );
    let s = fixed(s);
    insta::assert_snapshot!("cleanup_report_120x40", render(&s, 120, 40));
    insta::assert_snapshot!("cleanup_report_80x24", render(&s, 80, 24));
}

// ---- redeploy, restore, images ------------------------------------------------------

#[test]
fn d_plans_a_redeploy_then_y_watches_it() {
    let mut s = on_worker();
    s.pane = PaneId::Detail;
    s.detail.retarget(("payments-prod".into(), "worker".into()));
    let effects = ch(&mut s, 'D');
    assert!(
        matches!(&effects[..], [Effect::PlanRedeploy { service, .. }] if service == "worker"),
        "{effects:?}"
    );
    let g = generation(&s);
    let plan = crate::ops::redeploy::RedeployPlan {
        cluster: "payments-prod".into(),
        service: "worker".into(),
        task_definition: format!("{TD}:3"),
        desired_count: 3,
        running_count: 2,
    };
    deliver(
        &mut s,
        Msg::Planned {
            generation: g,
            result: Ok(Planned::Redeploy(plan)),
        },
    );
    assert!(render(&s, 120, 40).contains("force a new deployment of payments-prod/worker"));
    let effects = ch(&mut s, 'y');
    assert!(
        matches!(effects[..], [Effect::Redeploy { .. }]),
        "{effects:?}"
    );
    deliver(
        &mut s,
        Msg::Started {
            generation: g,
            result: Ok(started(3)),
        },
    );
    let text = render(&s, 120, 40);
    assert!(
        text.contains("Forced a new deployment of worker:3"),
        "{text}"
    );
}

#[test]
fn a_refused_rollout_shows_in_the_dialog() {
    let mut s = picker_open();
    ch(&mut s, 'y');
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Started {
            generation: g,
            result: Err("ecs:UpdateService was denied: lacks ecs:UpdateService".into()),
        },
    );
    let text = render(&s, 120, 40);
    assert!(text.contains("lacks ecs:UpdateService"), "{text}");
    assert!(matches!(
        s.modal.as_ref().map(|m| &m.stage),
        Some(Stage::Failed(_))
    ));
}

fn restore_plan(before: &str, after: &str) -> crate::ops::restore_user::RestorePlan {
    crate::ops::restore_user::RestorePlan {
        repository: "workspaces".into(),
        user: "alice".into(),
        tag: "alice-20261120T0815".into(),
        resume_tag: "alice-latest".into(),
        digest: after.into(),
        before_digest: Some(before.into()),
    }
}

#[test]
fn t_restores_a_user_showing_the_digests_before_and_after() {
    let mut s = loaded_state();
    s.pane = PaneId::Snapshots;
    key(&mut s, KeyCode::Enter);
    let effects = ch(&mut s, 't');
    let [Effect::PlanRestore { user, tag, .. }] = &effects[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(user, "alice");
    let selected = s.snapshots.tags.selected_row().map(|r| r.entry.tag.clone());
    assert_eq!(Some(tag.clone()), selected);
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Planned {
            generation: g,
            result: Ok(Planned::Restore(restore_plan("sha256:aaa", "sha256:bbb"))),
        },
    );
    let text = render(&s, 120, 40);
    assert!(
        text.contains("before: sha256:aaa") && text.contains("after:  sha256:bbb"),
        "{text}"
    );
    assert!(matches!(ch(&mut s, 'y')[..], [Effect::Restore { .. }]));
    let done = crate::ops::restore_user::Restored {
        before_digest: Some("sha256:aaa".into()),
        after_digest: "sha256:bbb".into(),
    };
    let effects = update(
        &mut s,
        Event::Msg(Msg::Restored {
            generation: g,
            result: Ok(done),
        }),
    );
    assert!(
        matches!(effects[..], [Effect::LoadSnapshots { .. }]),
        "{effects:?}"
    );
    assert!(render(&s, 120, 40).contains("Done: now sha256:bbb (was sha256:aaa)"));
}

#[test]
fn a_restore_that_changes_nothing_is_not_sent() {
    let mut s = loaded_state();
    s.pane = PaneId::Snapshots;
    key(&mut s, KeyCode::Enter);
    ch(&mut s, 't');
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Planned {
            generation: g,
            result: Ok(Planned::Restore(restore_plan("sha256:aaa", "sha256:aaa"))),
        },
    );
    assert!(ch(&mut s, 'y').is_empty());
    assert!(render(&s, 120, 40).contains("already points at"));
}

#[test]
fn x_on_snapshots_plans_the_marked_tags_images() {
    let mut s = loaded_state();
    s.pane = PaneId::Snapshots;
    assert!(ch(&mut s, 'x').is_empty(), "nothing marked, users focused");
    key(&mut s, KeyCode::Enter);
    ch(&mut s, ' ');
    ch(&mut s, ' ');
    let expected: BTreeSet<String> = s
        .snapshots
        .tags
        .rows
        .iter()
        .filter(|r| {
            s.snapshots
                .tags
                .marks
                .contains(&format!("{}:{}", r.repository, r.entry.tag))
        })
        .map(|r| format!("{}@{}", r.repository, r.entry.digest))
        .collect();
    assert!(!expected.is_empty());
    let effects = ch(&mut s, 'x');
    assert!(
        matches!(&effects[..], [Effect::PlanCleanup { images, volumes, .. }] if *images == expected && volumes.is_empty()),
        "{effects:?}"
    );
}

#[test]
fn restrict_keeps_only_marked_ids_and_explains_the_rest() {
    let mut plan = volume_plan(&["vol-a", "vol-b"]);
    let ids: BTreeSet<String> = ["vol-a", "vol-keep", "vol-gone"]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
    super::modal::cleanup::restrict(&mut plan, &ids, ItemKind::Volume);
    assert_eq!(
        plan.items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        ["vol-a"]
    );
    let skipped: Vec<(&str, &str)> = plan
        .skipped
        .iter()
        .map(|s| (s.id.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(skipped[0], ("vol-keep", "protected by tag ecsnap:keep"));
    assert_eq!(skipped[1].0, "vol-gone");
    assert!(skipped[1].1.contains("no longer a cleanup candidate"));
}
