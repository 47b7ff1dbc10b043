//! Snapshot locks in a cleanup, against aws-smithy-mocks (moto has no
//! DescribeLockedSnapshots): the planner skips a locked snapshot with its mode and expiry
//! and it is never sent to DeleteSnapshot; a lock taken after the plan is caught by the
//! re-check before execute; a denied DescribeLockedSnapshots keeps the plan and says that
//! locks were not checked, naming the permission; several pages of locks are all read.

use std::sync::{Arc, Mutex};

use crate::answers::orphaned_snapshot;
use crate::cleanup::execute_plan;
use crate::mocked::{audited, block_on, ec2_only, skip_reason};
use aws_sdk_ec2::operation::delete_snapshot::DeleteSnapshotOutput;
use aws_sdk_ec2::operation::describe_images::DescribeImagesOutput;
use aws_sdk_ec2::operation::describe_launch_templates::DescribeLaunchTemplatesOutput;
use aws_sdk_ec2::operation::describe_locked_snapshots::DescribeLockedSnapshotsOutput;
use aws_sdk_ec2::operation::describe_snapshots::DescribeSnapshotsOutput;
use aws_sdk_ec2::operation::describe_volumes::DescribeVolumesOutput;
use aws_sdk_ec2::primitives::DateTime as SdkTime;
use aws_sdk_ec2::types::{LockState, LockedSnapshotsInfo};
use aws_smithy_mocks::{Rule, mock};
use chrono::{TimeZone, Utc};
use ecsnap::analysis::orphans::OrphanFilter;
use ecsnap::aws::{AwsClients, OpsClients};
use ecsnap::config::Settings;
use ecsnap::model::ResourceKind;
use ecsnap::ops::cleanup::{self, ExecuteOptions, ItemStatus};

const ACCOUNT: &str = "111122223333";
/// 2027-01-31T00:00:00Z.
const EXPIRES: i64 = 1_801_353_600;

/// A DescribeLockedSnapshots page: each (snapshot, lock state) of this account's, locked
/// until [`EXPIRES`], and the token of the next page if there is one.
fn locks(locked: &[(&str, LockState)], next: Option<&str>) -> DescribeLockedSnapshotsOutput {
    let infos = locked.iter().map(|(id, state)| {
        LockedSnapshotsInfo::builder()
            .snapshot_id(*id)
            .owner_id(ACCOUNT)
            .lock_state(state.clone())
            .lock_expires_on(SdkTime::from_secs(EXPIRES))
            .build()
    });
    DescribeLockedSnapshotsOutput::builder()
        .set_snapshots(Some(infos.collect()))
        .set_next_token(next.map(str::to_string))
        .build()
}

pub(crate) fn denied() -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error>\
     <Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this \
     operation.</Message></Error></Errors><RequestID>r-1</RequestID></Response>"
        .into()
}

/// The orphan rules' reads: no volumes, no AMIs, no templates; `snapshots` of gone volumes.
pub(crate) fn reads(snapshots: &'static [&'static str]) -> Vec<Rule> {
    vec![
        mock!(aws_sdk_ec2::Client::describe_volumes)
            .then_output(|| DescribeVolumesOutput::builder().build()),
        mock!(aws_sdk_ec2::Client::describe_snapshots).then_output(move || {
            let mut out = DescribeSnapshotsOutput::builder();
            for id in snapshots {
                out = out.snapshots(orphaned_snapshot(id, &[]));
            }
            out.build()
        }),
        mock!(aws_sdk_ec2::Client::describe_images)
            .then_output(|| DescribeImagesOutput::builder().build()),
        mock!(aws_sdk_ec2::Client::describe_launch_templates)
            .then_output(|| DescribeLaunchTemplatesOutput::builder().build()),
    ]
}

/// DeleteSnapshot answering ok, recording every id it was sent.
fn deletes(sent: &Arc<Mutex<Vec<String>>>) -> Rule {
    let sent = Arc::clone(sent);
    mock!(aws_sdk_ec2::Client::delete_snapshot)
        .match_requests(move |r| {
            if let Ok(mut s) = sent.lock() {
                s.push(r.snapshot_id().unwrap_or_default().to_string());
            }
            true
        })
        .then_output(|| DeleteSnapshotOutput::builder().build())
}

/// A place where EC2 answers the orphan reads of `snapshots`, DescribeLockedSnapshots by
/// `locks` and DeleteSnapshot (recording each id in `sent`).
struct Place {
    aws: AwsClients,
    ops: OpsClients,
    sent: Arc<Mutex<Vec<String>>>,
}

fn place(snapshots: &'static [&'static str], locks: &Rule) -> Place {
    let sent = Arc::new(Mutex::new(Vec::new()));
    let delete = deletes(&sent);
    let reads = reads(snapshots);
    let mut rules: Vec<&Rule> = reads.iter().collect();
    rules.extend([locks, &delete]);
    let (aws, ops) = ec2_only("eu-west-1", &rules);
    Place { aws, ops, sent }
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 6, 12, 0, 0)
        .single()
        .expect("now")
}

/// The snapshot cleanup plan at [`now`] (also the Recycle Bin tests').
pub(crate) async fn plan(aws: &AwsClients) -> cleanup::CleanupPlan {
    let settings = Settings::default();
    cleanup::plan(
        cleanup::PlanContext::new(aws, &settings, Some(ACCOUNT), now()),
        ResourceKind::Snapshot,
        OrphanFilter::default(),
        false,
    )
    .await
    .expect("plan")
}

fn run(aws: &AwsClients, ops: OpsClients, plan: &cleanup::CleanupPlan) -> Vec<cleanup::ItemResult> {
    let (mutator, _dir, _log) = audited(ops, None);
    block_on(execute_plan(
        aws,
        &mutator,
        plan,
        &ExecuteOptions::default(),
        &mut |_| {},
    ))
}

#[test]
fn a_locked_snapshot_is_skipped_with_mode_and_expiry_and_never_deleted() {
    const SNAPSHOTS: &[&str] = &["snap-locked", "snap-free", "snap-expired"];
    let locks = mock!(aws_sdk_ec2::Client::describe_locked_snapshots)
        // The plan asks about every candidate; the re-check about those planned.
        .match_requests(|r| {
            let mut ids = r.snapshot_ids().to_vec();
            ids.sort();
            ids == ["snap-expired", "snap-free", "snap-locked"]
                || ids == ["snap-expired", "snap-free"]
        })
        .then_output(|| {
            locks(
                &[
                    ("snap-locked", LockState::Compliance),
                    ("snap-expired", LockState::Expired),
                ],
                None,
            )
        });
    let Place { aws, ops, sent } = place(SNAPSHOTS, &locks);

    let plan = block_on(plan(&aws));
    let mut planned: Vec<&str> = plan.items.iter().map(|i| i.id.as_str()).collect();
    planned.sort_unstable();
    assert_eq!(planned, ["snap-expired", "snap-free"]);
    assert_eq!(
        skip_reason(&plan.skipped, "snap-locked"),
        "locked in compliance mode until 2027-01-31 00:00 UTC"
    );
    assert!(plan.notes.is_empty(), "{:?}", plan.notes);

    let results = run(&aws, ops, &plan);
    assert!(
        results.iter().all(|r| r.status == ItemStatus::Done),
        "{results:?}"
    );
    let mut deleted = sent.lock().expect("sent").clone();
    deleted.sort();
    assert_eq!(deleted, ["snap-expired", "snap-free"], "never snap-locked");
    assert_eq!(locks.num_calls(), 2, "once to plan, once to re-check");
}

#[test]
fn a_lock_taken_after_the_plan_is_caught_by_the_re_check() {
    const SNAPSHOTS: &[&str] = &["snap-a", "snap-b"];
    // The plan's question: no locks. The re-check's: snap-b is now locked (governance).
    let locks = mock!(aws_sdk_ec2::Client::describe_locked_snapshots)
        .sequence()
        .output(|| locks(&[], None))
        .output(|| locks(&[("snap-b", LockState::Governance)], None))
        .build();
    let Place { aws, ops, sent } = place(SNAPSHOTS, &locks);

    let plan = block_on(plan(&aws));
    assert_eq!(plan.items.len(), 2);
    let results = run(&aws, ops, &plan);
    let b = results.iter().find(|r| r.id == "snap-b").expect("snap-b");
    assert_eq!(b.status, ItemStatus::Skipped);
    assert_eq!(
        b.detail.as_deref(),
        Some("now locked in governance mode until 2027-01-31 00:00 UTC (re-checked)")
    );
    assert_eq!(*sent.lock().expect("sent"), ["snap-a"]);
}

#[test]
fn a_denied_lock_read_keeps_the_plan_and_says_locks_were_not_checked() {
    let locks = mock!(aws_sdk_ec2::Client::describe_locked_snapshots)
        .sequence()
        .http_status(403, Some(denied()))
        .repeatedly()
        .build();
    let Place { aws, sent, .. } = place(&["snap-a"], &locks);

    let plan = block_on(plan(&aws));
    assert_eq!(plan.items.len(), 1, "still offered");
    assert_eq!(plan.notes.len(), 1, "{:?}", plan.notes);
    let note = &plan.notes[0];
    assert!(note.starts_with("locks were not checked: "), "{note}");
    assert!(note.contains("ec2:DescribeLockedSnapshots"), "{note}");
    let json = serde_json::to_value(ecsnap::output::actions::CleanupJson::new(&plan, true, None))
        .expect("json");
    assert_eq!(json["notes"][0], note.as_str());
    assert!(sent.lock().expect("sent").is_empty());
}

#[test]
fn every_page_of_locks_is_read() {
    let first = mock!(aws_sdk_ec2::Client::describe_locked_snapshots)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| locks(&[("snap-1", LockState::Compliance)], Some("p2")));
    let second = mock!(aws_sdk_ec2::Client::describe_locked_snapshots)
        .match_requests(|r| r.next_token() == Some("p2"))
        .then_output(|| locks(&[("snap-2", LockState::ComplianceCooloff)], None));
    let (aws, _ops) = ec2_only("eu-west-1", &[&first, &second]);
    let ids: Vec<String> = (0..250).map(|i| format!("snap-{i}")).collect();
    let locks = block_on(aws.ec2.describe_locked_snapshots(&ids)).expect("locks");
    // 250 ids: two batches (200 + 50), each two pages.
    assert_eq!(first.num_calls(), 2);
    assert_eq!(second.num_calls(), 2);
    assert_eq!(locks.len(), 4);
    assert!(locks.iter().any(|l| l.state == "compliance-cooloff"));
}
