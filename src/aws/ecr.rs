//! ECR adapter: repositories, images with tags/digest/size/push time, manifests on demand.

use async_trait::async_trait;
use aws_sdk_ecr::Client;
use aws_sdk_ecr::types::ImageIdentifier;

use super::convert::{text, time};
use super::{CallContext, EcrApi};
use crate::error::Result;
use crate::model::{Image, LifecyclePolicy, Repository};

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
        Ok(repos
            .iter()
            .map(|r| Repository {
                name: text(r.repository_name()),
                arn: text(r.repository_arn()),
                uri: text(r.repository_uri()),
            })
            .collect())
    }

    async fn list_images(&self, repository: &str) -> Result<Vec<Image>> {
        let details: Vec<aws_sdk_ecr::types::ImageDetail> = self
            .client
            .describe_images()
            .repository_name(repository)
            .max_results(1000)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(self.ctx.err("ecr:DescribeImages"))?;
        Ok(details
            .iter()
            .map(|d| Image {
                repository: d.repository_name().unwrap_or(repository).to_string(),
                digest: text(d.image_digest()),
                tags: d.image_tags().to_vec(),
                pushed_at: time(d.image_pushed_at()),
                size_bytes: d.image_size_in_bytes().unwrap_or_default(),
            })
            .collect())
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
