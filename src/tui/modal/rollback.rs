//! The rollback picker: the family's revisions newest first, each with its images and
//! registration date, the one before what the service runs preselected; `i` switches to
//! the container's image tags, then to the completed snapshots of the service's managed
//! EBS volume. Confirming runs exactly the choice shown as selected.

use chrono::{DateTime, Utc};

use crate::model::{Snapshot, arn_name};
use crate::ops::rollback::{Revision, RollbackChange, RollbackPlan, with_tag};

/// One image tag the container could roll back to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagChoice {
    pub tag: String,
    pub pushed_at: Option<DateTime<Utc>>,
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
}

/// What the picker lists; `i` moves to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickMode {
    Revisions,
    ImageTags,
    EbsSnapshots,
}

impl PickMode {
    #[must_use]
    pub fn next(self) -> Self {
        match self {
            PickMode::Revisions => PickMode::ImageTags,
            PickMode::ImageTags => PickMode::EbsSnapshots,
            PickMode::EbsSnapshots => PickMode::Revisions,
        }
    }

    /// What the picker lists in this mode, for the hint naming the next one.
    pub fn label(self) -> &'static str {
        match self {
            PickMode::Revisions => "the revisions",
            PickMode::ImageTags => "the container's image tags",
            PickMode::EbsSnapshots => "the EBS volume's snapshots",
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
            image_tags: None,
            tag_selected: 0,
            ebs: None,
            ebs_selected: 0,
        }
    }

    fn current_revision(&self) -> Option<i32> {
        crate::aws::revision_of(&self.current)
    }

    /// Fills the picker and selects the newest revision older than the current one (else
    /// the first that is not current).
    pub fn set_revisions(&mut self, revisions: Vec<Revision>) {
        let current = self.current_revision();
        self.selected = revisions
            .iter()
            .position(|r| !r.current && current.is_some_and(|c| r.revision < c))
            .or_else(|| revisions.iter().position(|r| !r.current))
            .unwrap_or(0);
        self.revisions = revisions;
    }

    /// Fills the image-tag choices, selecting the newest tag older than the running one.
    pub fn set_image_tags(&mut self, tags: Result<ImageTags, String>) {
        if let Ok(t) = &tags {
            let running = t.image.rsplit(':').next().unwrap_or_default();
            let at = t.tags.iter().position(|c| c.tag == running);
            self.tag_selected = at.map_or(0, |i| (i + 1).min(t.tags.len().saturating_sub(1)));
        }
        self.image_tags = Some(tags);
    }

    /// Fills the snapshot choices, selecting the newest one the volume does not start from.
    pub fn set_ebs(&mut self, choices: Result<EbsChoices, String>) {
        if let Ok(c) = &choices {
            self.ebs_selected = c
                .snapshots
                .iter()
                .position(|s| Some(&s.id) != c.from_snapshot.as_ref())
                .unwrap_or(0);
        }
        self.ebs = Some(choices);
    }

    pub fn toggle_mode(&mut self) {
        self.mode = self.mode.next();
    }

    pub fn move_by(&mut self, delta: isize) {
        let (len, at) = match self.mode {
            PickMode::Revisions => (self.revisions.len(), &mut self.selected),
            PickMode::ImageTags => (
                self.image_tags
                    .as_ref()
                    .and_then(|t| t.as_ref().ok())
                    .map_or(0, |t| t.tags.len()),
                &mut self.tag_selected,
            ),
            PickMode::EbsSnapshots => (
                self.ebs
                    .as_ref()
                    .and_then(|c| c.as_ref().ok())
                    .map_or(0, |c| c.snapshots.len()),
                &mut self.ebs_selected,
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
        }
    }

    /// The selected snapshot, when the volume does not already start from it.
    pub fn chosen_snapshot(&self) -> Option<(&EbsChoices, &Snapshot)> {
        let Some(Ok(c)) = &self.ebs else {
            return None;
        };
        let s = c.snapshots.get(self.ebs_selected)?;
        (Some(&s.id) != c.from_snapshot.as_ref()).then_some((c, s))
    }

    pub fn chosen(&self) -> Option<&Revision> {
        self.revisions.get(self.selected).filter(|r| !r.current)
    }

    /// The selected image tag and the image it makes, when it differs from what runs.
    pub fn chosen_tag(&self) -> Option<(&ImageTags, String)> {
        let Some(Ok(t)) = &self.image_tags else {
            return None;
        };
        let choice = t.tags.get(self.tag_selected)?;
        let to = with_tag(&t.image, &choice.tag);
        (to != t.image).then_some((t, to))
    }

    /// The plan for what is selected: exactly what confirming sends.
    pub fn plan(&self) -> Option<RollbackPlan> {
        if self.mode == PickMode::EbsSnapshots {
            let (c, s) = self.chosen_snapshot()?;
            return Some(RollbackPlan {
                cluster: self.cluster.clone(),
                service: self.service.clone(),
                current: self.current.clone(),
                change: RollbackChange::EbsSnapshot {
                    volume: c.volume.clone(),
                    from_snapshot: c.from_snapshot.clone(),
                    to_snapshot: s.id.clone(),
                    note: None,
                },
            });
        }
        if self.mode == PickMode::ImageTags {
            let (t, to_image) = self.chosen_tag()?;
            return Some(RollbackPlan {
                cluster: self.cluster.clone(),
                service: self.service.clone(),
                current: self.current.clone(),
                change: RollbackChange::Image {
                    container: t.container.clone(),
                    from_image: t.image.clone(),
                    to_image,
                },
            });
        }
        let r = self.chosen()?;
        Some(RollbackPlan {
            cluster: self.cluster.clone(),
            service: self.service.clone(),
            current: self.current.clone(),
            change: RollbackChange::Revision {
                to: r.arn.clone(),
                revision: r.revision,
                images: r.images.clone(),
            },
        })
    }

    /// `worker:2 → worker:1` (or `app → …:v1.5.0`), or why nothing can be chosen.
    pub fn headline(&self) -> String {
        if self.mode == PickMode::EbsSnapshots {
            return match self.chosen_snapshot() {
                Some((c, s)) => format!(
                    "volume {}: {} → {} (new tasks get a volume from it)",
                    c.volume,
                    c.from_snapshot.as_deref().unwrap_or("(no snapshot)"),
                    s.id
                ),
                None => "pick a snapshot other than the one the volume starts from".into(),
            };
        }
        if self.mode == PickMode::ImageTags {
            return match self.chosen_tag() {
                Some((t, to)) => format!(
                    "container {}: {} → {}",
                    t.container,
                    short_image(&t.image),
                    short_image(&to)
                ),
                None => "pick an image tag other than the one running".into(),
            };
        }
        match self.chosen() {
            Some(r) => format!("{} → {}", arn_name(&self.current), arn_name(&r.arn)),
            None => format!(
                "{} is what runs; pick another revision",
                arn_name(&self.current)
            ),
        }
    }
}

/// `registry/repo:tag` → `repo:tag` (the registry is the same on both sides).
fn short_image(image: &str) -> &str {
    image.rsplit('/').next().unwrap_or(image)
}
