//! The wait after any rollout follows ECS's service deployment beside the counts
//! (`ops::wait_stage::wait_following`), against aws-smithy-mocks with a fake clock: one look
//! a poll shows the stage, the traffic shift, the bake countdown and each hook; a canary
//! whose counts settle is not stable before ECS marks it SUCCESSFUL; a rollout that fails
//! in a late stage names the stage and ECS's reason; an endpoint without service
//! deployments is asked once and the counts decide. `wait --json` names the deployment
//! it followed (`deployment`), `null` when there was none to follow.

use std::time::Duration;

use crate::answers::{in_turn, no_service_deployments_operation, no_tasks};
use crate::mocked::ecs_only;
use crate::wait_stage::listing;
use aws_sdk_ecs::operation::describe_service_deployments::DescribeServiceDeploymentsOutput;
use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
use aws_sdk_ecs::primitives::DateTime;
use aws_sdk_ecs::types as sdk;
use aws_smithy_mocks::{Rule, mock};
use ecsnap::analysis::deploy_progress::progress_lines;
use ecsnap::model::ServiceDeployment;
use ecsnap::ops::wait::{FakeClock, Verdict, WaitOptions, WaitOutcome, WaitProgress};
use ecsnap::ops::wait_stage::wait_following;
use ecsnap::output::actions::WaitJson;

const TD: &str = "arn:aws:ecs:eu-west-1:123456789012:task-definition/api:2";
const ARN: &str = "arn:aws:ecs:eu-west-1:123456789012:service-deployment/payments/api/d9";
/// 2026-12-06T12:00:00Z.
const NOW: i64 = 1_796_990_400;

/// DescribeServices: the PRIMARY deployment with `run` of 2 tasks and `rollout`.
fn service(run: i32, rollout: sdk::DeploymentRolloutState) -> DescribeServicesOutput {
    let d = sdk::Deployment::builder()
        .id("ecs-svc/2")
        .status("PRIMARY")
        .task_definition(TD)
        .desired_count(2)
        .running_count(run)
        .pending_count(2 - run)
        .rollout_state(rollout)
        .rollout_state_reason("ECS deployment circuit breaker: tasks failed to start")
        .build();
    DescribeServicesOutput::builder()
        .services(
            sdk::Service::builder()
                .service_name("api")
                .cluster_arn("arn:aws:ecs:eu-west-1:123456789012:cluster/payments")
                .status("ACTIVE")
                .task_definition(TD)
                .desired_count(2)
                .running_count(run)
                .deployments(d)
                .build(),
        )
        .build()
}

/// Deployment d9, a canary with a 5-minute bake, at `status`/`stage`, updated at `updated`.
fn canary(status: &str, stage: &str, traffic: f64, updated: i64) -> sdk::ServiceDeployment {
    let mut d = sdk::ServiceDeployment::builder()
        .service_deployment_arn(ARN)
        .status(sdk::ServiceDeploymentStatus::from(status))
        .status_reason("alarm api-5xx went off")
        .created_at(DateTime::from_secs(NOW - 600))
        .updated_at(DateTime::from_secs(updated))
        .lifecycle_stage(sdk::ServiceDeploymentLifecycleStage::from(stage))
        .deployment_configuration(
            sdk::DeploymentConfiguration::builder()
                .strategy(sdk::DeploymentStrategy::Canary)
                .bake_time_in_minutes(5)
                .build(),
        )
        .target_service_revision(
            sdk::ServiceRevisionSummary::builder()
                .arn("rev/2")
                .requested_production_traffic_weight(traffic)
                .build(),
        );
    let hook = sdk::DeploymentLifecycleHookDetail::builder()
        .hook_id("hook-pause-1")
        .target_type(sdk::DeploymentLifecycleHookTargetType::Pause);
    d = d.lifecycle_hook_details(if stage == "PRODUCTION_TRAFFIC_SHIFT" {
        hook.status(sdk::DeploymentLifecycleHookStatus::AwaitingAction)
            .expires_at(DateTime::from_secs(NOW + 400))
            .timeout_action(sdk::DeploymentLifecycleHookAction::Rollback)
            .build()
    } else {
        hook.status(sdk::DeploymentLifecycleHookStatus::Succeeded)
            .build()
    });
    d.build()
}

fn listed() -> Rule {
    listing(&[ARN])
}

/// DescribeServiceDeployments answering each look in turn.
fn looks(steps: Vec<sdk::ServiceDeployment>) -> Rule {
    in_turn(
        mock!(aws_sdk_ecs::Client::describe_service_deployments),
        steps.into_iter().map(|d| {
            DescribeServiceDeploymentsOutput::builder()
                .service_deployments(d)
                .build()
        }),
    )
}

/// DescribeServices answering a poll at each (running tasks, rollout) in turn.
fn polls(steps: &[(i32, sdk::DeploymentRolloutState)]) -> Rule {
    in_turn(
        mock!(aws_sdk_ecs::Client::describe_services),
        steps
            .iter()
            .map(|(run, rollout)| service(*run, rollout.clone())),
    )
}

/// `wait_following` on payments/api answered by `rules` (no task listed), with a fake
/// clock; each look at the service deployment goes to `on_look`.
async fn follow(
    rules: &[&Rule],
    on_look: &mut (dyn FnMut(&ServiceDeployment) + Send),
) -> WaitOutcome {
    let tasks = no_tasks();
    let rules: Vec<&Rule> = rules.iter().copied().chain([&tasks]).collect();
    let aws = ecs_only("eu-west-1", &rules).0;
    wait_following(
        &aws,
        &FakeClock::default(),
        ("payments", "api"),
        &opts(),
        &mut |_: &WaitProgress| {},
        on_look,
    )
    .await
    .expect("waited")
}

fn opts() -> WaitOptions {
    WaitOptions {
        timeout: Duration::from_mins(30),
        interval: Duration::from_secs(5),
        deployment_id: Some("ecs-svc/2".into()),
        target_task_definition: Some(TD.into()),
        ..WaitOptions::default()
    }
}

fn at(secs: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(NOW + secs, 0).expect("valid")
}

#[tokio::test]
async fn a_canary_shows_stage_traffic_bake_and_hook_and_is_stable_only_when_successful() {
    use sdk::DeploymentRolloutState::{Completed, InProgress};
    let polls = polls(&[(1, InProgress), (2, Completed)]);
    let describe = looks(vec![
        canary("IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT", 10.0, NOW - 60),
        canary("IN_PROGRESS", "BAKE_TIME", 100.0, NOW - 48),
        canary("SUCCESSFUL", "CLEAN_UP", 100.0, NOW),
    ]);
    let list = listed();
    let mut seen: Vec<ServiceDeployment> = Vec::new();
    let outcome = follow(&[&polls, &list, &describe], &mut |d: &ServiceDeployment| {
        seen.push(d.clone());
    })
    .await;
    assert_eq!(outcome.verdict, Verdict::Stable);
    assert_eq!(
        seen.len(),
        3,
        "one look a poll, then followed to SUCCESSFUL"
    );
    assert_eq!(list.num_calls(), 1, "listed once, then described by ARN");
    assert_eq!(describe.num_calls(), 3);
    let lines: Vec<Vec<String>> = seen.iter().map(|d| progress_lines(d, at(0))).collect();
    assert_eq!(
        lines[0],
        [
            "deployment d9 IN_PROGRESS · canary 10% · PRODUCTION_TRAFFIC_SHIFT",
            "traffic to the new revision: production 10%",
            "hook hook-pause-1 (PAUSE): AWAITING_ACTION · 6m40s left, then ROLLBACK",
        ]
    );
    assert_eq!(
        lines[1][2], "bake ≈4m12s left (of 5 min, from the stage's start)",
        "{lines:?}"
    );
    assert_eq!(lines[1][3], "hook hook-pause-1 (PAUSE): SUCCEEDED");
    assert!(
        lines[2][0].starts_with("deployment d9 SUCCESSFUL"),
        "{lines:?}"
    );
    // `wait --json` names the deployment it followed, as ECS last described it.
    let json = serde_json::to_value(WaitJson::new("payments", "api", &outcome)).expect("json");
    assert_eq!(
        json["deployment"],
        serde_json::json!({
            "arn": ARN,
            "id": "d9",
            "status": "SUCCESSFUL",
            "lifecycle_stage": "CLEAN_UP",
            "strategy": "CANARY",
            "production_traffic_percent": 100.0,
            "test_traffic_percent": null,
            "reason": "alarm api-5xx went off",
        })
    );
    assert_eq!(
        outcome.deployment.map(|d| d.status.to_string()).as_deref(),
        Some("SUCCESSFUL")
    );
}

#[tokio::test]
async fn a_late_stage_failure_names_the_stage_and_ecs_reason() {
    use sdk::DeploymentRolloutState::{Failed, InProgress};
    let polls = polls(&[(1, InProgress), (1, Failed)]);
    let describe = looks(vec![
        canary("IN_PROGRESS", "BAKE_TIME", 100.0, NOW - 30),
        canary(
            "ROLLBACK_IN_PROGRESS",
            "POST_PRODUCTION_TRAFFIC_SHIFT",
            100.0,
            NOW,
        ),
    ]);
    let list = listed();
    let outcome = follow(&[&polls, &list, &describe], &mut |_: &ServiceDeployment| {}).await;
    let Verdict::Failed(why) = &outcome.verdict else {
        panic!("failed: {:?}", outcome.verdict);
    };
    assert!(
        why.contains(&format!(
            "deployment {ARN} is ROLLBACK_IN_PROGRESS at stage POST_PRODUCTION_TRAFFIC_SHIFT: \
             alarm api-5xx went off"
        )),
        "{why}"
    );
    assert_eq!(outcome.into_result().expect_err("exit 3").exit_code(), 3);
}

#[tokio::test]
async fn an_endpoint_without_service_deployments_is_asked_once_and_the_counts_decide() {
    use sdk::DeploymentRolloutState::{Completed, InProgress};
    let polls = polls(&[(1, InProgress), (1, InProgress), (2, Completed)]);
    let unknown = no_service_deployments_operation();
    let mut looks = 0;
    let outcome = follow(&[&polls, &unknown], &mut |_: &ServiceDeployment| looks += 1).await;
    assert_eq!(outcome.verdict, Verdict::Stable);
    assert_eq!(looks, 0);
    assert_eq!(unknown.num_calls(), 1, "asked once, not at every poll");
    assert!(outcome.deployment.is_none());
    let json = serde_json::to_value(WaitJson::new("payments", "api", &outcome)).expect("json");
    assert!(
        json.get("deployment")
            .is_some_and(serde_json::Value::is_null),
        "the key is there, null: {json}"
    );
}
