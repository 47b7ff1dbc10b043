//! The recover dialog (`v` on an orphaned volume): the request that opens it and asks for
//! the plan, the plan's answer, the confirmed effect and its snapshot's progress (the
//! service's rollout then shows in the wait view).

use crate::ops::recover::{RecoverPlan, RecoverProgress};
use crate::tui::run::effect::{Effect, RecoverEffect};
use crate::tui::state::app::AppState;
use crate::tui::state::modal::{Modal, ModalKind};
use crate::tui::state::orphans::OrphanRow;
use crate::tui::state::recover::RecoverModal;
use crate::tui::update::flows::open;

/// `v`: plan bringing the selected orphaned volume back into the service that created it.
pub fn request_recover(state: &mut AppState) -> Vec<Effect> {
    let Some(OrphanRow::Volume(v)) = state.orphans.list.selected_row() else {
        state.message = Some("select an orphaned volume to recover into its service (v)".into());
        return Vec::new();
    };
    let volume = v.volume.id.clone();
    let generation = open(state, ModalKind::Recover(RecoverModal::new(&volume)));
    vec![Effect::from(RecoverEffect::Plan { generation, volume })]
}

/// The plan arrived: show it and ask for the confirmation it needs.
pub(crate) fn planned(modal: &mut Modal, plan: Box<RecoverPlan>, production: bool) {
    let ModalKind::Recover(r) = &mut modal.kind else {
        return;
    };
    let name = plan.service.name.clone();
    r.plan = Some(plan);
    modal.confirm_one(production, &name);
}

/// The effect that sends the plan shown (`Err(None)`: no plan yet, nothing to say).
pub(crate) fn send(r: &RecoverModal, generation: u64) -> Result<Effect, Option<String>> {
    let plan = r.plan.clone().ok_or(None)?;
    Ok(Effect::from(RecoverEffect::Recover { generation, plan }))
}

/// The volume's snapshot moved along (started, a poll, the service being updated).
pub(crate) fn progress(modal: &mut Modal, progress: RecoverProgress) {
    if let ModalKind::Recover(r) = &mut modal.kind {
        r.progress = Some(progress);
    }
}

/// What the wait view says was done, once the service was updated.
pub(crate) fn started_what(r: &RecoverModal) -> String {
    format!(
        "recovered {} from snapshot {}",
        r.volume,
        r.snapshot().unwrap_or("?")
    )
}
