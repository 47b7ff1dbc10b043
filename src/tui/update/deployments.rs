//! The Deployments pane (`h` from Services, Tasks and Detail): opening it on the service
//! in view, loading its history (again on `r`, and every 5 s while a deployment is in
//! flight), its answer, and the cursor.

use crate::tui::run::effect::{Effect, Load};
use crate::tui::state::app::AppState;
use crate::tui::state::deployments::DeploymentsData;
use crate::tui::state::pane_id::PaneId;
use crate::tui::state::service_ref::ServiceRef;

/// `h`: the deployment history of the service in view.
pub fn open(state: &mut AppState) -> Vec<Effect> {
    if state.pane == PaneId::Deployments {
        return Vec::new();
    }
    let Some((cluster, service)) = state.service_in_view() else {
        state.message = Some("select a service to see its deployments".into());
        return Vec::new();
    };
    let place = state.place_in_view();
    state.deployments.from = state.pane;
    state.pane = PaneId::Deployments;
    state
        .deployments
        .retarget(ServiceRef::new(place, &cluster, &service));
    load(state).into_iter().collect()
}

/// A fresh load of the history shown (a new generation of its loader).
pub fn load(state: &mut AppState) -> Option<Effect> {
    let (cluster, service) = state.deployments.target.as_ref().map(ServiceRef::names)?;
    Some(Effect::from(Load::Deployments {
        generation: state.deployments.loader.start(state.now),
        cluster,
        service,
    }))
}

/// The history arrived (or why not).
pub fn loaded(state: &mut AppState, generation: u64, result: Result<DeploymentsData, String>) {
    let now = state.now;
    if let Some(data) = state.deployments.loader.finish(generation, result, now) {
        state.deployments.set_data(data);
    }
}

/// Whether a deployment shown is still in flight (the pane then refreshes every 5 s).
pub fn in_flight(state: &AppState) -> bool {
    state
        .deployments
        .data
        .as_ref()
        .is_some_and(|d| crate::analysis::deployments::in_flight(&d.deployments).is_some())
}
