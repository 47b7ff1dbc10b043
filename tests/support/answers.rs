//! Mocked AWS answers several tests share: a rule that answers an operation with an HTTP
//! error and a JSON body (once or every time), the error bodies, and the empty answers of
//! the reads a test does not look at.
#![allow(
    dead_code,
    unused_macros,
    unused_imports,
    reason = "each harness uses a part: the e2e one only the empty answers"
)]

use aws_smithy_mocks::{Rule, mock};

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

/// An older endpoint's answer to an operation it does not have.
pub const UNKNOWN_OPERATION: &str = r#"{"__type":"UnknownOperationException"}"#;

/// ListClusters answering these cluster ARNs (one page).
pub fn clusters_listed(arns: &[&str]) -> Rule {
    let arns: Vec<String> = arns.iter().map(|a| (*a).to_string()).collect();
    mock!(aws_sdk_ecs::Client::list_clusters).then_output(move || {
        aws_sdk_ecs::operation::list_clusters::ListClustersOutput::builder()
            .set_cluster_arns(Some(arns.clone()))
            .build()
    })
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
