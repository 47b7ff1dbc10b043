//! Mocked AWS answers several tests share: a rule that answers an operation with an HTTP
//! error and a JSON body (once or every time), one answering prepared outputs in turn, the
//! error bodies, the answers several features read (ListServiceDeployments pages, an
//! orphaned snapshot, an AMI of a snapshot), and the empty answers of the reads a test
//! does not look at.
#![allow(
    dead_code,
    unused_macros,
    unused_imports,
    reason = "each harness uses a part: the e2e one only the empty answers"
)]

use aws_smithy_mocks::{Rule, RuleBuilder, mock};

/// A rule answering operation `$op` (`aws_sdk_ecs::Client::list_tasks`) with HTTP
/// `$status` and the error `$body`, once — or every time, with `repeatedly` last.
macro_rules! failing {
    ($op:expr, $status:expr, $body:expr) => {
        aws_smithy_mocks::mock!($op)
            .sequence()
            .http_status($status, Some($body.to_string()))
            .build()
    };
    ($op:expr, $status:expr, $body:expr, repeatedly) => {
        aws_smithy_mocks::mock!($op)
            .sequence()
            .http_status($status, Some($body.to_string()))
            .repeatedly()
            .build()
    };
}
pub(crate) use failing;

/// `rule` answering `outputs` in turn, one a call (the last answer given, the rule is
/// spent): `in_turn(mock!(Client::describe_services), [rolling(), settled()])`.
pub fn in_turn<I, O, E>(rule: RuleBuilder<I, O, E>, outputs: impl IntoIterator<Item = O>) -> Rule
where
    I: std::fmt::Debug + Send + Sync + 'static,
    O: Clone + std::fmt::Debug + Send + Sync + 'static,
    E: std::error::Error + std::fmt::Debug + Send + Sync + 'static,
{
    outputs
        .into_iter()
        .fold(rule.sequence(), |seq, output| {
            seq.output(move || output.clone())
        })
        .build()
}

/// An older endpoint's answer to an operation it does not have.
pub const UNKNOWN_OPERATION: &str = r#"{"__type":"UnknownOperationException"}"#;

/// ListServiceDeployments answered once as an older endpoint without the operation does.
pub fn no_service_deployments_operation() -> Rule {
    failing!(
        aws_sdk_ecs::Client::list_service_deployments,
        400,
        UNKNOWN_OPERATION
    )
}

/// ListClusters answering these cluster ARNs (one page).
pub fn clusters_listed(arns: &[&str]) -> Rule {
    let arns: Vec<String> = arns.iter().map(|a| (*a).to_string()).collect();
    mock!(aws_sdk_ecs::Client::list_clusters).then_output(move || {
        aws_sdk_ecs::operation::list_clusters::ListClustersOutput::builder()
            .set_cluster_arns(Some(arns.clone()))
            .build()
    })
}

/// A ListServiceDeployments page of `arns`, pointing to page `next` when there is one.
pub fn service_deployments_page<S: Into<String>>(
    arns: impl IntoIterator<Item = S>,
    next: Option<&str>,
) -> aws_sdk_ecs::operation::list_service_deployments::ListServiceDeploymentsOutput {
    let briefs = arns.into_iter().map(|arn| {
        aws_sdk_ecs::types::ServiceDeploymentBrief::builder()
            .service_deployment_arn(arn)
            .build()
    });
    aws_sdk_ecs::operation::list_service_deployments::ListServiceDeploymentsOutput::builder()
        .set_service_deployments(Some(briefs.collect()))
        .set_next_token(next.map(str::to_string))
        .build()
}

/// ListTasks answering no task (a service whose tasks are not looked at).
pub fn no_tasks() -> Rule {
    mock!(aws_sdk_ecs::Client::list_tasks)
        .then_output(|| aws_sdk_ecs::operation::list_tasks::ListTasksOutput::builder().build())
}

/// A completed 8 GiB snapshot `id` of account 111122223333 whose volume is gone (an
/// orphan), tagged `tags`.
pub fn orphaned_snapshot(id: &str, tags: &[(&str, &str)]) -> aws_sdk_ec2::types::Snapshot {
    let tags = tags
        .iter()
        .map(|(k, v)| aws_sdk_ec2::types::Tag::builder().key(*k).value(*v).build());
    aws_sdk_ec2::types::Snapshot::builder()
        .snapshot_id(id)
        .volume_id(format!("vol-gone-{id}"))
        .volume_size(8)
        .owner_id("111122223333")
        .state(aws_sdk_ec2::types::SnapshotState::Completed)
        .set_tags(Some(tags.collect()))
        .build()
}

/// AMI `id` whose one EBS block device comes from snapshot `snapshot`.
pub fn ami_from(id: &str, snapshot: &str) -> aws_sdk_ec2::types::builders::ImageBuilder {
    aws_sdk_ec2::types::Image::builder()
        .image_id(id)
        .block_device_mappings(
            aws_sdk_ec2::types::BlockDeviceMapping::builder()
                .ebs(
                    aws_sdk_ec2::types::EbsBlockDevice::builder()
                        .snapshot_id(snapshot)
                        .build(),
                )
                .build(),
        )
}

/// ECR with no repositories.
pub fn no_repositories() -> Rule {
    mock!(aws_sdk_ecr::Client::describe_repositories).then_output(|| {
        aws_sdk_ecr::operation::describe_repositories::DescribeRepositoriesOutput::builder().build()
    })
}

/// Empty answers to the EC2 reads an orphan scan makes besides DescribeVolumes:
/// DescribeSnapshots, DescribeImages (AMIs) and DescribeLaunchTemplates.
pub fn no_other_ec2() -> [Rule; 3] {
    [
        mock!(aws_sdk_ec2::Client::describe_snapshots).then_output(|| {
            aws_sdk_ec2::operation::describe_snapshots::DescribeSnapshotsOutput::builder().build()
        }),
        mock!(aws_sdk_ec2::Client::describe_images).then_output(|| {
            aws_sdk_ec2::operation::describe_images::DescribeImagesOutput::builder().build()
        }),
        mock!(aws_sdk_ec2::Client::describe_launch_templates).then_output(|| {
            aws_sdk_ec2::operation::describe_launch_templates::DescribeLaunchTemplatesOutput::builder()
                .build()
        }),
    ]
}
