//! What judging a repository's lifecycle policy needs: the policy (GetLifecyclePolicy;
//! none is a state), the repository's images, what is in use and the rollback targets.
//! Used by `ecsnap lifecycle`, its `--suggest` plan and the console's Snapshots pane.

use chrono::{DateTime, Utc};
use futures::{StreamExt, TryStreamExt, stream};

use super::ecs::load_in_use;
use super::rollback_targets::load_rollback_targets;
use super::snapshots::repository_names;
use crate::analysis::in_use::InUse;
use crate::analysis::keep::KeptImages;
use crate::analysis::lifecycle_report::{LifecycleReport, Safety, judge};
use crate::aws::{AwsClients, MAX_CONCURRENCY};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::model::{Image, LifecyclePolicy};

/// One repository's policy and images.
#[derive(Debug, Clone)]
pub struct RepositoryLifecycle {
    pub repository: String,
    pub policy: Option<LifecyclePolicy>,
    pub images: Vec<Image>,
}

/// Everything a lifecycle report is judged from.
#[derive(Debug, Clone)]
pub struct LifecycleState {
    pub repositories: Vec<RepositoryLifecycle>,
    pub in_use: InUse,
    pub kept: KeptImages,
}

impl LifecycleState {
    /// The safety rules from the settings and this state.
    pub fn safety<'a>(&'a self, settings: &'a Settings) -> Safety<'a> {
        Safety {
            pattern: &settings.tag_pattern,
            resume_tag: &settings.resume_tag,
            keep_newest: settings.keep_newest,
            in_use: &self.in_use,
            kept: &self.kept,
        }
    }

    /// Each repository's policy judged at `now`.
    pub fn reports(&self, settings: &Settings, now: DateTime<Utc>) -> Vec<LifecycleReport> {
        let safety = self.safety(settings);
        self.repositories
            .iter()
            .map(|r| {
                judge(
                    &r.repository,
                    r.policy.as_ref().map(|p| p.text.as_str()),
                    &r.images,
                    &safety,
                    now,
                )
            })
            .collect()
    }

    /// `policy_text` (not the one in place) judged over `repository`'s images: the
    /// preview of a policy before it is put.
    pub fn preview(
        &self,
        settings: &Settings,
        repository: &str,
        policy_text: &str,
        now: DateTime<Utc>,
    ) -> LifecycleReport {
        let images = self
            .repositories
            .iter()
            .find(|r| r.repository == repository)
            .map_or(&[][..], |r| r.images.as_slice());
        judge(
            repository,
            Some(policy_text),
            images,
            &self.safety(settings),
            now,
        )
    }
}

/// The lifecycle state of one repository (`Some`, unknown names are an error with close
/// matches) or of every repository.
pub async fn load_lifecycle(
    aws: &AwsClients,
    settings: &Settings,
    repository: Option<&str>,
) -> Result<LifecycleState> {
    let names = repository_names(aws, repository).await?;
    let per_repo = stream::iter(names)
        .map(|name| async move {
            let (policy, images) = futures::try_join!(
                aws.ecr.get_lifecycle_policy(&name),
                aws.ecr.list_images(&name)
            )?;
            Ok::<_, Error>(RepositoryLifecycle {
                repository: name,
                policy,
                images,
            })
        })
        .buffered(MAX_CONCURRENCY)
        .try_collect::<Vec<_>>();
    let (repositories, in_use, kept) = futures::try_join!(
        per_repo,
        load_in_use(aws),
        load_rollback_targets(aws, settings.keep_revisions)
    )?;
    Ok(LifecycleState {
        repositories,
        in_use,
        kept,
    })
}
