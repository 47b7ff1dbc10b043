//! Target health and alarms against mocked AWS, where moto cannot show them: unhealthy
//! targets with AWS's reason code and description, draining ones, each target group read
//! once and counted; DescribeAlarms followed page by page; a missing permission naming
//! `elasticloadbalancing:DescribeTargetHealth` or `cloudwatch:DescribeAlarms`.

use aws_sdk_cloudwatch::error::ErrorMetadata;
use aws_sdk_cloudwatch::operation::describe_alarms::{DescribeAlarmsError, DescribeAlarmsOutput};
use aws_sdk_cloudwatch::types::{Dimension, MetricAlarm, StateValue};
use aws_sdk_elasticloadbalancingv2::operation::describe_target_health::{
    DescribeTargetHealthError, DescribeTargetHealthOutput,
};
use aws_sdk_elasticloadbalancingv2::types::{
    TargetDescription, TargetHealth, TargetHealthDescription, TargetHealthReasonEnum,
    TargetHealthStateEnum,
};
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use ecsnap::analysis::targets::group_counts;
use ecsnap::load::targets::load_targets;

use crate::mocked::MockAws;

const TG: &str = "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/web-tg/0123abcd";

fn described(
    ip: &str,
    state: TargetHealthStateEnum,
    reason: Option<(TargetHealthReasonEnum, &str)>,
) -> TargetHealthDescription {
    let mut health = TargetHealth::builder().state(state);
    if let Some((code, text)) = reason {
        health = health.reason(code).description(text);
    }
    TargetHealthDescription::builder()
        .target(TargetDescription::builder().id(ip).port(8080).build())
        .target_health(health.build())
        .build()
}

fn denied() -> ErrorMetadata {
    ErrorMetadata::builder()
        .code("AccessDenied")
        .message("User: arn:aws:iam::1:user/ana is not authorized to perform this action")
        .build()
}

#[tokio::test]
async fn unhealthy_and_draining_targets_keep_aws_reasons_and_are_counted() {
    let health = mock!(aws_sdk_elasticloadbalancingv2::Client::describe_target_health)
        .match_requests(|r| r.target_group_arn() == Some(TG))
        .then_output(|| {
            DescribeTargetHealthOutput::builder()
                .target_health_descriptions(described(
                    "10.0.1.5",
                    TargetHealthStateEnum::Healthy,
                    None,
                ))
                .target_health_descriptions(described(
                    "10.0.1.6",
                    TargetHealthStateEnum::Unhealthy,
                    Some((
                        TargetHealthReasonEnum::ResponseCodeMismatch,
                        "Health checks failed with these codes: [503]",
                    )),
                ))
                .target_health_descriptions(described(
                    "10.0.1.7",
                    TargetHealthStateEnum::Unhealthy,
                    Some((TargetHealthReasonEnum::Timeout, "Request timed out")),
                ))
                .target_health_descriptions(described(
                    "10.0.1.8",
                    TargetHealthStateEnum::Draining,
                    Some((
                        TargetHealthReasonEnum::DeregistrationInProgress,
                        "Target deregistration is in progress",
                    )),
                ))
                .build()
        });
    let (aws, _) = MockAws {
        elb: mock_client!(
            aws_sdk_elasticloadbalancingv2,
            RuleMode::MatchAny,
            [&health]
        ),
        ..MockAws::in_region("eu-west-1")
    }
    .clients_and_ops();
    let read = load_targets(&aws, "shop", &[TG.to_string()]).await;
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    assert_eq!(health.num_calls(), 1, "one call per target group");
    let lines: Vec<(String, String, Option<String>)> = read
        .targets
        .iter()
        .map(|t| (t.target_id.clone(), t.state.to_string(), t.reason_line()))
        .collect();
    assert_eq!(
        lines,
        [
            ("10.0.1.5".to_string(), "healthy".to_string(), None),
            (
                "10.0.1.6".to_string(),
                "unhealthy".to_string(),
                Some(
                    "Target.ResponseCodeMismatch: Health checks failed with these codes: [503]"
                        .to_string()
                )
            ),
            (
                "10.0.1.7".to_string(),
                "unhealthy".to_string(),
                Some("Target.Timeout: Request timed out".to_string())
            ),
            (
                "10.0.1.8".to_string(),
                "draining".to_string(),
                Some(
                    "Target.DeregistrationInProgress: Target deregistration is in progress"
                        .to_string()
                )
            ),
        ]
    );
    assert_eq!(
        group_counts(&read.target_groups, &read.targets)[0].line(),
        "1 healthy · 2 unhealthy · 1 draining"
    );
    // No instance target: the container instances are not asked for (ECS answers nothing).
    assert!(read.instances.is_empty());
}

#[tokio::test]
async fn missing_permissions_name_the_iam_action() {
    let health = mock!(aws_sdk_elasticloadbalancingv2::Client::describe_target_health)
        .then_error(|| DescribeTargetHealthError::generic(denied()));
    let alarms = mock!(aws_sdk_cloudwatch::Client::describe_alarms)
        .then_error(|| DescribeAlarmsError::generic(denied()));
    let (aws, _) = MockAws {
        elb: crate::mocked::no_retry_client!(aws_sdk_elasticloadbalancingv2, [&health]),
        cloudwatch: crate::mocked::no_retry_client!(aws_sdk_cloudwatch, [&alarms]),
        ..MockAws::in_region("eu-west-1")
    }
    .clients_and_ops();
    let read = load_targets(&aws, "shop", &[TG.to_string()]).await;
    let line = read.error_line().expect("an error line");
    assert!(
        line.contains("elasticloadbalancing:DescribeTargetHealth"),
        "{line}"
    );
    let err = ecsnap::load::alarms::load_alarms(&aws)
        .await
        .expect_err("denied");
    assert!(err.contains("cloudwatch:DescribeAlarms"), "{err}");
    assert!(err.contains("eu-west-1"), "{err}");
}

#[tokio::test]
async fn describe_alarms_is_followed_page_by_page() {
    let alarm = |name: &str, state: StateValue| {
        MetricAlarm::builder()
            .alarm_name(name)
            .state_value(state)
            .state_reason(format!("{name} reason"))
            .namespace("AWS/ECS")
            .dimensions(
                Dimension::builder()
                    .name("ClusterName")
                    .value("shop")
                    .build(),
            )
            .dimensions(
                Dimension::builder()
                    .name("ServiceName")
                    .value("web")
                    .build(),
            )
            .build()
    };
    let first = mock!(aws_sdk_cloudwatch::Client::describe_alarms)
        .match_requests(|r| r.next_token().is_none() && r.max_records() == Some(100))
        .then_output(move || {
            DescribeAlarmsOutput::builder()
                .metric_alarms(alarm("web-cpu", StateValue::Ok))
                .next_token("page-2")
                .build()
        });
    let second = mock!(aws_sdk_cloudwatch::Client::describe_alarms)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_output(move || {
            DescribeAlarmsOutput::builder()
                .metric_alarms(alarm("web-5xx", StateValue::Alarm))
                .build()
        });
    let (aws, _) = MockAws {
        cloudwatch: mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&first, &second]),
        ..MockAws::in_region("eu-west-1")
    }
    .clients_and_ops();
    let all = ecsnap::load::alarms::load_alarms(&aws)
        .await
        .expect("alarms");
    let got: Vec<(&str, &str)> = all
        .iter()
        .map(|a| (a.name.as_str(), a.state.as_str()))
        .collect();
    assert_eq!(got, [("web-cpu", "OK"), ("web-5xx", "ALARM")]);
    assert!(all[1].has_dimension("ServiceName", "web"));
    assert_eq!(first.num_calls(), 1);
    assert_eq!(second.num_calls(), 1);
}
