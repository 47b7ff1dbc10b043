//! Bring an orphaned ECS volume back: when a task with an ECS-managed EBS volume stops,
//! its volume is left `available`, holding the data the replacement task needs. The
//! documented way back: snapshot that volume, then start the service's volume from the
//! snapshot.
//!
//! `plan` (reads only) finds the service the volume's tags name (`aws:ecs:clusterName`,
//! `aws:ecs:serviceName`) and its managed EBS volume configuration, and refuses with the
//! reason when the origin is unknown, the service is gone or has no managed EBS volume.
//! `execute` creates the snapshot (tagged as a safety snapshot: cleanup keeps it until its
//! retain-until date), waits until it is `completed`, reporting progress, then sends the
//! EBS-snapshot rollback's UpdateService (only the snapshot id changes). The caller may
//! then wait for the rollout (`ops::wait`). Every mutation goes through the `Mutator`.

use std::time::Duration;

use super::guard::Mutator;
use super::redeploy::Started;
use super::rollback::{self, RollbackChange, RollbackPlan};
use super::{controller_refusal, find_service, running_task_definition};
pub use crate::analysis::lineage::RECOVER_FOR_TAG;
use crate::analysis::orphans::{
    RETAIN_UNTIL_TAG, retain_until, safety_snapshot_tags, volume_origin,
};
use crate::analysis::zones::ZoneCheck;
use crate::aws::{AwsClients, NewEbsVolume, ServiceChange};
use crate::error::{AwsError, AwsErrorKind, Error, Result};
use crate::load::load_zone_check;
use crate::model::{
    ClusterService, Service, ServiceStatus, SnapshotState, Volume, VolumeSource, VolumeState,
};
use crate::ops::wait::Clock;

/// The tag keys ECS puts on the volumes it creates for a service.
pub const CLUSTER_TAG: &str = "aws:ecs:clusterName";
pub const SERVICE_TAG: &str = "aws:ecs:serviceName";
/// The ECS infrastructure role's conventional name (AWS documentation), used when the
/// service reports no volume configuration and no role is given.
pub const DEFAULT_INFRASTRUCTURE_ROLE: &str = "ecsInfrastructureRole";

/// Where the managed volume's configuration comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// The service's PRIMARY deployment reports it: only its snapshot id changes.
    Service,
    /// The service reports none; its task definition declares the volume as configured at
    /// launch. A whole configuration is sent: the orphan's size and type, this role.
    TaskDefinition { role_arn: String },
}

/// The service's managed EBS volume, as the new tasks will get it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedVolume {
    /// The volume configuration's (and the task definition volume's) name.
    pub name: String,
    pub size_gib: Option<i32>,
    pub volume_type: Option<String>,
    /// The snapshot it starts from today, if any.
    pub from_snapshot: Option<String>,
    pub source: ConfigSource,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecoverPlan {
    /// The orphaned volume, as EC2 describes it.
    pub volume: Volume,
    /// The service it acts on.
    pub service: ClusterService,
    /// What the service runs now.
    pub task_definition: String,
    pub managed: ManagedVolume,
    pub region: String,
    /// The new volume's `volumeInitializationRate` in MiB/s (`--initialization-rate`, or
    /// `[safety] initialization_rate`); `None`: it hydrates lazily from S3.
    pub initialization_rate: Option<i32>,
    /// The service's subnets' zones against the volume's.
    pub zones: ZoneCheck,
}

impl RecoverPlan {
    pub fn summary(&self) -> String {
        let v = &self.volume;
        let m = &self.managed;
        let config = match &m.source {
            ConfigSource::Service => format!(
                "{} GiB {}, only the snapshot id changes",
                m.size_gib.map_or_else(|| "?".into(), |g| g.to_string()),
                m.volume_type.as_deref().unwrap_or("?")
            ),
            ConfigSource::TaskDefinition { role_arn } => format!(
                "the service reports no volume configuration: a new one is sent for the task \
                 definition's volume configured at launch, {} GiB {}, role {role_arn}",
                m.size_gib.map_or_else(|| "?".into(), |g| g.to_string()),
                m.volume_type.as_deref().unwrap_or("?")
            ),
        };
        format!(
            "recover {} ({} GiB {}, {}, in {}) into {}: snapshot it (kept as a safety \
             snapshot), wait until completed, then start volume {} from that snapshot (was \
             {}; {config}); a snapshot is regional, so ECS creates the new volume in the zone \
             of each task it starts; {}",
            v.id,
            v.size_gib,
            v.volume_type,
            v.state,
            v.availability_zone.as_deref().unwrap_or("an unknown zone"),
            self.service.label(),
            m.name,
            m.from_snapshot.as_deref().unwrap_or("no snapshot"),
            crate::analysis::hydration::plan_line(v.size_gib, self.initialization_rate),
        ) + &super::rollback::zone_words(Some(&self.zones))
    }
}

fn refused(volume: &str, why: impl std::fmt::Display) -> Error {
    Error::Refused(format!("cannot recover {volume}: {why}. Nothing was sent"))
}

/// The plan for bringing `volume_id` back into the service that created it. Reads only.
/// `role_arn` (else the account's `ecsInfrastructureRole`) is used only when the service
/// reports no volume configuration.
pub async fn plan(
    aws: &AwsClients,
    volume_id: &str,
    role_arn: Option<&str>,
    account: Option<&str>,
) -> Result<RecoverPlan> {
    let volume = aws
        .ec2
        .describe_volumes_matching(&[volume_id.to_string()], &[])
        .await?
        .into_iter()
        .find(|v| v.id == volume_id)
        .ok_or_else(|| super::not_found("volume", volume_id, &aws.region))?;
    if volume.state != VolumeState::Available {
        let to = if volume.attached_to.is_empty() {
            String::new()
        } else {
            format!(" (attached to {})", volume.attached_to.join(", "))
        };
        return Err(refused(
            volume_id,
            format!("it is {}{to}, not an orphan (available)", volume.state),
        ));
    }
    let (Some(cluster), Some(service)) = (
        volume.tags.get(CLUSTER_TAG).cloned(),
        volume.tags.get(SERVICE_TAG).cloned(),
    ) else {
        let known = volume_origin(&volume.tags)
            .map_or_else(|| "nothing".to_string(), |o| format!("only \"{o}\""));
        return Err(refused(
            volume_id,
            format!(
                "its origin is unknown: the tags {CLUSTER_TAG} and {SERVICE_TAG} that ECS puts \
                 on a service's volumes are missing (the tags say {known})"
            ),
        ));
    };
    let s = match find_service(aws, &cluster, &service).await {
        Ok(s) => s,
        Err(Error::NotFound { kind, name, .. }) => {
            return Err(refused(
                volume_id,
                format!(
                    "its {kind} {name} no longer exists (the volume came from {cluster}/{service})"
                ),
            ));
        }
        Err(e) => return Err(e),
    };
    if s.status != ServiceStatus::Active {
        return Err(refused(
            volume_id,
            format!(
                "service {cluster}/{service} is {}, not ACTIVE: it no longer runs tasks",
                if s.status.as_str().is_empty() {
                    "gone"
                } else {
                    s.status.as_str()
                }
            ),
        ));
    }
    if let Some(e) = controller_refusal(&s, "recover a volume into") {
        return Err(e);
    }
    let task_definition = running_task_definition(&s).to_string();
    let managed = managed_volume(aws, &s, &task_definition, &volume, role_arn, account).await?;
    if let Some(size) = managed.size_gib
        && size < volume.size_gib
    {
        return Err(refused(
            volume_id,
            format!(
                "the service's volume {} is {size} GiB, smaller than the {} GiB snapshot a \
                 volume would be created from; give the service at least {} GiB first",
                managed.name, volume.size_gib, volume.size_gib
            ),
        ));
    }
    let zones = load_zone_check(aws, &s, volume.availability_zone.as_deref()).await;
    Ok(RecoverPlan {
        zones,
        service: ClusterService::of(&s),
        task_definition,
        managed,
        volume,
        region: aws.region.clone(),
        initialization_rate: None,
    })
}

/// The service's one managed EBS volume: from its volume configurations, else the task
/// definition's volume configured at launch. Refused when there is none.
async fn managed_volume(
    aws: &AwsClients,
    s: &Service,
    task_definition: &str,
    volume: &Volume,
    role_arn: Option<&str>,
    account: Option<&str>,
) -> Result<ManagedVolume> {
    let several = |names: Vec<&str>| {
        Error::Usage(format!(
            "{}/{} has {} managed EBS volumes ({}): ecsnap recovers into a service with one",
            s.cluster,
            s.name,
            names.len(),
            names.join(", ")
        ))
    };
    match s.volume_configurations.as_slice() {
        [c] => {
            return Ok(ManagedVolume {
                name: c.name.clone(),
                size_gib: c.size_gib,
                volume_type: c.volume_type.clone(),
                from_snapshot: c.snapshot_id.clone(),
                source: ConfigSource::Service,
            });
        }
        [] => {}
        many => return Err(several(many.iter().map(|c| c.name.as_str()).collect())),
    }
    let no_volume = || {
        refused(
            &volume.id,
            format!(
                "service {}/{} has no managed EBS volume (no volume configuration, and its task \
                 definition {} declares no volume configured at launch)",
                s.cluster,
                s.name,
                crate::model::arn_name(task_definition)
            ),
        )
    };
    if task_definition.is_empty() {
        return Err(no_volume());
    }
    let td = aws.ecs.describe_task_definition(task_definition).await?;
    let ebs: Vec<&str> = td
        .storage
        .volumes
        .iter()
        .filter(|v| v.source == VolumeSource::Ebs)
        .map(|v| v.name.as_str())
        .collect();
    let name = match ebs.as_slice() {
        [] => return Err(no_volume()),
        [one] => (*one).to_string(),
        many => return Err(several(many.to_vec())),
    };
    let role_arn = match (role_arn, account) {
        (Some(r), _) => r.to_string(),
        (None, Some(a)) if !a.is_empty() => {
            format!("arn:aws:iam::{a}:role/{DEFAULT_INFRASTRUCTURE_ROLE}")
        }
        _ => {
            return Err(Error::Usage(format!(
                "{}/{} reports no volume configuration, so a new one is needed with the ECS \
                 infrastructure role: name it with --role-arn (the account is unknown, so \
                 {DEFAULT_INFRASTRUCTURE_ROLE} cannot be assumed)",
                s.cluster, s.name
            )));
        }
    };
    Ok(ManagedVolume {
        name,
        size_gib: Some(volume.size_gib),
        volume_type: Some(volume.volume_type.clone()),
        from_snapshot: None,
        source: ConfigSource::TaskDefinition { role_arn },
    })
}

/// How long and how often `execute` waits for the snapshot.
#[derive(Debug, Clone)]
pub struct RecoverOptions {
    pub snapshot_timeout: Duration,
    pub snapshot_poll: Duration,
    /// Days the safety snapshot is kept (`ecsnap:retain-until`).
    pub retention_days: u32,
    pub now: chrono::DateTime<chrono::Utc>,
}

impl RecoverOptions {
    pub fn new(retention_days: u32, now: chrono::DateTime<chrono::Utc>) -> Self {
        Self {
            snapshot_timeout: Duration::from_mins(30),
            snapshot_poll: Duration::from_secs(5),
            retention_days,
            now,
        }
    }
}

/// What `execute` is doing, as it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecoverProgress {
    SnapshotStarted(String),
    /// The snapshot's state and progress (`42%`) at one poll, and seconds waited.
    Snapshot {
        snapshot_id: String,
        state: String,
        progress: Option<String>,
        waited_secs: u64,
    },
    /// The snapshot is completed; UpdateService is being sent.
    UpdatingService(String),
}

impl RecoverProgress {
    pub fn text(&self) -> String {
        match self {
            RecoverProgress::SnapshotStarted(id) => format!("snapshot {id} started"),
            RecoverProgress::Snapshot {
                snapshot_id,
                state,
                progress,
                waited_secs,
            } => format!(
                "snapshot {snapshot_id}: {state}{} ({waited_secs}s)",
                progress
                    .as_deref()
                    .filter(|p| !p.is_empty())
                    .map(|p| format!(" {p}"))
                    .unwrap_or_default()
            ),
            RecoverProgress::UpdatingService(id) => {
                format!("snapshot {id} completed; updating the service")
            }
        }
    }
}

/// What `execute` did: the snapshot, and the deployment it started.
#[derive(Debug, Clone)]
pub struct Recovered {
    pub snapshot_id: String,
    pub started: Started,
}

/// The tags of the snapshot: a safety snapshot of the volume (kept until its retain-until
/// date), named for the recovery, with the service it was taken for.
pub fn recover_snapshot_tags(plan: &RecoverPlan, opts: &RecoverOptions) -> Vec<(String, String)> {
    let mut tags: Vec<(String, String)> =
        safety_snapshot_tags(&plan.volume.id, retain_until(opts.now, opts.retention_days))
            .into_iter()
            .filter(|(k, _)| k != "Name")
            .collect();
    tags.push(("Name".into(), format!("recover-{}", plan.volume.id)));
    tags.push((RECOVER_FOR_TAG.into(), plan.service.label()));
    debug_assert!(tags.iter().any(|(k, _)| k == RETAIN_UNTIL_TAG));
    tags
}

/// Snapshot, wait until completed, then UpdateService. A failure after the snapshot was
/// taken says so (the snapshot is kept either way).
pub async fn execute(
    mutator: &Mutator,
    plan: &RecoverPlan,
    clock: &dyn Clock,
    opts: &RecoverOptions,
    progress: &mut (dyn FnMut(&RecoverProgress) + Send),
) -> Result<Recovered> {
    let _phase = mutator.interrupt().mutation_phase();
    let snapshot_id = mutator
        .create_snapshot(
            &plan.volume.id,
            &format!(
                "ecsnap: taken to recover {} into {}",
                plan.volume.id,
                plan.service.label()
            ),
            &recover_snapshot_tags(plan, opts),
        )
        .await?;
    progress(&RecoverProgress::SnapshotStarted(snapshot_id.clone()));
    wait_completed(mutator, plan, &snapshot_id, clock, opts, progress).await?;
    progress(&RecoverProgress::UpdatingService(snapshot_id.clone()));
    let started = match &plan.managed.source {
        ConfigSource::Service => {
            let rollback = RollbackPlan {
                service: plan.service.clone(),
                current: plan.task_definition.clone(),
                change: RollbackChange::EbsSnapshot {
                    volume: plan.managed.name.clone(),
                    from_snapshot: plan.managed.from_snapshot.clone(),
                    to_snapshot: snapshot_id.clone(),
                    note: Some(format!("recovering {}", plan.volume.id)),
                },
                initialization: Some(super::rollback::Initialization {
                    size_gib: plan.volume.size_gib,
                    rate_mibps: plan.initialization_rate,
                }),
                zones: Some(plan.zones.clone()),
            };
            rollback::execute(mutator, &rollback).await
        }
        ConfigSource::TaskDefinition { role_arn } => {
            let change = ServiceChange::NewEbsVolume(NewEbsVolume {
                volume: plan.managed.name.clone(),
                snapshot_id: snapshot_id.clone(),
                size_gib: plan.managed.size_gib.unwrap_or(plan.volume.size_gib),
                volume_type: plan
                    .managed
                    .volume_type
                    .clone()
                    .unwrap_or_else(|| plan.volume.volume_type.clone()),
                role_arn: role_arn.clone(),
                initialization_rate: plan.initialization_rate,
            });
            mutator
                .update_service(&plan.service.cluster, &plan.service.name, &change)
                .await
                .map(|service| Started {
                    deployment_id: service.primary().map(|d| d.id.clone()),
                    task_definition: running_task_definition(&service).to_string(),
                    service,
                })
        }
    }?;
    Ok(Recovered {
        snapshot_id,
        started,
    })
}

/// Polls the snapshot until `completed`. Otherwise: an error state or a vanished snapshot
/// (an EC2 error), the timeout, an interrupt, or the failed poll's own error.
async fn wait_completed(
    mutator: &Mutator,
    plan: &RecoverPlan,
    snapshot_id: &str,
    clock: &dyn Clock,
    opts: &RecoverOptions,
    progress: &mut (dyn FnMut(&RecoverProgress) + Send),
) -> Result<()> {
    let unchanged = "the service was not changed; the snapshot is kept";
    let failed = |why: &str| {
        Error::Aws(AwsError {
            action: "ec2:CreateSnapshot",
            region: plan.region.clone(),
            endpoint: None,
            kind: AwsErrorKind::Service,
            code: None,
            message: format!(
                "snapshot {snapshot_id} of {} {why}; {unchanged}",
                plan.volume.id
            ),
        })
    };
    let start = clock.elapsed();
    loop {
        if mutator.interrupt().is_triggered() {
            return Err(Error::Interrupted(format!(
                "snapshot {snapshot_id} not awaited; {unchanged}"
            )));
        }
        let waited = clock.elapsed().saturating_sub(start);
        match mutator.snapshot_progress(snapshot_id).await? {
            Some((state, pct)) => {
                progress(&RecoverProgress::Snapshot {
                    snapshot_id: snapshot_id.to_string(),
                    state: state.to_string(),
                    progress: pct,
                    waited_secs: waited.as_secs(),
                });
                match state {
                    SnapshotState::Completed => return Ok(()),
                    SnapshotState::Error => return Err(failed("ended in state error")),
                    _ => {}
                }
            }
            None => return Err(failed("is not found")),
        }
        if waited >= opts.snapshot_timeout {
            return Err(Error::TimedOut(format!(
                "snapshot {snapshot_id} of {} did not complete within {}s; {unchanged} (once \
                 completed: `ecsnap rollback --cluster {} --service {} --ebs-snapshot \
                 {snapshot_id}`)",
                plan.volume.id,
                opts.snapshot_timeout.as_secs(),
                plan.service.cluster,
                plan.service.name
            )));
        }
        clock.sleep(opts.snapshot_poll).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> RecoverPlan {
        RecoverPlan {
            volume: Volume {
                id: "vol-1".into(),
                size_gib: 50,
                volume_type: "gp3".into(),
                state: "available".into(),
                ..Volume::default()
            },
            service: ClusterService::new("c1", "ledger"),
            task_definition: "ledger:2".into(),
            managed: ManagedVolume {
                name: "data".into(),
                size_gib: Some(100),
                volume_type: Some("gp3".into()),
                from_snapshot: None,
                source: ConfigSource::Service,
            },
            region: "us-east-1".into(),
            initialization_rate: None,
            zones: ZoneCheck::NoSubnets { volume_zone: None },
        }
    }

    #[test]
    fn the_snapshot_is_a_kept_safety_snapshot_named_for_the_recovery() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z")
            .expect("time")
            .to_utc();
        let tags = recover_snapshot_tags(&plan(), &RecoverOptions::new(30, now));
        let get = |k: &str| {
            tags.iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("ecsnap:source-volume"), Some("vol-1"));
        assert_eq!(get(RETAIN_UNTIL_TAG), Some("2026-12-31"));
        assert_eq!(get("Name"), Some("recover-vol-1"));
        assert_eq!(get(RECOVER_FOR_TAG), Some("c1/ledger"));
        assert_eq!(tags.iter().filter(|(k, _)| k == "Name").count(), 1);
    }

    #[test]
    fn the_summary_names_the_volume_service_and_configuration() {
        let text = plan().summary();
        for part in [
            "vol-1",
            "c1/ledger",
            "volume data",
            "100 GiB gp3",
            "only the snapshot id",
        ] {
            assert!(text.contains(part), "{part} in {text}");
        }
    }
}
