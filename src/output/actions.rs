//! The JSON contract of the action commands (`cleanup`, `rollback`, `redeploy`, `wait`,
//! `restore-user`): snake_case keys, ids as AWS prints them, sizes in GiB as named.

use crate::analysis::recycle_bin::Recovery;
use serde::Serialize;

use super::json::SkippedJson;
use super::parts::{EndJson, PollsJson, ServiceActionJson};
use crate::aws::Preflight;
use crate::model::{Deployment, ResourceKind, ServiceEvent};
use crate::ops::cleanup::execute::ItemResult;
use crate::ops::cleanup::{CleanupItem, CleanupPlan, ItemStatus};
use crate::ops::redeploy::RedeployPlan;
use crate::ops::restore_user::RestorePlan;
use crate::ops::rollback::{RollbackChange, RollbackPlan};
use crate::ops::wait::{StoppedTask, WaitOutcome};

pub(crate) fn round2(x: f64) -> f64 {
    crate::analysis::cost::cents(x)
}

#[derive(Debug, Serialize)]
pub struct CleanupJson {
    /// `delete`, or `archive` (`cleanup --snapshots --archive`: ModifySnapshotTier).
    pub action: &'static str,
    pub target: &'static str,
    pub dry_run: bool,
    pub min_age_days: Option<i64>,
    pub snapshot_first: bool,
    pub keep_newest: Option<usize>,
    pub preflight_done: bool,
    /// What the plan could not check, one line each (e.g. "locks were not checked: …").
    pub notes: Vec<String>,
    pub items: Vec<CleanupItemJson>,
    pub skipped: Vec<SkippedJson>,
    pub totals: CleanupTotalsJson,
    /// Per-resource results; `null` when nothing was executed (dry run, nothing to do).
    pub results: Option<Vec<ItemResultJson>>,
    pub summary: Option<ResultSummaryJson>,
}

#[derive(Debug, Serialize)]
pub struct CleanupItemJson {
    pub id: String,
    pub kind: &'static str,
    pub repository: Option<String>,
    pub digest: Option<String>,
    pub tags: Vec<String>,
    pub size_gib: f64,
    pub age_days: Option<i64>,
    pub monthly_cost_usd: f64,
    /// `archive` plans: what the snapshot costs a month in the archive tier (`null` when
    /// deleting).
    pub archive_monthly_usd: Option<f64>,
    pub reason: String,
    /// `allowed`, `denied`, `failed`, or `null` when not checked.
    pub preflight: Option<&'static str>,
    pub preflight_error: Option<String>,
    /// `{rule, retention_days}` when a Recycle Bin rule keeps it recoverable; `null` when
    /// the deletion is permanent (or the rules were not read: see `notes`).
    pub recycle_bin: Option<Recovery>,
    /// Digests deleted with this image as one unit (an index's children, its referrers).
    pub with_digests: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct CleanupTotalsJson {
    pub count: usize,
    pub to_execute: usize,
    /// How many of those no Recycle Bin rule covers (deleted for good).
    pub permanent: usize,
    pub size_gib: f64,
    pub monthly_cost_usd: f64,
    /// `archive` plans: the items' $/month in the archive tier (`null` when deleting).
    pub archive_monthly_usd: Option<f64>,
}

impl CleanupTotalsJson {
    /// The totals of `plan`, of which `to_execute` will be sent.
    pub fn of(plan: &CleanupPlan, to_execute: usize) -> Self {
        Self {
            count: plan.items.len(),
            to_execute,
            permanent: plan.permanent_count(),
            size_gib: round2(plan.total_gib()),
            monthly_cost_usd: plan.total_monthly_usd(),
            archive_monthly_usd: plan
                .archive
                .then(|| crate::ops::cleanup::archive::archive_monthly_total(plan)),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ItemResultJson {
    pub id: String,
    pub kind: &'static str,
    /// `done`, `skipped` or `failed`.
    pub status: &'static str,
    pub detail: Option<String>,
    pub snapshot_id: Option<String>,
}

#[derive(Debug, Serialize, Default)]
pub struct ResultSummaryJson {
    pub done: usize,
    pub skipped: usize,
    pub failed: usize,
}

impl ResultSummaryJson {
    pub fn of(results: &[ItemResult]) -> Self {
        let mut s = Self::default();
        for r in results {
            match r.status {
                ItemStatus::Done => s.done += 1,
                ItemStatus::Skipped => s.skipped += 1,
                ItemStatus::Failed => s.failed += 1,
            }
        }
        s
    }
}

impl From<&CleanupItem> for CleanupItemJson {
    fn from(i: &CleanupItem) -> Self {
        let (preflight, preflight_error) = match &i.preflight {
            None => (None, None),
            Some(Preflight::Allowed) => (Some("allowed"), None),
            Some(Preflight::Denied(e)) => (Some("denied"), Some(e.clone())),
            Some(Preflight::Failed(e)) => (Some("failed"), Some(e.clone())),
        };
        Self {
            id: i.id.clone(),
            kind: i.kind.as_str(),
            repository: i.repository.clone(),
            digest: i.digest.clone(),
            tags: i.tags.clone(),
            size_gib: round2(i.size_gib),
            age_days: i.age_days,
            monthly_cost_usd: round2(i.monthly_cost_usd),
            archive_monthly_usd: None,
            reason: i.reason.clone(),
            preflight,
            preflight_error,
            recycle_bin: i.recycle_bin.clone().filter(|r| !r.is_permanent()),
            with_digests: i.with_digests.clone(),
        }
    }
}

impl CleanupItemJson {
    /// An item of `plan`: with its archive tier $/month when the plan archives.
    pub fn in_plan(plan: &CleanupPlan, i: &CleanupItem) -> Self {
        let mut json = Self::from(i);
        if plan.archive {
            json.archive_monthly_usd = Some(round2(
                crate::ops::cleanup::archive::item_archive_monthly(i.size_gib),
            ));
        }
        json
    }
}

impl From<&ItemResult> for ItemResultJson {
    fn from(r: &ItemResult) -> Self {
        Self {
            id: r.id.clone(),
            kind: r.kind.as_str(),
            status: r.status.as_str(),
            detail: r.detail.clone(),
            snapshot_id: r.snapshot_id.clone(),
        }
    }
}

impl CleanupJson {
    pub fn new(plan: &CleanupPlan, dry_run: bool, results: Option<&[ItemResult]>) -> Self {
        let items = plan
            .items
            .iter()
            .map(|i| CleanupItemJson::in_plan(plan, i))
            .collect();
        Self {
            action: if plan.archive { "archive" } else { "delete" },
            target: plan.target.noun(),
            dry_run,
            min_age_days: plan.min_age_days,
            snapshot_first: plan.snapshot_first,
            keep_newest: (plan.target == ResourceKind::Image).then_some(plan.keep_newest),
            preflight_done: plan.preflight_done,
            notes: plan.notes.clone(),
            items,
            skipped: plan.skipped.iter().map(SkippedJson::from).collect(),
            totals: CleanupTotalsJson::of(plan, plan.to_execute().count()),
            results: results.map(|r| r.iter().map(ItemResultJson::from).collect()),
            summary: results.map(ResultSummaryJson::of),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct WaitJson {
    pub cluster: String,
    pub service: String,
    /// `status`: `stable`, `failed` or `timed_out`.
    #[serde(flatten)]
    pub end: EndJson,
    #[serde(flatten)]
    pub polled: PollsJson,
    pub service_status: Option<String>,
    pub task_definition: Option<String>,
    pub deployments: Vec<Deployment>,
    /// The newest 20.
    pub events: Vec<ServiceEvent>,
    pub stopped_tasks: Vec<StoppedTaskJson>,
    /// ECS's service deployment the wait followed, at the last look; `None` when there
    /// was none in flight or the account cannot answer (no service deployments, denied).
    pub deployment: Option<FollowedDeploymentJson>,
}

/// The service deployment a wait followed, as ECS last described it.
#[derive(Debug, Serialize)]
pub struct FollowedDeploymentJson {
    pub arn: String,
    /// The ARN's last part, as the console and the deployments listing show it.
    pub id: String,
    pub status: String,
    pub lifecycle_stage: Option<String>,
    /// `ROLLING`, `BLUE_GREEN`, `LINEAR`, `CANARY`.
    pub strategy: Option<String>,
    /// The target revision's share of production and test traffic (percent), when ECS
    /// reports it (blue/green, linear, canary).
    pub production_traffic_percent: Option<f64>,
    pub test_traffic_percent: Option<f64>,
    /// ECS's `statusReason`.
    pub reason: Option<String>,
}

impl From<&crate::model::ServiceDeployment> for FollowedDeploymentJson {
    fn from(d: &crate::model::ServiceDeployment) -> Self {
        let target = d.target_revision.as_ref();
        Self {
            arn: d.arn.clone(),
            id: crate::model::arn_name(&d.arn).to_string(),
            status: d.status.to_string(),
            lifecycle_stage: d.lifecycle_stage.as_ref().map(ToString::to_string),
            strategy: d.strategy.as_ref().map(ToString::to_string),
            production_traffic_percent: target.and_then(|t| t.production_traffic_weight),
            test_traffic_percent: target.and_then(|t| t.test_traffic_weight),
            reason: d.status_reason.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct StoppedTaskJson {
    pub task_id: String,
    pub task_definition: String,
    pub stopped_reason: Option<String>,
    /// The classified stop reason (`out_of_memory`, `image_not_found` …), as in
    /// `tasks --json`.
    pub stop_class: Option<&'static str>,
    pub stop_hint: Option<String>,
}

impl From<&StoppedTask> for StoppedTaskJson {
    fn from(t: &StoppedTask) -> Self {
        Self {
            task_id: t.task_id.clone(),
            task_definition: t.task_definition.clone(),
            stopped_reason: t.reason.clone(),
            stop_class: t.stop.as_ref().map(|d| d.class.code()),
            stop_hint: t.stop.as_ref().map(|d| d.hint.clone()),
        }
    }
}

impl WaitJson {
    pub fn new(cluster: &str, service: &str, o: &WaitOutcome) -> Self {
        Self {
            cluster: cluster.to_string(),
            service: service.to_string(),
            end: EndJson {
                status: o.verdict.word(),
                reason: o.verdict.reason().map(str::to_string),
            },
            polled: PollsJson::new(o.elapsed, o.polls),
            service_status: o.service.as_ref().map(|s| s.status.to_string()),
            task_definition: o.service.as_ref().map(|s| s.task_definition.clone()),
            deployments: o
                .service
                .as_ref()
                .map(|s| s.deployments.clone())
                .unwrap_or_default(),
            events: o.events.iter().take(20).cloned().collect(),
            stopped_tasks: o.stopped_tasks.iter().map(StoppedTaskJson::from).collect(),
            deployment: o.deployment.as_deref().map(FollowedDeploymentJson::from),
        }
    }
}

/// `rollback` and `redeploy`.
#[derive(Debug, Default, Serialize)]
pub struct RolloutJson {
    /// Where it acted: the account (`null` when STS could not say) and region.
    pub account_id: Option<String>,
    pub region: Option<String>,
    /// `action` (`rollback` or `redeploy`), `cluster`, `service`, `dry_run`.
    #[serde(flatten)]
    pub on: ServiceActionJson,
    pub summary: String,
    /// What the service ran before.
    pub from_task_definition: String,
    /// What it runs after (for a dry run: what it would run; `null` when a new revision
    /// would be registered).
    pub task_definition: Option<String>,
    /// A revision registered for an image-tag rollback.
    pub registered_task_definition: Option<String>,
    pub ebs_snapshot_id: Option<String>,
    /// The service revision a rollback goes to (`--service-revision`).
    pub service_revision_arn: Option<String>,
    /// The images pinned by digest in the revision registered for it (`--pin-digests`).
    pub pinned_images: Vec<String>,
    pub deployment_id: Option<String>,
    /// An EBS-snapshot rollback: the service's subnets' zones (as in `recover --json`);
    /// `null` for the others.
    pub zones: Option<super::zones::ZonesJson>,
    pub wait: Option<WaitJson>,
    /// An EBS-snapshot rollback with `--wait`, once stable: each new volume's last
    /// initialization progress and estimate; `null` otherwise.
    pub hydration: Option<Vec<super::hydration::HydrationJson>>,
}

impl RolloutJson {
    pub fn rollback(plan: &RollbackPlan, dry_run: bool) -> Self {
        let (task_definition, ebs) = match &plan.change {
            RollbackChange::Revision { to, .. } => (Some(to.clone()), None),
            RollbackChange::Image { .. } => (None, None),
            RollbackChange::EbsSnapshot { to_snapshot, .. } => {
                (Some(plan.current.clone()), Some(to_snapshot.clone()))
            }
            RollbackChange::ServiceRevision(r) => (
                r.pins().is_empty().then(|| r.task_definition.clone()),
                r.volumes.first().and_then(|v| v.volume.snapshot_id.clone()),
            ),
        };
        let (service_revision_arn, pinned_images) = match &plan.change {
            RollbackChange::ServiceRevision(r) => (
                Some(r.revision_arn.clone()),
                r.pins().into_iter().map(|(_, image)| image).collect(),
            ),
            _ => (None, Vec::new()),
        };
        Self {
            on: ServiceActionJson::new("rollback", &plan.service, dry_run),
            summary: plan.summary(),
            from_task_definition: plan.current.clone(),
            task_definition,
            ebs_snapshot_id: ebs,
            service_revision_arn,
            pinned_images,
            zones: plan.zones.as_ref().map(Into::into),
            ..Self::default()
        }
    }

    /// `redeploy`: the task definition it runs, again.
    pub fn redeploy(plan: &RedeployPlan, dry_run: bool) -> Self {
        Self {
            on: ServiceActionJson::new("redeploy", &plan.service, dry_run),
            summary: plan.summary(),
            from_task_definition: plan.task_definition.clone(),
            task_definition: Some(plan.task_definition.clone()),
            ..Self::default()
        }
    }

    /// Where it acts: the account (`None` when STS could not say) and region.
    #[must_use]
    pub fn at(self, account_id: Option<String>, region: &str) -> Self {
        Self {
            account_id,
            region: Some(region.to_string()),
            ..self
        }
    }
}

#[derive(Debug, Serialize)]
pub struct RestoreJson {
    pub repository: String,
    pub user: String,
    pub tag: String,
    pub resume_tag: String,
    pub dry_run: bool,
    pub changed: bool,
    pub before_digest: Option<String>,
    pub after_digest: String,
}

impl RestoreJson {
    pub fn new(plan: &RestorePlan, dry_run: bool, after: Option<&str>) -> Self {
        Self {
            repository: plan.repository.clone(),
            user: plan.user.clone(),
            tag: plan.tag.clone(),
            resume_tag: plan.resume_tag.clone(),
            dry_run,
            changed: after.is_some() && !plan.is_noop(),
            before_digest: plan.before_digest.clone(),
            after_digest: after.unwrap_or(&plan.digest).to_string(),
        }
    }
}

/// `wait --until STAGE --json`.
#[derive(Debug, Serialize)]
pub struct StageWaitJson {
    pub cluster: String,
    pub service: String,
    pub until: String,
    /// `status`: `reached`, `failed` or `timed_out`.
    #[serde(flatten)]
    pub end: EndJson,
    pub service_deployment_arn: Option<String>,
    pub deployment_status: Option<String>,
    pub lifecycle_stage: Option<String>,
    #[serde(flatten)]
    pub polled: PollsJson,
}

impl StageWaitJson {
    pub fn new(
        cluster: &str,
        service: &str,
        stage: &crate::model::DeploymentLifecycleStage,
        o: &crate::ops::wait_stage::StageOutcome,
    ) -> Self {
        use crate::analysis::stages::StageVerdict;
        let d = o.deployment.as_ref();
        Self {
            cluster: cluster.to_string(),
            service: service.to_string(),
            until: stage.to_string(),
            end: match &o.verdict {
                StageVerdict::Reached => EndJson::new("reached", None),
                StageVerdict::Failed(why) => EndJson::new("failed", Some(why)),
                StageVerdict::Moving => EndJson::new("timed_out", None),
            },
            service_deployment_arn: d.map(|d| d.arn.clone()),
            deployment_status: d.map(|d| d.status.to_string()),
            lifecycle_stage: d
                .and_then(|d| d.lifecycle_stage.as_ref())
                .map(ToString::to_string),
            polled: PollsJson::new(o.elapsed, o.polls),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::model::{DeploymentStatus, RolloutState, Service};
    use crate::ops::wait::Verdict;

    /// The model's deployments and events, serialized as they are, keep the wait JSON's
    /// keys in its order and leave out what it never showed.
    #[test]
    fn a_waits_deployments_and_events_keep_their_keys() {
        let deployment = Deployment {
            id: "ecs-svc/1".into(),
            status: DeploymentStatus::Primary,
            task_definition: "api:8".into(),
            desired_count: 2,
            running_count: 1,
            pending_count: 1,
            failed_tasks: 3,
            rollout_state: Some(RolloutState::InProgress),
            rollout_state_reason: Some("starting".into()),
            created_at: Utc.timestamp_opt(100, 0).single(),
            updated_at: Utc.timestamp_opt(200, 0).single(),
        };
        let event = |id: &str, at: Option<i64>| ServiceEvent {
            id: id.into(),
            created_at: at.and_then(|t| Utc.timestamp_opt(t, 500).single()),
            message: format!("event {id}"),
        };
        let outcome = WaitOutcome {
            verdict: Verdict::Stable,
            elapsed: Duration::from_secs(30),
            polls: 3,
            service: Some(Service {
                task_definition: "api:8".into(),
                deployments: vec![deployment],
                ..Service::default()
            }),
            events: (0..25)
                .map(|i| event(&i.to_string(), (i == 0).then_some(1_000)))
                .collect(),
            stopped_tasks: Vec::new(),
            deployment: None,
        };
        let text =
            serde_json::to_string(&WaitJson::new("prod", "api", &outcome)).unwrap_or_default();
        assert!(
            text.contains(
                r#""deployments":[{"id":"ecs-svc/1","status":"PRIMARY","task_definition":"api:8","desired_count":2,"running_count":1,"pending_count":1,"rollout_state":"IN_PROGRESS"}]"#
            ),
            "{text}"
        );
        assert!(
            text.contains(
                r#""events":[{"created_at":"1970-01-01T00:16:40Z","message":"event 0"},{"created_at":null,"message":"event 1"},"#
            ),
            "{text}"
        );
        assert_eq!(text.matches(r#"{"created_at""#).count(), 20, "{text}");
    }
}
