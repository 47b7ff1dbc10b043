//! `restore-image --json`: the archived image, what was sent, and what ECR reports after.

use serde::Serialize;

use crate::model::ImageStatus;
use crate::ops::restore_image::RestoreImagePlan;

#[derive(Debug, Serialize)]
pub struct RestoreImageJson {
    pub repository: String,
    pub tag: String,
    pub digest: String,
    /// `archive` or `restoring` before the request.
    pub storage_class_before: String,
    pub dry_run: bool,
    /// Whether UpdateImageStorageClass was sent (not for a restore already running).
    pub sent: bool,
    /// `standard`, `restoring` … as ECR last reported it; `null` before anything ran.
    pub storage_class_after: Option<String>,
    /// Whether a task can pull it now.
    pub pullable: Option<bool>,
}

impl RestoreImageJson {
    pub fn new(plan: &RestoreImagePlan, dry_run: bool, after: Option<&ImageStatus>) -> Self {
        Self {
            repository: plan.repository.clone(),
            tag: plan.tag.clone(),
            digest: plan.digest.clone(),
            storage_class_before: plan.status.storage_class().to_string(),
            dry_run,
            sent: after.is_some() && !plan.already_restoring(),
            storage_class_after: after.map(|s| s.storage_class().to_string()),
            pullable: after.map(|s| !s.is_unpullable()),
        }
    }
}
