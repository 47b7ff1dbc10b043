//! ECR: repositories and the images in them.

use chrono::{DateTime, Utc};

use super::state::ImageStatus;

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
    /// Compressed size as ECR reports it (`imageSizeInBytes`; for an image index, the
    /// largest of its manifests).
    pub size_bytes: i64,
    /// The manifest's media type (`imageManifestMediaType`), when ECR says.
    pub media_type: Option<String>,
    /// The artifact's media type (`artifactMediaType`: a signature, an SBOM, a SOCI index).
    pub artifact_media_type: Option<String>,
    /// For a referrer: the digest of the manifest it refers to (`subjectManifestDigest`).
    pub subject: Option<String>,
    /// Standard, archived or being restored (`imageStatus`).
    pub status: ImageStatus,
    /// When ECR last recorded a pull (`lastRecordedPullTime`, refreshed at least daily).
    pub last_pulled_at: Option<DateTime<Utc>>,
    /// When it last went to ECR archive (`lastArchivedAt`).
    pub last_archived_at: Option<DateTime<Utc>>,
    /// When it was last restored from archive (`lastActivatedAt`).
    pub last_activated_at: Option<DateTime<Utc>>,
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

/// A repository's lifecycle policy as ECR stores it (GetLifecyclePolicy): the JSON text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LifecyclePolicy {
    pub repository: String,
    /// The policy JSON, as put.
    pub text: String,
    /// When ECR last ran the policy, if it says.
    pub last_evaluated_at: Option<DateTime<Utc>>,
}
