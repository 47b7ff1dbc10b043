//! Elastic Load Balancing v2 adapter: target groups and their targets' health (DescribeTargetHealth).

use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::Client;
use aws_sdk_elasticloadbalancingv2::types::TargetHealthDescription;

use super::api::ElbApi;
use super::classify::CallContext;
use super::convert::{owned, text};
use crate::error::Result;
use crate::model::TargetHealth;

pub struct ElbAdapter {
    client: Client,
    ctx: CallContext,
}

impl ElbAdapter {
    pub fn new(client: Client, ctx: CallContext) -> Self {
        Self { client, ctx }
    }
}

#[async_trait]
impl ElbApi for ElbAdapter {
    async fn describe_target_health(&self, target_group_arn: &str) -> Result<Vec<TargetHealth>> {
        // One answer holds every target of the group (the call has no pages).
        let out = self
            .client
            .describe_target_health()
            .target_group_arn(target_group_arn)
            .send()
            .await
            .map_err(self.ctx.err("elasticloadbalancing:DescribeTargetHealth"))?;
        Ok(out
            .target_health_descriptions()
            .iter()
            .map(|d| target_health(target_group_arn, d))
            .collect())
    }
}

fn target_health(target_group_arn: &str, d: &TargetHealthDescription) -> TargetHealth {
    let health = d.target_health();
    TargetHealth {
        target_group_arn: target_group_arn.to_string(),
        target_id: text(d.target().and_then(|t| t.id())),
        port: d
            .target()
            .and_then(aws_sdk_elasticloadbalancingv2::types::TargetDescription::port)
            .or(d.health_check_port().and_then(|p| p.parse().ok())),
        state: health
            .and_then(|h| h.state())
            .map(aws_sdk_elasticloadbalancingv2::types::TargetHealthStateEnum::as_str)
            .unwrap_or_default()
            .into(),
        reason: health
            .and_then(|h| h.reason())
            .map(|r| r.as_str().to_string()),
        description: health.and_then(|h| owned(h.description())),
    }
}
