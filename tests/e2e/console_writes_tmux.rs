//! End to end: the console's other writes in tmux against moto, each read back through the
//! SDK afterwards — scale (`+`: the desired count), redeploy (`D`: a new deployment, same
//! revision), stop-task (`K`: the task stopped with ecsnap's reason), restore (`t`: the
//! resume tag's digest) and recover (`v`: a snapshot of the orphan, kept for its service).
//!
//! Needs tmux and the emulator's virtualenv (see `console_tmux.rs`).

use crate::harness::console_on_scenario;
use std::collections::BTreeMap;

use crate::emulator::{
    Aws, block_on, described_service, digest_of, result_lines, sdk, start_emulator,
};
use crate::tmux::{FIRST_SCREEN, SCREEN, Tmux, console_command, first_service_row, require_tmux};

fn service(aws: &Aws, cluster: &str, name: &str) -> aws_sdk_ecs::types::Service {
    described_service(&aws.ecs, cluster, name).expect("the service")
}

fn deployment_ids(service: &aws_sdk_ecs::types::Service) -> Vec<String> {
    service
        .deployments()
        .iter()
        .filter_map(|d| d.id().map(str::to_string))
        .collect()
}

/// The tasks of `cluster` (running and stopped): ARN → (desired status, stopped reason).
fn tasks(aws: &Aws, cluster: &str) -> BTreeMap<String, (String, String)> {
    let mut arns = Vec::new();
    for status in [
        aws_sdk_ecs::types::DesiredStatus::Running,
        aws_sdk_ecs::types::DesiredStatus::Stopped,
    ] {
        let out = block_on(
            aws.ecs
                .list_tasks()
                .cluster(cluster)
                .desired_status(status)
                .send(),
        )
        .expect("list tasks");
        arns.extend(out.task_arns().iter().cloned());
    }
    if arns.is_empty() {
        return BTreeMap::new();
    }
    let out = block_on(
        aws.ecs
            .describe_tasks()
            .cluster(cluster)
            .set_tasks(Some(arns))
            .send(),
    )
    .expect("describe tasks");
    out.tasks()
        .iter()
        .map(|t| {
            (
                t.task_arn().unwrap_or_default().to_string(),
                (
                    t.desired_status().unwrap_or_default().to_string(),
                    t.stopped_reason().unwrap_or_default().to_string(),
                ),
            )
        })
        .collect()
}

/// Waits for a dialog or view to close: an Esc and the next key sent together arrive as
/// Alt-key.
fn close(tmux: &Tmux, gone: &str) {
    tmux.keys(&["Escape"]);
    tmux.wait(&format!("{gone:?} to close"), SCREEN, |s| !s.contains(gone));
}

// One scenario on one emulator: each step reads back what it changed.
#[expect(
    clippy::too_many_lines,
    reason = "one console session: each step reads back what the one before left"
)]
#[test]
fn console_scale_redeploy_stop_task_and_restore_reach_aws_in_tmux() {
    let (t, tmux, screen) = console_on_scenario("the console writes end-to-end test");
    let top = first_service_row(&screen).unwrap_or_default();
    assert!(
        top.contains("payments-prod") && top.contains("worker"),
        "payments-prod/worker on top:\n{screen}"
    );

    // Scale: + plans one more, y sends it; ECS has the new desired count.
    let before = service(&t.aws, "payments-prod", "worker");
    let from = before.desired_count();
    tmux.keys(&["+"]);
    tmux.wait_for(
        &format!("scale payments-prod/worker from {from} to {}", from + 1),
        SCREEN,
    );
    tmux.keys(&["y"]);
    tmux.wait_for(&format!("desired count is now {}", from + 1), SCREEN);
    assert_eq!(
        service(&t.aws, "payments-prod", "worker").desired_count(),
        from + 1
    );
    close(&tmux, "desired count is now");

    // Redeploy: D, y; ECS has a new deployment of the same revision.
    let before = service(&t.aws, "payments-prod", "worker");
    tmux.keys(&["D"]);
    tmux.wait("the redeploy plan", SCREEN, |s| {
        s.contains("Force a redeploy of payments-prod/worker") && s.contains("Plan: ")
    });
    tmux.keys(&["y"]);
    tmux.wait_for("Watching payments-prod/worker", SCREEN);
    let after = service(&t.aws, "payments-prod", "worker");
    assert!(
        deployment_ids(&after)
            .first()
            .is_some_and(|id| !deployment_ids(&before).contains(id)),
        "a new deployment: {:?} -> {:?}",
        deployment_ids(&before),
        deployment_ids(&after)
    );
    assert_eq!(after.task_definition(), before.task_definition());
    close(&tmux, "Watching payments-prod/worker");

    // Stop task: the service's tasks, K on the selected one, y; ECS has it stopped with
    // ecsnap's reason, and only that one.
    let running_before = tasks(&t.aws, "payments-prod");
    tmux.keys(&["Enter"]);
    tmux.wait("the service's tasks", SCREEN, |s| {
        s.contains("Tasks of payments-prod/worker") && s.contains("RUNNING/RUNNING")
    });
    tmux.keys(&["K"]);
    tmux.wait("the stop plan naming the task's service", SCREEN, |s| {
        s.contains("Stop task ") && s.contains("of payments-prod/worker? y confirm")
    });
    tmux.keys(&["y"]);
    // The reloaded tasks show it stopped by a user: StopTask was sent and answered.
    tmux.wait_for("STOPPED/STOPPED by user", SCREEN);
    let stopped: Vec<String> = tasks(&t.aws, "payments-prod")
        .into_iter()
        .filter(|(arn, (status, reason))| {
            status == "STOPPED"
                && reason.starts_with("stopped with ecsnap by ")
                && running_before
                    .get(arn)
                    .is_some_and(|(was, _)| was == "RUNNING")
        })
        .map(|(arn, _)| arn)
        .collect();
    assert_eq!(stopped.len(), 1, "one task stopped by ecsnap: {stopped:?}");
    close(&tmux, "Stop task ");
    tmux.keys(&["1"]);
    tmux.wait_for("Services (", SCREEN);

    // Restore: alice's older tag picked in Snapshots, t, y; the resume tag points at it.
    let want = digest_of(&t.aws, "workspaces", "alice-20261120T0815").expect("the older tag");
    assert_ne!(
        digest_of(&t.aws, "workspaces", "alice-latest").as_deref(),
        Some(want.as_str())
    );
    tmux.keys(&["3"]);
    tmux.wait_for("Tags of workspaces/alice (6)", SCREEN);
    tmux.keys(&["Enter"]);
    let mut screen = tmux.wait("a tag selected", SCREEN, |s| {
        selected_line(s).is_some_and(|l| l.contains("alice-2026"))
    });
    for _ in 0..6 {
        let selected = selected_line(&screen).unwrap_or_default().to_string();
        if selected.contains("alice-20261120T0815") {
            break;
        }
        tmux.keys(&["Down"]);
        screen = tmux.wait("the next tag selected", SCREEN, |s| {
            selected_line(s).is_some_and(|l| l.contains("alice-2026") && l != selected)
        });
    }
    assert!(
        selected_line(&screen).is_some_and(|l| l.contains("alice-20261120T0815")),
        "alice-20261120T0815 selected:\n{screen}"
    );
    tmux.keys(&["t"]);
    tmux.wait("the restore plan", SCREEN, |s| {
        s.lines()
            .any(|l| l.contains("Plan: point") && l.contains("alice-20261120T0815"))
            && s.contains("after:  sha256:")
    });
    tmux.keys(&["y"]);
    tmux.wait_for(
        "Done: alice-latest now points at alice-20261120T0815",
        SCREEN,
    );
    assert_eq!(
        digest_of(&t.aws, "workspaces", "alice-latest").as_deref(),
        Some(want.as_str())
    );
    close(&tmux, "Done: alice-latest now points");
    tmux.keys(&["q"]);
    tmux.wait_for("ECSNAP-EXITED-0", SCREEN);
}

/// The selected row of the focused list (marked `›`).
fn selected_line(screen: &str) -> Option<&str> {
    screen.lines().find(|l| l.contains('›'))
}

#[test]
fn console_recover_reaches_aws_in_tmux() {
    require_tmux("the console recover end-to-end test");
    let emulator = start_emulator();
    let aws = sdk(&emulator.endpoint());
    crate::recover::seed_service(&aws.ecs, "vault-prod");
    let vol = crate::recover::orphan(
        &aws.ec2,
        &[
            ("AmazonECSCreated", "true"),
            ("aws:ecs:clusterName", "vault-prod"),
            ("aws:ecs:serviceName", "ledger"),
        ],
    );
    let home = tempfile::tempdir().expect("temp home");
    let tmux = Tmux::start(
        &console_command(&emulator.endpoint(), home.path(), ""),
        120,
        40,
    );
    tmux.wait("the services", FIRST_SCREEN, |s| s.contains("Services (1)"));
    tmux.keys(&["4"]);
    tmux.wait_for(&vol, SCREEN);
    tmux.keys(&["v"]);
    // The plan loaded (its target named), then y.
    tmux.wait("the recover plan", SCREEN, |s| {
        s.contains(&format!("Recover {vol} into its service"))
            && s.contains("into vault-prod/ledger")
    });
    tmux.keys(&["y"]);
    let screen = tmux.wait_for(&format!("ecovered {vol} from snapshot snap-"), SCREEN);

    // Read back from EC2: a snapshot of that volume, kept for the service.
    let snapshots = block_on(aws.ec2.describe_snapshots().owner_ids("self").send())
        .expect("describe snapshots");
    let taken: Vec<_> = snapshots
        .snapshots()
        .iter()
        .filter(|s| s.volume_id() == Some(vol.as_str()))
        .collect();
    assert_eq!(taken.len(), 1, "one snapshot of {vol}: {taken:?}");
    let id = taken[0].snapshot_id().unwrap_or_default();
    assert!(screen.contains(id), "the console names {id}:\n{screen}");
    let tags: BTreeMap<&str, &str> = taken[0]
        .tags()
        .iter()
        .map(|t| (t.key().unwrap_or_default(), t.value().unwrap_or_default()))
        .collect();
    assert_eq!(tags.get("ecsnap:recover-for"), Some(&"vault-prod/ledger"));
    assert_eq!(tags.get("ecsnap:source-volume"), Some(&vol.as_str()));
    // The service is still there, updated through the guarded door.
    let svc = service(&aws, "vault-prod", "ledger");
    assert_eq!(svc.status(), Some("ACTIVE"));
    let audit = crate::emulator::audit_entries(home.path());
    let done = result_lines(&audit);
    assert_eq!(
        done,
        [("ec2:CreateSnapshot", "ok"), ("ecs:UpdateService", "ok")]
    );
    close(&tmux, "ecovered");
    tmux.keys(&["q"]);
    tmux.wait_for("ECSNAP-EXITED-0", SCREEN);
}
