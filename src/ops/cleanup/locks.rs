//! Snapshot locks in a cleanup: the planner asks DescribeLockedSnapshots about every
//! planned snapshot and moves the locked ones to the skipped list with their mode and
//! expiry; when the account cannot answer (no permission, an endpoint without the call),
//! the plan keeps them and says that locks were not checked. The re-check before execute
//! asks again (`locked_now`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::plan::CleanupPlan;
use crate::analysis::locks::{lock_reason, not_checked_line};
use crate::aws::AwsClients;
use crate::error::Result;
use crate::model::{ResourceKind, Skipped};

/// Why each of `ids` is locked at `now`, by id (absent: not locked).
pub(super) async fn locked_now(
    aws: &AwsClients,
    ids: &[String],
    now: DateTime<Utc>,
) -> Result<HashMap<String, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let locks = aws.ec2.describe_locked_snapshots(ids).await?;
    Ok(locks
        .iter()
        .filter_map(|l| Some((l.snapshot_id.clone(), lock_reason(l, now)?)))
        .collect())
}

/// Skips the plan's locked snapshots, or notes that locks were not checked. Other kinds
/// are left as they are.
pub(super) async fn skip_locked(aws: &AwsClients, plan: &mut CleanupPlan, now: DateTime<Utc>) {
    if plan.target != ResourceKind::Snapshot || plan.items.is_empty() {
        return;
    }
    let ids: Vec<String> = plan.items.iter().map(|i| i.id.clone()).collect();
    match locked_now(aws, &ids, now).await {
        Ok(locked) => {
            let (kept, items): (Vec<_>, Vec<_>) = std::mem::take(&mut plan.items)
                .into_iter()
                .partition(|i| locked.contains_key(&i.id));
            plan.items = items;
            for item in kept {
                let why = locked.get(&item.id).cloned().unwrap_or_default();
                plan.skipped
                    .push(Skipped::new(&item.id, item.kind, item.size_gib, why));
            }
        }
        Err(e) => plan.notes.push(not_checked_line(&e.to_string())),
    }
}
