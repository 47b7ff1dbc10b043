//! `cleanup --snapshots --marked` against aws-smithy-mocks: a marked snapshot past its
//! date that is still an orphan is deleted; one an AMI now uses is unmarked (DeleteTags
//! with both keys), never deleted; one not yet due is only listed; read-only sends nothing.

use std::sync::{Arc, Mutex};

use crate::answers::{ami_from, orphaned_snapshot};
use crate::mocked::{audited, block_on, ec2_only, skip_reason};
use aws_sdk_ec2::operation::delete_snapshot::DeleteSnapshotOutput;
use aws_sdk_ec2::operation::delete_tags::DeleteTagsOutput;
use aws_sdk_ec2::operation::describe_images::DescribeImagesOutput;
use aws_sdk_ec2::operation::describe_launch_templates::DescribeLaunchTemplatesOutput;
use aws_sdk_ec2::operation::describe_locked_snapshots::DescribeLockedSnapshotsOutput;
use aws_sdk_ec2::operation::describe_snapshots::DescribeSnapshotsOutput;
use aws_sdk_ec2::operation::describe_volumes::DescribeVolumesOutput;
use aws_sdk_ec2::types::Snapshot;
use aws_smithy_mocks::{Rule, mock};
use chrono::{TimeZone, Utc};
use ecsnap::aws::{AwsClients, OpsClients};
use ecsnap::config::Settings;
use ecsnap::model::ResourceKind;
use ecsnap::ops::cleanup::marks;
use ecsnap::ops::cleanup::{ExecuteOptions, ItemStatus, execute};
use ecsnap::ops::guard::ReadOnly;
use ecsnap::ops::wait::FakeClock;

const ACCOUNT: &str = "111122223333";

/// An orphaned snapshot marked for deletion after `date`, owned by team-data.
fn marked(id: &str, date: &str) -> Snapshot {
    orphaned_snapshot(
        id,
        &[("ecsnap:delete-after", date), ("ecsnap:owner", "team-data")],
    )
}

fn rules() -> Vec<Rule> {
    vec![
        mock!(aws_sdk_ec2::Client::describe_volumes)
            .then_output(|| DescribeVolumesOutput::builder().build()),
        mock!(aws_sdk_ec2::Client::describe_snapshots).then_output(|| {
            DescribeSnapshotsOutput::builder()
                .snapshots(marked("snap-due", "2027-01-05"))
                .snapshots(marked("snap-ami", "2027-01-05"))
                .snapshots(marked("snap-later", "2027-03-01"))
                .build()
        }),
        mock!(aws_sdk_ec2::Client::describe_images).then_output(|| {
            DescribeImagesOutput::builder()
                .images(ami_from("ami-0golden", "snap-ami").build())
                .build()
        }),
        mock!(aws_sdk_ec2::Client::describe_launch_templates)
            .then_output(|| DescribeLaunchTemplatesOutput::builder().build()),
        mock!(aws_sdk_ec2::Client::describe_locked_snapshots)
            .then_output(|| DescribeLockedSnapshotsOutput::builder().build()),
    ]
}

fn clients(rules: &[&Rule]) -> (AwsClients, OpsClients) {
    ec2_only("eu-west-1", rules)
}

fn plan(aws: &AwsClients) -> marks::MarkedPlan {
    let now = Utc
        .with_ymd_and_hms(2027, 1, 6, 9, 0, 0)
        .single()
        .expect("now");
    let settings = Settings::default();
    let cx = ecsnap::ops::cleanup::PlanContext::new(aws, &settings, Some(ACCOUNT), now);
    block_on(marks::plan_marked(cx, ResourceKind::Snapshot)).expect("plan")
}

#[test]
fn only_due_orphans_are_deleted_and_what_is_used_again_is_unmarked() {
    let reads = rules();
    let deleted = Arc::new(Mutex::new(Vec::<String>::new()));
    let untagged = Arc::new(Mutex::new(Vec::<(String, Vec<String>)>::new()));
    let d = Arc::clone(&deleted);
    let delete = mock!(aws_sdk_ec2::Client::delete_snapshot)
        .match_requests(move |r| {
            if let Ok(mut v) = d.lock() {
                v.push(r.snapshot_id().unwrap_or_default().to_string());
            }
            true
        })
        .then_output(|| DeleteSnapshotOutput::builder().build());
    let u = Arc::clone(&untagged);
    let untag = mock!(aws_sdk_ec2::Client::delete_tags)
        .match_requests(move |r| {
            if let Ok(mut v) = u.lock() {
                v.push((
                    r.resources().join(","),
                    r.tags()
                        .iter()
                        .filter_map(|t| t.key().map(str::to_string))
                        .collect(),
                ));
            }
            true
        })
        .then_output(|| DeleteTagsOutput::builder().build());
    let mut all: Vec<&Rule> = reads.iter().collect();
    all.extend([&delete, &untag]);
    let (aws, ops) = clients(&all);

    let plan = plan(&aws);
    let items: Vec<&str> = plan.delete.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(items, ["snap-due"]);
    assert!(
        plan.delete.items[0].reason.contains("owner team-data"),
        "{plan:?}"
    );
    assert_eq!(
        skip_reason(&plan.delete.skipped, "snap-later"),
        "marked: to be deleted on 2027-03-01 (owner team-data)"
    );
    assert_eq!(plan.unmark.len(), 1, "{plan:?}");
    assert_eq!(plan.unmark[0].id, "snap-ami");
    assert!(
        plan.unmark[0].why.contains("ami-0golden"),
        "{}",
        plan.unmark[0].why
    );

    let (mutator, _dir, _log) = audited(ops, None);
    let unmarked = block_on(marks::execute_unmark(&mutator, &plan)).expect("unmarked");
    assert_eq!(unmarked[0].status, ItemStatus::Done);
    let results = block_on(execute(
        &aws,
        &mutator,
        &Settings::default(),
        &plan.delete,
        &FakeClock::default(),
        &ExecuteOptions::default(),
        &mut |_| {},
    ))
    .expect("executed");
    assert!(
        results.iter().all(|r| r.status == ItemStatus::Done),
        "{results:?}"
    );
    assert_eq!(*deleted.lock().expect("deleted"), ["snap-due"]);
    assert_eq!(
        *untagged.lock().expect("untagged"),
        [(
            "snap-ami".to_string(),
            vec![
                "ecsnap:delete-after".to_string(),
                "ecsnap:owner".to_string()
            ]
        )]
    );
}

#[test]
fn read_only_unmarks_nothing() {
    let reads = rules();
    let untag =
        mock!(aws_sdk_ec2::Client::delete_tags).then_output(|| DeleteTagsOutput::builder().build());
    let mut all: Vec<&Rule> = reads.iter().collect();
    all.push(&untag);
    let (aws, ops) = clients(&all);
    let plan = plan(&aws);
    let (mutator, _dir, _log) = audited(ops, Some(ReadOnly("read-only for the test".into())));
    let refused = block_on(marks::execute_unmark(&mutator, &plan));
    assert!(
        matches!(refused, Err(ecsnap::Error::Refused(_))),
        "{refused:?}"
    );
    assert_eq!(untag.num_calls(), 0);
}
