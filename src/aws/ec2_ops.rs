//! EC2 actions: DryRun permission checks, DeleteVolume, DeleteSnapshot, CreateSnapshot, the snapshot tier and
//! the state of one snapshot. Only `ops::guard::Mutator` calls the mutating methods.

use async_trait::async_trait;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification, TargetStorageTier};

use super::answer::{Attempts, Sent, is_not_found};
use super::api::{Ec2Ops, Preflight};
use super::classify::CallContext;
use crate::error::Result;
use crate::model::SnapshotState;

pub struct Ec2OpsAdapter {
    client: Client,
    ctx: CallContext,
}

impl Ec2OpsAdapter {
    pub fn new(client: Client, ctx: CallContext) -> Self {
        Self { client, ctx }
    }
}

/// What a DryRun call's answer means: `DryRunOperation` is "would have succeeded",
/// `UnauthorizedOperation` is "not allowed"; anything else is reported as it is.
fn preflight_of<O, E, R>(
    ctx: &CallContext,
    action: &'static str,
    result: std::result::Result<O, SdkError<E, R>>,
) -> Preflight
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        // A server that ignores DryRun would have done it: still "allowed".
        Ok(_) => Preflight::Allowed,
        Err(e) => match e.code() {
            Some("DryRunOperation") => Preflight::Allowed,
            Some("UnauthorizedOperation" | "AccessDenied" | "AccessDeniedException") => {
                Preflight::Denied(format!(
                    "not allowed to {action}: add the IAM permission `{action}` ({})",
                    e.message().unwrap_or("UnauthorizedOperation")
                ))
            }
            _ => Preflight::Failed(ctx.err(action)(e).to_string()),
        },
    }
}

fn tag_spec(kind: ResourceType, tags: &[(String, String)]) -> TagSpecification {
    let mut spec = TagSpecification::builder().resource_type(kind);
    for (k, v) in tags {
        spec = spec.tags(Tag::builder().key(k).value(v).build());
    }
    spec.build()
}

#[async_trait]
impl Ec2Ops for Ec2OpsAdapter {
    async fn preflight_delete_volume(&self, volume_id: &str) -> Preflight {
        let r = self
            .client
            .delete_volume()
            .volume_id(volume_id)
            .dry_run(true)
            .send()
            .await;
        preflight_of(&self.ctx, "ec2:DeleteVolume", r)
    }

    async fn preflight_delete_snapshot(&self, snapshot_id: &str) -> Preflight {
        let r = self
            .client
            .delete_snapshot()
            .snapshot_id(snapshot_id)
            .dry_run(true)
            .send()
            .await;
        preflight_of(&self.ctx, "ec2:DeleteSnapshot", r)
    }

    async fn preflight_create_snapshot(&self, volume_id: &str) -> Preflight {
        let r = self
            .client
            .create_snapshot()
            .volume_id(volume_id)
            .dry_run(true)
            .send()
            .await;
        preflight_of(&self.ctx, "ec2:CreateSnapshot", r)
    }

    async fn preflight_archive_snapshot(&self, snapshot_id: &str) -> Preflight {
        let r = self
            .client
            .modify_snapshot_tier()
            .snapshot_id(snapshot_id)
            .storage_tier(TargetStorageTier::Archive)
            .dry_run(true)
            .send()
            .await;
        preflight_of(&self.ctx, "ec2:ModifySnapshotTier", r)
    }

    async fn delete_volume(&self, volume_id: &str) -> Sent<()> {
        let attempts = Attempts::default();
        let result = self
            .client
            .delete_volume()
            .volume_id(volume_id)
            .customize()
            .interceptor(attempts.clone())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.ctx.err("ec2:DeleteVolume")(e).into());
        Sent {
            result,
            attempts: attempts.count(),
        }
    }

    async fn delete_snapshot(&self, snapshot_id: &str) -> Sent<()> {
        let attempts = Attempts::default();
        let result = self
            .client
            .delete_snapshot()
            .snapshot_id(snapshot_id)
            .customize()
            .interceptor(attempts.clone())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.ctx.err("ec2:DeleteSnapshot")(e).into());
        Sent {
            result,
            attempts: attempts.count(),
        }
    }

    async fn volume_exists(&self, volume_id: &str) -> Result<bool> {
        let answer = self
            .client
            .describe_volumes()
            .volume_ids(volume_id)
            .send()
            .await
            .map_err(|e| crate::Error::from(self.ctx.err("ec2:DescribeVolumes")(e)));
        match answer {
            Ok(out) => Ok(out
                .volumes()
                .iter()
                .any(|v| v.volume_id() == Some(volume_id))),
            Err(e) if is_not_found(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn snapshot_exists(&self, snapshot_id: &str) -> Result<bool> {
        let answer = self
            .client
            .describe_snapshots()
            .snapshot_ids(snapshot_id)
            .send()
            .await
            .map_err(|e| crate::Error::from(self.ctx.err("ec2:DescribeSnapshots")(e)));
        match answer {
            Ok(out) => Ok(out
                .snapshots()
                .iter()
                .any(|s| s.snapshot_id() == Some(snapshot_id))),
            Err(e) if is_not_found(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn create_snapshot(
        &self,
        volume_id: &str,
        description: &str,
        tags: &[(String, String)],
    ) -> Result<String> {
        let out = self
            .client
            .create_snapshot()
            .volume_id(volume_id)
            .description(description)
            .tag_specifications(tag_spec(ResourceType::Snapshot, tags))
            .send()
            .await
            .map_err(self.ctx.err("ec2:CreateSnapshot"))?;
        out.snapshot_id().map(str::to_string).ok_or_else(|| {
            self.ctx
                .odd_answer("ec2:CreateSnapshot", "no snapshot id in the answer")
                .into()
        })
    }

    async fn create_tags(&self, resource_id: &str, tags: &[(String, String)]) -> Result<()> {
        let mut req = self.client.create_tags().resources(resource_id);
        for (k, v) in tags {
            req = req.tags(aws_sdk_ec2::types::Tag::builder().key(k).value(v).build());
        }
        req.send().await.map_err(self.ctx.err("ec2:CreateTags"))?;
        Ok(())
    }

    async fn delete_tags(&self, resource_id: &str, keys: &[String]) -> Result<()> {
        let mut req = self.client.delete_tags().resources(resource_id);
        for k in keys {
            req = req.tags(aws_sdk_ec2::types::Tag::builder().key(k).build());
        }
        req.send().await.map_err(self.ctx.err("ec2:DeleteTags"))?;
        Ok(())
    }

    async fn restore_snapshot_tier(&self, snapshot_id: &str, days: Option<i32>) -> Result<()> {
        let req = self.client.restore_snapshot_tier().snapshot_id(snapshot_id);
        let req = match days {
            Some(d) => req.temporary_restore_days(d),
            None => req.permanent_restore(true),
        };
        req.send()
            .await
            .map_err(self.ctx.err("ec2:RestoreSnapshotTier"))?;
        Ok(())
    }

    async fn archive_snapshot(&self, snapshot_id: &str) -> Result<()> {
        self.client
            .modify_snapshot_tier()
            .snapshot_id(snapshot_id)
            .storage_tier(TargetStorageTier::Archive)
            .send()
            .await
            .map_err(self.ctx.err("ec2:ModifySnapshotTier"))?;
        Ok(())
    }

    async fn snapshot_state(&self, snapshot_id: &str) -> Result<Option<SnapshotState>> {
        Ok(self
            .snapshot_progress(snapshot_id)
            .await?
            .map(|(state, _)| state))
    }

    async fn snapshot_progress(
        &self,
        snapshot_id: &str,
    ) -> Result<Option<(SnapshotState, Option<String>)>> {
        let out = self
            .client
            .describe_snapshots()
            .snapshot_ids(snapshot_id)
            .send()
            .await
            .map_err(self.ctx.err("ec2:DescribeSnapshots"))?;
        Ok(out
            .snapshots()
            .iter()
            .find(|s| s.snapshot_id() == Some(snapshot_id))
            .and_then(|s| {
                let state = SnapshotState::from(s.state()?.as_str());
                Some((state, s.progress().map(str::to_string)))
            }))
    }
}
