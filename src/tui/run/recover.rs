//! Performs the recover dialog's effects on a tokio task: the plan of a recover, and a
//! confirmed recover (snapshot progress as it goes, then the rollout watched like a
//! rollback's).

use tokio::sync::mpsc::UnboundedSender;

use super::text;
use crate::aws::AwsClients;
use crate::ops::recover::{self, RecoverOptions, RecoverPlan, RecoverProgress};
use crate::ops::session::LazySession;
use crate::ops::wait::SystemClock;
use crate::tui::run::effect::RecoverEffect;
use crate::tui::run::wait::started_then_wait;
use crate::tui::state::msg::{DialogAnswer, Msg, Planned};

pub async fn perform(
    effect: RecoverEffect,
    aws: &AwsClients,
    session: &LazySession,
    tx: &UnboundedSender<Msg>,
) -> Msg {
    match effect {
        RecoverEffect::Plan { generation, volume } => Msg::Dialog {
            generation,
            answer: DialogAnswer::Planned(
                recover::plan(aws, &volume, None, session.account().await)
                    .await
                    .map(|mut p| {
                        p.initialization_rate = session.settings().initialization_rate;
                        Planned::Recover(Box::new(p))
                    })
                    .map_err(|e| text(&e)),
            ),
        },
        RecoverEffect::Recover { generation, plan } => {
            run_recover(aws, session, &plan, generation, tx).await
        }
    }
}

/// Snapshots the orphan (progress as it goes), updates the service, then watches it.
async fn run_recover(
    aws: &AwsClients,
    session: &LazySession,
    plan: &RecoverPlan,
    generation: u64,
    tx: &UnboundedSender<Msg>,
) -> Msg {
    let result = async {
        let (m, settings) = session.mutator().await?;
        let opts = RecoverOptions::new(settings.snapshot_retention_days, crate::config::now());
        let progress_tx = tx.clone();
        let mut on_progress = move |p: &RecoverProgress| {
            let _ = progress_tx.send(Msg::Dialog {
                generation,
                answer: DialogAnswer::RecoverProgress(p.clone()),
            });
        };
        let clock = SystemClock::default();
        recover::execute(m, plan, &clock, &opts, &mut on_progress)
            .await
            .map(|r| r.started)
            .map_err(|e| text(&e))
    }
    .await;
    tracing::info!(
        "console recover: {}: {:?}",
        plan.summary(),
        result.as_ref().err()
    );
    let hydrate = crate::ops::rollback::Initialization {
        size_gib: plan.volume.size_gib,
        rate_mibps: plan.initialization_rate,
    };
    let clock = SystemClock::default();
    started_then_wait(aws, &clock, generation, result, tx, Some(hydrate)).await
}
