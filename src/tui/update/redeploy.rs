//! The redeploy dialog (`D`): the request that opens it and asks for the plan, the plan's
//! answer, and the confirmed effect (its rollout then shows in the wait view).

use crate::ops::redeploy::RedeployPlan;
use crate::tui::run::effect::{ActionEffect, Effect};
use crate::tui::state::app::AppState;
use crate::tui::state::modal::{Modal, ModalKind};
use crate::tui::state::redeploy::RedeployModal;
use crate::tui::update::flows::{open, refused_by_controller};

/// `D`: plan a forced redeploy of the service in view.
pub fn request_redeploy(state: &mut AppState) -> Vec<Effect> {
    let Some((cluster, service)) = state.service_in_view() else {
        state.message = Some("select a service to redeploy".into());
        return Vec::new();
    };
    let place = state.place_in_view();
    if refused_by_controller(state, (&cluster, &service, place), "redeploy") {
        return Vec::new();
    }
    let generation = open(
        state,
        ModalKind::Redeploy(RedeployModal::new(&cluster, &service)),
    );
    vec![Effect::from(ActionEffect::PlanRedeploy {
        generation,
        cluster,
        service,
    })]
}

/// The plan arrived: show it and ask for the confirmation it needs.
pub(crate) fn planned(modal: &mut Modal, plan: RedeployPlan, production: bool) {
    let ModalKind::Redeploy(r) = &mut modal.kind else {
        return;
    };
    let name = plan.service.name.clone();
    r.plan = Some(plan);
    modal.confirm_one(production, &name);
}

/// The effect that sends the plan shown (`Err(None)`: no plan yet, nothing to say).
pub(crate) fn send(r: &RedeployModal, generation: u64) -> Result<Effect, Option<String>> {
    let plan = r.plan.clone().ok_or(None)?;
    Ok(Effect::from(ActionEffect::Redeploy { generation, plan }))
}
