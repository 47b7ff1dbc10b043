//! Cleanup of orphaned EBS volumes, orphaned EBS snapshots, or old per-user ECR images.
//!
//! plan (what, why, GiB, $/month; what is skipped and why) → EC2 DryRun preflight per
//! resource → confirmation (by the caller) → `execute` with bounded concurrency, which
//! re-checks each resource's safety against fresh state first and returns a result per
//! resource: done / skipped (why) / failed (error).

pub mod execute;
pub mod images;

use chrono::{DateTime, Utc};
use futures::{StreamExt, TryStreamExt, stream};

pub use execute::{ExecuteOptions, ItemResult, ItemStatus, execute};

use crate::analysis::orphans::{OrphanReport, ResourceKind};
use crate::aws::{AwsClients, MAX_CONCURRENCY, Preflight};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::load::{load_in_use, load_orphans};
use crate::model::Image;

use super::guard::Mutator;
use images::{ImageRules, plan_images};

/// What a cleanup deletes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CleanupTarget {
    Volumes,
    Snapshots,
    Images,
}

impl CleanupTarget {
    pub fn noun(self) -> &'static str {
        match self {
            CleanupTarget::Volumes => "volumes",
            CleanupTarget::Snapshots => "snapshots",
            CleanupTarget::Images => "images",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Volume,
    Snapshot,
    Image,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Volume => "volume",
            ItemKind::Snapshot => "snapshot",
            ItemKind::Image => "image",
        }
    }
}

/// One resource the plan deletes.
#[derive(Debug, Clone, PartialEq)]
pub struct CleanupItem {
    pub kind: ItemKind,
    /// `vol-…`, `snap-…`, or `repository@sha256:…`.
    pub id: String,
    pub repository: Option<String>,
    pub digest: Option<String>,
    /// Image tags, or nothing for EBS resources.
    pub tags: Vec<String>,
    pub size_gib: f64,
    pub age_days: Option<i64>,
    pub monthly_cost_usd: f64,
    pub reason: String,
    /// The DryRun answer (EC2 only), once the preflight ran.
    pub preflight: Option<Preflight>,
}

impl CleanupItem {
    /// An orphaned EBS volume or snapshot (no repository, digest or tags).
    fn ebs(
        kind: ItemKind,
        id: &str,
        size_gib: i32,
        age_days: Option<i64>,
        monthly_cost_usd: f64,
        reason: &str,
    ) -> Self {
        Self {
            kind,
            id: id.to_string(),
            repository: None,
            digest: None,
            tags: Vec::new(),
            size_gib: f64::from(size_gib),
            age_days,
            monthly_cost_usd,
            reason: reason.to_string(),
            preflight: None,
        }
    }

    /// Not allowed or not checkable by the DryRun preflight: it will not be sent.
    pub fn blocked(&self) -> Option<&str> {
        match &self.preflight {
            Some(Preflight::Denied(why) | Preflight::Failed(why)) => Some(why),
            _ => None,
        }
    }
}

/// A resource left alone, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedItem {
    pub id: String,
    pub kind: ItemKind,
    pub reason: String,
}

/// What a cleanup will do: shown, confirmed, then executed exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct CleanupPlan {
    pub target: CleanupTarget,
    pub items: Vec<CleanupItem>,
    pub skipped: Vec<SkippedItem>,
    pub min_age_days: Option<i64>,
    pub snapshot_first: bool,
    pub keep_newest: usize,
    /// Whether the DryRun preflight ran (EC2 targets, not in read-only mode).
    pub preflight_done: bool,
}

impl CleanupPlan {
    /// The items that will be sent (not blocked by the preflight).
    pub fn to_execute(&self) -> impl Iterator<Item = &CleanupItem> {
        self.items.iter().filter(|i| i.blocked().is_none())
    }

    pub fn total_gib(&self) -> f64 {
        self.items.iter().map(|i| i.size_gib).sum()
    }

    pub fn total_monthly_usd(&self) -> f64 {
        crate::analysis::cost::cents(self.items.iter().map(|i| i.monthly_cost_usd).sum())
    }
}

fn skipped_of(report: &OrphanReport, kind: ResourceKind) -> Vec<SkippedItem> {
    report
        .skipped
        .iter()
        .filter(|s| s.kind == kind)
        .map(|s| SkippedItem {
            id: s.id.clone(),
            kind: match s.kind {
                ResourceKind::Volume => ItemKind::Volume,
                ResourceKind::Snapshot => ItemKind::Snapshot,
            },
            reason: s.reason.clone(),
        })
        .collect()
}

/// Every image of every repository.
pub(crate) async fn load_all_images(aws: &AwsClients) -> Result<Vec<Image>> {
    let repos = aws.ecr.list_repositories().await?;
    let names: Vec<String> = repos.into_iter().map(|r| r.name).collect();
    let per: Vec<Vec<Image>> = stream::iter(names)
        .map(|name| async move { aws.ecr.list_images(&name).await })
        .buffer_unordered(MAX_CONCURRENCY)
        .try_collect()
        .await?;
    Ok(per.into_iter().flatten().collect())
}

/// Builds the plan from the orphan rules (volumes, snapshots) or the per-user tag rules
/// (images). Reads only.
pub async fn plan(
    aws: &AwsClients,
    settings: &Settings,
    account: Option<&str>,
    target: CleanupTarget,
    min_age_days: Option<i64>,
    snapshot_first: bool,
    now: DateTime<Utc>,
) -> Result<CleanupPlan> {
    if snapshot_first && target != CleanupTarget::Volumes {
        return Err(Error::Usage(
            "--snapshot-first only applies to --volumes".into(),
        ));
    }
    let (items, skipped) = match target {
        CleanupTarget::Volumes | CleanupTarget::Snapshots => {
            let report = load_orphans(aws, settings, account, min_age_days, now).await?;
            if target == CleanupTarget::Volumes {
                let items = report
                    .volumes
                    .iter()
                    .map(|o| {
                        CleanupItem::ebs(
                            ItemKind::Volume,
                            &o.volume.id,
                            o.volume.size_gib,
                            o.age_days,
                            o.monthly_cost_usd,
                            &o.reason,
                        )
                    })
                    .collect();
                (items, skipped_of(&report, ResourceKind::Volume))
            } else {
                let items = report
                    .snapshots
                    .iter()
                    .map(|o| {
                        CleanupItem::ebs(
                            ItemKind::Snapshot,
                            &o.snapshot.id,
                            o.snapshot.size_gib,
                            o.age_days,
                            o.monthly_cost_usd,
                            &o.reason,
                        )
                    })
                    .collect();
                (items, skipped_of(&report, ResourceKind::Snapshot))
            }
        }
        CleanupTarget::Images => {
            let (images, in_use) = futures::try_join!(load_all_images(aws), load_in_use(aws))?;
            plan_images(
                &images,
                &in_use,
                &ImageRules {
                    pattern: &settings.tag_pattern,
                    keep_newest: settings.keep_newest,
                    min_age_days,
                    now,
                    price_per_gb_month: settings.prices.ecr,
                },
            )
        }
    };
    Ok(CleanupPlan {
        target,
        items,
        skipped,
        min_age_days,
        snapshot_first,
        keep_newest: settings.keep_newest,
        preflight_done: false,
    })
}

/// Runs the EC2 DryRun checks for every planned volume / snapshot (and CreateSnapshot
/// for snapshot-first), so permission problems show per resource before anything is
/// deleted. ECR has no DryRun; images are left unchecked. Skipped in read-only mode.
pub async fn preflight(mutator: &Mutator, plan: &mut CleanupPlan) {
    if mutator.is_read_only() || plan.target == CleanupTarget::Images {
        return;
    }
    let snapshot_first = plan.snapshot_first;
    // Owned ids, so the future stays `Send` when the console spawns it.
    let jobs: Vec<(usize, String, ItemKind)> = plan
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| (i, item.id.clone(), item.kind))
        .collect();
    let answers: Vec<(usize, Preflight)> = stream::iter(jobs)
        .map(|(i, id, kind)| async move {
            let answer = match kind {
                ItemKind::Volume => {
                    let delete = mutator.preflight_delete_volume(&id).await;
                    if snapshot_first && delete == Preflight::Allowed {
                        mutator.preflight_create_snapshot(&id).await
                    } else {
                        delete
                    }
                }
                ItemKind::Snapshot => mutator.preflight_delete_snapshot(&id).await,
                ItemKind::Image => Preflight::Allowed,
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
