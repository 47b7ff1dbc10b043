//! Graceful interrupts: the first Ctrl-C / SIGINT / SIGTERM during a mutation triggers an
//! `Interrupt`; from then on no new mutating request starts (the `Mutator` refuses and
//! `cleanup::execute` reports the rest as "not started: interrupted"), while the requests
//! already sent are waited for and recorded. The binary edge owns the signals
//! (`commands::interrupts`); the library only sees this token.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

/// How long the requests in flight are waited for after an interrupt.
pub const IN_FLIGHT_GRACE: Duration = Duration::from_secs(30);

/// Why items that never started are skipped.
pub const NOT_STARTED: &str = "not started: interrupted";

#[derive(Default)]
struct Inner {
    fired: AtomicBool,
    notify: Notify,
    /// Mutating requests sent and not answered yet.
    in_flight: AtomicUsize,
    /// Mutation phases running (an `execute`); outside them an interrupt exits at once.
    mutating: AtomicUsize,
}

/// A cancellation token shared by the signal handler, the `Mutator` and `execute`.
/// Cloning shares it; the default one is never triggered unless someone calls `trigger`.
#[derive(Clone, Default)]
pub struct Interrupt {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Interrupt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interrupt")
            .field("triggered", &self.is_triggered())
            .field("in_flight", &self.in_flight())
            .finish()
    }
}

impl Interrupt {
    pub fn new() -> Self {
        Self::default()
    }

    /// Stops new requests from starting. Returns whether this call was the first.
    pub fn trigger(&self) -> bool {
        let first = !self.inner.fired.swap(true, Ordering::SeqCst);
        self.inner.notify.notify_waiters();
        first
    }

    pub fn is_triggered(&self) -> bool {
        self.inner.fired.load(Ordering::SeqCst)
    }

    /// Resolves once `trigger` was called (at once if it already was).
    pub async fn triggered(&self) {
        let notified = self.inner.notify.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if self.is_triggered() {
            return;
        }
        notified.await;
    }

    /// Mutating requests sent and not answered yet.
    pub fn in_flight(&self) -> usize {
        self.inner.in_flight.load(Ordering::SeqCst)
    }

    /// Counts one request as in flight until the guard is dropped.
    pub fn request(&self) -> InFlight {
        self.inner.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight {
            inner: Arc::clone(&self.inner),
        }
    }

    /// Whether a mutation phase is running (then an interrupt waits; else it exits).
    pub fn is_mutating(&self) -> bool {
        self.inner.mutating.load(Ordering::SeqCst) > 0
    }

    /// Marks a mutation phase until the guard is dropped.
    pub fn mutation_phase(&self) -> MutationPhase {
        self.inner.mutating.fetch_add(1, Ordering::SeqCst);
        MutationPhase {
            inner: Arc::clone(&self.inner),
        }
    }
}

/// One mutating request in flight.
pub struct InFlight {
    inner: Arc<Inner>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.inner.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A running mutation phase.
pub struct MutationPhase {
    inner: Arc<Inner>,
}

impl Drop for MutationPhase {
    fn drop(&mut self) {
        self.inner.mutating.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The stderr line printed on the first interrupt during a mutation.
pub fn waiting_line(in_flight: usize) -> String {
    let noun = if in_flight == 1 {
        "request"
    } else {
        "requests"
    };
    format!(
        "interrupted: waiting for {in_flight} {noun} in flight (up to {} s); Ctrl-C again to \
         exit at once",
        IN_FLIGHT_GRACE.as_secs()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_triggers() {
        let i = Interrupt::new();
        assert!(!i.is_triggered());
        let a = i.request();
        let b = i.clone().request();
        assert_eq!(i.in_flight(), 2);
        drop(a);
        assert_eq!(i.in_flight(), 1);
        drop(b);
        assert!(!i.is_mutating());
        let phase = i.mutation_phase();
        assert!(i.is_mutating());
        drop(phase);
        assert!(!i.is_mutating());
        assert!(i.trigger());
        assert!(!i.trigger(), "only the first trigger is the first");
        assert!(i.is_triggered());
        assert_eq!(
            waiting_line(3),
            "interrupted: waiting for 3 requests in flight (up to 30 s); Ctrl-C again to exit \
             at once"
        );
    }

    #[tokio::test]
    async fn triggered_wakes_a_waiter_and_returns_at_once_afterwards() {
        // A bound on every wait: a regression fails here instead of hanging the suite.
        const BOUND: Duration = Duration::from_secs(5);
        let i = Interrupt::new();
        let waiter = {
            let i = i.clone();
            tokio::spawn(async move { i.triggered().await })
        };
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished(), "the waiter waits for the trigger");
        assert!(i.trigger());
        tokio::time::timeout(BOUND, waiter)
            .await
            .expect("the trigger wakes the waiter")
            .expect("the waiter ends without a panic");
        tokio::time::timeout(BOUND, i.triggered())
            .await
            .expect("once triggered, triggered() returns at once");
        assert!(i.is_triggered());
    }
}
