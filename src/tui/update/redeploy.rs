//! The redeploy dialog (`D`): the request that opens it and asks for the plan, the plan's
//! answer, and the confirmed effect (its rollout then shows in the wait view).

use crate::ops::redeploy::RedeployPlan;
use crate::tui::run::effect::{ActionEffect, Effect};
use crate::tui::state::app::AppState;
use crate::tui::state::modal::ModalKind;
use crate::tui::state::redeploy::RedeployModal;
use crate::tui::update::flows::{open, refused_by_controller};
use crate::tui::update::plan_dialog::{Ask, PlanDialog};

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

impl PlanDialog for RedeployModal {
    type Plan = RedeployPlan;

    fn show(&mut self, plan: RedeployPlan) -> Ask {
        let ask = Ask::one(&plan.service.name);
        self.plan = Some(plan);
        ask
    }

    fn send(&self, generation: u64) -> Result<Effect, Option<String>> {
        let plan = self.plan.clone().ok_or(None)?;
        Ok(Effect::from(ActionEffect::Redeploy { generation, plan }))
    }
}
