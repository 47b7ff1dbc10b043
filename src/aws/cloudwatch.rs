//! CloudWatch adapter: metric data (GetMetricData) for the sparklines and the alarms (DescribeAlarms) on a service's ECS dimensions.

use async_trait::async_trait;
use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::primitives::DateTime as SdkTime;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};
use chrono::{DateTime, Utc};

use super::api::{CloudWatchApi, GET_METRIC_DATA_MAX_QUERIES};
use super::classify::CallContext;
use crate::error::Result;
use crate::model::{MetricPoint, MetricQuery, MetricSeries};

pub struct CloudWatchAdapter {
    client: Client,
    ctx: CallContext,
}

impl CloudWatchAdapter {
    pub fn new(client: Client, ctx: CallContext) -> Self {
        Self { client, ctx }
    }

    /// One GetMetricData call's queries (at most its limit), every page read; the points
    /// of query `i` of `queries` land in `out[i]`.
    async fn read_batch(
        &self,
        queries: &[MetricQuery],
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<Vec<MetricPoint>>> {
        // Ids of ecsnap's own (`q` and the index): CloudWatch's rules for an Id (a
        // lower-case letter first) are met whatever the caller named its queries.
        let sdk: Vec<MetricDataQuery> = queries
            .iter()
            .enumerate()
            .map(|(i, q)| sdk_query(&format!("q{i}"), q))
            .collect();
        let mut out = vec![Vec::new(); queries.len()];
        let mut token: Option<String> = None;
        loop {
            let page = self
                .client
                .get_metric_data()
                .set_metric_data_queries(Some(sdk.clone()))
                .start_time(SdkTime::from_secs(start.timestamp()))
                .end_time(SdkTime::from_secs(end.timestamp()))
                .scan_by(ScanBy::TimestampAscending)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(self.ctx.err("cloudwatch:GetMetricData"))?;
            for r in page.metric_data_results() {
                let Some(i) = r
                    .id()
                    .and_then(|id| id.strip_prefix('q'))
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|i| *i < out.len())
                else {
                    continue;
                };
                out[i].extend(r.timestamps().iter().zip(r.values()).filter_map(|(t, v)| {
                    Some(MetricPoint {
                        timestamp: DateTime::from_timestamp(t.secs(), t.subsec_nanos())?,
                        value: *v,
                    })
                }));
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(out)
    }
}

fn sdk_query(id: &str, q: &MetricQuery) -> MetricDataQuery {
    let mut metric = Metric::builder()
        .namespace(&q.namespace)
        .metric_name(&q.metric_name);
    for (name, value) in &q.dimensions {
        metric = metric.dimensions(Dimension::builder().name(name).value(value).build());
    }
    MetricDataQuery::builder()
        .id(id)
        .metric_stat(
            MetricStat::builder()
                .metric(metric.build())
                .period(q.period_secs)
                .stat(&q.stat)
                .build(),
        )
        .return_data(true)
        .build()
}

#[async_trait]
impl CloudWatchApi for CloudWatchAdapter {
    async fn get_metric_data(
        &self,
        queries: &[MetricQuery],
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<MetricSeries>> {
        let batches = queries
            .chunks(GET_METRIC_DATA_MAX_QUERIES)
            .map(|batch| self.read_batch(batch, start, end));
        let answers = futures::future::try_join_all(batches).await?;
        Ok(queries
            .iter()
            .zip(answers.into_iter().flatten())
            .map(|(q, mut points)| {
                // Ascending was asked; an endpoint that ignores ScanBy is put in order here.
                points.sort_by_key(|p| p.timestamp);
                points.dedup_by_key(|p| p.timestamp);
                MetricSeries {
                    id: q.id.clone(),
                    points,
                }
            })
            .collect())
    }

    // --- alarms ---
    async fn describe_alarms(&self) -> crate::error::Result<Vec<crate::model::Alarm>> {
        alarms::describe_alarms(&self.client, &self.ctx).await
    }
}

/// DescribeAlarms: every metric and composite alarm, page by page.
mod alarms {
    use aws_sdk_cloudwatch::Client;
    use aws_sdk_cloudwatch::types::{AlarmType, CompositeAlarm, MetricAlarm, StateValue};

    use super::super::api::{DESCRIBE_ALARMS_MAX, by_token};
    use super::super::classify::CallContext;
    use super::super::convert::{owned, text, time};
    use crate::error::Result;
    use crate::model::Alarm;

    pub(super) async fn describe_alarms(client: &Client, ctx: &CallContext) -> Result<Vec<Alarm>> {
        by_token(|token| async move {
            let out = client
                .describe_alarms()
                .alarm_types(AlarmType::MetricAlarm)
                .alarm_types(AlarmType::CompositeAlarm)
                .max_records(DESCRIBE_ALARMS_MAX)
                .set_next_token(token)
                .send()
                .await
                .map_err(ctx.err("cloudwatch:DescribeAlarms"))?;
            let mut page: Vec<Alarm> = out.metric_alarms().iter().map(metric_alarm).collect();
            page.extend(out.composite_alarms().iter().map(composite_alarm));
            Ok((page, owned(out.next_token())))
        })
        .await
    }

    fn metric_alarm(a: &MetricAlarm) -> Alarm {
        // A single-metric alarm names its dimensions; a metric-math alarm names them in
        // each of its queries' metrics.
        let mut dimensions: Vec<(String, String)> = a
            .dimensions()
            .iter()
            .map(|d| (text(d.name()), text(d.value())))
            .collect();
        dimensions.extend(
            a.metrics()
                .iter()
                .filter_map(|q| q.metric_stat()?.metric())
                .flat_map(aws_sdk_cloudwatch::types::Metric::dimensions)
                .map(|d| (text(d.name()), text(d.value()))),
        );
        Alarm {
            namespace: owned(a.namespace()),
            dimensions,
            ..alarm(
                a.alarm_name(),
                a.state_value(),
                a.state_reason(),
                a.state_updated_timestamp(),
            )
        }
    }

    fn composite_alarm(a: &CompositeAlarm) -> Alarm {
        alarm(
            a.alarm_name(),
            a.state_value(),
            a.state_reason(),
            a.state_updated_timestamp(),
        )
    }

    /// What every alarm kind reports: name, state and its reason (no metric).
    fn alarm(
        name: Option<&str>,
        state: Option<&StateValue>,
        reason: Option<&str>,
        updated: Option<&aws_sdk_cloudwatch::primitives::DateTime>,
    ) -> Alarm {
        Alarm {
            name: text(name),
            state: state.map(StateValue::as_str).unwrap_or_default().into(),
            reason: owned(reason),
            namespace: None,
            dimensions: Vec::new(),
            updated_at: time(updated),
        }
    }
}
