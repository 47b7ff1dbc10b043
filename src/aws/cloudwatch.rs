//! CloudWatch adapter: metric data (GetMetricData) for the sparklines and the alarms (DescribeAlarms) on a service's ECS dimensions.

use async_trait::async_trait;
use aws_sdk_cloudwatch::Client;

use super::api::CloudWatchApi;
use super::classify::CallContext;

pub struct CloudWatchAdapter {
    client: Client,
    ctx: CallContext,
}

impl CloudWatchAdapter {
    pub fn new(client: Client, ctx: CallContext) -> Self {
        Self { client, ctx }
    }
}

#[async_trait]
impl CloudWatchApi for CloudWatchAdapter {
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
