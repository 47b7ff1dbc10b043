//! The recover dialog: bring an orphaned volume back into the service that created it
//! (its snapshot's progress, then the wait view).

use crate::ops::recover::{RecoverPlan, RecoverProgress};

#[derive(Debug, Clone)]
pub struct RecoverModal {
    /// The orphaned volume.
    pub volume: String,
    /// Once planned: exactly what the confirmation sends.
    pub plan: Option<Box<RecoverPlan>>,
    /// The latest progress of the volume's snapshot.
    pub progress: Option<RecoverProgress>,
}

impl RecoverModal {
    pub fn new(volume: &str) -> Self {
        Self {
            volume: volume.to_string(),
            plan: None,
            progress: None,
        }
    }

    /// The snapshot taken for the recover, once it started.
    pub fn snapshot(&self) -> Option<&str> {
        match self.progress.as_ref()? {
            RecoverProgress::SnapshotStarted(id) | RecoverProgress::UpdatingService(id) => Some(id),
            RecoverProgress::Snapshot { snapshot_id, .. } => Some(snapshot_id),
        }
    }

    pub fn title(&self) -> String {
        format!("Recover {} into its service", self.volume)
    }
}
