//! The restore dialog: point a user's resume tag at an older snapshot tag (then the
//! before/after digests).

use crate::ops::restore_user::{RestorePlan, Restored};

#[derive(Debug, Clone)]
pub struct RestoreModal {
    pub user: String,
    pub tag: String,
    /// Once planned: exactly what the confirmation sends.
    pub plan: Option<RestorePlan>,
    /// Once done: the digests before and after.
    pub restored: Option<Restored>,
}

impl RestoreModal {
    pub fn new(user: &str, tag: &str) -> Self {
        Self {
            user: user.to_string(),
            tag: tag.to_string(),
            plan: None,
            restored: None,
        }
    }

    pub fn title(&self) -> String {
        format!("Restore {} to {}", self.user, self.tag)
    }
}
