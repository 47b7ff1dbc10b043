//! The hands-on dialogs: the requests that open them and ask `ops/` for the plan (scale
//! `+`/`-`, stop `K`, exec `e`; for a port forward (`p`) the dialog first asks for the
//! port), the plan's answer, the confirmed effect, its outcome (an exec or a port forward
//! handed to the event loop) and a scale's watch.

use crate::ops::confirm::Confirmation;
use crate::tui::run::effect::{Effect, HandsOnEffect, Load};
use crate::tui::state::app::AppState;
use crate::tui::state::confirm::ConfirmInput;
use crate::tui::state::dialog_kind::DialogKind;
use crate::tui::state::hands_on::{
    Foreground, HandsOnAsk, HandsOnDone, HandsOnModal, HandsOnPlan, ScaleWatch, parse_forward,
};
use crate::tui::state::modal::{Modal, ModalKind, Stage};
use crate::tui::state::pane_id::PaneId;
use crate::tui::update::flows::{Reload, load_tasks_again, open};
use crate::tui::update::plan_dialog::{Ask, PlanDialog};

/// `+` / `-`: plan the service in view's desired count changed by `delta`.
pub fn request_scale(state: &mut AppState, delta: i32) -> Vec<Effect> {
    let Some((cluster, service)) = state.service_in_view() else {
        state.message = Some("select a service to scale".into());
        return Vec::new();
    };
    let title = format!("Scale {cluster}/{service}");
    let ask = HandsOnAsk::Scale {
        cluster,
        service,
        delta,
    };
    open_and_plan(state, DialogKind::Scale, title, ask)
}

/// Opens the hands-on dialog `kind` titled `title` and asks `ops/` for its plan.
fn open_and_plan(
    state: &mut AppState,
    kind: DialogKind,
    title: String,
    ask: HandsOnAsk,
) -> Vec<Effect> {
    let generation = open(state, ModalKind::HandsOn(HandsOnModal::new(kind, title)));
    vec![Effect::from(HandsOnEffect::Plan { generation, ask })]
}

/// The selected task on the Tasks pane: (cluster, task id), if it is running.
fn selected_live_task(state: &mut AppState, what: &str) -> Option<(String, String)> {
    if state.pane != PaneId::Tasks {
        return None;
    }
    let Some(row) = state.tasks.list.selected_row() else {
        state.message = Some(format!("select a task to {what}"));
        return None;
    };
    if !row.task.is_live() {
        state.message = Some(format!(
            "task {} is {}: only a running task can {what}",
            row.task.id, row.task.last_status
        ));
        return None;
    }
    let cluster = state
        .tasks
        .target
        .as_ref()
        .map_or_else(|| row.task.cluster.clone(), |t| t.cluster.clone());
    Some((cluster, row.task.id.clone()))
}

/// Opens `kind`'s dialog on the selected live task (titled `title` and its id) and plans
/// `ask` of it (cluster, task); nothing when no live task is selected (`to`: what it
/// would be for, as the status line says).
fn on_selected_task(
    state: &mut AppState,
    kind: DialogKind,
    (to, title): (&str, &str),
    ask: fn(String, String) -> HandsOnAsk,
) -> Vec<Effect> {
    let Some((cluster, task)) = selected_live_task(state, to) else {
        return Vec::new();
    };
    let title = format!("{title} {task}");
    open_and_plan(state, kind, title, ask(cluster, task))
}

/// `K`: plan stopping the selected task.
pub fn request_stop(state: &mut AppState) -> Vec<Effect> {
    on_selected_task(
        state,
        DialogKind::StopTask,
        ("be stopped", "Stop task"),
        |cluster, task| HandsOnAsk::Stop { cluster, task },
    )
}

/// `e`: plan an exec into each container of the selected task.
pub fn request_exec(state: &mut AppState) -> Vec<Effect> {
    on_selected_task(
        state,
        DialogKind::Exec,
        ("take a shell", "Shell in task"),
        |cluster, task| HandsOnAsk::Exec { cluster, task },
    )
}

/// `p`: ask for the port; the plan follows once it is typed.
pub fn request_port_forward(state: &mut AppState) -> Vec<Effect> {
    let Some((cluster, task)) = selected_live_task(state, "forward a port") else {
        return Vec::new();
    };
    let mut modal = HandsOnModal::new(
        DialogKind::PortForward,
        format!("Forward a port to task {task}"),
    );
    modal.asking_port = Some((cluster, task));
    open(state, ModalKind::HandsOn(modal));
    if let Some(m) = state.modal.as_mut() {
        m.stage = Stage::Confirm;
        m.confirm = ConfirmInput::new(Confirmation::Typed("PORT".into()));
    }
    Vec::new()
}

/// The port typed for a port forward (Enter): plan it, or say what is wrong. `None` when
/// the dialog is not asking for a port.
pub(crate) fn port_typed(modal: &mut Modal, enter: bool) -> Option<Vec<Effect>> {
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
            vec![Effect::from(HandsOnEffect::Plan {
                generation: modal.generation,
                ask: HandsOnAsk::Forward {
                    cluster,
                    task,
                    forward,
                },
            })]
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

impl PlanDialog for HandsOnModal {
    type Plan = HandsOnPlan;

    /// An exec where no container can take a shell: what is missing, nothing asked.
    fn show(&mut self, plan: HandsOnPlan) -> Ask {
        if let HandsOnPlan::Exec(plans) = &plan
            && let Some(why) = exec_refusal(plans)
        {
            return Ask::Failed(why);
        }
        self.plan = Some(plan);
        self.preselect();
        Ask::one(&self.name())
    }

    /// An exec sends the container picked.
    fn send(&self, generation: u64) -> Result<Effect, Option<String>> {
        let plan = match &self.plan {
            Some(HandsOnPlan::Exec(_)) => {
                let p = self.exec_plan().ok_or(None)?;
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
        Ok(Effect::from(HandsOnEffect::Send { generation, plan }))
    }
}

/// A scale's watch looked at the service.
pub(crate) fn scale_look(modal: &mut Modal, running: i32, pending: i32) {
    if let ModalKind::HandsOn(h) = &mut modal.kind {
        h.looked(running, pending);
    }
}

/// A scale's watch ended: reached, or why not.
pub(crate) fn scale_watched(modal: &mut Modal, result: Result<String, String>) -> Option<Reload> {
    let ModalKind::HandsOn(h) = &mut modal.kind else {
        return None;
    };
    h.watched(result);
    modal.stage = Stage::Done;
    Some(Reload::Services)
}

/// A hands-on action answered: report it, reload what it changed, or hand the plugin
/// run to the event loop (exec: the dialog closes; port forward: the report stays).
pub(crate) fn done(state: &mut AppState, result: Result<HandsOnDone, String>) -> Vec<Effect> {
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
                    Effect::from(Load::Services {
                        generation: state.services.loader.start(now),
                    }),
                    Effect::from(HandsOnEffect::WatchScale {
                        generation: modal.generation,
                        plan: plan.clone(),
                    }),
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
    let mut effects = vec![Effect::from(Load::Services {
        generation: state.services.loader.start(now),
    })];
    if reload_tasks {
        effects.extend(load_tasks_again(state));
    }
    effects
}
