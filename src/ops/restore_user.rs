//! Restore a user to an older snapshot tag: point the user's resume tag (`{user}-latest`
//! by default) at the older image with PutImage of its manifest, so the next session
//! resumes from it. The plan shows the digest before and after, and says when the resume
//! tag already points there (nothing is asked or sent then).

use super::guard::Mutator;
use crate::aws::AwsClients;
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::load::close_names;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestorePlan {
    pub repository: String,
    pub user: String,
    /// The snapshot tag to restore.
    pub tag: String,
    pub resume_tag: String,
    /// The digest `tag` points at: what the resume tag will point at.
    pub digest: String,
    /// What the resume tag points at now (`None`: it does not exist yet).
    pub before_digest: Option<String>,
}

impl RestorePlan {
    /// The resume tag already points at the image.
    pub fn is_noop(&self) -> bool {
        self.before_digest.as_deref() == Some(self.digest.as_str())
    }

    /// What to say instead of asking when the resume tag already points at the image:
    /// `alice-latest already points at alice-20261120T0815; nothing to do`.
    pub fn nothing_to_do(&self) -> Option<String> {
        self.is_noop().then(|| {
            format!(
                "{} already points at {}; nothing to do",
                self.resume_tag, self.tag
            )
        })
    }

    pub fn summary(&self) -> String {
        format!(
            "point {}:{} at {} ({}): {} -> {}",
            self.repository,
            self.resume_tag,
            self.tag,
            self.user,
            self.before_digest.as_deref().unwrap_or("(no such tag yet)"),
            self.digest
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    pub before_digest: Option<String>,
    pub after_digest: String,
}

pub async fn plan(
    aws: &AwsClients,
    settings: &Settings,
    repository: &str,
    user: &str,
    tag: &str,
) -> Result<RestorePlan> {
    let repos = aws.ecr.list_repositories().await?;
    if !repos.iter().any(|r| r.name == repository) {
        return Err(Error::NotFound {
            kind: "repository",
            name: repository.to_string(),
            scope: Some(aws.region.clone()),
            close: close_names(repository, repos.iter().map(|r| r.name.as_str())),
        });
    }
    if let Some((owner, _)) = settings.tag_pattern.parse(tag)
        && owner != user
    {
        return Err(Error::Usage(format!(
            "tag {tag} is a snapshot of user {owner}, not {user}; restoring it for {user} \
             would hand {user} someone else's state"
        )));
    }
    let resume_tag = settings.resume_tag_for(user);
    if tag == resume_tag {
        return Err(Error::Usage(format!(
            "{tag} is the resume tag itself; pass an older snapshot tag of {user}"
        )));
    }
    let images = aws.ecr.list_images(repository).await?;
    let Some(image) = images.iter().find(|i| i.tags.iter().any(|t| t == tag)) else {
        let users_tags: Vec<&str> = images
            .iter()
            .flat_map(|i| i.tags.iter().map(String::as_str))
            .filter(|t| t.starts_with(user))
            .collect();
        return Err(Error::NotFound {
            kind: "tag",
            name: tag.to_string(),
            scope: Some(format!("repository {repository}")),
            close: close_names(tag, users_tags),
        });
    };
    if image.status.is_unpullable() {
        return Err(super::restore_image::archived_refusal(
            repository,
            tag,
            &image.status,
        ));
    }
    let before_digest = images
        .iter()
        .find(|i| i.tags.contains(&resume_tag))
        .map(|i| i.digest.clone());
    Ok(RestorePlan {
        repository: repository.to_string(),
        user: user.to_string(),
        tag: tag.to_string(),
        resume_tag,
        digest: image.digest.clone(),
        before_digest,
    })
}

pub async fn execute(mutator: &Mutator, plan: &RestorePlan) -> Result<Restored> {
    let replaced = match &plan.before_digest {
        Some(d) => format!("{}:{} -> {d}", plan.repository, plan.resume_tag),
        None => format!("nothing: {} did not exist", plan.resume_tag),
    };
    let after = mutator
        .retag_replacing(
            &plan.repository,
            &plan.digest,
            &plan.resume_tag,
            Some(&replaced),
        )
        .await?;
    Ok(Restored {
        before_digest: plan.before_digest.clone(),
        after_digest: after,
    })
}
