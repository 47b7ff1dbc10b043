//! The storage dialog: marking orphans for deletion after a grace period (`m` in Orphans:
//! the `ecsnap:delete-after` and `ecsnap:owner` tags), restoring an archived EBS snapshot
//! (RestoreSnapshotTier) and an archived ECR image (UpdateImageStorageClass, then the
//! polls until it can be pulled), both from the rollback picker. The plans are ops's, the
//! same the CLI's `cleanup --mark`, `restore-snapshot` and `restore-image` show.

use crate::model::{ImageStatus, Snapshot};
use crate::ops::cleanup::ItemResult;
use crate::ops::cleanup::Selection;
use crate::ops::cleanup::marks::MarkPlan;
use crate::ops::restore_image::RestoreImagePlan;
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
    /// Restore this archived ECR image (`reference`: its tag, or its digest).
    RestoreImage {
        repository: String,
        reference: String,
    },
}

/// The plan ops made: exactly what confirming sends.
#[derive(Debug, Clone, PartialEq)]
pub enum StoragePlan {
    Mark(Vec<MarkPlan>),
    RestoreTier(Box<RestoreSnapshotPlan>),
    RestoreImage(RestoreImagePlan),
}

impl StoragePlan {
    /// How many requests confirming sends.
    pub fn to_send(&self) -> usize {
        match self {
            StoragePlan::Mark(plans) => plans.iter().map(|p| p.marks.len()).sum(),
            StoragePlan::RestoreTier(_) => 1,
            // A restore already running sends nothing; the dialog only waits.
            StoragePlan::RestoreImage(p) => usize::from(!p.already_restoring()),
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
    /// The image's storage class once ECR reported it pullable (or the wait gave up: why).
    ImageRestored(Result<ImageStatus, String>),
}

#[derive(Debug, Clone)]
pub struct StorageModal {
    pub ask: StorageAsk,
    pub plan: Option<StoragePlan>,
    pub done: Option<StorageDone>,
    /// An image restore's polls so far, and the storage class ECR reported last.
    pub progress: Option<(u32, ImageStatus)>,
}

impl StorageModal {
    pub fn new(ask: StorageAsk) -> Self {
        Self {
            ask,
            plan: None,
            done: None,
            progress: None,
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
            Some(StoragePlan::RestoreImage(p)) => {
                format!("Restore {}:{} from ECR archive", p.repository, p.tag)
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
            StorageAsk::RestoreImage {
                repository,
                reference,
            } => format!("Restore image {repository}:{reference} from ECR archive"),
        }
    }
}
