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
