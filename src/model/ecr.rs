//! ECR: repositories and the images in them.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Repository {
    pub name: String,
    pub arn: String,
    pub uri: String,
}

/// One image (one digest) with all the tags that point at it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Image {
    pub repository: String,
    pub digest: String,
    pub tags: Vec<String>,
    pub pushed_at: Option<DateTime<Utc>>,
    /// Compressed size as ECR reports it (`imageSizeInBytes`).
    pub size_bytes: i64,
}

/// Whether an image a task definition names still exists (ECR `BatchGetImage`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImagePresence {
    /// ECR has it.
    Exists,
    /// ECR answered that it is gone (the failure it gave).
    Deleted(String),
    /// Not an ECR image (Docker Hub, another registry): ecsnap cannot check it.
    NotEcr,
    /// In ECR, but the check could not be made (why).
    Unchecked(String),
}

impl Default for ImagePresence {
    fn default() -> Self {
        ImagePresence::Unchecked("not checked".into())
    }
}

/// What BatchGetImage said about one image reference (a tag or a digest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageLookup {
    Found,
    /// `ImageNotFound`, `ImageTagDoesNotMatchDigest`, or the repository is gone.
    NotFound(String),
    /// Any other failure code (with its reason).
    Failed(String),
}
