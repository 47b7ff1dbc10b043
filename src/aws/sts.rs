//! STS adapter: the caller identity shown in the header and written to the audit log.

use async_trait::async_trait;
use aws_sdk_sts::Client;

use super::api::IdentityApi;
use super::classify::CallContext;
use super::convert::text;
use crate::error::Result;
use crate::model::CallerIdentity;

pub struct StsAdapter {
    client: Client,
    ctx: CallContext,
}

impl StsAdapter {
    pub fn new(client: Client, ctx: CallContext) -> Self {
        Self { client, ctx }
    }
}

#[async_trait]
impl IdentityApi for StsAdapter {
    async fn caller_identity(&self) -> Result<CallerIdentity> {
        let out = self
            .client
            .get_caller_identity()
            .send()
            .await
            .map_err(self.ctx.err("sts:GetCallerIdentity"))?;
        Ok(CallerIdentity {
            account: text(out.account()),
            arn: text(out.arn()),
        })
    }
}
