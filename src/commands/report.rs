//! `ecsnap report [--json | --markdown]`: the weekly inventory of every place in one
//! process — each place's inventory is loaded once (one ECS listing serves the services
//! and the in-use rule of the snapshot tags) and all places load side by side.

use super::fleet::{connect_places, finish, where_of};
use super::{print_json, print_text};
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
    let got = across(&targets, &failed, |aws, _| {
        load::load_inventory(aws, settings, now)
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
    let report = ReportJson::new(&parts, &failures, now);
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
    Ok(finish(parts.len(), &failures))
}
