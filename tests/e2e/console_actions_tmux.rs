//! End to end: the console's actions in tmux against a fresh moto demo fleet. The 3am
//! flow — the not-steady service on top, `R`, the previous revision preselected, `y`, the
//! wait view — then cleanup from the Orphans pane: mark one orphaned volume, `x`, `y`, the
//! result says done. Both read back through the SDK afterwards.
//!
//! moto's UpdateService changes the service's `taskDefinition` but adds no deployment and
//! never converges, so the wait view keeps showing the rollout in progress: the test checks
//! what a user sees (the wait view, deployments, elapsed time), not stability.

use crate::asserts::assert_has;
use crate::harness::console_on_scenario;
use std::collections::BTreeSet;

use crate::emulator::block_on;
use crate::tmux::{SCREEN, first_service_row};
use ecsnap::demo::fleet::emulator_config;

/// The first data row of the Orphans table.
fn first_orphan_row(screen: &str) -> Option<&str> {
    let mut lines = screen.lines();
    lines.find(|l| l.contains("KIND") && l.contains("ORIGIN"))?;
    lines.next()
}

// An end-to-end scenario: each step depends on the one before; it reads top to bottom.
#[expect(
    clippy::too_many_lines,
    reason = "one tmux session driven through two actions, AWS read back after each"
)]
#[test]
fn console_rollback_and_cleanup_in_tmux() {
    // 3am: the not-steady service is on top and selected.
    let (t, tmux, screen) = console_on_scenario("the console actions end-to-end test");
    let top = first_service_row(&screen).unwrap_or_default();
    assert!(
        top.contains("worker") && top.contains("payments-prod") && top.contains("worker:2"),
        "payments-prod/worker (running worker:2) should be on top:\n{screen}"
    );
    assert_eq!(
        t.fleet.not_steady[0],
        ("payments-prod".into(), "worker".into())
    );

    // R: the picker, the previous revision preselected.
    tmux.keys(&["R"]);
    let screen = tmux.wait("the rollback picker", SCREEN, |s| {
        s.contains("Plan: worker:2 → worker:1")
    });
    assert_has(&screen, "Roll back payments-prod/worker");
    let picked = screen.lines().find(|l| l.contains('▶')).unwrap_or_default();
    assert!(
        picked.contains("worker:1"),
        "worker:1 preselected: {picked}\n{screen}"
    );
    assert_has(&screen, "(running now)");

    // y: the rollback is sent and the wait view shows the rollout.
    tmux.keys(&["y"]);
    let screen = tmux.wait("the wait view", SCREEN, |s| {
        s.contains("Watching payments-prod/worker") && s.contains("poll 1")
    });
    assert_has(&screen, "Rolled back worker:2 → worker:1");
    assert!(
        screen.contains("elapsed") && screen.contains("PRIMARY"),
        "{screen}"
    );
    assert_has(&screen, "Esc stops watching");
    tmux.keys(&["Escape"]);
    tmux.wait("the wait view to close", SCREEN, |s| {
        !s.contains("Watching payments-prod")
    });

    // Cleanup from Orphans: mark the top orphaned volume, x, y.
    tmux.keys(&["4"]);
    // Whole frames only: a capture can catch one half written.
    let protected = &t.fleet.protected_volumes[0];
    let screen = tmux.wait("the orphans and what is skipped", SCREEN, |s| {
        s.contains("Total: 12 volumes, 3 snapshots") && s.contains(protected.as_str())
    });
    let row = first_orphan_row(&screen).unwrap_or_default();
    let victim = row
        .split_whitespace()
        .find(|w| w.starts_with("vol-"))
        .unwrap_or_else(|| panic!("a volume on top of Orphans:\n{screen}"))
        .to_string();
    assert!(
        t.fleet.orphan_volumes.contains(&victim),
        "{victim} is an orphan"
    );
    let list_rows: Vec<&str> = screen
        .lines()
        .take_while(|l| !l.contains("Skipped ("))
        .collect();
    assert!(
        !list_rows.iter().any(|l| l.contains(protected.as_str())),
        "a protected volume is not a row that can be marked:\n{screen}"
    );
    assert!(
        screen
            .lines()
            .any(|l| l.contains(protected.as_str()) && l.contains("ecsnap:keep")),
        "the protected volume shows as skipped:\n{screen}"
    );
    tmux.keys(&["Space"]);
    tmux.wait_for("1 marked", SCREEN);
    tmux.keys(&["x"]);
    tmux.wait("the plan naming the volume", SCREEN, |s| {
        s.contains(&format!("Delete volume {victim} in "))
            && s.contains("? y confirm")
            && s.contains("Clean up 1 marked orphan ")
            && s.contains(&victim)
    });
    tmux.keys(&["y"]);
    tmux.wait("the volume reported deleted", SCREEN, |s| {
        s.contains("Result: 1 done, 0 skipped, 0 failed")
            && s.lines().any(|l| l.contains("done") && l.contains(&victim))
    });
    tmux.wait_for("Total: 11 volumes", SCREEN);
    tmux.keys(&["Escape"]);
    // Wait for the dialog to close: an Esc and a `q` sent together arrive as Alt-q.
    tmux.wait("the report to close", SCREEN, |s| {
        !s.contains("Result: 1 done")
    });
    tmux.keys(&["q"]);
    tmux.wait_for("ECSNAP-EXITED-0", SCREEN);

    // Read back through the SDK.
    let conf = block_on(emulator_config(&t.endpoint));
    let ecs = aws_sdk_ecs::Client::new(&conf);
    let out = block_on(
        ecs.describe_services()
            .cluster("payments-prod")
            .services("worker")
            .send(),
    )
    .expect("describe services");
    let td = out
        .services()
        .first()
        .and_then(|s| s.task_definition())
        .unwrap_or_default()
        .to_string();
    assert!(td.ends_with("worker:1"), "the service now runs {td}");
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let volumes: BTreeSet<String> = block_on(ec2.describe_volumes().send())
        .expect("describe volumes")
        .volumes()
        .iter()
        .filter_map(|v| v.volume_id().map(str::to_string))
        .collect();
    assert!(!volumes.contains(&victim), "{victim} was deleted");
    assert!(volumes.contains(protected), "{protected} is still there");

    // Both went through the guarded door: the audit log has them.
    let audit = std::fs::read_to_string(t.home.path().join("state/ecsnap/audit.log"))
        .expect("the console wrote the audit log");
    assert!(
        audit
            .lines()
            .any(|l| l.contains("ecs:UpdateService") && l.contains("payments-prod/worker")),
        "{audit}"
    );
    assert!(
        audit
            .lines()
            .any(|l| l.contains("ec2:DeleteVolume") && l.contains(&victim)),
        "{audit}"
    );
}
