//! `AwsClients` whose every call is answered by aws-smithy-mocks rules (none for STS), for
//! the tests of loaders and planners. Included with `#[path]` where it is used.

use std::sync::Arc;

use aws_smithy_mocks::{Rule, RuleMode, mock_client};
use ecsnap::aws::{AwsClients, CallContext, Ec2Adapter, EcrAdapter, EcsAdapter, StsAdapter};

fn ctx() -> CallContext {
    CallContext {
        region: "eu-west-1".into(),
        endpoint: None,
    }
}

/// Clients answered by the `ecs`, `ecr` and `ec2` rules.
pub fn clients(ecs: &[&Rule], ecr: &[&Rule], ec2: &[&Rule]) -> AwsClients {
    clients_with_logs(ecs, ecr, ec2, &[])
}

/// Clients answered by the `ecs`, `ecr`, `ec2` and CloudWatch Logs rules.
pub fn clients_with_logs(
    ecs: &[&Rule],
    ecr: &[&Rule],
    ec2: &[&Rule],
    logs: &[&Rule],
) -> AwsClients {
    let no_rules: [&Rule; 0] = [];
    AwsClients {
        ecs: Arc::new(EcsAdapter::new(
            mock_client!(aws_sdk_ecs, RuleMode::MatchAny, ecs.iter().copied()),
            ctx(),
        )),
        ecr: Arc::new(EcrAdapter::new(
            mock_client!(aws_sdk_ecr, RuleMode::MatchAny, ecr.iter().copied()),
            ctx(),
        )),
        ec2: Arc::new(Ec2Adapter::new(
            mock_client!(aws_sdk_ec2, RuleMode::MatchAny, ec2.iter().copied()),
            ctx(),
        )),
        sts: Arc::new(StsAdapter::new(
            mock_client!(aws_sdk_sts, RuleMode::MatchAny, no_rules),
            ctx(),
        )),
        logs: Arc::new(ecsnap::aws::LogsAdapter::new(
            mock_client!(
                aws_sdk_cloudwatchlogs,
                RuleMode::MatchAny,
                logs.iter().copied()
            ),
            ctx(),
        )),
        region: "eu-west-1".into(),
        endpoint: None,
        task_definitions: None,
    }
}
