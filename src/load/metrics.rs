//! Every service's CPU, memory and EBS-filesystem utilisation over a window: one
//! GetMetricData read for all of them (split only at its query limit), judged by
//! [`crate::analysis::metrics`]. `ecsnap metrics` and the console's Services and Detail
//! panes use it.

use chrono::{DateTime, Utc};

use crate::analysis::metrics::{ServiceMetrics, judge, period_for, period_start, service_queries};
use crate::aws::AwsClients;
use crate::error::Result;
use crate::model::{MetricQuery, MetricSeries};

/// The metrics of `services` ((cluster, service name) pairs) from `start` to `end`, in the
/// same order. GetMetricData calls: ⌈8 × services ÷ 500⌉ (more only when one call's
/// points overflow a page).
pub async fn load_metrics(
    aws: &AwsClients,
    services: &[(String, String)],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<ServiceMetrics>> {
    read_and_judge(
        aws,
        services,
        (start, end),
        |i, (cluster, service), period| service_queries(i, cluster, service, period),
        |(cluster, service), queries, answers, window| {
            judge(cluster, service, queries, answers, window)
        },
    )
    .await
}

/// One GetMetricData read of every subject's queries (`queries` gives the queries of the
/// subject at an index, for a period) over `window`, its start moved back to a whole
/// period; then `judge` takes each subject with its queries, their answers (one series per
/// query, in the order asked: every subject asks as many) and the window read, in the
/// subjects' order.
pub(crate) async fn read_and_judge<S, J>(
    aws: &AwsClients,
    subjects: &[S],
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    queries: impl Fn(usize, &S, i32) -> Vec<MetricQuery>,
    judge: impl Fn(&S, &[MetricQuery], &[MetricSeries], (DateTime<Utc>, DateTime<Utc>)) -> J,
) -> Result<Vec<J>> {
    if subjects.is_empty() {
        return Ok(Vec::new());
    }
    let period = period_for(end - start);
    let start = period_start(start, period);
    let per: Vec<_> = subjects
        .iter()
        .enumerate()
        .map(|(i, s)| queries(i, s, period))
        .collect();
    let all: Vec<_> = per.iter().flatten().cloned().collect();
    let series = aws.cloudwatch.get_metric_data(&all, start, end).await?;
    // Every subject asks the same number of queries (its module's constant).
    let per_subject = per.first().map_or(1, Vec::len).max(1);
    Ok(subjects
        .iter()
        .zip(&per)
        .zip(series.chunks(per_subject))
        .map(|((s, queries), answers)| judge(s, queries, answers, (start, end)))
        .collect())
}
