//! The JSON contract of `restore-snapshot`: the snapshot, the restore asked for, and the
//! tier and restore expiry EC2 reports afterwards.

use serde::Serialize;

use super::json::rfc3339;
use crate::model::Snapshot;
use crate::ops::restore_snapshot::{RestoreFor, RestoreSnapshotPlan};

#[derive(Debug, Serialize)]
pub struct RestoreSnapshotJson {
    pub action: &'static str,
    pub dry_run: bool,
    pub summary: String,
    pub snapshot_id: String,
    pub size_gib: i32,
    /// The days of a temporary restore; `null` for a permanent one.
    pub days: Option<u32>,
    pub permanent: bool,
    /// The tier before (`archive`).
    pub storage_tier: Option<String>,
    /// Read back after the request (`null` for a dry run): EC2's `StorageTier` and
    /// `RestoreExpiryTime`.
    pub storage_tier_after: Option<String>,
    pub restore_expiry_time: Option<String>,
}

impl RestoreSnapshotJson {
    pub fn new(plan: &RestoreSnapshotPlan, dry_run: bool, after: Option<&Snapshot>) -> Self {
        let (days, permanent) = match plan.restore {
            RestoreFor::Days(d) => (Some(d), false),
            RestoreFor::Permanent => (None, true),
        };
        Self {
            action: "restore-snapshot",
            dry_run,
            summary: plan.summary(),
            snapshot_id: plan.snapshot.id.clone(),
            size_gib: plan.snapshot.size_gib,
            days,
            permanent,
            storage_tier: plan.snapshot.storage_tier.clone(),
            storage_tier_after: after.and_then(|s| s.storage_tier.clone()),
            restore_expiry_time: after.and_then(|s| rfc3339(s.restore_expiry_time)),
        }
    }
}

/// `cleanup --mark`: the orphans marked (or to be marked) with their date and owner.
#[derive(Debug, Serialize)]
pub struct MarkJson {
    pub action: &'static str,
    pub target: &'static str,
    pub dry_run: bool,
    pub after_days: u32,
    pub marks: Vec<MarkItemJson>,
    pub skipped: Vec<super::json::SkippedJson>,
    /// Per-resource results; `null` when nothing was sent.
    pub results: Option<Vec<super::actions::ItemResultJson>>,
}

#[derive(Debug, Serialize)]
pub struct MarkItemJson {
    pub id: String,
    pub kind: &'static str,
    pub size_gib: i32,
    /// `YYYY-MM-DD` (UTC): the `ecsnap:delete-after` tag.
    pub delete_after: String,
    /// The `ecsnap:owner` tag.
    pub owner: String,
}

impl MarkJson {
    pub fn new(
        plan: &crate::ops::cleanup::marks::MarkPlan,
        dry_run: bool,
        results: Option<&[crate::ops::cleanup::ItemResult]>,
    ) -> Self {
        Self {
            action: "cleanup-mark",
            target: plan.target.noun(),
            dry_run,
            after_days: plan.after_days,
            marks: plan
                .marks
                .iter()
                .map(|m| MarkItemJson {
                    id: m.id.clone(),
                    kind: m.kind.as_str(),
                    size_gib: m.size_gib,
                    delete_after: m.delete_after.format("%Y-%m-%d").to_string(),
                    owner: m.owner.clone(),
                })
                .collect(),
            skipped: plan.skipped.iter().map(Into::into).collect(),
            results: results.map(|r| r.iter().map(Into::into).collect()),
        }
    }
}

/// `cleanup --marked`: the due deletions (a cleanup plan, its skipped list holding the
/// marks not yet due) and the marks removed from what is in use again.
#[derive(Debug, Serialize)]
pub struct MarkedJson {
    pub action: &'static str,
    pub dry_run: bool,
    pub delete: super::actions::CleanupJson,
    pub unmark: Vec<UnmarkJson>,
    /// Unmarks then deletions, per resource; `null` when nothing was sent.
    pub results: Option<Vec<super::actions::ItemResultJson>>,
}

#[derive(Debug, Serialize)]
pub struct UnmarkJson {
    pub id: String,
    pub kind: &'static str,
    pub why: String,
}

impl MarkedJson {
    pub fn new(
        plan: &crate::ops::cleanup::marks::MarkedPlan,
        dry_run: bool,
        results: Option<&[crate::ops::cleanup::ItemResult]>,
    ) -> Self {
        Self {
            action: "cleanup-marked",
            dry_run,
            delete: super::actions::CleanupJson::new(&plan.delete, dry_run, None),
            unmark: plan
                .unmark
                .iter()
                .map(|u| UnmarkJson {
                    id: u.id.clone(),
                    kind: u.kind.as_str(),
                    why: u.why.clone(),
                })
                .collect(),
            results: results.map(|r| r.iter().map(Into::into).collect()),
        }
    }
}
