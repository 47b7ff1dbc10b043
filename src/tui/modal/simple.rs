//! One-change dialogs: force a redeploy (then the wait view), restore a user's resume tag
//! to an older snapshot tag (then the before/after digests).

use crate::ops::redeploy::RedeployPlan;
use crate::ops::restore_user::{RestorePlan, Restored};

#[derive(Debug, Clone)]
pub enum SimplePlan {
    Redeploy(RedeployPlan),
    Restore(RestorePlan),
}

#[derive(Debug, Clone)]
pub struct SimpleModal {
    /// What the dialog is about while the plan loads.
    pub subject: String,
    pub is_redeploy: bool,
    pub plan: Option<SimplePlan>,
    pub restored: Option<Restored>,
}

impl SimpleModal {
    pub fn redeploy(cluster: &str, service: &str) -> Self {
        Self {
            subject: format!("{cluster}/{service}"),
            is_redeploy: true,
            plan: None,
            restored: None,
        }
    }

    pub fn restore(user: &str, tag: &str) -> Self {
        Self {
            subject: format!("{user} to {tag}"),
            is_redeploy: false,
            plan: None,
            restored: None,
        }
    }

    pub fn title(&self) -> String {
        if self.is_redeploy {
            format!("Force a redeploy of {}", self.subject)
        } else {
            format!("Restore {}", self.subject)
        }
    }

    /// The name typed in production: the service or the user.
    pub fn name(&self) -> String {
        match &self.plan {
            Some(SimplePlan::Redeploy(p)) => p.service.clone(),
            Some(SimplePlan::Restore(p)) => p.user.clone(),
            None => String::new(),
        }
    }

    pub fn summary(&self) -> Option<String> {
        self.plan.as_ref().map(|p| match p {
            SimplePlan::Redeploy(p) => p.summary(),
            SimplePlan::Restore(p) => p.summary(),
        })
    }
}
