//! End to end against moto: `cleanup --snapshots --archive` moves orphaned snapshots to
//! the archive tier (ModifySnapshotTier) instead of deleting them, through the same plan,
//! DryRun preflight, confirmation, audit and per-resource results as a deletion; already
//! archived and temporarily restored snapshots are skipped with why; read-only refuses
//! before any request. Tiers are read back through the SDK.

use crate::emulator::{block_on, ecsnap, json_of};
use crate::harness::{Fresh, output_at_exit, stdout_at_exit};
use crate::storage_states::{archive, orphan_snapshot, tier_of};

fn ids(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| i["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn reason_of<'a>(plan: &'a serde_json::Value, id: &str) -> &'a str {
    plan["skipped"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["id"] == id))
        .and_then(|s| s["reason"].as_str())
        .unwrap_or_else(|| panic!("{id} skipped: {plan}"))
}

/// `cleanup --snapshots --archive <how>` (`--dry-run` or `--yes`) after the global flags
/// `global`.
fn archive_cleanup(t: &Fresh, global: &[&str], how: &str) -> std::process::Command {
    let mut cmd = t.ecsnap();
    cmd.args(global)
        .args(["cleanup", "--snapshots", "--archive", how]);
    cmd
}

#[test]
fn archive_instead_of_delete_plans_skips_refuses_and_archives() {
    let t = Fresh::start();
    let standard = orphan_snapshot(&t.aws.ec2);
    let archived = orphan_snapshot(&t.aws.ec2);
    let restoring = orphan_snapshot(&t.aws.ec2);
    archive(&t.aws.ec2, &archived);
    archive(&t.aws.ec2, &restoring);
    block_on(
        t.aws
            .ec2
            .restore_snapshot_tier()
            .snapshot_id(&restoring)
            .temporary_restore_days(5)
            .send(),
    )
    .expect("temporary restore");

    // The plan: only the standard snapshot, both costs, the 90-day minimum, the preflight.
    let plan = json_of(&mut archive_cleanup(&t, &["--json"], "--dry-run"));
    assert_eq!(plan["action"], "archive", "{plan}");
    assert_eq!(ids(&plan["items"]), [standard.as_str()], "{plan}");
    let item = &plan["items"][0];
    assert_eq!(item["monthly_cost_usd"], 0.2, "4 GiB at $0.05: {item}");
    assert_eq!(
        item["archive_monthly_usd"], 0.05,
        "4 GiB at $0.0125: {item}"
    );
    assert_eq!(item["preflight"], "allowed", "{item}");
    assert_eq!(item["recycle_bin"], serde_json::Value::Null, "{item}");
    assert_eq!(plan["totals"]["archive_monthly_usd"], 0.05, "{plan}");
    // Archiving deletes nothing: no deletion is counted permanent.
    assert_eq!(plan["totals"]["permanent"], 0, "{plan}");
    assert_eq!(reason_of(&plan, &archived), "already archived");
    assert!(
        reason_of(&plan, &restoring).starts_with("in a temporary restore until"),
        "{plan}"
    );
    let notes = plan["notes"].to_string();
    assert!(notes.contains("at least 90 days"), "{notes}");
    assert!(
        !notes.contains("Recycle Bin"),
        "nothing is deleted: {notes}"
    );

    // The text plan shows the cost each way.
    let text = stdout_at_exit(&mut archive_cleanup(&t, &[], "--dry-run"), 0);
    assert!(
        text.contains("Plan: archive 1 snapshots (4.0 GiB) instead of deleting: up to $0.20/month in the standard tier now, $0.05/month in the archive tier"),
        "{text}"
    );
    assert!(text.contains("ARCHIVE $/MO"), "{text}");

    // Read-only refuses before any request: the tier is unchanged.
    output_at_exit(&mut archive_cleanup(&t, &["--read-only"], "--yes"), 5);
    assert_eq!(tier_of(&t.aws.ec2, &standard).0, "standard");

    // Confirmed: archived, audited, every snapshot still there.
    let done = json_of(&mut archive_cleanup(&t, &["--json"], "--yes"));
    let results = done["results"].as_array().expect("results");
    assert_eq!(results.len(), 1, "{done}");
    assert_eq!(results[0]["id"], standard.as_str(), "{done}");
    assert_eq!(results[0]["status"], "done", "{done}");
    assert_eq!(tier_of(&t.aws.ec2, &standard).0, "archive");
    for id in [&standard, &archived, &restoring] {
        let left = block_on(t.aws.ec2.describe_snapshots().snapshot_ids(id).send());
        assert_eq!(
            left.map(|o| o.snapshots().len()).ok(),
            Some(1),
            "{id} still there"
        );
    }
    let audit = crate::emulator::audit_entries(t.home.path());
    let archived_lines: Vec<_> = audit
        .iter()
        .filter(|e| e.action == "ec2:ModifySnapshotTier")
        .collect();
    assert!(
        archived_lines
            .iter()
            .all(|e| e.resource_ids == [standard.clone()]),
        "{audit:?}"
    );
    assert!(!archived_lines.is_empty(), "{audit:?}");
    assert!(
        !audit.iter().any(|e| e.action == "ec2:DeleteSnapshot"),
        "{audit:?}"
    );

    // Nothing left to archive.
    let text = stdout_at_exit(&mut archive_cleanup(&t, &[], "--yes"), 0);
    assert!(text.contains("Nothing to archive"), "{text}");
}

#[test]
fn archive_applies_to_snapshots_only() {
    let home = tempfile::tempdir().expect("home");
    output_at_exit(
        ecsnap("http://127.0.0.1:9", home.path()).args([
            "cleanup",
            "--volumes",
            "--archive",
            "--dry-run",
        ]),
        2,
    );
    crate::emulator::assert_no_audit_log(home.path());
}
