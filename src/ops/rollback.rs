//! Roll a service back: to an older task-definition revision (default: the one before
//! what it runs), to an older image tag for one container (a new revision copying the
//! current one with only that image changed), or — for a service with a managed EBS
//! volume — to an older completed EBS snapshot of its volume; or to a service revision
//! of its deployment history (`rollback_revision`: task definition and managed EBS volume
//! configuration together, digests pinned when asked). Then UpdateService; the caller may
//! wait for stability.
//!
//! The one planner for the command line and the console: `plan` for a target named on the
//! command line; `offer_*` for what the console's picker lists (with `default_*` for what
//! it preselects) and `plan_offered` for the plan of the highlighted row — the same
//! checks and the same "revision before the one that runs" rule either way.
//!
//! What the service runs is read from its `taskDefinition` (what UpdateService last set),
//! which is also right where the PRIMARY deployment lags behind.

use std::fmt::Write as _;

use super::restore_image::archived_refusal;
use crate::model::ImageStatus;

use chrono::{DateTime, Utc};

use super::guard::Mutator;
use super::redeploy::Started;
use super::rollback_revision::{self, RevisionChoice, RevisionRollback, offer_service_revisions};
use super::{find_service, running_task_definition};
use crate::analysis::diff::{FieldChange, diff_task_definitions};
use crate::analysis::in_use::parse_image_ref;
use crate::analysis::zones::ZoneCheck;
use crate::aws::{AwsClients, ServiceChange, family_of, revision_of};
use crate::error::{AwsErrorKind, Error, Result};
use crate::load::{
    load_image_presence, load_service_snapshots, load_task_definitions, load_zone_check,
};
use crate::model::{
    ClusterService, ImagePresence, Service, Snapshot, SnapshotState, TaskDefinition, arn_name,
};

/// Revisions the picker shows at most.
pub const REVISIONS_SHOWN: usize = 25;

/// What to roll back to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RollbackTarget {
    /// The revision before the one the service runs.
    Previous,
    Revision(i32),
    /// Another tag of the same image repository for one container (the only container
    /// when `container` is `None`).
    ImageTag {
        tag: String,
        container: Option<String>,
    },
    /// A completed EBS snapshot for the managed volume (the only one when `None`).
    EbsSnapshot {
        snapshot_id: String,
        volume: Option<String>,
    },
    /// A service revision of the deployment history (its ARN, its id, or `N` back), its
    /// task definition and managed EBS volume configuration together; `pin`: tags pushed
    /// again since are pinned to the digests it ran (a new revision is registered).
    ServiceRevision {
        which: String,
        pin: bool,
    },
}

/// A container's image in a revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerImage {
    pub container: String,
    pub image: String,
    pub tag: Option<String>,
    /// Whether the image still exists (ECR images only; see `ImagePresence`).
    pub presence: ImagePresence,
}

/// One revision of a family, for the picker.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    pub arn: String,
    pub revision: i32,
    pub registered_at: Option<DateTime<Utc>>,
    pub images: Vec<ContainerImage>,
    /// The service runs this one.
    pub current: bool,
    /// What changes going from what runs to this revision (empty for what runs).
    pub changes: Vec<FieldChange>,
}

impl Revision {
    /// The images of this revision ECR says are gone.
    pub fn deleted_images(&self) -> Vec<&ContainerImage> {
        self.images
            .iter()
            .filter(|i| matches!(i.presence, ImagePresence::Deleted(_)))
            .collect()
    }
}

fn images_of(td: &TaskDefinition) -> Vec<ContainerImage> {
    td.containers
        .iter()
        .map(|c| ContainerImage {
            container: c.name.clone(),
            image: c.image.clone(),
            tag: parse_image_ref(&c.image).tag,
            presence: ImagePresence::default(),
        })
        .collect()
}

/// Fills in whether each image still exists (`load::load_image_presence`).
async fn check_images(aws: &AwsClients, images: &mut [&mut ContainerImage]) {
    let mut names: Vec<String> = images.iter().map(|i| i.image.clone()).collect();
    names.sort();
    names.dedup();
    let found = load_image_presence(aws, &names).await;
    for i in images.iter_mut() {
        if let Some(p) = found.get(&i.image) {
            i.presence = p.clone();
        }
    }
}

/// Refuses a revision whose images ECR says are deleted, unless forced: tasks could not
/// pull them, so the rollback would fail. Names the missing image(s).
fn refuse_deleted(name: &str, images: &[ContainerImage], force: bool) -> Result<()> {
    let gone: Vec<String> = images
        .iter()
        .filter_map(|i| match &i.presence {
            ImagePresence::Deleted(why) => {
                Some(format!("{} (container {}: {why})", i.image, i.container))
            }
            _ => None,
        })
        .collect();
    if gone.is_empty() || force {
        return Ok(());
    }
    Err(Error::Refused(format!(
        "{name} names an image deleted from ECR: {}. Its tasks could not pull it; nothing was \
         sent. Roll back to another revision, or force it (--force; f in the picker)",
        gone.join(", ")
    )))
}

/// One image tag the container could roll back to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagChoice {
    pub tag: String,
    pub pushed_at: Option<DateTime<Utc>>,
    /// Its image's storage class: an archived one is refused until restored.
    pub status: ImageStatus,
}

/// The single container whose image can be swapped, and the tags of its ECR repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageTags {
    pub container: String,
    pub image: String,
    /// Newest first.
    pub tags: Vec<TagChoice>,
}

/// The service's one managed EBS volume and the completed snapshots it could start from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EbsChoices {
    /// The volume configuration's name.
    pub volume: String,
    /// The snapshot the volume starts from now, if any.
    pub from_snapshot: Option<String>,
    /// Newest first.
    pub snapshots: Vec<Snapshot>,
    /// The service's subnets' zones (the plan states them); `None` when not read.
    pub zones: Option<ZoneCheck>,
}

/// The revisions a rollback can go to: the ACTIVE revisions of the family of `current`
/// (what the service runs), newest first, each with its images and registration date (at
/// most `limit`); `current` is marked.
pub async fn offer_revisions(
    aws: &AwsClients,
    current: &str,
    limit: usize,
) -> Result<Vec<Revision>> {
    let arns = aws.ecs.list_revisions(family_of(arn_name(current))).await?;
    let current_name = arn_name(current);
    let mut shown: Vec<String> = arns.into_iter().take(limit).collect();
    let listed = shown.iter().any(|a| arn_name(a) == current_name);
    if !listed {
        shown.push(current.to_string());
    }
    let mut tds = load_task_definitions(aws, &shown).await?;
    let running_td = shown
        .iter()
        .position(|a| arn_name(a) == current_name)
        .and_then(|i| tds.get(i).cloned());
    if !listed {
        tds.pop();
        shown.pop();
    }
    let mut revisions: Vec<Revision> = shown
        .into_iter()
        .zip(tds)
        .map(|(arn, td)| {
            let current = arn_name(&arn) == current_name;
            Revision {
                current,
                revision: if td.revision > 0 {
                    td.revision
                } else {
                    revision_of(&arn).unwrap_or_default()
                },
                registered_at: td.registered_at,
                images: images_of(&td),
                changes: match &running_td {
                    Some(from) if !current => diff_task_definitions(from, &td),
                    _ => Vec::new(),
                },
                arn,
            }
        })
        .collect();
    let mut all: Vec<&mut ContainerImage> = revisions
        .iter_mut()
        .flat_map(|r| r.images.iter_mut())
        .collect();
    check_images(aws, &mut all).await;
    revisions.sort_by_key(|r| std::cmp::Reverse(r.revision));
    Ok(revisions)
}

/// The revision a rollback goes to by default: the newest one older than what runs.
fn previous_revision(revisions: impl Iterator<Item = i32>, current: Option<i32>) -> Option<i32> {
    let current = current?;
    revisions.filter(|r| *r < current).max()
}

/// Which of `revisions` (newest first) the picker preselects: the default rollback target
/// (`previous_revision`), else the first that does not run.
pub fn default_revision(revisions: &[Revision], current: &str) -> usize {
    let previous = previous_revision(revisions.iter().map(|r| r.revision), revision_of(current));
    revisions
        .iter()
        .position(|r| Some(r.revision) == previous && !r.current)
        .or_else(|| revisions.iter().position(|r| !r.current))
        .unwrap_or(0)
}

/// The image tags the only container of the running revision could roll back to: the tags
/// of its ECR repository, newest first (at most `REVISIONS_SHOWN`).
pub async fn offer_image_tags(aws: &AwsClients, revisions: &[Revision]) -> Result<ImageTags> {
    let running = revisions.iter().find(|r| r.current).ok_or_else(|| {
        Error::Usage("the running revision is not among the ACTIVE revisions listed".into())
    })?;
    let [only] = running.images.as_slice() else {
        return Err(Error::Usage(format!(
            "{} containers: name one with `ecsnap rollback --image-tag T --container C`",
            running.images.len()
        )));
    };
    let image_ref = parse_image_ref(&only.image);
    if !is_ecr(&image_ref) {
        return Err(Error::Usage(format!(
            "{} is not in ECR: no tags to list",
            only.image
        )));
    }
    let images = aws.ecr.list_images(&image_ref.repository).await?;
    let mut tags: Vec<TagChoice> = images
        .iter()
        .flat_map(|i| {
            i.tags.iter().map(|t| TagChoice {
                tag: t.clone(),
                pushed_at: i.pushed_at,
                status: i.status.clone(),
            })
        })
        .collect();
    tags.sort_by(|a, b| {
        b.pushed_at
            .cmp(&a.pushed_at)
            .then_with(|| b.tag.cmp(&a.tag))
    });
    tags.truncate(REVISIONS_SHOWN);
    Ok(ImageTags {
        container: only.container.clone(),
        image: only.image.clone(),
        tags,
    })
}

/// Which tag the picker preselects: the one after (older than) the running tag.
pub fn default_tag(tags: &ImageTags) -> usize {
    let running = parse_image_ref(&tags.image).tag;
    let at = tags
        .tags
        .iter()
        .position(|c| Some(&c.tag) == running.as_ref());
    at.map_or(0, |i| (i + 1).min(tags.tags.len().saturating_sub(1)))
}

/// The completed snapshots the service's one managed EBS volume could start from, newest
/// first (at most `REVISIONS_SHOWN`).
pub async fn offer_snapshots(aws: &AwsClients, cluster: &str, service: &str) -> Result<EbsChoices> {
    let s = find_service(aws, cluster, service).await?;
    let [config] = s.volume_configurations.as_slice() else {
        return Err(Error::Usage(if s.volume_configurations.is_empty() {
            format!("{service} has no managed EBS volume")
        } else {
            format!(
                "{} managed EBS volumes: name one with `ecsnap rollback --ebs-snapshot ID \
                 --volume NAME`",
                s.volume_configurations.len()
            )
        }));
    };
    let mut snapshots = load_service_snapshots(aws, &s.cluster, &s.name).await?;
    if snapshots.is_empty() {
        return Err(Error::Usage(format!(
            "no completed snapshot of {service}'s volume {} found",
            config.name
        )));
    }
    snapshots.truncate(REVISIONS_SHOWN);
    let zones = load_zone_check(aws, &s, None).await;
    Ok(EbsChoices {
        volume: config.name.clone(),
        from_snapshot: config.snapshot_id.clone(),
        snapshots,
        zones: Some(zones),
    })
}

/// Which snapshot the picker preselects: the newest one the volume does not start from.
pub fn default_snapshot(choices: &EbsChoices) -> usize {
    choices
        .snapshots
        .iter()
        .position(|s| Some(&s.id) != choices.from_snapshot.as_ref())
        .unwrap_or(0)
}

/// One of the offered targets, as the picker highlights it.
#[derive(Debug, Clone, Copy)]
pub enum Offered<'a> {
    Revision(&'a Revision),
    ImageTag(&'a ImageTags, &'a TagChoice),
    Snapshot(&'a EbsChoices, &'a Snapshot),
    /// A service revision; `bool`: pin the tags pushed again since.
    ServiceRevision(&'a RevisionChoice, bool),
}

/// The plan for an offered target: exactly what confirming sends, with the same checks as
/// `plan`. Errors say why the target cannot be chosen (it is what runs already, or an
/// image of it was deleted).
pub fn plan_offered(
    cluster: &str,
    service: &str,
    current: &str,
    offered: Offered<'_>,
) -> Result<RollbackPlan> {
    plan_offered_with(cluster, service, current, offered, false)
}

/// `plan_offered`, where `force` lets a revision whose image was deleted be chosen.
pub fn plan_offered_with(
    cluster: &str,
    service: &str,
    current: &str,
    offered: Offered<'_>,
    force: bool,
) -> Result<RollbackPlan> {
    let change = match offered {
        Offered::Revision(r) => {
            if r.current || arn_name(&r.arn) == arn_name(current) {
                return Err(already_runs(cluster, service, arn_name(current)));
            }
            refuse_deleted(arn_name(&r.arn), &r.images, force)?;
            RollbackChange::Revision {
                to: r.arn.clone(),
                revision: r.revision,
                images: r.images.clone(),
            }
        }
        Offered::ImageTag(t, choice) => {
            if choice.status.is_unpullable() {
                let repository = parse_image_ref(&t.image).repository;
                return Err(archived_refusal(&repository, &choice.tag, &choice.status));
            }
            image_change(&t.container, &t.image, &choice.tag)?
        }
        Offered::Snapshot(c, snap) => ebs_change(&c.volume, c.from_snapshot.clone(), snap, None)?,
        Offered::ServiceRevision(choice, pin) => RollbackChange::ServiceRevision(Box::new(
            RevisionRollback::of(choice, (cluster, service), pin)?,
        )),
    };
    let (initialization, zones) = match offered {
        Offered::Snapshot(c, snap) => (Some(Initialization::of(snap.size_gib)), c.zones.clone()),
        Offered::Revision(_) | Offered::ImageTag(..) | Offered::ServiceRevision(..) => (None, None),
    };
    Ok(RollbackPlan {
        service: ClusterService::new(cluster, service),
        current: current.to_string(),
        change,
        initialization,
        zones,
    })
}

fn already_runs(cluster: &str, service: &str, what: &str) -> Error {
    Error::Usage(format!("{cluster}/{service} already runs {what}"))
}

/// Container `container` from `from_image` to the same image with `tag`.
fn image_change(container: &str, from_image: &str, tag: &str) -> Result<RollbackChange> {
    let to_image = with_tag(from_image, tag);
    if to_image == from_image {
        return Err(Error::Usage(format!(
            "container {container} already runs {from_image}"
        )));
    }
    Ok(RollbackChange::Image {
        container: container.to_string(),
        from_image: from_image.to_string(),
        to_image,
    })
}

/// Volume `volume` from `from_snapshot` to `snap`, which must be completed.
fn ebs_change(
    volume: &str,
    from_snapshot: Option<String>,
    snap: &Snapshot,
    note: Option<String>,
) -> Result<RollbackChange> {
    if snap.state != SnapshotState::Completed {
        return Err(Error::Refused(format!(
            "snapshot {} is {}, not completed; a volume cannot be created from it yet",
            snap.id, snap.state
        )));
    }
    if snap.is_archived(crate::config::now()) {
        return Err(Error::Refused(format!(
            "snapshot {} is archived — restore first (up to 72 h): `ecsnap restore-snapshot \
             --snapshot {}`; a volume cannot be created from an archived snapshot",
            snap.id, snap.id
        )));
    }
    if from_snapshot.as_deref() == Some(snap.id.as_str()) {
        return Err(Error::Usage(format!(
            "volume {volume} already starts from snapshot {}",
            snap.id
        )));
    }
    Ok(RollbackChange::EbsSnapshot {
        volume: volume.to_string(),
        from_snapshot,
        to_snapshot: snap.id.clone(),
        note,
    })
}

fn is_ecr(r: &crate::analysis::in_use::ImageRef) -> bool {
    r.registry
        .as_deref()
        .is_some_and(|reg| reg.contains(".dkr.ecr."))
}

/// What the rollback does.
#[derive(Debug, Clone, PartialEq)]
pub enum RollbackChange {
    /// UpdateService to an existing revision.
    Revision {
        to: String,
        revision: i32,
        images: Vec<ContainerImage>,
    },
    /// Register a copy of the current revision with one image changed, then UpdateService.
    Image {
        container: String,
        from_image: String,
        to_image: String,
    },
    /// UpdateService with the managed volume created from this snapshot.
    EbsSnapshot {
        volume: String,
        from_snapshot: Option<String>,
        to_snapshot: String,
        note: Option<String>,
    },
    /// UpdateService to a service revision's task definition (or a copy of it with the
    /// digests it ran pinned) and managed EBS volume configuration together.
    ServiceRevision(Box<RevisionRollback>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RollbackPlan {
    /// The service it acts on.
    pub service: ClusterService,
    /// What the service runs now.
    pub current: String,
    pub change: RollbackChange,
    /// An EBS-snapshot rollback: how the new volume initializes (`None` for the others).
    pub initialization: Option<Initialization>,
    /// An EBS-snapshot rollback: the service's subnets' zones against the volume's
    /// (`None` for the others, or when not read).
    pub zones: Option<ZoneCheck>,
}

/// How a volume created from a snapshot initializes: at a set rate, or lazily from S3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Initialization {
    /// The snapshot's size: what the volume loads.
    pub size_gib: i32,
    /// `volumeInitializationRate` in MiB/s; `None`: lazily from S3.
    pub rate_mibps: Option<i32>,
}

impl Initialization {
    /// A volume from a snapshot of `size_gib`, without a rate yet.
    pub fn of(size_gib: i32) -> Self {
        Self {
            size_gib,
            rate_mibps: None,
        }
    }

    pub fn line(&self) -> String {
        crate::analysis::hydration::plan_line(self.size_gib, self.rate_mibps)
    }
}

impl RollbackPlan {
    /// Sets the new volume's initialization rate (an EBS-snapshot rollback; the others
    /// create no volume and are left as they are).
    #[must_use]
    pub fn with_initialization_rate(mut self, rate_mibps: Option<i32>) -> Self {
        if let Some(i) = self.initialization.as_mut() {
            i.rate_mibps = rate_mibps;
        }
        self
    }

    /// What the rollback replaces, for its audit line: the task definition the service
    /// ran (with the image, for an image rollback), or the volume's snapshot.
    pub fn replaced(&self) -> String {
        match &self.change {
            RollbackChange::Revision { .. } => format!("task definition {}", self.current),
            RollbackChange::Image {
                container,
                from_image,
                ..
            } => format!(
                "task definition {} ({container}={from_image})",
                self.current
            ),
            RollbackChange::EbsSnapshot {
                volume,
                from_snapshot,
                ..
            } => match from_snapshot {
                Some(s) => format!("volume {volume} from snapshot {s} ({})", self.current),
                None => format!(
                    "volume {volume} with no snapshot recorded ({})",
                    self.current
                ),
            },
            RollbackChange::ServiceRevision(r) => {
                let mut text = format!("task definition {}", self.current);
                for v in &r.volumes {
                    let _ = write!(
                        text,
                        ", volume {} from snapshot {}",
                        v.volume.name,
                        v.from_snapshot.as_deref().unwrap_or("(none)")
                    );
                }
                text
            }
        }
    }

    pub fn summary(&self) -> String {
        let from = arn_name(&self.current);
        let target = self.service.label();
        match &self.change {
            RollbackChange::Revision { to, images, .. } => {
                let imgs: Vec<String> = images
                    .iter()
                    .map(|i| format!("{}={}", i.container, i.image))
                    .collect();
                format!(
                    "roll {target} back from {from} to {} ({})",
                    arn_name(to),
                    imgs.join(", ")
                )
            }
            RollbackChange::Image {
                container,
                from_image,
                to_image,
            } => format!(
                "roll {target} back: register a copy of {from} with container {container} \
                 image {from_image} -> {to_image}, then deploy it"
            ),
            RollbackChange::EbsSnapshot {
                volume,
                from_snapshot,
                to_snapshot,
                note,
            } => {
                format!(
                    "roll {target} back: volume {volume} from snapshot {} -> {to_snapshot}{}{}",
                    from_snapshot.as_deref().unwrap_or("(none)"),
                    note.as_deref()
                        .map(|n| format!(" ({n})"))
                        .unwrap_or_default(),
                    self.initialization
                        .map(|i| format!("; {}", i.line()))
                        .unwrap_or_default(),
                ) + &zone_words(self.zones.as_ref())
            }
            RollbackChange::ServiceRevision(r) => {
                format!("roll {target} back from {from} to {}", r.summary())
            }
        }
    }
}

/// `; the service's subnets are in …` (and the warning), or nothing when not read.
pub fn zone_words(zones: Option<&ZoneCheck>) -> String {
    zones
        .map(|z| {
            z.lines()
                .iter()
                .map(|l| format!("; {l}"))
                .collect::<Vec<_>>()
                .concat()
        })
        .unwrap_or_default()
}

fn pick_one<'a>(what: &str, wanted: Option<&str>, names: &[&'a str]) -> Result<&'a str> {
    match wanted {
        Some(w) => names.iter().find(|n| **n == w).copied().ok_or_else(|| {
            Error::Usage(format!(
                "no {what} named {w}; the service has: {}",
                names.join(", ")
            ))
        }),
        None => match names {
            [one] => Ok(one),
            [] => Err(Error::Usage(format!("the service has no {what}"))),
            many => Err(Error::Usage(format!(
                "the service has several {what}s ({}); name one",
                many.join(", ")
            ))),
        },
    }
}

/// The plan for `target` (the command line's choice), with every check: the revision is
/// ACTIVE and not what runs, its images still exist in ECR, the tag exists in ECR, the
/// snapshot is completed. Reads only.
pub async fn plan(
    aws: &AwsClients,
    cluster: &str,
    service: &str,
    target: &RollbackTarget,
) -> Result<RollbackPlan> {
    plan_with(aws, cluster, service, target, false).await
}

/// `plan`, where `force` lets a revision whose image was deleted from ECR through.
pub async fn plan_with(
    aws: &AwsClients,
    cluster: &str,
    service: &str,
    target: &RollbackTarget,
    force: bool,
) -> Result<RollbackPlan> {
    let s = find_service(aws, cluster, service).await?;
    if let Some(refusal) = super::controller_refusal(&s, "roll back") {
        return Err(refusal);
    }
    let current = running_task_definition(&s).to_string();
    let mut initialization = None;
    let mut zones = None;
    let change = match target {
        RollbackTarget::Previous | RollbackTarget::Revision(_) => {
            let mut change = revision_change(aws, &s, &current, target).await?;
            if let RollbackChange::Revision { to, images, .. } = &mut change {
                let mut all: Vec<&mut ContainerImage> = images.iter_mut().collect();
                check_images(aws, &mut all).await;
                refuse_deleted(arn_name(to), images, force)?;
                let refs: Vec<&str> = images.iter().map(|c| c.image.as_str()).collect();
                refuse_archived(aws, &refs).await?;
            }
            change
        }
        RollbackTarget::ImageTag { tag, container } => {
            let td = aws.ecs.describe_task_definition(&current).await?;
            let names: Vec<&str> = td.containers.iter().map(|c| c.name.as_str()).collect();
            let name = pick_one("container", container.as_deref(), &names)?;
            let from_image = td
                .containers
                .iter()
                .find(|c| c.name == name)
                .map(|c| c.image.clone())
                .unwrap_or_default();
            let change = image_change(name, &from_image, tag)?;
            check_tag_exists(aws, &from_image, tag).await?;
            change
        }
        RollbackTarget::EbsSnapshot {
            snapshot_id,
            volume,
        } => {
            let (change, size_gib, source) =
                snapshot_change(aws, &s, snapshot_id, volume.as_deref()).await?;
            initialization = Some(Initialization::of(size_gib));
            let zone = source_volume_zone(aws, source.as_deref()).await;
            zones = Some(load_zone_check(aws, &s, zone.as_deref()).await);
            change
        }
        RollbackTarget::ServiceRevision { which, pin } => {
            let choices = offer_service_revisions(aws, &s).await?;
            let choice = rollback_revision::pick(&choices, which)?;
            RollbackChange::ServiceRevision(Box::new(RevisionRollback::of(
                choice,
                (&s.cluster, &s.name),
                *pin,
            )?))
        }
    };
    Ok(RollbackPlan {
        service: ClusterService::of(&s),
        current,
        change,
        initialization,
        zones,
    })
}

/// `--to-revision N`, or the revision before what runs.
async fn revision_change(
    aws: &AwsClients,
    s: &Service,
    current: &str,
    target: &RollbackTarget,
) -> Result<RollbackChange> {
    let family = family_of(current);
    let current_rev = revision_of(current);
    let arns = aws.ecs.list_revisions(family).await?;
    let revs: Vec<(i32, &String)> = arns
        .iter()
        .filter_map(|a| revision_of(a).map(|r| (r, a)))
        .collect();
    let wanted = match target {
        RollbackTarget::Revision(n) => {
            if Some(*n) == current_rev {
                return Err(already_runs(&s.cluster, &s.name, &format!("{family}:{n}")));
            }
            *n
        }
        _ => previous_revision(revs.iter().map(|(r, _)| *r), current_rev).ok_or_else(|| {
            Error::Usage(format!(
                "{} runs {}; there is no earlier ACTIVE revision of {family} to roll back to",
                s.name,
                arn_name(current)
            ))
        })?,
    };
    let (revision, arn) = revs.iter().find(|(r, _)| *r == wanted).ok_or_else(|| {
        Error::Usage(format!(
            "{family}:{wanted} is not an ACTIVE revision; ACTIVE revisions: {}",
            revs.iter()
                .map(|(r, _)| r.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let td = aws.ecs.describe_task_definition(arn).await?;
    Ok(RollbackChange::Revision {
        to: (*arn).clone(),
        revision: *revision,
        images: images_of(&td),
    })
}

/// `--ebs-snapshot ID [--volume NAME]`: the snapshot must exist and be completed. With the
/// snapshot's size (what the new volume loads).
async fn snapshot_change(
    aws: &AwsClients,
    s: &Service,
    snapshot_id: &str,
    volume: Option<&str>,
) -> Result<(RollbackChange, i32, Option<String>)> {
    let names: Vec<&str> = s
        .volume_configurations
        .iter()
        .map(|v| v.name.as_str())
        .collect();
    if names.is_empty() {
        return Err(Error::Usage(format!(
            "{}/{} has no managed EBS volume configuration; --ebs-snapshot needs one",
            s.cluster, s.name
        )));
    }
    let volume = pick_one("EBS volume", volume, &names)?;
    let snapshots = aws.ec2.describe_own_snapshots(None).await?;
    let Some(snap) = snapshots.iter().find(|x| x.id == snapshot_id) else {
        return Err(super::not_found("snapshot", snapshot_id, &aws.region));
    };
    let linked = load_service_snapshots(aws, &s.cluster, &s.name)
        .await?
        .iter()
        .any(|x| x.id == snapshot_id);
    let from_snapshot = s
        .volume_configurations
        .iter()
        .find(|v| v.name == volume)
        .and_then(|v| v.snapshot_id.clone());
    let change = ebs_change(
        volume,
        from_snapshot,
        snap,
        (!linked).then(|| "its tags do not tie it to this service's volume".to_string()),
    )?;
    Ok((change, snap.size_gib, snap.volume_id.clone()))
}

/// The zone of the volume a snapshot was taken of, while that volume still exists.
async fn source_volume_zone(aws: &AwsClients, volume_id: Option<&str>) -> Option<String> {
    let id = volume_id?.to_string();
    let volumes = aws.ec2.describe_volumes_matching(&[id], &[]).await.ok()?;
    volumes.into_iter().find_map(|v| v.availability_zone)
}

/// `registry/repo:old@sha` with tag `tag` → `registry/repo:tag`.
pub fn with_tag(image: &str, tag: &str) -> String {
    let r = parse_image_ref(image);
    match r.registry {
        Some(reg) => format!("{reg}/{}:{tag}", r.repository),
        None => format!("{}:{tag}", r.repository),
    }
}

/// When the image lives in this account's ECR, the tag must exist there.
/// Refuses when an ECR image of this region among `images` (`repo:tag` or `repo@digest`)
/// is archived or still being restored: a task could not pull it. A repository that cannot
/// be listed leaves that image unchecked (the existence check speaks for it).
async fn refuse_archived(aws: &AwsClients, images: &[&str]) -> Result<()> {
    let here = format!(".dkr.ecr.{}.", aws.region);
    for image in images {
        let r = parse_image_ref(image);
        if !r.registry.as_deref().is_some_and(|reg| reg.contains(&here)) {
            continue;
        }
        let Ok(listed) = aws.ecr.list_images(&r.repository).await else {
            continue;
        };
        let found = listed.iter().find(|i| {
            r.digest.as_deref() == Some(i.digest.as_str())
                || r.tag.as_ref().is_some_and(|t| i.tags.contains(t))
        });
        if let Some(i) = found.filter(|i| i.status.is_unpullable()) {
            let name = r.tag.clone().unwrap_or_else(|| i.digest.clone());
            return Err(archived_refusal(&r.repository, &name, &i.status));
        }
    }
    Ok(())
}

async fn check_tag_exists(aws: &AwsClients, image: &str, tag: &str) -> Result<()> {
    let r = parse_image_ref(image);
    if !is_ecr(&r) {
        return Ok(());
    }
    let images = match aws.ecr.list_images(&r.repository).await {
        Ok(i) => i,
        Err(Error::Aws(a)) if a.kind == AwsErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if let Some(found) = images.iter().find(|i| i.tags.iter().any(|t| t == tag)) {
        if found.status.is_unpullable() {
            return Err(archived_refusal(&r.repository, tag, &found.status));
        }
        return Ok(());
    }
    let tags: Vec<&str> = images
        .iter()
        .flat_map(|i| i.tags.iter().map(String::as_str))
        .collect();
    Err(Error::NotFound {
        kind: "image tag",
        name: tag.to_string(),
        scope: Some(format!("repository {}", r.repository)),
        close: crate::load::close_names(tag, tags),
    })
}

pub async fn execute(mutator: &Mutator, plan: &RollbackPlan) -> Result<Started> {
    let (change, registered) = match &plan.change {
        RollbackChange::Revision { to, .. } => (ServiceChange::TaskDefinition(to.clone()), None),
        RollbackChange::Image {
            container,
            to_image,
            ..
        } => {
            let td = mutator
                .register_with_image(&plan.current, container, to_image)
                .await?;
            (ServiceChange::TaskDefinition(td.arn.clone()), Some(td.arn))
        }
        RollbackChange::EbsSnapshot {
            volume,
            to_snapshot,
            ..
        } => (
            ServiceChange::EbsSnapshot {
                volume: volume.clone(),
                snapshot_id: to_snapshot.clone(),
                initialization_rate: plan.initialization.and_then(|i| i.rate_mibps),
            },
            None,
        ),
        RollbackChange::ServiceRevision(r) => {
            let pins = r.pins();
            if pins.is_empty() {
                (r.service_change(r.task_definition.clone()), None)
            } else {
                let td = mutator
                    .register_with_images(&r.task_definition, &pins)
                    .await?;
                (r.service_change(td.arn.clone()), Some(td.arn))
            }
        }
    };
    let service = mutator
        .update_service_replacing(
            &plan.service.cluster,
            &plan.service.name,
            &change,
            Some(&plan.replaced()),
        )
        .await?;
    let task_definition = match (&change, registered) {
        (_, Some(arn)) => arn,
        (
            ServiceChange::TaskDefinition(td)
            | ServiceChange::Revision {
                task_definition: td,
                ..
            },
            None,
        ) => td.clone(),
        _ => running_task_definition(&service).to_string(),
    };
    Ok(Started {
        deployment_id: service.primary().map(|d| d.id.clone()),
        task_definition,
        service,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_archived_snapshot_is_refused_until_it_is_restored() {
        let snap = |tier: Option<&str>, restored_until: Option<i64>| Snapshot {
            id: "snap-1".into(),
            state: SnapshotState::Completed,
            storage_tier: tier.map(str::to_string),
            restore_expiry_time: restored_until
                .map(|d| crate::config::now() + chrono::Days::new(d.unsigned_abs())),
            ..Snapshot::default()
        };
        let archived = ebs_change("data", None, &snap(Some("archive"), None), None);
        let Err(Error::Refused(why)) = archived else {
            panic!("an archived snapshot must be refused: {archived:?}");
        };
        assert!(
            why.contains("archived — restore first (up to 72 h)"),
            "{why}"
        );
        assert!(
            why.contains("ecsnap restore-snapshot --snapshot snap-1"),
            "{why}"
        );
        // Temporarily restored, or in the standard tier: a volume can be made from it.
        assert!(ebs_change("data", None, &snap(Some("archive"), Some(2)), None).is_ok());
        assert!(ebs_change("data", None, &snap(Some("standard"), None), None).is_ok());
        assert!(ebs_change("data", None, &snap(None, None), None).is_ok());
    }

    #[test]
    fn an_ebs_snapshot_rollback_plan_says_how_the_volume_initializes() {
        let change = RollbackChange::EbsSnapshot {
            volume: "data".into(),
            from_snapshot: None,
            to_snapshot: "snap-1".into(),
            note: None,
        };
        let plan = RollbackPlan {
            service: ClusterService::new("c", "s"),
            current: "api:7".into(),
            change,
            initialization: Some(Initialization::of(100)),
            zones: None,
        };
        assert!(
            plan.summary().contains("hydrates lazily from S3"),
            "{}",
            plan.summary()
        );
        let rated = plan.with_initialization_rate(Some(300));
        assert!(
            rated
                .summary()
                .contains("initializes at 300 MiB/s: about 6 min for 100 GiB"),
            "{}",
            rated.summary()
        );
    }

    #[test]
    fn a_rollback_names_what_it_replaces() {
        let plan = |change| RollbackPlan {
            service: ClusterService::new("c", "s"),
            current: "arn:aws:ecs:us-east-1:1:task-definition/api:7".into(),
            change,
            initialization: None,
            zones: None,
        };
        let cases = [
            (
                RollbackChange::Revision {
                    to: "arn:aws:ecs:us-east-1:1:task-definition/api:6".into(),
                    revision: 6,
                    images: Vec::new(),
                },
                "task definition arn:aws:ecs:us-east-1:1:task-definition/api:7",
            ),
            (
                RollbackChange::Image {
                    container: "app".into(),
                    from_image: "repo/api:v2".into(),
                    to_image: "repo/api:v1".into(),
                },
                "task definition arn:aws:ecs:us-east-1:1:task-definition/api:7 (app=repo/api:v2)",
            ),
            (
                RollbackChange::EbsSnapshot {
                    volume: "data".into(),
                    from_snapshot: None,
                    to_snapshot: "snap-1".into(),
                    note: None,
                },
                "volume data with no snapshot recorded \
                 (arn:aws:ecs:us-east-1:1:task-definition/api:7)",
            ),
        ];
        for (change, want) in cases {
            assert_eq!(plan(change).replaced(), want);
        }
    }

    #[test]
    fn image_tag_is_replaced_keeping_registry_and_dropping_digest() {
        let cases = [
            (
                "123.dkr.ecr.us-east-1.amazonaws.com/api:v1.5.0",
                "v1.4.0",
                "123.dkr.ecr.us-east-1.amazonaws.com/api:v1.4.0",
            ),
            (
                "123.dkr.ecr.us-east-1.amazonaws.com/team/api:v2@sha256:ab",
                "v1",
                "123.dkr.ecr.us-east-1.amazonaws.com/team/api:v1",
            ),
            ("nginx", "1.27", "nginx:1.27"),
            ("localhost:5000/app:old", "new", "localhost:5000/app:new"),
        ];
        for (image, tag, want) in cases {
            assert_eq!(with_tag(image, tag), want, "{image}");
        }
    }

    #[test]
    fn one_of_several_must_be_named() {
        assert_eq!(pick_one("container", None, &["app"]).ok(), Some("app"));
        assert!(pick_one("container", None, &["app", "sidecar"]).is_err());
        assert_eq!(
            pick_one("container", Some("sidecar"), &["app", "sidecar"]).ok(),
            Some("sidecar")
        );
        assert!(pick_one("container", Some("db"), &["app"]).is_err());
    }
}
