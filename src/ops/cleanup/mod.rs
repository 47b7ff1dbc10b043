//! Cleanup of orphaned EBS volumes, orphaned EBS snapshots, or old per-user ECR images.
//!
//! plan (what, why, GiB, $/month; what is skipped and why) → EC2 DryRun preflight per
//! resource → confirmation (by the caller) → `execute` with bounded concurrency, which
//! re-checks each resource's safety against fresh state first and returns a result per
//! resource: done / skipped (why) / failed (error).

pub mod archive;
mod context;
pub mod execute;
pub mod fleet;
mod image_units;
pub mod images;
mod locks;
pub mod marks;
mod plan;

use futures::{StreamExt, stream};

pub use context::PlanContext;
pub use execute::{ExecuteOptions, ItemResult, ItemStatus, execute, not_sent};
pub use plan::{CleanupItem, CleanupPlan, CleanupVerb};

use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::orphans::{OrphanFilter, OrphanReport};
use crate::analysis::recycle_bin::{Recovery, not_checked_line as recycle_not_checked, recovery};
use crate::aws::Preflight;
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::load::{load_retention_rules, rbin_type};
use crate::model::{ResourceKind, RetentionRule, Skipped};

use super::guard::Mutator;
use images::ImageState;

fn skipped_of(report: &OrphanReport, kind: ResourceKind) -> Vec<Skipped> {
    report
        .skipped
        .iter()
        .filter(|s| s.kind == kind)
        .cloned()
        .collect()
}

/// What the rules offer for deletion, loaded once per kind asked for: one orphan report
/// serves volumes and snapshots; images come with the in-use state.
struct Candidates {
    orphans: Option<OrphanReport>,
    images: Option<(Vec<CleanupItem>, Vec<Skipped>)>,
    /// The Recycle Bin rules for the EBS kinds, or why they could not be read.
    recycle: std::result::Result<Vec<RetentionRule>, String>,
}

impl Candidates {
    async fn load(
        cx: PlanContext<'_>,
        kinds: &[ResourceKind],
        filter: OrphanFilter,
    ) -> Result<Self> {
        let PlanContext {
            aws, settings, now, ..
        } = cx;
        let min_age_days = filter.min_age_days;
        let wants_ebs = kinds
            .iter()
            .any(|k| matches!(k, ResourceKind::Volume | ResourceKind::Snapshot));
        let wants_images = kinds.contains(&ResourceKind::Image);
        let orphans = async {
            if wants_ebs {
                cx.orphans(filter).await.map(Some)
            } else {
                Ok(None)
            }
        };
        let images = async {
            if !wants_images {
                return Ok(None);
            }
            let state = ImageState::load(aws, settings).await?;
            Ok(Some(state.plan(&state.rules(
                settings,
                settings.keep_newest,
                min_age_days,
                now,
            ))))
        };
        let rules = async { Ok(load_retention_rules(aws, kinds).await) };
        let (orphans, images, recycle) = futures::try_join!(orphans, images, rules)?;
        Ok(Self {
            orphans,
            images,
            recycle: recycle.map_err(|e| e.to_string()),
        })
    }

    /// The items and skipped entries of one kind.
    fn of(&self, kind: ResourceKind) -> (Vec<CleanupItem>, Vec<Skipped>) {
        match (kind, &self.orphans, &self.images) {
            (ResourceKind::Volume | ResourceKind::Snapshot, Some(report), _) => (
                report
                    .ebs(kind)
                    .into_iter()
                    .map(|o| {
                        let mut item = CleanupItem::ebs(
                            kind,
                            o.id,
                            o.size_gib,
                            o.age_days,
                            o.monthly_cost_usd,
                            o.reason,
                        );
                        item.recycle_bin = self.recovery(kind, o.tags);
                        item
                    })
                    .collect(),
                skipped_of(report, kind),
            ),
            (ResourceKind::Image, _, Some((items, skipped))) => (items.clone(), skipped.clone()),
            _ => (Vec::new(), Vec::new()),
        }
    }

    /// What deleting a resource of `kind` with `tags` does, when the rules were read.
    fn recovery(&self, kind: ResourceKind, tags: &BTreeMap<String, String>) -> Option<Recovery> {
        let rules = self.recycle.as_ref().ok()?;
        Some(recovery(rules, rbin_type(kind)?, tags))
    }

    fn plan(
        &self,
        kind: ResourceKind,
        settings: &Settings,
        min_age_days: Option<i64>,
    ) -> CleanupPlan {
        let (items, skipped) = self.of(kind);
        let notes = match &self.recycle {
            Err(e) if rbin_type(kind).is_some() => vec![recycle_not_checked(e)],
            _ => Vec::new(),
        };
        CleanupPlan {
            skipped,
            min_age_days,
            notes,
            ..CleanupPlan::new(kind, items, settings.keep_newest)
        }
    }
}

/// Builds the plan for every candidate of one kind, from the orphan rules (volumes,
/// snapshots) or the per-user tag rules (images). Reads only.
pub async fn plan(
    cx: PlanContext<'_>,
    target: ResourceKind,
    filter: OrphanFilter,
    snapshot_first: bool,
) -> Result<CleanupPlan> {
    let min_age_days = filter.min_age_days;
    if snapshot_first && target != ResourceKind::Volume {
        return Err(Error::Usage(
            "--snapshot-first only applies to --volumes".into(),
        ));
    }
    if filter.unattached_days.is_some() && target != ResourceKind::Volume {
        return Err(Error::Usage(
            "--unattached-days only applies to --volumes".into(),
        ));
    }
    let candidates = Candidates::load(cx, &[target], filter).await?;
    let mut plan = candidates.plan(target, cx.settings, min_age_days);
    plan.snapshot_first = snapshot_first;
    locks::skip_locked(cx.aws, &mut plan, cx.now).await;
    Ok(plan)
}

/// Resources picked by id (the console's marks), by kind; images as `repository@digest`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub volumes: BTreeSet<String>,
    pub snapshots: BTreeSet<String>,
    pub images: BTreeSet<String>,
    /// Archive the snapshots (ModifySnapshotTier) instead of deleting anything: the
    /// console's `A` in Orphans, planned by `archive::plan_selected` (volumes and images
    /// are then left out).
    pub archive: bool,
}

impl Selection {
    /// The ids of one kind.
    pub fn ids(&self, kind: ResourceKind) -> &BTreeSet<String> {
        match kind {
            ResourceKind::Volume => &self.volumes,
            ResourceKind::Snapshot => &self.snapshots,
            ResourceKind::Image => &self.images,
        }
    }

    pub fn len(&self) -> usize {
        self.volumes.len() + self.snapshots.len() + self.images.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One plan per kind selected, narrowed to the selected ids, loading each kind once: only
/// selected items are deleted; a selected id the rules skip keeps their reason; one they
/// no longer know is skipped with a reason. Reads only.
pub async fn plan_for(cx: PlanContext<'_>, selection: &Selection) -> Result<Vec<CleanupPlan>> {
    let kinds: Vec<ResourceKind> = [
        ResourceKind::Volume,
        ResourceKind::Snapshot,
        ResourceKind::Image,
    ]
    .into_iter()
    .filter(|k| !selection.ids(*k).is_empty())
    .collect();
    if kinds.is_empty() {
        return Ok(Vec::new());
    }
    let candidates = Candidates::load(cx, &kinds, OrphanFilter::default()).await?;
    let mut plans = Vec::new();
    for kind in kinds {
        let mut plan = candidates.plan(kind, cx.settings, None);
        restrict(&mut plan, selection.ids(kind));
        locks::skip_locked(cx.aws, &mut plan, cx.now).await;
        plans.push(plan);
    }
    Ok(plans)
}

/// Narrows a plan to `ids` (see `plan_for`).
fn restrict(plan: &mut CleanupPlan, ids: &BTreeSet<String>) {
    plan.items.retain(|i| ids.contains(&i.id));
    plan.skipped.retain(|s| ids.contains(&s.id));
    for id in ids {
        let known =
            plan.items.iter().any(|i| &i.id == id) || plan.skipped.iter().any(|s| &s.id == id);
        if !known {
            plan.skipped.push(Skipped::new(
                id,
                plan.target,
                0.0,
                "no longer a cleanup candidate (gone, attached, protected or among the newest \
                 tags since the list loaded)",
            ));
        }
    }
}

/// Runs the EC2 DryRun checks for every planned volume / snapshot (and CreateSnapshot
/// for snapshot-first), so permission problems show per resource before anything is
/// deleted. ECR has no DryRun; images are left unchecked. Skipped in read-only mode.
pub async fn preflight(mutator: &Mutator, plan: &mut CleanupPlan) {
    if mutator.is_read_only() || plan.target == ResourceKind::Image {
        return;
    }
    let snapshot_first = plan.snapshot_first;
    let archive = plan.archive;
    // Owned ids, so the future stays `Send` when the console spawns it.
    let jobs: Vec<(usize, String, ResourceKind)> = plan
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| (i, item.id.clone(), item.kind))
        .collect();
    let answers: Vec<(usize, Preflight)> = stream::iter(jobs)
        .map(|(i, id, kind)| async move {
            let answer = match kind {
                ResourceKind::Volume => {
                    let delete = mutator.preflight_delete_volume(&id).await;
                    if snapshot_first && delete == Preflight::Allowed {
                        mutator.preflight_create_snapshot(&id).await
                    } else {
                        delete
                    }
                }
                ResourceKind::Snapshot if archive => mutator.preflight_archive_snapshot(&id).await,
                ResourceKind::Snapshot => mutator.preflight_delete_snapshot(&id).await,
                ResourceKind::Image => Preflight::Allowed,
            };
            (i, answer)
        })
        .buffer_unordered(4)
        .collect()
        .await;
    for (i, answer) in answers {
        if let Some(item) = plan.items.get_mut(i) {
            item.preflight = Some(answer);
        }
    }
    plan.preflight_done = true;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn volume(id: &str) -> CleanupItem {
        CleanupItem::ebs(ResourceKind::Volume, id, 100, Some(30), 8.0, "available")
    }

    #[test]
    fn restrict_keeps_only_marked_ids_and_explains_the_rest() {
        let mut plan = CleanupPlan {
            skipped: vec![Skipped::new(
                "vol-keep",
                ResourceKind::Volume,
                8.0,
                "protected by tag ecsnap:keep",
            )],
            ..CleanupPlan::new(
                ResourceKind::Volume,
                vec![volume("vol-a"), volume("vol-b")],
                3,
            )
        };
        let ids: BTreeSet<String> = ["vol-a", "vol-keep", "vol-gone"]
            .iter()
            .map(|s| (*s).to_string())
            .collect();
        restrict(&mut plan, &ids);
        assert_eq!(
            plan.items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
            ["vol-a"]
        );
        let skipped: Vec<(&str, &str)> = plan
            .skipped
            .iter()
            .map(|s| (s.id.as_str(), s.reason.as_str()))
            .collect();
        assert_eq!(skipped[0], ("vol-keep", "protected by tag ecsnap:keep"));
        assert_eq!(skipped[1].0, "vol-gone");
        assert!(skipped[1].1.contains("no longer a cleanup candidate"));
    }

    #[test]
    fn a_selection_counts_every_kind() {
        let mut s = Selection::default();
        assert!(s.is_empty());
        s.volumes.insert("vol-a".into());
        s.images.insert("ws@sha256:a".into());
        assert_eq!(s.len(), 2);
        assert_eq!(s.ids(ResourceKind::Image).len(), 1);
        assert!(s.ids(ResourceKind::Snapshot).is_empty());
    }
}
