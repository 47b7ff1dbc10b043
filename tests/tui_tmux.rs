//! End to end: the real `ecsnap` binary in a tmux session against the moto demo fleet.
//! Drives the console like a user (panes, drill-in, filter, help, quit) and reads the
//! screen with `tmux capture-pane`; checks the terminal is restored after `q`.
//!
//! Needs tmux and the emulator's virtualenv (`<target dir>/moto-venv`, installed on first
//! use). Without tmux the test is skipped locally but fails when `CI` is set.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use ecsnap::demo::{Emulator, seed};
use ecsnap::tui::app::PaneId;
use ecsnap::tui::keymap::bindings_for;

const FIRST_SCREEN: Duration = Duration::from_secs(90);
const SCREEN: Duration = Duration::from_secs(30);

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    )
}

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A tmux session on its own server socket, killed when dropped.
struct Tmux {
    socket: String,
    name: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs")
    }

    fn start(command: &str, width: u16, height: u16) -> Self {
        let t = Tmux {
            socket: format!("ecsnap-test-{}", std::process::id()),
            name: "console".into(),
        };
        let out = t.run(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            &t.name,
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            command,
        ]);
        assert!(out.status.success(), "tmux new-session: {out:?}");
        t
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            let out = self.run(&["send-keys", "-t", &self.name, k]);
            assert!(out.status.success(), "send-keys {k}: {out:?}");
        }
    }

    fn text(&self, text: &str) {
        let out = self.run(&["send-keys", "-t", &self.name, "-l", text]);
        assert!(out.status.success(), "send-keys -l {text}: {out:?}");
    }

    fn capture(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", &self.name]).stdout)
            .into_owned()
    }

    fn alternate_screen_on(&self) -> bool {
        let out = self.run(&["display-message", "-p", "-t", &self.name, "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    /// Polls the screen until `ok` holds; panics with the last screen at the deadline.
    fn wait(&self, what: &str, timeout: Duration, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.capture();
            if ok(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; the screen was:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        self.wait(&format!("{needle:?}"), timeout, |s| s.contains(needle))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// The data row right under the services table header.
fn first_service_row(screen: &str) -> Option<&str> {
    let mut lines = screen.lines();
    lines.find(|l| l.contains("STATE") && l.contains("CLUSTER"))?;
    lines.next()
}

#[test]
fn console_end_to_end_in_tmux() {
    if !tmux_available() {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is not installed; the console end-to-end test needs it in CI"
        );
        eprintln!("skipping the console end-to-end test: tmux is not installed");
        return;
    }
    let venv = target_dir().join("moto-venv");
    let emulator = Emulator::start(&venv, &mut |m: &str| eprintln!("{m}")).expect("moto starts");
    emulator.pin_task_status().expect("task status pinned");
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let fleet = runtime
        .block_on(seed(&emulator.endpoint()))
        .expect("demo fleet seeded");
    let home = tempfile::tempdir().expect("temp home");
    let h = home.path().display();
    let command = format!(
        "env HOME={h} XDG_CONFIG_HOME={h}/config XDG_STATE_HOME={h}/state XDG_DATA_HOME={h}/data \
         AWS_CONFIG_FILE={h}/aws-config AWS_SHARED_CREDENTIALS_FILE={h}/aws-credentials \
         AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_EC2_METADATA_DISABLED=true \
         TERM=xterm-256color {bin} --region us-east-1 --endpoint-url {endpoint}; \
         echo ECSNAP-EXITED-$?; stty -a | tr ' ' '\\n' | grep -x -- '-*icanon'; sleep 60",
        bin = env!("CARGO_BIN_EXE_ecsnap"),
        endpoint = emulator.endpoint(),
    );
    let tmux = Tmux::start(&command, 120, 40);

    // Services: the not-steady service on top.
    let screen = tmux.wait("the services", FIRST_SCREEN, |s| s.contains("Services (8)"));
    let top = first_service_row(&screen).unwrap_or_default();
    let (cluster, service) = &fleet.not_steady[0];
    assert!(
        top.contains(service.as_str()) && top.contains(cluster.as_str()) && !top.contains("steady"),
        "the not-steady service {cluster}/{service} should be on top:\n{screen}"
    );
    tmux.wait_for("account 123456789012", SCREEN);

    // Filter narrows the rows live.
    tmux.keys(&["/"]);
    tmux.text("ledg");
    let screen = tmux.wait_for("Services (1/8)", SCREEN);
    assert!(
        screen.contains("ledger") && !screen.contains("worker"),
        "{screen}"
    );
    tmux.keys(&["Enter"]);

    // Drill into ledger's tasks: its tasks and the service's volumes.
    tmux.keys(&["Enter"]);
    let screen = tmux.wait("ledger's tasks and volumes", SCREEN, |s| {
        s.contains("Tasks of payments-prod/ledger (2)")
            && fleet.in_use_volumes.iter().all(|v| s.contains(v.as_str()))
    });
    assert!(screen.contains("RUNNING/RUNNING"), "{screen}");

    // Detail: environment with the secret masked.
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("DB_PASSWORD=••••", SCREEN);
    assert!(!screen.contains("demo-not-a-real-password"), "{screen}");
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
    assert!(screen.contains("$124.80/month"), "{screen}");

    // Help lists every key of the pane.
    tmux.keys(&["?"]);
    let screen = tmux.wait_for("Keys in Orphans", SCREEN);
    for b in bindings_for(PaneId::Orphans) {
        assert!(
            screen.contains(b.label),
            "help lacks {}:\n{screen}",
            b.label
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
