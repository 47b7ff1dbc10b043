//! What `deployments`, `rollback --stop-deployment` and `continue` print: the deployment
//! history as a text table or JSON (snake_case, ids as AWS prints them, times RFC 3339
//! UTC), and the JSON of the two actions. Kept apart from the model: a contract.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::analysis::deployments::{FollowVerdict, countdown, stage_words};
use crate::load::DeploymentHistory;
use crate::model::escape::escape_text;
use crate::model::json::rfc3339;
use crate::model::{
    AlarmState, CircuitBreakerState, ClusterService, DeploymentRollback, LifecycleHookDetail,
    RevisionCount, RevisionImage, RevisionLoadBalancer, RevisionVolume, ServiceDeployment,
    ServiceRevision, arn_name,
};
use crate::ops::continue_deployment::ContinuePlan;
use crate::ops::follow_deployment::FollowOutcome;
use crate::ops::stop_deployment::StopDeploymentPlan;

use super::parts::{EndJson, PollsJson, ServiceActionJson};
use super::table::Table;

/// AWS text for a line of its own (a table escapes its cells itself).
fn e(s: &str) -> String {
    escape_text(s).into_owned()
}

/// `ecsnap deployments --json`.
#[derive(Debug, Serialize)]
pub struct DeploymentsJson {
    pub cluster: String,
    pub service: String,
    /// Newest first.
    pub deployments: Vec<ServiceDeploymentJson>,
    /// Why the service revisions could not be described (`null` when they were): the
    /// deployments are listed without their images.
    pub revisions_error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ServiceDeploymentJson {
    pub service_deployment_arn: String,
    /// PENDING, IN_PROGRESS, SUCCESSFUL, STOP_REQUESTED, STOPPED, ROLLBACK_REQUESTED,
    /// ROLLBACK_IN_PROGRESS, ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED (as ECS spells it).
    pub status: String,
    pub status_reason: Option<String>,
    /// ROLLING, BLUE_GREEN, LINEAR, CANARY; `null` when ECS does not say.
    pub strategy: Option<String>,
    pub bake_time_in_minutes: Option<i32>,
    pub lifecycle_stage: Option<String>,
    pub source_revisions: Vec<RevisionJson>,
    pub target_revision: Option<RevisionJson>,
    pub circuit_breaker: Option<CircuitBreakerState>,
    pub alarms: Option<AlarmState>,
    pub rollback: Option<DeploymentRollback>,
    pub lifecycle_hooks: Vec<LifecycleHookDetail>,
    /// The hook awaiting action, if the deployment waits for a person.
    pub awaiting_action: bool,
    pub created_at: Option<String>,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub stopped_at: Option<String>,
    pub updated_at: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct RevisionJson {
    pub service_revision_arn: String,
    pub requested_task_count: i32,
    pub running_task_count: i32,
    pub pending_task_count: i32,
    pub requested_test_traffic_weight: Option<f64>,
    pub requested_production_traffic_weight: Option<f64>,
    /// From DescribeServiceRevisions; `null` when the revision was not described.
    pub task_definition: Option<String>,
    /// Each container's image with the digest it resolved to.
    pub images: Vec<RevisionImage>,
    /// Managed EBS volumes: the snapshot each starts from.
    pub volumes: Vec<RevisionVolume>,
    pub load_balancers: Vec<RevisionLoadBalancer>,
}

impl RevisionJson {
    fn new(count: &RevisionCount, described: Option<&ServiceRevision>) -> Self {
        Self {
            service_revision_arn: count.arn.clone(),
            requested_task_count: count.requested,
            running_task_count: count.running,
            pending_task_count: count.pending,
            requested_test_traffic_weight: count.test_traffic_weight,
            requested_production_traffic_weight: count.production_traffic_weight,
            task_definition: described.map(|r| r.task_definition.clone()),
            images: described.map(|r| r.images.clone()).unwrap_or_default(),
            volumes: described.map(|r| r.volumes.clone()).unwrap_or_default(),
            load_balancers: described
                .map(|r| r.load_balancers.clone())
                .unwrap_or_default(),
        }
    }
}

impl ServiceDeploymentJson {
    pub fn new<'a>(
        d: &ServiceDeployment,
        revision: impl Fn(&str) -> Option<&'a ServiceRevision>,
    ) -> Self {
        Self {
            service_deployment_arn: d.arn.clone(),
            status: d.status.to_string(),
            status_reason: d.status_reason.clone(),
            strategy: d.strategy.as_ref().map(ToString::to_string),
            bake_time_in_minutes: d.bake_time_minutes,
            lifecycle_stage: d.lifecycle_stage.as_ref().map(ToString::to_string),
            source_revisions: d
                .source_revisions
                .iter()
                .map(|r| RevisionJson::new(r, revision(&r.arn)))
                .collect(),
            target_revision: d
                .target_revision
                .as_ref()
                .map(|r| RevisionJson::new(r, revision(&r.arn))),
            circuit_breaker: d.circuit_breaker.clone(),
            alarms: d.alarms.clone(),
            rollback: d.rollback.clone(),
            lifecycle_hooks: d.hooks.clone(),
            awaiting_action: d.status.is_in_flight() && d.awaiting_hook().is_some(),
            created_at: rfc3339(d.created_at),
            started_at: rfc3339(d.started_at),
            finished_at: rfc3339(d.finished_at),
            stopped_at: rfc3339(d.stopped_at),
            updated_at: rfc3339(d.updated_at),
        }
    }
}

impl DeploymentsJson {
    pub fn new(cluster: &str, service: &str, h: &DeploymentHistory) -> Self {
        Self {
            cluster: cluster.to_string(),
            service: service.to_string(),
            deployments: h
                .deployments
                .iter()
                .map(|d| ServiceDeploymentJson::new(d, |arn| h.revision(arn)))
                .collect(),
            revisions_error: h.revisions.as_ref().err().map(ToString::to_string),
        }
    }
}

/// The history as a table, newest first, then one detail block per deployment (reason,
/// revisions with images by digest and snapshots, circuit breaker, alarms, rollback,
/// hooks). Every AWS text escaped.
pub fn deployments_text(
    cluster: &str,
    service: &str,
    h: &DeploymentHistory,
    now: DateTime<Utc>,
) -> String {
    let mut out = format!(
        "{}/{}: {} deployments\n",
        e(cluster),
        e(service),
        h.deployments.len()
    );
    if h.deployments.is_empty() {
        return out;
    }
    let mut t = Table::new([
        "DEPLOYMENT",
        "STATUS",
        "STRATEGY/STAGE",
        "SOURCE → TARGET",
        "TASKS",
        "STARTED",
        "FINISHED",
    ]);
    for d in &h.deployments {
        let rev = |r: &RevisionCount| {
            h.revision(&r.arn).map_or_else(
                || arn_name(&r.arn).to_string(),
                |x| arn_name(&x.task_definition).to_string(),
            )
        };
        let sources: Vec<String> = d.source_revisions.iter().map(rev).collect();
        let target = d
            .target_revision
            .as_ref()
            .map_or_else(|| "-".to_string(), rev);
        let tasks = d.target_revision.as_ref().map_or_else(
            || "-".to_string(),
            |r| format!("{}/{}", r.running, r.requested),
        );
        t.row(vec![
            arn_name(&d.arn).to_string(),
            d.status.to_string(),
            stage_words(d),
            (format!(
                "{} → {target}",
                if sources.is_empty() {
                    "-".to_string()
                } else {
                    sources.join(",")
                }
            )),
            tasks,
            rfc3339(d.started_at.or(d.created_at)).unwrap_or_else(|| "-".into()),
            rfc3339(d.finished_at.or(d.stopped_at)).unwrap_or_else(|| "-".into()),
        ]);
    }
    out.push_str(&t.render());
    for d in &h.deployments {
        out.push_str(&detail(d, h, now));
    }
    if let Err(err) = &h.revisions {
        let _ = writeln!(
            out,
            "\nservice revisions not described ({}): images and snapshots are not shown",
            e(&err.to_string())
        );
    }
    out
}

fn detail(d: &ServiceDeployment, h: &DeploymentHistory, now: DateTime<Utc>) -> String {
    let mut out = format!("\n{} {}\n", e(arn_name(&d.arn)), e(d.status.as_str()));
    if let Some(r) = &d.status_reason {
        let _ = writeln!(out, "  reason: {}", e(r));
    }
    if let Some(b) = d.bake_time_minutes {
        let _ = writeln!(out, "  bake time: {b}m");
    }
    let revision_lines = |label: &str, r: &RevisionCount, out: &mut String| {
        let _ = writeln!(
            out,
            "  {label} {}: {} running, {} pending, {} requested{}",
            e(arn_name(&r.arn)),
            r.running,
            r.pending,
            r.requested,
            r.production_traffic_weight
                .map(|w| format!(", {w:.0}% production traffic"))
                .unwrap_or_default()
        );
        if let Some(x) = h.revision(&r.arn) {
            let _ = writeln!(
                out,
                "    task definition {}",
                e(arn_name(&x.task_definition))
            );
            for i in &x.images {
                let _ = writeln!(
                    out,
                    "    {}: {} @ {}",
                    e(&i.container),
                    e(&i.image),
                    e(i.digest.as_deref().unwrap_or("-"))
                );
            }
            for v in &x.volumes {
                let _ = writeln!(
                    out,
                    "    volume {}: snapshot {}",
                    e(&v.name),
                    e(v.snapshot_id.as_deref().unwrap_or("-"))
                );
            }
        }
    };
    for r in &d.source_revisions {
        revision_lines("from", r, &mut out);
    }
    if let Some(r) = &d.target_revision {
        revision_lines("to", r, &mut out);
    }
    if let Some(c) = &d.circuit_breaker {
        let _ = writeln!(
            out,
            "  circuit breaker: {} ({}/{} failed tasks)",
            e(c.status.as_str()),
            c.failure_count,
            c.threshold
        );
    }
    if let Some(a) = &d.alarms {
        let _ = writeln!(
            out,
            "  alarms: {}{}",
            e(a.status.as_str()),
            if a.triggered.is_empty() {
                String::new()
            } else {
                format!(", triggered: {}", e(&a.triggered.join(", ")))
            }
        );
    }
    if let Some(r) = &d.rollback {
        let _ = writeln!(
            out,
            "  rolled back to {}: {}",
            e(r.service_revision_arn.as_deref().map_or("-", arn_name)),
            e(r.reason.as_deref().unwrap_or("-"))
        );
    }
    out.push_str(&hook_lines(d, now));
    out
}

/// One line per lifecycle hook; one awaiting action says how long is left and what then.
fn hook_lines(d: &ServiceDeployment, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    for hook in &d.hooks {
        let waiting = if d.status.is_in_flight()
            && hook.status == crate::model::LifecycleHookStatus::AwaitingAction
        {
            format!(
                " — waiting for a person: {}{}",
                countdown(hook.expires_at, now),
                hook.timeout_action
                    .as_ref()
                    .map(|a| format!(", then {a}"))
                    .unwrap_or_default()
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  hook {} ({}): {}{waiting}",
            e(hook.hook_id.as_deref().unwrap_or("-")),
            e(hook.target_type.as_deref().unwrap_or("-")),
            e(hook.status.as_str()),
        );
    }
    out
}

/// `rollback --stop-deployment` and `continue` with `--json`.
#[derive(Debug, Serialize)]
pub struct DeploymentActionJson {
    /// `action`: `stop-deployment` or `continue-deployment`.
    #[serde(flatten)]
    pub on: ServiceActionJson,
    pub service_deployment_arn: String,
    /// The deployment's status when planned.
    pub status: String,
    pub lifecycle_stage: Option<String>,
    /// `continue`: the hook acted on and the action (CONTINUE or ROLLBACK).
    pub hook_id: Option<String>,
    pub hook_action: Option<String>,
    /// `stop-deployment`: the service revision ECS rolls back to.
    pub rollback_to_service_revision: Option<String>,
    /// Whether the request was sent and answered.
    pub sent: bool,
    /// With `--wait`: how following the deployment ended.
    pub wait: Option<FollowJson>,
}

#[derive(Debug, Serialize)]
pub struct FollowJson {
    /// `status`: `reached`, `failed`, `awaiting_action` or `timed_out`.
    #[serde(flatten)]
    pub end: EndJson,
    /// The deployment's last status.
    pub deployment_status: Option<String>,
    #[serde(flatten)]
    pub polled: PollsJson,
}

impl FollowJson {
    pub fn new(o: &FollowOutcome) -> Self {
        Self {
            end: match &o.verdict {
                FollowVerdict::Reached => EndJson::new("reached", None),
                FollowVerdict::Failed(why) => EndJson::new("failed", Some(why)),
                FollowVerdict::AwaitingAction(hook) => EndJson::new("awaiting_action", Some(hook)),
                FollowVerdict::Moving => EndJson::new("timed_out", None),
            },
            deployment_status: o.deployment.as_ref().map(|d| d.status.to_string()),
            polled: PollsJson::new(o.elapsed, o.polls),
        }
    }
}

impl DeploymentActionJson {
    /// The fields both actions share: where, and the deployment as planned.
    fn new(
        action: &'static str,
        service: &ClusterService,
        deployment: &ServiceDeployment,
        dry_run: bool,
    ) -> Self {
        Self {
            on: ServiceActionJson::new(action, service, dry_run),
            service_deployment_arn: deployment.arn.clone(),
            status: deployment.status.to_string(),
            lifecycle_stage: deployment.lifecycle_stage.as_ref().map(ToString::to_string),
            hook_id: None,
            hook_action: None,
            rollback_to_service_revision: None,
            sent: false,
            wait: None,
        }
    }

    pub fn stop(plan: &StopDeploymentPlan, dry_run: bool) -> Self {
        Self {
            rollback_to_service_revision: plan.back_to.clone(),
            ..Self::new("stop-deployment", &plan.service, &plan.deployment, dry_run)
        }
    }

    pub fn continued(plan: &ContinuePlan, dry_run: bool) -> Self {
        Self {
            hook_id: plan.hook.hook_id.clone(),
            hook_action: Some(plan.action.to_string()),
            ..Self::new(
                "continue-deployment",
                &plan.service,
                &plan.deployment,
                dry_run,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::model::{
        AlarmState, CircuitBreakerState, DeploymentLifecycleStage, DeploymentRollback,
        DeploymentStrategy, LifecycleHookAction, LifecycleHookDetail, LifecycleHookStatus,
        RevisionImage, RevisionVolume, RollbackMonitorStatus, ServiceDeploymentStatus,
    };

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).expect("valid")
    }

    fn history() -> DeploymentHistory {
        let rc = |arn: &str, running, requested| RevisionCount {
            arn: format!("arn:aws:ecs:eu-west-1:1:service-revision/prod/api/{arn}"),
            running,
            requested,
            ..RevisionCount::default()
        };
        let paused = ServiceDeployment {
            arn: "arn:aws:ecs:eu-west-1:1:service-deployment/prod/api/d2".into(),
            status: ServiceDeploymentStatus::InProgress,
            strategy: Some(DeploymentStrategy::Canary),
            lifecycle_stage: Some(DeploymentLifecycleStage::PostTestTrafficShift),
            source_revisions: vec![rc("r1", 3, 3)],
            target_revision: Some(RevisionCount {
                production_traffic_weight: Some(10.0),
                ..rc("r2", 1, 3)
            }),
            hooks: vec![LifecycleHookDetail {
                hook_id: Some("hook-1".into()),
                target_type: Some("PAUSE".into()),
                status: LifecycleHookStatus::AwaitingAction,
                expires_at: Some(at(1_000)),
                timeout_action: Some(LifecycleHookAction::Rollback),
                ..LifecycleHookDetail::default()
            }],
            created_at: Some(at(500)),
            ..ServiceDeployment::default()
        };
        let failed = ServiceDeployment {
            arn: "arn:aws:ecs:eu-west-1:1:service-deployment/prod/api/d1".into(),
            status: ServiceDeploymentStatus::RollbackSuccessful,
            status_reason: Some("alarm 5xx went off\u{1b}[2J".into()),
            circuit_breaker: Some(CircuitBreakerState {
                status: RollbackMonitorStatus::Triggered,
                failure_count: 3,
                threshold: 3,
            }),
            alarms: Some(AlarmState {
                status: RollbackMonitorStatus::Triggered,
                names: vec!["5xx".into()],
                triggered: vec!["5xx".into()],
            }),
            rollback: Some(DeploymentRollback {
                reason: Some("circuit breaker".into()),
                started_at: None,
                service_revision_arn: Some(
                    "arn:aws:ecs:eu-west-1:1:service-revision/prod/api/r1".into(),
                ),
            }),
            created_at: Some(at(100)),
            ..ServiceDeployment::default()
        };
        let revision = ServiceRevision {
            arn: "arn:aws:ecs:eu-west-1:1:service-revision/prod/api/r2".into(),
            task_definition: "arn:aws:ecs:eu-west-1:1:task-definition/api:8".into(),
            images: vec![RevisionImage {
                container: "app".into(),
                image: "1.dkr.ecr.eu-west-1.amazonaws.com/api:v8".into(),
                digest: Some("sha256:88".into()),
            }],
            volumes: vec![RevisionVolume {
                name: "data".into(),
                snapshot_id: Some("snap-08".into()),
                role_arn: Some("arn:aws:iam::1:role/ecs-infra".into()),
                ..RevisionVolume::default()
            }],
            ..ServiceRevision::default()
        };
        DeploymentHistory {
            deployments: vec![paused, failed],
            revisions: Ok(HashMap::from([(revision.arn.clone(), revision)])),
        }
    }

    #[test]
    fn the_text_shows_stage_digests_snapshots_monitors_and_the_countdown() {
        let text = deployments_text("prod", "api", &history(), at(580));
        assert!(text.starts_with("prod/api: 2 deployments\n"), "{text}");
        let row = text
            .lines()
            .find(|l| l.starts_with("d2 "))
            .expect("a row for d2");
        assert!(row.contains("IN_PROGRESS"), "{row}");
        assert!(
            row.contains("canary 10% · POST_TEST_TRAFFIC_SHIFT"),
            "{row}"
        );
        assert!(row.contains("r1 → api:8"), "{row}");
        assert!(row.contains("1/3"), "{row}");
        assert!(text.contains("    app: 1.dkr.ecr.eu-west-1.amazonaws.com/api:v8 @ sha256:88"));
        assert!(text.contains("    volume data: snapshot snap-08"));
        assert!(text.contains(
            "  hook hook-1 (PAUSE): AWAITING_ACTION — waiting for a person: 7m00s left, then \
             ROLLBACK"
        ));
        assert!(text.contains("  circuit breaker: TRIGGERED (3/3 failed tasks)"));
        assert!(text.contains("  alarms: TRIGGERED, triggered: 5xx"));
        assert!(text.contains("  rolled back to r1: circuit breaker"));
        // AWS text is escaped: no raw escape character reaches the terminal.
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.contains("alarm 5xx went off\\e[2J"), "{text}");
    }

    #[test]
    fn the_json_keeps_ecs_spellings_and_marks_the_deployment_awaiting_action() {
        let h = history();
        let json = serde_json::to_value(DeploymentsJson::new("prod", "api", &h)).expect("json");
        let d = &json["deployments"][0];
        assert_eq!(d["status"], "IN_PROGRESS");
        assert_eq!(d["strategy"], "CANARY");
        assert_eq!(d["lifecycle_stage"], "POST_TEST_TRAFFIC_SHIFT");
        assert_eq!(d["awaiting_action"], true);
        assert_eq!(
            d["lifecycle_hooks"][0]["expires_at"],
            "1970-01-01T00:16:40Z"
        );
        assert_eq!(d["lifecycle_hooks"][0]["timeout_action"], "ROLLBACK");
        assert_eq!(d["target_revision"]["images"][0]["digest"], "sha256:88");
        assert!(d["source_revisions"][0]["task_definition"].is_null());
        let old = &json["deployments"][1];
        assert_eq!(old["awaiting_action"], false);
        assert_eq!(old["circuit_breaker"]["failure_count"], 3);
        assert_eq!(old["alarms"]["triggered_alarm_names"][0], "5xx");
        assert_eq!(old["rollback"]["reason"], "circuit breaker");
        assert!(json["revisions_error"].is_null());
    }

    /// The model types serialized as they stand keep the contract's keys, in its order.
    #[test]
    fn the_nested_objects_keep_their_keys_and_order() {
        let text =
            serde_json::to_string(&DeploymentsJson::new("prod", "api", &history())).expect("json");
        let objects = [
            r#"{"container":"app","image":"1.dkr.ecr.eu-west-1.amazonaws.com/api:v8","digest":"sha256:88"}"#,
            r#"{"name":"data","snapshot_id":"snap-08","size_gib":null,"volume_type":null}"#,
            r#""circuit_breaker":{"status":"TRIGGERED","failure_count":3,"threshold":3}"#,
            r#""alarms":{"status":"TRIGGERED","alarm_names":["5xx"],"triggered_alarm_names":["5xx"]}"#,
            r#""rollback":{"reason":"circuit breaker","started_at":null,"service_revision_arn":"arn:aws:ecs:eu-west-1:1:service-revision/prod/api/r1"}"#,
            r#""lifecycle_hooks":[{"hook_id":"hook-1","target_type":"PAUSE","target_arn":null,"status":"AWAITING_ACTION","expires_at":"1970-01-01T00:16:40Z","timeout_action":"ROLLBACK"}]"#,
        ];
        for object in objects {
            assert!(text.contains(object), "{object} not in {text}");
        }
        assert!(!text.contains("role_arn"), "{text}");
    }
}
