//! Elastic Load Balancing v2 adapter: target groups and their targets' health (DescribeTargetHealth).

use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::Client;

use super::api::ElbApi;
use super::classify::CallContext;

pub struct ElbAdapter {
    #[expect(dead_code, reason = "the reads land with their issue")]
    client: Client,
    #[expect(dead_code, reason = "the reads land with their issue")]
    ctx: CallContext,
}

impl ElbAdapter {
    pub fn new(client: Client, ctx: CallContext) -> Self {
        Self { client, ctx }
    }
}

#[async_trait]
impl ElbApi for ElbAdapter {}
