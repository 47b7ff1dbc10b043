//! `ecsnap metrics`: the CPU, memory and EBS-filesystem utilisation of a cluster's services
//! (or one service) over `--since` (default the last hour) — one GetMetricData read for all
//! of them — as sparklines or JSON (`output::metrics`); with `--tasks`, each task's own
//! too (Container Insights with enhanced observability). Reads only; one place.

use super::print::{print_json, print_text};
use crate::analysis::metrics::period_for;
use crate::analysis::task_metrics::{TaskKey, TaskMetrics};
use crate::aws::AwsClients;
use crate::cli::{GlobalArgs, MetricsArgs};
use crate::error::Result;
use crate::load::task_metrics::TASKS_PER_CALL;
use crate::load::{load_metrics, load_services, load_task_metrics, load_tasks};
use crate::ops::find_service;
use crate::output::metrics::{MetricsJson, Window, metrics_text};
use chrono::{DateTime, Utc};

/// The window without `--since`.
const DEFAULT_SINCE: chrono::Duration = chrono::Duration::hours(1);

pub(super) async fn run(args: MetricsArgs, global: &GlobalArgs) -> Result<i32> {
    let MetricsArgs {
        cluster,
        service,
        since,
        tasks,
    } = args;
    let aws = super::connect::connect_from(global).await?;
    let end = crate::config::now();
    let start = crate::cli::since_time(since, end).unwrap_or(end - DEFAULT_SINCE);
    let services = match &service {
        Some(name) => vec![find_service(&aws, &cluster, name).await?],
        None => load_services(&aws, Some(&cluster)).await?,
    };
    let names: Vec<(String, String)> = services
        .iter()
        .map(|s| (s.cluster.clone(), s.name.clone()))
        .collect();
    let metrics = load_metrics(&aws, &names, start, end).await?;
    let window = Window {
        start,
        end,
        period_secs: period_for(end - start),
    };
    let per_task = if tasks {
        Some(task_metrics(&aws, &cluster, service.as_deref(), &names, (start, end)).await?)
    } else {
        None
    };
    if global.json {
        return print_json(&MetricsJson::new(&metrics, per_task.as_deref(), window));
    }
    print_text(&metrics_text(&metrics, per_task.as_deref(), window))
}

/// `--tasks`: the live and recently stopped tasks of the cluster (or the service) with
/// their own metrics, grouped by service in `names`' order; one GetMetricData call per
/// [`TASKS_PER_CALL`] tasks.
async fn task_metrics(
    aws: &AwsClients,
    cluster: &str,
    service: Option<&str>,
    names: &[(String, String)],
    window: (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<Vec<TaskMetrics>>> {
    let tasks = load_tasks(aws, cluster, service).await?;
    let keyed: Vec<(Option<String>, TaskKey)> = tasks
        .iter()
        .map(|t| (t.service_name().map(str::to_string), TaskKey::of(t)))
        .collect();
    let keys: Vec<TaskKey> = keyed.iter().map(|(_, k)| k.clone()).collect();
    let mut measured = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(TASKS_PER_CALL) {
        measured.extend(load_task_metrics(aws, cluster, chunk, window.0, window.1).await?);
    }
    Ok(names
        .iter()
        .map(|(_, name)| {
            keyed
                .iter()
                .zip(&measured)
                .filter(|((of, _), _)| of.as_deref() == Some(name.as_str()))
                .map(|(_, m)| m.clone())
                .collect()
        })
        .collect())
}
