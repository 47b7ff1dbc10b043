//! `ecsnap report`: the whole inventory of every place in one document — services (not
//! steady first), per-user snapshot totals, orphans with cost and totals, per account and
//! region — as JSON (`ReportJson`), Markdown for a chat or an e-mail, or aligned text.

use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat, Utc};
use humansize::{BINARY, format_size};
use serde::Serialize;

use super::fleet::{FailureJson, FleetOrphansJson, Located, Where, services_json};
use super::json::{AwaitingActionJson, ServiceJson};
use super::table::Table;
use crate::analysis::health::steadiness;
use crate::analysis::orphans::{OrphanReport, OrphanSort};
use crate::analysis::tags::{UserTags, groups_bytes};
use crate::aws::fleet::PlaceFailure;
use crate::config::Marks;
use crate::model::Service;
use crate::model::escape::markdown_cell;

/// What one place contributed to the report.
#[derive(Debug, Clone)]
pub struct PlaceReport {
    pub at: Where,
    pub marks: Marks,
    pub services: Vec<Service>,
    pub snapshot_groups: Vec<UserTags>,
    pub orphans: OrphanReport,
    /// Deployments paused at a hook waiting for a person.
    pub awaiting: Vec<crate::load::AwaitingAction>,
}

#[derive(Debug, Serialize)]
pub struct PlaceJson {
    #[serde(flatten)]
    pub at: Where,
    pub production: bool,
    pub read_only: bool,
}

/// One user's snapshot tags in one repository, summed.
#[derive(Debug, Serialize)]
pub struct UserTotalsJson {
    pub repository: String,
    pub user: Option<String>,
    pub tags: usize,
    pub total_bytes: i64,
    pub in_use: usize,
    pub newest_tag: Option<String>,
    pub newest_pushed_at: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ReportJson {
    pub generated_at: String,
    pub places: Vec<PlaceJson>,
    /// Not steady first (failed, rolling, degraded), then by account, region, cluster, name.
    pub services: Vec<Located<ServiceJson>>,
    pub services_not_steady: usize,
    /// Deployments paused at a lifecycle hook until someone continues or rolls them back
    /// (also under each service's `awaiting_action`).
    pub awaiting_action: Vec<Located<AwaitingActionJson>>,
    pub snapshots: Vec<Located<UserTotalsJson>>,
    pub snapshots_total_bytes: i64,
    pub orphans: FleetOrphansJson,
    pub failures: Vec<FailureJson>,
    /// Places (an account, or an account in a region) of which nothing could be read.
    pub places_not_read: usize,
    /// Reads that failed in places that were otherwise read (their other parts are shown).
    pub reads_failed: usize,
    /// Orphans marked by `cleanup --mark`, by date then owner: what `cleanup --marked`
    /// deletes on that date, ready to paste to the owner's channel.
    pub marked_for_deletion: Vec<MarkedGroupJson>,
}

/// The orphans one owner will lose on one date.
#[derive(Debug, Serialize)]
pub struct MarkedGroupJson {
    /// `YYYY-MM-DD` as tagged (`ecsnap:delete-after`).
    pub delete_after: String,
    /// `ecsnap:owner` as tagged (`unknown` when the tag is missing).
    pub owner: String,
    /// `vol-…` / `snap-…` with where each is: `vol-1 (123456789012 us-east-1)`.
    pub resources: Vec<String>,
    pub size_gib: i64,
}

/// The marked orphans of every place, grouped by date and owner.
fn marked_groups(parts: &[PlaceReport]) -> Vec<MarkedGroupJson> {
    use crate::analysis::marks::{DELETE_AFTER_TAG, OWNER_TAG};
    let mut groups: std::collections::BTreeMap<(String, String), MarkedGroupJson> =
        std::collections::BTreeMap::new();
    for p in parts {
        let place = format!(
            "{} {}",
            p.at.account_id.as_deref().unwrap_or(&p.at.account),
            p.at.region
        );
        let volumes = p
            .orphans
            .volumes
            .iter()
            .map(|o| (&o.volume.id, o.volume.size_gib, &o.volume.tags));
        let snapshots = p
            .orphans
            .snapshots
            .iter()
            .map(|o| (&o.snapshot.id, o.snapshot.size_gib, &o.snapshot.tags));
        for (id, size, tags) in volumes.chain(snapshots) {
            let Some(date) = tags.get(DELETE_AFTER_TAG) else {
                continue;
            };
            let owner = tags
                .get(OWNER_TAG)
                .cloned()
                .unwrap_or_else(|| "unknown".into());
            let g = groups
                .entry((date.clone(), owner.clone()))
                .or_insert_with(|| MarkedGroupJson {
                    delete_after: date.clone(),
                    owner,
                    resources: Vec::new(),
                    size_gib: 0,
                });
            g.resources.push(format!("{id} ({place})"));
            g.size_gib += i64::from(size.max(0));
        }
    }
    groups.into_values().collect()
}

/// The services of every place, worst first.
fn sorted_services(parts: &[PlaceReport]) -> Vec<(Where, Vec<Service>)> {
    let mut all: Vec<(usize, &Service)> = parts
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.services.iter().map(move |s| (i, s)))
        .collect();
    all.sort_by(|(ia, a), (ib, b)| {
        steadiness(a)
            .cmp(&steadiness(b))
            .then(ia.cmp(ib))
            .then_with(|| (&a.cluster, &a.name).cmp(&(&b.cluster, &b.name)))
    });
    all.into_iter()
        .map(|(i, s)| (parts[i].at.clone(), vec![s.clone()]))
        .collect()
}

fn user_totals(g: &UserTags) -> UserTotalsJson {
    let newest = g.tags.first();
    UserTotalsJson {
        repository: g.repository.clone(),
        user: g.user.clone(),
        tags: g.tags.len(),
        total_bytes: g.total_bytes(),
        in_use: g.in_use_count(),
        newest_tag: newest.map(|t| t.tag.clone()),
        newest_pushed_at: newest
            .and_then(|t| t.pushed_at)
            .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
    }
}

impl ReportJson {
    pub fn new(parts: &[PlaceReport], failures: &[PlaceFailure], now: DateTime<Utc>) -> Self {
        let mut services = services_json(&sorted_services(parts));
        let awaiting: Vec<crate::load::AwaitingAction> = parts
            .iter()
            .flat_map(|p| p.awaiting.iter().cloned())
            .collect();
        super::json::mark_awaiting(services.iter_mut().map(|s| &mut s.item), &awaiting, now);
        let awaiting_action: Vec<Located<AwaitingActionJson>> = services
            .iter()
            .filter_map(|s| {
                s.item.awaiting_action.clone().map(|a| Located {
                    account_id: s.account_id.clone(),
                    region: s.region.clone(),
                    item: a,
                })
            })
            .collect();
        let snapshots: Vec<Located<UserTotalsJson>> = parts
            .iter()
            .flat_map(|p| {
                p.snapshot_groups.iter().map(|g| Located {
                    account_id: p.at.account_id.clone(),
                    region: p.at.region.clone(),
                    item: user_totals(g),
                })
            })
            .collect();
        let orphan_parts: Vec<(Where, OrphanReport)> = parts
            .iter()
            .map(|p| (p.at.clone(), p.orphans.clone()))
            .collect();
        Self {
            generated_at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
            places: parts
                .iter()
                .map(|p| PlaceJson {
                    at: p.at.clone(),
                    production: p.marks.production,
                    read_only: p.marks.read_only,
                })
                .collect(),
            services_not_steady: services.iter().filter(|s| !s.item.steady).count(),
            awaiting_action,
            services,
            // Each image once (a resume tag shares its image with a snapshot tag).
            snapshots_total_bytes: parts.iter().map(|p| groups_bytes(&p.snapshot_groups)).sum(),
            snapshots,
            orphans: FleetOrphansJson::new(&orphan_parts, &[]).sorted(OrphanSort::Cost),
            failures: failures.iter().map(FailureJson::from).collect(),
            places_not_read: places_not_read(parts, failures),
            reads_failed: failures.len() - places_not_read(parts, failures),
            marked_for_deletion: marked_groups(parts),
        }
    }
}

/// The failures that are whole places (nothing of them in the report), not single reads
/// of a place that answered otherwise.
fn places_not_read(parts: &[PlaceReport], failures: &[PlaceFailure]) -> usize {
    failures
        .iter()
        .filter(|f| {
            !parts.iter().any(|p| {
                p.at.account == f.account
                    && p.at.account_id == f.account_id
                    && Some(&p.at.region) == f.region.as_ref()
            })
        })
        .count()
}

/// How a section's table is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Text,
    Markdown,
}

/// One table in either style: aligned columns (each cell escaped by `Table`), or a Markdown
/// table whose every cell is `model::escape::markdown_cell`: one line a row, `|`, links,
/// HTML and code inert.
fn table(style: Style, headers: &[&str], rows: &[Vec<String>]) -> String {
    match style {
        Style::Text => {
            let mut t = Table::new_dyn(headers);
            for r in rows {
                t.row(r.clone());
            }
            t.render()
        }
        Style::Markdown => {
            let cell = |c: &str| markdown_cell(c);
            let mut out = format!("| {} |\n", headers.join(" | "));
            let _ = writeln!(out, "|{}", "---|".repeat(headers.len()));
            for r in rows {
                let cells: Vec<String> = r.iter().map(|c| cell(c)).collect();
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
            out
        }
    }
}

/// A second-level section: its heading, the table, a blank line.
fn section(style: Style, title: &str, headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = heading(style, 2, title);
    out.push_str(&table(style, headers, rows));
    out.push('\n');
    out
}

fn heading(style: Style, level: usize, text: &str) -> String {
    match style {
        Style::Markdown => format!("{} {text}\n\n", "#".repeat(level)),
        Style::Text => {
            let rule = if level == 1 { '═' } else { '─' };
            format!(
                "{text}\n{}\n",
                rule.to_string().repeat(text.chars().count())
            )
        }
    }
}

fn place_name(account: &str, id: Option<&str>) -> String {
    format!("{account} ({})", id.unwrap_or("?"))
}

/// The report as Markdown or aligned text.
pub fn report_text(r: &ReportJson, style: Style) -> String {
    let mut out = heading(style, 1, &format!("ecsnap report · {}", r.generated_at));
    out.push_str(&summary(r));
    out.push_str(&failures_section(r, style));
    out.push_str(&awaiting_section(r, style));
    out.push_str(&services_section(r, style));
    out.push_str(&snapshots_section(r, style));
    out.push_str(&heading(style, 2, "Orphans per account and region"));
    out.push_str(&orphan_totals_table(&r.orphans, style));
    out.push('\n');
    out.push_str(&orphans_section(&r.orphans, style));
    out.push_str(&marked_section(r, style));
    out
}

/// "To be deleted on DATE", one line per owner: ready to paste to a team channel.
fn marked_section(r: &ReportJson, style: Style) -> String {
    if r.marked_for_deletion.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n");
    out.push_str(&heading(style, 2, "Marked for deletion (cleanup --marked)"));
    let mut last_date: Option<&str> = None;
    for g in &r.marked_for_deletion {
        if last_date != Some(g.delete_after.as_str()) {
            let _ = writeln!(out, "To be deleted on {}:", g.delete_after);
            last_date = Some(g.delete_after.as_str());
        }
        let owner = match style {
            Style::Markdown => markdown_cell(&g.owner),
            Style::Text => crate::model::escape::escape(&g.owner).into_owned(),
        };
        let _ = writeln!(
            out,
            "- {owner}: {} ({} GiB): {}",
            g.resources.len(),
            g.size_gib,
            g.resources.join(", ")
        );
    }
    out
}

fn summary(r: &ReportJson) -> String {
    let accounts: std::collections::BTreeSet<&str> =
        r.places.iter().map(|p| p.at.account.as_str()).collect();
    let regions: std::collections::BTreeSet<&str> =
        r.places.iter().map(|p| p.at.region.as_str()).collect();
    let mut failed = String::new();
    if r.places_not_read > 0 {
        let _ = write!(failed, "; {} place(s) not read", r.places_not_read);
    }
    if r.reads_failed > 0 {
        let _ = write!(failed, "; {} read(s) failed", r.reads_failed);
    }
    if !failed.is_empty() {
        failed.push_str(" (see Not read)");
    }
    format!(
        "{} account(s), {} region(s){failed}; {} of {} services not steady; {} orphaned volumes \
         and {} snapshots, ${:.2}/month; snapshot tags {}.\n\n",
        accounts.len(),
        regions.len(),
        r.services_not_steady,
        r.services.len(),
        r.orphans.totals.volumes,
        r.orphans.totals.snapshots,
        r.orphans.totals.monthly_cost_usd,
        format_size(r.snapshots_total_bytes.max(0).unsigned_abs(), BINARY),
    )
}

fn failures_section(r: &ReportJson, style: Style) -> String {
    if r.failures.is_empty() {
        return String::new();
    }
    let rows: Vec<Vec<String>> = r
        .failures
        .iter()
        .map(|f| {
            vec![
                place_name(&f.account, f.account_id.as_deref()),
                f.region.clone().unwrap_or_else(|| "all".into()),
                f.error.clone(),
            ]
        })
        .collect();
    section(style, "Not read", &["ACCOUNT", "REGION", "ERROR"], &rows)
}

/// The deployments waiting for a person, first: what happens by itself and when.
fn awaiting_section(r: &ReportJson, style: Style) -> String {
    let rows: Vec<Vec<String>> = r
        .awaiting_action
        .iter()
        .map(|a| {
            let i = &a.item;
            a.row([
                i.cluster.clone(),
                i.service.clone(),
                i.lifecycle_stage.clone().unwrap_or_else(|| "-".into()),
                i.hook_id.clone().unwrap_or_else(|| "-".into()),
                format!(
                    "{}, then {}",
                    i.countdown,
                    i.timeout_action.as_deref().unwrap_or("-")
                ),
            ])
        })
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    section(
        style,
        "Deployments awaiting action (ecsnap continue / rollback --stop-deployment)",
        &[
            "ACCOUNT", "REGION", "CLUSTER", "SERVICE", "STAGE", "HOOK", "EXPIRES",
        ],
        &rows,
    )
}

fn services_section(r: &ReportJson, style: Style) -> String {
    let rows: Vec<Vec<String>> = r
        .services
        .iter()
        .map(|s| {
            vec![
                s.item.steadiness_label.to_string(),
                s.account_id.clone().unwrap_or_default(),
                s.region.clone(),
                s.item.cluster.clone(),
                s.item.service_name.clone(),
                format!("{}/{}", s.item.running_count, s.item.desired_count),
                s.item.rollout_state.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    section(
        style,
        "Services (not steady first)",
        &[
            "STATE", "ACCOUNT", "REGION", "CLUSTER", "SERVICE", "RUN/DES", "ROLLOUT",
        ],
        &rows,
    )
}

fn snapshots_section(r: &ReportJson, style: Style) -> String {
    let rows: Vec<Vec<String>> = r
        .snapshots
        .iter()
        .map(|s| {
            s.row([
                s.item.repository.clone(),
                s.item.user.clone().unwrap_or_else(|| "(other)".into()),
                s.item.tags.to_string(),
                format_size(s.item.total_bytes.max(0).unsigned_abs(), BINARY),
                s.item.in_use.to_string(),
                s.item.newest_tag.clone().unwrap_or_default(),
            ])
        })
        .collect();
    section(
        style,
        "Snapshot tags per user",
        &[
            "ACCOUNT",
            "REGION",
            "REPOSITORY",
            "USER",
            "TAGS",
            "SIZE",
            "IN USE",
            "NEWEST",
        ],
        &rows,
    )
}

/// Orphan totals per place, then the overall line.
pub fn orphan_totals_table(o: &FleetOrphansJson, style: Style) -> String {
    let mut rows: Vec<Vec<String>> = o
        .totals_by_place
        .iter()
        .map(|t| {
            vec![
                place_name(&t.at.account, t.at.account_id.as_deref()),
                t.at.region.clone(),
                t.totals.volumes.to_string(),
                t.totals.snapshots.to_string(),
                t.totals.size_gib.to_string(),
                format!("{:.2}", t.totals.monthly_cost_usd),
            ]
        })
        .collect();
    let all = &o.totals;
    rows.push(vec![
        "all".into(),
        format!("{} places", o.totals_by_place.len()),
        all.volumes.to_string(),
        all.snapshots.to_string(),
        all.size_gib.to_string(),
        format!("{:.2}", all.monthly_cost_usd),
    ]);
    table(
        style,
        &[
            "ACCOUNT",
            "REGION",
            "VOLUMES",
            "SNAPSHOTS",
            "GiB",
            "$/MONTH",
        ],
        &rows,
    )
}

fn orphans_section(o: &FleetOrphansJson, style: Style) -> String {
    let age = |d: Option<i64>| d.map_or_else(|| "-".into(), |d| format!("{d}d"));
    let rows: Vec<Vec<String>> = o
        .volumes
        .iter()
        .map(|v| {
            v.row([
                v.item.volume_id.clone(),
                v.item
                    .availability_zone
                    .clone()
                    .unwrap_or_else(|| "?".into()),
                format!("{} GiB {}", v.item.size_gib, v.item.volume_type),
                age(v.item.age_days),
                format!("{:.2}", v.item.monthly_cost_usd),
                crate::analysis::orphans::origin_text(
                    v.item.origin.as_deref(),
                    &v.item.tags,
                    &v.item.reason,
                ),
            ])
        })
        .chain(o.snapshots.iter().map(|s| {
            s.row([
                s.item.snapshot_id.clone(),
                // Snapshots are regional: a volume can be made from one in any zone.
                "regional".into(),
                match s.item.storage_tier.as_deref() {
                    Some("archive") => match &s.item.restore_expiry_time {
                        Some(t) => format!(
                            "{} GiB snapshot (archive, restored until {t})",
                            s.item.size_gib
                        ),
                        None => format!("{} GiB snapshot (archive)", s.item.size_gib),
                    },
                    _ => format!("{} GiB snapshot", s.item.size_gib),
                },
                age(s.item.age_days),
                format!("{:.2}", s.item.monthly_cost_usd),
                s.item.reason.clone(),
            ])
        }))
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    let mut out = heading(style, 2, "Orphaned volumes and snapshots");
    out.push_str(&table(
        style,
        &[
            "ACCOUNT",
            "REGION",
            "ID",
            "ZONE",
            "SIZE",
            "AGE",
            "$/MONTH",
            "ORIGIN / REASON",
        ],
        &rows,
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::in_use::InUse;
    use crate::analysis::lifecycle::test_images::sized as image;
    use crate::analysis::tags::{TagPattern, attach_resume_tags, group_by_user};

    fn place(region: &str) -> PlaceReport {
        let images = [
            image("sha256:a1", &["alice-20261101T0800"], 100),
            image("sha256:a2", &["alice-20261110T0800", "alice-latest"], 200),
            // A tag of no user on alice's image: in "(other)", the same bytes.
            image("sha256:a2", &["golden"], 200),
            image("sha256:b", &["base"], 7),
        ];
        PlaceReport {
            at: Where {
                account: "demo".into(),
                account_id: Some("123456789012".into()),
                region: region.into(),
            },
            marks: Marks::default(),
            services: Vec::new(),
            snapshot_groups: attach_resume_tags(
                group_by_user(&images, &TagPattern::default(), &InUse::default()),
                "{user}-latest",
            ),
            orphans: OrphanReport::default(),
            awaiting: Vec::new(),
        }
    }

    #[test]
    fn the_snapshot_total_counts_each_image_once_per_place() {
        let one = ReportJson::new(&[place("us-east-1")], &[], Utc::now());
        // alice 300 (her resume tag and "golden" share an image of hers), base 7.
        assert_eq!(one.snapshots_total_bytes, 307);
        let alice = one
            .snapshots
            .iter()
            .find(|s| s.item.user.as_deref() == Some("alice"))
            .map(|s| s.item.total_bytes);
        assert_eq!(alice, Some(300));
        // Each place keeps its own copy.
        let two = ReportJson::new(&[place("us-east-1"), place("eu-west-1")], &[], Utc::now());
        assert_eq!(two.snapshots_total_bytes, 614);
    }
}
