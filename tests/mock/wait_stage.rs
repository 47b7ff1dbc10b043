//! `wait --until STAGE` and `wait` on a blue/green, linear or canary service, against
//! aws-smithy-mocks with a fake clock (no sleeping): the newest deployment in flight is
//! followed stage by stage until it reaches the stage (or any later one, or SUCCESSFUL),
//! a rollback before the stage fails naming the stage and ECS's reason, time running out
//! says where it stood; a canary whose counts look settled is followed to SUCCESSFUL, a
//! paused hook waited through; an endpoint without the operations leaves the counts to
//! decide.

use std::time::Duration;

use crate::answers::{in_turn, no_service_deployments_operation, service_deployments_page};
use crate::mocked::ecs_only;
use aws_sdk_ecs::operation::describe_service_deployments::DescribeServiceDeploymentsOutput;
use aws_sdk_ecs::primitives::DateTime;
use aws_sdk_ecs::types as sdk;
use aws_smithy_mocks::{Rule, mock};
use ecsnap::analysis::stages::StageVerdict;
use ecsnap::aws::AwsClients;
use ecsnap::model::DeploymentLifecycleStage;
use ecsnap::ops::wait::{FakeClock, Verdict};
use ecsnap::ops::wait_stage::{follow_staged, staged_in_flight, wait_for_stage};

const ARN: &str = "arn:aws:ecs:eu-west-1:123456789012:service-deployment/payments/api/d9";
const OLD: &str = "arn:aws:ecs:eu-west-1:123456789012:service-deployment/payments/api/d8";
const MINUTE: (Duration, Duration) = (Duration::from_mins(10), Duration::from_secs(5));

/// Deployment d9 (a canary) at `status` and `stage`.
fn canary(status: &str, stage: Option<&str>) -> sdk::ServiceDeployment {
    let mut d = sdk::ServiceDeployment::builder()
        .service_deployment_arn(ARN)
        .status(sdk::ServiceDeploymentStatus::from(status))
        .status_reason("canary alarm went off")
        .created_at(DateTime::from_secs(1_796_990_400))
        .deployment_configuration(
            sdk::DeploymentConfiguration::builder()
                .strategy(sdk::DeploymentStrategy::Canary)
                .build(),
        )
        .set_lifecycle_stage(stage.map(sdk::ServiceDeploymentLifecycleStage::from));
    if stage == Some("PRODUCTION_TRAFFIC_SHIFT") && status == "IN_PROGRESS" {
        d = d.lifecycle_hook_details(
            sdk::DeploymentLifecycleHookDetail::builder()
                .hook_id("hook-pause-1")
                .target_type(sdk::DeploymentLifecycleHookTargetType::Pause)
                .status(sdk::DeploymentLifecycleHookStatus::AwaitingAction)
                .expires_at(DateTime::from_secs(1_796_991_300))
                .timeout_action(sdk::DeploymentLifecycleHookAction::Rollback)
                .build(),
        );
    }
    d.build()
}

/// ListServiceDeployments answering `arns` (newest first).
pub fn listing(arns: &'static [&'static str]) -> Rule {
    mock!(aws_sdk_ecs::Client::list_service_deployments)
        .then_output(move || service_deployments_page(arns.iter().copied(), None))
}

/// ListServiceDeployments: d9 (newest, in flight) and d8 (an old one).
fn listed() -> Rule {
    listing(&[ARN, OLD])
}

/// DescribeServiceDeployments answering d9 at each (status, stage) in turn, d8 SUCCESSFUL.
fn looks(steps: &[(&'static str, Option<&'static str>)]) -> Rule {
    let old = sdk::ServiceDeployment::builder()
        .service_deployment_arn(OLD)
        .status(sdk::ServiceDeploymentStatus::Successful)
        .created_at(DateTime::from_secs(1_796_900_000))
        .build();
    let answers = steps.iter().map(|(status, stage)| {
        DescribeServiceDeploymentsOutput::builder()
            .service_deployments(canary(status, *stage))
            .service_deployments(old.clone())
            .build()
    });
    in_turn(
        mock!(aws_sdk_ecs::Client::describe_service_deployments),
        answers,
    )
}

fn clients(rules: &[&Rule]) -> AwsClients {
    ecs_only("eu-west-1", rules).0
}

#[tokio::test]
async fn until_a_stage_follows_the_newest_deployment_in_flight_until_it_is_reached() {
    let list = listed();
    let describe = looks(&[
        ("PENDING", None),
        ("IN_PROGRESS", Some("SCALE_UP")),
        ("IN_PROGRESS", Some("TEST_TRAFFIC_SHIFT")),
        ("IN_PROGRESS", Some("BAKE_TIME")),
    ]);
    let aws = clients(&[&list, &describe]);
    let clock = FakeClock::default();
    let mut seen = Vec::new();
    let outcome = wait_for_stage(
        &aws,
        &clock,
        ("payments", "api"),
        &DeploymentLifecycleStage::TestTrafficShift,
        MINUTE,
        &mut |d| seen.push(d.lifecycle_stage.as_ref().map(ToString::to_string)),
    )
    .await
    .expect("waited");
    assert_eq!(outcome.verdict, StageVerdict::Reached);
    assert_eq!(outcome.polls, 3);
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(5); 2]);
    assert_eq!(
        seen,
        [
            None,
            Some("SCALE_UP".to_string()),
            Some("TEST_TRAFFIC_SHIFT".to_string())
        ]
    );
    assert_eq!(outcome.deployment.map(|d| d.arn), Some(ARN.to_string()));
    assert_eq!(list.num_calls(), 1, "listed once, then followed by ARN");
}

#[tokio::test]
async fn a_rollback_before_the_stage_fails_and_time_running_out_says_where_it_was() {
    let list = listed();
    let describe = looks(&[
        ("IN_PROGRESS", Some("SCALE_UP")),
        ("ROLLBACK_IN_PROGRESS", Some("PRODUCTION_TRAFFIC_SHIFT")),
    ]);
    let aws = clients(&[&list, &describe]);
    let outcome = wait_for_stage(
        &aws,
        &FakeClock::default(),
        ("payments", "api"),
        &DeploymentLifecycleStage::BakeTime,
        MINUTE,
        &mut |_| {},
    )
    .await
    .expect("waited");
    assert_eq!(
        outcome.verdict,
        StageVerdict::Failed(
            "deployment d9 is ROLLBACK_IN_PROGRESS at stage PRODUCTION_TRAFFIC_SHIFT: canary \
             alarm went off, before reaching BAKE_TIME"
                .into()
        )
    );

    // Stuck at SCALE_UP: 20 s with 5 s polls looks at 0, 5, 10, 15 and 20 s, then ends.
    let list = listed();
    let describe = mock!(aws_sdk_ecs::Client::describe_service_deployments).then_output(|| {
        DescribeServiceDeploymentsOutput::builder()
            .service_deployments(canary("IN_PROGRESS", Some("SCALE_UP")))
            .build()
    });
    let aws = clients(&[&list, &describe]);
    let clock = FakeClock::default();
    let outcome = wait_for_stage(
        &aws,
        &clock,
        ("payments", "api"),
        &DeploymentLifecycleStage::CleanUp,
        (Duration::from_secs(20), Duration::from_secs(5)),
        &mut |_| {},
    )
    .await
    .expect("waited");
    assert_eq!(outcome.verdict, StageVerdict::Moving);
    assert_eq!(outcome.polls, 5);
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(5); 4]);
}

#[tokio::test]
async fn a_canary_with_settled_counts_is_followed_through_its_pause_to_successful() {
    let list = listed();
    let found = looks(&[("IN_PROGRESS", Some("PRODUCTION_TRAFFIC_SHIFT"))]);
    let aws = clients(&[&list, &found]);
    let d = staged_in_flight(&aws, "payments", "api")
        .await
        .expect("the canary in flight");
    assert_eq!(d.arn, ARN);

    let follow = looks(&[
        ("IN_PROGRESS", Some("PRODUCTION_TRAFFIC_SHIFT")),
        ("IN_PROGRESS", Some("PRODUCTION_TRAFFIC_SHIFT")),
        ("IN_PROGRESS", Some("BAKE_TIME")),
        ("SUCCESSFUL", Some("CLEAN_UP")),
    ]);
    let aws = clients(&[&follow]);
    let clock = FakeClock::default();
    let mut stages = Vec::new();
    let verdict = follow_staged(&aws, &clock, &d, MINUTE, &mut |x| {
        stages.push(x.status.to_string());
    })
    .await
    .expect("followed");
    assert_eq!(verdict, Verdict::Stable);
    assert_eq!(follow.num_calls(), 4, "the pause was waited through");
    assert_eq!(stages.last().map(String::as_str), Some("SUCCESSFUL"));

    // Rolled back instead: failed, with ECS's reason.
    let follow = looks(&[
        ("ROLLBACK_REQUESTED", Some("PRODUCTION_TRAFFIC_SHIFT")),
        ("ROLLBACK_SUCCESSFUL", Some("PRODUCTION_TRAFFIC_SHIFT")),
    ]);
    let aws = clients(&[&follow]);
    let verdict = follow_staged(&aws, &FakeClock::default(), &d, MINUTE, &mut |_| {})
        .await
        .expect("followed");
    match verdict {
        Verdict::Failed(why) => assert!(
            why.contains("ROLLBACK_REQUESTED") && why.contains("canary alarm went off"),
            "{why}"
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn without_the_operations_the_counts_decide() {
    let unsupported = no_service_deployments_operation();
    let aws = clients(&[&unsupported]);
    assert!(staged_in_flight(&aws, "payments", "api").await.is_none());
    assert_eq!(unsupported.num_calls(), 1);
    // A rolling deployment in flight is not followed: the counts already judge it.
    let list = listed();
    let rolling = mock!(aws_sdk_ecs::Client::describe_service_deployments).then_output(|| {
        DescribeServiceDeploymentsOutput::builder()
            .service_deployments(
                sdk::ServiceDeployment::builder()
                    .service_deployment_arn(ARN)
                    .status(sdk::ServiceDeploymentStatus::InProgress)
                    .deployment_configuration(
                        sdk::DeploymentConfiguration::builder()
                            .strategy(sdk::DeploymentStrategy::Rolling)
                            .build(),
                    )
                    .build(),
            )
            .build()
    });
    let aws = clients(&[&list, &rolling]);
    assert!(staged_in_flight(&aws, "payments", "api").await.is_none());
}
