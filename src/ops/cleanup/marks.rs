//! Cleanup with a grace period: `--mark` tags each planned orphan with the date it may be
//! deleted (`ecsnap:delete-after`) and its owner (`ecsnap:owner`); `--marked` deletes only
//! marked orphans past their date that are still orphaned, and removes the mark from
//! anything attached or in use again. Plans read only; every tag change and deletion goes
//! through the `Mutator` (read-only refusal, audit line).

use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, Utc};

use super::execute::{ItemResult, ItemStatus};
use super::plan::{CleanupItem, CleanupPlan};
use super::{PlanContext, Selection};
use crate::analysis::marks::{DELETE_AFTER_TAG, OWNER_TAG, delete_after, is_marked, owner_of};
use crate::analysis::orphans::{EbsOrphan, OrphanFilter, OrphanReport};
use crate::aws::AwsClients;
use crate::error::{Error, Result};
use crate::model::{ResourceKind, Skipped, VolumeState};
use crate::ops::guard::Mutator;

/// One orphan to mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub id: String,
    pub kind: ResourceKind,
    pub size_gib: i32,
    pub delete_after: NaiveDate,
    pub owner: String,
}

/// What `--mark` tags, and what it leaves alone (already marked, or kept by the rules).
#[derive(Debug, Clone, PartialEq)]
pub struct MarkPlan {
    pub target: ResourceKind,
    pub after_days: u32,
    pub marks: Vec<Mark>,
    pub skipped: Vec<Skipped>,
}

/// A mark to remove: the resource is attached or in use again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmark {
    pub id: String,
    pub kind: ResourceKind,
    /// `attached to i-… since the mark`, `in use again: …`.
    pub why: String,
}

/// What `--marked` does: deletes the due marked orphans (a normal cleanup plan, whose
/// skipped list holds the marks not yet due), and unmarks what is in use again.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkedPlan {
    pub delete: CleanupPlan,
    pub unmark: Vec<Unmark>,
}

fn ebs_only(target: ResourceKind) -> Result<()> {
    if target == ResourceKind::Image {
        return Err(Error::Usage(
            "--mark and --marked apply to --volumes and --snapshots".into(),
        ));
    }
    Ok(())
}

/// The plan for `--mark`: every orphan of `target` the rules offer, marked for deletion
/// `after_days` from today (UTC). Reads only.
pub async fn plan_mark(
    cx: PlanContext<'_>,
    target: ResourceKind,
    filter: OrphanFilter,
    after_days: u32,
) -> Result<MarkPlan> {
    ebs_only(target)?;
    let report = cx.orphans(filter).await?;
    mark_plan_of(&report, target, after_days, cx.now)
}

/// The console's `m`: a plan per kind marking exactly the `selection`'s volumes and
/// snapshots for deletion `after_days` from today; a selected id that is no longer an
/// orphan (or is already marked) is skipped with why. Reads only.
pub async fn plan_mark_selected(
    cx: PlanContext<'_>,
    selection: &Selection,
    after_days: u32,
) -> Result<Vec<MarkPlan>> {
    let report = cx.orphans(OrphanFilter::default()).await?;
    let mut plans = Vec::new();
    for target in [ResourceKind::Volume, ResourceKind::Snapshot] {
        let ids = selection.ids(target);
        if ids.is_empty() {
            continue;
        }
        let mut plan = mark_plan_of(&report, target, after_days, cx.now)?;
        plan.marks.retain(|m| ids.contains(&m.id));
        plan.skipped.retain(|s| ids.contains(&s.id));
        for id in ids {
            let planned = plan.marks.iter().any(|m| &m.id == id);
            if !planned && !plan.skipped.iter().any(|s| &s.id == id) {
                plan.skipped.push(Skipped::new(
                    id,
                    target,
                    0.0,
                    "no longer an orphan (attached, in use or gone since the list was read)",
                ));
            }
        }
        plans.push(plan);
    }
    Ok(plans)
}

/// The `--mark` plan of `target` from a loaded report.
fn mark_plan_of(
    report: &OrphanReport,
    target: ResourceKind,
    after_days: u32,
    now: DateTime<Utc>,
) -> Result<MarkPlan> {
    let date = now
        .date_naive()
        .checked_add_days(Days::new(u64::from(after_days)))
        .ok_or_else(|| Error::Usage(format!("--after {after_days}d is past any date")))?;
    let mut plan = MarkPlan {
        target,
        after_days,
        marks: Vec::new(),
        skipped: report
            .skipped
            .iter()
            .filter(|s| s.kind == target)
            .cloned()
            .collect(),
    };
    for EbsOrphan {
        id,
        size_gib: size,
        tags,
        ..
    } in report.ebs(target)
    {
        if is_marked(tags) {
            let when = tags.get(DELETE_AFTER_TAG).cloned().unwrap_or_default();
            plan.skipped.push(Skipped::new(
                id,
                target,
                f64::from(size),
                format!("already marked: to be deleted on {when}"),
            ));
            continue;
        }
        plan.marks.push(Mark {
            id: id.to_string(),
            kind: target,
            size_gib: size,
            delete_after: date,
            owner: owner_of(tags),
        });
    }
    Ok(plan)
}

fn refuse_read_only(mutator: &Mutator) -> Result<()> {
    if mutator.is_read_only() {
        return Err(Error::Refused(
            "read-only: marks are tags on your resources, so marking and unmarking are \
             refused like deleting. Nothing was sent"
                .into(),
        ));
    }
    Ok(())
}

/// Tags each planned orphan; one result per mark.
pub async fn execute_mark(mutator: &Mutator, plan: &MarkPlan) -> Result<Vec<ItemResult>> {
    refuse_read_only(mutator)?;
    let mut results = Vec::new();
    for m in &plan.marks {
        let date = m.delete_after.format("%Y-%m-%d").to_string();
        let tags = vec![
            (DELETE_AFTER_TAG.to_string(), date.clone()),
            (OWNER_TAG.to_string(), m.owner.clone()),
        ];
        let (status, detail) = match mutator.create_tags(&m.id, &tags).await {
            Ok(()) => (
                ItemStatus::Done,
                format!("marked: to be deleted on {date} (owner {})", m.owner),
            ),
            Err(e) => (ItemStatus::Failed, e.to_string()),
        };
        results.push(ItemResult {
            id: m.id.clone(),
            kind: m.kind,
            status,
            detail: Some(detail),
            snapshot_id: None,
        });
    }
    Ok(results)
}

/// A marked volume or snapshot, orphaned or not.
struct Marked {
    id: String,
    size_gib: i32,
    tags: BTreeMap<String, String>,
    /// Volumes: what shows it is in use again (attached, not `available`).
    in_use: Option<String>,
}

/// Every marked resource of `target`.
async fn marked_resources(
    aws: &AwsClients,
    account: Option<&str>,
    target: ResourceKind,
) -> Result<Vec<Marked>> {
    Ok(match target {
        ResourceKind::Volume => aws
            .ec2
            .describe_volumes()
            .await?
            .into_iter()
            .filter(|v| is_marked(&v.tags))
            .map(|v| {
                let in_use = if !v.attached_to.is_empty() {
                    Some(format!(
                        "attached to {} since the mark",
                        v.attached_to.join(", ")
                    ))
                } else if v.state != VolumeState::Available {
                    Some(format!("{} since the mark", v.state))
                } else {
                    None
                };
                Marked {
                    id: v.id,
                    size_gib: v.size_gib,
                    tags: v.tags,
                    in_use,
                }
            })
            .collect(),
        _ => aws
            .ec2
            .describe_own_snapshots(account)
            .await?
            .into_iter()
            .filter(|s| is_marked(&s.tags))
            .map(|s| Marked {
                id: s.id,
                size_gib: s.size_gib,
                tags: s.tags,
                in_use: None,
            })
            .collect(),
    })
}

/// The plan for `--marked`. Reads only.
pub async fn plan_marked(cx: PlanContext<'_>, target: ResourceKind) -> Result<MarkedPlan> {
    ebs_only(target)?;
    let PlanContext {
        aws,
        settings,
        account,
        now,
    } = cx;
    let report = cx.orphans(OrphanFilter::default()).await?;
    let today = now.date_naive();
    let mut delete = CleanupPlan::new(target, Vec::new(), settings.keep_newest);
    let mut unmark = Vec::new();
    let marked = marked_resources(aws, account, target).await?;
    let orphans = report.ebs(target);
    for Marked {
        id,
        size_gib: size,
        tags,
        in_use,
    } in marked
    {
        let Some(orphan) = orphans.iter().find(|o| o.id == id) else {
            let why = in_use.unwrap_or_else(|| {
                report.skipped.iter().find(|s| s.id == id).map_or_else(
                    || "in use again since the mark (no longer an orphan)".to_string(),
                    |s| format!("no longer an orphan since the mark: {}", s.reason),
                )
            });
            unmark.push(Unmark {
                id,
                kind: target,
                why,
            });
            continue;
        };
        let owner = tags
            .get(OWNER_TAG)
            .cloned()
            .unwrap_or_else(|| owner_of(&tags));
        match delete_after(&tags) {
            Some(date) if date <= today => {
                delete.items.push(CleanupItem::ebs(
                    target,
                    &id,
                    size,
                    orphan.age_days,
                    orphan.monthly_cost_usd,
                    &format!(
                        "marked for {date} (owner {owner}), still orphaned: {}",
                        orphan.reason
                    ),
                ));
            }
            Some(date) => delete.skipped.push(Skipped::new(
                &id,
                target,
                f64::from(size),
                format!("marked: to be deleted on {date} (owner {owner})"),
            )),
            None => delete.skipped.push(Skipped::new(
                &id,
                target,
                f64::from(size),
                format!(
                    "marked, but {DELETE_AFTER_TAG} is not a YYYY-MM-DD date: {}",
                    tags.get(DELETE_AFTER_TAG).cloned().unwrap_or_default()
                ),
            )),
        }
    }
    super::locks::skip_locked(aws, &mut delete, now).await;
    Ok(MarkedPlan { delete, unmark })
}

/// Removes the marks of what is in use again; one result per resource.
pub async fn execute_unmark(mutator: &Mutator, plan: &MarkedPlan) -> Result<Vec<ItemResult>> {
    refuse_read_only(mutator)?;
    let keys = vec![DELETE_AFTER_TAG.to_string(), OWNER_TAG.to_string()];
    let mut results = Vec::new();
    for u in &plan.unmark {
        let (status, detail) = match mutator.delete_tags(&u.id, &keys).await {
            Ok(()) => (ItemStatus::Done, format!("unmarked: {}", u.why)),
            Err(e) => (ItemStatus::Failed, e.to_string()),
        };
        results.push(ItemResult {
            id: u.id.clone(),
            kind: u.kind,
            status,
            detail: Some(detail),
            snapshot_id: None,
        });
    }
    Ok(results)
}
