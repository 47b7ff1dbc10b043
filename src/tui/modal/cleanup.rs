//! Cleanup of marked resources: the plan ops made for what was marked (what, why, GiB,
//! $/month; what is skipped and why; the DryRun preflight), then per-item results as
//! they land: done / skipped (why) / failed (error).

use crate::model::{ResourceKind, Skipped};
use crate::ops::cleanup::{CleanupPlan, ItemResult, ItemStatus};

#[derive(Debug, Clone)]
pub struct CleanupModal {
    /// What was marked, as asked (ids, or `repository@digest` for images).
    pub asked: usize,
    /// One plan per kind (volumes, snapshots) or the images plan.
    pub plans: Vec<CleanupPlan>,
    /// Results in the order they landed.
    pub results: Vec<ItemResult>,
}

impl CleanupModal {
    pub fn new(asked: usize) -> Self {
        Self {
            asked,
            plans: Vec::new(),
            results: Vec::new(),
        }
    }

    pub fn title(&self) -> String {
        let noun = match self.plans.first().map(|p| p.target) {
            Some(ResourceKind::Image) => "images",
            _ => "orphans",
        };
        format!("Clean up {} marked {noun}", self.asked)
    }

    /// Items that will be sent (not blocked by the preflight).
    pub fn to_execute(&self) -> usize {
        self.plans.iter().map(|p| p.to_execute().count()).sum()
    }

    pub fn items(&self) -> impl Iterator<Item = &crate::ops::cleanup::CleanupItem> {
        self.plans.iter().flat_map(|p| p.items.iter())
    }

    pub fn skipped(&self) -> impl Iterator<Item = &Skipped> {
        self.plans.iter().flat_map(|p| p.skipped.iter())
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
