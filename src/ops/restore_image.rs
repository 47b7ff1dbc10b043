//! Restore an archived ECR image (UpdateImageStorageClass to STANDARD): an image in ECR
//! archive cannot be pulled — a task starting from it fails — until it is restored, which
//! takes minutes. A resume-tag restore, an image-tag rollback or a revision rollback to
//! an archived image is refused with this restore offered (`archived_refusal`).
//!
//! `plan` (reads only) finds the tag and refuses one that is already pullable; `execute`
//! sends the one request through the `Mutator` (read-only refusal, audit line);
//! `wait_pullable` polls until ECR says ACTIVE, reporting each answer.

use std::time::Duration;

use super::guard::Mutator;
use super::wait::Clock;
use crate::aws::AwsClients;
use crate::error::{Error, Result};
use crate::model::{Image, ImageStatus};

#[derive(Debug, Clone, PartialEq)]
pub struct RestoreImagePlan {
    pub repository: String,
    pub tag: String,
    pub digest: String,
    /// `ARCHIVED`, or `ACTIVATING` (a restore already running: nothing is sent).
    pub status: ImageStatus,
    pub size_bytes: i64,
}

impl RestoreImagePlan {
    pub fn summary(&self) -> String {
        if self.already_restoring() {
            return format!(
                "{}:{} ({}) is already being restored from ECR archive; nothing to send, \
                 only to wait until it can be pulled",
                self.repository, self.tag, self.digest
            );
        }
        format!(
            "restore {}:{} ({}, {} bytes) from ECR archive to standard \
             (UpdateImageStorageClass); it can be pulled again once ECR reports it ACTIVE, \
             usually within minutes. ECR bills archived and standard storage alike per GB \
             below a large threshold: archiving was not a saving to lose",
            self.repository, self.tag, self.digest, self.size_bytes
        )
    }

    pub fn already_restoring(&self) -> bool {
        self.status == ImageStatus::Activating
    }
}

/// Why a task cannot start from `image` (`repository:tag`), and the restore that fixes it.
pub fn archived_refusal(repository: &str, tag: &str, status: &ImageStatus) -> Error {
    let state = if *status == ImageStatus::Activating {
        "being restored from ECR archive"
    } else {
        "in ECR archive"
    };
    Error::Refused(format!(
        "{repository}:{tag} is {state}: a task cannot pull it until it is restored (minutes). \
         Restore it first: `ecsnap restore-image --repository {repository} --tag {tag} --wait`. \
         Nothing was sent"
    ))
}

/// An image a rollback or a resume-tag restore would start tasks from, found archived (or
/// being restored): the picker marks it and offers its restore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedImage {
    pub repository: String,
    /// The tag, or the digest where the target names the image by digest (or its tag was
    /// pushed again since): what the restore looks up.
    pub reference: String,
    pub status: ImageStatus,
}

impl ArchivedImage {
    /// The refusal a rollback to it gets, with the restore offered.
    pub fn refusal(&self) -> Error {
        archived_refusal(&self.repository, &self.reference, &self.status)
    }
}

/// The image `reference` (a tag or a digest) names in `repository`, from the listing.
fn tagged<'a>(images: &'a [Image], reference: &str) -> Option<&'a Image> {
    images
        .iter()
        .find(|i| i.digest == reference || i.tags.iter().any(|t| t == reference))
}

/// The plan for restoring `repository:tag` (`tag` may also be the image's digest). Reads
/// only.
pub async fn plan(aws: &AwsClients, repository: &str, tag: &str) -> Result<RestoreImagePlan> {
    let images = aws.ecr.list_images(repository).await?;
    let image = tagged(&images, tag)
        .ok_or_else(|| super::not_found("tag", tag, format!("repository {repository}")))?;
    if !image.status.is_unpullable() {
        return Err(Error::Refused(format!(
            "cannot restore {repository}:{tag}: it is in the {} storage class, not archived; \
             it can be pulled now. Nothing was sent",
            image.status.storage_class()
        )));
    }
    // By digest: named by its first tag when it has one.
    let tag = if image.digest == tag {
        image.tags.first().map_or(tag, String::as_str)
    } else {
        tag
    };
    Ok(RestoreImagePlan {
        repository: repository.to_string(),
        tag: tag.to_string(),
        digest: image.digest.clone(),
        status: image.status.clone(),
        size_bytes: image.size_bytes,
    })
}

/// Sends the restore (nothing when one is already running); ECR's answer.
pub async fn execute(mutator: &Mutator, plan: &RestoreImagePlan) -> Result<ImageStatus> {
    if plan.already_restoring() {
        return Ok(plan.status.clone());
    }
    mutator.restore_image(&plan.repository, &plan.digest).await
}

/// Polls the tag's storage class every `interval` until ECR reports it pullable, for at
/// most `timeout`; `progress` hears each status read. `Error::TimedOut` when it is not.
pub async fn wait_pullable(
    aws: &AwsClients,
    plan: &RestoreImagePlan,
    clock: &dyn Clock,
    interval: Duration,
    timeout: Duration,
    progress: &mut (dyn FnMut(&ImageStatus) + Send),
) -> Result<ImageStatus> {
    let started = clock.elapsed();
    loop {
        let images = aws.ecr.list_images(&plan.repository).await?;
        let status = images
            .iter()
            .find(|i| i.digest == plan.digest)
            .map(|i| i.status.clone())
            .unwrap_or_default();
        progress(&status);
        if !status.is_unpullable() {
            return Ok(status);
        }
        if clock.elapsed().saturating_sub(started) >= timeout {
            return Err(Error::TimedOut(format!(
                "{}:{} still reads {} after {}s; the restore goes on — check again with \
                 `ecsnap snapshots --repository {}`",
                plan.repository,
                plan.tag,
                status.storage_class(),
                timeout.as_secs(),
                plan.repository
            )));
        }
        clock.sleep(interval).await;
    }
}
