//! One-change dialogs: force a redeploy (then the wait view), restore a user's resume tag
//! to an older snapshot tag (then the before/after digests), recover an orphaned volume
//! (snapshot progress, then the wait view).

use crate::ops::recover::{RecoverPlan, RecoverProgress};
use crate::ops::redeploy::RedeployPlan;
use crate::ops::restore_user::{RestorePlan, Restored};

#[derive(Debug, Clone)]
pub enum SimplePlan {
    Redeploy(RedeployPlan),
    Restore(RestorePlan),
    Recover(Box<RecoverPlan>),
}

#[derive(Debug, Clone)]
pub struct SimpleModal {
    /// What the dialog is about while the plan loads.
    pub subject: String,
    pub is_redeploy: bool,
    pub plan: Option<SimplePlan>,
    pub restored: Option<Restored>,
    /// Recover: the orphaned volume, and the latest progress of its snapshot.
    pub recover: Option<String>,
    pub progress: Option<RecoverProgress>,
}

impl SimpleModal {
    pub fn redeploy(cluster: &str, service: &str) -> Self {
        Self {
            subject: format!("{cluster}/{service}"),
            is_redeploy: true,
            plan: None,
            restored: None,
            recover: None,
            progress: None,
        }
    }

    pub fn restore(user: &str, tag: &str) -> Self {
        Self {
            subject: format!("{user} to {tag}"),
            is_redeploy: false,
            plan: None,
            restored: None,
            recover: None,
            progress: None,
        }
    }

    pub fn recover(volume: &str) -> Self {
        Self {
            subject: volume.to_string(),
            is_redeploy: false,
            plan: None,
            restored: None,
            recover: Some(volume.to_string()),
            progress: None,
        }
    }

    /// The snapshot taken for a recover, once it started.
    pub fn recover_snapshot(&self) -> Option<&str> {
        match self.progress.as_ref()? {
            RecoverProgress::SnapshotStarted(id) | RecoverProgress::UpdatingService(id) => Some(id),
            RecoverProgress::Snapshot { snapshot_id, .. } => Some(snapshot_id),
        }
    }

    pub fn title(&self) -> String {
        if self.is_redeploy {
            format!("Force a redeploy of {}", self.subject)
        } else if self.recover.is_some() {
            format!("Recover {} into its service", self.subject)
        } else {
            format!("Restore {}", self.subject)
        }
    }

    /// The name typed in production: the service or the user.
    pub fn name(&self) -> String {
        match &self.plan {
            Some(SimplePlan::Redeploy(p)) => p.service.clone(),
            Some(SimplePlan::Restore(p)) => p.user.clone(),
            Some(SimplePlan::Recover(p)) => p.service.clone(),
            None => String::new(),
        }
    }

    pub fn summary(&self) -> Option<String> {
        self.plan.as_ref().map(|p| match p {
            SimplePlan::Redeploy(p) => p.summary(),
            SimplePlan::Restore(p) => p.summary(),
            SimplePlan::Recover(p) => p.summary(),
        })
    }
}
