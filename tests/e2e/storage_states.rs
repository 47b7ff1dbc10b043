//! End to end against moto: storage in the states AWS keeps it. moto has no
//! DescribeLockedSnapshots, like an older endpoint: a snapshot cleanup still plans and says
//! that locks were not checked, naming the permission. State is read back through the SDK.

use crate::emulator::{block_on, json_of};
use crate::harness::{Fresh, new_volume, orphan_snapshot_in, output_at_exit, stderr_at_exit};

/// An untagged orphaned snapshot in us-east-1a.
pub(crate) fn orphan_snapshot(ec2: &aws_sdk_ec2::Client) -> String {
    orphan_snapshot_in(ec2, "us-east-1a", &[])
}

/// `restore-snapshot --snapshot <snap>` then `how` (the days, the confirmation).
fn restore<'a>(snap: &'a str, how: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["restore-snapshot", "--snapshot", snap];
    args.extend(how);
    args
}

/// The entry of snapshot `id` in an `orphans --json` listing.
fn listed_snapshot(orphans: &serde_json::Value, id: &str) -> serde_json::Value {
    orphans["snapshots"]
        .as_array()
        .expect("snapshots")
        .iter()
        .find(|s| s["snapshot_id"] == id)
        .expect("listed")
        .clone()
}

#[test]
fn a_snapshot_cleanup_where_locks_cannot_be_read_says_so() {
    let t = Fresh::start();
    let snap = orphan_snapshot(&t.aws.ec2);
    let plan = json_of(
        t.ecsnap()
            .args(["--json", "cleanup", "--snapshots", "--dry-run"]),
    );
    let items: Vec<&str> = plan["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["id"].as_str())
        .collect();
    assert_eq!(items, [snap.as_str()], "{plan}");
    let notes: Vec<&str> = plan["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    let note = notes
        .iter()
        .find(|n| n.starts_with("locks were not checked: "))
        .expect("a locks note");
    assert!(note.contains("ec2:DescribeLockedSnapshots"), "{note}");
    // moto has no Recycle Bin either: the plan says so rather than promising anything.
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("Recycle Bin not checked (rbin:ListRules)")),
        "{notes:?}"
    );
    assert_eq!(
        plan["items"][0]["recycle_bin"],
        serde_json::Value::Null,
        "{plan}"
    );
    // A dry run: the snapshot is still there.
    let left = block_on(t.aws.ec2.describe_snapshots().owner_ids("self").send()).expect("read");
    assert!(
        left.snapshots()
            .iter()
            .any(|s| s.snapshot_id() == Some(snap.as_str()))
    );
}

/// (tier, restore expiry set) of a snapshot, as DescribeSnapshots answers.
pub(crate) fn tier_of(ec2: &aws_sdk_ec2::Client, id: &str) -> (String, bool) {
    let out = block_on(ec2.describe_snapshots().snapshot_ids(id).send()).expect("snapshot");
    let s = out.snapshots().first().expect("one snapshot");
    (
        s.storage_tier()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        s.restore_expiry_time().is_some(),
    )
}

/// Moves snapshot `id` to the archive tier (ModifySnapshotTier).
pub(crate) fn archive(ec2: &aws_sdk_ec2::Client, id: &str) {
    block_on(
        ec2.modify_snapshot_tier()
            .snapshot_id(id)
            .storage_tier(aws_sdk_ec2::types::TargetStorageTier::Archive)
            .send(),
    )
    .expect("archived");
}

// One archived snapshot through the listing, the report and every restore outcome.
#[test]
fn an_archived_snapshot_is_listed_as_such_and_restored_through_plan_confirm_audit() {
    let t = Fresh::start();
    let snap = orphan_snapshot(&t.aws.ec2);
    let plain = orphan_snapshot(&t.aws.ec2);
    archive(&t.aws.ec2, &snap);
    assert_eq!(tier_of(&t.aws.ec2, &snap), ("archive".to_string(), false));

    // Listed with its tier, at the archive price, with the 90-day minimum.
    let orphans = json_of(t.ecsnap().args(["--json", "orphans"]));
    let listed = listed_snapshot(&orphans, &snap);
    assert_eq!(listed["storage_tier"], "archive", "{listed}");
    assert_eq!(
        listed["monthly_cost_usd"], 0.05,
        "4 GiB at $0.0125: {listed}"
    );
    let reason = listed["reason"].as_str().expect("reason");
    assert!(reason.contains("bills at least 90 days"), "{reason}");
    let other = listed_snapshot(&orphans, &plain);
    assert_eq!(other["storage_tier"], "standard", "{other}");
    let report = t.ecsnap().args(["report"]).output().expect("runs");
    let text = String::from_utf8_lossy(&report.stdout);
    let row = text
        .lines()
        .find(|l| l.contains(snap.as_str()))
        .expect("report row");
    assert!(row.contains("snapshot (archive)"), "{row}");

    // Read-only refuses before anything is sent.
    output_at_exit(
        t.ecsnap()
            .arg("--read-only")
            .args(restore(&snap, &["--days", "3", "--yes"])),
        5,
    );
    assert_eq!(tier_of(&t.aws.ec2, &snap), ("archive".to_string(), false));

    // A snapshot in the standard tier has nothing to restore.
    let stderr = stderr_at_exit(
        t.ecsnap().args(restore(&plain, &["--permanent", "--yes"])),
        5,
    );
    assert!(stderr.contains("not archived"), "{stderr}");

    // A dry run plans and sends nothing.
    let plan = json_of(
        t.ecsnap()
            .arg("--json")
            .args(restore(&snap, &["--days", "3", "--dry-run"])),
    );
    assert_eq!(plan["dry_run"], true);
    assert_eq!(plan["days"], 3);
    assert!(
        plan["summary"]
            .as_str()
            .is_some_and(|s| s.contains("up to 72 h")),
        "{plan}"
    );
    assert_eq!(tier_of(&t.aws.ec2, &snap), ("archive".to_string(), false));

    // For 3 days: EC2 reports a restore expiry (moto keeps the tier `archive`).
    let done = json_of(
        t.ecsnap()
            .arg("--json")
            .args(restore(&snap, &["--days", "3", "--yes"])),
    );
    assert!(done["restore_expiry_time"].is_string(), "{done}");
    assert!(tier_of(&t.aws.ec2, &snap).1, "restore expiry read back");
    let audit = crate::emulator::audit_entries(t.home.path());
    assert!(
        audit
            .iter()
            .any(|e| e.action == "ec2:RestoreSnapshotTier" && e.resource_ids == [snap.clone()]),
        "{audit:?}"
    );

    // Restored now: a second temporary restore is refused; a permanent one goes through.
    let stderr = stderr_at_exit(
        t.ecsnap().args(restore(&snap, &["--days", "5", "--yes"])),
        5,
    );
    assert!(stderr.contains("already restored until"), "{stderr}");
    let done = json_of(
        t.ecsnap()
            .arg("--json")
            .args(restore(&snap, &["--permanent", "--yes"])),
    );
    assert_eq!(done["permanent"], true, "{done}");
    assert_eq!(tier_of(&t.aws.ec2, &snap).0, "standard", "{done}");
}

/// The tags of a volume, `None` when it is gone.
fn volume_tags(
    ec2: &aws_sdk_ec2::Client,
    id: &str,
) -> Option<std::collections::BTreeMap<String, String>> {
    let out = block_on(ec2.describe_volumes().send()).expect("volumes");
    out.volumes()
        .iter()
        .find(|v| v.volume_id() == Some(id))
        .map(|v| {
            v.tags()
                .iter()
                .map(|t| {
                    (
                        t.key().unwrap_or_default().to_string(),
                        t.value().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
}

/// A 3 GiB volume in us-east-1a, named when `name` is given; its id.
fn volume_named(ec2: &aws_sdk_ec2::Client, name: Option<&str>) -> String {
    let tags: Vec<(&str, &str)> = name.map(|n| ("Name", n)).into_iter().collect();
    new_volume(ec2, "us-east-1a", 3, &tags)
}

// Two runs a month apart with a fake clock; each step reads AWS back.
#[expect(
    clippy::too_many_lines,
    reason = "mark, wait, re-attach, then the due run: one story"
)]
#[test]
fn marked_orphans_are_deleted_after_their_date_and_reattached_ones_unmarked() {
    let t = Fresh::start();
    let idle = volume_named(&t.aws.ec2, None);
    let scratch = volume_named(&t.aws.ec2, Some("scratch-bob"));
    let t0 = "2026-12-06T09:00:00Z";

    // Read-only refuses marking before anything is sent.
    output_at_exit(
        t.ecsnap().env("ECSNAP_NOW", t0).args([
            "--read-only",
            "cleanup",
            "--volumes",
            "--mark",
            "--yes",
        ]),
        5,
    );
    assert!(volume_tags(&t.aws.ec2, &idle).expect("idle").is_empty());

    // Run 1: mark both, 30 days of grace.
    let marked = json_of(t.ecsnap().env("ECSNAP_NOW", t0).args([
        "--json",
        "cleanup",
        "--volumes",
        "--mark",
        "--after",
        "30d",
        "--yes",
    ]));
    assert_eq!(
        marked["marks"].as_array().map(Vec::len),
        Some(2),
        "{marked}"
    );
    let tags = volume_tags(&t.aws.ec2, &idle).expect("idle");
    assert_eq!(
        tags.get("ecsnap:delete-after").map(String::as_str),
        Some("2027-01-05")
    );
    assert_eq!(
        tags.get("ecsnap:owner").map(String::as_str),
        Some("unknown")
    );
    let tags = volume_tags(&t.aws.ec2, &scratch).expect("scratch");
    assert_eq!(
        tags.get("ecsnap:owner").map(String::as_str),
        Some("scratch-bob")
    );

    // The report groups them by date and owner, ready to paste to a team channel.
    let report = json_of(t.ecsnap().args(["report", "--json"]));
    let groups: Vec<(String, String, usize)> = report["marked_for_deletion"]
        .as_array()
        .expect("marked_for_deletion")
        .iter()
        .map(|g| {
            (
                g["delete_after"].as_str().unwrap_or_default().to_string(),
                g["owner"].as_str().unwrap_or_default().to_string(),
                g["resources"].as_array().map_or(0, Vec::len),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            ("2027-01-05".to_string(), "scratch-bob".to_string(), 1),
            ("2027-01-05".to_string(), "unknown".to_string(), 1),
        ],
        "{report}"
    );
    let text = t.ecsnap().args(["report"]).output().expect("runs");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("To be deleted on 2027-01-05:\n"), "{text}");
    assert!(
        text.contains(&format!("- scratch-bob: 1 (3 GiB): {scratch} (")),
        "{text}"
    );

    // Ten days later nothing is due: a dry run lists both as waiting, and deletes nothing.
    let early = json_of(t.ecsnap().env("ECSNAP_NOW", "2026-12-16T09:00:00Z").args([
        "--json",
        "cleanup",
        "--volumes",
        "--marked",
        "--dry-run",
    ]));
    assert_eq!(
        early["delete"]["items"].as_array().map(Vec::len),
        Some(0),
        "{early}"
    );
    let waiting: Vec<&str> = early["delete"]["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .filter_map(|s| s["reason"].as_str())
        .collect();
    assert!(
        waiting
            .iter()
            .all(|r| r.starts_with("marked: to be deleted on 2027-01-05")),
        "{early}"
    );

    // Meanwhile `scratch` is attached again, and a new orphan appears (never marked).
    let instance = block_on(
        t.aws
            .ec2
            .run_instances()
            .image_id("ami-12345678")
            .min_count(1)
            .max_count(1)
            .send(),
    )
    .expect("instance")
    .instances()
    .first()
    .and_then(|i| i.instance_id())
    .expect("instance id")
    .to_string();
    block_on(
        t.aws
            .ec2
            .attach_volume()
            .volume_id(&scratch)
            .instance_id(&instance)
            .device("/dev/sdf")
            .send(),
    )
    .expect("attached");
    let fresh = volume_named(&t.aws.ec2, None);

    // Read-only refuses the due run too: nothing deleted, nothing unmarked.
    output_at_exit(
        t.ecsnap().env("ECSNAP_NOW", "2027-01-06T09:00:00Z").args([
            "--read-only",
            "cleanup",
            "--volumes",
            "--marked",
            "--yes",
        ]),
        5,
    );
    assert!(volume_tags(&t.aws.ec2, &idle).is_some(), "still there");
    assert!(
        volume_tags(&t.aws.ec2, &scratch)
            .expect("scratch")
            .contains_key("ecsnap:delete-after")
    );

    // Run 2, past the date: the idle one goes, the attached one is unmarked, the new one
    // stays untouched.
    let due = json_of(t.ecsnap().env("ECSNAP_NOW", "2027-01-06T09:00:00Z").args([
        "--json",
        "cleanup",
        "--volumes",
        "--marked",
        "--yes",
    ]));
    let results = due["results"].as_array().expect("results");
    let result = |id: &str| {
        results
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("no result for {id}: {due}"))
    };
    assert_eq!(result(&idle)["status"], "done", "{due}");
    assert_eq!(result(&scratch)["status"], "done", "{due}");
    let detail = result(&scratch)["detail"].as_str().expect("detail");
    assert!(
        detail.starts_with(&format!("unmarked: attached to {instance} since the mark")),
        "{detail}"
    );
    assert!(results.iter().all(|r| r["id"] != fresh.as_str()), "{due}");
    assert!(volume_tags(&t.aws.ec2, &idle).is_none(), "deleted");
    let tags = volume_tags(&t.aws.ec2, &scratch).expect("scratch stays");
    assert!(!tags.contains_key("ecsnap:delete-after"), "{tags:?}");
    assert!(!tags.contains_key("ecsnap:owner"), "{tags:?}");
    assert_eq!(tags.get("Name").map(String::as_str), Some("scratch-bob"));
    assert!(
        volume_tags(&t.aws.ec2, &fresh)
            .expect("fresh stays")
            .is_empty()
    );
    let audit = crate::emulator::audit_entries(t.home.path());
    let actions: std::collections::BTreeSet<&str> =
        audit.iter().map(|e| e.action.as_str()).collect();
    for a in ["ec2:CreateTags", "ec2:DeleteTags", "ec2:DeleteVolume"] {
        assert!(actions.contains(a), "{a} audited: {actions:?}");
    }
}
