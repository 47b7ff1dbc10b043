//! The Services pane's metrics: asked after each listing (a console on one place), every
//! service loaded in one read; the answer replaces the last one, a failure (a missing
//! `cloudwatch:GetMetricData`) stays a one-line note and blocks nothing.

use crate::analysis::metrics::ServiceMetrics;
use crate::tui::run::effect::{Effect, Load};
use crate::tui::state::app::AppState;
use crate::tui::state::metrics::MetricsState;

/// The metrics read of every service loaded; none over several places (each place would
/// need its own read, and its own window) or with no service.
pub fn request(state: &mut AppState) -> Vec<Effect> {
    if state.places.is_fleet() || state.services.all.is_empty() {
        return Vec::new();
    }
    let services = state
        .services
        .all
        .iter()
        .map(|s| (s.cluster.clone(), s.name.clone()))
        .collect();
    let (start, end) = MetricsState::window(state.now);
    vec![Effect::from(Load::Metrics {
        generation: state.services.metrics.loader.start(state.now),
        services,
        start,
        end,
    })]
}

/// The read answered (or failed: the loader keeps the error for the note).
pub fn loaded(state: &mut AppState, generation: u64, result: Result<Vec<ServiceMetrics>, String>) {
    let now = state.now;
    if let Some(metrics) = state
        .services
        .metrics
        .loader
        .finish(generation, result, now)
    {
        state.services.metrics.set(metrics);
    }
}
