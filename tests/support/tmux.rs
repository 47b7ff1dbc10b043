//! The tmux harness for the console's end-to-end tests: a tmux session on its own server
//! socket running the real binary, keys in, `capture-pane` out, polled with a deadline.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub const FIRST_SCREEN: Duration = Duration::from_secs(90);
pub const SCREEN: Duration = Duration::from_secs(30);

pub fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A tmux session on its own server socket, killed when dropped.
static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

pub struct Tmux {
    socket: String,
    name: String,
}

impl Tmux {
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs")
    }

    pub fn start(command: &str, width: u16, height: u16) -> Self {
        let t = Tmux {
            socket: format!(
                "ecsnap-test-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            ),
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

    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            let out = self.run(&["send-keys", "-t", &self.name, k]);
            assert!(out.status.success(), "send-keys {k}: {out:?}");
        }
    }

    pub fn text(&self, text: &str) {
        let out = self.run(&["send-keys", "-t", &self.name, "-l", text]);
        assert!(out.status.success(), "send-keys -l {text}: {out:?}");
    }

    pub fn capture(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", &self.name]).stdout)
            .into_owned()
    }

    pub fn alternate_screen_on(&self) -> bool {
        let out = self.run(&["display-message", "-p", "-t", &self.name, "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    /// Polls the screen until `ok` holds; panics with the last screen at the deadline.
    pub fn wait(&self, what: &str, timeout: Duration, ok: impl Fn(&str) -> bool) -> String {
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

    pub fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        self.wait(&format!("{needle:?}"), timeout, |s| s.contains(needle))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// The data row right under the services table header.
pub fn first_service_row(screen: &str) -> Option<&str> {
    let mut lines = screen.lines();
    lines.find(|l| l.contains("STATE") && l.contains("CLUSTER"))?;
    lines.next()
}

/// The shell command that runs the console against `endpoint` with a private HOME, then
/// prints its exit code and the terminal mode.
pub fn console_command(endpoint: &str, home: &Path, extra: &str) -> String {
    let h = home.display();
    format!(
        "env HOME={h} XDG_CONFIG_HOME={h}/config XDG_STATE_HOME={h}/state XDG_DATA_HOME={h}/data \
         AWS_CONFIG_FILE={h}/aws-config AWS_SHARED_CREDENTIALS_FILE={h}/aws-credentials \
         AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_EC2_METADATA_DISABLED=true \
         TERM=xterm-256color {bin} --region us-east-1 --endpoint-url {endpoint} {extra}; \
         echo ECSNAP-EXITED-$?; stty -a | tr ' ' '\\n' | grep -x -- '-*icanon'; sleep 60",
        bin = env!("CARGO_BIN_EXE_ecsnap"),
    )
}

/// The console on the demo fleet at `endpoint` in a 120×40 session, once its services are
/// listed: the session and that first screen.
pub fn console_on_demo_fleet(endpoint: &str, home: &Path) -> (Tmux, String) {
    let tmux = Tmux::start(&console_command(endpoint, home, ""), 120, 40);
    let screen = tmux.wait("the services", FIRST_SCREEN, |s| s.contains("Services (8)"));
    (tmux, screen)
}

/// Fails the test with what to install when tmux is missing: a console test that passes
/// without running would say nothing (CI installs tmux; so should a developer's machine).
pub fn require_tmux(what: &str) {
    assert!(
        tmux_available(),
        "tmux is not installed, and {what} drives the console in tmux: install it \
         (`apt-get install tmux`, `brew install tmux`) and run the test again"
    );
}
