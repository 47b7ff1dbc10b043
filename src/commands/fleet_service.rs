//! `rollback`, `redeploy` and `wait` over several places: the service is looked for in
//! every place at once (DescribeServices, reads only); found in exactly one, the command
//! runs there exactly as in one place (that place's session, `Mutator` and marks). Found
//! nowhere: a not-found error naming the places searched. Found in several: refused (exit
//! 2), listing them, so the engineer narrows with `--region` / `--profile`. Nothing
//! mutating is sent in either error case.

use std::fmt::Write as _;

use crate::aws::fleet::{FleetTarget, Place, PlaceFailure};
use crate::cli::GlobalArgs;
use crate::commands::fleet::{connect_places, failure_line, is_fleet};
use crate::commands::session::{At, Session};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::load::fleet::across;
use crate::ops::find_service;

/// The action session where `what` (`rollback`, `redeploy`) acts on `cluster/service`:
/// the place [`locate`] finds, else the one the flags name.
pub(super) async fn session_where(
    global: &GlobalArgs,
    settings: Settings,
    target: [&str; 2],
    what: &str,
    dry_run: bool,
) -> Result<Session> {
    let place = locate(global, &settings, target, what, dry_run).await?;
    let at = place.as_ref().map_or(At::Flags(global), At::Place);
    at.session(settings, what, dry_run).await
}

/// Where `what` (`rollback`, `redeploy`, `wait`) acts on `cluster/service`: `None` when
/// the flags name one place (act there), else the one place of the fleet where the
/// service lives. Refused in read-only mode first unless `dry_run`.
pub(super) async fn locate(
    global: &GlobalArgs,
    settings: &Settings,
    [cluster, service]: [&str; 2],
    what: &str,
    dry_run: bool,
) -> Result<Option<FleetTarget>> {
    if !is_fleet(global, settings) {
        return Ok(None);
    }
    if !dry_run {
        crate::ops::guard::check_writable(settings, what)?;
    }
    let (mut targets, unreachable) = connect_places(global, settings).await;
    let got = across(&targets, &unreachable, |aws, _| {
        find_service(aws, cluster, service)
    })
    .await;
    let searched: Vec<Place> = targets.iter().map(|t| t.place.clone()).collect();
    let found: Vec<Place> = got.answers.into_iter().map(|(p, _)| p).collect();
    let mut close: Vec<String> = Vec::new();
    let mut failed: Vec<PlaceFailure> = unreachable.clone();
    for (place, e) in got.errors {
        match e {
            Error::NotFound { close: c, .. } => {
                for name in c {
                    if !close.contains(&name) {
                        close.push(name);
                    }
                }
            }
            e => failed.push(PlaceFailure {
                account: place.account.clone(),
                account_id: Some(place.account_id.clone()),
                region: Some(place.region.clone()),
                error: e.to_string(),
            }),
        }
    }
    let place = choose(
        &format!("{cluster}/{service}"),
        &searched,
        &found,
        &failed,
        close,
    )?;
    for f in &failed {
        eprintln_escaped!("warning: not searched: {}", failure_line(f));
    }
    eprintln_escaped!("{cluster}/{service} is in {}: {what} there", place.name());
    let at = targets
        .iter()
        .position(|t| t.place == place)
        .ok_or_else(|| Error::Usage(format!("{} is not a place of this run", place.region)))?;
    Ok(Some(targets.swap_remove(at)))
}

/// The one place to act in, or why there is none: not found anywhere (naming the places
/// searched and those that could not be), or found in several (usage, exit 2).
fn choose(
    name: &str,
    searched: &[Place],
    found: &[Place],
    failed: &[PlaceFailure],
    close: Vec<String>,
) -> Result<Place> {
    match found {
        [one] => Ok(one.clone()),
        [] => {
            let mut scope = format!(
                "any of the {} searched ({})",
                if searched.len() == 1 {
                    "1 place".to_string()
                } else {
                    format!("{} places", searched.len())
                },
                searched
                    .iter()
                    .map(Place::name)
                    .collect::<Vec<_>>()
                    .join("; ")
            );
            if !failed.is_empty() {
                let _ = write!(
                    scope,
                    "; not searched: {}",
                    failed
                        .iter()
                        .map(failure_line)
                        .collect::<Vec<_>>()
                        .join("; ")
                );
            }
            Err(Error::NotFound {
                kind: "service",
                name: name.to_string(),
                scope: Some(scope),
                close,
            })
        }
        several => Err(Error::Usage(format!(
            "service {name} exists in {} places: {}. Nothing was sent; narrow to one with \
             --region and --profile (e.g. --region {})",
            several.len(),
            several
                .iter()
                .map(Place::name)
                .collect::<Vec<_>>()
                .join("; "),
            several[0].region
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Marks;
    use crate::error::exit;

    fn place(account: &str, region: &str) -> Place {
        Place {
            account: account.into(),
            account_id: "123456789012".into(),
            region: region.into(),
            marks: Marks::default(),
        }
    }

    #[test]
    fn one_place_found_is_where_it_acts() {
        let east = place("dev", "us-east-1");
        let west = place("dev", "eu-west-1");
        let got = choose(
            "shop/web",
            &[east.clone(), west.clone()],
            std::slice::from_ref(&west),
            &[],
            Vec::new(),
        )
        .expect("one place");
        assert_eq!(got, west);
    }

    #[test]
    fn found_nowhere_names_the_places_searched() {
        let e = choose(
            "shop/web",
            &[place("dev", "us-east-1"), place("dev", "eu-west-1")],
            &[],
            &[PlaceFailure {
                account: "dev".into(),
                account_id: Some("123456789012".into()),
                region: Some("ap-south-2".into()),
                error: "access denied".into(),
            }],
            vec!["webb".into()],
        )
        .expect_err("not found");
        let text = e.to_string();
        assert!(
            text.contains("service `shop/web` not found in any of the 2 places searched")
                && text.contains("dev (123456789012) · us-east-1; dev (123456789012) · eu-west-1")
                && text.contains("not searched: account dev (123456789012) · ap-south-2")
                && text.contains("did you mean: webb?"),
            "{text}"
        );
        assert_eq!(e.exit_code(), exit::ERROR);
    }

    #[test]
    fn found_in_several_is_refused_with_a_hint() {
        let both = [place("dev", "us-east-1"), place("dev", "eu-west-1")];
        let e = choose("shop/web", &both, &both, &[], Vec::new()).expect_err("ambiguous");
        let text = e.to_string();
        assert!(
            text.contains("exists in 2 places")
                && text.contains("Nothing was sent")
                && text.contains("--region us-east-1"),
            "{text}"
        );
        assert_eq!(e.exit_code(), exit::USAGE);
    }
}
