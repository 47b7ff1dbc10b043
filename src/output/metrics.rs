//! `metrics`: every service's CPU, memory and EBS-filesystem utilisation as JSON (the
//! percent series with min/avg/max and the limit, and every metric as CloudWatch answered
//! it) and as a table of sparklines, with the clusters where Container Insights is off.

use std::fmt::Write as _;

use serde::Serialize;

use super::json::rfc3339;
use super::table::Table;
use crate::analysis::metrics::{
    ServiceMetrics, Usage, clusters_without_insights, enable_insights_command, percent, sparkline,
};
use crate::analysis::task_metrics::{TaskMetrics, any_task_data};
use crate::model::MetricPoint;

/// `metrics --json`: one object.
#[derive(Debug, Serialize)]
pub struct MetricsJson {
    pub start: Option<String>,
    pub end: Option<String>,
    pub period_seconds: i32,
    pub services: Vec<ServiceMetricsJson>,
    /// Clusters where no service had a Container Insights point: only AWS/ECS's
    /// percentages, no EBS filesystem.
    pub container_insights_off: Vec<ClusterInsightsJson>,
}

#[derive(Debug, Serialize)]
pub struct ClusterInsightsJson {
    pub cluster: String,
    /// The command that turns Container Insights on.
    pub enable_with: String,
}

#[derive(Debug, Serialize)]
pub struct ServiceMetricsJson {
    pub cluster: String,
    pub service_name: String,
    #[serde(flatten)]
    pub usage: MeasuredJson,
    /// With `--tasks`: each task's own metrics (Container Insights with enhanced
    /// observability); absent without the flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tasks: Option<Vec<TaskMetricsJson>>,
}

/// One task's metrics (`metrics --tasks`).
#[derive(Debug, Serialize)]
pub struct TaskMetricsJson {
    pub task_id: String,
    pub task_definition_family: String,
    #[serde(flatten)]
    pub usage: MeasuredJson,
}

/// What was measured of a service or a task.
#[derive(Debug, Serialize)]
pub struct MeasuredJson {
    /// `container_insights`, `aws_ecs` or `none`.
    pub source: &'static str,
    pub cpu: UsageJson,
    pub memory: UsageJson,
    /// `null` without EBS filesystem metrics (no managed EBS volume, or no Container
    /// Insights).
    pub ebs_filesystem: Option<UsageJson>,
    /// Every metric that had points, value by value as CloudWatch answered it.
    pub metrics: Vec<RawJson>,
}

/// A utilisation series: percent of `limit`.
#[derive(Debug, Serialize)]
pub struct UsageJson {
    /// What 100% is as the service last reserved it (`null` for AWS/ECS's percentages).
    pub limit: Option<f64>,
    /// `CPU units`, `MiB`, `GB`, or `%` when only the percent is known.
    pub limit_unit: &'static str,
    pub last_percent: Option<f64>,
    pub min_percent: Option<f64>,
    pub avg_percent: Option<f64>,
    pub max_percent: Option<f64>,
    pub points: Vec<MetricPoint>,
}

#[derive(Debug, Serialize)]
pub struct RawJson {
    pub namespace: String,
    pub metric_name: String,
    pub stat: String,
    pub points: Vec<MetricPoint>,
}

impl From<&Usage> for UsageJson {
    fn from(u: &Usage) -> Self {
        Self {
            limit: u.limit,
            limit_unit: u.unit,
            last_percent: u.last(),
            min_percent: u.min(),
            avg_percent: u.avg(),
            max_percent: u.max(),
            points: u.points.clone(),
        }
    }
}

impl From<&ServiceMetrics> for ServiceMetricsJson {
    fn from(m: &ServiceMetrics) -> Self {
        Self {
            cluster: m.cluster.clone(),
            service_name: m.service.clone(),
            usage: MeasuredJson::from(m),
            tasks: None,
        }
    }
}

impl From<&TaskMetrics> for TaskMetricsJson {
    fn from(t: &TaskMetrics) -> Self {
        Self {
            task_id: t.task.task_id.clone(),
            task_definition_family: t.task.family.clone(),
            usage: MeasuredJson::from(&t.metrics),
        }
    }
}

impl From<&ServiceMetrics> for MeasuredJson {
    fn from(m: &ServiceMetrics) -> Self {
        Self {
            source: m.source.as_str(),
            cpu: UsageJson::from(&m.cpu),
            memory: UsageJson::from(&m.memory),
            ebs_filesystem: m.ebs.as_ref().map(UsageJson::from),
            metrics: m
                .raw
                .iter()
                .map(|r| RawJson {
                    namespace: r.namespace.clone(),
                    metric_name: r.metric_name.clone(),
                    stat: r.stat.clone(),
                    points: r.points.clone(),
                })
                .collect(),
        }
    }
}

impl MetricsJson {
    /// `tasks`: with `--tasks`, the tasks' metrics of each service (in `metrics`' order).
    pub fn new(
        metrics: &[ServiceMetrics],
        tasks: Option<&[Vec<TaskMetrics>]>,
        window: Window,
    ) -> Self {
        let mut services: Vec<ServiceMetricsJson> =
            metrics.iter().map(ServiceMetricsJson::from).collect();
        if let Some(tasks) = tasks {
            for (service, of_it) in services.iter_mut().zip(tasks) {
                service.tasks = Some(of_it.iter().map(TaskMetricsJson::from).collect());
            }
        }
        Self {
            start: rfc3339(Some(window.start)),
            end: rfc3339(Some(window.end)),
            period_seconds: window.period_secs,
            services,
            container_insights_off: clusters_without_insights(metrics)
                .into_iter()
                .map(|cluster| ClusterInsightsJson {
                    enable_with: enable_insights_command(&cluster),
                    cluster,
                })
                .collect(),
        }
    }
}

/// The window the metrics cover.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub start: chrono::DateTime<chrono::Utc>,
    pub end: chrono::DateTime<chrono::Utc>,
    pub period_secs: i32,
}

/// How wide the table's sparklines are.
const SPARK: usize = 20;

/// A sparkline and its last and highest percent: `▁▂▄█ 98% (max 100%)`.
fn usage_cell(u: &Usage, window: Window) -> String {
    if u.points.is_empty() {
        return "-".into();
    }
    format!(
        "{} {} (max {})",
        sparkline(u, (window.start, window.end), SPARK),
        percent(u.last()),
        percent(u.max())
    )
}

/// The table: a row per service, then (with `--tasks`) a row per task, then a line for each
/// cluster without Container Insights.
pub fn metrics_text(
    metrics: &[ServiceMetrics],
    tasks: Option<&[Vec<TaskMetrics>]>,
    window: Window,
) -> String {
    if metrics.is_empty() {
        return "no services\n".into();
    }
    let mut t = Table::new(["SERVICE", "SOURCE", "CPU", "MEMORY", "EBS FS"]);
    for m in metrics {
        t.row(vec![
            format!("{}/{}", m.cluster, m.service),
            m.source.as_str().to_string(),
            usage_cell(&m.cpu, window),
            usage_cell(&m.memory, window),
            m.ebs
                .as_ref()
                .map_or_else(|| "-".into(), |u| usage_cell(u, window)),
        ]);
    }
    let mut out = t.render();
    if let Some(tasks) = tasks {
        out.push_str(&tasks_text(metrics, tasks, window));
    }
    for cluster in clusters_without_insights(metrics) {
        let _ = writeln!(
            out,
            "Container Insights is off in {cluster} (AWS/ECS percentages only, no EBS \
             filesystem); turn it on with: {}",
            enable_insights_command(&cluster)
        );
    }
    out
}

/// `--tasks`: a row per task with points; without any, why (enhanced observability off).
fn tasks_text(metrics: &[ServiceMetrics], tasks: &[Vec<TaskMetrics>], window: Window) -> String {
    let all: Vec<&TaskMetrics> = tasks.iter().flatten().collect();
    if !all.iter().any(|t| any_task_data(std::slice::from_ref(*t))) {
        let mut clusters: Vec<&str> = metrics.iter().map(|m| m.cluster.as_str()).collect();
        clusters.dedup();
        let mut out = String::new();
        for c in clusters {
            let _ = writeln!(
                out,
                "no task-level metrics in {c}: Container Insights with enhanced \
                 observability is off; turn it on with: {}",
                enable_insights_command(c)
            );
        }
        return out;
    }
    let mut t = Table::new(["TASK", "SERVICE", "CPU", "MEMORY", "EBS FS"]);
    for (m, of_it) in metrics.iter().zip(tasks) {
        for task in of_it {
            let u = &task.metrics;
            t.row(vec![
                task.task.task_id.clone(),
                format!("{}/{}", m.cluster, m.service),
                usage_cell(&u.cpu, window),
                usage_cell(&u.memory, window),
                u.ebs
                    .as_ref()
                    .map_or_else(|| "-".into(), |e| usage_cell(e, window)),
            ]);
        }
    }
    format!("\n{}", t.render())
}
