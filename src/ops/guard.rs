//! The one door every mutation goes through. `Mutator` owns the action adapters; each of
//! its mutating methods first checks read-only mode (and refuses before any request is
//! sent), then calls AWS, then appends the outcome to the audit log. EC2 DryRun checks go
//! through here too, and are skipped in read-only mode.

use std::sync::Arc;

use crate::aws::{DeleteOutcome, OpsClients, Preflight, ServiceChange};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::model::{Service, TaskDefinition};

use super::audit::{Actor, AuditLog};

/// Why mutations are refused, when they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOnly(pub String);

/// Read-only mode from the settings (flag, profile or account mark), if it is on.
pub fn read_only_reason(settings: &Settings) -> Option<ReadOnly> {
    settings.read_only.then(|| {
        ReadOnly(match &settings.profile {
            Some(p) => format!(
                "read-only mode is on (--read-only, or `read_only = true` for profile {p} or \
                 its account in the config)"
            ),
            None => "read-only mode is on (--read-only, or `read_only = true` in the config)"
                .to_string(),
        })
    })
}

/// The refusal for `what` in read-only mode, the same wherever it is checked.
pub fn refusal(reason: &ReadOnly, what: &str) -> Error {
    Error::Refused(format!(
        "{}: not sending {what}. Nothing was changed. Drop --read-only (or the config mark) \
         to act; `--dry-run` shows the plan",
        reason.0
    ))
}

/// Fails with `Refused` when read-only mode is on. Commands call this before connecting,
/// so a refused action sends no request at all; `Mutator` calls it again before each call.
pub fn check_writable(settings: &Settings, what: &str) -> Result<()> {
    match read_only_reason(settings) {
        Some(r) => Err(refusal(&r, what)),
        None => Ok(()),
    }
}

/// The guarded mutating side of AWS, shared by the console and the commands.
#[derive(Clone)]
pub struct Mutator {
    ops: OpsClients,
    read_only: Option<ReadOnly>,
    audit: Arc<AuditLog>,
    actor: Actor,
}

impl Mutator {
    pub fn new(
        ops: OpsClients,
        read_only: Option<ReadOnly>,
        audit: Arc<AuditLog>,
        actor: Actor,
    ) -> Self {
        Self {
            ops,
            read_only,
            audit,
            actor,
        }
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only.is_some()
    }

    pub fn audit_path(&self) -> &std::path::Path {
        self.audit.path()
    }

    fn check(&self, action: &str, ids: &[String]) -> Result<()> {
        match &self.read_only {
            Some(r) => Err(refusal(r, &format!("{action} for {}", ids.join(", ")))),
            None => Ok(()),
        }
    }

    fn record<T>(
        &self,
        action: &str,
        ids: &[String],
        result: &Result<T>,
        detail: impl FnOnce(&T) -> Option<String>,
    ) {
        let outcome = match result {
            Ok(v) => Ok(detail(v)),
            Err(e) => Err(e.to_string()),
        };
        self.audit.record(&self.actor, action, ids, outcome);
    }

    // Reads that only actions need: no guard, no audit.

    pub async fn snapshot_state(&self, snapshot_id: &str) -> Result<Option<String>> {
        self.ops.ec2.snapshot_state(snapshot_id).await
    }

    // DryRun checks: they change nothing, but they name mutating actions, so read-only
    // mode does not send them.

    pub async fn preflight_delete_volume(&self, id: &str) -> Preflight {
        match &self.read_only {
            Some(r) => Preflight::Failed(format!("not checked: {}", r.0)),
            None => self.ops.ec2.preflight_delete_volume(id).await,
        }
    }

    pub async fn preflight_delete_snapshot(&self, id: &str) -> Preflight {
        match &self.read_only {
            Some(r) => Preflight::Failed(format!("not checked: {}", r.0)),
            None => self.ops.ec2.preflight_delete_snapshot(id).await,
        }
    }

    pub async fn preflight_create_snapshot(&self, volume_id: &str) -> Preflight {
        match &self.read_only {
            Some(r) => Preflight::Failed(format!("not checked: {}", r.0)),
            None => self.ops.ec2.preflight_create_snapshot(volume_id).await,
        }
    }

    // Mutations.

    pub async fn update_service(
        &self,
        cluster: &str,
        service: &str,
        change: &ServiceChange,
    ) -> Result<Service> {
        let ids = vec![format!("{cluster}/{service}")];
        self.check("ecs:UpdateService", &ids)?;
        let result = self.ops.ecs.update_service(cluster, service, change).await;
        self.record("ecs:UpdateService", &ids, &result, |s| {
            Some(match change {
                ServiceChange::ForceNewDeployment => {
                    format!("force new deployment of {}", s.task_definition)
                }
                ServiceChange::TaskDefinition(td) => format!("task definition {td}"),
                ServiceChange::EbsSnapshot {
                    volume,
                    snapshot_id,
                } => format!("volume {volume} from snapshot {snapshot_id}"),
            })
        });
        result
    }

    pub async fn register_with_image(
        &self,
        source: &str,
        container: &str,
        image: &str,
    ) -> Result<TaskDefinition> {
        let ids = vec![source.to_string()];
        self.check("ecs:RegisterTaskDefinition", &ids)?;
        let result = self
            .ops
            .ecs
            .register_with_image(source, container, image)
            .await;
        self.record("ecs:RegisterTaskDefinition", &ids, &result, |td| {
            Some(format!("registered {} with {container}={image}", td.arn))
        });
        result
    }

    pub async fn retag(&self, repository: &str, digest: &str, tag: &str) -> Result<String> {
        let ids = vec![format!("{repository}:{tag}")];
        self.check("ecr:PutImage", &ids)?;
        let result = self.ops.ecr.retag(repository, digest, tag).await;
        self.record("ecr:PutImage", &ids, &result, |d| {
            Some(format!("{tag} -> {d}"))
        });
        result
    }

    pub async fn delete_images(
        &self,
        repository: &str,
        digests: &[String],
    ) -> Result<Vec<(String, DeleteOutcome)>> {
        let ids: Vec<String> = digests
            .iter()
            .map(|d| format!("{repository}@{d}"))
            .collect();
        self.check("ecr:BatchDeleteImage", &ids)?;
        let outcomes = self.ops.ecr.delete_images(repository, digests).await;
        for (digest, outcome) in &outcomes {
            let id = vec![format!("{repository}@{digest}")];
            match outcome {
                DeleteOutcome::Done => {
                    self.audit
                        .record(&self.actor, "ecr:BatchDeleteImage", &id, Ok(None));
                }
                DeleteOutcome::Failed(e) => {
                    self.audit
                        .record(&self.actor, "ecr:BatchDeleteImage", &id, Err(e.clone()));
                }
                DeleteOutcome::NotAttempted(_) => {}
            }
        }
        Ok(outcomes)
    }

    pub async fn delete_volume(&self, volume_id: &str) -> Result<()> {
        let ids = vec![volume_id.to_string()];
        self.check("ec2:DeleteVolume", &ids)?;
        let result = self.ops.ec2.delete_volume(volume_id).await;
        self.record("ec2:DeleteVolume", &ids, &result, |()| None);
        result
    }

    pub async fn delete_snapshot(&self, snapshot_id: &str) -> Result<()> {
        let ids = vec![snapshot_id.to_string()];
        self.check("ec2:DeleteSnapshot", &ids)?;
        let result = self.ops.ec2.delete_snapshot(snapshot_id).await;
        self.record("ec2:DeleteSnapshot", &ids, &result, |()| None);
        result
    }

    pub async fn create_snapshot(
        &self,
        volume_id: &str,
        description: &str,
        tags: &[(String, String)],
    ) -> Result<String> {
        let ids = vec![volume_id.to_string()];
        self.check("ec2:CreateSnapshot", &ids)?;
        let result = self
            .ops
            .ec2
            .create_snapshot(volume_id, description, tags)
            .await;
        self.record("ec2:CreateSnapshot", &ids, &result, |s| {
            Some(format!("created {s}"))
        });
        result
    }
}
