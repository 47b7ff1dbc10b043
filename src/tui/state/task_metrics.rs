//! The Tasks pane's metrics: each task's own CPU, memory and EBS-filesystem utilisation
//! over the last hour (Container Insights with enhanced observability), read after each
//! task listing as a load of its own (its own generation), kept until the next answer
//! replaces them. Without enhanced observability no task has a point: the pane says so in
//! one line.

use std::collections::HashMap;

use crate::analysis::metrics::ServiceMetrics;
use crate::analysis::task_metrics::{TaskMetrics, any_task_data};
use crate::tui::state::list::Loader;

#[derive(Debug, Clone, Default)]
pub struct TaskMetricsState {
    pub loader: Loader,
    /// By task id.
    pub by_task: HashMap<String, ServiceMetrics>,
    /// Whether any task had a point in the last answer.
    pub any_data: bool,
}

impl TaskMetricsState {
    /// A load's answer replaces what was shown.
    pub fn set(&mut self, metrics: Vec<TaskMetrics>) {
        self.any_data = any_task_data(&metrics);
        self.by_task = metrics
            .into_iter()
            .map(|m| (m.task.task_id, m.metrics))
            .collect();
    }

    pub fn of(&self, task_id: &str) -> Option<&ServiceMetrics> {
        self.by_task.get(task_id)
    }

    /// Whether the table has sparklines to show: an answer with points came back.
    pub fn shown(&self) -> bool {
        self.loader.loaded_once && self.any_data
    }

    /// Why the last read failed (a missing permission, …): one line, never a pane's error.
    pub fn error(&self) -> Option<&str> {
        self.loader.state.error()
    }
}
