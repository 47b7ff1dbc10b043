//! `ecsnap report [--json | --markdown]`: the weekly inventory of every place in one
//! process — each place's inventory is loaded once (one ECS listing serves the services
//! and the in-use rule of the snapshot tags) and all places load side by side, each as
//! soon as its own account has connected (connecting and loading are one pipeline). The
//! deployments awaiting action are looked for among the services still deploying.

use chrono::{DateTime, Utc};

use futures::future::BoxFuture;
use futures::stream::Stream;

use super::fleet::{finish, load_as_connected, where_of};
use super::print::{print_json, print_text};
use crate::aws::fleet::{AccountPlaces, FleetTarget, PlaceFailure};
use crate::cli::{GlobalArgs, ReportArgs};
use crate::config::{Settings, now};
use crate::error::{Error, Result};
use crate::load;
use crate::load::fleet::{Across, as_they_connect};
use crate::output::report::{PlaceReport, ReportJson, Style, report_text};

pub async fn run(args: ReportArgs, global: &GlobalArgs, settings: &Settings) -> Result<i32> {
    let ReportArgs { markdown } = args;
    if markdown && global.json {
        return Err(Error::Usage(
            "report: choose one of --json and --markdown".into(),
        ));
    }
    let now = now();
    // Each place loads as soon as its own account has connected (one pipeline), and its
    // marks are settled once every account has answered.
    let got = load_as_connected(global, settings, place_read(settings, now)).await;
    let (report, failures) = report_of(got, now);
    if global.json {
        print_json(&report)?;
    } else {
        let style = if markdown {
            Style::Markdown
        } else {
            Style::Text
        };
        print_text(&report_text(&report, style))?;
    }
    Ok(finish(report.places.len(), &failures))
}

/// What one place's read gave: its inventory (with the reads that failed) and the
/// deployments awaiting action among its services.
pub type PlaceRead = (load::InventoryParts, Vec<load::AwaitingAction>);

/// Every place's inventory, loaded side by side, as one report: what `report` prints.
/// `failed` are the places that could not be connected. Also returns every failure
/// (places and reads); see [`load_report_as_connected`].
pub async fn load_report(
    targets: &[FleetTarget],
    failed: &[PlaceFailure],
    settings: &Settings,
    now: DateTime<Utc>,
) -> (ReportJson, Vec<PlaceFailure>) {
    let connected = futures::stream::iter([(targets.to_vec(), failed.to_vec())]);
    load_report_as_connected(connected, settings, now).await
}

/// The report over the places `accounts` yields, each account's places as soon as that
/// account has connected: each place's read starts then, on a task of its own, while the
/// slower accounts are still connecting (`load::fleet::as_they_connect`). Each place's
/// account id is known from its connection, so no load asks STS again. A place whose one
/// read fails (say its EC2 answer) keeps what its other reads gave; the failed read is
/// listed with the places that failed. Also returns every failure (places and reads).
pub async fn load_report_as_connected(
    accounts: impl Stream<Item = AccountPlaces>,
    settings: &Settings,
    now: DateTime<Utc>,
) -> (ReportJson, Vec<PlaceFailure>) {
    report_of(
        as_they_connect(accounts, place_read(settings, now)).await,
        now,
    )
}

/// One place's read for the report, owning what it reads (it runs on a task of its own).
fn place_read(
    settings: &Settings,
    now: DateTime<Utc>,
) -> impl FnMut(&FleetTarget) -> BoxFuture<'static, Result<PlaceRead>> + use<> {
    let shared = std::sync::Arc::new(settings.clone());
    move |target| {
        let (aws, settings) = (target.aws.clone(), shared.clone());
        let account = target.place.account_id.clone();
        Box::pin(async move {
            let parts = load::load_inventory_parts(&aws, &settings, now, Some(account)).await;
            let awaiting = load::load_awaiting_action(&aws, &parts.inventory.services).await;
            Ok((parts, awaiting))
        })
    }
}

/// The report of what every place's read gave.
fn report_of(got: Across<PlaceRead>, now: DateTime<Utc>) -> (ReportJson, Vec<PlaceFailure>) {
    let mut failures = got.failures();
    let mut parts: Vec<PlaceReport> = Vec::new();
    for (place, (got, awaiting)) in got.answers {
        failures.extend(got.failed.iter().map(|e| PlaceFailure {
            account: place.account.clone(),
            account_id: Some(place.account_id.clone()),
            region: Some(place.region.clone()),
            error: e.to_string(),
        }));
        let inv = got.inventory;
        parts.push(PlaceReport {
            at: where_of(&place),
            marks: place.marks,
            services: inv.services,
            snapshot_groups: inv.snapshot_groups,
            orphans: inv.orphans,
            awaiting,
        });
    }
    (ReportJson::new(&parts, &failures, now), failures)
}
