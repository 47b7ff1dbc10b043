//! Rolling a service back to a service revision: ECS's record of what one deployment really
//! ran (DescribeServiceRevisions, 20 a call, of the revisions the service's deployment
//! history names). A revision brings back its task definition *and* its managed EBS
//! volume configuration in one UpdateService; where an image's tag was pushed again since
//! (the tag now points at another digest), the plan says so and, asked to, pins the digest
//! the revision ran through a new task-definition revision (`image@sha256:…`).
//!
//! Revisions older than 2024-10-25 are not described by ECS, and an endpoint or account
//! without these calls answers an error: the callers keep the task-definition picker and
//! say why (`why_unavailable`).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use futures::{StreamExt, stream};

use crate::analysis::diff::FieldChange;
use crate::analysis::in_use::parse_image_ref;
use crate::analysis::revision_diff::{
    MovedTag, RunsNow, diff_revision, moved_tags, short_digest, tag_key,
};
use crate::aws::{AwsClients, MAX_CONCURRENCY, ServiceChange};
use crate::error::{AwsErrorKind, Error, Result};
use crate::load::load_deployment_history;
use crate::model::{Image, RevisionVolume, Service, ServiceRevision, arn_name};
use crate::ops::restore_image::ArchivedImage;

/// One service revision the picker offers.
#[derive(Debug, Clone, PartialEq)]
pub struct RevisionChoice {
    pub revision: ServiceRevision,
    /// When the newest deployment that named it was created.
    pub deployed_at: Option<DateTime<Utc>>,
    /// The service runs what this revision ran (task definition and volume snapshots).
    pub current: bool,
    /// Containers whose tag now points at another digest than the one this revision ran.
    pub moved: Vec<MovedTag>,
    /// What changes going from what runs to this revision.
    pub changes: Vec<FieldChange>,
    /// The revision's volumes the service has, with the snapshot each starts from now.
    pub restores: Vec<VolumeRestore>,
    /// An image of it in ECR archive (or being restored): tasks could not pull it, so a
    /// rollback to it is refused until it is restored.
    pub archived: Option<ArchivedImage>,
}

impl RevisionChoice {
    /// The revision id (the ARN's last part), as the picker and the plan name it.
    pub fn id(&self) -> &str {
        arn_name(&self.revision.arn)
    }
}

/// Why the service revisions are not offered, in one line for beside the picker.
pub fn why_unavailable(e: &Error) -> String {
    match e {
        Error::Aws(a) if a.kind == AwsErrorKind::Unsupported => {
            "this endpoint has no service deployments or revisions (ECS added them on \
             2024-10-25)"
                .into()
        }
        Error::Aws(a) if a.kind == AwsErrorKind::AccessDenied => format!(
            "not allowed to read them ({}); task-definition revisions only",
            a.action
        ),
        other => other.to_string(),
    }
}

/// `offer_service_revisions` of the service `cluster/service` (described first).
pub async fn offer_for(
    aws: &AwsClients,
    cluster: &str,
    service: &str,
) -> Result<Vec<RevisionChoice>> {
    let s = super::find_service(aws, cluster, service).await?;
    offer_service_revisions(aws, &s).await
}

/// The service revisions of `s`'s deployment history, newest deployment first, each with
/// the diff against what runs and the tags pushed again since (ECR, one listing per
/// repository). An error when the history or the revisions cannot be read, or when ECS
/// described none (deployments before 2024-10-25).
pub async fn offer_service_revisions(aws: &AwsClients, s: &Service) -> Result<Vec<RevisionChoice>> {
    let history = load_deployment_history(aws, &s.cluster, &s.name, None).await?;
    let described = history.revisions?;
    let mut ordered: Vec<(ServiceRevision, Option<DateTime<Utc>>)> = Vec::new();
    for d in &history.deployments {
        for arn in d.revision_arns() {
            if ordered.iter().any(|(r, _)| r.arn == arn) {
                continue;
            }
            if let Some(r) = described.get(&arn) {
                ordered.push((r.clone(), d.when()));
            }
        }
    }
    if ordered.is_empty() {
        return Err(Error::Usage(format!(
            "{}/{} has no service revisions ECS describes (it records them for deployments \
             since 2024-10-25)",
            s.cluster, s.name
        )));
    }
    let listed = load_repo_images(aws, ordered.iter().map(|(r, _)| r)).await;
    let tag_digests = tag_digests(&listed);
    let running = crate::ops::running_task_definition(s);
    let current_at = ordered.iter().position(|(r, _)| runs_now(s, running, r));
    let now = RunsNow {
        task_definition: running,
        volumes: &s.volume_configurations,
        revision: current_at.and_then(|i| ordered.get(i)).map(|(r, _)| r),
    };
    Ok(ordered
        .iter()
        .enumerate()
        .map(|(i, (r, at))| RevisionChoice {
            current: Some(i) == current_at,
            moved: moved_tags(r, &tag_digests),
            changes: diff_revision(now, r, &tag_digests),
            restores: restores(s, r),
            archived: archived_in(r, &listed),
            deployed_at: *at,
            revision: r.clone(),
        })
        .collect())
}

/// The revision's volume configurations the service has, each with its snapshot now.
fn restores(s: &Service, r: &ServiceRevision) -> Vec<VolumeRestore> {
    r.volumes
        .iter()
        .filter_map(|v| {
            let now = s.volume_configurations.iter().find(|c| c.name == v.name)?;
            Some(VolumeRestore {
                volume: v.clone(),
                from_snapshot: now.snapshot_id.clone(),
            })
        })
        .collect()
}

/// Whether the service runs what `r` ran: its task definition and each volume's snapshot.
fn runs_now(s: &Service, running: &str, r: &ServiceRevision) -> bool {
    arn_name(&r.task_definition) == arn_name(running)
        && r.volumes.iter().all(|v| {
            s.volume_configurations
                .iter()
                .find(|c| c.name == v.name)
                .is_none_or(|c| c.snapshot_id == v.snapshot_id)
        })
}

/// The images of this region's ECR repositories the revisions name, by repository. A
/// repository that cannot be listed is left out (no tag of it is then said to have moved,
/// no image of it said archived).
async fn load_repo_images<'a>(
    aws: &AwsClients,
    revisions: impl Iterator<Item = &'a ServiceRevision>,
) -> BTreeMap<String, Vec<Image>> {
    let here = format!(".dkr.ecr.{}.", aws.region);
    let repos: BTreeSet<String> = revisions
        .flat_map(|r| r.images.iter())
        .filter_map(|i| {
            let r = parse_image_ref(&i.image);
            r.registry?.contains(&here).then_some(r.repository)
        })
        .collect();
    let listed: Vec<_> = stream::iter(repos)
        .map(|repo| async move { (aws.ecr.list_images(&repo).await, repo) })
        .buffer_unordered(MAX_CONCURRENCY)
        .collect()
        .await;
    let mut out = BTreeMap::new();
    for (images, repo) in listed {
        match images {
            Ok(images) => {
                out.insert(repo, images);
            }
            Err(e) => tracing::warn!("images of repository {repo} not read: {e}"),
        }
    }
    out
}

/// `repository:tag` → the digest the tag points at now.
fn tag_digests(listed: &BTreeMap<String, Vec<Image>>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (repo, images) in listed {
        for i in images {
            for t in &i.tags {
                out.insert(tag_key(repo, t), i.digest.clone());
            }
        }
    }
    out
}

/// The first image of `r` that ECR holds in archive (or is restoring): by the digest the
/// revision ran, else by its tag.
fn archived_in(
    r: &ServiceRevision,
    listed: &BTreeMap<String, Vec<Image>>,
) -> Option<ArchivedImage> {
    r.images.iter().find_map(|ri| {
        let reference = parse_image_ref(&ri.image);
        let images = listed.get(&reference.repository)?;
        let digest = ri.digest.as_deref().or(reference.digest.as_deref());
        let found = images.iter().find(|i| match digest {
            Some(d) => i.digest == d,
            None => reference.tag.as_ref().is_some_and(|t| i.tags.contains(t)),
        })?;
        found.status.is_unpullable().then(|| ArchivedImage {
            repository: reference.repository.clone(),
            reference: match (&reference.tag, digest) {
                (Some(t), _) if found.tags.contains(t) => t.clone(),
                _ => found.digest.clone(),
            },
            status: found.status.clone(),
        })
    })
}

/// The revision `which` names: its ARN (or the ARN's last part), or `N` — the Nth
/// revision back, newest first, not counting the one that runs (1: the one before).
pub fn pick<'a>(choices: &'a [RevisionChoice], which: &str) -> Result<&'a RevisionChoice> {
    let found = match which.parse::<usize>() {
        Ok(n) if n > 0 => choices.iter().filter(|c| !c.current).nth(n - 1),
        _ => choices
            .iter()
            .find(|c| c.revision.arn == which || c.id() == which),
    };
    found.ok_or_else(|| {
        let ids: Vec<String> = choices
            .iter()
            .filter(|c| !c.current)
            .enumerate()
            .map(|(i, c)| format!("{} ({})", i + 1, c.id()))
            .collect();
        Error::Usage(format!(
            "no service revision {which}; the deployment history names: {}",
            if ids.is_empty() {
                "none other than what runs".to_string()
            } else {
                ids.join(", ")
            }
        ))
    })
}

/// A volume a service-revision rollback starts from the revision's snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeRestore {
    pub volume: RevisionVolume,
    /// The snapshot the volume starts from now.
    pub from_snapshot: Option<String>,
}

/// What a rollback to a service revision does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionRollback {
    pub revision_arn: String,
    /// The revision's task definition.
    pub task_definition: String,
    /// The revision's managed EBS volume configurations, restored with it.
    pub volumes: Vec<VolumeRestore>,
    /// Tags pushed again since the revision ran.
    pub moved: Vec<MovedTag>,
    /// Register a copy of the task definition with the moved tags pinned to the digests
    /// the revision ran, and run that instead.
    pub pin: bool,
}

impl RevisionRollback {
    /// The plan of rolling back `cluster/service` to `choice`; refused when it is what
    /// runs.
    pub fn of(
        choice: &RevisionChoice,
        (cluster, service): (&str, &str),
        pin: bool,
    ) -> Result<Self> {
        if choice.current {
            return Err(Error::Usage(format!(
                "{cluster}/{service} already runs service revision {}",
                choice.id()
            )));
        }
        if let Some(a) = &choice.archived {
            return Err(a.refusal());
        }
        Ok(Self {
            revision_arn: choice.revision.arn.clone(),
            task_definition: choice.revision.task_definition.clone(),
            volumes: choice.restores.clone(),
            moved: choice.moved.clone(),
            pin: pin && !choice.moved.is_empty(),
        })
    }

    /// The images a pinning registration sets: (container, `image@digest`).
    pub fn pins(&self) -> Vec<(String, String)> {
        if !self.pin {
            return Vec::new();
        }
        self.moved
            .iter()
            .map(|m| (m.container.clone(), m.pinned()))
            .collect()
    }

    /// The UpdateService that restores the revision, running `task_definition` (the
    /// revision's, or the pinned copy registered from it).
    pub fn service_change(&self, task_definition: String) -> ServiceChange {
        ServiceChange::Revision {
            task_definition,
            volumes: self.volumes.iter().map(|v| v.volume.clone()).collect(),
        }
    }

    /// One line: what runs after, the volumes, the tags that moved and what is done
    /// about them.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!(
            "service revision {} (task definition {})",
            arn_name(&self.revision_arn),
            arn_name(&self.task_definition)
        )];
        for v in &self.volumes {
            parts.push(format!(
                "volume {} from snapshot {} -> {}",
                v.volume.name,
                v.from_snapshot.as_deref().unwrap_or("(none)"),
                v.volume.snapshot_id.as_deref().unwrap_or("(none)")
            ));
        }
        for m in &self.moved {
            let what = if self.pin {
                format!("pinned: registers a copy with {}", short_pin(m))
            } else {
                "tasks would pull the newer image; --pin-digests (p in the picker) pins the \
                 digest it ran"
                    .to_string()
            };
            parts.push(format!(
                "container {} tag {} was pushed again (ran {}, now {}): {what}",
                m.container,
                m.tag,
                short_digest(&m.ran),
                short_digest(&m.now)
            ));
        }
        parts.join("; ")
    }
}

/// `repo@sha256:0123456789ab` (without the registry host).
fn short_pin(m: &MovedTag) -> String {
    format!(
        "{}@{}",
        parse_image_ref(&m.image).repository,
        short_digest(&m.ran)
    )
}
