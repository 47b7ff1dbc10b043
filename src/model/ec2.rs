//! EC2: EBS volumes, EBS snapshots, the account's AMIs, and who we are (STS).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::state::{SnapshotState, VolumeState};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Volume {
    pub id: String,
    pub size_gib: i32,
    pub volume_type: String,
    pub state: VolumeState,
    pub create_time: Option<DateTime<Utc>>,
    pub availability_zone: Option<String>,
    pub snapshot_id: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// Instance ids or (for Fargate) the ARNs of the tasks it is attached to.
    pub attached_to: Vec<String>,
}

impl Volume {
    /// Its id, size and tags: what a cleanup plan names it by.
    pub fn ebs_key(&self) -> (&str, i32, &BTreeMap<String, String>) {
        (&self.id, self.size_gib, &self.tags)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub id: String,
    pub volume_id: Option<String>,
    pub size_gib: i32,
    pub state: SnapshotState,
    pub start_time: Option<DateTime<Utc>>,
    pub owner_id: Option<String>,
    pub description: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// `standard` or `archive` (EC2 `StorageTier`); `None` when EC2 does not say.
    pub storage_tier: Option<String>,
    /// When a temporary restore of an archived snapshot ends (`RestoreExpiryTime`).
    pub restore_expiry_time: Option<DateTime<Utc>>,
}

impl Snapshot {
    /// Its id, size and tags: what a cleanup plan names it by.
    pub fn ebs_key(&self) -> (&str, i32, &BTreeMap<String, String>) {
        (&self.id, self.size_gib, &self.tags)
    }

    /// In the archive tier (`storageTier` `archive`), temporarily restored or not: what a
    /// tier restore acts on.
    pub fn in_archive_tier(&self) -> bool {
        self.storage_tier.as_deref() == Some("archive")
    }

    /// In the archive tier and not temporarily restored at `now`: no volume can be
    /// created from it until it is restored (up to 72 hours).
    pub fn is_archived(&self, now: DateTime<Utc>) -> bool {
        self.in_archive_tier() && self.restore_expiry_time.is_none_or(|t| t <= now)
    }

    /// `standard`, `archive`, or `restored until 2027-01-31 00:00 UTC` (a temporary restore).
    pub fn tier_text(&self, now: DateTime<Utc>) -> String {
        match (self.storage_tier.as_deref(), self.restore_expiry_time) {
            (Some("archive"), Some(t)) if t > now => {
                format!("restored until {}", t.format("%Y-%m-%d %H:%M UTC"))
            }
            (Some(tier), _) => tier.to_string(),
            (None, _) => "standard".to_string(),
        }
    }
}

/// A snapshot's lock, as DescribeLockedSnapshots reports it: a locked snapshot cannot be
/// deleted until the lock expires.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SnapshotLock {
    pub snapshot_id: String,
    /// `compliance`, `governance`, `compliance-cooloff` or `expired` (EC2's `LockState`).
    pub state: String,
    /// When the lock expires (`LockExpiresOn`), when EC2 says.
    pub expires_on: Option<DateTime<Utc>>,
}

/// How far a volume created from a snapshot has initialized (EC2 DescribeVolumeStatus
/// `InitializationStatusDetails`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VolumeInitialization {
    pub volume_id: String,
    /// `default` (lazily from S3), `provisioned-rate` (at the volume initialization rate),
    /// `volume-copy`, as EC2 spells it; `None` when EC2 does not say.
    pub initialization_type: Option<String>,
    /// Percent loaded (0-100); `None` when EC2 does not say (done, or not reported).
    pub progress: Option<i64>,
    /// EC2's estimate of the seconds left (a provisioned rate only).
    pub estimated_seconds_left: Option<i64>,
}

/// An AMI owned by the account, with the snapshots its block-device mappings use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ami {
    pub id: String,
    pub name: Option<String>,
    pub state: Option<String>,
    pub snapshot_ids: Vec<String>,
}

/// A launch template of the account, with the snapshots any of its versions' block-device
/// mappings use: launching from it (an Auto Scaling group, a capacity provider) needs them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LaunchTemplate {
    pub id: String,
    pub name: Option<String>,
    /// Every snapshot id named by any version, without repeats, in first-seen order.
    pub snapshot_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallerIdentity {
    pub account: String,
    pub arn: String,
}
