//! End to end against moto: storage in the states AWS keeps it. moto has no
//! DescribeLockedSnapshots, like an older endpoint: a snapshot cleanup still plans and says
//! that locks were not checked, naming the permission. State is read back through the SDK.

use crate::emulator::{block_on, ecsnap, json_of, sdk, start_emulator, stderr_of};

/// A snapshot of a volume that is then deleted: an orphaned snapshot.
pub(crate) fn orphan_snapshot(ec2: &aws_sdk_ec2::Client) -> String {
    let vol = block_on(
        ec2.create_volume()
            .availability_zone("us-east-1a")
            .size(4)
            .send(),
    )
    .expect("volume");
    let vol_id = vol.volume_id().expect("volume id").to_string();
    let snap = block_on(ec2.create_snapshot().volume_id(&vol_id).send()).expect("snapshot");
    block_on(ec2.delete_volume().volume_id(&vol_id).send()).expect("volume deleted");
    snap.snapshot_id().expect("snapshot id").to_string()
}

#[test]
fn a_snapshot_cleanup_where_locks_cannot_be_read_says_so() {
    let emulator = start_emulator();
    let endpoint = emulator.endpoint();
    let aws = sdk(&endpoint);
    let snap = orphan_snapshot(&aws.ec2);
    let home = tempfile::tempdir().expect("home");
    let plan = json_of(ecsnap(&endpoint, home.path()).args([
        "--json",
        "cleanup",
        "--snapshots",
        "--dry-run",
    ]));
    let items: Vec<&str> = plan["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["id"].as_str())
        .collect();
    assert_eq!(items, [snap.as_str()], "{plan}");
    let note = plan["notes"][0].as_str().expect("a note");
    assert!(note.starts_with("locks were not checked: "), "{note}");
    assert!(note.contains("ec2:DescribeLockedSnapshots"), "{note}");
    // A dry run: the snapshot is still there.
    let left = block_on(aws.ec2.describe_snapshots().owner_ids("self").send()).expect("read");
    assert!(
        left.snapshots()
            .iter()
            .any(|s| s.snapshot_id() == Some(snap.as_str()))
    );
}

/// (tier, restore expiry set) of a snapshot, as DescribeSnapshots answers.
fn tier_of(ec2: &aws_sdk_ec2::Client, id: &str) -> (String, bool) {
    let out = block_on(ec2.describe_snapshots().snapshot_ids(id).send()).expect("snapshot");
    let s = out.snapshots().first().expect("one snapshot");
    (
        s.storage_tier()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        s.restore_expiry_time().is_some(),
    )
}

fn archive(ec2: &aws_sdk_ec2::Client, id: &str) {
    block_on(
        ec2.modify_snapshot_tier()
            .snapshot_id(id)
            .storage_tier(aws_sdk_ec2::types::TargetStorageTier::Archive)
            .send(),
    )
    .expect("archived");
}

// One archived snapshot through the listing, the report and every restore outcome.
#[allow(
    clippy::too_many_lines,
    reason = "one snapshot's story: listed, refused, dry run, restored, read back"
)]
#[test]
fn an_archived_snapshot_is_listed_as_such_and_restored_through_plan_confirm_audit() {
    let emulator = start_emulator();
    let endpoint = emulator.endpoint();
    let aws = sdk(&endpoint);
    let snap = orphan_snapshot(&aws.ec2);
    let plain = orphan_snapshot(&aws.ec2);
    archive(&aws.ec2, &snap);
    assert_eq!(tier_of(&aws.ec2, &snap), ("archive".to_string(), false));
    let home = tempfile::tempdir().expect("home");

    // Listed with its tier, at the archive price, with the 90-day minimum.
    let orphans = json_of(ecsnap(&endpoint, home.path()).args(["--json", "orphans"]));
    let listed = orphans["snapshots"]
        .as_array()
        .expect("snapshots")
        .iter()
        .find(|s| s["snapshot_id"] == snap.as_str())
        .expect("listed")
        .clone();
    assert_eq!(listed["storage_tier"], "archive", "{listed}");
    assert_eq!(
        listed["monthly_cost_usd"], 0.05,
        "4 GiB at $0.0125: {listed}"
    );
    let reason = listed["reason"].as_str().expect("reason");
    assert!(reason.contains("bills at least 90 days"), "{reason}");
    let other = orphans["snapshots"]
        .as_array()
        .expect("snapshots")
        .iter()
        .find(|s| s["snapshot_id"] == plain.as_str())
        .expect("listed")
        .clone();
    assert_eq!(other["storage_tier"], "standard", "{other}");
    let report = ecsnap(&endpoint, home.path())
        .args(["report"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&report.stdout);
    let row = text
        .lines()
        .find(|l| l.contains(snap.as_str()))
        .expect("report row");
    assert!(row.contains("snapshot (archive)"), "{row}");

    // Read-only refuses before anything is sent.
    let out = ecsnap(&endpoint, home.path())
        .args([
            "--read-only",
            "restore-snapshot",
            "--snapshot",
            &snap,
            "--days",
            "3",
            "--yes",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    assert_eq!(tier_of(&aws.ec2, &snap), ("archive".to_string(), false));

    // A snapshot in the standard tier has nothing to restore.
    let out = ecsnap(&endpoint, home.path())
        .args([
            "restore-snapshot",
            "--snapshot",
            &plain,
            "--permanent",
            "--yes",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("not archived"),
        "{}",
        stderr_of(&out)
    );

    // A dry run plans and sends nothing.
    let plan = json_of(ecsnap(&endpoint, home.path()).args([
        "--json",
        "restore-snapshot",
        "--snapshot",
        &snap,
        "--days",
        "3",
        "--dry-run",
    ]));
    assert_eq!(plan["dry_run"], true);
    assert_eq!(plan["days"], 3);
    assert!(
        plan["summary"]
            .as_str()
            .is_some_and(|s| s.contains("up to 72 h")),
        "{plan}"
    );
    assert_eq!(tier_of(&aws.ec2, &snap), ("archive".to_string(), false));

    // For 3 days: EC2 reports a restore expiry (moto keeps the tier `archive`).
    let done = json_of(ecsnap(&endpoint, home.path()).args([
        "--json",
        "restore-snapshot",
        "--snapshot",
        &snap,
        "--days",
        "3",
        "--yes",
    ]));
    assert!(done["restore_expiry_time"].is_string(), "{done}");
    assert!(tier_of(&aws.ec2, &snap).1, "restore expiry read back");
    let audit = crate::emulator::audit_entries(home.path());
    assert!(
        audit
            .iter()
            .any(|e| e.action == "ec2:RestoreSnapshotTier" && e.resource_ids == [snap.clone()]),
        "{audit:?}"
    );

    // Restored now: a second temporary restore is refused; a permanent one goes through.
    let out = ecsnap(&endpoint, home.path())
        .args([
            "restore-snapshot",
            "--snapshot",
            &snap,
            "--days",
            "5",
            "--yes",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("already restored until"),
        "{}",
        stderr_of(&out)
    );
    let done = json_of(ecsnap(&endpoint, home.path()).args([
        "--json",
        "restore-snapshot",
        "--snapshot",
        &snap,
        "--permanent",
        "--yes",
    ]));
    assert_eq!(done["permanent"], true, "{done}");
    assert_eq!(tier_of(&aws.ec2, &snap).0, "standard", "{done}");
}
