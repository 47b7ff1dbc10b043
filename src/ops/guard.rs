//! The one door every mutation goes through. `Mutator` owns the action adapters; each of
//! its mutating methods first checks read-only mode and the interrupt (and refuses before
//! any request is sent), writes the audit log's intent line (an unwritable log sends
//! nothing), calls AWS, then appends the outcome as the result line. EC2 DryRun checks go
//! through here too, and are skipped in read-only mode.
//!
//! Deletes report honestly (`Settled`): after a lost answer (connection dropped, timeout,
//! retries that ended in a transport or server error) or a NotFound on a retried call,
//! the resource is re-read before anything is reported — gone is done ("confirmed after a
//! lost answer"), still there is failed, unreadable is unknown. A NotFound on the first
//! attempt is "already gone" (someone else deleted it), not a failure. Each is audited as
//! such (`ok` with the lost answer in `error`, `failed`, `unknown`, `gone`). Other
//! mutations whose answer was lost are audited `unknown` (not `failed`).

use std::fmt::Write as _;
use std::sync::Arc;

use crate::aws::{
    DeleteOutcome, OpsClients, Preflight, Sent, ServiceChange, is_not_found, outcome_unknown,
};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::model::{
    ExecSession, LifecycleHookAction, Service, SessionHandle, SnapshotState, Task, TaskDefinition,
};

use super::audit::{Actor, AuditLog, FAILED, GONE, OK, ResultLine, UNKNOWN};
use super::interrupt::{InFlight, Interrupt};
use super::plugin_credentials::PluginCredentials;

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
            None => "read-only mode is on (--read-only, or `read_only = true` under \
                     [profiles.default] or its [accounts.\"ID\"] in the config)"
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
    interrupt: Interrupt,
}

/// How a delete ended. A single delete returns `Err` when it failed (AWS refused, or the
/// re-read found the resource still there), so `Failed` / `NotAttempted` only come from
/// batched deletes (images).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// AWS answered: deleted.
    Done,
    /// The answer was lost (`lost`: the error the SDK ended with) and a re-read found the
    /// resource gone: done.
    Confirmed { lost: String },
    /// AWS answered on the first attempt that it does not exist: someone else deleted it.
    AlreadyGone { code: String },
    /// The answer was lost and the re-read failed too: it may or may not be gone.
    Unknown { lost: String, reread: String },
    /// Not deleted (batched deletes only).
    Failed(String),
    /// Not sent (batched deletes only).
    NotAttempted(String),
}

/// How a lost answer's re-read ended.
enum Reread {
    Gone,
    StillThere,
    Unreadable(String),
}

/// A request cleared to be sent: its intent line is written and it counts as in flight.
struct Sending {
    op: String,
    _in_flight: InFlight,
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
            interrupt: Interrupt::default(),
        }
    }

    /// Shares `interrupt`: once it is triggered, no new mutating request is sent.
    #[must_use]
    pub fn with_interrupt(mut self, interrupt: Interrupt) -> Self {
        self.interrupt = interrupt;
        self
    }

    pub fn interrupt(&self) -> &Interrupt {
        &self.interrupt
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only.is_some()
    }

    pub fn audit_path(&self) -> &std::path::Path {
        self.audit.path()
    }

    /// Why the audit log can no longer be written, once a write failed: nothing more is
    /// sent through this `Mutator` (or any sharing its log).
    pub fn audit_broken(&self) -> Option<String> {
        self.audit.broken()
    }

    fn check(&self, action: &str, ids: &[String]) -> Result<()> {
        match &self.read_only {
            Some(r) => Err(refusal(r, &format!("{action} for {}", ids.join(", ")))),
            None => Ok(()),
        }
    }

    /// Read-only mode, then the interrupt, then the intent line: only then may the request
    /// be sent. Any refusal here means nothing was sent.
    fn begin(&self, action: &str, ids: &[String]) -> Result<Sending> {
        self.check(action, ids)?;
        if self.interrupt.is_triggered() {
            return Err(Error::Interrupted(format!(
                "{action} for {} not sent: an interrupt stops new requests",
                ids.join(", ")
            )));
        }
        let op = self.audit.intent(&self.actor, action, ids)?;
        Ok(Sending {
            op,
            _in_flight: self.interrupt.request(),
        })
    }

    /// Sends one audited mutation: `begin` (nothing is sent on a refusal), then `call`,
    /// then its result line with `detail` of the answer and what it `replaced`.
    async fn audited<T>(
        &self,
        action: &str,
        ids: &[String],
        call: impl Future<Output = Result<T>>,
        detail: impl FnOnce(&T) -> Option<String>,
        replaced: Option<&str>,
    ) -> Result<T> {
        let sending = self.begin(action, ids)?;
        let result = call.await;
        self.record_replacing(sending, action, ids, &result, detail, replaced);
        result
    }

    /// `audited` for one resource and nothing replaced: most mutations.
    async fn audited_one<T>(
        &self,
        action: &str,
        id: String,
        call: impl Future<Output = Result<T>>,
        detail: impl FnOnce(&T) -> Option<String>,
    ) -> Result<T> {
        self.audited(action, &[id], call, detail, None).await
    }

    /// `record`, naming what the change replaced (a rollback's before).
    fn record_replacing<T>(
        &self,
        sending: Sending,
        action: &str,
        ids: &[String],
        result: &Result<T>,
        detail: impl FnOnce(&T) -> Option<String>,
        replaced: Option<&str>,
    ) {
        let (result, error, detail) = match result {
            Ok(v) => (OK, None, detail(v)),
            // No usable answer: it may have been applied. Said so, not called failed.
            Err(e) if outcome_unknown(e) => (
                UNKNOWN,
                Some(e.to_string()),
                Some("the answer was lost: it may or may not have been applied".to_string()),
            ),
            Err(e) => (FAILED, Some(e.to_string()), None),
        };
        self.audit.result_line(
            &self.actor,
            Some(&sending.op),
            ResultLine {
                action,
                resource_ids: ids,
                result,
                error,
                detail,
                replaced: replaced.map(str::to_string),
            },
        );
        // Recorded: no longer in flight.
        drop(sending);
    }

    /// Writes a delete's result line from how it settled.
    fn record_settled(&self, op: &str, action: &str, ids: &[String], settled: &Settled) {
        let (result, error, detail) = match settled {
            Settled::Done => (OK, None, None),
            Settled::Confirmed { lost } => (
                OK,
                Some(lost.clone()),
                Some("confirmed after a lost answer: a re-read found it gone".to_string()),
            ),
            Settled::AlreadyGone { code } => (
                GONE,
                None,
                Some(format!("already gone ({code}): deleted by someone else")),
            ),
            Settled::Unknown { lost, reread } => (
                UNKNOWN,
                Some(lost.clone()),
                Some(format!(
                    "the answer was lost and the re-read failed: {reread}"
                )),
            ),
            Settled::Failed(e) => (FAILED, Some(e.clone()), None),
            Settled::NotAttempted(why) => (FAILED, Some(format!("not sent: {why}")), None),
        };
        self.audit.result_line(
            &self.actor,
            Some(op),
            ResultLine {
                action,
                resource_ids: ids,
                result,
                error,
                detail,
                replaced: None,
            },
        );
    }

    /// Settles one delete's answer: re-reads after a lost answer or a retried NotFound,
    /// records the result line, and returns the outcome (`Err`: failed).
    async fn settle_delete<F>(
        &self,
        sending: Sending,
        action: &str,
        ids: &[String],
        sent: Sent<()>,
        reread: F,
    ) -> Result<Settled>
    where
        F: std::future::Future<Output = Result<bool>>,
    {
        let retried = sent.retried();
        let answer = match sent.result {
            Ok(()) => Ok(Settled::Done),
            Err(e) if is_not_found(&e) && !retried => Ok(Settled::AlreadyGone {
                code: aws_code(&e).unwrap_or_else(|| "NotFound".into()),
            }),
            Err(e) if is_not_found(&e) || outcome_unknown(&e) => {
                let lost = if retried {
                    format!("{e} (after a retry)")
                } else {
                    e.to_string()
                };
                match reread_state(reread.await) {
                    Reread::Gone => Ok(Settled::Confirmed { lost }),
                    Reread::StillThere => Err(e),
                    Reread::Unreadable(why) => Ok(Settled::Unknown { lost, reread: why }),
                }
            }
            Err(e) => Err(e),
        };
        let recorded = match &answer {
            Ok(settled) => settled.clone(),
            Err(e) => Settled::Failed(e.to_string()),
        };
        self.record_settled(&sending.op, action, ids, &recorded);
        drop(sending);
        answer
    }

    // Reads that only actions need: no guard, no audit.

    pub async fn snapshot_state(&self, snapshot_id: &str) -> Result<Option<SnapshotState>> {
        self.ops.ec2.snapshot_state(snapshot_id).await
    }

    /// The state of a snapshot and its progress (`42%`), when EC2 says.
    pub async fn snapshot_progress(
        &self,
        snapshot_id: &str,
    ) -> Result<Option<(SnapshotState, Option<String>)>> {
        self.ops.ec2.snapshot_progress(snapshot_id).await
    }

    // DryRun checks: they change nothing, but they name mutating actions, so read-only
    // mode does not send them.

    /// Runs a DryRun `check` unless read-only mode is on (then it is never polled, so
    /// nothing is sent).
    async fn preflight(&self, check: impl Future<Output = Preflight>) -> Preflight {
        match &self.read_only {
            Some(r) => Preflight::Failed(format!("not checked: {}", r.0)),
            None => check.await,
        }
    }

    pub async fn preflight_delete_volume(&self, id: &str) -> Preflight {
        self.preflight(self.ops.ec2.preflight_delete_volume(id))
            .await
    }

    pub async fn preflight_delete_snapshot(&self, id: &str) -> Preflight {
        self.preflight(self.ops.ec2.preflight_delete_snapshot(id))
            .await
    }

    pub async fn preflight_create_snapshot(&self, volume_id: &str) -> Preflight {
        self.preflight(self.ops.ec2.preflight_create_snapshot(volume_id))
            .await
    }

    pub async fn preflight_archive_snapshot(&self, id: &str) -> Preflight {
        self.preflight(self.ops.ec2.preflight_archive_snapshot(id))
            .await
    }

    // Mutations.

    pub async fn update_service(
        &self,
        cluster: &str,
        service: &str,
        change: &ServiceChange,
    ) -> Result<Service> {
        self.update_service_replacing(cluster, service, change, None)
            .await
    }

    /// UpdateService whose audit lines name what the change replaces (`replaced`: the
    /// task definition, image or snapshot the service ran before — a rollback's from).
    pub async fn update_service_replacing(
        &self,
        cluster: &str,
        service: &str,
        change: &ServiceChange,
        replaced: Option<&str>,
    ) -> Result<Service> {
        let ids = vec![format!("{cluster}/{service}")];
        self.audited(
            "ecs:UpdateService",
            &ids,
            self.ops.ecs.update_service(cluster, service, change),
            |s| {
                Some(match change {
                    ServiceChange::ForceNewDeployment => {
                        format!("force new deployment of {}", s.task_definition)
                    }
                    ServiceChange::TaskDefinition(td) => format!("task definition {td}"),
                    ServiceChange::EbsSnapshot {
                        volume,
                        snapshot_id,
                        initialization_rate,
                    } => format!(
                        "volume {volume} from snapshot {snapshot_id}{}",
                        initialization_rate
                            .map(|r| format!(" (initialization rate {r} MiB/s)"))
                            .unwrap_or_default()
                    ),
                    ServiceChange::Revision {
                        task_definition,
                        volumes,
                    } => {
                        let mut text = format!("task definition {task_definition}");
                        for v in volumes {
                            let _ = write!(
                                text,
                                ", volume {} from snapshot {}",
                                v.name,
                                v.snapshot_id.as_deref().unwrap_or("(none)")
                            );
                        }
                        text
                    }
                    ServiceChange::DesiredCount(n) => {
                        format!("desired count {n} (now {} running)", s.running_count)
                    }
                    ServiceChange::NewEbsVolume(new) => format!(
                        "volume {} from snapshot {} ({} GiB {}, role {})",
                        new.volume, new.snapshot_id, new.size_gib, new.volume_type, new.role_arn
                    ),
                })
            },
            replaced,
        )
        .await
    }

    pub async fn register_with_image(
        &self,
        source: &str,
        container: &str,
        image: &str,
    ) -> Result<TaskDefinition> {
        self.register_with_images(source, &[(container.to_string(), image.to_string())])
            .await
    }

    /// Registers a copy of `source` with each container's image replaced (`images`:
    /// container, image) — an image-tag rollback's one, or a service revision's digests.
    pub async fn register_with_images(
        &self,
        source: &str,
        images: &[(String, String)],
    ) -> Result<TaskDefinition> {
        let ids = vec![source.to_string()];
        let with: Vec<String> = images.iter().map(|(c, i)| format!("{c}={i}")).collect();
        self.audited(
            "ecs:RegisterTaskDefinition",
            &ids,
            self.ops.ecs.register_with_images(source, images),
            |td| Some(format!("registered {} with {}", td.arn, with.join(", "))),
            None,
        )
        .await
    }

    pub async fn retag(&self, repository: &str, digest: &str, tag: &str) -> Result<String> {
        self.retag_replacing(repository, digest, tag, None).await
    }

    /// PutImage of `digest` as `tag`, the audit lines naming what the tag pointed at
    /// before (a user's restore: the digest it replaces).
    pub async fn retag_replacing(
        &self,
        repository: &str,
        digest: &str,
        tag: &str,
        replaced: Option<&str>,
    ) -> Result<String> {
        let ids = vec![format!("{repository}:{tag}")];
        self.audited(
            "ecr:PutImage",
            &ids,
            self.ops.ecr.retag(repository, digest, tag),
            |d| Some(format!("{tag} -> {d}")),
            replaced,
        )
        .await
    }

    /// BatchDeleteImage; one outcome per digest, lost answers re-read (`Settled`).
    pub async fn delete_images(
        &self,
        repository: &str,
        digests: &[String],
    ) -> Result<Vec<(String, Settled)>> {
        let ids: Vec<String> = digests
            .iter()
            .map(|d| format!("{repository}@{d}"))
            .collect();
        let sending = self.begin("ecr:BatchDeleteImage", &ids)?;
        let outcomes = self.ops.ecr.delete_images(repository, digests).await;
        let unsure: Vec<String> = outcomes
            .iter()
            .filter(|(_, o)| {
                matches!(
                    o,
                    DeleteOutcome::Unanswered(_) | DeleteOutcome::Gone { retried: true, .. }
                )
            })
            .map(|(d, _)| d.clone())
            .collect();
        let present = if unsure.is_empty() {
            Ok(Vec::new())
        } else {
            self.ops
                .ecr
                .images_present(repository, &unsure)
                .await
                .map_err(|e| e.to_string())
        };
        let mut settled = Vec::with_capacity(outcomes.len());
        for (digest, outcome) in outcomes {
            let lost_answer = |lost: String| match &present {
                Ok(p) if p.contains(&digest) => {
                    Settled::Failed(format!("{lost}; a re-read found it still there"))
                }
                Ok(_) => Settled::Confirmed { lost },
                Err(why) => Settled::Unknown {
                    lost,
                    reread: why.clone(),
                },
            };
            let s = match outcome {
                DeleteOutcome::Done => Settled::Done,
                DeleteOutcome::Gone {
                    code,
                    retried: false,
                } => Settled::AlreadyGone { code },
                DeleteOutcome::Gone {
                    code,
                    retried: true,
                } => lost_answer(format!("{code} after a retry")),
                DeleteOutcome::Unanswered(e) => lost_answer(e),
                DeleteOutcome::Failed(e) => Settled::Failed(e),
                DeleteOutcome::NotAttempted(why) => Settled::NotAttempted(why),
            };
            self.record_settled(
                &sending.op,
                "ecr:BatchDeleteImage",
                &[format!("{repository}@{digest}")],
                &s,
            );
            settled.push((digest, s));
        }
        drop(sending);
        Ok(settled)
    }

    /// DeleteVolume; `Err` when it failed (see `Settled` for the rest).
    pub async fn delete_volume(&self, volume_id: &str) -> Result<Settled> {
        let ids = vec![volume_id.to_string()];
        let sending = self.begin("ec2:DeleteVolume", &ids)?;
        let sent = self.ops.ec2.delete_volume(volume_id).await;
        let reread = async { self.ops.ec2.volume_exists(volume_id).await };
        self.settle_delete(sending, "ec2:DeleteVolume", &ids, sent, reread)
            .await
    }

    /// DeleteSnapshot; `Err` when it failed (see `Settled` for the rest).
    pub async fn delete_snapshot(&self, snapshot_id: &str) -> Result<Settled> {
        let ids = vec![snapshot_id.to_string()];
        let sending = self.begin("ec2:DeleteSnapshot", &ids)?;
        let sent = self.ops.ec2.delete_snapshot(snapshot_id).await;
        let reread = async { self.ops.ec2.snapshot_exists(snapshot_id).await };
        self.settle_delete(sending, "ec2:DeleteSnapshot", &ids, sent, reread)
            .await
    }

    pub async fn create_snapshot(
        &self,
        volume_id: &str,
        description: &str,
        tags: &[(String, String)],
    ) -> Result<String> {
        self.audited_one(
            "ec2:CreateSnapshot",
            volume_id.to_string(),
            self.ops.ec2.create_snapshot(volume_id, description, tags),
            |s| Some(format!("created {s}")),
        )
        .await
    }

    /// CreateTags on one volume or snapshot (a cleanup mark).
    pub async fn create_tags(&self, resource_id: &str, tags: &[(String, String)]) -> Result<()> {
        self.audited_one(
            "ec2:CreateTags",
            resource_id.to_string(),
            self.ops.ec2.create_tags(resource_id, tags),
            |()| {
                Some(
                    tags.iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            },
        )
        .await
    }

    /// DeleteTags on one volume or snapshot (a cleanup mark removed).
    pub async fn delete_tags(&self, resource_id: &str, keys: &[String]) -> Result<()> {
        self.audited_one(
            "ec2:DeleteTags",
            resource_id.to_string(),
            self.ops.ec2.delete_tags(resource_id, keys),
            |()| Some(format!("removed {}", keys.join(", "))),
        )
        .await
    }

    /// RestoreSnapshotTier: `days` of a temporary restore, or (`None`) a permanent one.
    pub async fn restore_snapshot_tier(&self, snapshot_id: &str, days: Option<i32>) -> Result<()> {
        self.audited_one(
            "ec2:RestoreSnapshotTier",
            snapshot_id.to_string(),
            self.ops.ec2.restore_snapshot_tier(snapshot_id, days),
            |()| {
                Some(match days {
                    Some(d) => format!("temporary restore for {d} days"),
                    None => "permanent restore".to_string(),
                })
            },
        )
        .await
    }

    /// ModifySnapshotTier to the archive tier (cleanup's `--archive`).
    pub async fn archive_snapshot(&self, snapshot_id: &str) -> Result<()> {
        self.audited_one(
            "ec2:ModifySnapshotTier",
            snapshot_id.to_string(),
            self.ops.ec2.archive_snapshot(snapshot_id),
            |()| Some("to the archive tier".to_string()),
        )
        .await
    }

    /// UpdateImageStorageClass to STANDARD: an archived image back to pullable.
    pub async fn restore_image(
        &self,
        repository: &str,
        digest: &str,
    ) -> Result<crate::model::ImageStatus> {
        self.audited_one(
            "ecr:UpdateImageStorageClass",
            format!("{repository}@{digest}"),
            self.ops.ecr.restore_image(repository, digest),
            |status: &crate::model::ImageStatus| Some(format!("to STANDARD; ECR answers {status}")),
        )
        .await
    }

    pub async fn put_lifecycle_policy(&self, repository: &str, policy_text: &str) -> Result<()> {
        self.audited_one(
            "ecr:PutLifecyclePolicy",
            repository.to_string(),
            self.ops.ecr.put_lifecycle_policy(repository, policy_text),
            |()| Some(format!("{} bytes of policy text", policy_text.len())),
        )
        .await
    }

    /// ECS ExecuteCommand (interactive). The audit line names the task, container and
    /// command, and the session id ECS gave.
    pub async fn execute_command(
        &self,
        cluster: &str,
        task: &str,
        container: Option<&str>,
        command: &str,
    ) -> Result<ExecSession> {
        self.audited_one(
            "ecs:ExecuteCommand",
            format!(
                "{cluster}/{task}{}",
                container.map(|c| format!("/{c}")).unwrap_or_default()
            ),
            self.ops
                .ecs
                .execute_command(cluster, task, container, command),
            |s| {
                Some(format!(
                    "command {command:?} in {}, session {}",
                    s.container_name,
                    s.session.session_id.as_deref().unwrap_or("-")
                ))
            },
        )
        .await
    }

    /// ECS StopTask with a reason.
    pub async fn stop_task(&self, cluster: &str, task: &str, reason: &str) -> Result<Task> {
        self.audited_one(
            "ecs:StopTask",
            format!("{cluster}/{task}"),
            self.ops.ecs.stop_task(cluster, task, reason),
            |t| {
                Some(format!(
                    "reason {reason:?}; desired status {}",
                    t.desired_status
                ))
            },
        )
        .await
    }

    /// ECS StopServiceDeployment with `stopType` ROLLBACK: ECS rolls the in-flight
    /// deployment back to the last good service revision.
    pub async fn stop_service_deployment_rollback(&self, deployment_arn: &str) -> Result<String> {
        self.audited_one(
            "ecs:StopServiceDeployment",
            deployment_arn.to_string(),
            self.ops
                .ecs
                .stop_service_deployment_rollback(deployment_arn),
            |_| Some("stopType ROLLBACK".to_string()),
        )
        .await
    }

    /// ECS ContinueServiceDeployment: CONTINUE or ROLLBACK on the paused hook `hook_id`.
    pub async fn continue_service_deployment(
        &self,
        deployment_arn: &str,
        hook_id: Option<&str>,
        action: &LifecycleHookAction,
    ) -> Result<String> {
        self.audited_one(
            "ecs:ContinueServiceDeployment",
            deployment_arn.to_string(),
            self.ops
                .ecs
                .continue_service_deployment(deployment_arn, hook_id, action),
            |_| {
                Some(format!(
                    "action {action}{}",
                    hook_id.map(|h| format!(", hook {h}")).unwrap_or_default()
                ))
            },
        )
        .await
    }

    /// SSM StartSession (port forwarding) to `target`.
    pub async fn start_session(
        &self,
        target: &str,
        document: &str,
        parameters: &[(String, Vec<String>)],
    ) -> Result<SessionHandle> {
        let ids = vec![target.to_string()];
        self.check("ssm:StartSession", &ids)?;
        let Some(ssm) = self.ops.ssm.clone() else {
            return Err(Error::Usage(
                "Session Manager is not set up for this session: nothing was sent".into(),
            ));
        };
        self.audited(
            "ssm:StartSession",
            &ids,
            ssm.start_session(target, document, parameters),
            |h| {
                let params: Vec<String> = parameters
                    .iter()
                    .map(|(k, v)| format!("{k}={}", v.join(",")))
                    .collect();
                Some(format!(
                    "{document} {}, session {}",
                    params.join(" "),
                    h.session_id.as_deref().unwrap_or("-")
                ))
            },
            None,
        )
        .await
    }

    /// The assumed role's credentials for `session-manager-plugin` (empty when no role is
    /// assumed: the profile says who). Nothing is sent to AWS unless the role's session
    /// has to be renewed (sts:AssumeRole).
    pub async fn role_credentials(&self) -> Result<PluginCredentials> {
        use aws_sdk_ecs::config::ProvideCredentials;
        let Some(provider) = &self.ops.role_credentials else {
            return Ok(PluginCredentials::default());
        };
        let credentials = provider.provide_credentials().await.map_err(|e| {
            Error::Refused(format!(
                "the assumed role's credentials for session-manager-plugin could not be \
                 had (sts:AssumeRole): {e}"
            ))
        })?;
        Ok(PluginCredentials::new(&credentials))
    }

    /// SSM TerminateSession: ends a session that was started but cannot be used.
    pub async fn terminate_session(&self, session_id: &str) -> Result<()> {
        let Some(ssm) = self.ops.ssm.clone() else {
            return Ok(());
        };
        self.audited_one(
            "ssm:TerminateSession",
            session_id.to_string(),
            ssm.terminate_session(session_id),
            |()| None,
        )
        .await
    }
}

/// The service's error code of an AWS error.
fn aws_code(e: &Error) -> Option<String> {
    match e {
        Error::Aws(a) => a.code.clone(),
        _ => None,
    }
}

/// What a re-read says: absent is gone, present is still there, an error is unreadable.
fn reread_state(answer: Result<bool>) -> Reread {
    match answer {
        Ok(false) => Reread::Gone,
        Ok(true) => Reread::StillThere,
        Err(e) => Reread::Unreadable(e.to_string()),
    }
}
