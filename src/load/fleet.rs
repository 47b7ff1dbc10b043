//! One read over every place of the fleet at once: each account and region loads side by
//! side (each place's clients bound its own requests, under one process-wide budget; no
//! count of places at a time), and a place that fails keeps its error
//! in its own entry while the rest load.

use futures::future::join_all;

use crate::aws::AwsClients;
use crate::aws::fleet::{FleetTarget, Place, PlaceFailure};
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
    let mut answers = Vec::new();
    let mut errors = Vec::new();
    for (t, result) in targets.iter().zip(results) {
        let place = t.place.clone();
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
