//! The action flows, called only from `update`: requests (open a dialog and ask for the
//! plan) here; the dialog's keys (confirm → the `*_do` effect that runs exactly the plan
//! shown) and the answers that move a dialog along in `dialog`. Read-only mode shows the
//! plan and refuses.

mod dialog;
pub mod hands_on;

pub use dialog::{on_key, on_msg};

use super::app::{AppState, PaneId};
use super::effects::Effect;
use super::modal::cleanup::CleanupModal;
use super::modal::rollback::RollbackModal;
use super::modal::simple::SimpleModal;
use super::modal::{Modal, ModalKind};
use super::panes::orphans::OrphanRow;
use super::panes::{ListPane, Row};
use crate::ops::cleanup::Selection;
use crate::ops::guard::read_only_reason;

fn open(state: &mut AppState, kind: ModalKind) -> u64 {
    state.action_generation += 1;
    let generation = state.action_generation;
    let read_only = read_only_reason(&state.settings).map(|r| r.0);
    state.modal = Some(Modal::new(generation, read_only, kind));
    generation
}

/// `R`: the rollback picker for the service in view.
pub fn request_rollback(state: &mut AppState) -> Vec<Effect> {
    let Some((cluster, service)) = state.service_in_view() else {
        state.message = Some("select a service to roll back".into());
        return Vec::new();
    };
    let Some(current) = state
        .services
        .find(&cluster, &service)
        .map(|s| crate::ops::running_task_definition(s).to_string())
    else {
        state.message = Some(format!(
            "{cluster}/{service} is not among the loaded services"
        ));
        return Vec::new();
    };
    rollback_of(state, cluster, service, current)
}

/// A service whose deployments another controller owns (CodeDeploy, external) is not
/// rolled back or redeployed through ECS: the reason goes to the status line, and nothing
/// is opened or sent.
fn refused_by_controller(state: &mut AppState, cluster: &str, service: &str, action: &str) -> bool {
    let refusal = state
        .services
        .find(cluster, service)
        .and_then(|s| crate::ops::controller_refusal(s, action));
    match refusal {
        Some(e) => {
            state.message = Some(e.to_string());
            true
        }
        None => false,
    }
}

pub(super) fn rollback_of(
    state: &mut AppState,
    cluster: String,
    service: String,
    current: String,
) -> Vec<Effect> {
    if refused_by_controller(state, &cluster, &service, "roll back") {
        return Vec::new();
    }
    let modal = RollbackModal::new(cluster.clone(), service.clone(), current.clone());
    let generation = open(state, ModalKind::Rollback(modal));
    vec![Effect::LoadRevisions {
        generation,
        cluster,
        service,
        current,
    }]
}

/// `D`: plan a forced redeploy of the service in view.
pub fn request_redeploy(state: &mut AppState) -> Vec<Effect> {
    let Some((cluster, service)) = state.service_in_view() else {
        state.message = Some("select a service to redeploy".into());
        return Vec::new();
    };
    if refused_by_controller(state, &cluster, &service, "redeploy") {
        return Vec::new();
    }
    let generation = open(
        state,
        ModalKind::Simple(SimpleModal::redeploy(&cluster, &service)),
    );
    vec![Effect::PlanRedeploy {
        generation,
        cluster,
        service,
    }]
}

/// The marked rows' keys, or the selected row's when none is marked.
fn marked_or_selected<R: Row>(list: &ListPane<R>) -> Vec<String> {
    let keys: Vec<String> = list
        .rows
        .iter()
        .map(Row::key)
        .filter(|k| list.marks.contains(k))
        .collect();
    if keys.is_empty() {
        list.selected_key().into_iter().collect()
    } else {
        keys
    }
}

/// `x`: plan the deletion of the marked orphans, or of the marked tags' images.
pub fn request_cleanup(state: &mut AppState) -> Vec<Effect> {
    let mut selection = Selection::default();
    match state.pane {
        PaneId::Orphans => {
            let list = &state.orphans.list;
            for key in marked_or_selected(list) {
                match list.rows.iter().find(|r| r.key() == key) {
                    Some(OrphanRow::Volume(_)) => selection.volumes.insert(key),
                    Some(OrphanRow::Snapshot(_)) => selection.snapshots.insert(key),
                    None => false,
                };
            }
        }
        PaneId::Snapshots => {
            let list = &state.snapshots.tags;
            let keys = if list.marks.is_empty() && !state.snapshots.focus_tags {
                Vec::new()
            } else {
                marked_or_selected(list)
            };
            for key in keys {
                if let Some(r) = list.rows.iter().find(|r| r.key() == key) {
                    selection
                        .images
                        .insert(format!("{}@{}", r.repository, r.entry.digest));
                }
            }
        }
        _ => {}
    }
    let asked = selection.len();
    if asked == 0 {
        state.message = Some(
            match state.pane {
                PaneId::Snapshots => {
                    "mark tags with space (Enter moves to the tags) to delete them"
                }
                _ => "nothing to delete here",
            }
            .into(),
        );
        return Vec::new();
    }
    let generation = open(state, ModalKind::Cleanup(CleanupModal::new(asked)));
    vec![Effect::PlanCleanup {
        generation,
        selection,
    }]
}

/// `v`: plan bringing the selected orphaned volume back into the service that created it.
pub fn request_recover(state: &mut AppState) -> Vec<Effect> {
    let Some(OrphanRow::Volume(v)) = state.orphans.list.selected_row() else {
        state.message = Some("select an orphaned volume to recover into its service (v)".into());
        return Vec::new();
    };
    let volume = v.volume.id.clone();
    let generation = open(state, ModalKind::Simple(SimpleModal::recover(&volume)));
    vec![Effect::PlanRecover { generation, volume }]
}

/// `t`: plan pointing the selected user's resume tag at the selected tag.
pub fn request_restore(state: &mut AppState) -> Vec<Effect> {
    let s = &state.snapshots;
    let user = s.users.selected_row().and_then(|u| u.group.user.clone());
    let tag = s
        .tags
        .selected_row()
        .map(|t| (t.repository.clone(), t.entry.tag.clone()));
    let (Some(user), Some((repository, tag))) = (user, tag) else {
        state.message =
            Some("select a user's tag to restore (tags under (other) have no user)".into());
        return Vec::new();
    };
    let generation = open(state, ModalKind::Simple(SimpleModal::restore(&user, &tag)));
    vec![Effect::PlanRestore {
        generation,
        repository,
        user,
        tag,
    }]
}
