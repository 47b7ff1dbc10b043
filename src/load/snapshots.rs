//! Per-user snapshot tags across ECR repositories, with the in-use marker and each
//! user's resume tag.

use futures::{StreamExt, TryStreamExt, stream};

use super::ecs::load_in_use;
use super::names::close_names;
use crate::analysis::tags::{UserTags, attach_resume_tags, group_by_user};
use crate::aws::{AwsClients, MAX_CONCURRENCY};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::model::Image;

/// Tags grouped by repository and user, newest first; optionally one repository / user.
pub async fn load_snapshot_groups(
    aws: &AwsClients,
    settings: &Settings,
    repository: Option<&str>,
    user: Option<&str>,
) -> Result<Vec<UserTags>> {
    let names = repository_names(aws, repository).await?;
    let images = images_in(aws, &names);
    let (images, in_use) = futures::try_join!(images, load_in_use(aws))?;
    let mut groups = attach_resume_tags(
        group_by_user(&images, &settings.tag_pattern, &in_use),
        &settings.resume_tag,
    );
    if let Some(wanted) = user {
        let known: Vec<String> = groups.iter().filter_map(|g| g.user.clone()).collect();
        groups.retain(|g| g.user.as_deref() == Some(wanted));
        if groups.is_empty() {
            return Err(Error::NotFound {
                kind: "user",
                name: wanted.to_string(),
                scope: repository.map(|r| format!("repository {r}")),
                close: close_names(wanted, known.iter().map(String::as_str)),
            });
        }
    }
    Ok(groups)
}

/// Every image of every repository.
/// The repositories to read: the one asked for (an error naming close names when it does
/// not exist), else every repository of the registry.
pub async fn repository_names(aws: &AwsClients, repository: Option<&str>) -> Result<Vec<String>> {
    let repos = aws.ecr.list_repositories().await?;
    match repository {
        Some(wanted) if !repos.iter().any(|r| r.name == wanted) => Err(Error::NotFound {
            kind: "repository",
            name: wanted.to_string(),
            scope: Some(aws.region.clone()),
            close: close_names(wanted, repos.iter().map(|r| r.name.as_str())),
        }),
        Some(wanted) => Ok(vec![wanted.to_string()]),
        None => Ok(repos.into_iter().map(|r| r.name).collect()),
    }
}

pub async fn load_all_images(aws: &AwsClients) -> Result<Vec<Image>> {
    let repos = aws.ecr.list_repositories().await?;
    let names: Vec<String> = repos.into_iter().map(|r| r.name).collect();
    images_in(aws, &names).await
}

/// Every image of the named repositories, up to `MAX_CONCURRENCY` repositories at once.
pub(super) async fn images_in(aws: &AwsClients, repositories: &[String]) -> Result<Vec<Image>> {
    let per: Vec<Vec<Image>> = stream::iter(repositories.iter().cloned())
        // Owned items: borrowed ones make the future not provably Send once spawned (rust#64552).
        .map(|n| async move { aws.ecr.list_images(&n).await })
        .buffer_unordered(MAX_CONCURRENCY)
        .try_collect()
        .await?;
    Ok(per.into_iter().flatten().collect())
}
