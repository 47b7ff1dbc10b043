//! End to end: the real `ecsnap` binary opened on two regions (`--region
//! us-east-1,eu-west-1`) in a tmux session against the moto demo fleet (seeded in
//! us-east-1; eu-west-1 is empty). The header counts the places, the listings carry the
//! REGION column, `:region` narrows the view and `:region all` widens it again, and a
//! rollback from the top row acts in that row's region.
//!
//! Needs tmux and the emulator's virtualenv (see `tui_tmux.rs`).

mod common;

use common::tmux::{FIRST_SCREEN, SCREEN, Tmux, console_command, target_dir, tmux_or_skip};
use ecsnap::demo::{Emulator, seed};

#[test]
fn console_on_two_regions_in_tmux() {
    if !tmux_or_skip("the console on two regions") {
        return;
    }
    let venv = target_dir().join("moto-venv");
    let emulator = Emulator::start(&venv, &mut |m: &str| eprintln!("{m}")).expect("moto starts");
    emulator.pin_task_status().expect("task status pinned");
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    runtime
        .block_on(seed(&emulator.endpoint()))
        .expect("demo fleet seeded");
    let home = tempfile::tempdir().expect("temp home");
    let command = console_command(&emulator.endpoint(), home.path(), "")
        .replace("--region us-east-1 ", "--region us-east-1,eu-west-1 ");
    let tmux = Tmux::start(&command, 120, 40);

    let screen = tmux.wait("the services of both regions", FIRST_SCREEN, |s| {
        s.contains("1 account · 2 regions") && s.contains("Services (8)")
    });
    assert!(
        screen.contains("REGION") && screen.contains("us-east-1"),
        "{screen}"
    );

    // Orphans: totals per region and overall.
    tmux.keys(&["4"]);
    tmux.wait("the orphans per region", SCREEN, |s| {
        s.contains("default · us-east-1:") && s.contains("default · eu-west-1:")
    });

    // :region narrows the view to one place: no place columns, the header names it.
    tmux.keys(&["1"]);
    tmux.text(":region eu-west-1");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait("eu-west-1 alone", SCREEN, |s| {
        s.contains("· eu-west-1 │") && s.contains("Services (0)")
    });
    assert!(!screen.contains("REGION"), "{screen}");

    // And back to every region.
    tmux.text(":region all");
    tmux.keys(&["Enter"]);
    tmux.wait("both regions again", SCREEN, |s| {
        s.contains("1 account · 2 regions") && s.contains("Services (8)")
    });

    // R on the top row rolls back in that row's place: the dialog names it, the audit
    // line carries its region.
    tmux.keys(&["R"]);
    let screen = tmux.wait("the rollback picker", SCREEN, |s| {
        s.contains("Plan: worker:2 → worker:1")
    });
    assert!(
        screen.contains("In account default (123456789012) · us-east-1"),
        "{screen}"
    );
    tmux.keys(&["y"]);
    tmux.wait("the wait view", SCREEN, |s| {
        s.contains("Watching payments-prod/worker") && s.contains("Rolled back worker:2 → worker:1")
    });
    tmux.keys(&["Escape"]);
    tmux.wait("the wait view to close", SCREEN, |s| {
        !s.contains("Watching payments-prod")
    });
    let audit =
        std::fs::read_to_string(home.path().join("state/ecsnap/audit.log")).expect("the audit log");
    assert!(
        audit
            .lines()
            .any(|l| l.contains("\"region\":\"us-east-1\"") && l.contains("payments-prod")),
        "{audit}"
    );

    tmux.keys(&["q"]);
    tmux.wait_for("ECSNAP-EXITED-0", SCREEN);
}
