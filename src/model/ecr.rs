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
