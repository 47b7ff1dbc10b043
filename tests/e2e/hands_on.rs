//! End to end: `scale`, `stop-task`, `exec` and `tasks --json` through the real binary
//! against moto with the demo fleet. State is read back through the SDK (desiredCount,
//! the stopped task and its reason); read-only mode changes nothing; `exec` refuses before
//! any request or plugin run when read-only, and says how to install a missing plugin.

use crate::harness::stand_in_plugin;
use std::path::Path;
use std::process::{Command, Output};

use crate::emulator::{
    Scenario, block_on, described_service, ecsnap, json_of, on_service, stderr_of,
};

fn desired_count(ecs: &aws_sdk_ecs::Client, cluster: &str, service: &str) -> i32 {
    described_service(ecs, cluster, service).map_or(-1, |s| s.desired_count())
}

fn task_state(ecs: &aws_sdk_ecs::Client, cluster: &str, task: &str) -> (String, Option<String>) {
    let out =
        block_on(ecs.describe_tasks().cluster(cluster).tasks(task).send()).expect("describe tasks");
    let t = out.tasks().first().expect("the task");
    (
        t.desired_status().unwrap_or_default().to_string(),
        t.stopped_reason().map(str::to_string),
    )
}

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(std::process::Stdio::null())
        .output()
        .expect("ecsnap runs")
}

fn audit_actions(home: &Path) -> Vec<(String, String)> {
    crate::emulator::audit_entries(home)
        .into_iter()
        .filter(|e| e.phase == "result")
        .map(|e| (e.action, e.result))
        .collect()
}

// One scenario on one emulator: each step reads back what the one before left.
#[expect(
    clippy::too_many_lines,
    reason = "scale and stop then the read-only refusals, each read back"
)]
#[test]
fn scale_and_stop_task_change_aws_and_read_only_changes_nothing() {
    let t = Scenario::seeded();
    let ecs = &t.aws.ecs;
    let (cluster, service) = t.fleet.services.first().cloned().expect("a service");
    let before = desired_count(ecs, &cluster, &service);

    // Dry run: the plan, nothing sent.
    let plan = json_of(
        t.ecsnap()
            .arg("--json")
            .args(on_service("scale", &cluster, &service))
            .args(["--desired", "5", "--dry-run"]),
    );
    assert_eq!(plan["dry_run"], true);
    assert_eq!(plan["from_desired_count"], before);
    assert_eq!(plan["desired_count"], 5);
    assert_eq!(desired_count(ecs, &cluster, &service), before);

    // Read-only: refused with exit 5, desiredCount unchanged, nothing audited.
    let refused = run(t
        .ecsnap()
        .arg("--read-only")
        .args(on_service("scale", &cluster, &service))
        .args(["--desired", "7", "--yes"]));
    assert_eq!(refused.status.code(), Some(5), "{}", stderr_of(&refused));
    assert!(
        stderr_of(&refused).contains("read-only"),
        "{}",
        stderr_of(&refused)
    );
    assert_eq!(desired_count(ecs, &cluster, &service), before);

    // Without --yes and without a terminal: refused, nothing changes.
    let unconfirmed = run(t
        .ecsnap()
        .args(on_service("scale", &cluster, &service))
        .args(["--desired", "7"]));
    assert_eq!(
        unconfirmed.status.code(),
        Some(5),
        "{}",
        stderr_of(&unconfirmed)
    );
    assert_eq!(desired_count(ecs, &cluster, &service), before);

    // Scale for real: read back.
    let done = json_of(
        t.ecsnap()
            .arg("--json")
            .args(on_service("scale", &cluster, &service))
            .args(["--desired", "5", "--yes"]),
    );
    assert_eq!(done["updated_desired_count"], 5);
    assert_eq!(desired_count(ecs, &cluster, &service), 5);
    assert_eq!(
        audit_actions(t.home.path()),
        vec![("ecs:UpdateService".to_string(), "ok".to_string())]
    );

    // Stop a live task of the fleet: read-only first (nothing), then for real.
    let (task_cluster, task_service, task_arn, _) = t
        .fleet
        .tasks
        .iter()
        .find(|t| t.3)
        .cloned()
        .expect("a live task");
    let task_id = task_arn.rsplit('/').next().expect("id").to_string();
    // `ecsnap [FLAG] stop-task` of that task, confirmed.
    let stop_it = |flag: Option<&str>| {
        let mut command = t.ecsnap();
        command.args(flag).args([
            "stop-task",
            "--cluster",
            &task_cluster,
            "--task",
            &task_id,
            "--yes",
        ]);
        command
    };
    let refused = run(&mut stop_it(Some("--read-only")));
    assert_eq!(refused.status.code(), Some(5), "{}", stderr_of(&refused));
    assert_eq!(task_state(ecs, &task_cluster, &task_arn).0, "RUNNING");

    let stopped = json_of(&mut stop_it(Some("--json")));
    let reason = stopped["reason"].as_str().expect("reason").to_string();
    assert!(
        reason.starts_with("stopped with ecsnap by arn:aws:"),
        "default reason names the identity: {reason}"
    );
    assert_eq!(stopped["service_name"], task_service.as_str());
    let (desired, stopped_reason) = task_state(ecs, &task_cluster, &task_arn);
    assert_eq!(desired, "STOPPED");
    assert_eq!(stopped_reason.as_deref(), Some(reason.as_str()));

    // A given reason, on another live task.
    if let Some((c, _, arn, _)) = t.fleet.tasks.iter().filter(|t| t.3).nth(1).cloned() {
        let out = run(t.ecsnap().args([
            "stop-task",
            "--cluster",
            &c,
            "--task",
            &arn,
            "--reason",
            "bad deploy 2026.11.2",
            "--yes",
        ]));
        assert!(out.status.success(), "{}", stderr_of(&out));
        assert_eq!(
            task_state(ecs, &c, &arn).1.as_deref(),
            Some("bad deploy 2026.11.2")
        );
    }
    // Stopping a stopped task again is a usage error, and sends nothing.
    let again = run(&mut stop_it(None));
    assert_eq!(again.status.code(), Some(2), "{}", stderr_of(&again));
    let stops = audit_actions(t.home.path())
        .into_iter()
        .filter(|(a, _)| a == "ecs:StopTask")
        .count();
    assert_eq!(stops, 2, "one StopTask per real stop");

    // tasks --json carries the exec readiness of every task.
    let tasks = json_of(
        t.ecsnap()
            .args(["--json", "tasks", "--cluster", &task_cluster]),
    );
    let tasks = tasks.as_array().expect("a list");
    assert!(!tasks.is_empty());
    for t in tasks {
        let ready = t["exec_ready"].as_bool().expect("exec_ready");
        assert_eq!(ready, t["exec_blocker"].is_null(), "{t}");
    }
    let stopped_row = tasks
        .iter()
        .find(|t| t["task_id"] == task_id.as_str())
        .expect("the stopped task is listed");
    assert_eq!(stopped_row["exec_ready"], false);
}

/// A directory with a stand-in `session-manager-plugin` that records that it ran.
fn stand_in_dir(dir: &Path) -> std::path::PathBuf {
    stand_in_plugin(dir, "ran", |record| {
        format!("#!/bin/sh\necho \"$@\" >> '{}'\n", record.display())
    })
    .0
}

#[test]
fn exec_is_refused_in_read_only_mode_and_names_the_missing_plugin() {
    let home = tempfile::tempdir().expect("tempdir");
    // No emulator is needed: neither case may send a request (the endpoint is closed).
    let endpoint = "http://127.0.0.1:9";
    let bin = stand_in_dir(home.path());
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let refused = run(ecsnap(endpoint, home.path()).env("PATH", &path).args([
        "--read-only",
        "exec",
        "--cluster",
        "payments-prod",
        "--task",
        "0f3b1c2d",
    ]));
    assert_eq!(refused.status.code(), Some(5), "{}", stderr_of(&refused));
    assert!(stderr_of(&refused).contains("read-only"));
    assert!(
        !home.path().join("ran").exists(),
        "the plugin must not run when refused"
    );

    // No plugin on PATH: exit 2 with how to install it, before anything is sent.
    let missing = run(ecsnap(endpoint, home.path())
        .env("PATH", "/nonexistent")
        .args(["exec", "--cluster", "payments-prod", "--task", "0f3b1c2d"]));
    assert_eq!(missing.status.code(), Some(2), "{}", stderr_of(&missing));
    let err = stderr_of(&missing);
    assert!(
        err.contains("session-manager-plugin") && err.contains("install"),
        "{err}"
    );
}
