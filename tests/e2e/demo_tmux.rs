//! End to end: `ecsnap demo` in tmux, the 3am flow for real. The demo's emulator moves
//! rollouts (see `src/demo/dynamics.py`), here with short timings: the failing
//! `payments-prod/checkout` rollout turns FAILED and sorts on top, its tasks show the
//! out-of-memory kill, `R` preselects the previous revision, `y` rolls back, and the wait
//! view reaches stable; the service then runs `checkout:2`, read back through the SDK, and
//! every other service runs what it ran before. Back in Services, `2` opens checkout's
//! tasks: the selection followed checkout when it sorted down once steady.
//!
//! Needs tmux and the emulator's virtualenv (`<target dir>/moto-venv`, installed on first
//! use). Without tmux it fails, saying so.

use crate::asserts::assert_has;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::emulator::{all_task_definitions, moto_venv, sdk, service_task_definition};
use crate::tmux::{FIRST_SCREEN, SCREEN, Tmux, first_service_row, require_tmux};

/// The demo emulator's endpoint, from the demo's stderr (written to `demo.err` in HOME).
fn demo_endpoint(home: &Path) -> String {
    let stderr = std::fs::read_to_string(home.join("demo.err")).expect("the demo's stderr");
    stderr
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .map_or_else(
            || panic!("the demo names its endpoint: {stderr}"),
            |w| w.trim_end_matches('…').to_string(),
        )
}

/// `ecsnap demo` with a private HOME and the test emulator's virtualenv; the rollout fails
/// after 8 s instead of a minute and moves a step a second.
fn demo_command(home: &Path) -> String {
    let h = home.display();
    format!(
        "env HOME={h} XDG_CONFIG_HOME={h}/config XDG_STATE_HOME={h}/state XDG_DATA_HOME={h}/data \
         AWS_CONFIG_FILE={h}/aws-config AWS_SHARED_CREDENTIALS_FILE={h}/aws-credentials \
         AWS_EC2_METADATA_DISABLED=true ECSNAP_MOTO_VENV={venv} \
         ECSNAP_DEMO_STEP=1 ECSNAP_DEMO_OOM_AFTER=2 ECSNAP_DEMO_FAIL_AFTER=8 \
         TERM=xterm-256color {bin} demo 2>{h}/demo.err; echo ECSNAP-EXITED-$?; sleep 60",
        venv = moto_venv().display(),
        bin = env!("CARGO_BIN_EXE_ecsnap"),
    )
}

/// The second row of the Services table.
fn second_service_row(screen: &str) -> Option<&str> {
    let mut lines = screen.lines();
    lines.find(|l| l.contains("STATE") && l.contains("CLUSTER"))?;
    lines.nth(1)
}

/// Refreshes (`r`) until the top row of Services satisfies `ok`: the console does not poll
/// the pane by itself.
fn refresh_until(tmux: &Tmux, what: &str, timeout: Duration, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + timeout;
    loop {
        let screen = tmux.capture();
        if first_service_row(&screen).is_some_and(&ok) {
            return screen;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; the screen was:\n{screen}"
        );
        tmux.keys(&["r"]);
        std::thread::sleep(Duration::from_secs(1));
    }
}

// One console session, the 3am job from the first screen to the service read back.
#[expect(
    clippy::too_many_lines,
    reason = "one tmux session driven through the 3am job, AWS read back at the end"
)]
#[test]
fn demo_failing_rollout_is_rolled_back_to_stable_in_tmux() {
    require_tmux("the demo end-to-end test");
    let home = tempfile::tempdir().expect("temp home");
    let tmux = Tmux::start(&demo_command(home.path()), 120, 40);

    // The demo fleet plus the failing service; it turns FAILED and sorts on top.
    // The 3am story is told inside the console, where the user looks, until the first key.
    tmux.wait("the services and the demo's story", FIRST_SCREEN, |s| {
        s.contains("Services (11)")
            && s.contains("payments-prod/checkout: checkout:3 will fail; R then rolls it back")
    });
    // The canary paused at a hook, waiting for the user, sorts first (its line under the
    // table says so); the failed checkout right below it.
    let screen = refresh_until(
        &tmux,
        "checkout FAILED below the paused gateway",
        Duration::from_mins(1),
        |top| top.contains("AWAITING") && top.contains("gateway"),
    );
    let screen = if second_service_row(&screen).is_some_and(|r| r.contains("FAILED")) {
        screen
    } else {
        refresh_until(
            &tmux,
            "checkout FAILED second",
            Duration::from_mins(1),
            |_| {
                second_service_row(&tmux.capture())
                    .is_some_and(|r| r.contains("FAILED") && r.contains("checkout"))
            },
        )
    };
    assert_has(&screen, "gateway: ◆ AWAITING · ROLLBACK in");
    // Without a key: the failing checkout's reason is on the first screen too.
    // (Its memory sparkline may lead the line: `checkout: mem ▄▆██ 100% · ✗ FAILED · …`.)
    tmux.wait("checkout's reason under the table", SCREEN, checkout_why);
    let second = second_service_row(&screen).unwrap_or_default();
    assert!(second.contains("checkout:3"), "{screen}");
    // j: checkout selected, its why under the table: the out-of-memory kills counted.
    tmux.keys(&["j"]);
    tmux.wait("checkout's why", SCREEN, checkout_why);
    // What every service runs before anything is sent (checkout: the failed checkout:3).
    let aws = sdk(&demo_endpoint(home.path()));
    let before = all_task_definitions(&aws);
    assert!(
        before.contains_key("payments-prod/checkout") && before.len() > 1,
        "{before:?}"
    );

    // Its tasks: the stopped ones were killed for out of memory; the selected one says so.
    tmux.keys(&["Enter"]);
    tmux.wait("checkout's tasks", SCREEN, |s| {
        s.contains("Tasks of payments-prod/checkout") && s.contains("out of memory")
    });
    // End: the oldest stopped task. The demo keeps killing tasks, and a refresh that no
    // longer lists the selected one puts the selection back on top: press End again then.
    let reason = |s: &str| {
        s.contains("app: OutOfMemoryError: Container killed")
            && s.contains("EssentialContainerExited")
    };
    let deadline = Instant::now() + SCREEN;
    loop {
        tmux.keys(&["End"]);
        std::thread::sleep(Duration::from_secs(1));
        if reason(&tmux.capture()) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for the stopped task's reason; the screen was:\n{}",
            tmux.capture()
        );
    }

    // l: the stopped task's logs, newest lines on the first screen — the demo's dynamics
    // wrote the out-of-memory lines to /ecs/payments-prod/checkout.
    tmux.keys(&["l"]);
    let screen = tmux.wait("the stopped task's logs", SCREEN, |s| {
        s.contains("runtime: out of memory")
    });
    assert_has(&screen, "/ecs/payments-prod/checkout");
    assert_has(&screen, "checkout/app/");
    tmux.keys(&["Escape"]);
    tmux.wait("back to the tasks", SCREEN, |s| {
        s.contains("Tasks of payments-prod/checkout") && !s.contains("runtime: out of memory")
    });

    // R from the tasks: the previous revision is preselected.
    tmux.keys(&["R"]);
    let screen = tmux.wait("the rollback picker", SCREEN, |s| {
        s.contains("Plan: checkout:3 → checkout:2")
    });
    assert_has(&screen, "Roll back payments-prod/checkout");
    let picked = screen.lines().find(|l| l.contains('▶')).unwrap_or_default();
    assert!(picked.contains("checkout:2"), "{picked}\n{screen}");

    // y: the rollback runs and the wait view reaches stable.
    tmux.keys(&["y"]);
    tmux.wait("the wait view", SCREEN, |s| {
        s.contains("Watching payments-prod/checkout")
            && s.contains("Rolled back checkout:3 → checkout:2")
    });
    let screen = tmux.wait("stable", Duration::from_mins(1), |s| s.contains("✓ stable"));
    assert_has(&screen, "has reached a steady state");
    // What the console says, AWS says: the service runs the previous revision.
    let td = service_task_definition(&aws, "payments-prod", "checkout");
    assert!(td.ends_with("task-definition/checkout:2"), "{td}");
    assert!(
        screen
            .lines()
            .any(|l| l.contains("PRIMARY") && l.contains("checkout:2") && l.contains("COMPLETED")),
        "{screen}"
    );
    tmux.keys(&["Escape"]);
    tmux.wait("the wait view to close", SCREEN, |s| {
        !s.contains("Watching payments-prod")
    });
    tmux.keys(&["1"]);
    let steady_checkout = |s: &str| {
        s.lines()
            .any(|l| l.contains("checkout") && l.contains("steady") && l.contains("checkout:2"))
    };
    refresh_until(&tmux, "checkout steady", SCREEN, |_| {
        steady_checkout(&tmux.capture())
    });
    let screen = tmux.wait("checkout steady on screen", SCREEN, steady_checkout);
    assert!(
        screen
            .lines()
            .any(|l| l.contains("checkout") && l.contains("steady") && l.contains("checkout:2")),
        "{screen}"
    );
    // The selection followed checkout down: 2 opens its tasks, not the new top row's.
    let selected = screen.lines().find(|l| l.contains('›')).unwrap_or_default();
    assert!(selected.contains("checkout"), "{selected}\n{screen}");
    tmux.keys(&["2"]);
    let screen = tmux.wait("a service's tasks", SCREEN, |s| s.contains("Tasks of "));
    assert!(
        screen.contains("Tasks of payments-prod/checkout"),
        "2 opens checkout's tasks:\n{screen}"
    );
    // Only checkout changed: every other service runs what it ran before.
    let after = all_task_definitions(&aws);
    let changed: Vec<(&String, &String, Option<&String>)> = before
        .iter()
        .filter(|(k, v)| after.get(*k) != Some(*v))
        .map(|(k, v)| (k, v, after.get(k)))
        .collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(changed[0].0, "payments-prod/checkout");
    assert!(
        changed[0].1.ends_with("checkout:3")
            && changed[0].2.is_some_and(|td| td.ends_with("checkout:2")),
        "{changed:?}"
    );
    assert_eq!(after.len(), before.len(), "{after:?}");
    tmux.keys(&["q"]);
    tmux.wait_for("ECSNAP-EXITED-0", SCREEN);
}

/// The newest service deployment of `cluster/service` as ECS lists it: its status.
fn newest_deployment_status(aws: &crate::emulator::Aws, cluster: &str, service: &str) -> String {
    let listed = crate::emulator::block_on(
        aws.ecs
            .list_service_deployments()
            .cluster(cluster)
            .service(service)
            .send(),
    )
    .expect("list service deployments");
    listed
        .service_deployments()
        .iter()
        .max_by_key(|d| {
            d.created_at()
                .map(aws_sdk_ecs::primitives::DateTime::as_nanos)
        })
        .and_then(|d| d.status())
        .map(|s| s.as_str().to_string())
        .unwrap_or_default()
}

/// The demo's gateway canary waits for the user: on top of Services with its countdown;
/// `h`, `o`, `y` continue it to SUCCESSFUL, and ECS (the demo's helper) says so too.
#[test]
fn demo_paused_canary_is_continued_from_the_console_in_tmux() {
    require_tmux("the demo end-to-end test");
    let home = tempfile::tempdir().expect("temp home");
    let tmux = Tmux::start(&demo_command(home.path()), 120, 40);
    tmux.wait("the services", FIRST_SCREEN, |s| {
        s.contains("Services (11)")
    });
    let screen = refresh_until(
        &tmux,
        "gateway awaiting on top",
        Duration::from_mins(1),
        |top| top.contains("◆ AWAITING") && top.contains("gateway") && top.contains("ROLLBACK in"),
    );
    assert_has(&screen, "gateway: ◆ AWAITING · ROLLBACK in");
    tmux.keys(&["h"]);
    tmux.wait("gateway's deployments", SCREEN, |s| {
        s.contains("Deployments of payments-prod/gateway") && s.contains("AWAITING_ACTION")
    });
    tmux.keys(&["o"]);
    tmux.wait("the continue plan", SCREEN, |s| {
        s.contains("Sends: ContinueServiceDeployment hookId=") && s.contains("action=CONTINUE")
    });
    tmux.keys(&["y"]);
    tmux.wait("SUCCESSFUL", Duration::from_mins(1), |s| {
        s.contains("→ SUCCESSFUL")
    });
    let aws = sdk(&demo_endpoint(home.path()));
    assert_eq!(
        newest_deployment_status(&aws, "payments-prod", "gateway"),
        "SUCCESSFUL"
    );
    let td = service_task_definition(&aws, "payments-prod", "gateway");
    assert!(td.ends_with("task-definition/gateway:2"), "{td}");
    tmux.keys(&["Escape", "q"]);
}

/// The same canary rolled back instead: `R` preselects ECS's own rollback, `y` sends it,
/// the dialog follows it to ROLLBACK_SUCCESSFUL, and the service runs gateway:1 again.
#[test]
fn demo_paused_canary_is_rolled_back_by_ecs_from_the_console_in_tmux() {
    require_tmux("the demo end-to-end test");
    let home = tempfile::tempdir().expect("temp home");
    let tmux = Tmux::start(&demo_command(home.path()), 120, 40);
    tmux.wait("the services", FIRST_SCREEN, |s| {
        s.contains("Services (11)")
    });
    refresh_until(
        &tmux,
        "gateway awaiting on top",
        Duration::from_mins(1),
        |top| top.contains("◆ AWAITING") && top.contains("gateway"),
    );
    tmux.keys(&["R"]);
    let screen = tmux.wait("the rollback picker with ECS's row", SCREEN, |s| {
        s.contains("Roll back payments-prod/gateway") && s.contains("(ECS)")
    });
    let picked = screen.lines().find(|l| l.contains('▶')).unwrap_or_default();
    assert!(
        picked.contains("(ECS)"),
        "ECS's rollback is preselected: {picked}\n{screen}"
    );
    tmux.keys(&["y"]);
    tmux.wait("ROLLBACK_SUCCESSFUL", Duration::from_mins(1), |s| {
        s.contains("ROLLBACK_SUCCESSFUL")
    });
    let aws = sdk(&demo_endpoint(home.path()));
    assert_eq!(
        newest_deployment_status(&aws, "payments-prod", "gateway"),
        "ROLLBACK_SUCCESSFUL"
    );
    let td = service_task_definition(&aws, "payments-prod", "gateway");
    assert!(td.ends_with("task-definition/gateway:1"), "{td}");
    tmux.keys(&["Escape", "q"]);
}

/// Whether `screen` has checkout's why line under the table: FAILED, its memory alarm
/// firing, its out-of-memory kills counted (as README's 3am tour quotes it), whatever
/// comes first on the line (a sparkline, when metrics are in).
fn checkout_why(screen: &str) -> bool {
    screen.lines().any(|l| {
        l.contains("│checkout: ")
            && l.contains("✗ FAILED · alarm checkout-memory-high in ALARM ·")
            && l.contains("tasks out of memory (exit 137)")
    })
}

/// The demo's load-balanced storefront: its Tasks show one task's target unhealthy with
/// the load balancer's reason and the other healthy; Detail counts the target group and
/// names the reason.
#[test]
fn demo_storefront_shows_its_unhealthy_target_in_tmux() {
    require_tmux("the demo end-to-end test");
    let home = tempfile::tempdir().expect("temp home");
    let tmux = Tmux::start(&demo_command(home.path()), 120, 40);
    tmux.wait("the services", FIRST_SCREEN, |s| {
        s.contains("Services (11)") && s.contains("storefront")
    });
    tmux.keys(&["/"]);
    tmux.text("storefront");
    tmux.keys(&["Enter"]);
    tmux.wait("storefront alone", SCREEN, |s| {
        s.contains("storefront") && !s.contains("checkout")
    });
    tmux.keys(&["Enter"]);
    let screen = tmux.wait("storefront's tasks with their targets", SCREEN, |s| {
        s.contains("Tasks of payments-prod/storefront")
            && s.contains("unhealthy ResponseCodeMismatch")
            && s.lines()
                .any(|l| l.contains("RUNNING") && l.contains(" healthy"))
    });
    assert_has(&screen, "TG");
    tmux.keys(&["d"]);
    tmux.wait("storefront's target group in Detail", SCREEN, |s| {
        s.contains("storefront-tg  1 healthy · 1 unhealthy")
            && s.contains("unhealthy — Target.ResponseCodeMismatch: Health")
            && s.contains("codes: [503]")
    });
    tmux.keys(&["q"]);
}
