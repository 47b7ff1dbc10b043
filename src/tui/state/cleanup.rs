//! Cleanup of marked resources: the plan ops made for what was marked (what, why, GiB,
//! $/month; what is skipped and why; the DryRun preflight), then per-item results as
//! they land: done / skipped (why) / failed (error). Over several places the plans of
//! each place are kept with their place and shown under its name; one confirmation
//! covers them all (typed when any place is production).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::{ResourceKind, Skipped};
use crate::ops::cleanup::{CleanupItem, CleanupPlan, ItemResult, ItemStatus};

/// A cleanup over several places: where each plan acts and who has not answered yet.
#[derive(Debug, Clone, Default)]
pub struct Across {
    /// Each place asked, by index into the console's places, with its name
    /// (`staging (222222222222) · us-east-1`).
    pub labels: BTreeMap<usize, String>,
    /// The place of each of `CleanupModal::plans`, in the same order.
    pub place_of_plan: Vec<usize>,
    /// Places whose plans have not arrived.
    pub awaiting: Vec<usize>,
    /// Places that could not plan, and why.
    pub errors: Vec<(usize, String)>,
    /// A production account is among the places: the confirmation is typed.
    pub production: bool,
}

#[derive(Debug, Clone)]
pub struct CleanupModal {
    /// What was marked, as asked (ids, or `repository@digest` for images).
    pub asked: usize,
    /// One plan per kind (volumes, snapshots) or the images plan.
    pub plans: Vec<CleanupPlan>,
    /// Results in the order they landed.
    pub results: Vec<ItemResult>,
    /// Over several places (`None`: the dialog's one place).
    pub across: Option<Across>,
    /// Whether it acts on marked rows (`false`: on the selected row, nothing marked).
    pub marked: bool,
    /// The ids in the order of the table they were chosen in: the dialog lists them so.
    pub order: Vec<String>,
}

impl CleanupModal {
    pub fn new(asked: usize) -> Self {
        Self {
            asked,
            plans: Vec::new(),
            results: Vec::new(),
            across: None,
            marked: true,
            order: Vec::new(),
        }
    }

    /// What it acts on: the marked rows (`marked`) or the selected one, with the ids in
    /// the table's order.
    #[must_use]
    pub fn chosen(mut self, marked: bool, order: Vec<String>) -> Self {
        self.marked = marked;
        self.order = order;
        self
    }

    /// `items` in the order of the table they were chosen in (the plans' order for ids
    /// not in it).
    fn in_table_order<'a>(&self, mut items: Vec<&'a CleanupItem>) -> Vec<&'a CleanupItem> {
        if !self.order.is_empty() {
            items.sort_by_key(|i| {
                self.order
                    .iter()
                    .position(|k| *k == i.id)
                    .unwrap_or(usize::MAX)
            });
        }
        items
    }

    /// A cleanup of `asked` items marked in the `labels` places (index → name).
    pub fn across(asked: usize, labels: BTreeMap<usize, String>, production: bool) -> Self {
        let awaiting = labels.keys().copied().collect();
        Self {
            across: Some(Across {
                labels,
                awaiting,
                production,
                ..Across::default()
            }),
            ..Self::new(asked)
        }
    }

    /// One place's plans arrived (or its error); `true` once every place has answered.
    pub fn part_planned(&mut self, place: usize, result: Result<Vec<CleanupPlan>, String>) -> bool {
        let Some(a) = self.across.as_mut() else {
            return false;
        };
        if !a.awaiting.contains(&place) {
            return a.awaiting.is_empty();
        }
        a.awaiting.retain(|p| *p != place);
        match result {
            Ok(plans) => {
                a.place_of_plan
                    .extend(std::iter::repeat_n(place, plans.len()));
                self.plans.extend(plans);
            }
            Err(e) => a.errors.push((place, e)),
        }
        a.awaiting.is_empty()
    }

    /// Why some place could not plan (`prod (…) · us-east-1: AccessDenied …`), if one could not.
    pub fn planning_errors(&self) -> Option<String> {
        let a = self.across.as_ref()?;
        if a.errors.is_empty() {
            return None;
        }
        Some(
            a.errors
                .iter()
                .map(|(p, e)| format!("{}: {e}", a.labels.get(p).map_or("?", String::as_str)))
                .collect::<Vec<_>>()
                .join("; "),
        )
    }

    /// The confirmed plans by place, in place order (several places).
    pub fn parts(&self) -> Vec<(usize, Vec<CleanupPlan>)> {
        let Some(a) = &self.across else {
            return Vec::new();
        };
        let mut by_place: BTreeMap<usize, Vec<CleanupPlan>> = BTreeMap::new();
        for (plan, place) in self.plans.iter().zip(&a.place_of_plan) {
            by_place.entry(*place).or_default().push(plan.clone());
        }
        by_place.into_iter().collect()
    }

    /// The items to show under each heading: one group without a heading in one place;
    /// over several, each place's name with its count, GiB and $/month, then its items.
    pub fn groups(&self) -> Vec<(Option<String>, Vec<&CleanupItem>)> {
        let Some(a) = &self.across else {
            return vec![(None, self.items().collect())];
        };
        a.labels
            .iter()
            .map(|(place, label)| {
                let plans: Vec<&CleanupPlan> = self
                    .plans
                    .iter()
                    .zip(&a.place_of_plan)
                    .filter(|(_, p)| *p == place)
                    .map(|(plan, _)| plan)
                    .collect();
                let mut heading = format!(
                    "{label}: {} to {}, {:.1} GiB, ${:.2}/month",
                    plans.iter().map(|p| p.to_execute().count()).sum::<usize>(),
                    if self.archives() { "archive" } else { "delete" },
                    crate::analysis::cost::total(plans.iter().map(|p| p.total_gib())),
                    crate::analysis::cost::total(plans.iter().map(|p| p.total_monthly_usd())),
                );
                if self.archives() {
                    let archived = crate::analysis::cost::total(
                        plans
                            .iter()
                            .map(|p| crate::ops::cleanup::archive::archive_monthly_total(p)),
                    );
                    let _ = write!(heading, " standard → ${archived:.2}/month archived");
                }
                (
                    Some(heading),
                    self.in_table_order(plans.iter().flat_map(|p| p.items.iter()).collect()),
                )
            })
            .collect()
    }

    /// Whether the confirmation must be typed for the places' sake (several places).
    pub fn production(&self) -> bool {
        self.across.as_ref().is_some_and(|a| a.production)
    }

    /// `Clean up 2 marked orphans`, `Clean up 1 orphan (the selected row)`, … in
    /// several places.
    pub fn title(&self) -> String {
        let images = self.plans.first().map(|p| p.target) == Some(ResourceKind::Image);
        let noun = match (images, self.asked == 1) {
            (true, true) => "image",
            (true, false) => "images",
            (false, true) => "orphan",
            (false, false) => "orphans",
        };
        let what = if self.marked {
            format!("Clean up {} marked {noun}", self.asked)
        } else {
            let row = if images { "tag" } else { "row" };
            format!("Clean up {} {noun} (the selected {row})", self.asked)
        };
        match &self.across {
            Some(a) => format!("{what} in {} places", a.labels.len()),
            None => what,
        }
    }

    /// Items that will be sent (not blocked by the preflight).
    pub fn to_execute(&self) -> usize {
        self.plans.iter().map(|p| p.to_execute().count()).sum()
    }

    /// Every item, in the order of the table they were chosen in.
    pub fn items(&self) -> impl Iterator<Item = &CleanupItem> {
        self.in_table_order(self.plans.iter().flat_map(|p| p.items.iter()).collect())
            .into_iter()
    }

    pub fn skipped(&self) -> impl Iterator<Item = &Skipped> {
        self.plans.iter().flat_map(|p| p.skipped.iter())
    }

    /// What the plans could not check, one line each (Recycle Bin, locks).
    pub fn notes(&self) -> impl Iterator<Item = &String> {
        self.plans.iter().flat_map(|p| p.notes.iter())
    }

    /// What the Recycle Bin keeps of the EBS deletions: how many are permanent, or that
    /// the rules were not read; `None` when no plan deletes EBS resources.
    /// Whether the plans archive snapshots (`A`) instead of deleting.
    pub fn archives(&self) -> bool {
        !self.plans.is_empty() && self.plans.iter().all(|p| p.archive)
    }

    /// What the archive tier costs a month for every planned snapshot.
    pub fn archive_monthly(&self) -> f64 {
        crate::analysis::cost::total(
            self.plans
                .iter()
                .map(crate::ops::cleanup::archive::archive_monthly_total),
        )
    }

    pub fn permanent_words(&self) -> Option<String> {
        if self.archives() {
            return None;
        }
        let ebs = self
            .plans
            .iter()
            .any(|p| p.target != crate::model::ResourceKind::Image && !p.items.is_empty());
        if !ebs {
            return None;
        }
        if !self.plans.iter().all(CleanupPlan::recycle_bin_checked) {
            return Some("Recycle Bin not checked: count them as permanent".into());
        }
        let n: usize = self.plans.iter().map(CleanupPlan::permanent_count).sum();
        Some(format!("{n} permanent (no Recycle Bin rule)"))
    }

    pub fn total_gib(&self) -> f64 {
        crate::analysis::cost::total(self.plans.iter().map(CleanupPlan::total_gib))
    }

    pub fn total_monthly(&self) -> f64 {
        crate::analysis::cost::total(self.plans.iter().map(CleanupPlan::total_monthly_usd))
    }

    /// The only item's id, for a typed confirmation in production.
    pub fn single_id(&self) -> String {
        self.plans
            .iter()
            .flat_map(CleanupPlan::to_execute)
            .map(|i| i.id.clone())
            .next()
            .unwrap_or_default()
    }

    /// Whether the plan has volumes (snapshot first can apply).
    pub fn has_volumes(&self) -> bool {
        self.plans
            .iter()
            .any(|p| p.target == ResourceKind::Volume && !p.items.is_empty())
    }

    /// Whether the volumes are snapshotted before they are deleted.
    pub fn snapshot_first(&self) -> bool {
        self.plans
            .iter()
            .any(|p| p.target == ResourceKind::Volume && p.snapshot_first)
    }

    /// Flips snapshot-first on the volumes' plan; `false` when there are no volumes.
    pub fn toggle_snapshot_first(&mut self) -> bool {
        if !self.has_volumes() {
            return false;
        }
        let on = !self.snapshot_first();
        for p in self
            .plans
            .iter_mut()
            .filter(|p| p.target == ResourceKind::Volume)
        {
            p.snapshot_first = on;
        }
        true
    }

    /// What the safety snapshots of the volumes to delete would cost per month: the
    /// snapshot price × the volumes' GiB (an upper bound, like every snapshot cost).
    pub fn snapshot_monthly(&self, prices: &crate::analysis::cost::Prices) -> f64 {
        let gib = crate::analysis::cost::total(
            self.plans
                .iter()
                .filter(|p| p.target == ResourceKind::Volume)
                .flat_map(CleanupPlan::to_execute)
                .map(|i| i.size_gib),
        );
        crate::analysis::cost::cents(gib * prices.snapshot)
    }

    pub fn count(&self, status: ItemStatus) -> usize {
        self.results.iter().filter(|r| r.status == status).count()
    }

    /// Records a result (a later one for the same id replaces it).
    pub fn record(&mut self, result: ItemResult) {
        match self.results.iter_mut().find(|r| r.id == result.id) {
            Some(r) => *r = result,
            None => self.results.push(result),
        }
    }
}
