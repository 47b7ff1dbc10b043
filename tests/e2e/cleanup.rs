//! End to end against moto through the real binary: `cleanup` on the demo fleet deletes
//! exactly the plan and never what is protected (plan, dry run, delete, read back);
//! `cleanup --images` keeps the images a service's older task-definition revisions use
//! (rollback targets), and a SIGINT during
//! `cleanup --volumes` stops new deletes, lets those in flight finish, records every one of
//! them in the audit log and exits 130. Checked by reading AWS back with the SDK.

use crate::harness::{Fresh, create_service, register_bridge};
use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader};
use std::process::Stdio;
use std::sync::mpsc::Receiver;
use std::time::Duration;

use crate::emulator::{
    Scenario, audit_entries, block_on, ecsnap, json_of, oldest_workspace_tags, output_of,
    seeded_emulator, snapshot_ids, stderr_of, tags_of, volume_ids,
};
use crate::proxy::holding_proxy;
use ecsnap::demo::fleet::emulator_config;
use ecsnap::ops::audit::{read_entries, unanswered};

fn register(ecs: &aws_sdk_ecs::Client, family: &str, image: &str) -> String {
    let container = aws_sdk_ecs::types::ContainerDefinition::builder()
        .name("app")
        .image(image)
        .memory(512)
        .essential(true)
        .build();
    block_on(register_bridge(ecs, family, container))
}

#[test]
fn cleanup_images_keeps_what_a_service_can_roll_back_to() {
    let (emulator, fleet) = seeded_emulator();
    let endpoint = emulator.endpoint();
    let conf = block_on(emulator_config(&endpoint));
    let ecs = aws_sdk_ecs::Client::new(&conf);
    let ecr = aws_sdk_ecr::Client::new(&conf);
    let registry = format!("{}.dkr.ecr.us-east-1.amazonaws.com", fleet.account);
    // studio:1 ran alice's oldest snapshot; the service now runs studio:2 (her newest).
    let old = "alice-20261115T0800";
    register(&ecs, "studio", &format!("{registry}/workspaces:{old}"));
    let current = register(
        &ecs,
        "studio",
        &format!("{registry}/workspaces:alice-20261122T0930"),
    );
    block_on(create_service(
        &ecs,
        "search-staging",
        "studio",
        &current,
        1,
    ));
    let home = tempfile::tempdir().expect("tempdir");
    let before = tags_of(&ecr, "workspaces");
    assert!(before.contains(old));

    let done =
        json_of(ecsnap(&endpoint, home.path()).args(["--json", "cleanup", "--images", "--yes"]));
    let after = tags_of(&ecr, "workspaces");
    assert!(after.contains(old), "the rollback target {old} was deleted");
    let skipped = done["skipped"].as_array().expect("skipped");
    let reason = skipped
        .iter()
        .find(|s| {
            s["reason"]
                .as_str()
                .is_some_and(|r| r.starts_with("rollback target"))
        })
        .and_then(|s| s["reason"].as_str())
        .unwrap_or_default();
    assert_eq!(reason, "rollback target: studio:1", "{done}");
    // The rest of the old tags still go: the two other oldest of alice, bob's and carol's.
    let removed: BTreeSet<String> = before.difference(&after).cloned().collect();
    let mut want = oldest_workspace_tags();
    want.remove(old);
    assert_eq!(removed, want);
    assert_eq!(done["summary"]["done"], 8, "{done}");
}

/// A DeleteVolume that deletes (not a DryRun check).
fn is_delete(request: &str) -> bool {
    request.contains("Action=DeleteVolume") && !request.contains("DryRun=true")
}

/// The child's stderr line by line as it comes, and all of it at the end.
fn stderr_lines(
    child: &mut std::process::Child,
) -> (Receiver<String>, std::thread::JoinHandle<String>) {
    let (lines, seen) = std::sync::mpsc::channel::<String>();
    let stderr = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines.send(line.clone());
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    (seen, reader)
}

#[test]
fn sigint_during_a_bulk_delete_waits_for_what_is_in_flight_and_exits_130() {
    let t = Fresh::start();
    let ec2 = &t.aws.ec2;
    let mut created = BTreeSet::new();
    for _ in 0..40 {
        let out = block_on(
            ec2.create_volume()
                .availability_zone("us-east-1a")
                .size(1)
                .send(),
        )
        .expect("create volume");
        created.insert(out.volume_id().unwrap_or_default().to_string());
    }
    assert_eq!(created.len(), 40);
    let log = t.home.path().join("state/ecsnap/audit.log");

    // The deletes are held before moto until the interrupt is seen: no race between
    // Ctrl-C and 40 fast deletes.
    let (proxy, gate) = holding_proxy(&t.endpoint, is_delete);
    let mut child = ecsnap(&proxy, t.home.path())
        .args(["--json", "cleanup", "--volumes", "--yes"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ecsnap starts");
    let (seen, stderr_reader) = stderr_lines(&mut child);
    gate.wait_for_a_held_request(Duration::from_mins(2));
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    loop {
        let line = seen
            .recv_timeout(Duration::from_mins(1))
            .expect("the interrupt is acknowledged on stderr");
        if line.contains("interrupted: waiting for") {
            break;
        }
    }
    gate.open();
    let out = child.wait_with_output().expect("ecsnap ends");
    let stderr = stderr_reader.join().expect("stderr read");
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted: waiting for") && stderr.contains("Ctrl-C again"),
        "{stderr}"
    );

    let remaining = volume_ids(ec2);
    let gone: BTreeSet<String> = created.difference(&remaining).cloned().collect();
    let entries = read_entries(&log).expect("audit log");
    let done: BTreeSet<String> = entries
        .iter()
        .filter(|e| e.is_result() && e.action == "ec2:DeleteVolume" && e.result == "ok")
        .flat_map(|e| e.resource_ids.clone())
        .collect();
    // Every volume AWS no longer has was recorded as done, and every recorded one is gone.
    assert_eq!(gone, done);
    assert!(
        unanswered(&entries).is_empty(),
        "every request sent has its result line"
    );
    assert!(!gone.is_empty(), "the first delete was in flight");
    assert_eq!(
        gone.len(),
        gate.held(),
        "exactly the deletes in flight at the interrupt were sent"
    );
    assert!(
        gone.len() < created.len(),
        "the interrupt stopped new deletes"
    );

    // The normal report: the deleted as done, the rest skipped as not started.
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    let results = report["results"].as_array().expect("results");
    assert_eq!(results.len(), created.len());
    for r in results {
        let id = r["id"].as_str().expect("id");
        if gone.contains(id) {
            assert_eq!(r["status"], "done", "{r}");
        } else {
            assert_eq!(r["status"], "skipped", "{r}");
            assert_eq!(r["detail"], "not started: interrupted", "{r}");
        }
    }
}

// An end-to-end scenario: each step depends on the one before; it reads top to bottom.
#[expect(
    clippy::too_many_lines,
    reason = "one cleanup journey: plan, dry run, delete, read AWS back"
)]
#[test]
fn cleanup_deletes_exactly_the_plan_and_never_what_is_protected() {
    let t = Scenario::seeded();
    let volumes_before = volume_ids(&t.aws.ec2);
    let snapshots_before = snapshot_ids(&t.aws.ec2);

    // Dry run: the plan is exactly the orphans, DryRun says allowed, nothing is deleted.
    let plan = json_of(
        t.ecsnap()
            .args(["--json", "cleanup", "--volumes", "--dry-run"]),
    );
    let planned: BTreeSet<String> = plan["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect();
    let orphans: BTreeSet<String> = t.fleet.orphan_volumes.iter().cloned().collect();
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
        t.fleet.protected_volumes[0].as_str()
    );
    assert!(plan["results"].is_null());
    assert_eq!(
        volume_ids(&t.aws.ec2),
        volumes_before,
        "dry run deleted something"
    );
    assert!(
        audit_entries(t.home.path()).is_empty(),
        "dry run wrote the audit log"
    );

    // No terminal and no --yes: refused, nothing deleted.
    let out = output_of(t.ecsnap().args(["cleanup", "--volumes"]));
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("--yes"));
    assert_eq!(volume_ids(&t.aws.ec2), volumes_before);

    // --yes: exactly the plan goes; protected and in-use volumes stay.
    let done = json_of(t.ecsnap().args(["--json", "cleanup", "--volumes", "--yes"]));
    assert_eq!(done["summary"]["done"], orphans.len());
    assert_eq!(done["summary"]["failed"], 0);
    let after = volume_ids(&t.aws.ec2);
    let expected: BTreeSet<String> = volumes_before.difference(&orphans).cloned().collect();
    assert_eq!(after, expected);
    for keep in t
        .fleet
        .protected_volumes
        .iter()
        .chain(&t.fleet.in_use_volumes)
    {
        assert!(after.contains(keep), "{keep} was deleted");
    }

    // Snapshots: the orphans go; AMI-backed, protected and live-volume snapshots stay.
    let done = json_of(
        t.ecsnap()
            .args(["--json", "cleanup", "--snapshots", "--yes"]),
    );
    assert_eq!(done["summary"]["done"], t.fleet.orphan_snapshots.len());
    let snaps = snapshot_ids(&t.aws.ec2);
    for gone in &t.fleet.orphan_snapshots {
        assert!(!snaps.contains(gone), "{gone} survived");
    }
    for keep in t
        .fleet
        .ami_snapshots
        .iter()
        .chain(&t.fleet.protected_snapshots)
        .chain(&t.fleet.live_volume_snapshots)
    {
        assert!(snaps.contains(keep), "{keep} was deleted");
    }
    assert_eq!(
        snaps.len(),
        snapshots_before.len() - t.fleet.orphan_snapshots.len()
    );

    // Images: each user keeps the newest 3 tags, the in-use one and every other tag.
    let before = tags_of(&t.aws.ecr, "workspaces");
    let done = json_of(t.ecsnap().args(["--json", "cleanup", "--images", "--yes"]));
    assert_eq!(done["summary"]["done"], 9, "{done}");
    let after = tags_of(&t.aws.ecr, "workspaces");
    let removed: BTreeSet<String> = before.difference(&after).cloned().collect();
    let want = oldest_workspace_tags();
    assert_eq!(removed, want);
    for (repo, tag) in &t.fleet.in_use_tags {
        assert!(
            tags_of(&t.aws.ecr, repo).contains(tag),
            "in-use {repo}:{tag} deleted"
        );
    }
    for (repo, tag) in &t.fleet.other_tags {
        assert!(
            tags_of(&t.aws.ecr, repo).contains(tag),
            "{repo}:{tag} deleted"
        );
    }

    // One audit line per deleted resource, with the fields.
    let entries = audit_entries(t.home.path());
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
        t.fleet.orphan_snapshots.len()
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
    assert_eq!(first.account.as_deref(), Some(t.fleet.account.as_str()));
    assert!(
        first
            .identity_arn
            .as_deref()
            .is_some_and(|a| a.starts_with("arn:"))
    );
    assert!(chrono::DateTime::parse_from_rfc3339(&first.time).is_ok());
}
