//! The restore dialog: point a user's resume tag at an older snapshot tag (then the
//! before/after digests). A tag whose image is in ECR archive is refused before any plan
//! (a session could not pull it), with `t` offering its restore.

use crate::ops::restore_image::ArchivedImage;
use crate::ops::restore_user::{RestorePlan, Restored};

#[derive(Debug, Clone)]
pub struct RestoreModal {
    pub user: String,
    pub tag: String,
    /// Once planned: exactly what the confirmation sends.
    pub plan: Option<RestorePlan>,
    /// Once done: the digests before and after.
    pub restored: Option<Restored>,
    /// The tag's image is in ECR archive (or being restored): nothing can be confirmed;
    /// `t` restores it.
    pub archived: Option<ArchivedImage>,
}

impl RestoreModal {
    pub fn new(user: &str, tag: &str) -> Self {
        Self {
            user: user.to_string(),
            tag: tag.to_string(),
            plan: None,
            restored: None,
            archived: None,
        }
    }

    /// Why the tag cannot be restored to while its image is archived.
    pub fn archived_refusal(&self) -> Option<String> {
        let a = self.archived.as_ref()?;
        Some(format!(
            "✗ {}:{} is {} — restore first (minutes): t restores it \
             (UpdateImageStorageClass), then point the resume tag at it",
            a.repository,
            a.reference,
            if a.status == crate::model::ImageStatus::Activating {
                "being restored from ECR archive"
            } else {
                "archived"
            }
        ))
    }

    pub fn title(&self) -> String {
        format!("Restore {} to {}", self.user, self.tag)
    }
}
