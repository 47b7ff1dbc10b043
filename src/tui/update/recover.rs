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
use crate::tui::update::plan_dialog::{Ask, PlanDialog};

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

impl PlanDialog for RecoverModal {
    type Plan = Box<RecoverPlan>;

    fn show(&mut self, plan: Box<RecoverPlan>) -> Ask {
        let ask = Ask::one(&plan.service.name);
        self.plan = Some(plan);
        ask
    }

    fn send(&self, generation: u64) -> Result<Effect, Option<String>> {
        let plan = self.plan.clone().ok_or(None)?;
        Ok(Effect::from(RecoverEffect::Recover { generation, plan }))
    }
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
