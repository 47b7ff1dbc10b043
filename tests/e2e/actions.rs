//! End to end: the action commands against moto with the demo fleet, checked by reading
//! AWS state back through the SDK (what was deleted, what survived, which task definition
//! a service runs, where a resume tag points), the audit log and the exit codes. The
//! rollback → redeploy → wait → restore-user journey is in `rollback.rs`.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use crate::emulator::{
    Aws, block_on, digest_of, ecsnap, json_of, oldest_workspace_tags, restore_alice, sdk,
    seeded_emulator, service_task_definition, stderr_of, volume_ids,
};

fn snapshot_ids(aws: &Aws) -> BTreeSet<String> {
    let out = block_on(aws.ec2.describe_snapshots().owner_ids("self").send())
        .expect("describe snapshots");
    out.snapshots()
        .iter()
        .filter_map(|s| s.snapshot_id().map(str::to_string))
        .collect()
}

pub(crate) fn tags_of(aws: &Aws, repo: &str) -> BTreeSet<String> {
    let out =
        block_on(aws.ecr.describe_images().repository_name(repo).send()).expect("describe images");
    out.image_details()
        .iter()
        .flat_map(|d| d.image_tags().iter().cloned())
        .collect()
}

pub(crate) fn run(cmd: &mut std::process::Command) -> Output {
    cmd.stdin(std::process::Stdio::null())
        .output()
        .expect("ecsnap runs")
}

pub(crate) fn audit(home: &Path) -> Vec<ecsnap::ops::audit::AuditEntry> {
    crate::emulator::audit_entries(home)
}

// An end-to-end scenario: each step depends on the one before; it reads top to bottom.
#[allow(
    clippy::too_many_lines,
    reason = "one cleanup journey: plan, dry run, delete, read AWS back"
)]
#[test]
fn cleanup_deletes_exactly_the_plan_and_never_what_is_protected() {
    let (emulator, fleet) = seeded_emulator();
    let endpoint = emulator.endpoint();
    let aws = sdk(&endpoint);
    let home = tempfile::tempdir().expect("tempdir");
    let volumes_before = volume_ids(&aws.ec2);
    let snapshots_before = snapshot_ids(&aws);

    // Dry run: the plan is exactly the orphans, DryRun says allowed, nothing is deleted.
    let plan = json_of(ecsnap(&endpoint, home.path()).args([
        "--json",
        "cleanup",
        "--volumes",
        "--dry-run",
    ]));
    let planned: BTreeSet<String> = plan["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect();
    let orphans: BTreeSet<String> = fleet.orphan_volumes.iter().cloned().collect();
    assert_eq!(planned, orphans);
    assert!(
        plan["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|i| i["preflight"] == "allowed")
    );
    assert_eq!(
        plan["skipped"][0]["id"],
        fleet.protected_volumes[0].as_str()
    );
    assert!(plan["results"].is_null());
    assert_eq!(
        volume_ids(&aws.ec2),
        volumes_before,
        "dry run deleted something"
    );
    assert!(audit(home.path()).is_empty(), "dry run wrote the audit log");

    // No terminal and no --yes: refused, nothing deleted.
    let out = run(ecsnap(&endpoint, home.path()).args(["cleanup", "--volumes"]));
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("--yes"));
    assert_eq!(volume_ids(&aws.ec2), volumes_before);

    // --yes: exactly the plan goes; protected and in-use volumes stay.
    let done =
        json_of(ecsnap(&endpoint, home.path()).args(["--json", "cleanup", "--volumes", "--yes"]));
    assert_eq!(done["summary"]["done"], orphans.len());
    assert_eq!(done["summary"]["failed"], 0);
    let after = volume_ids(&aws.ec2);
    let expected: BTreeSet<String> = volumes_before.difference(&orphans).cloned().collect();
    assert_eq!(after, expected);
    for keep in fleet.protected_volumes.iter().chain(&fleet.in_use_volumes) {
        assert!(after.contains(keep), "{keep} was deleted");
    }

    // Snapshots: the orphans go; AMI-backed, protected and live-volume snapshots stay.
    let done =
        json_of(ecsnap(&endpoint, home.path()).args(["--json", "cleanup", "--snapshots", "--yes"]));
    assert_eq!(done["summary"]["done"], fleet.orphan_snapshots.len());
    let snaps = snapshot_ids(&aws);
    for gone in &fleet.orphan_snapshots {
        assert!(!snaps.contains(gone), "{gone} survived");
    }
    for keep in fleet
        .ami_snapshots
        .iter()
        .chain(&fleet.protected_snapshots)
        .chain(&fleet.live_volume_snapshots)
    {
        assert!(snaps.contains(keep), "{keep} was deleted");
    }
    assert_eq!(
        snaps.len(),
        snapshots_before.len() - fleet.orphan_snapshots.len()
    );

    // Images: each user keeps the newest 3 tags, the in-use one and every other tag.
    let before = tags_of(&aws, "workspaces");
    let done =
        json_of(ecsnap(&endpoint, home.path()).args(["--json", "cleanup", "--images", "--yes"]));
    assert_eq!(done["summary"]["done"], 9, "{done}");
    let after = tags_of(&aws, "workspaces");
    let removed: BTreeSet<String> = before.difference(&after).cloned().collect();
    let want = oldest_workspace_tags();
    assert_eq!(removed, want);
    for (repo, tag) in &fleet.in_use_tags {
        assert!(
            tags_of(&aws, repo).contains(tag),
            "in-use {repo}:{tag} deleted"
        );
    }
    for (repo, tag) in &fleet.other_tags {
        assert!(tags_of(&aws, repo).contains(tag), "{repo}:{tag} deleted");
    }

    // One audit line per deleted resource, with the fields.
    let entries = audit(home.path());
    let deleted_volumes: BTreeSet<String> = entries
        .iter()
        .filter(|e| e.action == "ec2:DeleteVolume" && e.result == "ok")
        .flat_map(|e| e.resource_ids.clone())
        .collect();
    assert_eq!(deleted_volumes, orphans);
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.action == "ec2:DeleteSnapshot" && e.is_result())
            .count(),
        fleet.orphan_snapshots.len()
    );
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.action == "ecr:BatchDeleteImage" && e.result == "ok")
            .count(),
        9
    );
    let first = &entries[0];
    assert_eq!(first.region, "us-east-1");
    assert_eq!(first.account.as_deref(), Some(fleet.account.as_str()));
    assert!(
        first
            .identity_arn
            .as_deref()
            .is_some_and(|a| a.starts_with("arn:"))
    );
    assert!(chrono::DateTime::parse_from_rfc3339(&first.time).is_ok());
}

#[test]
fn read_only_refuses_before_any_request() {
    let (emulator, _fleet) = seeded_emulator();
    let endpoint = emulator.endpoint();
    let aws = sdk(&endpoint);
    let home = tempfile::tempdir().expect("tempdir");
    let volumes = volume_ids(&aws.ec2);
    let snapshots = snapshot_ids(&aws);
    let alice = digest_of(&aws, "workspaces", "alice-latest");
    let api = service_task_definition(&aws, "payments-prod", "api");

    let restore: Vec<&str> = restore_alice("alice-20261115T0800")
        .into_iter()
        .chain(["--yes"])
        .collect();
    let attempts: [&[&str]; 6] = [
        &["cleanup", "--volumes", "--yes"],
        &["cleanup", "--snapshots", "--yes"],
        &["cleanup", "--images", "--yes"],
        &[
            "rollback",
            "--cluster",
            "payments-prod",
            "--service",
            "api",
            "--yes",
        ],
        &[
            "redeploy",
            "--cluster",
            "payments-prod",
            "--service",
            "api",
            "--yes",
        ],
        &restore,
    ];
    for args in attempts {
        let out = run(ecsnap(&endpoint, home.path()).arg("--read-only").args(args));
        assert_eq!(out.status.code(), Some(5), "{args:?}: {}", stderr_of(&out));
        assert!(stderr_of(&out).contains("read-only"), "{}", stderr_of(&out));
        // The same refusal with nothing listening: no request is needed to refuse.
        let mut cmd = ecsnap("http://127.0.0.1:9", home.path());
        let out = run(cmd.arg("--read-only").args(args));
        assert_eq!(out.status.code(), Some(5), "{args:?}: {}", stderr_of(&out));
    }
    // From the config file: `read_only = true` for the profile.
    let config = home.path().join("ecsnap.toml");
    std::fs::write(&config, "[profiles.default]\nread_only = true\n").expect("config");
    let out = run(ecsnap(&endpoint, home.path())
        .arg("--config")
        .arg(&config)
        .args(["cleanup", "--volumes", "--yes"]));
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    // A dry run is still allowed in read-only mode.
    let plan = json_of(ecsnap(&endpoint, home.path()).args([
        "--read-only",
        "--json",
        "cleanup",
        "--volumes",
        "--dry-run",
    ]));
    assert!(!plan["items"].as_array().expect("items").is_empty());
    assert_eq!(plan["preflight_done"], false);

    assert_eq!(volume_ids(&aws.ec2), volumes);
    assert_eq!(snapshot_ids(&aws), snapshots);
    assert_eq!(digest_of(&aws, "workspaces", "alice-latest"), alice);
    assert_eq!(service_task_definition(&aws, "payments-prod", "api"), api);
    assert!(audit(home.path()).is_empty());
}
