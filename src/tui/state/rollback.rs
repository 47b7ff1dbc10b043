//! The rollback picker: the family's revisions newest first, each with its images and
//! registration date, the one before what the service runs preselected; `i` switches to
//! the container's image tags, then to the completed snapshots of the service's managed
//! EBS volume, then to ECS's service revisions of the deployment history (task
//! definition and volume configuration together; `f` pins digests where a tag was pushed
//! again). What is listed, what is preselected and the plan of the highlighted row
//! all come from `ops::rollback`; confirming runs exactly that plan.

use crate::analysis::diff::{ChangeKind, FieldChange, diff_snapshots};
use crate::analysis::in_use::parse_image_ref;
use crate::model::{ImageStatus, Snapshot, arn_name};
use crate::ops::restore_image::ArchivedImage;
use crate::ops::rollback::{self, EbsChoices, ImageTags, Offered, Revision, RollbackPlan};
use crate::ops::rollback_revision::RevisionChoice;
use crate::tui::state::deployment_action::EcsAct;

/// What the picker lists; `i` moves to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickMode {
    Revisions,
    ImageTags,
    EbsSnapshots,
    /// ECS's service revisions of the deployment history.
    ServiceRevisions,
}

impl PickMode {
    #[must_use]
    pub fn next(self) -> Self {
        match self {
            PickMode::Revisions => PickMode::ImageTags,
            PickMode::ImageTags => PickMode::EbsSnapshots,
            PickMode::EbsSnapshots => PickMode::ServiceRevisions,
            PickMode::ServiceRevisions => PickMode::Revisions,
        }
    }

    /// What the picker lists in this mode, for the hint naming the next one.
    pub fn label(self) -> &'static str {
        match self {
            PickMode::Revisions => "the revisions",
            PickMode::ImageTags => "the container's image tags",
            PickMode::EbsSnapshots => "the EBS volume's snapshots",
            PickMode::ServiceRevisions => "ECS's service revisions",
        }
    }
}

#[derive(Debug, Clone)]
pub struct RollbackModal {
    pub cluster: String,
    pub service: String,
    /// What the service runs now (task-definition ARN).
    pub current: String,
    pub revisions: Vec<Revision>,
    /// Index into `revisions`.
    pub selected: usize,
    pub mode: PickMode,
    /// The image-tag choices once loaded, or why there are none.
    pub image_tags: Option<Result<ImageTags, String>>,
    /// Index into the image tags.
    pub tag_selected: usize,
    /// The EBS snapshot choices once loaded, or why there are none.
    pub ebs: Option<Result<EbsChoices, String>>,
    /// Index into the snapshots.
    pub ebs_selected: usize,
    /// `f` pressed on the highlighted row: a revision whose image was deleted may be
    /// confirmed. Moving or switching lists clears it.
    pub force: bool,
    /// ECS's own rollback of the deployment in flight (the first row, above the
    /// revisions), once asked: `Ok(None)` when none is in flight, `Err` why it is not
    /// offered (an endpoint without service deployments, a denied listing).
    pub ecs: Option<Result<Option<Box<EcsAct>>, String>>,
    /// The ECS row is highlighted (preselected when offered).
    pub on_ecs: bool,
    /// The service revisions of the deployment history once loaded, or why there are
    /// none (denied, an endpoint without them, revisions before 2024-10-25).
    pub service_revisions: Option<Result<Vec<RevisionChoice>, String>>,
    /// Index into the service revisions.
    pub service_selected: usize,
    /// `f` on a service revision whose tag was pushed again: pin the digests it ran.
    pub pin: bool,
    /// The initialization rate (MiB/s) of a volume an EBS-snapshot rollback creates
    /// (`[safety] initialization_rate`); `None`: it hydrates lazily from S3.
    pub initialization_rate: Option<i32>,
}

impl RollbackModal {
    pub fn new(cluster: String, service: String, current: String) -> Self {
        Self {
            cluster,
            service,
            current,
            revisions: Vec::new(),
            selected: 0,
            mode: PickMode::Revisions,
            initialization_rate: None,
            image_tags: None,
            tag_selected: 0,
            ebs: None,
            ebs_selected: 0,
            force: false,
            ecs: None,
            on_ecs: false,
            service_revisions: None,
            service_selected: 0,
            pin: false,
        }
    }

    /// Fills the service-revision choices, preselecting the newest one that does not run.
    pub fn set_service_revisions(&mut self, choices: Result<Vec<RevisionChoice>, String>) {
        if let Ok(c) = &choices {
            self.service_selected = c.iter().position(|c| !c.current).unwrap_or(0);
        }
        self.service_revisions = Some(choices);
    }

    /// The highlighted service revision, in that list.
    fn service_choice(&self) -> Option<&RevisionChoice> {
        if self.mode != PickMode::ServiceRevisions {
            return None;
        }
        loaded(self.service_revisions.as_ref())?.get(self.service_selected)
    }

    /// `f` on a service revision: pin (or no longer pin) the digests it ran where its tags
    /// were pushed again. Says whether there was anything to pin.
    pub fn toggle_pin(&mut self) -> bool {
        let moved = self.service_choice().is_some_and(|c| !c.moved.is_empty());
        self.pin = moved && !self.pin;
        moved
    }

    /// ECS's own rollback, offered first and preselected when a deployment is in flight.
    pub fn set_ecs(&mut self, offer: Result<Option<Box<EcsAct>>, String>) {
        self.on_ecs = matches!(offer, Ok(Some(_)));
        self.ecs = Some(offer);
    }

    /// The ECS row's action, when offered.
    pub fn ecs_offer(&self) -> Option<&EcsAct> {
        match &self.ecs {
            Some(Ok(Some(act))) => Some(act),
            _ => None,
        }
    }

    /// The ECS row is highlighted (in the revisions list) and offered: confirming sends it.
    pub fn ecs_chosen(&self) -> Option<&EcsAct> {
        (self.on_ecs && self.mode == PickMode::Revisions)
            .then(|| self.ecs_offer())
            .flatten()
    }

    /// Fills the picker and preselects the default rollback target.
    pub fn set_revisions(&mut self, revisions: Vec<Revision>) {
        self.selected = rollback::default_revision(&revisions, &self.current);
        self.revisions = revisions;
    }

    /// Fills the image-tag choices, preselecting the newest tag older than the running one.
    pub fn set_image_tags(&mut self, tags: Result<ImageTags, String>) {
        if let Ok(t) = &tags {
            self.tag_selected = rollback::default_tag(t);
        }
        self.image_tags = Some(tags);
    }

    /// Fills the snapshot choices, preselecting the newest one the volume does not start
    /// from.
    pub fn set_ebs(&mut self, choices: Result<EbsChoices, String>) {
        if let Ok(c) = &choices {
            self.ebs_selected = rollback::default_snapshot(c);
        }
        self.ebs = Some(choices);
    }

    pub fn toggle_mode(&mut self) {
        self.mode = self.mode.next();
        self.force = false;
        self.pin = false;
    }

    /// `f`: allow (or no longer allow) the highlighted revision although an image of it
    /// was deleted. Says whether there was anything to override.
    pub fn toggle_force(&mut self) -> bool {
        let deleted = self.mode == PickMode::Revisions
            && self
                .revisions
                .get(self.selected)
                .is_some_and(|r| !r.deleted_images().is_empty());
        self.force = deleted && !self.force;
        deleted
    }

    /// Whether `f` acts on the highlighted row: a revision an image of which was deleted,
    /// or a service revision whose tags were pushed again (digests to pin).
    pub fn forcible(&self) -> bool {
        match self.mode {
            PickMode::Revisions => {
                self.ecs_chosen().is_none()
                    && self
                        .revisions
                        .get(self.selected)
                        .is_some_and(|r| !r.deleted_images().is_empty())
            }
            PickMode::ServiceRevisions => {
                self.service_choice().is_some_and(|c| !c.moved.is_empty())
            }
            PickMode::ImageTags | PickMode::EbsSnapshots => false,
        }
    }

    /// Whether confirming sends something: ECS's own rollback, or the plan of the
    /// highlighted row when it is neither what runs, refused nor archived.
    pub fn confirmable(&self) -> bool {
        self.ecs_chosen().is_some() || (self.plan().is_some() && self.archived().is_none())
    }

    /// How many rows the current list offers to pick from (the ECS row counted with the
    /// revisions).
    pub fn choice_count(&self) -> usize {
        match self.mode {
            PickMode::Revisions => self.revisions.len() + usize::from(self.ecs_offer().is_some()),
            PickMode::ImageTags => loaded(self.image_tags.as_ref()).map_or(0, |t| t.tags.len()),
            PickMode::EbsSnapshots => loaded(self.ebs.as_ref()).map_or(0, |c| c.snapshots.len()),
            PickMode::ServiceRevisions => {
                loaded(self.service_revisions.as_ref()).map_or(0, Vec::len)
            }
        }
    }

    pub fn move_by(&mut self, delta: isize) {
        self.force = false;
        self.pin = false;
        // The ECS row sits above the first revision.
        if self.mode == PickMode::Revisions && self.ecs_offer().is_some() {
            if self.on_ecs && delta > 0 {
                self.on_ecs = false;
                self.selected = usize::try_from(delta - 1)
                    .unwrap_or(0)
                    .min(self.revisions.len().saturating_sub(1));
                return;
            }
            if self.on_ecs || (self.selected == 0 && delta < 0) {
                self.on_ecs = true;
                return;
            }
        }
        let (len, at) = match self.mode {
            PickMode::Revisions => (self.revisions.len(), &mut self.selected),
            PickMode::ImageTags => (
                loaded(self.image_tags.as_ref()).map_or(0, |t| t.tags.len()),
                &mut self.tag_selected,
            ),
            PickMode::EbsSnapshots => (
                loaded(self.ebs.as_ref()).map_or(0, |c| c.snapshots.len()),
                &mut self.ebs_selected,
            ),
            PickMode::ServiceRevisions => (
                loaded(self.service_revisions.as_ref()).map_or(0, Vec::len),
                &mut self.service_selected,
            ),
        };
        *at = at.saturating_add_signed(delta).min(len.saturating_sub(1));
    }

    /// Why the list of the current mode is not there (tags or snapshots that failed to
    /// load or do not apply); `None` while loading or when it is.
    pub fn list_error(&self) -> Option<&str> {
        match self.mode {
            PickMode::Revisions => None,
            PickMode::ImageTags => self.image_tags.as_ref()?.as_ref().err().map(String::as_str),
            PickMode::EbsSnapshots => self.ebs.as_ref()?.as_ref().err().map(String::as_str),
            PickMode::ServiceRevisions => self
                .service_revisions
                .as_ref()?
                .as_ref()
                .err()
                .map(String::as_str),
        }
    }

    /// The highlighted row of the current mode, once its list is there.
    fn highlighted(&self) -> Option<Offered<'_>> {
        if self.ecs_chosen().is_some() {
            return None;
        }
        match self.mode {
            PickMode::Revisions => self.revisions.get(self.selected).map(Offered::Revision),
            PickMode::ImageTags => loaded(self.image_tags.as_ref()).and_then(|t| {
                t.tags
                    .get(self.tag_selected)
                    .map(|c| Offered::ImageTag(t, c))
            }),
            PickMode::EbsSnapshots => loaded(self.ebs.as_ref()).and_then(|c| {
                c.snapshots
                    .get(self.ebs_selected)
                    .map(|s| Offered::Snapshot(c, s))
            }),
            PickMode::ServiceRevisions => self
                .service_choice()
                .map(|c| Offered::ServiceRevision(c, self.pin)),
        }
    }

    /// The highlighted EBS snapshot (the picker lists the EBS snapshots).
    pub fn highlighted_snapshot(&self) -> Option<&Snapshot> {
        match self.highlighted()? {
            Offered::Snapshot(_, s) => Some(s),
            Offered::Revision(_) | Offered::ImageTag(..) | Offered::ServiceRevision(..) => None,
        }
    }

    /// The plan ops makes of the highlighted row: exactly what confirming sends. `None`
    /// when nothing can be chosen (it is what runs, or the list is not there).
    pub fn plan(&self) -> Option<RollbackPlan> {
        self.plan_result()?.ok()
    }

    fn plan_result(&self) -> Option<crate::Result<RollbackPlan>> {
        let offered = self.highlighted()?;
        Some(
            rollback::plan_offered_with(
                &self.cluster,
                &self.service,
                &self.current,
                offered,
                self.force,
            )
            .map(|p| p.with_initialization_rate(self.initialization_rate)),
        )
    }

    /// The highlighted image tag, or an image of the highlighted service revision, is in
    /// ECR archive (or being restored): a task could not pull it.
    pub fn archived_image(&self) -> Option<ArchivedImage> {
        match self.highlighted()? {
            Offered::ImageTag(t, c) => c.status.is_unpullable().then(|| ArchivedImage {
                repository: parse_image_ref(&t.image).repository,
                reference: c.tag.clone(),
                status: c.status.clone(),
            }),
            Offered::ServiceRevision(c, _) => c.archived.clone(),
            Offered::Revision(_) | Offered::Snapshot(..) => None,
        }
    }

    /// Whether `t` acts on the highlighted row: an archived image, or a snapshot in the
    /// archive tier (temporarily restored or not — `t` restores it for 7 days from now).
    pub fn restorable(&self) -> bool {
        self.archived_image().is_some()
            || self
                .highlighted_snapshot()
                .is_some_and(Snapshot::in_archive_tier)
    }

    /// What is archived in the highlighted row and how long its restore takes, for the
    /// confirmation line: `("the snapshot", "up to 72 h")`, `("the image", "minutes")`.
    pub fn archived_what(&self) -> Option<(&'static str, &'static str)> {
        if self.archived_image().is_some() {
            return Some(("the image", "minutes"));
        }
        let s = self.highlighted_snapshot()?;
        s.is_archived(crate::config::now())
            .then_some(("the snapshot", "up to 72 h"))
    }

    /// The highlighted EBS snapshot is archived (not restored), or the highlighted image
    /// tag or service revision names an image in ECR archive: why it cannot be confirmed.
    pub fn archived(&self) -> Option<String> {
        if let Some(a) = self.archived_image() {
            let name = format!("{}:{}", a.repository, a.reference);
            return Some(if a.status == ImageStatus::Activating {
                format!(
                    "✗ {name} is being restored from ECR archive — it can be pulled in \
                     minutes; pick it again then"
                )
            } else {
                format!(
                    "✗ {name} is archived — restore first (minutes): t starts the restore \
                     (UpdateImageStorageClass), or ecsnap restore-image --repository {} \
                     --tag {}",
                    a.repository, a.reference
                )
            });
        }
        let s = self.highlighted_snapshot()?;
        s.is_archived(crate::config::now()).then(|| {
            format!(
                "✗ {} is archived — restore first (up to 72 h): t starts the restore \
                 (RestoreSnapshotTier), or ecsnap restore-snapshot --snapshot {}",
                s.id, s.id
            )
        })
    }

    /// The highlighted revision names an image deleted from ECR and `f` was not pressed:
    /// why it cannot be confirmed.
    pub fn refusal(&self) -> Option<String> {
        if self.mode != PickMode::Revisions || self.force || self.ecs_chosen().is_some() {
            return None;
        }
        let r = self.revisions.get(self.selected)?;
        let gone = r.deleted_images();
        let first = gone.first()?;
        Some(format!(
            "✗ image deleted: {} (container {}) — its tasks could not pull it; f overrides",
            short_image(&first.image),
            first.container
        ))
    }

    /// What changes against what runs if the highlighted row is confirmed (empty when
    /// nothing differs or nothing can be chosen).
    pub fn changes(&self) -> Vec<FieldChange> {
        match self.highlighted() {
            Some(Offered::Revision(r)) => r.changes.clone(),
            Some(Offered::ImageTag(t, choice)) => {
                let to = rollback::with_tag(&t.image, &choice.tag);
                if to == t.image {
                    return Vec::new();
                }
                vec![FieldChange {
                    container: Some(t.container.clone()),
                    field: "image",
                    name: None,
                    kind: ChangeKind::Changed,
                    from: Some(t.image.clone()),
                    to: Some(to),
                }]
            }
            Some(Offered::Snapshot(c, snap)) => {
                let from = c
                    .from_snapshot
                    .as_deref()
                    .and_then(|id| c.snapshots.iter().find(|s| s.id == id));
                diff_snapshots(&c.volume, c.from_snapshot.as_deref(), from, snap)
            }
            Some(Offered::ServiceRevision(c, _)) => c.changes.clone(),
            None => Vec::new(),
        }
    }

    /// `worker:2 → worker:1` (or `app → …:v1.5.0`), or why nothing can be chosen.
    pub fn headline(&self) -> String {
        use crate::ops::rollback::RollbackChange;
        if let Some(act) = self.ecs_chosen() {
            return act.summary();
        }
        let Some(plan) = self.plan() else {
            if let Some(why) = self.archived().or_else(|| self.refusal()) {
                return why;
            }
            return match self.mode {
                PickMode::EbsSnapshots => {
                    "pick a snapshot other than the one the volume starts from".into()
                }
                PickMode::ImageTags => "pick an image tag other than the one running".into(),
                PickMode::ServiceRevisions => {
                    "pick a service revision other than the one running".into()
                }
                PickMode::Revisions => format!(
                    "{} is what runs; pick another revision",
                    arn_name(&self.current)
                ),
            };
        };
        match &plan.change {
            RollbackChange::EbsSnapshot {
                volume,
                from_snapshot,
                to_snapshot,
                ..
            } => format!(
                "volume {volume}: {} → {to_snapshot} (new tasks get a volume from it)",
                from_snapshot.as_deref().unwrap_or("(no snapshot)"),
            ),
            RollbackChange::Image {
                container,
                from_image,
                to_image,
            } => format!(
                "container {container}: {} → {}",
                short_image(from_image),
                short_image(to_image)
            ),
            RollbackChange::Revision { to, .. } => {
                format!("{} → {}", arn_name(&self.current), arn_name(to))
            }
            RollbackChange::ServiceRevision(r) => {
                let pinned = if r.pin { " (digests pinned)" } else { "" };
                format!(
                    "{} → service revision {} ({}){pinned}",
                    arn_name(&self.current),
                    arn_name(&r.revision_arn),
                    arn_name(&r.task_definition)
                )
            }
        }
    }
}

/// `registry/repo:tag` → `repo:tag` (the registry is the same on both sides).
fn short_image(image: &str) -> &str {
    image.rsplit('/').next().unwrap_or(image)
}

/// A list the picker loads, once it answered (`None` before, or when it failed).
fn loaded<T>(list: Option<&Result<T, String>>) -> Option<&T> {
    list.and_then(|l| l.as_ref().ok())
}
