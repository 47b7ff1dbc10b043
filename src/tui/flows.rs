//! The action flows, called only from `update`: requests (open a dialog and ask for the
//! plan), the dialog's keys (confirm → the `*_do` effect that runs exactly the plan shown),
//! and the answers that move a dialog along. Read-only mode shows the plan and refuses.

use std::collections::BTreeSet;

use crossterm::event::{KeyCode, KeyEvent};

use super::action::Action;
use super::app::{AppState, PaneId};
use super::effects::Effect;
use super::keymap;
use super::modal::cleanup::CleanupModal;
use super::modal::confirm::{ConfirmInput, needed};
use super::modal::rollback::RollbackModal;
use super::modal::simple::{SimpleModal, SimplePlan};
use super::modal::wait::WaitView;
use super::modal::{Modal, ModalKind, Stage};
use super::msg::{Msg, Planned};
use super::panes::orphans::OrphanRow;
use super::panes::{ListPane, Row};
use crate::model::arn_name;
use crate::ops::guard::read_only_reason;

fn open(state: &mut AppState, kind: ModalKind) -> u64 {
    state.action_generation += 1;
    let generation = state.action_generation;
    let read_only = read_only_reason(&state.settings).map(|r| r.0);
    state.modal = Some(Modal::new(generation, read_only, kind));
    generation
}

/// The service the shown pane is about.
fn service_in_view(state: &AppState) -> Option<(String, String)> {
    match state.pane {
        PaneId::Services => state
            .services
            .list
            .selected_row()
            .map(|r| (r.service.cluster.clone(), r.service.name.clone())),
        PaneId::Tasks => state.tasks.target.clone(),
        PaneId::Detail => state.detail.target.clone(),
        PaneId::Snapshots | PaneId::Orphans => None,
    }
}

/// `R`: the rollback picker for the service in view.
pub fn request_rollback(state: &mut AppState) -> Vec<Effect> {
    let Some((cluster, service)) = service_in_view(state) else {
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

fn rollback_of(
    state: &mut AppState,
    cluster: String,
    service: String,
    current: String,
) -> Vec<Effect> {
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
    let Some((cluster, service)) = service_in_view(state) else {
        state.message = Some("select a service to redeploy".into());
        return Vec::new();
    };
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
    let (mut volumes, mut snapshots, mut images) =
        (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    match state.pane {
        PaneId::Orphans => {
            let list = &state.orphans.list;
            for key in marked_or_selected(list) {
                match list.rows.iter().find(|r| r.key() == key) {
                    Some(OrphanRow::Volume(_)) => volumes.insert(key),
                    Some(OrphanRow::Snapshot(_)) => snapshots.insert(key),
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
                    images.insert(format!("{}@{}", r.repository, r.entry.digest));
                }
            }
        }
        _ => {}
    }
    let asked = volumes.len() + snapshots.len() + images.len();
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
        volumes,
        snapshots,
        images,
    }]
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

fn toggle_all<R: Row>(list: &mut ListPane<R>) {
    let keys: Vec<String> = list.visible_rows().map(Row::key).collect();
    if keys.iter().all(|k| list.marks.contains(k)) {
        for k in &keys {
            list.marks.remove(k);
        }
    } else {
        list.marks.extend(keys);
    }
}

/// `a`: mark every visible row, or unmark them when all are marked.
pub fn mark_all(state: &mut AppState) {
    match state.pane {
        PaneId::Services => toggle_all(&mut state.services.list),
        PaneId::Tasks => toggle_all(&mut state.tasks.list),
        PaneId::Orphans => toggle_all(&mut state.orphans.list),
        PaneId::Snapshots if state.snapshots.focus_tags => toggle_all(&mut state.snapshots.tags),
        PaneId::Snapshots => toggle_all(&mut state.snapshots.users),
        PaneId::Detail => {}
    }
}

// ---- the dialog's keys --------------------------------------------------------------

/// A key while a dialog is open: it takes every key.
pub fn on_key(state: &mut AppState, key: &KeyEvent) -> Vec<Effect> {
    let Some(modal) = state.modal.as_mut() else {
        return Vec::new();
    };
    if modal.typing() {
        match key.code {
            KeyCode::Char(c) => {
                modal.confirm.input.push(c);
                modal.confirm.error = None;
                return Vec::new();
            }
            KeyCode::Backspace => {
                modal.confirm.input.pop();
                return Vec::new();
            }
            _ => {}
        }
    }
    match keymap::lookup_modal(key) {
        Some(action) => act(state, action, key.code == KeyCode::Enter),
        None => Vec::new(),
    }
}

fn act(state: &mut AppState, action: Action, enter: bool) -> Vec<Effect> {
    let Some(modal) = state.modal.as_mut() else {
        return Vec::new();
    };
    match action {
        Action::Cancel => close(state),
        Action::ModalUp | Action::ModalDown => {
            if let ModalKind::Rollback(r) = &mut modal.kind {
                r.move_by(if action == Action::ModalUp { -1 } else { 1 });
            }
            Vec::new()
        }
        Action::Rollback => match &modal.kind {
            ModalKind::Wait(w) if w.offers_rollback() => {
                let (c, s, td) = (
                    w.cluster.clone(),
                    w.service.clone(),
                    w.task_definition.clone(),
                );
                let mut effects = vec![Effect::CancelAction];
                effects.extend(rollback_of(state, c, s, td));
                effects
            }
            ModalKind::Wait(_) => {
                modal.confirm.error = Some(
                    "the rollout has not failed; Esc stops watching, then R rolls back".into(),
                );
                Vec::new()
            }
            _ => Vec::new(),
        },
        Action::Confirm => confirm(state, enter),
        _ => Vec::new(),
    }
}

/// Esc / n: close — except while a cleanup or restore runs (its results are coming).
fn close(state: &mut AppState) -> Vec<Effect> {
    let Some(modal) = state.modal.as_mut() else {
        return Vec::new();
    };
    let running = modal.stage == Stage::Running && !matches!(modal.kind, ModalKind::Wait(_));
    if running {
        modal.confirm.error = Some("running: the results follow, then Esc closes".into());
        return Vec::new();
    }
    let in_flight = matches!(modal.stage, Stage::Planning | Stage::Running);
    state.modal = None;
    if in_flight {
        vec![Effect::CancelAction]
    } else {
        Vec::new()
    }
}

fn confirm(state: &mut AppState, enter: bool) -> Vec<Effect> {
    let Some(modal) = state.modal.as_mut() else {
        return Vec::new();
    };
    match modal.stage {
        Stage::Done | Stage::Failed(_) => return close(state),
        Stage::Planning | Stage::Running => return Vec::new(),
        Stage::Confirm => {}
    }
    if modal.confirm.is_typed() {
        if !enter {
            return Vec::new();
        }
        if !modal.confirm.accepts_typed() {
            modal.confirm.error = Some(format!(
                "{:?} does not match; nothing was sent",
                modal.confirm.input
            ));
            return Vec::new();
        }
    } else if enter {
        return Vec::new();
    }
    if let Some(reason) = &modal.read_only {
        modal.confirm.error = Some(format!("READ-ONLY — refused, nothing was sent: {reason}"));
        return Vec::new();
    }
    let generation = modal.generation;
    let effect = match &modal.kind {
        ModalKind::Rollback(r) => {
            let Some(plan) = r.plan() else {
                modal.confirm.error = Some("pick a revision other than the one running".into());
                return Vec::new();
            };
            Effect::Rollback { generation, plan }
        }
        ModalKind::Simple(s) => match &s.plan {
            Some(SimplePlan::Redeploy(p)) => Effect::Redeploy {
                generation,
                plan: p.clone(),
            },
            Some(SimplePlan::Restore(p)) if p.is_noop() => {
                modal.confirm.error = Some(format!(
                    "{} already points at {}; nothing to do",
                    p.resume_tag, p.tag
                ));
                return Vec::new();
            }
            Some(SimplePlan::Restore(p)) => Effect::Restore {
                generation,
                plan: p.clone(),
            },
            None => return Vec::new(),
        },
        ModalKind::Cleanup(c) => {
            if c.to_execute() == 0 {
                modal.confirm.error = Some("nothing in the plan can be deleted".into());
                return Vec::new();
            }
            Effect::Cleanup {
                generation,
                plans: c.plans.clone(),
            }
        }
        ModalKind::Wait(_) => return Vec::new(),
    };
    modal.stage = Stage::Running;
    modal.confirm.error = None;
    vec![effect]
}

// ---- answers ------------------------------------------------------------------------

/// Moves the open dialog along; answers for another (closed) dialog are dropped.
pub fn on_msg(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    let now = state.now;
    let production = state.settings.production;
    let Some(modal) = state.modal.as_mut() else {
        return Vec::new();
    };
    let generation = match &msg {
        Msg::Revisions { generation, .. }
        | Msg::Planned { generation, .. }
        | Msg::Started { generation, .. }
        | Msg::WaitProgress { generation, .. }
        | Msg::WaitDone { generation, .. }
        | Msg::CleanupItem { generation, .. }
        | Msg::CleanupDone { generation, .. }
        | Msg::Restored { generation, .. } => *generation,
        _ => return Vec::new(),
    };
    if generation != modal.generation {
        tracing::debug!("dropping a stale dialog answer (generation {generation})");
        return Vec::new();
    }
    match (msg, &mut modal.kind) {
        (Msg::Revisions { result, .. }, ModalKind::Rollback(r)) => match result {
            Ok(revisions) => {
                r.set_revisions(revisions);
                modal.confirm = ConfirmInput::new(needed(1, production, &r.service));
                modal.stage = Stage::Confirm;
            }
            Err(e) => modal.stage = Stage::Failed(e),
        },
        (Msg::Planned { result, .. }, kind) => match (result, kind) {
            (Ok(Planned::Cleanup(plans)), ModalKind::Cleanup(c)) => {
                c.plans = plans;
                modal.confirm =
                    ConfirmInput::new(needed(c.to_execute(), production, &c.single_id()));
                modal.stage = Stage::Confirm;
            }
            (Ok(Planned::Redeploy(p)), ModalKind::Simple(s)) => {
                s.plan = Some(SimplePlan::Redeploy(p));
                modal.confirm = ConfirmInput::new(needed(1, production, &s.name()));
                modal.stage = Stage::Confirm;
            }
            (Ok(Planned::Restore(p)), ModalKind::Simple(s)) => {
                s.plan = Some(SimplePlan::Restore(p));
                modal.confirm = ConfirmInput::new(needed(1, production, &s.name()));
                modal.stage = Stage::Confirm;
            }
            (Err(e), _) => modal.stage = Stage::Failed(e),
            _ => {}
        },
        (Msg::Started { result, .. }, kind) => match result {
            Ok(started) => {
                let what = match kind {
                    ModalKind::Rollback(r) => format!("rolled back {}", r.headline()),
                    _ => format!(
                        "forced a new deployment of {}",
                        arn_name(&started.task_definition)
                    ),
                };
                modal.kind = ModalKind::Wait(WaitView::new(what, &started, now));
                modal.stage = Stage::Running;
                modal.confirm = ConfirmInput::default();
                return vec![Effect::LoadServices {
                    generation: state.services.loader.start(now),
                }];
            }
            Err(e) => modal.stage = Stage::Failed(e),
        },
        (Msg::WaitProgress { progress, .. }, ModalKind::Wait(w)) => {
            w.apply(&progress);
            if progress.verdict.is_done() {
                modal.stage = Stage::Done;
            }
        }
        (Msg::WaitDone { result, .. }, ModalKind::Wait(w)) => {
            w.finish(result);
            modal.stage = Stage::Done;
            return vec![Effect::LoadServices {
                generation: state.services.loader.start(now),
            }];
        }
        (Msg::CleanupItem { result, .. }, ModalKind::Cleanup(c)) => c.record(result),
        (Msg::CleanupDone { result, .. }, ModalKind::Cleanup(c)) => {
            let images = c
                .plans
                .iter()
                .any(|p| p.target == crate::ops::cleanup::CleanupTarget::Images);
            match result {
                Ok(results) => {
                    for r in results {
                        c.record(r);
                    }
                    modal.stage = Stage::Done;
                }
                Err(e) => modal.stage = Stage::Failed(format!("{e} (nothing was deleted)")),
            }
            return vec![if images {
                Effect::LoadSnapshots {
                    generation: state.snapshots.loader.start(now),
                }
            } else {
                Effect::LoadOrphans {
                    generation: state.orphans.loader.start(now),
                }
            }];
        }
        (Msg::Restored { result, .. }, ModalKind::Simple(s)) => match result {
            Ok(done) => {
                s.restored = Some(done);
                modal.stage = Stage::Done;
                return vec![Effect::LoadSnapshots {
                    generation: state.snapshots.loader.start(now),
                }];
            }
            Err(e) => modal.stage = Stage::Failed(e),
        },
        _ => {}
    }
    Vec::new()
}
