//! Task-level metrics judged: the queries for one task's utilisation as Container Insights
//! with enhanced observability publishes it (`ECS/ContainerInsights`, dimensions
//! ClusterName, TaskDefinitionFamily and TaskId), and each task's answers judged the same
//! way as a service's (utilised against reserved). No I/O.

use chrono::{DateTime, Utc};

use super::metrics::{INSIGHTS, ServiceMetrics, judge};
use crate::model::{MetricQuery, MetricSeries, Task, arn_name};

/// The metrics asked for each task (enhanced observability only: no AWS/ECS fallback,
/// ECS publishes no task-level metric of its own).
const ASKED: [&str; 6] = [
    "CpuUtilized",
    "CpuReserved",
    "MemoryUtilized",
    "MemoryReserved",
    "EBSFilesystemUtilized",
    "EBSFilesystemSize",
];

pub const QUERIES_PER_TASK: usize = ASKED.len();

/// A task as its metrics name it: its task-definition family and its id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TaskKey {
    pub family: String,
    pub task_id: String,
}

impl TaskKey {
    /// The family from the task definition ARN (`…/checkout:3` → `checkout`).
    pub fn of(task: &Task) -> Self {
        let name = arn_name(&task.task_definition);
        Self {
            family: name.rsplit_once(':').map_or(name, |(f, _)| f).to_string(),
            task_id: task.id.clone(),
        }
    }
}

/// The queries of one task, ids `t{index}_{metric}` (its index among the tasks asked).
pub fn task_queries(
    index: usize,
    cluster: &str,
    task: &TaskKey,
    period_secs: i32,
) -> Vec<MetricQuery> {
    ASKED
        .iter()
        .map(|name| MetricQuery {
            id: format!("t{index}_{name}"),
            namespace: INSIGHTS.to_string(),
            metric_name: (*name).to_string(),
            dimensions: vec![
                ("ClusterName".to_string(), cluster.to_string()),
                ("TaskDefinitionFamily".to_string(), task.family.clone()),
                ("TaskId".to_string(), task.task_id.clone()),
            ],
            stat: "Average".to_string(),
            period_secs,
        })
        .collect()
}

/// One task's metrics over a window.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskMetrics {
    pub task: TaskKey,
    /// Judged as a service's are (`metrics.service` holds the task id); source
    /// `NoData` when enhanced observability published nothing for it.
    pub metrics: ServiceMetrics,
}

/// A task's answers judged: `series` are the answers to its [`task_queries`], in order.
pub fn judge_task(
    cluster: &str,
    task: &TaskKey,
    queries: &[MetricQuery],
    series: &[MetricSeries],
    window: (DateTime<Utc>, DateTime<Utc>),
) -> TaskMetrics {
    TaskMetrics {
        task: task.clone(),
        metrics: judge(cluster, &task.task_id, queries, series, window),
    }
}

/// Whether any task had a point: without enhanced observability none has.
pub fn any_task_data(metrics: &[TaskMetrics]) -> bool {
    metrics
        .iter()
        .any(|m| m.metrics.source != super::metrics::MetricSource::NoData)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::metrics::MetricSource;
    use crate::model::MetricPoint;

    #[test]
    fn queries_name_the_task_dimensions_and_a_task_is_judged_like_a_service() {
        let key = TaskKey {
            family: "checkout".into(),
            task_id: "abc".into(),
        };
        let q = task_queries(2, "payments-prod", &key, 60);
        assert_eq!(q.len(), QUERIES_PER_TASK);
        assert_eq!(q[2].id, "t2_MemoryUtilized");
        assert_eq!(
            q[0].dimensions,
            vec![
                ("ClusterName".to_string(), "payments-prod".to_string()),
                ("TaskDefinitionFamily".to_string(), "checkout".to_string()),
                ("TaskId".to_string(), "abc".to_string()),
            ]
        );
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let point = |v| {
            vec![MetricPoint {
                timestamp: at,
                value: v,
            }]
        };
        let series: Vec<MetricSeries> = q
            .iter()
            .map(|q| MetricSeries {
                id: q.id.clone(),
                points: match q.metric_name.as_str() {
                    "MemoryUtilized" => point(128.0),
                    "MemoryReserved" => point(512.0),
                    _ => Vec::new(),
                },
            })
            .collect();
        let m = judge_task("payments-prod", &key, &q, &series, (at, at));
        assert_eq!(m.metrics.source, MetricSource::ContainerInsights);
        assert_eq!(m.metrics.memory.last(), Some(25.0));
        assert!(any_task_data(&[m]));
        let empty: Vec<MetricSeries> = Vec::new();
        let none = judge_task("payments-prod", &key, &q, &empty, (at, at));
        assert_eq!(none.metrics.source, MetricSource::NoData);
        assert!(!any_task_data(&[none]));
    }
}
