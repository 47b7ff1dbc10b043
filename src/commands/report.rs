//! `ecsnap report [--json | --markdown]`: the weekly inventory of every place in one
//! process — each place's inventory is loaded once (one ECS listing serves the services
//! and the in-use rule of the snapshot tags) and all places load side by side. The
//! deployments awaiting action are looked for among the services still deploying.

use chrono::{DateTime, Utc};

use super::fleet::{connect_places, finish, where_of};
use super::print::{print_json, print_text};
use crate::aws::fleet::{FleetTarget, PlaceFailure};
use crate::cli::{GlobalArgs, ReportArgs};
use crate::config::{Settings, now};
use crate::error::{Error, Result};
use crate::load;
use crate::load::fleet::{across, on_own_task};
use crate::output::report::{PlaceReport, ReportJson, Style, report_text};

pub async fn run(args: ReportArgs, global: &GlobalArgs, settings: &Settings) -> Result<i32> {
    let ReportArgs { markdown } = args;
    if markdown && global.json {
        return Err(Error::Usage(
            "report: choose one of --json and --markdown".into(),
        ));
    }
    let (targets, failed) = connect_places(global, settings).await;
    let now = now();
    let (report, failures) = load_report(&targets, &failed, settings, now).await;
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

/// Every place's inventory, loaded side by side, as one report: what `report` prints.
/// `failed` are the places that could not be connected. Each place's account id is known
/// from its connection, so no load asks STS again. A place whose one read fails (say its
/// EC2 answer) keeps what its other reads gave; the failed read is listed with the places
/// that failed. Also returns every failure (places and reads).
pub async fn load_report(
    targets: &[FleetTarget],
    failed: &[PlaceFailure],
    settings: &Settings,
    now: DateTime<Utc>,
) -> (ReportJson, Vec<PlaceFailure>) {
    // Each place on a task of its own (`on_own_task`): the places' client work spreads
    // over the runtime's threads.
    let shared = std::sync::Arc::new(settings.clone());
    let got = across(targets, failed, |aws, place| {
        let (aws, settings, account) = (aws.clone(), shared.clone(), place.account_id.clone());
        on_own_task(async move {
            let parts = load::load_inventory_parts(&aws, &settings, now, Some(account)).await;
            let awaiting = load::load_awaiting_action(&aws, &parts.inventory.services).await;
            Ok::<_, Error>((parts, awaiting))
        })
    })
    .await;
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
