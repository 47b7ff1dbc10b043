//! Recycle Bin adapter: the region's retention rules (ListRules), which say whether a deletion can be recovered and for how long.

use async_trait::async_trait;
use aws_sdk_rbin::Client;

use super::api::RecycleBinApi;
use super::classify::CallContext;

pub struct RecycleBinAdapter {
    #[expect(dead_code, reason = "the reads land with their issue")]
    client: Client,
    #[expect(dead_code, reason = "the reads land with their issue")]
    ctx: CallContext,
}

impl RecycleBinAdapter {
    pub fn new(client: Client, ctx: CallContext) -> Self {
        Self { client, ctx }
    }
}

#[async_trait]
impl RecycleBinApi for RecycleBinAdapter {}
