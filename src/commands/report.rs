//! `ecsnap report [--json | --markdown]`: the weekly inventory of every place in one
//! process — each place's inventory is loaded once (one ECS listing serves the services
//! and the in-use rule of the snapshot tags) and all places load side by side.

use chrono::{DateTime, Utc};

use super::fleet::{connect_places, finish, where_of};
use super::{print_json, print_text};
use crate::aws::fleet::{FleetTarget, PlaceFailure};
use crate::cli::GlobalArgs;
use crate::config::{Settings, now};
use crate::error::{Error, Result};
use crate::load;
use crate::load::fleet::across;
use crate::output::report::{PlaceReport, ReportJson, Style, report_text};

pub async fn run(markdown: bool, global: &GlobalArgs, settings: &Settings) -> Result<i32> {
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
/// from its connection, so no load asks STS again. Also returns every place that failed.
pub async fn load_report(
    targets: &[FleetTarget],
    failed: &[PlaceFailure],
    settings: &Settings,
    now: DateTime<Utc>,
) -> (ReportJson, Vec<PlaceFailure>) {
    let got = across(targets, failed, |aws, place| {
        load::load_inventory_of(aws, settings, now, Some(place.account_id.clone()))
    })
    .await;
    let failures = got.failures();
    let parts: Vec<PlaceReport> = got
        .answers
        .into_iter()
        .map(|(place, inv)| PlaceReport {
            at: where_of(&place),
            marks: place.marks,
            services: inv.services,
            snapshot_groups: inv.snapshot_groups,
            orphans: inv.orphans,
        })
        .collect();
    (ReportJson::new(&parts, &failures, now), failures)
}
