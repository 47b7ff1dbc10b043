//! Cleanup's `--archive`: orphaned snapshots moved to the EBS snapshot archive tier
//! (ModifySnapshotTier) instead of deleted — kept cheaply, at the archive's 90-day minimum.
//! The plan is a `CleanupPlan` with `archive` set, so it takes the same path as a deletion:
//! the DryRun preflight (ModifySnapshotTier), one confirmation, the re-check and the
//! per-resource results, every request through the `Mutator`. Snapshots already archived,
//! temporarily restored, not completed, locked or backing an AMI are skipped with why.

use std::collections::BTreeSet;

use super::plan::CleanupPlan;
use super::{Candidates, PlanContext, Selection, locks, restrict};
use crate::analysis::archive::not_archivable;
use crate::analysis::cost::{archive_monthly, archive_plan_note};
use crate::analysis::orphans::OrphanFilter;
use crate::error::Result;
use crate::model::{ResourceKind, Skipped, Snapshot};

/// What archiving every planned snapshot costs a month, in the archive tier.
pub fn archive_monthly_total(plan: &CleanupPlan) -> f64 {
    crate::analysis::cost::cents(crate::analysis::cost::total(
        plan.items.iter().map(|i| item_archive_monthly(i.size_gib)),
    ))
}

/// One item's $/month in the archive tier, to the cent (half up), as the plan table, the
/// console and the JSON all show it: a row and the total never round one amount two ways.
pub fn item_archive_monthly(size_gib: f64) -> f64 {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "EBS sizes are whole GiB well inside i32"
    )]
    crate::analysis::cost::cents(archive_monthly(size_gib.round() as i32))
}

/// The `--archive` plan: the orphaned snapshots the rules offer (narrowed to `selection`
/// when the console picked some), minus those that cannot be archived now, with the
/// 90-day minimum noted. Reads only.
pub async fn plan(
    cx: PlanContext<'_>,
    filter: OrphanFilter,
    selection: Option<&BTreeSet<String>>,
) -> Result<CleanupPlan> {
    let PlanContext { aws, now, .. } = cx;
    let kinds = [ResourceKind::Snapshot];
    let candidates = Candidates::load(cx, &kinds, filter).await?;
    let mut plan = candidates.plan(ResourceKind::Snapshot, cx.settings, filter.min_age_days);
    plan.archive = true;
    // Nothing is deleted: the Recycle Bin does not apply.
    plan.notes.clear();
    let snapshots: Vec<&Snapshot> = candidates
        .orphans
        .iter()
        .flat_map(|r| r.snapshots.iter().map(|o| &o.snapshot))
        .collect();
    let items = std::mem::take(&mut plan.items);
    for mut item in items {
        item.recycle_bin = None;
        let why = snapshots
            .iter()
            .find(|s| s.id == item.id)
            .and_then(|s| not_archivable(s, now));
        match why {
            Some(why) => plan
                .skipped
                .push(Skipped::new(&item.id, item.kind, item.size_gib, why)),
            None => plan.items.push(item),
        }
    }
    if let Some(ids) = selection {
        restrict(&mut plan, ids);
    }
    locks::skip_locked(aws, &mut plan, now).await;
    if !plan.items.is_empty() {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "a sum of whole GiB sizes well inside i32"
        )]
        let gib = plan.total_gib().round() as i32;
        plan.notes.push(archive_plan_note(gib));
    }
    Ok(plan)
}

/// The console's `A`: the archive plan of exactly the selection's snapshots (none when it
/// has none). Reads only.
pub async fn plan_selected(cx: PlanContext<'_>, selection: &Selection) -> Result<Vec<CleanupPlan>> {
    if selection.snapshots.is_empty() {
        return Ok(Vec::new());
    }
    let ids = Some(&selection.snapshots);
    let plan = plan(cx, OrphanFilter::default(), ids).await?;
    Ok(vec![plan])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 250 GiB in the archive tier is $3.125 a month: shown as $3.13 everywhere — the row
    /// (`{:.2}` alone would print the exact half as 3.12) and a total of that one row.
    #[test]
    fn an_item_s_archive_cost_is_rounded_to_the_cent_once() {
        assert!((item_archive_monthly(250.0) - 3.13).abs() < 1e-9);
        assert_eq!(format!("{:.2}", item_archive_monthly(250.0)), "3.13");
        assert!((item_archive_monthly(4.0) - 0.05).abs() < 1e-9);
    }
}
