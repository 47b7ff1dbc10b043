//! The cleanup plan: the resources it deletes (or, `archive`, moves to the snapshot archive
//! tier) and what is shown, confirmed and then
//! executed exactly. The planners in `mod.rs` and `images.rs` build it; `execute.rs` runs it.

use crate::analysis::recycle_bin::Recovery;
use crate::aws::Preflight;
use crate::model::ResourceKind;
use crate::model::Skipped;

/// The words of what a cleanup does to its items — deleting them, or (`archive`) moving
/// snapshots to the archive tier: every title, progress and "nothing was …" line takes
/// them from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CleanupVerb {
    /// `delete` / `archive`.
    pub verb: &'static str,
    /// `deleted` / `archived`.
    pub done: &'static str,
    /// `deleting` / `archiving`.
    pub doing: &'static str,
}

impl CleanupVerb {
    pub fn of(archive: bool) -> Self {
        if archive {
            Self {
                verb: "archive",
                done: "archived",
                doing: "archiving",
            }
        } else {
            Self {
                verb: "delete",
                done: "deleted",
                doing: "deleting",
            }
        }
    }

    /// `(nothing was deleted)`: what an error before anything was sent adds.
    pub fn nothing_done(self) -> String {
        format!("(nothing was {})", self.done)
    }
}

/// One resource the plan deletes.
#[derive(Debug, Clone, PartialEq)]
pub struct CleanupItem {
    pub kind: ResourceKind,
    /// `vol-…`, `snap-…`, or `repository@sha256:…`.
    pub id: String,
    pub repository: Option<String>,
    pub digest: Option<String>,
    /// Image tags, or nothing for EBS resources.
    pub tags: Vec<String>,
    pub size_gib: f64,
    pub age_days: Option<i64>,
    pub monthly_cost_usd: f64,
    pub reason: String,
    /// The DryRun answer (EC2 only), once the preflight ran.
    pub preflight: Option<Preflight>,
    /// Digests deleted in the same call (an image index's children, untagged referrers):
    /// one unit with the item, its size included in the item's.
    pub with_digests: Vec<String>,
    /// Whether a Recycle Bin rule keeps the deleted resource recoverable (EBS snapshots
    /// and volumes); `None` when not checked or not applicable (images).
    pub recycle_bin: Option<Recovery>,
}

impl CleanupItem {
    /// An orphaned EBS volume or snapshot (no repository, digest or tags).
    pub fn ebs(
        kind: ResourceKind,
        id: &str,
        size_gib: i32,
        age_days: Option<i64>,
        monthly_cost_usd: f64,
        reason: &str,
    ) -> Self {
        Self {
            kind,
            id: id.to_string(),
            repository: None,
            digest: None,
            tags: Vec::new(),
            size_gib: f64::from(size_gib),
            age_days,
            monthly_cost_usd,
            reason: reason.to_string(),
            preflight: None,
            with_digests: Vec::new(),
            recycle_bin: None,
        }
    }

    /// Not allowed or not checkable by the DryRun preflight: it will not be sent.
    pub fn blocked(&self) -> Option<&str> {
        match &self.preflight {
            Some(Preflight::Denied(why) | Preflight::Failed(why)) => Some(why),
            _ => None,
        }
    }
}

/// What a cleanup will do: shown, confirmed, then executed exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct CleanupPlan {
    pub target: ResourceKind,
    /// Snapshots only (`--archive`): each item is moved to the archive tier
    /// (ModifySnapshotTier) instead of deleted.
    pub archive: bool,
    pub items: Vec<CleanupItem>,
    pub skipped: Vec<Skipped>,
    pub min_age_days: Option<i64>,
    pub snapshot_first: bool,
    pub keep_newest: usize,
    /// Whether the DryRun preflight ran (EC2 targets, not in read-only mode).
    pub preflight_done: bool,
    /// What the plan could not check, one line each (e.g. "locks were not checked: …").
    pub notes: Vec<String>,
}

impl CleanupPlan {
    /// A delete plan of `items` (all of kind `target`) and nothing more: nothing skipped,
    /// no age floor, no safety snapshots, not preflighted, no notes; `keep_newest` as the
    /// settings planned it.
    pub fn new(target: ResourceKind, items: Vec<CleanupItem>, keep_newest: usize) -> Self {
        Self {
            target,
            archive: false,
            items,
            skipped: Vec::new(),
            min_age_days: None,
            snapshot_first: false,
            keep_newest,
            preflight_done: false,
            notes: Vec::new(),
        }
    }

    /// The items that will be sent (not blocked by the preflight).
    pub fn to_execute(&self) -> impl Iterator<Item = &CleanupItem> {
        self.items.iter().filter(|i| i.blocked().is_none())
    }

    /// How many of the items that will be sent no Recycle Bin rule covers (deleted for
    /// good); when the rules were not read, every EBS item counts (a plan note says so).
    /// An archive plan deletes nothing: none.
    pub fn permanent_count(&self) -> usize {
        if self.archive {
            return 0;
        }
        self.to_execute()
            .filter(|i| i.kind != ResourceKind::Image)
            .filter(|i| i.recycle_bin.as_ref().is_none_or(Recovery::is_permanent))
            .count()
    }

    /// Whether every EBS item that will be sent had its Recycle Bin rules read.
    pub fn recycle_bin_checked(&self) -> bool {
        self.to_execute()
            .filter(|i| i.kind != ResourceKind::Image)
            .all(|i| i.recycle_bin.is_some())
    }

    pub fn total_gib(&self) -> f64 {
        crate::analysis::cost::total(self.items.iter().map(|i| i.size_gib))
    }

    pub fn total_monthly_usd(&self) -> f64 {
        crate::analysis::cost::cents(crate::analysis::cost::total(
            self.items.iter().map(|i| i.monthly_cost_usd),
        ))
    }
}
