//! The hardened orphan rules against requests and answers moto cannot show: disabled AMIs
//! are asked for (`IncludeDisabled`), every version of every launch template is read and
//! its snapshots are skipped, DLM and AWS Backup snapshots are skipped, and a denied
//! launch-template read names its IAM action. aws-smithy-mocks, no retries, no waiting.

use crate::asserts::assert_has;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::answers::{ami_from, orphaned_snapshot};
use crate::mocked::{MockAws, skip_reasons};
use aws_sdk_ec2::operation::describe_images::DescribeImagesOutput;
use aws_sdk_ec2::operation::describe_launch_template_versions::DescribeLaunchTemplateVersionsOutput;
use aws_sdk_ec2::operation::describe_launch_templates::DescribeLaunchTemplatesOutput;
use aws_sdk_ec2::operation::describe_snapshots::DescribeSnapshotsOutput;
use aws_sdk_ec2::operation::describe_volumes::DescribeVolumesOutput;
use aws_sdk_ec2::types::{
    LaunchTemplate, LaunchTemplateBlockDeviceMapping, LaunchTemplateEbsBlockDevice,
    LaunchTemplateVersion, ResponseLaunchTemplateData,
};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use ecsnap::analysis::orphans::OrphanFilter;
use ecsnap::aws::{AwsClients, CallContext, Ec2Adapter, Ec2Api, StsAdapter};
use ecsnap::config::Settings;

fn ctx() -> CallContext {
    CallContext {
        region: "eu-west-1".into(),
        endpoint: None,
        profile: None,
    }
}

macro_rules! client {
    ($krate:ident, $rules:expr) => {{
        mock_client!($krate, RuleMode::MatchAny, $rules, |c| c
            .retry_config($krate::config::retry::RetryConfig::disabled())
            .region($krate::config::Region::new("eu-west-1")))
    }};
}

fn ec2(rules: &[&Rule]) -> Ec2Adapter {
    Ec2Adapter::new(client!(aws_sdk_ec2, rules.iter().copied()), ctx())
}

/// Clients in eu-west-1 where only EC2 answers, with `ec2` rules (STS answers nothing).
fn clients(ec2: &[&Rule]) -> AwsClients {
    let none: [&Rule; 0] = [];
    MockAws {
        ecs: client!(aws_sdk_ecs, none),
        ecr: client!(aws_sdk_ecr, none),
        ec2: client!(aws_sdk_ec2, ec2.iter().copied()),
        logs: client!(aws_sdk_cloudwatchlogs, none),
        sts: Arc::new(StsAdapter::new(client!(aws_sdk_sts, none), ctx())),
        ..MockAws::in_region("eu-west-1")
    }
    .clients_and_ops()
    .0
}

fn version(template: &str, n: i64, snapshots: &[&str]) -> LaunchTemplateVersion {
    let mut data = ResponseLaunchTemplateData::builder();
    for s in snapshots {
        data = data.block_device_mappings(
            LaunchTemplateBlockDeviceMapping::builder()
                .device_name("/dev/xvdb")
                .ebs(
                    LaunchTemplateEbsBlockDevice::builder()
                        .snapshot_id(*s)
                        .build(),
                )
                .build(),
        );
    }
    LaunchTemplateVersion::builder()
        .launch_template_id(template)
        .version_number(n)
        .launch_template_data(data.build())
        .build()
}

/// DescribeImages only answers when `IncludeDisabled` is set: without it no rule matches
/// and the call fails, so the AMI (and the snapshot it holds) would be missed.
fn images_rule() -> Rule {
    mock!(aws_sdk_ec2::Client::describe_images)
        .match_requests(|r| r.include_disabled() == Some(true) && r.owners() == ["self"])
        .then_output(|| {
            DescribeImagesOutput::builder()
                .images(
                    ami_from("ami-0disabled", "snap-ami")
                        .name("old-golden")
                        .state(aws_sdk_ec2::types::ImageState::Disabled)
                        .build(),
                )
                .build()
        })
}

#[tokio::test]
async fn own_amis_are_read_with_include_disabled() {
    let rule = images_rule();
    let adapter = ec2(&[&rule]);
    let amis = adapter
        .describe_own_amis()
        .await
        .expect("the request sets IncludeDisabled");
    assert_eq!(rule.num_calls(), 1);
    assert_eq!(amis.len(), 1);
    assert_eq!(amis[0].state.as_deref(), Some("disabled"));
    assert_eq!(amis[0].snapshot_ids, ["snap-ami"]);
}

// One fleet with every kind of kept snapshot: one list reads better than several tests.
#[allow(
    clippy::too_many_lines,
    reason = "one fleet with every kind of snapshot user, each skip asserted"
)]
#[tokio::test]
async fn snapshots_a_template_dlm_backup_or_disabled_ami_needs_are_skipped() {
    let volumes = mock!(aws_sdk_ec2::Client::describe_volumes)
        .then_output(|| DescribeVolumesOutput::builder().build());
    let snapshots = mock!(aws_sdk_ec2::Client::describe_snapshots).then_output(|| {
        DescribeSnapshotsOutput::builder()
            .snapshots(orphaned_snapshot("snap-plain", &[]))
            .snapshots(orphaned_snapshot("snap-ami", &[]))
            .snapshots(orphaned_snapshot("snap-lt-latest", &[]))
            .snapshots(orphaned_snapshot("snap-lt-v1", &[]))
            .snapshots(orphaned_snapshot(
                "snap-dlm",
                &[("aws:dlm:lifecycle-policy-id", "policy-0abc1234")],
            ))
            .snapshots(orphaned_snapshot(
                "snap-backup",
                &[(
                    "aws:backup:source-resource",
                    "arn:aws:ec2:eu-west-1::volume/vol-0abc",
                )],
            ))
            .build()
    });
    let images = images_rule();
    // Two pages of templates.
    let templates_1 = mock!(aws_sdk_ec2::Client::describe_launch_templates)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| {
            DescribeLaunchTemplatesOutput::builder()
                .launch_templates(
                    LaunchTemplate::builder()
                        .launch_template_id("lt-0workers")
                        .launch_template_name("ecs-workers")
                        .build(),
                )
                .next_token("p2")
                .build()
        });
    let templates_2 = mock!(aws_sdk_ec2::Client::describe_launch_templates)
        .match_requests(|r| r.next_token() == Some("p2"))
        .then_output(|| {
            DescribeLaunchTemplatesOutput::builder()
                .launch_templates(
                    LaunchTemplate::builder()
                        .launch_template_id("lt-0empty")
                        .launch_template_name("no-volumes")
                        .build(),
                )
                .build()
        });
    // Every version: no `Versions` in the request, one template per call.
    let versions = mock!(aws_sdk_ec2::Client::describe_launch_template_versions)
        .match_requests(|r| r.versions().is_empty() && r.launch_template_id().is_some())
        .then_compute_output(|r| {
            let out = DescribeLaunchTemplateVersionsOutput::builder();
            match r.launch_template_id() {
                Some("lt-0workers") => out
                    .launch_template_versions(version("lt-0workers", 1, &["snap-lt-v1"]))
                    .launch_template_versions(version("lt-0workers", 2, &["snap-lt-latest"]))
                    .build(),
                _ => out
                    .launch_template_versions(version("lt-0empty", 1, &[]))
                    .build(),
            }
        });
    let aws = clients(&[
        &volumes,
        &snapshots,
        &images,
        &templates_1,
        &templates_2,
        &versions,
    ]);
    let report = ecsnap::load::load_orphans(
        &aws,
        &Settings::default(),
        Some("111122223333"),
        OrphanFilter::default(),
        chrono::Utc::now(),
    )
    .await
    .expect("orphans load");
    assert_eq!(
        versions.num_calls(),
        2,
        "one call per template, all versions"
    );
    let orphans: Vec<&str> = report
        .snapshots
        .iter()
        .map(|s| s.snapshot.id.as_str())
        .collect();
    assert_eq!(orphans, ["snap-plain"]);
    let skipped: BTreeMap<&str, &str> = skip_reasons(&report.skipped);
    assert_eq!(
        skipped,
        BTreeMap::from([
            ("snap-ami", "backs AMI ami-0disabled (old-golden)"),
            (
                "snap-backup",
                "managed by AWS Backup (source arn:aws:ec2:eu-west-1::volume/vol-0abc): its \
                 retention removes it"
            ),
            (
                "snap-dlm",
                "managed by DLM policy policy-0abc1234: its retention removes it"
            ),
            (
                "snap-lt-latest",
                "used by launch template lt-0workers (ecs-workers)"
            ),
            (
                "snap-lt-v1",
                "used by launch template lt-0workers (ecs-workers)"
            ),
        ])
    );
}

#[tokio::test]
async fn a_denied_launch_template_read_names_the_permission() {
    let body = "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not \
                authorized to perform this operation.</Message></Error></Errors><RequestID>r\
                </RequestID></Response>";
    let templates = mock!(aws_sdk_ec2::Client::describe_launch_templates).then_output(|| {
        DescribeLaunchTemplatesOutput::builder()
            .launch_templates(LaunchTemplate::builder().launch_template_id("lt-1").build())
            .build()
    });
    let versions = mock!(aws_sdk_ec2::Client::describe_launch_template_versions)
        .sequence()
        .http_status(403, Some(body.to_string()))
        .build();
    let adapter = ec2(&[&templates, &versions]);
    let err = adapter
        .describe_launch_templates()
        .await
        .expect_err("denied");
    let text = err.to_string();
    assert_has(&text, "`ec2:DescribeLaunchTemplateVersions`");
    assert_has(&text, "eu-west-1");
}
