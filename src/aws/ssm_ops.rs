//! Session Manager: StartSession (a port-forwarding session to an ECS task's container) and
//! TerminateSession. Only `ops::guard::Mutator` calls these.

use async_trait::async_trait;
use aws_sdk_ssm::Client;

use super::api::SsmOps;
use super::classify::CallContext;
use crate::error::Result;
use crate::model::SessionHandle;

pub struct SsmOpsAdapter {
    client: Client,
    ctx: CallContext,
}

impl SsmOpsAdapter {
    pub fn new(client: Client, ctx: CallContext) -> Self {
        Self { client, ctx }
    }
}

#[async_trait]
impl SsmOps for SsmOpsAdapter {
    async fn start_session(
        &self,
        target: &str,
        document: &str,
        parameters: &[(String, Vec<String>)],
    ) -> Result<SessionHandle> {
        let mut req = self
            .client
            .start_session()
            .target(target)
            .document_name(document);
        for (name, values) in parameters {
            req = req.parameters(name.clone(), values.clone());
        }
        let out = req.send().await.map_err(self.ctx.err("ssm:StartSession"))?;
        Ok(SessionHandle {
            session_id: out.session_id().map(str::to_string),
            stream_url: out.stream_url().map(str::to_string),
            token_value: out.token_value().map(str::to_string),
        })
    }

    async fn terminate_session(&self, session_id: &str) -> Result<()> {
        self.client
            .terminate_session()
            .session_id(session_id)
            .send()
            .await
            .map_err(self.ctx.err("ssm:TerminateSession"))?;
        Ok(())
    }
}
