//! One read over every place of the fleet at once: each account and region loads side by
//! side (each place's clients bound its own requests, under one process-wide budget; no
//! count of places at a time), and a place that fails keeps its error
//! in its own entry while the rest load. A load that owns what it reads can run on a task
//! of its own ([`on_own_task`]), so 200 places' CPU work spreads over the runtime's threads.
//! [`as_they_connect`] makes connecting and loading one pipeline: each place starts
//! loading as soon as its own account has connected, never waiting for the slowest one.

use futures::StreamExt;
use futures::future::join_all;
use futures::stream::Stream;

use crate::aws::AwsClients;
use crate::aws::fleet::{AccountPlaces, FleetTarget, Place, PlaceFailure};
use crate::error::{Error, Result};

/// What one read gave over the fleet: the answer of each place that answered and the
/// error of each that did not (both in the targets' order), and the places that could
/// not be connected at all.
#[derive(Debug)]
pub struct Across<T> {
    pub answers: Vec<(Place, T)>,
    pub errors: Vec<(Place, Error)>,
    pub unreachable: Vec<PlaceFailure>,
}

impl<T> Across<T> {
    /// Each place's result, in the order given, as an answer or an error; `unreachable`
    /// are the places that could not be connected.
    fn of(
        results: impl IntoIterator<Item = (Place, Result<T>)>,
        unreachable: Vec<PlaceFailure>,
    ) -> Self {
        let mut answers = Vec::new();
        let mut errors = Vec::new();
        for (place, result) in results {
            match result {
                Ok(v) => answers.push((place, v)),
                Err(e) => errors.push((place, e)),
            }
        }
        Self {
            answers,
            errors,
            unreachable,
        }
    }

    /// Every place that failed, connected or not, with its error as text.
    pub fn failures(&self) -> Vec<PlaceFailure> {
        let mut out = self.unreachable.clone();
        out.extend(self.errors.iter().map(|(place, e)| PlaceFailure {
            account: place.account.clone(),
            account_id: Some(place.account_id.clone()),
            region: Some(place.region.clone()),
            error: e.to_string(),
        }));
        out
    }

    /// Nothing answered: the run failed everywhere (exit code 1).
    pub fn all_failed(&self) -> bool {
        self.answers.is_empty()
    }
}

/// Runs `load` for every target; `failed` are places that could not even be connected.
pub async fn across<'a, T, F, Fut>(
    targets: &'a [FleetTarget],
    failed: &[PlaceFailure],
    load: F,
) -> Across<T>
where
    F: Fn(&'a AwsClients, &'a Place) -> Fut,
    Fut: Future<Output = Result<T>> + 'a,
{
    // Every place at once, in the targets' order: each place's clients bound its own
    // requests and share the process-wide budget (`aws::budget`).
    let results: Vec<Result<T>> = join_all(targets.iter().map(|t| load(&t.aws, &t.place))).await;
    let places = targets.iter().map(|t| t.place.clone());
    Across::of(places.zip(results), failed.to_vec())
}

/// Runs `load` for every place as its account connects: `accounts` yields each account's
/// places (and its places that failed) as soon as that account has answered, and each
/// place's load starts on a task of its own at once, while the slower accounts are still
/// connecting. A place's critical path is its own account's connect and its own reads.
/// Answers and errors come back sorted by account name and region (as `connect_fleet`
/// sorts its targets), the places that could not be connected likewise.
pub async fn as_they_connect<S, T, F, Fut>(accounts: S, mut load: F) -> Across<T>
where
    S: Stream<Item = AccountPlaces>,
    F: FnMut(&FleetTarget) -> Fut,
    T: Send + 'static,
    Fut: Future<Output = Result<T>> + Send + 'static,
{
    let mut accounts = std::pin::pin!(accounts);
    let mut started = Vec::new();
    let mut unreachable = Vec::new();
    while let Some((targets, failed)) = accounts.next().await {
        // Spawned now (`on_own_task`): these places read while the next account connects.
        started.extend(
            targets
                .iter()
                .map(|t| (t.place.clone(), on_own_task(load(t)))),
        );
        unreachable.extend(failed);
    }
    let (places, loads): (Vec<Place>, Vec<_>) = started.into_iter().unzip();
    unreachable.sort_by(|a, b| (&a.account, &a.region).cmp(&(&b.account, &b.region)));
    let mut got = Across::of(places.into_iter().zip(join_all(loads).await), unreachable);
    let by_place = |p: &Place| (p.account.clone(), p.region.clone());
    got.answers.sort_by_key(|(p, _)| by_place(p));
    got.errors.sort_by_key(|(p, _)| by_place(p));
    got
}

/// Runs one place's load on a task of its own, started now, and waits for it. `across`
/// awaits every place from one task, and a task runs on one thread at a time: with 200
/// places the requests' signing, serialising and parsing (every place's client work) would
/// queue on one core while the others idle. Spawned when called, not when first polled:
/// `join_all` polls its futures 32 at a time between yields, and the first 32 places'
/// work would then run before the next 32 were started. A panic in the load is raised
/// where it is awaited.
pub fn on_own_task<T, Fut>(load: Fut) -> impl Future<Output = Result<T>>
where
    T: Send + 'static,
    Fut: Future<Output = Result<T>> + Send + 'static,
{
    let task = tokio::spawn(load);
    async move {
        match task.await {
            Ok(result) => result,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => Err(Error::Interrupted(format!(
                "a place's load was cancelled: {e}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_load_on_its_own_task_gives_its_answer_or_its_error() {
        let answer = on_own_task(async { Ok::<_, Error>(vec![1, 2, 3]) }).await;
        assert_eq!(answer.ok(), Some(vec![1, 2, 3]));
        let refused = on_own_task(async { Err::<u8, _>(Error::Refused("no".into())) }).await;
        assert_eq!(
            refused.err().map(|e| e.to_string()).as_deref(),
            Some("refused: no")
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[should_panic(expected = "a place's load panicked")]
    async fn a_panic_in_a_place_s_load_is_raised_where_it_is_awaited() {
        let places: Vec<u8> = vec![];
        let _ = on_own_task(async move {
            assert!(!places.is_empty(), "a place's load panicked");
            Ok::<u8, Error>(0)
        })
        .await;
    }
}
