//! An open dialog, whatever its kind: its keys (it takes every key; typed confirmations
//! collect characters), the confirmation that sends exactly the plan shown (each kind's
//! effect comes from its state's `PlanDialog::send`), and the answers that move it along (each
//! dispatched to its feature's file), dropped when they carry another dialog's generation.

use crossterm::event::{KeyCode, KeyEvent};

use crate::tui::action::Action;
use crate::tui::keymap;
use crate::tui::run::effect::{Effect, Load};
use crate::tui::state::app::AppState;
use crate::tui::state::modal::{ModalKind, Stage};
use crate::tui::state::msg::DialogAnswer;
use crate::tui::state::pane_id::PaneId;
use crate::tui::state::rollback::PickMode;
use crate::tui::state::service_ref::ServiceRef;
use crate::tui::update::flows::Reload;
use crate::tui::update::plan_dialog::{self, PlanDialog};
use crate::tui::update::rollback::rollback_of;
use crate::tui::update::{
    cleanup, deployment_action, hands_on, recover, restore, rollback, storage, wait,
};

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
        Action::ModalSwitch => {
            if let ModalKind::Rollback(r) = &mut modal.kind {
                r.toggle_mode();
                modal.confirm.error = None;
            }
            Vec::new()
        }
        Action::ModalUp | Action::ModalDown => {
            let delta = if action == Action::ModalUp { -1 } else { 1 };
            match &mut modal.kind {
                ModalKind::Rollback(r) => r.move_by(delta),
                ModalKind::HandsOn(h) => h.move_by(delta),
                ModalKind::Cleanup(_)
                | ModalKind::Redeploy(_)
                | ModalKind::Restore(_)
                | ModalKind::Recover(_)
                | ModalKind::Wait(_)
                | ModalKind::DeploymentAction(_)
                | ModalKind::Storage(_) => {}
            }
            Vec::new()
        }
        Action::ContinueDeployment => {
            hook_again(state, crate::model::LifecycleHookAction::Continue)
        }
        Action::Rollback if matches!(modal.kind, ModalKind::DeploymentAction(_)) => {
            hook_again(state, crate::model::LifecycleHookAction::Rollback)
        }
        Action::Rollback => match &modal.kind {
            ModalKind::Wait(w) if w.offers_rollback() => {
                let target = ServiceRef::new(modal.place, &w.cluster, &w.service);
                let current = w.task_definition.clone();
                let mut effects = vec![Effect::CancelAction];
                effects.extend(rollback_of(state, target, current));
                effects
            }
            ModalKind::Wait(_) => {
                modal.confirm.error = Some(
                    "the rollout has not failed; Esc stops watching, then R rolls back".into(),
                );
                Vec::new()
            }
            ModalKind::Rollback(_)
            | ModalKind::Cleanup(_)
            | ModalKind::Redeploy(_)
            | ModalKind::Restore(_)
            | ModalKind::Recover(_)
            | ModalKind::HandsOn(_)
            | ModalKind::DeploymentAction(_)
            | ModalKind::Storage(_) => Vec::new(),
        },
        Action::ModalRestoreTier => match &modal.kind {
            ModalKind::Rollback(_) if modal.stage == Stage::Confirm => {
                storage::request_restore_tier(state)
            }
            ModalKind::Restore(r) if modal.stage == Stage::Confirm => match r.archived.clone() {
                Some(a) => storage::request_restore_image(state, a),
                None => Vec::new(),
            },
            _ => Vec::new(),
        },
        Action::ModalForce => {
            if let ModalKind::Rollback(r) = &mut modal.kind
                && modal.stage == Stage::Confirm
            {
                let acted = if r.mode == PickMode::ServiceRevisions {
                    r.toggle_pin()
                } else {
                    r.toggle_force()
                };
                modal.confirm.error = (!acted).then(|| {
                    "f overrides only a revision whose image was deleted from ECR, or pins a \
                     service revision's digests where a tag was pushed again"
                        .to_string()
                });
            }
            Vec::new()
        }
        Action::ModalSnapshotFirst => {
            if modal.stage == Stage::Confirm
                && let ModalKind::Cleanup(c) = &mut modal.kind
                && !c.toggle_snapshot_first()
            {
                modal.confirm.error = Some("snapshot first applies to volumes only".into());
            }
            Vec::new()
        }
        Action::Confirm => confirm(state, enter),
        _ => Vec::new(),
    }
}

/// `o` / `R` in the deployment dialog once the deployment paused at a hook again: a new
/// plan of CONTINUE / ROLLBACK on that hook.
fn hook_again(state: &mut AppState, action: crate::model::LifecycleHookAction) -> Vec<Effect> {
    let Some(modal) = state.modal.as_mut() else {
        return Vec::new();
    };
    match &modal.kind {
        ModalKind::DeploymentAction(d) if d.paused_again() => {
            let target = ServiceRef::new(modal.place, &d.cluster, &d.service);
            deployment_action::request_hook(state, target, action)
        }
        _ => Vec::new(),
    }
}

/// Esc / n: close — except while a cleanup or restore runs (its results are coming).
fn close(state: &mut AppState) -> Vec<Effect> {
    let Some(modal) = state.modal.as_mut() else {
        return Vec::new();
    };
    let running = modal.stage == Stage::Running && !modal.is_watching();
    if running {
        modal.confirm.error = Some("running: the results follow, then Esc closes".into());
        return Vec::new();
    }
    let in_flight = matches!(modal.stage, Stage::Planning | Stage::Running);
    // A wait view may still follow the new volumes' initialization after the rollout is
    // done: closing it stops that too.
    let following = matches!(&modal.kind, ModalKind::Wait(w) if !w.hydration_ended);
    state.modal = None;
    if in_flight || following {
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
    if let Some(effects) = hands_on::port_typed(modal, enter) {
        return effects;
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
        ModalKind::Rollback(r) => r.send(generation),
        ModalKind::Cleanup(c) => c.send(generation),
        ModalKind::Redeploy(r) => r.send(generation),
        ModalKind::Restore(r) => r.send(generation),
        ModalKind::Recover(r) => r.send(generation),
        ModalKind::HandsOn(h) => h.send(generation),
        ModalKind::DeploymentAction(d) => d.send(generation),
        ModalKind::Storage(s) => s.send(generation),
        ModalKind::Wait(_) => Err(None),
    };
    let effect = match effect {
        Ok(e) => e,
        Err(why) => {
            if why.is_some() {
                modal.confirm.error = why;
            }
            return Vec::new();
        }
    };
    modal.stage = Stage::Running;
    modal.confirm.error = None;
    if matches!(
        &effect,
        Effect::Run(crate::tui::run::effect::Work::Action(
            crate::tui::run::effect::ActionEffect::Ecs { .. }
        ))
    ) {
        deployment_action::start_following(modal);
    }
    vec![effect]
}

// ---- answers ------------------------------------------------------------------------

/// Moves the open dialog along; answers for another (closed) dialog are dropped.
pub fn on_msg(state: &mut AppState, generation: u64, answer: DialogAnswer) -> Vec<Effect> {
    let now = state.now;
    let Some(place) = state.modal.as_ref().map(|m| m.place) else {
        return Vec::new();
    };
    let production = state.production_at(place);
    let Some(modal) = state.modal.as_mut() else {
        return Vec::new();
    };
    if generation != modal.generation {
        tracing::debug!("dropping a stale dialog answer (generation {generation})");
        return Vec::new();
    }
    let reload = match answer {
        DialogAnswer::HandsOnDone(result) => return hands_on::done(state, result),
        DialogAnswer::Revisions(result) => {
            rollback::revisions(modal, result, production);
            None
        }
        DialogAnswer::ImageTags(result) => {
            rollback::image_tags(modal, result);
            None
        }
        DialogAnswer::EbsSnapshots(result) => {
            rollback::ebs_snapshots(modal, result);
            None
        }
        DialogAnswer::ServiceRevisions(result) => {
            rollback::service_revisions(modal, result);
            None
        }
        DialogAnswer::Planned(result) => {
            plan_dialog::planned(modal, result, production);
            None
        }
        DialogAnswer::CleanupPartPlanned { place, result } => {
            cleanup::part_planned(modal, place, result);
            None
        }
        DialogAnswer::Started(result) => wait::started(modal, result, now),
        DialogAnswer::WaitProgress(progress) => {
            wait::progress(modal, &progress, now);
            None
        }
        DialogAnswer::LastLines { task_id, result } => {
            wait::last_lines(modal, task_id, result);
            None
        }
        DialogAnswer::WaitDone(result) => wait::done(modal, result, now),
        DialogAnswer::Hydration { lines, ended } => wait::hydration(modal, lines, ended),
        DialogAnswer::ScaleLook { running, pending } => {
            hands_on::scale_look(modal, running, pending);
            None
        }
        DialogAnswer::ScaleWatched(result) => hands_on::scale_watched(modal, result),
        DialogAnswer::CleanupItem(result) => {
            cleanup::item(modal, result);
            None
        }
        DialogAnswer::CleanupDone(result) => cleanup::done(modal, result),
        DialogAnswer::StorageDone(result) => storage::done(modal, result),
        DialogAnswer::StorageProgress(status) => storage::progress(modal, status),
        DialogAnswer::Restored(result) => restore::restored(modal, result),
        DialogAnswer::RecoverProgress(progress) => {
            recover::progress(modal, progress);
            None
        }
        DialogAnswer::EcsOffer(offer) => {
            rollback::ecs_offer(modal, offer);
            None
        }
        DialogAnswer::DeploymentSent(result) => deployment_action::sent(modal, result),
        DialogAnswer::DeploymentLook(d) => {
            wait::deployment_look(modal, *d);
            None
        }
        DialogAnswer::DeploymentFollowed(result) => deployment_action::followed(modal, result),
    };
    reload_after(state, reload.as_ref())
}

/// What a finished action changed, loaded again.
fn reload_after(state: &mut AppState, reload: Option<&Reload>) -> Vec<Effect> {
    let now = state.now;
    match reload {
        Some(Reload::Services) => {
            let mut effects = vec![Effect::from(Load::Services {
                generation: state.services.loader.start(now),
            })];
            // The Tasks pane in view shows the tasks the action started or stopped: load
            // it again too, rather than at its next refresh.
            if state.pane == PaneId::Tasks
                && let Some((cluster, service)) = state.tasks.target.as_ref().map(ServiceRef::names)
            {
                effects.push(Effect::from(Load::Tasks {
                    generation: state.tasks.loader.start(now),
                    cluster,
                    service,
                }));
            }
            effects
        }
        Some(Reload::Snapshots) => vec![Effect::from(Load::Snapshots {
            generation: state.snapshots.loader.start(now),
        })],
        Some(Reload::Orphans) => vec![Effect::from(Load::Orphans {
            generation: state.orphans.loader.start(now),
        })],
        None => Vec::new(),
    }
}
