//! The rollback picker: the family's revisions newest first, each with its images and
//! registration date, the one before what the service runs preselected. Confirming runs
//! exactly the revision shown as selected.

use crate::model::arn_name;
use crate::ops::rollback::{Revision, RollbackChange, RollbackPlan};

#[derive(Debug, Clone)]
pub struct RollbackModal {
    pub cluster: String,
    pub service: String,
    /// What the service runs now (task-definition ARN).
    pub current: String,
    pub revisions: Vec<Revision>,
    /// Index into `revisions`.
    pub selected: usize,
}

impl RollbackModal {
    pub fn new(cluster: String, service: String, current: String) -> Self {
        Self {
            cluster,
            service,
            current,
            revisions: Vec::new(),
            selected: 0,
        }
    }

    fn current_revision(&self) -> Option<i32> {
        crate::aws::revision_of(&self.current)
    }

    /// Fills the picker and selects the newest revision older than the current one (else
    /// the first that is not current).
    pub fn set_revisions(&mut self, revisions: Vec<Revision>) {
        let current = self.current_revision();
        self.selected = revisions
            .iter()
            .position(|r| !r.current && current.is_some_and(|c| r.revision < c))
            .or_else(|| revisions.iter().position(|r| !r.current))
            .unwrap_or(0);
        self.revisions = revisions;
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.revisions.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn chosen(&self) -> Option<&Revision> {
        self.revisions.get(self.selected).filter(|r| !r.current)
    }

    /// The plan for the selected revision: exactly what confirming sends.
    pub fn plan(&self) -> Option<RollbackPlan> {
        let r = self.chosen()?;
        Some(RollbackPlan {
            cluster: self.cluster.clone(),
            service: self.service.clone(),
            current: self.current.clone(),
            change: RollbackChange::Revision {
                to: r.arn.clone(),
                revision: r.revision,
                images: r.images.clone(),
            },
        })
    }

    /// `worker:2 → worker:1`, or why nothing can be chosen.
    pub fn headline(&self) -> String {
        match self.chosen() {
            Some(r) => format!("{} → {}", arn_name(&self.current), arn_name(&r.arn)),
            None => format!(
                "{} is what runs; pick another revision",
                arn_name(&self.current)
            ),
        }
    }
}
