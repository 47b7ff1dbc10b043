//! End to end against moto through the real binary: `cleanup --images` keeps the images a
//! service's older task-definition revisions use (rollback targets), and a SIGINT during
//! `cleanup --volumes` stops new deletes, lets those in flight finish, records every one of
//! them in the audit log and exits 130. Checked by reading AWS back with the SDK.

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader};
use std::process::Stdio;
use std::sync::mpsc::Receiver;
use std::time::Duration;

use crate::emulator::{
    block_on, ecsnap, json_of, oldest_workspace_tags, seeded_emulator, start_emulator, volume_ids,
};
use crate::proxy::holding_proxy;
use ecsnap::demo::fleet::emulator_config;
use ecsnap::ops::audit::{read_entries, unanswered};

fn tags_of(ecr: &aws_sdk_ecr::Client, repo: &str) -> BTreeSet<String> {
    let out = block_on(ecr.describe_images().repository_name(repo).send()).expect("images");
    out.image_details()
        .iter()
        .flat_map(|d| d.image_tags().iter().cloned())
        .collect()
}

fn register(ecs: &aws_sdk_ecs::Client, family: &str, image: &str) -> String {
    let container = aws_sdk_ecs::types::ContainerDefinition::builder()
        .name("app")
        .image(image)
        .memory(512)
        .essential(true)
        .build();
    let out = block_on(
        ecs.register_task_definition()
            .family(family)
            .network_mode(aws_sdk_ecs::types::NetworkMode::Bridge)
            .container_definitions(container)
            .send(),
    )
    .expect("register");
    out.task_definition()
        .and_then(|t| t.task_definition_arn())
        .unwrap_or_default()
        .to_string()
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
    block_on(
        ecs.create_service()
            .cluster("search-staging")
            .service_name("studio")
            .task_definition(&current)
            .desired_count(1)
            .send(),
    )
    .expect("service");
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
    let emulator = start_emulator();
    let endpoint = emulator.endpoint();
    let conf = block_on(emulator_config(&endpoint));
    let ec2 = aws_sdk_ec2::Client::new(&conf);
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
    let home = tempfile::tempdir().expect("tempdir");
    let log = home.path().join("state/ecsnap/audit.log");

    // The deletes are held before moto until the interrupt is seen: no race between
    // Ctrl-C and 40 fast deletes.
    let (proxy, gate) = holding_proxy(&endpoint, is_delete);
    let mut child = ecsnap(&proxy, home.path())
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

    let remaining = volume_ids(&ec2);
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
