//! The JSON of the objects that flatten a group of `parts` (and a place's `Where`): every
//! key in its place, byte for byte. Apart from `parts.rs` so that the groups do not import
//! the outputs that use them.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::analysis::deployments::FollowVerdict;
use crate::analysis::lifecycle::Act;
use crate::analysis::lifecycle_report::{ExpiryWarning, TagExpiry, WarningKind};
use crate::analysis::stages::StageVerdict;
use crate::model::{
    ClusterService, DeploymentLifecycleStage, LifecycleHookAction, LifecycleHookDetail,
    ServiceDeployment, ServiceDeploymentStatus,
};
use crate::ops::continue_deployment::ContinuePlan;
use crate::ops::follow_deployment::FollowOutcome;
use crate::ops::scale::{CountOutcome, CountVerdict, ScalePlan};
use crate::ops::stop_deployment::StopDeploymentPlan;
use crate::ops::wait_stage::StageOutcome;
use crate::output::actions::StageWaitJson;
use crate::output::deployments::{DeploymentActionJson, FollowJson};
use crate::output::hands_on::{ScaleJson, ScaleWaitJson};
use crate::output::lifecycle::{LifecycleExpiryJson, LifecycleWarningJson};

fn text(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn deployment() -> ServiceDeployment {
    ServiceDeployment {
        arn: "arn:d1".into(),
        status: ServiceDeploymentStatus::InProgress,
        lifecycle_stage: Some(DeploymentLifecycleStage::BakeTime),
        ..ServiceDeployment::default()
    }
}

/// The groups are flattened in place: each object keeps its keys, in the order the
/// JSON contract (docs/commands.md) gives them.
#[test]
fn flattened_groups_keep_every_key_in_its_place() {
    let now = DateTime::<Utc>::UNIX_EPOCH;
    let scale = ScalePlan {
        service: ClusterService::new("prod", "api"),
        from: 1,
        to: 3,
        running: 1,
    };
    let mut out = ScaleJson::new(&scale, true);
    out.wait = Some(ScaleWaitJson::new(&CountOutcome {
        verdict: CountVerdict::Failed("gone".into()),
        running: 2,
        pending: 1,
        polls: 4,
        elapsed: Duration::from_secs(40),
    }));
    assert_eq!(
        text(&out),
        r#"{"action":"scale","cluster":"prod","service":"api","dry_run":true,"from_desired_count":1,"desired_count":3,"running_count":1,"updated_desired_count":null,"wait":{"status":"failed","reason":"gone","running_count":2,"pending_count":1,"elapsed_secs":40,"polls":4}}"#
    );

    let stop = StopDeploymentPlan {
        service: ClusterService::new("prod", "api"),
        deployment: deployment(),
        back_to: Some("arn:r0".into()),
        back_to_revision: None,
        target_revision: None,
        now,
    };
    let mut out = DeploymentActionJson::stop(&stop, false);
    out.wait = Some(FollowJson::new(&FollowOutcome {
        verdict: FollowVerdict::AwaitingAction("hook-1".into()),
        deployment: Some(deployment()),
        polls: 2,
        elapsed: Duration::from_secs(9),
    }));
    assert_eq!(
        text(&out),
        r#"{"action":"stop-deployment","cluster":"prod","service":"api","dry_run":false,"service_deployment_arn":"arn:d1","status":"IN_PROGRESS","lifecycle_stage":"BAKE_TIME","hook_id":null,"hook_action":null,"rollback_to_service_revision":"arn:r0","sent":false,"wait":{"status":"awaiting_action","reason":"hook-1","deployment_status":"IN_PROGRESS","elapsed_secs":9,"polls":2}}"#
    );
    let go_on = ContinuePlan {
        service: ClusterService::new("prod", "api"),
        deployment: deployment(),
        hook: LifecycleHookDetail {
            hook_id: Some("hook-1".into()),
            ..LifecycleHookDetail::default()
        },
        action: LifecycleHookAction::Continue,
        revisions: Vec::new(),
        now,
    };
    assert_eq!(
        text(&DeploymentActionJson::continued(&go_on, true)),
        r#"{"action":"continue-deployment","cluster":"prod","service":"api","dry_run":true,"service_deployment_arn":"arn:d1","status":"IN_PROGRESS","lifecycle_stage":"BAKE_TIME","hook_id":"hook-1","hook_action":"CONTINUE","rollback_to_service_revision":null,"sent":false,"wait":null}"#
    );

    let stage = StageOutcome {
        verdict: StageVerdict::Moving,
        deployment: Some(deployment()),
        polls: 7,
        elapsed: Duration::from_secs(70),
    };
    assert_eq!(
        text(&StageWaitJson::new(
            "prod",
            "api",
            &DeploymentLifecycleStage::BakeTime,
            &stage
        )),
        r#"{"cluster":"prod","service":"api","until":"BAKE_TIME","status":"timed_out","reason":null,"service_deployment_arn":"arn:d1","deployment_status":"IN_PROGRESS","lifecycle_stage":"BAKE_TIME","elapsed_secs":70,"polls":7}"#
    );

    let expiry = TagExpiry {
        tag: Some("alice-1".into()),
        digest: "sha256:a".into(),
        user: Some("alice".into()),
        rule_priority: 2,
        act: Act::Archive,
        reason: "older than 30 days".into(),
        pushed_at: None,
        at: None,
    };
    assert_eq!(
        text(&LifecycleExpiryJson::from(&expiry)),
        r#"{"tag":"alice-1","digest":"sha256:a","user":"alice","rule_priority":2,"action":"archive","reason":"older than 30 days","pushed_at":null}"#
    );
    let warning = ExpiryWarning {
        tag: None,
        digest: "sha256:b".into(),
        user: None,
        rule_priority: 1,
        act: Act::Expire,
        kind: WarningKind::InUse,
        why: "a task runs it".into(),
    };
    assert_eq!(
        text(&LifecycleWarningJson::from(&warning)),
        r#"{"tag":null,"digest":"sha256:b","user":null,"rule_priority":1,"action":"expire","kind":"in_use","why":"a task runs it"}"#
    );
}

/// A place's fields (`account`, `account_id`, `region`) stay first in every per-place
/// total, in that order.
#[test]
fn place_fields_stay_first_in_the_per_place_totals() {
    let at = crate::output::fleet::Where {
        account: "prod".into(),
        account_id: Some("111122223333".into()),
        region: "eu-west-1".into(),
    };
    let orphans = crate::output::fleet::FleetOrphansJson::new(
        &[(at, crate::analysis::orphans::OrphanReport::default())],
        &[],
    );
    assert_eq!(
        text(&orphans.totals_by_place),
        r#"[{"account":"prod","account_id":"111122223333","region":"eu-west-1","volumes":0,"snapshots":0,"size_gib":0,"monthly_cost_usd":0.0}]"#
    );
    let plan = crate::ops::cleanup::fleet::tests::sample();
    let cleanup = crate::output::fleet_cleanup::FleetCleanupJson::new(&plan, true, None);
    let first = text(&cleanup.totals_by_place);
    assert!(
        first.starts_with(
            r#"[{"account":"dev","account_id":"123456789012","region":"eu-west-1","production":false,"refused":null,"#
        ),
        "{first}"
    );
}

/// `rollback` and `redeploy --json` say what they act on first (`action`, `cluster`,
/// `service`, `dry_run`), after where (`account_id`, `region`).
#[test]
fn a_rollout_keeps_its_keys_in_place() {
    let plan = crate::ops::redeploy::RedeployPlan {
        service: ClusterService::new("prod", "api"),
        task_definition: "arn:aws:ecs:us-east-1:1:task-definition/api:7".into(),
        desired_count: 2,
        running_count: 2,
    };
    let out = crate::output::actions::RolloutJson::redeploy(&plan, true)
        .at(Some("111122223333".into()), "us-east-1");
    assert_eq!(
        text(&out),
        r#"{"account_id":"111122223333","region":"us-east-1","action":"redeploy","cluster":"prod","service":"api","dry_run":true,"summary":"force a new deployment of prod/api (task definition api:7, 2/2 running): every task is replaced","from_task_definition":"arn:aws:ecs:us-east-1:1:task-definition/api:7","task_definition":"arn:aws:ecs:us-east-1:1:task-definition/api:7","registered_task_definition":null,"ebs_snapshot_id":null,"service_revision_arn":null,"pinned_images":[],"deployment_id":null,"zones":null,"wait":null,"hydration":null}"#
    );
}
