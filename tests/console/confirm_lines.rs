//! Every dialog that changes AWS names what it acts on in its confirm line (issue 24,
//! item 1): the cluster/service, the task, the user and repository, the volume ids or
//! their count and region. Each dialog is planned with the fixtures; its confirm line is
//! read off the screen (joined across the rows it wraps over) and checked; the screens of
//! the dialogs no other test draws are kept as insta snapshots at 80×24 and 120×40.

use crate::actions::submit;
use crate::fixtures::{deliver, dialog, key, loaded_state, render, td_arn};
use crate::hands_on::{TASK, db_forward_plan, stop_plan};
use crossterm::event::KeyCode;
use ecsnap::ops::redeploy::RedeployPlan;
use ecsnap::ops::restore_user::RestorePlan;
use ecsnap::ops::scale::ScalePlan;
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::hands_on::HandsOnPlan;
use ecsnap::tui::state::modal::Stage;
use ecsnap::tui::state::msg::{DialogAnswer, Planned};
use ecsnap::tui::state::pane_id::PaneId;

/// The dialog's confirm line: from the row that starts it to its `?`-question end, the
/// rows inside the dialog's borders joined.
fn confirm_line(s: &AppState) -> String {
    let screen = render(s, 120, 40);
    let rows: Vec<String> = screen
        .lines()
        .map(|l| {
            l.trim_matches(|c: char| c == '│' || c == ' ' || c == '┐' || c == '┘')
                .to_string()
        })
        .collect();
    let joined = rows.join(" ");
    let end = joined
        .find("? y confirm")
        .or_else(|| joined.find("? Type"))
        .unwrap_or_else(|| panic!("no confirm line on the screen:\n{screen}"));
    // Back to the blank row before it: the line starts after the last "│ │" gap.
    let start = joined[..end].rfind("  ").map_or(0, |i| i + 2);
    joined[start..end].trim().to_string()
}

fn planned(s: &mut AppState, result: Planned) {
    let g = s.modal.as_ref().map(|m| m.generation).expect("a dialog");
    deliver(s, dialog(g, DialogAnswer::Planned(Ok(result))));
    assert_eq!(
        s.modal.as_ref().map(|m| m.stage.clone()),
        Some(Stage::Confirm),
        "planned: the dialog asks"
    );
}

fn on_ledger() -> AppState {
    let mut s = loaded_state();
    assert!(s.services.list.select_key("payments-prod/ledger"));
    s
}

fn screens(name: &str, s: &AppState) {
    insta::assert_snapshot!(format!("{name}_120x40"), render(s, 120, 40));
    insta::assert_snapshot!(format!("{name}_80x24"), render(s, 80, 24));
}

#[test]
fn redeploy_names_the_service() {
    let mut s = on_ledger();
    key(&mut s, KeyCode::Char('D'));
    planned(
        &mut s,
        Planned::Redeploy(RedeployPlan {
            service: ecsnap::model::ClusterService::new("payments-prod", "ledger"),
            task_definition: td_arn("ledger", 2),
            desired_count: 2,
            running_count: 2,
        }),
    );
    assert_eq!(
        confirm_line(&s),
        "Force the redeploy of payments-prod/ledger"
    );
    screens("redeploy_confirm", &s);
}

#[test]
fn scale_names_the_service_and_the_counts() {
    let mut s = on_ledger();
    key(&mut s, KeyCode::Char('+'));
    planned(
        &mut s,
        Planned::HandsOn(HandsOnPlan::Scale(ScalePlan {
            service: ecsnap::model::ClusterService::new("payments-prod", "ledger"),
            from: 2,
            to: 3,
            running: 2,
        })),
    );
    assert_eq!(confirm_line(&s), "Scale payments-prod/ledger from 2 to 3");
    screens("scale_confirm", &s);
}

#[test]
fn restore_names_the_user_the_tags_and_the_repository() {
    let mut s = loaded_state();
    s.pane = PaneId::Snapshots;
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Char('t'));
    let tag = s
        .snapshots
        .tags
        .selected_row()
        .map(|r| r.entry.tag.clone())
        .expect("a tag is selected");
    planned(
        &mut s,
        Planned::Restore(RestorePlan {
            repository: "workspaces".into(),
            user: "alice".into(),
            tag: tag.clone(),
            resume_tag: "alice-latest".into(),
            digest: "sha256:bbb".into(),
            before_digest: Some("sha256:aaa".into()),
        }),
    );
    assert_eq!(
        confirm_line(&s),
        format!("Point alice's alice-latest at {tag} in workspaces")
    );
    screens("restore_confirm", &s);
}

fn on_task() -> AppState {
    let mut s = loaded_state();
    s.pane = PaneId::Tasks;
    assert!(s.tasks.list.select_key(TASK));
    s
}

#[test]
fn stop_task_names_the_task_and_its_service() {
    let mut s = on_task();
    key(&mut s, KeyCode::Char('K'));
    planned(&mut s, Planned::HandsOn(HandsOnPlan::Stop(stop_plan())));
    assert_eq!(
        confirm_line(&s),
        format!("Stop task {TASK} of payments-prod/ledger")
    );
}

#[test]
fn port_forward_names_the_route_and_the_task() {
    let mut s = on_task();
    key(&mut s, KeyCode::Char('p'));
    submit(&mut s, "5432 15432 db.internal");
    planned(
        &mut s,
        Planned::HandsOn(HandsOnPlan::Forward(db_forward_plan())),
    );
    assert_eq!(
        confirm_line(&s),
        format!("Forward localhost:15432 to db.internal:5432 through task {TASK} (payments-prod)")
    );
    screens("port_forward_confirm", &s);
}

#[test]
fn a_single_cleanup_names_the_volume_and_the_region() {
    let (mut s, ids) = crate::cleanup::volumes_marked(1);
    key(&mut s, KeyCode::Char('x'));
    planned(
        &mut s,
        Planned::Cleanup(vec![crate::cleanup::volume_plan(&ids)]),
    );
    assert_eq!(
        confirm_line(&s),
        format!("Delete volume {} in us-east-1", ids[0])
    );
    screens("cleanup_single_confirm", &s);
}

#[test]
fn the_other_dialogs_name_their_target_too() {
    // Rollback: the service, then the change.
    let s = crate::rollback::picker_open();
    assert_eq!(
        confirm_line(&s),
        "Roll back payments-prod/worker: worker:3 → worker:2"
    );
    // A bulk cleanup: the count per kind and the region.
    let (mut s, ids) = crate::cleanup::volumes_marked(2);
    key(&mut s, KeyCode::Char('x'));
    planned(
        &mut s,
        Planned::Cleanup(vec![crate::cleanup::volume_plan(&ids)]),
    );
    assert_eq!(confirm_line(&s), "Delete 2 volumes in us-east-1");
}
