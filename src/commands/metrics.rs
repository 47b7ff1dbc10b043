//! `ecsnap metrics`: the CPU, memory and EBS-filesystem utilisation of a cluster's services
//! (or one service) over `--since` (default the last hour) — one GetMetricData read for all
//! of them — as sparklines or JSON (`output::metrics`). Reads only; one place.

use super::print::{print_json, print_text};
use crate::analysis::metrics::period_for;
use crate::cli::{GlobalArgs, MetricsArgs};
use crate::error::Result;
use crate::load::{load_metrics, load_services};
use crate::ops::find_service;
use crate::output::metrics::{MetricsJson, Window, metrics_text};

/// The window without `--since`.
const DEFAULT_SINCE: chrono::Duration = chrono::Duration::hours(1);

pub(super) async fn run(args: MetricsArgs, global: &GlobalArgs) -> Result<i32> {
    let MetricsArgs {
        cluster,
        service,
        since,
    } = args;
    let aws = super::connect::connect_from(global).await?;
    let end = crate::config::now();
    let start = crate::cli::since_time(since, end).unwrap_or(end - DEFAULT_SINCE);
    let services = match service {
        Some(name) => vec![find_service(&aws, &cluster, &name).await?],
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
    if global.json {
        return print_json(&MetricsJson::new(&metrics, window));
    }
    print_text(&metrics_text(&metrics, window))
}
