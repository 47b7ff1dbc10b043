//! One read over every place of the fleet at once: each account and region loads side by
//! side (each client set bounds its own requests), and a place that fails keeps its error
//! in its own entry while the rest load.

use futures::{StreamExt, stream};

use crate::aws::AwsClients;
use crate::aws::fleet::{FleetTarget, Place, PlaceFailure};
use crate::error::{Error, Result};

/// Places loaded at once.
const PLACES_AT_ONCE: usize = 16;

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
    let results: Vec<(usize, Result<T>)> = stream::iter(targets.iter().enumerate())
        .map(|(i, t)| {
            let fut = load(&t.aws, &t.place);
            async move { (i, fut.await) }
        })
        .buffer_unordered(PLACES_AT_ONCE)
        .collect()
        .await;
    let mut results = results;
    results.sort_by_key(|(i, _)| *i);
    let mut answers = Vec::new();
    let mut errors = Vec::new();
    for (i, result) in results {
        let place = targets[i].place.clone();
        match result {
            Ok(v) => answers.push((place, v)),
            Err(e) => errors.push((place, e)),
        }
    }
    Across {
        answers,
        errors,
        unreachable: failed.to_vec(),
    }
}
