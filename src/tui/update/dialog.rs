//! An open dialog: its keys (it takes every key; typed confirmations collect characters),
//! the confirmation that sends exactly the plan shown, and the answers that move it along.

use crossterm::event::{KeyCode, KeyEvent};

use crate::model::arn_name;
use crate::tui::action::Action;
use crate::tui::keymap;
use crate::tui::run::effect::Effect;
use crate::tui::state::app::AppState;
use crate::tui::state::confirm::{ConfirmInput, needed};
use crate::tui::state::hands_on::{
    Foreground, HandsOnAsk, HandsOnDone, HandsOnModal, HandsOnPlan, ScaleWatch, parse_forward,
};
use crate::tui::state::modal::{Modal, ModalKind, Stage};
use crate::tui::state::msg::{Msg, Planned};
use crate::tui::state::rollback::PickMode;
use crate::tui::state::service_ref::ServiceRef;
use crate::tui::state::simple::SimplePlan;
use crate::tui::state::wait::WaitView;
use crate::tui::update::flows::rollback_of;

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
                _ => {}
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
                let place = state.action_place;
                effects.extend(rollback_of(state, (c, s), td, place));
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
        Action::ModalForce => {
            if let ModalKind::Rollback(r) = &mut modal.kind
                && modal.stage == Stage::Confirm
            {
                modal.confirm.error = (!r.toggle_force()).then(|| {
                    "f overrides only a revision whose image was deleted from ECR".to_string()
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
    if let Some(effects) = port_typed(modal, enter) {
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
        ModalKind::Rollback(r) => {
            let Some(plan) = r.plan() else {
                modal.confirm.error = Some(if let Some(why) = r.refusal() {
                    format!("{why}; nothing was sent")
                } else if r.mode == PickMode::Revisions {
                    "pick a revision other than the one running".into()
                } else {
                    r.headline()
                });
                return Vec::new();
            };
            Effect::Rollback { generation, plan }
        }
        ModalKind::Simple(s) => match &s.plan {
            Some(SimplePlan::Redeploy(p)) => Effect::Redeploy {
                generation,
                plan: p.clone(),
            },
            Some(SimplePlan::Restore(p)) if let Some(line) = p.nothing_to_do() => {
                modal.confirm.error = Some(line);
                return Vec::new();
            }
            Some(SimplePlan::Restore(p)) => Effect::Restore {
                generation,
                plan: p.clone(),
            },
            Some(SimplePlan::Recover(p)) => Effect::Recover {
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
            if c.across.is_some() {
                Effect::CleanupAcross {
                    generation,
                    parts: c.parts(),
                }
            } else {
                Effect::Cleanup {
                    generation,
                    plans: c.plans.clone(),
                }
            }
        }
        ModalKind::Wait(_) => return Vec::new(),
        ModalKind::HandsOn(h) => match hands_on_effect(h, generation) {
            Ok(e) => e,
            Err(why) => {
                modal.confirm.error = why;
                return Vec::new();
            }
        },
    };
    modal.stage = Stage::Running;
    modal.confirm.error = None;
    vec![effect]
}

/// The port typed for a port forward (Enter): plan it, or say what is wrong. `None` when
/// the dialog is not asking for a port.
fn port_typed(modal: &mut Modal, enter: bool) -> Option<Vec<Effect>> {
    let ModalKind::HandsOn(h) = &mut modal.kind else {
        return None;
    };
    let (cluster, task) = h.asking_port.clone()?;
    if !enter {
        return Some(Vec::new());
    }
    Some(match parse_forward(&modal.confirm.input) {
        Ok(forward) => {
            h.asking_port = None;
            modal.stage = Stage::Planning;
            modal.confirm = ConfirmInput::default();
            vec![Effect::PlanHandsOn {
                generation: modal.generation,
                ask: HandsOnAsk::Forward {
                    cluster,
                    task,
                    forward,
                },
            }]
        }
        Err(e) => {
            modal.confirm.error = Some(e);
            Vec::new()
        }
    })
}

/// Why no container of an exec plan can take a shell (each container's blocker), or
/// `None` when at least one is ready.
fn exec_refusal(plans: &[crate::ops::exec::ExecPlan]) -> Option<String> {
    if plans.iter().any(|p| p.blocker.is_none()) {
        return None;
    }
    let mut whys: Vec<String> = Vec::new();
    for p in plans {
        let why = p.blocker.clone().unwrap_or_default();
        if !whys.contains(&why) {
            whys.push(why);
        }
    }
    Some(format!(
        "ECS Exec cannot reach this task: {}",
        whys.join("; ")
    ))
}

/// The effect that sends a hands-on plan exactly as shown (an exec: the container
/// picked), or the dialog's error line (`None`: nothing to say).
fn hands_on_effect(h: &HandsOnModal, generation: u64) -> Result<Effect, Option<String>> {
    let plan = match &h.plan {
        Some(HandsOnPlan::Exec(_)) => {
            let p = h.exec_plan().ok_or(None)?;
            if let Some(why) = &p.blocker {
                return Err(Some(format!(
                    "container {} cannot take a shell: {why}",
                    p.container
                )));
            }
            HandsOnPlan::Exec(vec![p.clone()])
        }
        Some(HandsOnPlan::Scale(p)) if p.is_noop() => {
            return Err(Some(format!("already at {}; nothing to do", p.to)));
        }
        Some(p) => p.clone(),
        None => return Err(None),
    };
    Ok(Effect::HandsOn { generation, plan })
}

// ---- answers ------------------------------------------------------------------------

/// Which list to load again once a dialog's action changed it.
enum Reload {
    Services,
    Snapshots,
    Orphans,
}

/// The generation a dialog answer carries, or `None` for messages that are not one.
fn dialog_generation(msg: &Msg) -> Option<u64> {
    match msg {
        Msg::Revisions { generation, .. }
        | Msg::Planned { generation, .. }
        | Msg::ImageTags { generation, .. }
        | Msg::EbsSnapshots { generation, .. }
        | Msg::Started { generation, .. }
        | Msg::WaitProgress { generation, .. }
        | Msg::WaitDone { generation, .. }
        | Msg::CleanupItem { generation, .. }
        | Msg::CleanupDone { generation, .. }
        | Msg::Restored { generation, .. }
        | Msg::LastLines { generation, .. }
        | Msg::HandsOnDone { generation, .. }
        | Msg::CleanupPartPlanned { generation, .. }
        | Msg::ScaleLook { generation, .. }
        | Msg::ScaleWatched { generation, .. }
        | Msg::RecoverProgress { generation, .. } => Some(*generation),
        _ => None,
    }
}

/// Moves the open dialog along; answers for another (closed) dialog are dropped.
pub fn on_msg(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    let now = state.now;
    let production = state.production_at(state.action_place);
    let Some(modal) = state.modal.as_mut() else {
        return Vec::new();
    };
    let Some(generation) = dialog_generation(&msg) else {
        return Vec::new();
    };
    if generation != modal.generation {
        tracing::debug!("dropping a stale dialog answer (generation {generation})");
        return Vec::new();
    }
    if let Msg::HandsOnDone { result, .. } = msg {
        return hands_on_done(state, result);
    }
    if let Msg::CleanupPartPlanned { place, result, .. } = msg {
        cleanup_part_planned(modal, place, result);
        return Vec::new();
    }
    let reload = answer(modal, msg, production, now);
    match reload {
        Some(Reload::Services) => vec![Effect::LoadServices {
            generation: state.services.loader.start(now),
        }],
        Some(Reload::Snapshots) => vec![Effect::LoadSnapshots {
            generation: state.snapshots.loader.start(now),
        }],
        Some(Reload::Orphans) => vec![Effect::LoadOrphans {
            generation: state.orphans.loader.start(now),
        }],
        None => Vec::new(),
    }
}

/// Applies one answer of the dialog's own generation; says which list to reload.
fn answer(
    modal: &mut Modal,
    msg: Msg,
    production: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Reload> {
    match (msg, &mut modal.kind) {
        (Msg::Revisions { result, .. }, ModalKind::Rollback(r)) => match result {
            Ok(revisions) => {
                r.set_revisions(revisions);
                modal.confirm = ConfirmInput::new(needed(1, production, &r.service));
                modal.stage = Stage::Confirm;
            }
            Err(e) => modal.stage = Stage::Failed(e),
        },
        (Msg::ImageTags { result, .. }, ModalKind::Rollback(r)) => r.set_image_tags(result),
        (Msg::EbsSnapshots { result, .. }, ModalKind::Rollback(r)) => r.set_ebs(result),
        (Msg::Planned { result, .. }, _) => planned(modal, result, production),
        (Msg::Started { result, .. }, kind) => match result {
            Ok(started) => {
                let what = match kind {
                    ModalKind::Rollback(r) => format!("rolled back {}", r.headline()),
                    ModalKind::Simple(s) if s.recover.is_some() => format!(
                        "recovered {} from snapshot {}",
                        s.subject,
                        s.recover_snapshot().unwrap_or("?")
                    ),
                    _ => format!(
                        "forced a new deployment of {}",
                        arn_name(&started.task_definition)
                    ),
                };
                modal.kind = ModalKind::Wait(WaitView::new(what, &started, now));
                modal.stage = Stage::Running;
                modal.confirm = ConfirmInput::default();
                return Some(Reload::Services);
            }
            Err(e) => modal.stage = Stage::Failed(e),
        },
        (Msg::WaitProgress { progress, .. }, ModalKind::Wait(w)) => {
            w.apply(&progress);
            if progress.verdict.is_done() {
                w.end(now);
                modal.stage = Stage::Done;
            }
        }
        (
            Msg::LastLines {
                task_id, result, ..
            },
            ModalKind::Wait(w),
        ) => w.record_lines(task_id, result),
        (Msg::WaitDone { result, .. }, ModalKind::Wait(w)) => {
            w.finish(result, now);
            modal.stage = Stage::Done;
            return Some(Reload::Services);
        }
        (
            Msg::ScaleLook {
                running, pending, ..
            },
            ModalKind::HandsOn(h),
        ) => {
            h.looked(running, pending);
        }
        (Msg::ScaleWatched { result, .. }, ModalKind::HandsOn(h)) => {
            h.watched(result);
            modal.stage = Stage::Done;
            return Some(Reload::Services);
        }
        (Msg::CleanupItem { result, .. }, ModalKind::Cleanup(c)) => c.record(result),
        (Msg::CleanupDone { result, .. }, ModalKind::Cleanup(c)) => {
            let images = c
                .plans
                .iter()
                .any(|p| p.target == crate::model::ResourceKind::Image);
            match result {
                Ok(results) => {
                    for r in results {
                        c.record(r);
                    }
                    modal.stage = Stage::Done;
                }
                Err(e) => modal.stage = Stage::Failed(format!("{e} (nothing was deleted)")),
            }
            return Some(if images {
                Reload::Snapshots
            } else {
                Reload::Orphans
            });
        }
        (Msg::RecoverProgress { progress, .. }, ModalKind::Simple(s)) => {
            s.progress = Some(progress);
        }
        (Msg::Restored { result, .. }, ModalKind::Simple(s)) => match result {
            Ok(done) => {
                s.restored = Some(done);
                modal.stage = Stage::Done;
                return Some(Reload::Snapshots);
            }
            Err(e) => modal.stage = Stage::Failed(e),
        },
        _ => {}
    }
    None
}

/// One place's plans of a cleanup over several places: once every place answered, the
/// grouped plan asks for one confirmation (typed when any place is production); a place
/// that could not plan fails the dialog before anything is sent.
fn cleanup_part_planned(
    modal: &mut Modal,
    place: usize,
    result: Result<Vec<crate::ops::cleanup::CleanupPlan>, String>,
) {
    let ModalKind::Cleanup(c) = &mut modal.kind else {
        return;
    };
    if !c.part_planned(place, result) {
        return;
    }
    if let Some(why) = c.planning_errors() {
        modal.stage = Stage::Failed(format!("could not plan in {why} (nothing was deleted)"));
        return;
    }
    modal.confirm = ConfirmInput::new(needed(c.to_execute(), c.production(), &c.single_id()));
    modal.stage = Stage::Confirm;
}

/// A plan arrived: show it and ask for the confirmation it needs.
fn planned(modal: &mut Modal, result: Result<Planned, String>, production: bool) {
    match (result, &mut modal.kind) {
        (Ok(Planned::Cleanup(plans)), ModalKind::Cleanup(c)) => {
            c.plans = plans;
            modal.confirm = ConfirmInput::new(needed(c.to_execute(), production, &c.single_id()));
            modal.stage = Stage::Confirm;
        }
        (Ok(Planned::Redeploy(p)), ModalKind::Simple(s)) => {
            s.plan = Some(SimplePlan::Redeploy(p));
            modal.confirm = ConfirmInput::new(needed(1, production, &s.name()));
            modal.stage = Stage::Confirm;
        }
        (Ok(Planned::Restore(p)), ModalKind::Simple(s)) if p.is_noop() => {
            // The resume tag already points there: say so, ask nothing.
            s.plan = Some(SimplePlan::Restore(p));
            modal.stage = Stage::Done;
        }
        (Ok(Planned::Restore(p)), ModalKind::Simple(s)) => {
            s.plan = Some(SimplePlan::Restore(p));
            modal.confirm = ConfirmInput::new(needed(1, production, &s.name()));
            modal.stage = Stage::Confirm;
        }
        (Ok(Planned::HandsOn(HandsOnPlan::Exec(plans))), ModalKind::HandsOn(_))
            if let Some(why) = exec_refusal(&plans) =>
        {
            // No container can take a shell: say what is missing, ask nothing.
            modal.stage = Stage::Failed(why);
        }
        (Ok(Planned::HandsOn(p)), ModalKind::HandsOn(h)) => {
            h.plan = Some(p);
            h.preselect();
            modal.confirm = ConfirmInput::new(needed(1, production, &h.name()));
            modal.stage = Stage::Confirm;
        }
        (Ok(Planned::Recover(p)), ModalKind::Simple(s)) => {
            s.plan = Some(SimplePlan::Recover(p));
            modal.confirm = ConfirmInput::new(needed(1, production, &s.name()));
            modal.stage = Stage::Confirm;
        }
        (Err(e), _) => modal.stage = Stage::Failed(e),
        _ => {}
    }
}

/// A hands-on action answered: report it, reload what it changed, or hand the plugin
/// run to the event loop (exec: the dialog closes; port forward: the report stays).
fn hands_on_done(state: &mut AppState, result: Result<HandsOnDone, String>) -> Vec<Effect> {
    let now = state.now;
    let Some(modal) = state.modal.as_mut() else {
        return Vec::new();
    };
    let ModalKind::HandsOn(h) = &mut modal.kind else {
        return Vec::new();
    };
    let reload_tasks = match result {
        Err(e) => {
            modal.stage = Stage::Failed(e);
            return Vec::new();
        }
        Ok(HandsOnDone::Exec { call, what }) => {
            state.modal = None;
            state.foreground = Some(Foreground::Exec { call, what });
            return Vec::new();
        }
        Ok(HandsOnDone::Forward { call, route }) => {
            h.outcome = Some(format!(
                "forwarding {route}: shown in the header; it stops when ecsnap exits"
            ));
            modal.stage = Stage::Done;
            state.foreground = Some(Foreground::Forward { call, route });
            return Vec::new();
        }
        Ok(HandsOnDone::Scaled { desired, running }) => {
            h.outcome = Some(format!(
                "desired count is now {desired} ({running} running); ECS starts or stops tasks"
            ));
            // Watch the running count get there, as `scale --wait` does.
            if let Some(HandsOnPlan::Scale(plan)) = &h.plan {
                h.watch = Some(ScaleWatch::new(desired, running));
                modal.stage = Stage::Running;
                return vec![
                    Effect::LoadServices {
                        generation: state.services.loader.start(now),
                    },
                    Effect::WatchScale {
                        generation: modal.generation,
                        plan: plan.clone(),
                    },
                ];
            }
            false
        }
        Ok(HandsOnDone::Stopped { desired_status }) => {
            h.outcome = Some(format!(
                "the task is {desired_status} (desired); its service starts a replacement"
            ));
            true
        }
    };
    modal.stage = Stage::Done;
    let mut effects = vec![Effect::LoadServices {
        generation: state.services.loader.start(now),
    }];
    if reload_tasks
        && let Some((cluster, service)) = state.tasks.target.as_ref().map(ServiceRef::names)
    {
        effects.push(Effect::LoadTasks {
            generation: state.tasks.loader.start(now),
            cluster,
            service,
        });
    }
    effects
}
