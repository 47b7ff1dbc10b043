//! The Tasks pane's metrics: asked after each task listing, every task in view (up to one
//! GetMetricData call's worth) in one read; the answer replaces the last one, a failure
//! (a missing `cloudwatch:GetMetricData`) stays a one-line note and blocks nothing.

use crate::analysis::task_metrics::{TaskKey, TaskMetrics};
use crate::load::task_metrics::TASKS_PER_CALL;
use crate::tui::run::effect::{Effect, Load};
use crate::tui::state::app::AppState;
use crate::tui::state::metrics::MetricsState;

/// The metrics read of the tasks listed (live ones first, as the pane lists them); none
/// without a task.
pub fn request(state: &mut AppState) -> Vec<Effect> {
    let Some(target) = &state.tasks.target else {
        return Vec::new();
    };
    let cluster = target.cluster.clone();
    let tasks: Vec<TaskKey> = state
        .tasks
        .list
        .rows
        .iter()
        .take(TASKS_PER_CALL)
        .map(|r| TaskKey::of(&r.task))
        .collect();
    if tasks.is_empty() {
        return Vec::new();
    }
    let (start, end) = MetricsState::window(state.now);
    vec![Effect::from(Load::TaskMetrics {
        generation: state.tasks.metrics.loader.start(state.now),
        cluster,
        tasks,
        start,
        end,
    })]
}

/// The read answered (or failed: the loader keeps the error for the note).
pub fn loaded(state: &mut AppState, generation: u64, result: Result<Vec<TaskMetrics>, String>) {
    let now = state.now;
    if let Some(metrics) = state.tasks.metrics.loader.finish(generation, result, now) {
        state.tasks.metrics.set(metrics);
    }
}
