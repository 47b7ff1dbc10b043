//! The JSON contract of the listing commands (README "JSON output"). snake_case keys, ids as
//! AWS prints them, times RFC 3339 UTC, sizes in bytes or GiB as the key says.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::analysis::cost::cents;
use crate::analysis::health::steadiness;
use crate::analysis::orphans::{OrphanReport, OrphanTotals};
use crate::analysis::tags::{TagEntry, UserTags};
use crate::analysis::volumes::{MountedVolume, mounted_volumes};
use crate::analysis::why::Why;
use crate::model::{
    Deployment, Service, ServiceEvent, Skipped, Task, TaskStorage, VolumeMount, VolumeSource,
};

pub(crate) use crate::model::json::rfc3339;

#[derive(Debug, Serialize)]
pub struct ServiceJson {
    pub cluster: String,
    pub service_name: String,
    pub status: String,
    pub desired_count: i32,
    pub running_count: i32,
    pub pending_count: i32,
    pub task_definition: String,
    pub rollout_state: Option<String>,
    pub steady: bool,
    /// `failed`, `rolling`, `degraded` or `steady`: a plain word, no symbol.
    pub steadiness: &'static str,
    /// The same with its symbol, for text output (`✓ steady`); not in JSON.
    #[serde(skip)]
    pub steadiness_label: &'static str,
    pub deployments: Vec<Deployment>,
    /// The resource in the AWS console (its account and region); `null` when the account
    /// a URL needs is unknown.
    pub console_url: Option<String>,
    /// Why the service is not steady; `null` when it is steady. Left out where the
    /// listing did not judge it (the weekly report's services).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<Option<WhyJson>>,
    /// The service's CloudWatch alarms (its deployment alarms and those on its
    /// `ClusterName`/`ServiceName` dimensions), in ALARM first: `name`, `state`, `reason`;
    /// `null` when the alarms could not be read. Left out where the listing did not read
    /// them (the weekly report's services).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alarms: Option<Option<Vec<crate::model::Alarm>>>,
    /// A deployment paused at a lifecycle hook waiting for a person (`null`: none, or not
    /// looked for — the listings look among the services still deploying).
    pub awaiting_action: Option<AwaitingActionJson>,
    /// For matching what was loaded apart (the awaiting deployments); not in JSON.
    #[serde(skip)]
    pub service_arn: String,
}

/// A deployment waiting for a person: `continue` or `rollback --stop-deployment` before
/// `expires_at`, when ECS takes `timeout_action` by itself.
#[derive(Debug, Clone, Serialize)]
pub struct AwaitingActionJson {
    pub cluster: String,
    pub service: String,
    pub service_deployment_arn: String,
    pub lifecycle_stage: Option<String>,
    pub hook_id: Option<String>,
    pub expires_at: Option<String>,
    pub timeout_action: Option<String>,
    /// `12m30s left` / `expired 5s ago` at the listing's time, for text; not in JSON.
    #[serde(skip)]
    pub countdown: String,
}

impl AwaitingActionJson {
    pub fn new(a: &crate::load::AwaitingAction, now: DateTime<Utc>) -> Self {
        Self {
            cluster: a.cluster.clone(),
            service: a.service.clone(),
            service_deployment_arn: a.deployment_arn.clone(),
            lifecycle_stage: a.stage.as_ref().map(ToString::to_string),
            hook_id: a.hook.hook_id.clone(),
            expires_at: rfc3339(a.hook.expires_at),
            timeout_action: a.hook.timeout_action.as_ref().map(ToString::to_string),
            countdown: crate::analysis::deployments::countdown(a.hook.expires_at, now),
        }
    }
}

/// Sets `awaiting_action` of the services that have one (matched by service ARN).
pub fn mark_awaiting<'a>(
    services: impl IntoIterator<Item = &'a mut ServiceJson>,
    awaiting: &[crate::load::AwaitingAction],
    now: DateTime<Utc>,
) {
    for s in services {
        if let Some(a) = awaiting.iter().find(|a| a.service_arn == s.service_arn) {
            s.awaiting_action = Some(AwaitingActionJson::new(a, now));
        }
    }
}

/// [`Why`] in JSON.
#[derive(Debug, Serialize)]
pub struct WhyJson {
    /// Both lines of the console's why, as one.
    pub summary: String,
    /// The failed stops of the last 15 minutes, by class, the most frequent first.
    pub stopped: Vec<StopCountJson>,
    /// ECS's word on the rollout (the circuit breaker's verdict), when in progress or failed.
    pub verdict: Option<String>,
    pub last_event: Option<ServiceEvent>,
    /// Why the stopped tasks could not be read, when they could not.
    pub stopped_error: Option<String>,
    /// The service's alarms in ALARM (as `alarms`).
    pub alarms: Vec<crate::model::Alarm>,
}

#[derive(Debug, Serialize)]
pub struct StopCountJson {
    /// As `tasks --json` `stop_class`.
    pub class: &'static str,
    pub count: usize,
    pub exit_code: Option<i32>,
    /// The oldest of them.
    pub since: String,
}

impl WhyJson {
    pub fn new(why: &Why, now: DateTime<Utc>) -> Self {
        Self {
            summary: why.summary(now),
            stopped: why
                .stops
                .iter()
                .map(|s| StopCountJson {
                    class: s.class.code(),
                    count: s.count,
                    exit_code: s.exit_code,
                    since: rfc3339(Some(s.since)).unwrap_or_default(),
                })
                .collect(),
            verdict: why.verdict.clone(),
            last_event: why.last_event.clone(),
            stopped_error: why.stops_error.clone(),
            alarms: why.alarms.clone(),
        }
    }
}

impl ServiceJson {
    /// The service as a listing that judged it shows it: with its `why` (`null` when it
    /// has none: steady).
    #[must_use]
    pub fn judged(mut self, why: Option<&Why>, now: DateTime<Utc>) -> Self {
        self.why = Some(why.map(|w| WhyJson::new(w, now)));
        self
    }

    /// With its `alarms` (`all`: every service's by ARN, or `Err` when unreadable).
    #[must_use]
    pub fn with_alarms(
        mut self,
        all: Result<&std::collections::HashMap<String, Vec<crate::model::Alarm>>, &String>,
    ) -> Self {
        self.alarms = Some(
            all.ok()
                .map(|all| all.get(&self.service_arn).cloned().unwrap_or_default()),
        );
        self
    }
}

impl From<&Service> for ServiceJson {
    fn from(s: &Service) -> Self {
        let health = steadiness(s);
        Self {
            cluster: s.cluster.clone(),
            service_name: s.name.clone(),
            status: s.status.to_string(),
            desired_count: s.desired_count,
            running_count: s.running_count,
            pending_count: s.pending_count,
            task_definition: s.task_definition.clone(),
            rollout_state: s
                .primary()
                .and_then(|d| d.rollout_state.as_ref().map(ToString::to_string)),
            steady: health.is_steady(),
            steadiness: health.as_str(),
            steadiness_label: health.label(),
            deployments: s.deployments.clone(),
            console_url: None,
            why: None,
            alarms: None,
            awaiting_action: None,
            service_arn: s.arn.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct TaskJson {
    pub task_arn: String,
    pub task_id: String,
    pub cluster: String,
    pub service_name: Option<String>,
    pub last_status: String,
    pub desired_status: String,
    pub health_status: Option<String>,
    pub task_definition: String,
    pub started_at: Option<String>,
    pub stopped_reason: Option<String>,
    pub stopped_at: Option<String>,
    /// ECS's `stopCode`, when it gave one.
    pub stop_code: Option<String>,
    /// Why the task stopped, classified (`analysis::stop`); `null` while it runs.
    pub stop_class: Option<&'static str>,
    /// One line: what the stop means and what to do.
    pub stop_hint: Option<String>,
    /// False for normal stops (scaling in, replaced by a deployment, by a user).
    pub stop_is_failure: Option<bool>,
    /// The load-balancer targets that stand for the task (`output::targets`): `[]` in no
    /// target group, `null` when the target health could not be read. Left out where the
    /// output did not read it (a stop-task's answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_health: Option<Option<Vec<super::targets::TargetHealthJson>>>,
    /// Every volume of the task: the task definition's (each kind) with their mount
    /// points, and the EBS volumes ECS attached.
    pub volumes: Vec<TaskVolumeJson>,
    /// Whether ECS Exec can reach the task now (`analysis::exec`).
    pub exec_ready: bool,
    /// Why not, and what to change; `null` when ready.
    pub exec_blocker: Option<String>,
    /// The task's ephemeral storage in GiB (the task's, else its definition's); `null`
    /// when neither says (the platform default).
    pub ephemeral_storage_gib: Option<i32>,
    /// The resource in the AWS console (its account and region); `null` when the account
    /// a URL needs is unknown.
    pub console_url: Option<String>,
}

/// One volume of a task. `volume_id`, `name` and `delete_on_termination` are the EBS
/// attachment's (as before `kind` existed); the other fields belong to their kind and are
/// `null` for the rest.
#[derive(Debug, Default, Serialize)]
pub struct TaskVolumeJson {
    /// The EBS volume id of the attachment; `null` for other kinds.
    pub volume_id: Option<String>,
    pub name: Option<String>,
    pub delete_on_termination: Option<bool>,
    /// `ebs`, `efs`, `fsx_windows`, `bind`, `docker` or `s3files`.
    pub kind: String,
    pub mount_points: Vec<VolumeMount>,
    /// EFS and FSx for Windows.
    pub file_system_id: Option<String>,
    pub root_directory: Option<String>,
    /// EFS.
    pub access_point_id: Option<String>,
    pub transit_encryption: Option<String>,
    pub iam: Option<String>,
    /// FSx for Windows.
    pub domain: Option<String>,
    /// Bind mounts: the host path (`null`: none, the volume lives as long as the task).
    pub host_path: Option<String>,
    /// S3 Files: the file system's ARN, the access point's ARN and the port of the
    /// mount helper's encrypted traffic (its root directory is `root_directory`).
    pub file_system_arn: Option<String>,
    pub access_point_arn: Option<String>,
    pub transit_encryption_port: Option<i32>,
    /// Docker volumes.
    pub driver: Option<String>,
    pub scope: Option<String>,
    pub autoprovision: Option<bool>,
    /// The zone the volume lives in: the task's (`availabilityZone`) for EBS, bind mounts
    /// and Docker volumes, which are where the task runs; `null` for regional file systems
    /// (EFS, FSx) and when ECS does not say.
    pub availability_zone: Option<String>,
}

impl From<&MountedVolume> for TaskVolumeJson {
    fn from(v: &MountedVolume) -> Self {
        let mut j = Self {
            volume_id: v.attachment.as_ref().map(|a| a.volume_id.clone()),
            name: Some(v.name.clone()),
            delete_on_termination: v.attachment.as_ref().and_then(|a| a.delete_on_termination),
            kind: v.kind().to_string(),
            mount_points: v.mounts.clone(),
            ..Self::default()
        };
        match &v.source {
            VolumeSource::Efs {
                file_system_id,
                access_point_id,
                root_directory,
                transit_encryption,
                iam,
            } => {
                j.file_system_id = Some(file_system_id.clone());
                j.access_point_id.clone_from(access_point_id);
                j.root_directory.clone_from(root_directory);
                j.transit_encryption.clone_from(transit_encryption);
                j.iam.clone_from(iam);
            }
            VolumeSource::FsxWindows {
                file_system_id,
                root_directory,
                domain,
            } => {
                j.file_system_id = Some(file_system_id.clone());
                j.root_directory = Some(root_directory.clone());
                j.domain.clone_from(domain);
            }
            VolumeSource::Bind { host_path } => j.host_path.clone_from(host_path),
            VolumeSource::Docker {
                driver,
                scope,
                autoprovision,
            } => {
                j.driver.clone_from(driver);
                j.scope.clone_from(scope);
                j.autoprovision = *autoprovision;
            }
            VolumeSource::S3Files {
                file_system_arn,
                access_point_arn,
                root_directory,
                transit_encryption_port,
            } => {
                j.file_system_arn = Some(file_system_arn.clone());
                j.access_point_arn.clone_from(access_point_arn);
                j.root_directory.clone_from(root_directory);
                j.transit_encryption_port = *transit_encryption_port;
            }
            VolumeSource::Ebs | VolumeSource::Other(_) => {}
        }
        j
    }
}

impl From<&Task> for TaskJson {
    /// Without the task definition: the EBS attachments only.
    fn from(t: &Task) -> Self {
        Self::new(t, None)
    }
}

impl TaskJson {
    /// The task with its definition's storage (volumes of every kind, mount points).
    pub fn new(t: &Task, storage: Option<&TaskStorage>) -> Self {
        let stop = crate::analysis::stop::diagnose(t);
        let exec_blocker = crate::analysis::exec::exec_blocker(t, None, None);
        let empty = TaskStorage::default();
        let storage_or_none = storage.unwrap_or(&empty);
        Self {
            task_arn: t.arn.clone(),
            task_id: t.id.clone(),
            cluster: t.cluster.clone(),
            service_name: t.service_name().map(str::to_string),
            last_status: t.last_status.to_string(),
            desired_status: t.desired_status.to_string(),
            health_status: t.health_status.clone(),
            task_definition: t.task_definition.clone(),
            started_at: rfc3339(t.started_at),
            stopped_reason: t.stopped_reason.clone(),
            stopped_at: rfc3339(t.stopped_at),
            stop_code: t.stop_code.clone(),
            stop_class: stop.as_ref().map(|d| d.class.code()),
            stop_hint: stop.as_ref().map(|d| d.hint.clone()),
            stop_is_failure: stop.as_ref().map(|d| d.class.is_failure()),
            target_health: None,
            volumes: mounted_volumes(storage_or_none, &t.volumes)
                .iter()
                .map(|v| {
                    let mut j = TaskVolumeJson::from(v);
                    // An attachment shown alone keeps the name ECS gave it (maybe none).
                    if let Some(a) = v.attachment.as_ref().filter(|a| a.volume_id == v.name) {
                        j.name.clone_from(&a.name);
                    }
                    if matches!(
                        v.source,
                        VolumeSource::Ebs | VolumeSource::Bind { .. } | VolumeSource::Docker { .. }
                    ) {
                        j.availability_zone.clone_from(&t.availability_zone);
                    }
                    j
                })
                .collect(),
            exec_ready: exec_blocker.is_none(),
            exec_blocker,
            ephemeral_storage_gib: t
                .ephemeral_storage_gib
                .or(storage.and_then(|s| s.ephemeral_storage_gib)),
            console_url: None,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct UserTagsJson {
    pub repository: String,
    pub user: Option<String>,
    /// Each image once, the resume tag's included.
    pub total_bytes: i64,
    pub tags: Vec<TagJson>,
    /// The user's resume tag (`alice-latest`), `null` without one.
    pub resume_tag: Option<String>,
    /// The digest the resume tag points at.
    pub resume_digest: Option<String>,
    /// The user's snapshot tag with that digest; `null` when none has it (an untagged
    /// image) or without a resume tag.
    pub resume_points_at: Option<String>,
}

/// A tag as the model serializes it, and where it is in the AWS console.
#[derive(Debug, Serialize)]
pub struct TagJson {
    #[serde(flatten)]
    pub tag: TagEntry,
    /// The resource in the AWS console (its account and region); `null` when the account
    /// a URL needs is unknown.
    pub console_url: Option<String>,
}

impl From<&UserTags> for UserTagsJson {
    fn from(g: &UserTags) -> Self {
        Self {
            repository: g.repository.clone(),
            user: g.user.clone(),
            total_bytes: g.total_bytes(),
            tags: g
                .tags
                .iter()
                .map(|t| TagJson {
                    tag: t.clone(),
                    console_url: None,
                })
                .collect(),
            resume_tag: g.resume.as_ref().map(|r| r.tag.clone()),
            resume_digest: g.resume.as_ref().map(|r| r.digest.clone()),
            resume_points_at: g.resume_points_at().map(|t| t.tag.clone()),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct OrphansJson {
    pub volumes: Vec<OrphanVolumeJson>,
    pub snapshots: Vec<OrphanSnapshotJson>,
    pub skipped: Vec<SkippedJson>,
    pub totals: TotalsJson,
}

#[derive(Debug, Serialize)]
pub struct OrphanVolumeJson {
    pub volume_id: String,
    pub size_gib: i32,
    pub volume_type: String,
    pub state: String,
    /// The volume's zone (EC2 `AvailabilityZone`): a volume attaches only to an instance or
    /// task in the same zone.
    pub availability_zone: Option<String>,
    pub create_time: Option<String>,
    pub age_days: Option<i64>,
    /// When ecsnap first saw it `available` (its own observation across runs, not AWS's);
    /// null when unknown (first seen on this run).
    pub seen_available_since: Option<String>,
    pub monthly_cost_usd: f64,
    pub reason: String,
    pub origin: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// The resource in the AWS console (its account and region); `null` when the account
    /// a URL needs is unknown.
    pub console_url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct OrphanSnapshotJson {
    pub snapshot_id: String,
    pub volume_id: Option<String>,
    pub size_gib: i32,
    pub start_time: Option<String>,
    pub age_days: Option<i64>,
    pub monthly_cost_usd: f64,
    pub reason: String,
    /// `standard` or `archive` (EC2 `StorageTier`); `null` when EC2 does not say.
    pub storage_tier: Option<String>,
    /// When a temporary restore of an archived snapshot ends; `null` when none.
    pub restore_expiry_time: Option<String>,
    /// The resource in the AWS console (its account and region); `null` when the account
    /// a URL needs is unknown.
    pub console_url: Option<String>,
}

/// A resource a plan or listing leaves alone, and why (`orphans`, `cleanup`).
#[derive(Debug, Serialize)]
pub struct SkippedJson {
    pub id: String,
    pub kind: &'static str,
    pub reason: String,
}

impl From<&Skipped> for SkippedJson {
    fn from(s: &Skipped) -> Self {
        Self {
            id: s.id.clone(),
            kind: s.kind.as_str(),
            reason: s.reason.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct TotalsJson {
    pub volumes: usize,
    pub snapshots: usize,
    pub size_gib: i64,
    pub monthly_cost_usd: f64,
}

impl From<&OrphanTotals> for TotalsJson {
    fn from(t: &OrphanTotals) -> Self {
        Self {
            volumes: t.volumes,
            snapshots: t.snapshots,
            size_gib: t.size_gib,
            monthly_cost_usd: cents(t.monthly_cost_usd),
        }
    }
}

impl From<&OrphanReport> for OrphansJson {
    fn from(r: &OrphanReport) -> Self {
        Self {
            volumes: r
                .volumes
                .iter()
                .map(|o| OrphanVolumeJson {
                    volume_id: o.volume.id.clone(),
                    size_gib: o.volume.size_gib,
                    volume_type: o.volume.volume_type.clone(),
                    state: o.volume.state.to_string(),
                    availability_zone: o.volume.availability_zone.clone(),
                    create_time: rfc3339(o.volume.create_time),
                    age_days: o.age_days,
                    seen_available_since: rfc3339(o.seen_available_since),
                    monthly_cost_usd: cents(o.monthly_cost_usd),
                    reason: o.reason.clone(),
                    origin: o.origin.clone(),
                    tags: o.volume.tags.clone(),
                    console_url: None,
                })
                .collect(),
            snapshots: r
                .snapshots
                .iter()
                .map(|o| OrphanSnapshotJson {
                    snapshot_id: o.snapshot.id.clone(),
                    volume_id: o.snapshot.volume_id.clone(),
                    size_gib: o.snapshot.size_gib,
                    start_time: rfc3339(o.snapshot.start_time),
                    age_days: o.age_days,
                    monthly_cost_usd: cents(o.monthly_cost_usd),
                    reason: o.reason.clone(),
                    storage_tier: o.snapshot.storage_tier.clone(),
                    restore_expiry_time: rfc3339(o.snapshot.restore_expiry_time),
                    console_url: None,
                })
                .collect(),
            skipped: r.skipped.iter().map(SkippedJson::from).collect(),
            totals: TotalsJson::from(&r.totals()),
        }
    }
}

/// One line of `ecsnap logs --json` (JSON lines: one object per log event). `timestamp`
/// is RFC 3339 UTC with milliseconds (CloudWatch Logs keeps milliseconds).
#[derive(Debug, Serialize)]
pub struct LogLineJson {
    pub timestamp: String,
    pub task_id: String,
    pub container: String,
    pub message: String,
}

impl From<&crate::model::LogEvent> for LogLineJson {
    fn from(e: &crate::model::LogEvent) -> Self {
        Self {
            timestamp: e.timestamp.to_rfc3339_opts(SecondsFormat::Millis, true),
            task_id: e.task_id.clone(),
            container: e.container.clone(),
            message: e.message.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::*;

    /// The analysis and model types serialized as they are keep the keys and order the
    /// contract had, and leave out what it never showed.
    #[test]
    fn tags_and_mount_points_keep_their_keys() {
        let tag = TagEntry {
            tag: "alice-20261120T0815".into(),
            digest: "sha256:a".into(),
            pushed_at: Utc.timestamp_opt(1_000, 999).single(),
            tag_time: NaiveDate::from_ymd_opt(2026, 11, 20).and_then(|d| d.and_hms_opt(8, 15, 0)),
            size_bytes: 300,
            in_use: true,
            status: crate::model::ImageStatus::Archived,
            last_pulled_at: Utc.timestamp_opt(2_000, 0).single(),
        };
        let tags = UserTags {
            repository: "ws".into(),
            user: Some("alice".into()),
            tags: vec![tag],
            resume: None,
        };
        let text = serde_json::to_string(&UserTagsJson::from(&tags)).unwrap_or_default();
        assert!(
            text.contains(
                r#""tags":[{"tag":"alice-20261120T0815","digest":"sha256:a","pushed_at":"1970-01-01T00:16:40Z","size_bytes":300,"in_use":true,"storage_class":"archive","last_pulled_at":"1970-01-01T00:33:20Z","console_url":null}]"#
            ),
            "{text}"
        );
        let volume = MountedVolume {
            name: "data".into(),
            source: VolumeSource::Bind { host_path: None },
            mounts: vec![VolumeMount {
                container: "app".into(),
                source_volume: "data".into(),
                container_path: "/data".into(),
                read_only: true,
            }],
            attachment: None,
        };
        let text = serde_json::to_string(&TaskVolumeJson::from(&volume)).unwrap_or_default();
        assert!(
            text.contains(
                r#""mount_points":[{"container":"app","container_path":"/data","read_only":true}]"#
            ),
            "{text}"
        );
        let s3 = MountedVolume {
            name: "lake".into(),
            source: VolumeSource::S3Files {
                file_system_arn: "arn:fs".into(),
                access_point_arn: Some("arn:ap".into()),
                root_directory: None,
                transit_encryption_port: Some(20049),
            },
            mounts: Vec::new(),
            attachment: None,
        };
        let text = serde_json::to_string(&TaskVolumeJson::from(&s3)).unwrap_or_default();
        for part in [
            r#""kind":"s3files""#,
            r#""file_system_arn":"arn:fs""#,
            r#""access_point_arn":"arn:ap""#,
            r#""transit_encryption_port":20049"#,
        ] {
            assert!(text.contains(part), "{part} in {text}");
        }
    }
}
