//! End to end: the real `ecsnap` binary opened on two regions (`--region
//! us-east-1,eu-west-1`) in a tmux session against the moto demo fleet (seeded in
//! us-east-1; eu-west-1 is empty). The header counts the places, the listings carry the
//! REGION column, `:region` narrows the view and `:region all` widens it again, a
//! rollback from the top row acts in that row's region, and orphans marked in both
//! regions are cleaned up with one confirmation, read back from AWS region by region.
//!
//! The console also opens before the slowest account has answered: one profile's identity
//! is held at a proxy while the other's services show.
//!
//! Needs tmux and the emulator's virtualenv (see `console_tmux.rs`).

use crate::asserts::{assert_has, assert_lacks};
use crate::emulator::seeded_emulator;
use crate::harness::home_file;
use crate::proxy::holding_proxy;
use crate::tmux::{FIRST_SCREEN, SCREEN, Tmux, console_command, require_tmux};
use ecsnap::demo::fleet::emulator_config;

#[test]
fn console_on_two_regions_in_tmux() {
    require_tmux("the console on two regions");
    let (emulator, fleet) = seeded_emulator();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    // One orphan of eu-west-1 besides the fleet's in us-east-1.
    let conf = runtime.block_on(emulator_config(&emulator.endpoint()));
    let ec2_in = |region: &'static str| {
        aws_sdk_ec2::Client::from_conf(
            aws_sdk_ec2::config::Builder::from(&conf)
                .region(aws_sdk_ec2::config::Region::new(region))
                .build(),
        )
    };
    let eu_orphan = runtime
        .block_on(
            ec2_in("eu-west-1")
                .create_volume()
                .availability_zone("eu-west-1a")
                .size(8)
                .send(),
        )
        .expect("create a volume in eu-west-1")
        .volume_id()
        .unwrap_or_default()
        .to_string();
    let us_orphan = fleet.orphan_volumes.first().cloned().expect("an orphan");
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
    assert_lacks(&screen, "REGION");

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
    assert_has(&screen, "In account default (123456789012) · us-east-1");
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

    clean_up_in_both_regions(
        &tmux,
        &runtime,
        &ec2_in,
        home.path(),
        [&us_orphan, &eu_orphan],
    );

    tmux.keys(&["q"]);
    tmux.wait_for("ECSNAP-EXITED-0", SCREEN);
}

/// `--profile good,missing`: the profile that cannot be reached is named in the panes,
/// the other loads; when no place can be reached the console does not open (exit 1, each
/// place named on stderr).
#[test]
fn a_place_that_cannot_be_reached_is_listed_and_the_rest_load() {
    require_tmux("the console with an unreachable place");
    let (emulator, _fleet) = seeded_emulator();
    let home = tempfile::tempdir().expect("temp home");
    // Credentials come from the profiles only (the environment's would serve every one).
    home_file(
        home.path(),
        "aws-credentials",
        "[good]\naws_access_key_id = test\naws_secret_access_key = test\n",
    );
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
    assert_has(&screen, "✗ 1 unreachable");
    assert_has(&screen, "✗ account missing");
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

/// Orphans marked in both regions (`[us-east-1's, eu-west-1's]`): one plan under each
/// region's name, one typed count, each region's deletes through its own session — read
/// back from AWS and from the audit log, region by region.
fn clean_up_in_both_regions(
    tmux: &Tmux,
    runtime: &tokio::runtime::Runtime,
    ec2_in: &dyn Fn(&'static str) -> aws_sdk_ec2::Client,
    home: &std::path::Path,
    [us_orphan, eu_orphan]: [&String; 2],
) {
    tmux.keys(&["4"]);
    for (n, id) in [&us_orphan, &eu_orphan].into_iter().enumerate() {
        tmux.keys(&["/"]);
        tmux.text(id);
        tmux.wait("the orphan alone", SCREEN, |s| {
            s.contains("Orphans (1/") && s.contains(id.as_str())
        });
        tmux.keys(&["Enter"]);
        tmux.keys(&["Space"]);
        tmux.wait_for(&format!("{} marked", n + 1), SCREEN);
        // One key at a time: an Esc and a `/` sent together arrive as Alt-/.
        tmux.keys(&["Escape"]);
        tmux.wait("the filter cleared", SCREEN, |s| !s.contains("Orphans (1/"));
    }
    tmux.keys(&["x"]);
    let screen = tmux.wait("the plan in two places", SCREEN, |s| {
        s.contains("Clean up 2 marked orphans in 2 places") && s.contains("Type 2")
    });
    assert!(
        screen.contains("default (123456789012) · us-east-1: 1 to delete")
            && screen.contains("default (123456789012) · eu-west-1: 1 to delete"),
        "{screen}"
    );
    tmux.text("2");
    tmux.keys(&["Enter"]);
    tmux.wait("both deleted", SCREEN, |s| {
        s.contains("Result: 2 done, 0 skipped, 0 failed")
    });
    tmux.keys(&["Escape"]);
    tmux.wait("the report to close", SCREEN, |s| {
        !s.contains("Result: 2 done")
    });
    for (region, id) in [("us-east-1", &us_orphan), ("eu-west-1", &eu_orphan)] {
        let left: Vec<String> = runtime
            .block_on(ec2_in(region).describe_volumes().send())
            .expect("describe volumes")
            .volumes()
            .iter()
            .filter_map(|v| v.volume_id().map(str::to_string))
            .collect();
        assert!(!left.contains(id), "{id} is gone from {region}: {left:?}");
    }
    let audit =
        std::fs::read_to_string(home.join("state/ecsnap/audit.log")).expect("the audit log");
    for (region, id) in [("us-east-1", &us_orphan), ("eu-west-1", &eu_orphan)] {
        assert!(
            audit.lines().any(|l| l.contains("ec2:DeleteVolume")
                && l.contains(id.as_str())
                && l.contains(&format!("\"region\":\"{region}\""))),
            "{audit}"
        );
    }
}

/// The console opens on the accounts that have answered (issue 29): `slow`'s identity
/// (GetCallerIdentity) is held at a proxy; `fast`'s services show at once with the header
/// counting accounts in and every action waiting; let through, `slow`'s region joins and
/// the count goes. Each profile reaches the emulator through its own `endpoint_url`.
#[test]
fn the_console_opens_before_the_slowest_account_answers() {
    require_tmux("the console while an account is still connecting");
    let (emulator, _fleet) = seeded_emulator();
    let (proxy, gate) = holding_proxy(&emulator.endpoint(), |request| {
        request.contains("Action=GetCallerIdentity")
    });
    let home = tempfile::tempdir().expect("temp home");
    home_file(
        home.path(),
        "aws-config",
        &format!(
            "[profile fast]\nregion = us-east-1\nendpoint_url = {}\n\n\
             [profile slow]\nregion = eu-west-1\nendpoint_url = {proxy}\n",
            emulator.endpoint()
        ),
    );
    std::fs::write(
        home.path().join("aws-credentials"),
        "[fast]\naws_access_key_id = test\naws_secret_access_key = test\n\n\
         [slow]\naws_access_key_id = test\naws_secret_access_key = test\n",
    )
    .expect("credentials");
    let command = console_command(&emulator.endpoint(), home.path(), "")
        .replace("AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test ", "")
        .replace(
            &format!("--region us-east-1 --endpoint-url {} ", emulator.endpoint()),
            "--profile fast,slow ",
        );
    let tmux = Tmux::start(&command, 120, 40);
    let screen = tmux.wait("fast's services while slow connects", FIRST_SCREEN, |s| {
        s.contains("Services (8)") && s.contains("connecting 1/2 accounts")
    });
    assert_eq!(gate.held(), 1, "slow's identity is still held");
    assert_lacks(&screen, "2 regions");
    // An action waits for every account: the marks are not final yet.
    tmux.keys(&["D"]);
    tmux.wait("the dialog held read-only", SCREEN, |s| {
        s.contains("still connecting")
    });
    tmux.keys(&["Escape"]);

    gate.open();
    let screen = tmux.wait("slow's region joined", SCREEN, |s| {
        s.contains("2 accounts · 2 regions") && !s.contains("connecting 1/2")
    });
    assert_has(&screen, "Services (8)");
    tmux.keys(&["q"]);
    tmux.wait_for("ECSNAP-EXITED-0", SCREEN);
}
