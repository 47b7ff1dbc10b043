//! `cleanup --snapshots --archive` over two places, against aws-smithy-mocks: each place is
//! planned by the archive planner and preflighted through its own `Mutator`; a place whose
//! ModifySnapshotTier is denied reports that failure (naming the IAM action and the
//! region) while the other place archives; the audit lines carry each place's region; the
//! fleet JSON says so per place. A read-only place is refused without one request.

use std::sync::{Arc, Mutex};

use crate::mocked::{block_on, ec2_only};
use crate::snapshot_locks::{denied, reads};
use aws_sdk_ec2::operation::describe_locked_snapshots::DescribeLockedSnapshotsOutput;
use aws_sdk_ec2::operation::modify_snapshot_tier::ModifySnapshotTierOutput;
use aws_smithy_mocks::{Rule, mock};
use chrono::{TimeZone, Utc};
use ecsnap::analysis::orphans::OrphanFilter;
use ecsnap::aws::fleet::Place;
use ecsnap::aws::{AwsClients, Preflight};
use ecsnap::config::{Marks, Settings};
use ecsnap::model::{CallerIdentity, ResourceKind};
use ecsnap::ops::audit::{Actor, AuditLog, read_entries};
use ecsnap::ops::cleanup::fleet::{CleanupAsk, FleetCleanupPlan, PlaceCleanup, plan_places};
use ecsnap::ops::cleanup::{ExecuteOptions, ItemResult, ItemStatus, execute};
use ecsnap::ops::guard::{Mutator, ReadOnly};
use ecsnap::ops::wait::FakeClock;
use ecsnap::output::fleet_cleanup::FleetCleanupJson;

const ACCOUNT: &str = "111122223333";
const EAST: &str = "us-east-1";
const WEST: &str = "eu-west-1";

/// What a place's ModifySnapshotTier does with a request that is not a DryRun.
#[derive(Clone, Copy)]
enum Tier {
    Archives,
    Denied,
}

/// A place: its reads, its `Mutator` (audited into the run's one log), and every
/// ModifySnapshotTier it was sent as `(dry_run, snapshot id)`.
struct MockPlace {
    place: Place,
    aws: AwsClients,
    mutator: Mutator,
    settings: Settings,
    sent: Arc<Mutex<Vec<(bool, String)>>>,
}

/// A place in `region` where EC2 lists `snapshots` (orphaned, 8 GiB each, standard tier)
/// and answers ModifySnapshotTier as `tier` (a DryRun is always allowed).
fn mock_place(
    region: &str,
    snapshots: &'static [&'static str],
    tier: Tier,
    audit: &Arc<AuditLog>,
    read_only: bool,
) -> MockPlace {
    let sent = Arc::new(Mutex::new(Vec::new()));
    let record = |dry: bool| {
        let sent = Arc::clone(&sent);
        move |r: &aws_sdk_ec2::operation::modify_snapshot_tier::ModifySnapshotTierInput| {
            let is_dry = r.dry_run() == Some(true);
            if is_dry == dry
                && let Ok(mut s) = sent.lock()
            {
                s.push((is_dry, r.snapshot_id().unwrap_or_default().to_string()));
            }
            is_dry == dry
        }
    };
    let dry_run = mock!(aws_sdk_ec2::Client::modify_snapshot_tier)
        .match_requests(record(true))
        .then_output(|| ModifySnapshotTierOutput::builder().build());
    let real = mock!(aws_sdk_ec2::Client::modify_snapshot_tier).match_requests(record(false));
    let real = match tier {
        Tier::Archives => real.then_output(|| ModifySnapshotTierOutput::builder().build()),
        Tier::Denied => real
            .sequence()
            .http_status(403, Some(denied()))
            .repeatedly()
            .build(),
    };
    let mut rules: Vec<Rule> = reads(snapshots);
    rules.extend([
        mock!(aws_sdk_ec2::Client::describe_locked_snapshots)
            .then_output(|| DescribeLockedSnapshotsOutput::builder().build()),
        dry_run,
        real,
    ]);
    let (aws, ops) = ec2_only(region, &rules.iter().collect::<Vec<_>>());
    let identity = CallerIdentity {
        account: ACCOUNT.into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:role/cleanup"),
    };
    let mutator = Mutator::new(
        ops,
        read_only.then(|| ReadOnly("read-only mode is on (--read-only)".into())),
        Arc::clone(audit),
        Actor::new(Some(&identity), None, region),
    );
    MockPlace {
        place: Place {
            account: "dev".into(),
            account_id: ACCOUNT.into(),
            region: region.into(),
            marks: Marks {
                production: false,
                read_only,
            },
        },
        aws,
        mutator,
        settings: Settings::default(),
        sent,
    }
}

fn ask() -> CleanupAsk {
    CleanupAsk {
        target: ResourceKind::Snapshot,
        filter: OrphanFilter::default(),
        snapshot_first: false,
        archive: true,
        now: Utc
            .with_ymd_and_hms(2026, 12, 6, 12, 0, 0)
            .single()
            .expect("now"),
    }
}

fn plan(places: &[&MockPlace]) -> FleetCleanupPlan {
    let cleanup: Vec<PlaceCleanup<'_>> = places
        .iter()
        .map(|p| PlaceCleanup {
            place: &p.place,
            aws: &p.aws,
            mutator: &p.mutator,
            settings: &p.settings,
        })
        .collect();
    block_on(plan_places(&cleanup, ask()))
}

/// Every group executed through its own place's `Mutator`, in the plan's order.
fn execute_all(plan: &FleetCleanupPlan, places: &[&MockPlace]) -> Vec<Vec<ItemResult>> {
    plan.groups
        .iter()
        .zip(places)
        .map(|(g, p)| {
            assert_eq!(g.place, p.place);
            block_on(execute(
                &p.aws,
                &p.mutator,
                &p.settings,
                &g.plan,
                &FakeClock::default(),
                &ExecuteOptions::default(),
                &mut |_| {},
            ))
            .expect("executes")
        })
        .collect()
}

fn sent(p: &MockPlace) -> Vec<(bool, String)> {
    p.sent.lock().expect("sent").clone()
}

#[test]
fn a_place_denied_modify_snapshot_tier_fails_alone_and_the_other_archives() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("audit.log");
    let audit = Arc::new(AuditLog::open(&log).expect("audit log"));
    let east = mock_place(EAST, &["snap-e1", "snap-e2"], Tier::Archives, &audit, false);
    let west = mock_place(WEST, &["snap-w1"], Tier::Denied, &audit, false);
    let places = [&east, &west];

    // One plan: each place's archive plan, preflighted (DryRun only) in its own place.
    let plan = plan(&places);
    assert!(plan.archive && plan.failures.is_empty(), "{plan:?}");
    let planned: Vec<(String, Vec<String>)> = plan
        .groups
        .iter()
        .map(|g| {
            assert!(g.plan.archive, "{g:?}");
            assert!(
                g.plan
                    .items
                    .iter()
                    .all(|i| i.preflight == Some(Preflight::Allowed)),
                "{g:?}"
            );
            (
                g.place.region.clone(),
                g.plan.items.iter().map(|i| i.id.clone()).collect(),
            )
        })
        .collect();
    assert_eq!(
        planned,
        [
            (EAST.to_string(), vec!["snap-e1".into(), "snap-e2".into()]),
            (WEST.to_string(), vec!["snap-w1".to_string()]),
        ]
    );
    assert_eq!(plan.to_execute(), 3);
    assert!(sent(&east).iter().chain(&sent(&west)).all(|(dry, _)| *dry));
    // 8 GiB: $0.40 standard, $0.10 archived each.
    assert!((plan.total_monthly_usd() - 1.2).abs() < 1e-9);
    assert!((plan.archive_monthly_usd() - 0.3).abs() < 1e-9);

    let results = execute_all(&plan, &places);
    let outcomes: Vec<Vec<(String, ItemStatus)>> = results
        .iter()
        .map(|r| r.iter().map(|r| (r.id.clone(), r.status)).collect())
        .collect();
    assert_eq!(
        outcomes,
        [
            vec![
                ("snap-e1".to_string(), ItemStatus::Done),
                ("snap-e2".to_string(), ItemStatus::Done)
            ],
            vec![("snap-w1".to_string(), ItemStatus::Failed)],
        ]
    );
    let why = results[1][0].detail.as_deref().unwrap_or_default();
    assert!(
        why.contains("ec2:ModifySnapshotTier was denied in eu-west-1")
            && why.contains("`ec2:ModifySnapshotTier`"),
        "{why}"
    );
    let real = |p: &MockPlace| -> Vec<String> {
        sent(p)
            .into_iter()
            .filter(|(dry, _)| !dry)
            .map(|(_, id)| id)
            .collect()
    };
    assert_eq!(real(&east), ["snap-e1", "snap-e2"]);
    assert_eq!(real(&west), ["snap-w1"], "sent once, not retried");

    // The audit log: a result line per snapshot, in its place's region.
    let mut audited: Vec<(String, String, String)> = read_entries(&log)
        .expect("audit")
        .into_iter()
        .filter(|e| e.is_result() && e.action == "ec2:ModifySnapshotTier")
        .map(|e| (e.region, e.resource_ids.join(","), e.result))
        .collect();
    audited.sort();
    assert_eq!(
        audited,
        [
            (WEST.into(), "snap-w1".into(), "failed".into()),
            (EAST.into(), "snap-e1".into(), "ok".into()),
            (EAST.into(), "snap-e2".into(), "ok".into()),
        ]
    );

    // The JSON: per place, in the fleet delete's shape.
    let json =
        serde_json::to_value(FleetCleanupJson::new(&plan, false, Some(&results))).expect("json");
    assert_eq!(json["action"], "archive");
    assert_eq!(json["totals"]["archive_monthly_usd"], 0.3);
    assert_eq!(json["totals_by_place"][0]["region"], EAST);
    assert_eq!(json["totals_by_place"][0]["summary"]["done"], 2);
    assert_eq!(json["totals_by_place"][1]["region"], WEST);
    assert_eq!(json["totals_by_place"][1]["summary"]["failed"], 1);
    assert_eq!(json["summary"]["done"], 2);
    assert_eq!(json["summary"]["failed"], 1);
    let failed = json["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["status"] == "failed")
        .expect("a failed result");
    assert_eq!(failed["region"], WEST);
    assert_eq!(failed["id"], "snap-w1");
}

#[test]
fn a_read_only_place_is_refused_without_a_request_and_the_other_is_planned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let audit = Arc::new(AuditLog::open(&dir.path().join("audit.log")).expect("audit log"));
    let east = mock_place(EAST, &["snap-e1"], Tier::Archives, &audit, false);
    let west = mock_place(WEST, &["snap-w1"], Tier::Archives, &audit, true);
    let plan = plan(&[&east, &west]);
    assert_eq!(plan.groups.len(), 2);
    assert_eq!(plan.groups[0].refused, None);
    let refused = plan.groups[1].refused.as_deref().unwrap_or_default();
    assert!(
        refused.contains("read-only") && refused.contains(WEST),
        "{refused}"
    );
    // Planned (so the plan says what it would archive) but not even preflighted.
    assert_eq!(plan.groups[1].plan.items.len(), 1);
    assert_eq!(plan.to_execute(), 1);
    assert!(sent(&west).is_empty(), "{:?}", sent(&west));
    assert_eq!(sent(&east), [(true, "snap-e1".to_string())]);
}
