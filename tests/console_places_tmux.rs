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

/// `--profile good,missing`: the profile that cannot be reached is named in the panes,
/// the other loads; when no place can be reached the console does not open (exit 1, each
/// place named on stderr).
#[test]
fn a_place_that_cannot_be_reached_is_listed_and_the_rest_load() {
    if !tmux_or_skip("the console with an unreachable place") {
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
    // Credentials come from the profiles only (the environment's would serve every one).
    std::fs::write(
        home.path().join("aws-credentials"),
        "[good]\naws_access_key_id = test\naws_secret_access_key = test\n",
    )
    .expect("credentials");
    let command = console_command(&emulator.endpoint(), home.path(), "")
        .replace("AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test ", "")
        .replace(
            "--region us-east-1 ",
            "--profile good,missing --region us-east-1,eu-west-1 ",
        );
    let tmux = Tmux::start(&command, 120, 40);
    let screen = tmux.wait("the reachable account's services", FIRST_SCREEN, |s| {
        s.contains("1 account · 2 regions") && s.contains("Services (8)")
    });
    assert!(screen.contains("✗ 1 unreachable"), "{screen}");
    assert!(screen.contains("✗ account missing"), "{screen}");
    tmux.keys(&["q"]);
    tmux.wait_for("ECSNAP-EXITED-0", SCREEN);

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ecsnap"))
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("AWS_CONFIG_FILE", home.path().join("aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.path().join("aws-credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_PROFILE")
        .args([
            "--profile",
            "missing,absent",
            "--region",
            "us-east-1",
            "--endpoint-url",
            &emulator.endpoint(),
        ])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("account missing") && stderr.contains("account absent"),
        "{stderr}"
    );
}
