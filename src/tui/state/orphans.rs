//! Orphans pane state: orphaned volumes and snapshots as one list, the skipped ones with
//! why, and the totals.

use std::cmp::Ordering;

use crate::analysis::lineage::Lineage;
use crate::analysis::marks::{DELETE_AFTER_TAG, delete_after, is_marked};
use crate::analysis::orphans::{OrphanReport, OrphanSnapshot, OrphanTotals, OrphanVolume};
use crate::model::Skipped;
use crate::model::escape::escape;
use crate::tui::state::list::{ListPane, Loader, Row, by};

pub const SORT_COLUMNS: &[&str] = &["$/month", "size", "age", "id", "kind"];

#[derive(Debug, Clone)]
pub enum OrphanRow {
    Volume(OrphanVolume),
    Snapshot(OrphanSnapshot),
}

impl OrphanRow {
    pub fn id(&self) -> &str {
        match self {
            OrphanRow::Volume(v) => &v.volume.id,
            OrphanRow::Snapshot(s) => &s.snapshot.id,
        }
    }
    pub fn kind(&self) -> &'static str {
        match self {
            OrphanRow::Volume(_) => "volume",
            OrphanRow::Snapshot(_) => "snapshot",
        }
    }
    pub fn size_gib(&self) -> i32 {
        match self {
            OrphanRow::Volume(v) => v.volume.size_gib,
            OrphanRow::Snapshot(s) => s.snapshot.size_gib,
        }
    }
    pub fn type_label(&self) -> &str {
        match self {
            OrphanRow::Volume(v) => &v.volume.volume_type,
            OrphanRow::Snapshot(_) => "snapshot",
        }
    }
    pub fn age_days(&self) -> Option<i64> {
        match self {
            OrphanRow::Volume(v) => v.age_days,
            OrphanRow::Snapshot(s) => s.age_days,
        }
    }
    /// When ecsnap first saw a volume `available` (its own observation); `None` for
    /// snapshots and for volumes first seen on this run.
    pub fn seen_available_since(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        match self {
            OrphanRow::Volume(v) => v.seen_available_since,
            OrphanRow::Snapshot(_) => None,
        }
    }
    pub fn monthly(&self) -> f64 {
        match self {
            OrphanRow::Volume(v) => v.monthly_cost_usd,
            OrphanRow::Snapshot(s) => s.monthly_cost_usd,
        }
    }
    /// The volume's availability zone (snapshots are regional: `None`).
    pub fn zone(&self) -> Option<&str> {
        match self {
            OrphanRow::Volume(v) => v.volume.availability_zone.as_deref(),
            OrphanRow::Snapshot(_) => None,
        }
    }
    /// A snapshot's storage tier (`standard`, `archive`, `restored until …`); `None` for
    /// volumes.
    pub fn tier(&self, now: chrono::DateTime<chrono::Utc>) -> Option<String> {
        match self {
            OrphanRow::Volume(_) => None,
            OrphanRow::Snapshot(s) => Some(s.snapshot.tier_text(now)),
        }
    }
    fn tags(&self) -> &std::collections::BTreeMap<String, String> {
        match self {
            OrphanRow::Volume(v) => &v.volume.tags,
            OrphanRow::Snapshot(s) => &s.snapshot.tags,
        }
    }
    /// Its cleanup mark (`ecsnap:delete-after`): the date it may be deleted on, the tag's
    /// text when it is not a date; `None` when not marked.
    pub fn mark(&self) -> Option<String> {
        let tags = self.tags();
        if !is_marked(tags) {
            return None;
        }
        Some(delete_after(tags).map_or_else(
            || escape(tags.get(DELETE_AFTER_TAG).map_or("", String::as_str)).into_owned(),
            |d| d.format("%Y-%m-%d").to_string(),
        ))
    }
    /// Where it came from (volumes, when tags say) or why it is listed.
    pub fn origin(&self) -> String {
        match self {
            OrphanRow::Volume(v) => escape(&v.origin_text()).into_owned(),
            OrphanRow::Snapshot(s) => escape(&s.reason).into_owned(),
        }
    }
}

impl Row for OrphanRow {
    fn key(&self) -> String {
        self.id().to_string()
    }

    fn haystack(&self) -> String {
        format!(
            "{} {} {} {} {} {}",
            self.id(),
            self.kind(),
            self.type_label(),
            self.zone().unwrap_or_default(),
            self.mark().map_or("", |_| "marked"),
            self.origin()
        )
        .to_lowercase()
    }

    fn compare(&self, o: &Self, column: usize) -> Ordering {
        let ids = || by(self.id(), o.id());
        match column {
            0 => o
                .monthly()
                .partial_cmp(&self.monthly())
                .unwrap_or(Ordering::Equal)
                .then_with(ids),
            1 => by(o.size_gib(), self.size_gib()).then_with(ids),
            2 => by(o.age_days(), self.age_days()).then_with(ids),
            3 => ids(),
            _ => by(self.kind(), o.kind()).then_with(ids),
        }
    }

    fn descending(column: usize) -> bool {
        matches!(column, 0..=2)
    }
}

#[derive(Debug, Clone)]
pub struct OrphansPane {
    pub list: ListPane<OrphanRow>,
    pub loader: Loader,
    pub skipped: Vec<Skipped>,
    pub totals: Option<OrphanTotals>,
    /// The Orphans detail (Enter): the lineage of this volume or snapshot, once loaded.
    pub lineage_for: Option<String>,
    pub lineage: Option<Lineage>,
    pub lineage_loader: Loader,
    /// Over several places: each place's report as it last answered, and the place of
    /// each orphan's (and skipped resource's) id.
    pub placed: std::collections::BTreeMap<usize, OrphanReport>,
    pub place_of: std::collections::BTreeMap<String, usize>,
    /// The locks that keep snapshots from being deleted now, by id (see
    /// `OrphanReport::locks`).
    pub locks: std::collections::BTreeMap<String, crate::model::SnapshotLock>,
}

impl Default for OrphansPane {
    fn default() -> Self {
        Self {
            list: ListPane::new(SORT_COLUMNS),
            loader: Loader::default(),
            skipped: Vec::new(),
            totals: None,
            lineage_for: None,
            lineage: None,
            lineage_loader: Loader::default(),
            placed: std::collections::BTreeMap::new(),
            place_of: std::collections::BTreeMap::new(),
            locks: std::collections::BTreeMap::new(),
        }
    }
}

impl OrphansPane {
    /// Hides the Orphans detail; a lineage still loading is dropped when it arrives.
    pub fn close_lineage(&mut self) {
        self.lineage_for = None;
        self.lineage = None;
        self.lineage_loader.generation += 1;
        self.lineage_loader.state = crate::tui::state::list::LoadState::Idle;
    }

    /// Over several places: replaces one place's report (the others stay).
    pub fn set_place(&mut self, place: usize, report: OrphanReport) {
        self.placed.insert(place, report);
        self.rebuild_placed();
    }

    /// Over several places: keeps only the places `keep` says are in view.
    pub fn retain_places(&mut self, keep: impl Fn(usize) -> bool) {
        self.placed.retain(|p, _| keep(*p));
        self.rebuild_placed();
    }

    /// Totals per place, in place order (several places).
    pub fn place_totals(&self) -> Vec<(usize, OrphanTotals)> {
        self.placed.iter().map(|(p, r)| (*p, r.totals())).collect()
    }

    fn rebuild_placed(&mut self) {
        let mut all = OrphanReport::default();
        self.place_of.clear();
        for (p, r) in &self.placed {
            for v in &r.volumes {
                self.place_of.insert(v.volume.id.clone(), *p);
            }
            for s in &r.snapshots {
                self.place_of.insert(s.snapshot.id.clone(), *p);
            }
            for s in &r.skipped {
                self.place_of.insert(s.id.clone(), *p);
            }
            all.volumes.extend(r.volumes.iter().cloned());
            all.snapshots.extend(r.snapshots.iter().cloned());
            all.skipped.extend(r.skipped.iter().cloned());
            all.locks
                .extend(r.locks.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        self.set_report(all);
    }

    pub fn set_report(&mut self, report: OrphanReport) {
        self.totals = Some(report.totals());
        self.skipped = report.skipped;
        self.locks = report.locks;
        let rows = report
            .volumes
            .into_iter()
            .map(OrphanRow::Volume)
            .chain(report.snapshots.into_iter().map(OrphanRow::Snapshot))
            .collect();
        self.list.set_rows(rows);
    }
}
