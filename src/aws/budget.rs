//! How many requests are in flight: a bound per place (one account in one region, what
//! AWS throttles) and one budget for the whole process (what the machine can hold), both
//! enforced where every request goes out — the HTTP client each place's SDK clients share.
//! No count of places: 200 places load side by side, each at its own pace.

use std::sync::{Arc, LazyLock};

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Requests one place has in flight at most. AWS throttles each account in each region on
/// its own (a token bucket per API), so this is the bound that protects something. The
/// widest read (24 DescribeTaskDefinition, `DESCRIBE_TASK_DEFINITION_CONCURRENCY`) plus
/// one other call site's 8 (`MAX_CONCURRENCY`) fit, so one place alone loads as before;
/// the ECS, ECR and EC2 reads together (up to 48) queue here instead of bursting.
pub const PER_PLACE: usize = 32;

/// Requests the whole process has in flight at most, when the open-file limit allows it.
/// Each holds one HTTP connection (a socket, and hyper's and rustls' buffers: tens of KB)
/// until its answer's head is in; an idle connection is one a finished request gave back,
/// so the process holds about as many sockets as it ever had requests in flight. 1,024
/// lets 200 places send their first reads (6 each, the dependency chain is 5 deep) all
/// at once: a smaller budget brings the waves back (256 made 192 places' 3,120 calls take
/// at least 12 turns of one round trip), and 1,024 connections' state is tens of MB.
pub const GLOBAL_MAX: usize = 1_024;

/// The fewest requests the process keeps in flight, however low the open-file limit.
pub const GLOBAL_MIN: usize = 32;

/// Open files left for everything besides requests in flight: the terminal, config,
/// cache and log files, connections being closed.
const FILES_KEPT: u64 = 128;

/// The process-wide budget for a soft open-file limit (`None`: unlimited): every file the
/// limit allows but `FILES_KEPT`, at most `GLOBAL_MAX`, at least `GLOBAL_MIN`.
pub fn global_size(open_files: Option<u64>) -> usize {
    open_files.map_or(GLOBAL_MAX, |n| {
        usize::try_from(n.saturating_sub(FILES_KEPT))
            .unwrap_or(GLOBAL_MAX)
            .clamp(GLOBAL_MIN, GLOBAL_MAX)
    })
}

/// The soft open-file limit, raised first towards what `GLOBAL_MAX` needs when the hard
/// limit allows (as Go's runtime does: many systems start processes at a soft 1,024, or
/// 256 on macOS, under a hard limit far higher). `None`: unlimited.
#[cfg(unix)]
fn open_file_limit() -> Option<u64> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let want = GLOBAL_MAX as u64 + FILES_KEPT;
    let soft = limit.current?;
    if soft >= want {
        return Some(soft);
    }
    let raised = limit.maximum.map_or(want, |hard| hard.min(want));
    if raised > soft
        && setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(raised),
                maximum: limit.maximum,
            },
        )
        .is_ok()
    {
        return Some(raised);
    }
    Some(soft)
}

/// Elsewhere the limit is not read: the budget assumes the usual one.
#[cfg(not(unix))]
fn open_file_limit() -> Option<u64> {
    Some(1_024)
}

/// The process-wide budget every place's requests take from, sized once.
static GLOBAL_BUDGET: LazyLock<Arc<Semaphore>> =
    LazyLock::new(|| Arc::new(Semaphore::new(global_size(open_file_limit()))));

/// Waits for a permit of `semaphore`. Neither semaphore of a budget is ever closed.
#[allow(
    clippy::expect_used,
    reason = "the semaphores live as long as the budget and are never closed"
)]
async fn permit(semaphore: &Arc<Semaphore>) -> OwnedSemaphorePermit {
    Arc::clone(semaphore)
        .acquire_owned()
        .await
        .expect("a budget's semaphore is never closed")
}

/// One place's bound and the budget it shares.
#[derive(Debug, Clone)]
pub struct Budget {
    place: Arc<Semaphore>,
    global: Arc<Semaphore>,
}

/// Leave to send one request; the request holds it until its answer is in.
#[derive(Debug)]
pub struct Admission {
    _place: OwnedSemaphorePermit,
    _global: OwnedSemaphorePermit,
}

impl Budget {
    /// A new place in the process-wide budget.
    pub fn place() -> Self {
        Self::new(PER_PLACE, Arc::clone(&GLOBAL_BUDGET))
    }

    /// A place of `per_place` requests sharing `global` (tests make their own).
    pub fn new(per_place: usize, global: Arc<Semaphore>) -> Self {
        Self {
            place: Arc::new(Semaphore::new(per_place.max(1))),
            global,
        }
    }

    /// Waits for the place's own bound, then for the process-wide budget (in that order:
    /// a place waiting on itself holds nothing of the others').
    pub async fn admit(&self) -> Admission {
        let place = permit(&self.place).await;
        let global = permit(&self.global).await;
        Admission {
            _place: place,
            _global: global,
        }
    }
}

/// The HTTP client of the SDK's default (hyper 1, rustls with aws-lc, proxy settings from
/// the environment), made once: every place's connectors come from it, so the process has
/// one connection pool per endpoint, not one per place.
static SHARED_HTTPS: LazyLock<SharedHttpClient> = LazyLock::new(|| {
    use aws_smithy_http_client::proxy::ProxyConfig;
    use aws_smithy_http_client::{Builder, ConnectorBuilder, tls};
    Builder::new().build_with_connector_fn(|settings, components| {
        let mut conn = ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ));
        conn.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            conn.set_sleep_impl(components.sleep_impl());
        }
        conn.set_proxy_config(Some(ProxyConfig::from_env()));
        conn.build()
    })
});

/// An HTTP client for one place: the shared one, every request admitted by the place's
/// [`Budget`].
pub fn place_http_client() -> SharedHttpClient {
    SharedHttpClient::new(Limited {
        inner: SHARED_HTTPS.clone(),
        budget: Budget::place(),
    })
}

#[derive(Debug)]
struct Limited {
    inner: SharedHttpClient,
    budget: Budget,
}

impl HttpClient for Limited {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(LimitedConnector {
            inner: self.inner.http_connector(settings, components),
            budget: self.budget.clone(),
        })
    }
}

#[derive(Debug)]
struct LimitedConnector {
    inner: SharedHttpConnector,
    budget: Budget,
}

impl HttpConnector for LimitedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        let budget = self.budget.clone();
        HttpConnectorFuture::new(async move {
            // Held until the answer's head is in (the body is read after, from the same
            // connection, without a round trip of its own).
            let _admitted = budget.admit().await;
            inner.call(request).await
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use futures::future::join_all;
    use tokio::sync::Notify;

    use super::*;

    /// Counts requests in flight and the most there ever were.
    #[derive(Default)]
    struct Gauge {
        now: AtomicUsize,
        max: AtomicUsize,
    }

    impl Gauge {
        fn enter(&self) {
            let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
            self.max.fetch_max(now, Ordering::SeqCst);
        }
        fn leave(&self) {
            self.now.fetch_sub(1, Ordering::SeqCst);
        }
        fn max(&self) -> usize {
            self.max.load(Ordering::SeqCst)
        }
    }

    /// A fake request: admitted, counted per place and overall, then held until `gate`
    /// opens (no clock: it answers when the test says so).
    async fn request(budget: &Budget, place: &Gauge, all: &Gauge, gate: &Notify) {
        let _admitted = budget.admit().await;
        place.enter();
        all.enter();
        gate.notified().await;
        place.leave();
        all.leave();
    }

    /// Lets every spawned request run until it waits, then answers them one by one.
    async fn drain(gate: &Notify, requests: usize) {
        for _ in 0..requests * 4 {
            tokio::task::yield_now().await;
        }
        for _ in 0..requests {
            gate.notify_one();
            for _ in 0..8 {
                tokio::task::yield_now().await;
            }
        }
    }

    #[test]
    fn the_global_budget_is_sized_to_the_open_file_limit() {
        assert_eq!(global_size(None), GLOBAL_MAX, "unlimited");
        assert_eq!(global_size(Some(20_000)), GLOBAL_MAX);
        assert_eq!(
            global_size(Some(1_024)),
            896,
            "a soft 1,024 keeps 128 files"
        );
        assert_eq!(global_size(Some(256)), 128, "macOS's default");
        assert_eq!(global_size(Some(100)), GLOBAL_MIN);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_place_never_has_more_than_its_bound_in_flight() {
        let global = Arc::new(Semaphore::new(1_000));
        let budget = Budget::new(4, global);
        let (place, all, gate) = (Gauge::default(), Gauge::default(), Notify::new());
        let requests = join_all((0..20).map(|_| request(&budget, &place, &all, &gate)));
        tokio::join!(requests, drain(&gate, 20));
        assert_eq!(place.max(), 4, "20 requests, bound 4");
        assert_eq!(
            place.now.load(Ordering::SeqCst),
            0,
            "every request answered"
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_global_budget_bounds_every_place_together() {
        let global = Arc::new(Semaphore::new(10));
        let places: Vec<Budget> = (0..8)
            .map(|_| Budget::new(4, Arc::clone(&global)))
            .collect();
        let gauges: Vec<Gauge> = (0..8).map(|_| Gauge::default()).collect();
        let (all, gate) = (Gauge::default(), Notify::new());
        // 8 places × 6 requests = 48, each place bound to 4, all of them to 10.
        let requests = join_all(places.iter().zip(&gauges).flat_map(|(b, g)| {
            (0..6)
                .map(|_| request(b, g, &all, &gate))
                .collect::<Vec<_>>()
        }));
        tokio::join!(requests, drain(&gate, 48));
        assert_eq!(all.max(), 10, "48 requests over 8 places, budget 10");
        assert!(
            gauges.iter().all(|g| g.max() <= 4),
            "no place over its bound"
        );
        assert_eq!(all.now.load(Ordering::SeqCst), 0, "every request answered");
        assert_eq!(global.available_permits(), 10, "every permit given back");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_place_at_its_bound_holds_no_more_of_the_budget() {
        let global = Arc::new(Semaphore::new(6));
        let busy = Budget::new(2, Arc::clone(&global));
        let other = Budget::new(4, Arc::clone(&global));
        // The busy place asks for 10; it takes 2 of the 6 and waits on itself.
        let held: Vec<Admission> = join_all((0..2).map(|_| busy.admit())).await;
        let waiting = tokio::spawn({
            let busy = busy.clone();
            async move { busy.admit().await }
        });
        tokio::task::yield_now().await;
        assert_eq!(global.available_permits(), 4);
        // The other place gets its whole bound at once.
        let others: Vec<Admission> = join_all((0..4).map(|_| other.admit())).await;
        assert_eq!(global.available_permits(), 0);
        drop(others);
        drop(held);
        let _third = waiting.await.expect("admitted once the place has room");
    }
}
