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

/// A repository's lifecycle policy as ECR stores it (GetLifecyclePolicy): the JSON text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LifecyclePolicy {
    pub repository: String,
    /// The policy JSON, as put.
    pub text: String,
    /// When ECR last ran the policy, if it says.
    pub last_evaluated_at: Option<DateTime<Utc>>,
}
