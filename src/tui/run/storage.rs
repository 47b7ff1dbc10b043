//! The storage dialog's runner: ops plans the marks (`cleanup::marks::plan_mark_selected`,
//! as `cleanup --mark` does), the snapshot's restore (`restore_snapshot::plan`, as
//! `restore-snapshot` does) or the image's (`restore_image::plan`, as `restore-image`
//! does); confirmed, it sends them through the console's guarded `Mutator` (read-only
//! refusal, audit line) and follows an image restore until ECR says it can be pulled,
//! each poll answered as `DialogAnswer::StorageProgress`.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use crate::aws::AwsClients;
use crate::ops::cleanup::{PlanContext, marks};
use crate::ops::restore_image::{self, RestoreImagePlan};
use crate::ops::restore_snapshot;
use crate::ops::session::LazySession;
use crate::ops::wait::SystemClock;
use crate::tui::run::effect::StorageEffect;
use crate::tui::state::msg::{DialogAnswer, Msg, Planned};
use crate::tui::state::storage::{StorageAsk, StorageDone, StoragePlan};

/// The storage dialog's effects.
pub(crate) async fn perform(
    effect: StorageEffect,
    aws: &AwsClients,
    session: &LazySession,
    tx: &UnboundedSender<Msg>,
) -> Msg {
    let (generation, answer) = match effect {
        StorageEffect::Plan { generation, ask } => (
            generation,
            DialogAnswer::Planned(plan(aws, session, &ask).await.map(Planned::Storage)),
        ),
        StorageEffect::Send { generation, plan } => (
            generation,
            DialogAnswer::StorageDone(send(aws, session, &plan, (generation, tx)).await),
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
            let cx = PlanContext::new(aws, settings, session.account().await, now);
            marks::plan_mark_selected(cx, selection, *after_days)
                .await
                .map(StoragePlan::Mark)
        }
        StorageAsk::RestoreTier {
            snapshot_id,
            restore,
        } => restore_snapshot::plan(aws, &settings.prices, snapshot_id, *restore, now)
            .await
            .map(|p| StoragePlan::RestoreTier(Box::new(p))),
        StorageAsk::RestoreImage {
            repository,
            reference,
        } => restore_image::plan(aws, repository, reference)
            .await
            .map(StoragePlan::RestoreImage),
    };
    planned.map_err(|e| e.to_string())
}

/// How often an image restore is polled, and for how long at most (`restore-image
/// --wait`'s pace: ECR restores within minutes).
const IMAGE_POLL: Duration = Duration::from_secs(15);
const IMAGE_WAIT: Duration = Duration::from_mins(30);

/// Sends the confirmed plan: the marks' tags (one result each), the snapshot's restore
/// (the snapshot read back), or the image's (followed until it can be pulled).
async fn send(
    aws: &AwsClients,
    session: &LazySession,
    plan: &StoragePlan,
    answers: (u64, &UnboundedSender<Msg>),
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
        StoragePlan::RestoreImage(p) => {
            restore_image::execute(m, p)
                .await
                .map_err(|e| e.to_string())?;
            StorageDone::ImageRestored(follow_image(aws, p, answers).await)
        }
    };
    Ok(done)
}

/// Polls the restored image until it can be pulled, each status sent as progress.
async fn follow_image(
    aws: &AwsClients,
    plan: &RestoreImagePlan,
    (generation, tx): (u64, &UnboundedSender<Msg>),
) -> Result<crate::model::ImageStatus, String> {
    let polls = tx.clone();
    let mut progress = move |status: &crate::model::ImageStatus| {
        let _ = polls.send(Msg::Dialog {
            generation,
            answer: DialogAnswer::StorageProgress(status.clone()),
        });
    };
    restore_image::wait_pullable(
        aws,
        plan,
        &SystemClock::default(),
        IMAGE_POLL,
        IMAGE_WAIT,
        &mut progress,
    )
    .await
    .map_err(|e| e.to_string())
}
