//! CloudWatch adapter: metric data (GetMetricData) for the sparklines and the alarms (DescribeAlarms) on a service's ECS dimensions.

use async_trait::async_trait;
use aws_sdk_cloudwatch::Client;

use super::api::CloudWatchApi;
use super::classify::CallContext;

pub struct CloudWatchAdapter {
    #[expect(dead_code, reason = "the reads land with their issue")]
    client: Client,
    #[expect(dead_code, reason = "the reads land with their issue")]
    ctx: CallContext,
}

impl CloudWatchAdapter {
    pub fn new(client: Client, ctx: CallContext) -> Self {
        Self { client, ctx }
    }
}

#[async_trait]
impl CloudWatchApi for CloudWatchAdapter {}
