//! The tasks' own CPU, memory and EBS-filesystem utilisation over a window (Container
//! Insights with enhanced observability): one GetMetricData read for up to
//! [`TASKS_PER_CALL`] tasks of a cluster, judged by [`crate::analysis::task_metrics`]. The
//! console's Tasks pane and `ecsnap metrics --tasks` use it.

use chrono::{DateTime, Utc};

use crate::analysis::task_metrics::{
    QUERIES_PER_TASK, TaskKey, TaskMetrics, judge_task, task_queries,
};
use crate::aws::{AwsClients, GET_METRIC_DATA_MAX_QUERIES};
use crate::error::Result;

/// The most tasks one GetMetricData call covers (its query limit over a task's queries).
pub const TASKS_PER_CALL: usize = GET_METRIC_DATA_MAX_QUERIES / QUERIES_PER_TASK;

/// The metrics of `tasks` of `cluster` from `start` to `end`, in the same order: one
/// GetMetricData call per [`TASKS_PER_CALL`] tasks (more only when its points overflow a
/// page). A task without enhanced observability comes back with source `NoData`.
pub async fn load_task_metrics(
    aws: &AwsClients,
    cluster: &str,
    tasks: &[TaskKey],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<TaskMetrics>> {
    super::metrics::read_and_judge(
        aws,
        tasks,
        (start, end),
        |i, t, period| task_queries(i, cluster, t, period),
        |task, queries, answers, window| judge_task(cluster, task, queries, answers, window),
    )
    .await
}
