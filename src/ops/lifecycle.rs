//! Put a suggested lifecycle policy on a repository: the plan is the suggestion for the
//! repository's users (one rule per user keeping the newest N snapshot tags, or archiving
//! those unpulled for D days and expiring them after E days in archive) with the
//! preview of what it would expire and the warnings; `execute` puts it (PutLifecyclePolicy)
//! through the `Mutator` (read-only refusal, audit line).

use chrono::{DateTime, Utc};

use super::guard::Mutator;
use crate::analysis::lifecycle_report::LifecycleReport;
use crate::analysis::lifecycle_suggest::{ArchiveAges, Suggestion, suggest_with};
use crate::aws::AwsClients;
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::load::load_lifecycle;

/// The suggested policy for one repository, with its preview.
#[derive(Debug, Clone)]
pub struct LifecyclePlan {
    pub repository: String,
    pub suggestion: Suggestion,
    /// The text `execute` puts.
    pub policy_text: String,
    /// The policy in place now, if any (it is replaced).
    pub current_policy: Option<String>,
    /// The suggested policy judged over the repository's images now.
    pub preview: LifecycleReport,
}

impl LifecyclePlan {
    /// The policy in place is already this one.
    pub fn is_noop(&self) -> bool {
        let parse = |t: &str| serde_json::from_str::<serde_json::Value>(t).ok();
        self.current_policy
            .as_deref()
            .is_some_and(|c| parse(c).is_some() && parse(c) == parse(&self.policy_text))
    }
}

/// Reads only: the repository's images, policy, what is in use and the rollback targets.
pub async fn plan(
    aws: &AwsClients,
    settings: &Settings,
    repository: &str,
    keep: usize,
    archive: Option<ArchiveAges>,
    now: DateTime<Utc>,
) -> Result<LifecyclePlan> {
    let keep = u32::try_from(keep).ok().filter(|k| *k > 0).ok_or_else(|| {
        Error::Usage(format!(
            "--keep {keep}: ECR's imageCountMoreThan needs a count from 1 up"
        ))
    })?;
    let state = load_lifecycle(aws, settings, Some(repository)).await?;
    let repo = state
        .repositories
        .first()
        .ok_or_else(|| Error::Usage(format!("repository {repository}: nothing was read")))?;
    let suggestion = suggest_with(
        &repo.images,
        &settings.tag_pattern,
        &settings.resume_tag,
        keep,
        archive,
    );
    let policy_text = suggestion.policy_text();
    let preview = state.preview(settings, repository, &policy_text, now);
    Ok(LifecyclePlan {
        repository: repository.to_string(),
        current_policy: repo.policy.as_ref().map(|p| p.text.clone()),
        suggestion,
        policy_text,
        preview,
    })
}

/// Puts the plan's policy. Refused (nothing sent) in read-only mode, and when the
/// suggestion has no user rule (an empty policy would be rejected by ECR and do nothing).
pub async fn execute(mutator: &Mutator, plan: &LifecyclePlan) -> Result<()> {
    if plan.suggestion.rules.is_empty() {
        return Err(Error::Usage(format!(
            "repository {}: no user tags to write rules for; nothing was put",
            plan.repository
        )));
    }
    mutator
        .put_lifecycle_policy(&plan.repository, &plan.policy_text)
        .await
}
