//! Requests for the hands-on dialogs, called only from `update`: open the dialog and ask
//! `ops/` for the plan (scale `+`/`-`, stop `K`, exec `e`); for a port forward (`p`) the
//! dialog first asks for the port.

use crate::ops::confirm::Confirmation;
use crate::tui::run::effect::Effect;
use crate::tui::state::app::AppState;
use crate::tui::state::confirm::ConfirmInput;
use crate::tui::state::dialog_kind::DialogKind;
use crate::tui::state::hands_on::{HandsOnAsk, HandsOnModal};
use crate::tui::state::modal::{ModalKind, Stage};
use crate::tui::state::pane_id::PaneId;
use crate::tui::update::flows::open;

/// `+` / `-`: plan the service in view's desired count changed by `delta`.
pub fn request_scale(state: &mut AppState, delta: i32) -> Vec<Effect> {
    let Some((cluster, service)) = state.service_in_view() else {
        state.message = Some("select a service to scale".into());
        return Vec::new();
    };
    let modal = HandsOnModal::new(DialogKind::Scale, format!("Scale {cluster}/{service}"));
    let generation = open(state, ModalKind::HandsOn(modal));
    vec![Effect::PlanHandsOn {
        generation,
        ask: HandsOnAsk::Scale {
            cluster,
            service,
            delta,
        },
    }]
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

/// `K`: plan stopping the selected task.
pub fn request_stop(state: &mut AppState) -> Vec<Effect> {
    let Some((cluster, task)) = selected_live_task(state, "be stopped") else {
        return Vec::new();
    };
    let modal = HandsOnModal::new(DialogKind::StopTask, format!("Stop task {task}"));
    let generation = open(state, ModalKind::HandsOn(modal));
    vec![Effect::PlanHandsOn {
        generation,
        ask: HandsOnAsk::Stop { cluster, task },
    }]
}

/// `e`: plan an exec into each container of the selected task.
pub fn request_exec(state: &mut AppState) -> Vec<Effect> {
    let Some((cluster, task)) = selected_live_task(state, "take a shell") else {
        return Vec::new();
    };
    let modal = HandsOnModal::new(DialogKind::Exec, format!("Shell in task {task}"));
    let generation = open(state, ModalKind::HandsOn(modal));
    vec![Effect::PlanHandsOn {
        generation,
        ask: HandsOnAsk::Exec { cluster, task },
    }]
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
