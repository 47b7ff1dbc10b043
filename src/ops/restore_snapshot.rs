//! Restore an archived EBS snapshot (RestoreSnapshotTier): for N days (a temporary copy in
//! the standard tier) or permanently (back to the standard tier). A volume cannot be
//! created from an archived snapshot, and a restore takes up to 72 hours: this is what an
//! EBS-snapshot rollback to an archived snapshot asks for first.
//!
//! `plan` (reads only) finds the snapshot and refuses one that is not archived; `execute`
//! sends the one request through the `Mutator` (read-only refusal, audit line).

use chrono::{DateTime, Utc};

use super::guard::Mutator;
use crate::analysis::cost::{Prices, SNAPSHOT_ARCHIVE_PER_GIB, archive_monthly};
use crate::aws::AwsClients;
use crate::error::{Error, Result};
use crate::model::Snapshot;

/// The longest temporary restore EC2 accepts, in days.
pub const MAX_RESTORE_DAYS: u32 = 180;

/// How long the restore lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestoreFor {
    Days(u32),
    Permanent,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RestoreSnapshotPlan {
    pub snapshot: Snapshot,
    pub restore: RestoreFor,
    /// What the snapshot costs a month in the standard tier (an upper bound: the full size).
    pub standard_monthly_usd: f64,
    pub archive_monthly_usd: f64,
}

impl RestoreSnapshotPlan {
    pub fn summary(&self) -> String {
        let s = &self.snapshot;
        let how = match self.restore {
            RestoreFor::Days(d) => format!(
                "for {d} days (a temporary copy in the standard tier, up to ${:.2}/month while \
                 it lasts; the archived copy stays, at ${:.2}/month)",
                self.standard_monthly_usd, self.archive_monthly_usd
            ),
            RestoreFor::Permanent => format!(
                "permanently (back to the standard tier: up to ${:.2}/month instead of ${:.2} at \
                 ${SNAPSHOT_ARCHIVE_PER_GIB}/GB-month)",
                self.standard_monthly_usd, self.archive_monthly_usd
            ),
        };
        format!(
            "restore snapshot {} ({} GiB, {}) from the archive tier {how}; restoring takes up \
             to 72 h before a volume can be created from it",
            s.id,
            s.size_gib,
            s.storage_tier.as_deref().unwrap_or("archive"),
        )
    }

    /// The EC2 parameter: temporary days, or `None` for a permanent restore.
    pub fn days(&self) -> Option<i32> {
        match self.restore {
            RestoreFor::Days(d) => Some(i32::try_from(d).unwrap_or(i32::MAX)),
            RestoreFor::Permanent => None,
        }
    }
}

fn refused(id: &str, why: impl std::fmt::Display) -> Error {
    Error::Refused(format!("cannot restore {id}: {why}. Nothing was sent"))
}

/// The plan for restoring `snapshot_id`. Reads only; refuses a snapshot that is not
/// archived, or a temporary restore that would end before one already running.
pub async fn plan(
    aws: &AwsClients,
    prices: &Prices,
    snapshot_id: &str,
    restore: RestoreFor,
    now: DateTime<Utc>,
) -> Result<RestoreSnapshotPlan> {
    if let RestoreFor::Days(d) = restore
        && !(1..=MAX_RESTORE_DAYS).contains(&d)
    {
        return Err(Error::Usage(format!(
            "--days takes 1 to {MAX_RESTORE_DAYS}, not {d}"
        )));
    }
    let snapshot = aws
        .ec2
        .describe_snapshot(snapshot_id)
        .await?
        .ok_or_else(|| super::not_found("snapshot", snapshot_id, &aws.region))?;
    if !snapshot.in_archive_tier() {
        return Err(refused(
            snapshot_id,
            format!(
                "it is in the {} tier, not archived: a volume can be created from it now",
                snapshot.storage_tier.as_deref().unwrap_or("standard")
            ),
        ));
    }
    if let (RestoreFor::Days(_), Some(until)) = (restore, snapshot.restore_expiry_time)
        && until > now
    {
        return Err(refused(
            snapshot_id,
            format!(
                "it is already restored until {} (use --permanent to keep it in the standard \
                 tier)",
                until.format("%Y-%m-%d %H:%M UTC")
            ),
        ));
    }
    Ok(RestoreSnapshotPlan {
        standard_monthly_usd: prices.snapshot_monthly(snapshot.size_gib),
        archive_monthly_usd: archive_monthly(snapshot.size_gib),
        snapshot,
        restore,
    })
}

/// Sends RestoreSnapshotTier, then reads the snapshot back (its tier and restore expiry).
pub async fn execute(
    aws: &AwsClients,
    mutator: &Mutator,
    plan: &RestoreSnapshotPlan,
) -> Result<Option<Snapshot>> {
    mutator
        .restore_snapshot_tier(&plan.snapshot.id, plan.days())
        .await?;
    aws.ec2.describe_snapshot(&plan.snapshot.id).await
}
