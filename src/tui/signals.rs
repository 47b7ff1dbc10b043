//! The signals that end the console as `q` does: SIGTERM (`kill`, `timeout`), SIGHUP (an
//! SSH hang-up, a closed tmux pane), SIGQUIT and SIGINT. The event loop waits on them
//! beside the keys; the console then restores the terminal and exits with
//! `exit::INTERRUPTED` (130), as docs/errors.md says.

/// The console's signal watchers, created once when the console opens.
pub(super) struct QuitSignals {
    #[cfg(unix)]
    watched: Vec<(&'static str, tokio::signal::unix::Signal)>,
}

impl QuitSignals {
    /// Watches the signals; one that cannot be watched is logged and left to its default.
    #[cfg(unix)]
    pub(super) fn new() -> Self {
        use tokio::signal::unix::{SignalKind, signal};
        let kinds = [
            ("SIGTERM", SignalKind::terminate()),
            ("SIGHUP", SignalKind::hangup()),
            ("SIGQUIT", SignalKind::quit()),
            ("SIGINT", SignalKind::interrupt()),
        ];
        let watched = kinds
            .into_iter()
            .filter_map(|(name, kind)| match signal(kind) {
                Ok(s) => Some((name, s)),
                Err(e) => {
                    tracing::warn!("cannot watch for {name}: {e}");
                    None
                }
            })
            .collect();
        Self { watched }
    }

    #[cfg(not(unix))]
    pub(super) fn new() -> Self {
        Self {}
    }

    /// The name of the next signal that arrives; pending forever when none is watched.
    #[cfg(unix)]
    pub(super) async fn next(&mut self) -> &'static str {
        if self.watched.is_empty() {
            return std::future::pending().await;
        }
        let waits = self.watched.iter_mut().map(|(name, s)| {
            Box::pin(async move {
                s.recv().await;
                *name
            })
        });
        futures::future::select_all(waits).await.0
    }

    #[cfg(not(unix))]
    pub(super) async fn next(&mut self) -> &'static str {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}
