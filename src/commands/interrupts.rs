//! Signals at the binary edge: the first Ctrl-C (SIGINT) or SIGTERM during a mutation
//! triggers the session's `Interrupt` (no new request starts; those in flight are waited
//! for, up to 30 s, and recorded; the report is printed; exit 130). Outside a mutation, or
//! the second time, ecsnap exits at once with 130.

use crate::error::exit;
use crate::ops::interrupt::{IN_FLIGHT_GRACE, Interrupt, waiting_line};

/// Extra time past the grace period before the watcher gives up on the main flow.
const BACKSTOP: std::time::Duration = std::time::Duration::from_secs(5);

/// Starts watching for SIGINT / SIGTERM for the rest of the process.
pub fn watch(interrupt: Interrupt) {
    tokio::spawn(async move {
        let mut signals = match Signals::new() {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!("cannot watch for signals: {e}");
                return;
            }
        };
        let mut count = 0u32;
        loop {
            let name = signals.next().await;
            count += 1;
            if count == 1 && interrupt.is_mutating() {
                interrupt.trigger();
                tracing::warn!("{name}: waiting for {} requests", interrupt.in_flight());
                eprintln_escaped!("{}", waiting_line(interrupt.in_flight()));
                tokio::spawn(async {
                    tokio::time::sleep(IN_FLIGHT_GRACE + BACKSTOP).await;
                    eprintln_escaped!("interrupted: still not finished; exiting");
                    std::process::exit(exit::INTERRUPTED);
                });
            } else {
                interrupt.trigger();
                tracing::warn!("{name}: exiting at once");
                eprintln_escaped!("interrupted: exiting at once");
                std::process::exit(exit::INTERRUPTED);
            }
        }
    });
}

struct Signals {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl Signals {
    #[cfg(unix)]
    fn new() -> std::io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            int: signal(SignalKind::interrupt())?,
            term: signal(SignalKind::terminate())?,
        })
    }

    #[cfg(not(unix))]
    fn new() -> std::io::Result<Self> {
        Ok(Self {})
    }

    #[cfg(unix)]
    async fn next(&mut self) -> &'static str {
        tokio::select! {
            _ = self.int.recv() => "SIGINT",
            _ = self.term.recv() => "SIGTERM",
        }
    }

    #[cfg(not(unix))]
    async fn next(&mut self) -> &'static str {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}
