//! End to end: the real `ecsnap` binary in a tmux session against the moto demo fleet.
//! Drives the console like a user (panes, drill-in, filter, help, quit) and reads the
//! screen with `tmux capture-pane`; checks the terminal is restored after `q`.
//!
//! Needs tmux and the emulator's virtualenv (`<target dir>/moto-venv`, installed on first
//! use). Without tmux it fails, saying so.

use crate::asserts::{assert_has, assert_lacks};
use crate::harness::console_on_scenario;
use crate::tmux::{SCREEN, first_service_row};
use ecsnap::tui::keymap::bindings_for;
use ecsnap::tui::state::pane_id::PaneId;

#[test]
fn console_end_to_end_in_tmux() {
    // Services: the not-steady service on top.
    let (t, tmux, screen) = console_on_scenario("the console end-to-end test");
    let top = first_service_row(&screen).unwrap_or_default();
    let (cluster, service) = &t.fleet.not_steady[0];
    assert!(
        top.contains(service.as_str()) && top.contains(cluster.as_str()) && !top.contains("steady"),
        "the not-steady service {cluster}/{service} should be on top:\n{screen}"
    );
    tmux.wait_for("account 123456789012", SCREEN);

    // Filter narrows the rows live.
    tmux.keys(&["/"]);
    tmux.text("ledg");
    tmux.wait("the filter to leave ledger alone", SCREEN, |s| {
        s.contains("Services (1/8)") && s.contains("ledger") && !s.contains("worker")
    });
    tmux.keys(&["Enter"]);

    // Drill into ledger's tasks: its tasks and the service's volumes.
    tmux.keys(&["Enter"]);
    let screen = tmux.wait("ledger's tasks and volumes", SCREEN, |s| {
        s.contains("Tasks of payments-prod/ledger (2)")
            && t.fleet
                .in_use_volumes
                .iter()
                .all(|v| s.contains(v.as_str()))
    });
    assert_has(&screen, "RUNNING/RUNNING");

    // Detail: environment with the secret masked.
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("DB_PASSWORD=••••", SCREEN);
    assert_lacks(&screen, "demo-not-a-real-password");
    // One Escape at a time: several sent at once reach the terminal as one escape
    // sequence, which is not what a person pressing Esc three times produces.
    tmux.keys(&["Escape"]);
    tmux.wait("the tasks again", SCREEN, |s| {
        s.contains("Tasks of payments-prod/ledger") && !s.contains("DB_PASSWORD")
    });
    tmux.keys(&["Escape"]);
    tmux.wait_for("Services (1/8)", SCREEN);
    tmux.keys(&["Escape"]);
    tmux.wait_for("Services (8)", SCREEN);

    // Snapshots: a user's tags with sizes.
    tmux.keys(&["3"]);
    let screen = tmux.wait("alice's tags", SCREEN, |s| {
        s.contains("Tags of workspaces/alice (6)") && s.contains("alice-20261122T0930")
    });
    let tag_line = screen
        .lines()
        .find(|l| l.contains("alice-20261122T0930"))
        .unwrap_or_default();
    assert!(tag_line.contains("MiB"), "a tag shows its size: {tag_line}");

    // Orphans: the totals.
    tmux.keys(&["Tab"]);
    let screen = tmux.wait_for("Total: 12 volumes, 3 snapshots", SCREEN);
    assert_has(&screen, "$124.80/month");

    // Help lists every key of the pane: its first page, then (PgDn) the rest.
    // Waits for the whole overlay: a capture can catch a frame half written.
    tmux.keys(&["?"]);
    let keys: Vec<_> = bindings_for(PaneId::Orphans).collect();
    let first = tmux.wait("the help's first page", SCREEN, |s| {
        s.contains("Keys in Orphans") && s.contains("more below")
    });
    tmux.keys(&["NPage"]);
    let second = tmux.wait("the help's last page", SCREEN, |s| {
        s.contains("more above") && s.contains("In this help")
    });
    let both = format!("{first}\n{second}");
    for b in &keys {
        assert!(
            both.contains(&b.label()),
            "{} not in the help:\n{both}",
            b.label()
        );
    }
    tmux.keys(&["Escape"]);
    tmux.wait("the help to close", SCREEN, |s| {
        !s.contains("Keys in Orphans")
    });

    // Quit: the shell's screen is back, out of raw mode.
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("ECSNAP-EXITED-0", SCREEN);
    assert!(
        !tmux.alternate_screen_on(),
        "still on the alternate screen:\n{screen}"
    );
    assert!(
        !screen.contains("Services ("),
        "console left on screen:\n{screen}"
    );
    let screen = tmux.wait("stty output", SCREEN, |s| s.contains("icanon"));
    assert!(
        screen.lines().any(|l| l.trim() == "icanon"),
        "terminal left in raw mode:\n{screen}"
    );
}
