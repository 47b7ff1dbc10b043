//! ECR adapter: repositories, images with tags/digest/size/push time, manifests on demand.

use async_trait::async_trait;
use aws_sdk_ecr::Client;
use aws_sdk_ecr::types::{DescribeImagesFilter, ImageIdentifier, ImageStatusFilter};

use super::api::{EcrApi, in_batches};
use super::classify::CallContext;
use super::convert::{text, time};
use crate::error::{AwsErrorKind, Error, Result};
use crate::model::{Image, ImageLookup, ImageStatus, LifecyclePolicy, Repository};

/// BatchGetImage takes at most 100 image ids per call.
pub const BATCH_GET_IMAGE_MAX: usize = 100;

pub struct EcrAdapter {
    client: Client,
    ctx: CallContext,
}

impl EcrAdapter {
    pub fn new(client: Client, ctx: CallContext) -> Self {
        Self { client, ctx }
    }
}

#[async_trait]
impl EcrApi for EcrAdapter {
    async fn list_repositories(&self) -> Result<Vec<Repository>> {
        let repos: Vec<aws_sdk_ecr::types::Repository> = self
            .client
            .describe_repositories()
            .max_results(1000)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(self.ctx.err("ecr:DescribeRepositories"))?;
        Ok(repos.iter().map(repository).collect())
    }

    async fn list_images(&self, repository: &str) -> Result<Vec<Image>> {
        let details: Vec<aws_sdk_ecr::types::ImageDetail> = self
            .client
            .describe_images()
            .repository_name(repository)
            // Without a filter ECR lists only ACTIVE images: archived and restoring ones too.
            .filter(
                DescribeImagesFilter::builder()
                    .image_status(ImageStatusFilter::Any)
                    .build(),
            )
            .max_results(1000)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(self.ctx.err("ecr:DescribeImages"))?;
        Ok(details.iter().map(|d| image(repository, d)).collect())
    }

    async fn get_manifest(&self, repository: &str, digest: &str) -> Result<Option<String>> {
        let out = self
            .client
            .batch_get_image()
            .repository_name(repository)
            .image_ids(ImageIdentifier::builder().image_digest(digest).build())
            .send()
            .await
            .map_err(self.ctx.err("ecr:BatchGetImage"))?;
        Ok(out
            .images()
            .first()
            .and_then(|i| i.image_manifest())
            .map(str::to_string))
    }

    async fn look_up_images(
        &self,
        registry_id: Option<&str>,
        repository: &str,
        refs: &[String],
    ) -> Result<Vec<(String, ImageLookup)>> {
        let answer = in_batches(refs, BATCH_GET_IMAGE_MAX, |chunk| async move {
            let ids: Vec<ImageIdentifier> = chunk.iter().map(|r| image_id(r)).collect();
            let out = self
                .client
                .batch_get_image()
                .set_registry_id(registry_id.map(str::to_string))
                .repository_name(repository)
                .set_image_ids(Some(ids))
                .send()
                .await
                .map_err(self.ctx.err("ecr:BatchGetImage"))?;
            let matches = |id: Option<&ImageIdentifier>, r: &str| {
                id.is_some_and(|id| id.image_tag() == Some(r) || id.image_digest() == Some(r))
            };
            // Failures that name none of the references asked (an emulator may echo the id
            // differently): a reference without an answer of its own is then unknown.
            let stray = out
                .failures()
                .iter()
                .filter(|f| !chunk.iter().any(|r| matches(f.image_id(), r)))
                .count();
            Ok(chunk
                .iter()
                .map(|r| {
                    let found = out.images().iter().any(|i| matches(i.image_id(), r));
                    let failure = out.failures().iter().find(|f| matches(f.image_id(), r));
                    let lookup = match (found, failure) {
                        (true, _) => ImageLookup::Found,
                        (false, None) if stray == 0 => ImageLookup::Found,
                        (false, None) => ImageLookup::Failed(
                            "BatchGetImage answered failures for other ids".into(),
                        ),
                        (false, Some(f)) => {
                            let code = f.failure_code().map_or("", |c| c.as_str());
                            let why = format!(
                                "{code}: {}",
                                f.failure_reason().unwrap_or("no reason given")
                            );
                            match code {
                                "ImageNotFound"
                                | "ImageTagDoesNotMatchDigest"
                                | "MissingDigestAndTag" => ImageLookup::NotFound(why),
                                _ => ImageLookup::Failed(why),
                            }
                        }
                    };
                    (r.clone(), lookup)
                })
                .collect())
        })
        .await;
        match answer {
            Err(Error::Aws(a)) if a.kind == AwsErrorKind::NotFound => Ok(refs
                .iter()
                .map(|r| {
                    (
                        r.clone(),
                        ImageLookup::NotFound(format!("repository {repository} does not exist")),
                    )
                })
                .collect()),
            other => other,
        }
    }

    async fn get_lifecycle_policy(&self, repository: &str) -> Result<Option<LifecyclePolicy>> {
        use aws_sdk_ecr::operation::get_lifecycle_policy::GetLifecyclePolicyError;
        match self
            .client
            .get_lifecycle_policy()
            .repository_name(repository)
            .send()
            .await
        {
            Ok(out) => Ok(Some(LifecyclePolicy {
                repository: out.repository_name().unwrap_or(repository).to_string(),
                text: text(out.lifecycle_policy_text()),
                last_evaluated_at: time(out.last_evaluated_at()),
            })),
            // No policy is a state, not an error.
            Err(e)
                if e.as_service_error().is_some_and(
                    GetLifecyclePolicyError::is_lifecycle_policy_not_found_exception,
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(self.ctx.err("ecr:GetLifecyclePolicy")(e).into()),
        }
    }
}

fn repository(r: &aws_sdk_ecr::types::Repository) -> Repository {
    Repository {
        name: text(r.repository_name()),
        arn: text(r.repository_arn()),
        uri: text(r.repository_uri()),
    }
}

/// An image of `repository` as DescribeImages lists it.
fn image(repository: &str, d: &aws_sdk_ecr::types::ImageDetail) -> Image {
    Image {
        repository: d.repository_name().unwrap_or(repository).to_string(),
        digest: text(d.image_digest()),
        tags: d.image_tags().to_vec(),
        pushed_at: time(d.image_pushed_at()),
        size_bytes: d.image_size_in_bytes().unwrap_or_default(),
        media_type: d.image_manifest_media_type().map(str::to_string),
        artifact_media_type: d.artifact_media_type().map(str::to_string),
        subject: d.subject_manifest_digest().map(str::to_string),
        status: d
            .image_status()
            .map(|s| ImageStatus::from(s.as_str()))
            .unwrap_or_default(),
        last_pulled_at: time(d.last_recorded_pull_time()),
        last_archived_at: time(d.last_archived_at()),
        last_activated_at: time(d.last_activated_at()),
    }
}

/// A tag or a `sha256:` digest as BatchGetImage wants it.
fn image_id(reference: &str) -> ImageIdentifier {
    if reference.starts_with("sha256:") {
        ImageIdentifier::builder().image_digest(reference).build()
    } else {
        ImageIdentifier::builder().image_tag(reference).build()
    }
}
