//! ECR actions: point a tag at an existing image (BatchGetImage + PutImage of its
//! manifest), delete images by digest (BatchDeleteImage, at most 100 per call) and put a
//! repository's lifecycle policy (PutLifecyclePolicy). Only `ops::guard::Mutator` calls
//! these.

use async_trait::async_trait;
use aws_sdk_ecr::Client;
use aws_sdk_ecr::types::{ImageIdentifier, TargetStorageClass};

use super::answer::{Attempts, answer_lost};
use super::api::{DeleteOutcome, EcrOps};
use super::classify::CallContext;
use crate::error::Result;
use crate::model::ImageStatus;

/// BatchDeleteImage takes at most 100 image ids per call.
pub const BATCH_DELETE_IMAGE_MAX: usize = 100;

/// Every manifest type ECR stores, so BatchGetImage answers with the manifest as pushed.
const MANIFEST_TYPES: [&str; 5] = [
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
];

pub struct EcrOpsAdapter {
    client: Client,
    ctx: CallContext,
}

impl EcrOpsAdapter {
    pub fn new(client: Client, ctx: CallContext) -> Self {
        Self { client, ctx }
    }
}

#[async_trait]
impl EcrOps for EcrOpsAdapter {
    async fn retag(&self, repository: &str, digest: &str, tag: &str) -> Result<String> {
        let mut get = self
            .client
            .batch_get_image()
            .repository_name(repository)
            .image_ids(ImageIdentifier::builder().image_digest(digest).build());
        for t in MANIFEST_TYPES {
            get = get.accepted_media_types(t);
        }
        let got = get
            .send()
            .await
            .map_err(self.ctx.err("ecr:BatchGetImage"))?;
        let Some(image) = got.images().first() else {
            let why = got
                .failures()
                .first()
                .and_then(|f| f.failure_reason())
                .unwrap_or("no image returned");
            return Err(self
                .ctx
                .odd_answer("ecr:BatchGetImage", format!("{repository}@{digest}: {why}"))
                .into());
        };
        let Some(manifest) = image.image_manifest() else {
            return Err(self
                .ctx
                .odd_answer(
                    "ecr:BatchGetImage",
                    format!("{repository}@{digest}: no manifest returned"),
                )
                .into());
        };
        let put = self
            .client
            .put_image()
            .repository_name(repository)
            .image_manifest(manifest)
            .set_image_manifest_media_type(image.image_manifest_media_type().map(str::to_string))
            .image_tag(tag)
            .send()
            .await;
        match put {
            Ok(out) => Ok(out
                .image()
                .and_then(|i| i.image_id())
                .and_then(|i| i.image_digest())
                .unwrap_or(digest)
                .to_string()),
            // The tag already points at this very image: nothing to change.
            Err(e)
                if e.as_service_error()
                    .is_some_and(aws_sdk_ecr::operation::put_image::PutImageError::is_image_already_exists_exception) =>
            {
                Ok(digest.to_string())
            }
            Err(e) => Err(self.ctx.err("ecr:PutImage")(e).into()),
        }
    }

    async fn delete_images(
        &self,
        repository: &str,
        digests: &[String],
    ) -> Vec<(String, DeleteOutcome)> {
        let mut results = Vec::with_capacity(digests.len());
        let mut stopped: Option<String> = None;
        for chunk in digests.chunks(BATCH_DELETE_IMAGE_MAX) {
            if let Some(why) = &stopped {
                results.extend(
                    chunk
                        .iter()
                        .map(|d| (d.clone(), DeleteOutcome::NotAttempted(why.clone()))),
                );
                continue;
            }
            let ids: Vec<ImageIdentifier> = chunk
                .iter()
                .map(|d| ImageIdentifier::builder().image_digest(d).build())
                .collect();
            let attempts = Attempts::default();
            match self
                .client
                .batch_delete_image()
                .repository_name(repository)
                .set_image_ids(Some(ids))
                .customize()
                .interceptor(attempts.clone())
                .send()
                .await
            {
                Ok(out) => {
                    for d in chunk {
                        let failure = out
                            .failures()
                            .iter()
                            .find(|f| f.image_id().and_then(|i| i.image_digest()) == Some(d));
                        let deleted = out
                            .image_ids()
                            .iter()
                            .any(|i| i.image_digest() == Some(d.as_str()));
                        let code = failure
                            .and_then(|f| f.failure_code())
                            .map(aws_sdk_ecr::types::ImageFailureCode::as_str);
                        let outcome = match failure {
                            Some(_) if code == Some("ImageNotFound") => DeleteOutcome::Gone {
                                code: "ImageNotFound".into(),
                                retried: attempts.count() > 1,
                            },
                            Some(f) => DeleteOutcome::Failed(format!(
                                "{}: {}",
                                f.failure_code().map_or("Failed", |c| c.as_str()),
                                f.failure_reason().unwrap_or_default()
                            )),
                            None if deleted => DeleteOutcome::Done,
                            None => DeleteOutcome::Failed(
                                "ecr:BatchDeleteImage neither deleted it nor said why".into(),
                            ),
                        };
                        results.push((d.clone(), outcome));
                    }
                }
                Err(e) => {
                    let aws = self.ctx.err("ecr:BatchDeleteImage")(e);
                    let lost = answer_lost(&aws);
                    let err = aws.to_string();
                    results.extend(chunk.iter().map(|d| {
                        let outcome = if lost {
                            DeleteOutcome::Unanswered(err.clone())
                        } else {
                            DeleteOutcome::Failed(err.clone())
                        };
                        (d.clone(), outcome)
                    }));
                    stopped = Some(format!("stopped after an earlier batch failed: {err}"));
                }
            }
        }
        results
    }

    async fn images_present(&self, repository: &str, digests: &[String]) -> Result<Vec<String>> {
        let mut present = Vec::new();
        for chunk in digests.chunks(BATCH_DELETE_IMAGE_MAX) {
            let ids: Vec<ImageIdentifier> = chunk
                .iter()
                .map(|d| ImageIdentifier::builder().image_digest(d).build())
                .collect();
            let out = self
                .client
                .batch_get_image()
                .repository_name(repository)
                .set_image_ids(Some(ids))
                .send()
                .await
                .map_err(self.ctx.err("ecr:BatchGetImage"))?;
            for d in chunk {
                let found = out
                    .images()
                    .iter()
                    .any(|i| i.image_id().and_then(|i| i.image_digest()) == Some(d.as_str()));
                let missing = out.failures().iter().any(|f| {
                    f.image_id().and_then(|i| i.image_digest()) == Some(d.as_str())
                        && f.failure_code()
                            .map(aws_sdk_ecr::types::ImageFailureCode::as_str)
                            == Some("ImageNotFound")
                });
                if found {
                    present.push(d.clone());
                } else if !missing {
                    return Err(self
                        .ctx
                        .odd_answer(
                            "ecr:BatchGetImage",
                            format!("{repository}@{d}: neither returned nor said to be missing"),
                        )
                        .into());
                }
            }
        }
        Ok(present)
    }

    async fn put_lifecycle_policy(&self, repository: &str, policy_text: &str) -> Result<()> {
        self.client
            .put_lifecycle_policy()
            .repository_name(repository)
            .lifecycle_policy_text(policy_text)
            .send()
            .await
            .map_err(self.ctx.err("ecr:PutLifecyclePolicy"))?;
        Ok(())
    }

    async fn restore_image(&self, repository: &str, digest: &str) -> Result<ImageStatus> {
        let out = self
            .client
            .update_image_storage_class()
            .repository_name(repository)
            .image_id(ImageIdentifier::builder().image_digest(digest).build())
            .target_storage_class(TargetStorageClass::Standard)
            .send()
            .await
            .map_err(self.ctx.err("ecr:UpdateImageStorageClass"))?;
        Ok(out
            .image_status()
            .map(|s| ImageStatus::from(s.as_str()))
            .unwrap_or_default())
    }
}
