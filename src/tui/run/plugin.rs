//! The console's side of `session-manager-plugin`: an exec runs in the foreground on this
//! terminal (the console leaves the alternate screen and raw mode, stops reading keys,
//! and restores all of it when the shell ends); a port forward runs in the background,
//! shown in the header, and is stopped when the console exits.

use std::io::{Stdout, stdout};
use std::process::Child;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::ops::plugin::Plugin;
use crate::tui::state::app::AppState;
use crate::tui::state::hands_on::Foreground;

/// Longer than the input thread's poll, so it is out of `poll` before the plugin reads.
const INPUT_SETTLE: Duration = Duration::from_millis(150);
/// How long a port forward gets to end its session when the console exits.
const STOP_GRACE: Duration = Duration::from_secs(2);

pub struct PluginRuns {
    input_paused: Arc<AtomicBool>,
    /// Background port forwards: the process and its route.
    forwards: Vec<(Child, String)>,
}

impl PluginRuns {
    pub fn new() -> Self {
        Self {
            input_paused: Arc::new(AtomicBool::new(false)),
            forwards: Vec::new(),
        }
    }

    /// The flag the input thread honours.
    pub fn input_paused(&self) -> Arc<AtomicBool> {
        self.input_paused.clone()
    }

    /// Runs what `update` asked for.
    pub async fn start(
        &mut self,
        run: Foreground,
        terminal: &mut Terminal<CrosstermBackend<Stdout>>,
        state: &mut AppState,
    ) {
        match run {
            Foreground::Exec { call, what } => {
                self.input_paused.store(true, Ordering::Relaxed);
                tokio::time::sleep(INPUT_SETTLE).await;
                let _ = disable_raw_mode();
                let _ = execute!(stdout(), LeaveAlternateScreen, crossterm::cursor::Show);
                println!("ecsnap: ECS Exec into {what}; the console returns when the shell ends.");
                // Ctrl-C belongs to the shell: ecsnap must not die of it meanwhile.
                let ignore = tokio::spawn(async { while tokio::signal::ctrl_c().await.is_ok() {} });
                let outcome =
                    tokio::task::spawn_blocking(move || Plugin::default().run(&call)).await;
                ignore.abort();
                let _ = enable_raw_mode();
                let _ = execute!(stdout(), EnterAlternateScreen, crossterm::cursor::Hide);
                let _ = terminal.clear();
                self.input_paused.store(false, Ordering::Relaxed);
                state.message = Some(match outcome {
                    Ok(Ok(status)) if status.success() => format!("exec into {what} ended"),
                    Ok(Ok(status)) => format!("exec into {what} ended: plugin {status}"),
                    Ok(Err(e)) => format!("exec into {what} failed: {e}"),
                    Err(e) => format!("exec into {what} failed: {e}"),
                });
            }
            Foreground::Forward { call, route } => {
                // Private to the user, as the state dir and its other logs are.
                let dir = crate::config::state_dir();
                let log = crate::ops::audit::ensure_private_dir(&dir)
                    .and_then(|()| {
                        crate::ops::audit::open_private_append(&dir.join("port-forward.log"))
                    })
                    .ok();
                match Plugin::default().spawn(&call, log) {
                    Ok(child) => {
                        state.forwards.push(route.clone());
                        self.forwards.push((child, route));
                    }
                    Err(e) => state.message = Some(format!("port forward {route} failed: {e}")),
                }
            }
        }
    }

    /// Forgets forwards whose plugin ended by itself, and says so.
    pub fn reap(&mut self, state: &mut AppState) {
        let mut ended = Vec::new();
        self.forwards
            .retain_mut(|(child, route)| match child.try_wait() {
                Ok(None) => true,
                Ok(Some(status)) => {
                    ended.push(format!("port forward {route} ended ({status})"));
                    false
                }
                Err(e) => {
                    ended.push(format!("port forward {route}: {e}"));
                    false
                }
            });
        if !ended.is_empty() {
            state.forwards = self.forwards.iter().map(|(_, r)| r.clone()).collect();
            state.message = Some(ended.join("; "));
        }
    }

    /// Stops every port forward (the console is exiting): SIGINT first, which the plugin
    /// answers by ending its session, then a kill for one that does not exit in time.
    pub fn stop_all(&mut self) {
        for (child, _) in &self.forwards {
            let _ = std::process::Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status();
        }
        for (mut child, route) in self.forwards.drain(..) {
            let deadline = std::time::Instant::now() + STOP_GRACE;
            while std::time::Instant::now() < deadline {
                if matches!(child.try_wait(), Ok(Some(_))) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            if matches!(child.try_wait(), Ok(None))
                && let Err(e) = child.kill()
            {
                tracing::warn!("stopping port forward {route}: {e}");
            }
            let _ = child.wait();
        }
    }
}

impl Drop for PluginRuns {
    fn drop(&mut self) {
        self.stop_all();
    }
}
