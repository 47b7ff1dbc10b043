//! End to end against moto: `cleanup --snapshots --archive` moves orphaned snapshots to
//! the archive tier (ModifySnapshotTier) instead of deleting them, through the same plan,
//! DryRun preflight, confirmation, audit and per-resource results as a deletion; already
//! archived and temporarily restored snapshots are skipped with why; read-only refuses
//! before any request. Tiers are read back through the SDK. Over two regions, each place
//! archives its own snapshots through one plan and one confirmation, audited where.

use crate::emulator::{
    block_on, ecsnap, ecsnap_anywhere as ecsnap_at, json_of, sdk_config_in, start_emulator,
};
use crate::fleet_actions::{EAST, HOME_ACCOUNT, WEST};
use crate::harness::{Fresh, orphan_snapshot_in, output_at_exit, stdout_at_exit};
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
        text.contains("Plan: archive 1 snapshot (4.0 GiB) instead of deleting: up to $0.20/month in the standard tier now, $0.05/month in the archive tier"),
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

/// (region, snapshot id) of every `ok` ModifySnapshotTier result line in `home`'s audit
/// log, each line carrying the home account.
fn archived_in_audit(home: &std::path::Path) -> std::collections::BTreeSet<(String, String)> {
    crate::emulator::audit_entries(home)
        .into_iter()
        .filter(|e| e.is_result() && e.action == "ec2:ModifySnapshotTier" && e.result == "ok")
        .flat_map(|e| {
            assert_eq!(e.account.as_deref(), Some(HOME_ACCOUNT), "{e:?}");
            e.resource_ids
                .iter()
                .map(|id| (e.region.clone(), id.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// (region, id) of each entry of a fleet JSON list.
fn placed_ids(entries: &serde_json::Value) -> std::collections::BTreeSet<(String, String)> {
    entries
        .as_array()
        .expect("a list")
        .iter()
        .map(|i| {
            assert_eq!(i["account_id"], HOME_ACCOUNT, "{i}");
            (
                i["region"].as_str().expect("region").to_string(),
                i["id"].as_str().expect("id").to_string(),
            )
        })
        .collect()
}

#[test]
fn cleanup_archive_across_two_regions_archives_each_place_and_audits_where() {
    let emulator = start_emulator();
    let endpoint = emulator.endpoint();
    let home = tempfile::tempdir().expect("home");
    let ec2 = |region| aws_sdk_ec2::Client::new(&sdk_config_in(&endpoint, region, None));
    let (east, west) = (ec2(EAST), ec2(WEST));
    let east_snap = orphan_snapshot_in(&east, "us-east-1a", &[]);
    let west_snap = orphan_snapshot_in(&west, "eu-west-1a", &[]);
    let west_archived = orphan_snapshot_in(&west, "eu-west-1a", &[]);
    archive(&west, &west_archived);
    let both: std::collections::BTreeSet<(String, String)> = [
        (EAST.to_string(), east_snap.clone()),
        (WEST.to_string(), west_snap.clone()),
    ]
    .into_iter()
    .collect();
    let regions = format!("{EAST},{WEST}");
    let fleet = |extra: &[&str]| {
        let mut cmd = ecsnap_at(&endpoint, home.path());
        cmd.args(["--region", &regions])
            .args(extra)
            .args(["cleanup", "--snapshots", "--archive"]);
        cmd
    };
    let tiers = || (tier_of(&east, &east_snap).0, tier_of(&west, &west_snap).0);
    let standard = ("standard".to_string(), "standard".to_string());

    // The dry run: one plan over both places, both tiers' costs, nothing sent.
    let dry = json_of(fleet(&["--json"]).arg("--dry-run"));
    assert_eq!(dry["action"], "archive", "{dry}");
    assert_eq!(placed_ids(&dry["items"]), both, "{dry}");
    assert_eq!(dry["totals"]["to_execute"], 2, "{dry}");
    assert_eq!(dry["totals"]["monthly_cost_usd"], 0.4, "{dry}");
    assert_eq!(dry["totals"]["archive_monthly_usd"], 0.1, "{dry}");
    assert_eq!(
        placed_ids(&dry["skipped"]),
        [(WEST.to_string(), west_archived.clone())]
            .into_iter()
            .collect(),
        "already archived: {dry}"
    );
    let places = dry["totals_by_place"].as_array().expect("places");
    assert_eq!(places.len(), 2, "{dry}");
    assert!(
        places.iter().all(|p| p["preflight_done"] == true
            && p["archive_monthly_usd"] == 0.05
            && p["notes"].to_string().contains("at least 90 days")),
        "{dry}"
    );
    let text = stdout_at_exit(fleet(&[]).arg("--dry-run"), 0);
    assert!(
        text.contains(
            "Plan: archive 2 snapshots in 2 places of 1 account (8.0 GiB) instead of deleting: \
             up to $0.40/month in the standard tier now, $0.10/month in the archive tier \
             (saves up to $0.30/month)"
        ) && text.contains(&format!("── default ({HOME_ACCOUNT}) · {WEST} ──")),
        "{text}"
    );
    assert_eq!(tiers(), standard);
    assert!(crate::emulator::audit_entries(home.path()).is_empty());

    // Read-only refuses before any request.
    output_at_exit(fleet(&["--read-only"]).arg("--yes"), 5);
    assert_eq!(tiers(), standard);
    assert!(crate::emulator::audit_entries(home.path()).is_empty());

    // Confirmed: each place archives its own snapshot, read back in its region.
    let out = output_at_exit(fleet(&["--json"]).arg("--yes"), 0);
    let done: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(done["summary"]["done"], 2, "{done}");
    assert_eq!(placed_ids(&done["results"]), both, "{done}");
    assert!(
        done["totals_by_place"]
            .as_array()
            .expect("places")
            .iter()
            .all(|p| p["summary"]["done"] == 1),
        "{done}"
    );
    assert_eq!(tiers(), ("archive".to_string(), "archive".to_string()));
    assert_eq!(archived_in_audit(home.path()), both);
    assert!(
        !crate::emulator::audit_entries(home.path())
            .iter()
            .any(|e| e.action == "ec2:DeleteSnapshot"),
        "nothing deleted"
    );

    // Nothing left to archive anywhere.
    let text = stdout_at_exit(fleet(&[]).arg("--yes"), 0);
    assert!(text.contains("Nothing to archive"), "{text}");
}
