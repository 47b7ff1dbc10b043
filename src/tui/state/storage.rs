//! The storage dialog: marking orphans for deletion after a grace period (`m` in Orphans:
//! the `ecsnap:delete-after` and `ecsnap:owner` tags) and restoring an archived EBS
//! snapshot (RestoreSnapshotTier, from the rollback picker). The plans are ops's, the same
//! the CLI's `cleanup --mark` and `restore-snapshot` show.

use crate::model::Snapshot;
use crate::ops::cleanup::ItemResult;
use crate::ops::cleanup::Selection;
use crate::ops::cleanup::marks::MarkPlan;
use crate::ops::restore_snapshot::{RestoreFor, RestoreSnapshotPlan};

/// Days a mark from the console gives before deletion (the CLI's `--after` default).
pub const MARK_AFTER_DAYS: u32 = 30;
/// Days a temporary restore from the rollback picker lasts.
pub const RESTORE_DAYS: u32 = 7;

/// What the dialog was asked to plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageAsk {
    /// Mark these orphans for deletion `after_days` from today.
    Mark {
        selection: Selection,
        after_days: u32,
    },
    /// Restore this archived snapshot from the archive tier.
    RestoreTier {
        snapshot_id: String,
        restore: RestoreFor,
    },
}

/// The plan ops made: exactly what confirming sends.
#[derive(Debug, Clone, PartialEq)]
pub enum StoragePlan {
    Mark(Vec<MarkPlan>),
    RestoreTier(Box<RestoreSnapshotPlan>),
}

impl StoragePlan {
    /// How many requests confirming sends.
    pub fn to_send(&self) -> usize {
        match self {
            StoragePlan::Mark(plans) => plans.iter().map(|p| p.marks.len()).sum(),
            StoragePlan::RestoreTier(_) => 1,
        }
    }
}

/// What the action did.
#[derive(Debug, Clone, PartialEq)]
pub enum StorageDone {
    /// One result per mark.
    Marked(Vec<ItemResult>),
    /// The snapshot read back after RestoreSnapshotTier (`None`: it could not be read).
    Restored(Option<Snapshot>),
}

#[derive(Debug, Clone)]
pub struct StorageModal {
    pub ask: StorageAsk,
    pub plan: Option<StoragePlan>,
    pub done: Option<StorageDone>,
}

impl StorageModal {
    pub fn new(ask: StorageAsk) -> Self {
        Self {
            ask,
            plan: None,
            done: None,
        }
    }

    /// What the confirmation acts on, named in its line.
    pub fn prompt_what(&self) -> String {
        match &self.plan {
            Some(StoragePlan::Mark(plans)) => {
                let n: usize = plans.iter().map(|p| p.marks.len()).sum();
                let noun = if n == 1 { "orphan" } else { "orphans" };
                format!("Mark {n} {noun} for deletion")
            }
            Some(StoragePlan::RestoreTier(p)) => {
                format!("Restore {} from the archive tier", p.snapshot.id)
            }
            None => self.title(),
        }
    }

    pub fn title(&self) -> String {
        match &self.ask {
            StorageAsk::Mark {
                selection,
                after_days,
            } => {
                let n = selection.volumes.len() + selection.snapshots.len();
                let noun = if n == 1 { "orphan" } else { "orphans" };
                format!("Mark {n} {noun} for deletion in {after_days} days")
            }
            StorageAsk::RestoreTier { snapshot_id, .. } => {
                format!("Restore snapshot {snapshot_id} from the archive tier")
            }
        }
    }
}
