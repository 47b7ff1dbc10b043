//! The storage dialog's runner: ops plans the marks (`cleanup::marks::plan_mark_selected`,
//! as `cleanup --mark` does) or the snapshot's restore (`restore_snapshot::plan`, as
//! `restore-snapshot` does); confirmed, it sends them through the console's guarded
//! `Mutator` (read-only refusal, audit line).

use crate::aws::AwsClients;
use crate::ops::cleanup::marks;
use crate::ops::restore_snapshot;
use crate::ops::session::LazySession;
use crate::tui::run::effect::StorageEffect;
use crate::tui::state::msg::{DialogAnswer, Msg, Planned};
use crate::tui::state::storage::{StorageAsk, StorageDone, StoragePlan};

/// The storage dialog's effects.
pub(crate) async fn perform(effect: StorageEffect, aws: &AwsClients, session: &LazySession) -> Msg {
    let (generation, answer) = match effect {
        StorageEffect::Plan { generation, ask } => (
            generation,
            DialogAnswer::Planned(plan(aws, session, &ask).await.map(Planned::Storage)),
        ),
        StorageEffect::Send { generation, plan } => (
            generation,
            DialogAnswer::StorageDone(send(aws, session, &plan).await),
        ),
    };
    Msg::Dialog { generation, answer }
}

/// The plan for what the dialog was asked (reads only).
async fn plan(
    aws: &AwsClients,
    session: &LazySession,
    ask: &StorageAsk,
) -> Result<StoragePlan, String> {
    let settings = session.settings();
    let now = crate::config::now();
    let planned = match ask {
        StorageAsk::Mark {
            selection,
            after_days,
        } => {
            let account = session.account().await;
            marks::plan_mark_selected(aws, settings, account, selection, *after_days, now)
                .await
                .map(StoragePlan::Mark)
        }
        StorageAsk::RestoreTier {
            snapshot_id,
            restore,
        } => restore_snapshot::plan(aws, &settings.prices, snapshot_id, *restore, now)
            .await
            .map(|p| StoragePlan::RestoreTier(Box::new(p))),
    };
    planned.map_err(|e| e.to_string())
}

/// Sends the confirmed plan: the marks' tags (one result each), or the restore (the
/// snapshot read back).
async fn send(
    aws: &AwsClients,
    session: &LazySession,
    plan: &StoragePlan,
) -> Result<StorageDone, String> {
    let (m, _) = session.mutator().await?;
    let done = match plan {
        StoragePlan::Mark(plans) => {
            let mut results = Vec::new();
            for p in plans {
                results.extend(marks::execute_mark(m, p).await.map_err(|e| e.to_string())?);
            }
            StorageDone::Marked(results)
        }
        StoragePlan::RestoreTier(p) => StorageDone::Restored(
            restore_snapshot::execute(aws, m, p)
                .await
                .map_err(|e| e.to_string())?,
        ),
    };
    Ok(done)
}
