//! EC2 actions: DryRun permission checks, DeleteVolume, DeleteSnapshot, CreateSnapshot, the snapshot tier and
//! the state of one snapshot. Only `ops::guard::Mutator` calls the mutating methods.

use async_trait::async_trait;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification, TargetStorageTier};

use super::answer::{Attempts, Sent, is_not_found};
use super::api::{Ec2Ops, Preflight};
use super::classify::CallContext;
use super::ec2::snapshot_by_id;
use crate::error::{AwsError, Result};
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
/// `UnauthorizedOperation` is "not allowed"; anything else is reported as it is. `call`
/// is the request sent with `dry_run(true)`.
async fn preflight_of<O, E, R>(
    ctx: &CallContext,
    action: &'static str,
    call: impl std::future::Future<Output = std::result::Result<O, SdkError<E, R>>>,
) -> Preflight
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let result = call.await;
    match result {
        // A server that ignores DryRun would have done it: still "allowed".
        Ok(_) => Preflight::Allowed,
        Err(e) => match e.code() {
            Some("DryRunOperation") => Preflight::Allowed,
            Some("UnauthorizedOperation" | "AccessDenied" | "AccessDeniedException") => {
                Preflight::Denied(denied(
                    action,
                    &ctx.region,
                    e.message().unwrap_or("UnauthorizedOperation"),
                ))
            }
            _ => Preflight::Failed(ctx.err(action)(e).to_string()),
        },
    }
}

/// Why a DryRun was denied, as the plan's BLOCKED line shows it: the IAM action, the
/// region it was denied in and AWS's own words.
fn denied(action: &str, region: &str, message: &str) -> String {
    format!("not allowed to {action} in {region}: add the IAM permission `{action}` ({message})")
}

/// Sends a mutation counting its attempts (`send` adds the counter to the request) and
/// labels its error with `action`.
async fn counted<O, E, R, F>(
    ctx: &CallContext,
    action: &'static str,
    send: impl FnOnce(Attempts) -> F,
) -> Sent<()>
where
    F: std::future::Future<Output = std::result::Result<O, SdkError<E, R>>>,
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let attempts = Attempts::default();
    let result = send(attempts.clone())
        .await
        .map(|_| ())
        .map_err(|e| ctx.err(action)(e).into());
    Sent {
        result,
        attempts: attempts.count(),
    }
}

/// Whether a Describe* by id found its resource: AWS's NotFound for the id is `false`.
fn exists(found: std::result::Result<bool, AwsError>) -> Result<bool> {
    match found.map_err(crate::Error::from) {
        Err(e) if is_not_found(&e) => Ok(false),
        other => other,
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
        let request = self.client.delete_volume().volume_id(volume_id);
        let dry_run = request.dry_run(true).send();
        preflight_of(&self.ctx, "ec2:DeleteVolume", dry_run).await
    }

    async fn preflight_delete_snapshot(&self, snapshot_id: &str) -> Preflight {
        let request = self.client.delete_snapshot().snapshot_id(snapshot_id);
        let dry_run = request.dry_run(true).send();
        preflight_of(&self.ctx, "ec2:DeleteSnapshot", dry_run).await
    }

    async fn preflight_create_snapshot(&self, volume_id: &str) -> Preflight {
        let request = self.client.create_snapshot().volume_id(volume_id);
        let dry_run = request.dry_run(true).send();
        preflight_of(&self.ctx, "ec2:CreateSnapshot", dry_run).await
    }

    async fn preflight_archive_snapshot(&self, snapshot_id: &str) -> Preflight {
        let request = self.client.modify_snapshot_tier().snapshot_id(snapshot_id);
        let archive = request.storage_tier(TargetStorageTier::Archive);
        let dry_run = archive.dry_run(true).send();
        preflight_of(&self.ctx, "ec2:ModifySnapshotTier", dry_run).await
    }

    async fn delete_volume(&self, volume_id: &str) -> Sent<()> {
        let request = self.client.delete_volume().volume_id(volume_id);
        let send = |counter| request.customize().interceptor(counter).send();
        counted(&self.ctx, "ec2:DeleteVolume", send).await
    }

    async fn delete_snapshot(&self, snapshot_id: &str) -> Sent<()> {
        let request = self.client.delete_snapshot().snapshot_id(snapshot_id);
        let send = |counter| request.customize().interceptor(counter).send();
        counted(&self.ctx, "ec2:DeleteSnapshot", send).await
    }

    async fn volume_exists(&self, volume_id: &str) -> Result<bool> {
        let answer = self.client.describe_volumes().volume_ids(volume_id).send();
        let found = answer.await.map(|out| {
            let mut ids = out.volumes().iter().map(|v| v.volume_id());
            ids.any(|id| id == Some(volume_id))
        });
        exists(found.map_err(self.ctx.err("ec2:DescribeVolumes")))
    }

    async fn snapshot_exists(&self, snapshot_id: &str) -> Result<bool> {
        let found = snapshot_by_id(&self.client, &self.ctx, snapshot_id).await;
        exists(found.map(|s| s.is_some()))
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
        let id = out.snapshot_id().map(str::to_string);
        self.ctx
            .present("ec2:CreateSnapshot", id, "no snapshot id in the answer")
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
        let found = snapshot_by_id(&self.client, &self.ctx, snapshot_id).await?;
        Ok(found.and_then(|s| {
            let state = SnapshotState::from(s.state()?.as_str());
            Some((state, s.progress().map(str::to_string)))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::denied;

    #[test]
    fn a_denied_dry_run_names_the_action_and_the_region() {
        assert_eq!(
            denied(
                "ec2:ModifySnapshotTier",
                "eu-west-1",
                "You are not authorized"
            ),
            "not allowed to ec2:ModifySnapshotTier in eu-west-1: add the IAM permission \
             `ec2:ModifySnapshotTier` (You are not authorized)"
        );
    }
}
