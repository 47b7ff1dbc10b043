//! Every service's CPU, memory and EBS-filesystem utilisation over a window: one
//! GetMetricData read for all of them (split only at its query limit), judged by
//! [`crate::analysis::metrics`]. `ecsnap metrics` and the console's Services and Detail
//! panes use it.

use chrono::{DateTime, Utc};

use crate::analysis::metrics::{ServiceMetrics, judge, period_for, period_start, service_queries};
use crate::aws::AwsClients;
use crate::error::Result;

/// The metrics of `services` ((cluster, service name) pairs) from `start` to `end`, in the
/// same order. GetMetricData calls: ⌈8 × services ÷ 500⌉ (more only when one call's
/// points overflow a page).
pub async fn load_metrics(
    aws: &AwsClients,
    services: &[(String, String)],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<ServiceMetrics>> {
    if services.is_empty() {
        return Ok(Vec::new());
    }
    let period = period_for(end - start);
    let start = period_start(start, period);
    let per_service: Vec<_> = services
        .iter()
        .enumerate()
        .map(|(i, (cluster, service))| service_queries(i, cluster, service, period))
        .collect();
    let all: Vec<_> = per_service.iter().flatten().cloned().collect();
    let series = aws.cloudwatch.get_metric_data(&all, start, end).await?;
    Ok(services
        .iter()
        .zip(&per_service)
        .zip(series.chunks(crate::analysis::metrics::QUERIES_PER_SERVICE))
        .map(|(((cluster, service), queries), answers)| {
            judge(cluster, service, queries, answers, (start, end))
        })
        .collect())
}
