//! Performs the dialogs' effects on a tokio task: plans (reads only) and confirmed
//! actions, always through the guarded `Mutator` (read-only refusal, audit log). Progress
//! (wait polls, cleanup items) goes over the channel as it happens; the returned `Msg` is
//! the last word.

use tokio::sync::mpsc::UnboundedSender;

use super::text;
use crate::aws::AwsClients;
use crate::ops::cleanup::{self, CleanupPlan, ExecuteOptions, Selection};
use crate::ops::guard::Mutator;
use crate::ops::interrupt::Interrupt;
use crate::ops::lock::{self, LockKey, WhenHeld};
use crate::ops::redeploy;
use crate::ops::session::LazySession;
use crate::ops::wait::SystemClock;
use crate::ops::{restore_user, rollback, rollback_revision};
use crate::tui::run::effect::ActionEffect;
use crate::tui::state::msg::{DialogAnswer, Msg, Planned};

/// Boxed so the spawned load task stays `Send` (the streams inside borrow the clients).
pub fn perform<'a>(
    effect: ActionEffect,
    aws: &'a AwsClients,
    session: &'a LazySession,
    tx: &'a UnboundedSender<Msg>,
    interrupt: Interrupt,
) -> futures::future::BoxFuture<'a, Msg> {
    match effect {
        ActionEffect::LoadRevisions {
            generation,
            cluster,
            service,
            current,
        } => Box::pin(revisions(aws, tx, generation, (cluster, service), current)),
        ActionEffect::PlanRedeploy {
            generation,
            cluster,
            service,
        } => Box::pin(async move {
            let result = redeploy::plan(aws, &cluster, &service).await;
            planned(generation, result.map(Planned::Redeploy))
        }),
        ActionEffect::PlanRestore {
            generation,
            repository,
            user,
            tag,
        } => Box::pin(async move {
            let result =
                restore_user::plan(aws, session.settings(), &repository, &user, &tag).await;
            planned(generation, result.map(Planned::Restore))
        }),
        ActionEffect::PlanCleanupPart {
            generation,
            place,
            selection,
        } => Box::pin(async move {
            Msg::Dialog {
                generation,
                answer: DialogAnswer::CleanupPartPlanned {
                    place,
                    result: plan_cleanup(aws, session, &selection).await,
                },
            }
        }),
        ActionEffect::PlanCleanup {
            generation,
            selection,
        } => Box::pin(async move {
            Msg::Dialog {
                generation,
                answer: DialogAnswer::Planned(
                    plan_cleanup(aws, session, &selection)
                        .await
                        .map(Planned::Cleanup),
                ),
            }
        }),
        ActionEffect::Rollback { generation, plan } => Box::pin(async move {
            let what = plan.summary();
            let result = sent(session, async |m| rollback::execute(m, &plan).await).await;
            tracing::info!("console rollback: {what}: {:?}", result.as_ref().err());
            let hydrate = plan.initialization;
            let clock = SystemClock::default();
            crate::tui::run::wait::started_then_wait(aws, &clock, generation, result, tx, hydrate)
                .await
        }),
        ActionEffect::Redeploy { generation, plan } => Box::pin(async move {
            let result = sent(session, async |m| redeploy::execute(m, &plan).await).await;
            let clock = SystemClock::default();
            crate::tui::run::wait::started_then_wait(aws, &clock, generation, result, tx, None)
                .await
        }),
        ActionEffect::Restore { generation, plan } => Box::pin(async move {
            let result = sent(session, async |m| restore_user::execute(m, &plan).await).await;
            Msg::Dialog {
                generation,
                answer: DialogAnswer::Restored(result),
            }
        }),
        ActionEffect::PlanHook {
            generation,
            cluster,
            service,
            action,
        } => Box::pin(crate::tui::run::deployment_action::plan_hook(
            aws,
            generation,
            (cluster, service),
            action,
        )),
        ActionEffect::Ecs { generation, plan } => Box::pin(async move {
            crate::tui::run::deployment_action::send_and_follow(aws, session, generation, &plan, tx)
                .await
        }),
        ActionEffect::Storage(effect) => {
            Box::pin(crate::tui::run::storage::perform(effect, aws, session, tx))
        }
        ActionEffect::Cleanup { generation, plans } => Box::pin(async move {
            let ran = run_cleanup_plans(aws, session, &plans, generation, tx, interrupt).await;
            Msg::Dialog {
                generation,
                answer: DialogAnswer::CleanupDone(cleanup_outcome(ran)),
            }
        }),
    }
}

/// `send` through the console's guarded `Mutator` (opened on first use); a failure as text.
async fn sent<T>(
    session: &LazySession,
    send: impl AsyncFnOnce(&Mutator) -> crate::Result<T>,
) -> Result<T, String> {
    let (m, _) = session.mutator().await?;
    send(m).await.map_err(|e| text(&e))
}

/// A plan's answer to its dialog.
fn planned(generation: u64, result: crate::Result<Planned>) -> Msg {
    Msg::Dialog {
        generation,
        answer: DialogAnswer::Planned(result.map_err(|e| text(&e))),
    }
}

/// The rollback picker's choices: the image tags and EBS snapshots first, then the
/// revisions (their answer moves the picker to its confirmation).
async fn revisions(
    aws: &AwsClients,
    tx: &UnboundedSender<Msg>,
    generation: u64,
    (cluster, service): (String, String),
    current: String,
) -> Msg {
    let result = rollback::offer_revisions(aws, &current, rollback::REVISIONS_SHOWN)
        .await
        .map_err(|e| text(&e));
    if let Ok(revisions) = &result {
        let (tags, ebs, ecs, service_revisions) = tokio::join!(
            rollback::offer_image_tags(aws, revisions),
            rollback::offer_snapshots(aws, &cluster, &service),
            crate::tui::run::deployment_action::ecs_offer(aws, &cluster, &service),
            rollback_revision::offer_for(aws, &cluster, &service)
        );
        let _ = tx.send(Msg::Dialog {
            generation,
            answer: DialogAnswer::ServiceRevisions(
                service_revisions.map_err(|e| rollback_revision::why_unavailable(&e)),
            ),
        });
        let _ = tx.send(Msg::Dialog {
            generation,
            answer: DialogAnswer::EcsOffer(ecs),
        });
        let _ = tx.send(Msg::Dialog {
            generation,
            answer: DialogAnswer::ImageTags(tags.map_err(|e| text(&e))),
        });
        let _ = tx.send(Msg::Dialog {
            generation,
            answer: DialogAnswer::EbsSnapshots(ebs.map_err(|e| text(&e))),
        });
    }
    Msg::Dialog {
        generation,
        answer: DialogAnswer::Revisions(result),
    }
}

/// The cleanup plans for what was marked (planned by ops), preflighted.
async fn plan_cleanup(
    aws: &AwsClients,
    session: &LazySession,
    selection: &Selection,
) -> Result<Vec<CleanupPlan>, String> {
    let (m, settings) = session.mutator().await?;
    let account = session.account().await;
    let cx = cleanup::PlanContext::new(aws, settings, account, crate::config::now());
    let planned = if selection.archive {
        cleanup::archive::plan_selected(cx, selection).await
    } else {
        cleanup::plan_for(cx, selection).await
    };
    let mut plans = planned.map_err(|e| text(&e))?;
    for plan in &mut plans {
        cleanup::preflight(m, plan).await;
    }
    Ok(plans)
}

/// Executes the confirmed plans, reporting each item as it lands. An error before a
/// plan's first request (the session, the re-check) stops there: that plan's items and
/// the later plans' are reported as not sent, and the error is returned beside them.
async fn run_cleanup_plans(
    aws: &AwsClients,
    session: &LazySession,
    plans: &[CleanupPlan],
    generation: u64,
    tx: &UnboundedSender<Msg>,
    interrupt: Interrupt,
) -> (Vec<cleanup::ItemResult>, Option<String>) {
    let not_sent = |from: usize, why: &str| -> Vec<cleanup::ItemResult> {
        plans[from..]
            .iter()
            .flat_map(|p| cleanup::not_sent(p, why))
            .collect()
    };
    let opts = ExecuteOptions {
        interrupt,
        ..ExecuteOptions::default()
    };
    let (m, settings) = match session.mutator().await {
        Ok(opened) => opened,
        Err(e) => return (not_sent(0, &e), Some(e)),
    };
    // One cleanup at a time per account and region: the console does not wait behind
    // another run, it says who holds the place and sends nothing.
    let key = LockKey::new(
        session.account().await,
        settings.profile.as_deref(),
        &aws.region,
    );
    let _lock =
        match lock::acquire(lock::default_dir(), vec![key], WhenHeld::Refuse, |_, _| {}).await {
            Ok(held) => held,
            Err(e) => {
                let e = text(&e);
                return (not_sent(0, &e), Some(e));
            }
        };
    let clock = SystemClock::default();
    let mut all = Vec::new();
    for (i, plan) in plans.iter().enumerate() {
        let item_tx = tx.clone();
        let mut on_item = move |r: &cleanup::ItemResult| {
            let _ = item_tx.send(Msg::Dialog {
                generation,
                answer: DialogAnswer::CleanupItem(r.clone()),
            });
        };
        match cleanup::execute(aws, m, settings, plan, &clock, &opts, &mut on_item).await {
            Ok(results) => all.extend(results),
            Err(e) => {
                let e = text(&e);
                all.extend(not_sent(i, &e));
                return (all, Some(e));
            }
        }
    }
    (all, None)
}

/// One place's cleanup as the dialog takes it: an error before anything was sent is the
/// dialog's error ("nothing was deleted"); after some of it, the results say which items
/// were not sent.
fn cleanup_outcome(
    (results, error): (Vec<cleanup::ItemResult>, Option<String>),
) -> Result<Vec<cleanup::ItemResult>, String> {
    match error {
        Some(e) if results.iter().all(cleanup::ItemResult::was_not_sent) => Err(e),
        _ => Ok(results),
    }
}

/// One place of a cleanup over several: its clients, its session (its own `Mutator`,
/// marks and audit lines) and its confirmed plans.
pub(crate) struct CleanupPart {
    pub aws: AwsClients,
    pub session: std::sync::Arc<LazySession>,
    pub plans: Vec<CleanupPlan>,
}

/// A cleanup over several places, one place after another, each through its own
/// session; a place that fails before sending reports its items as not sent and the
/// next place goes on. Ctrl-C (`interrupt`) stops every place's new deletes.
pub(crate) async fn run_cleanup_across(
    parts: Vec<CleanupPart>,
    generation: u64,
    tx: &UnboundedSender<Msg>,
    interrupt: Interrupt,
) -> Msg {
    let mut all = Vec::new();
    for part in parts {
        let (results, error) = run_cleanup_plans(
            &part.aws,
            &part.session,
            &part.plans,
            generation,
            tx,
            interrupt.clone(),
        )
        .await;
        if let Some(e) = error {
            tracing::warn!("cleanup in {}: {e}", part.aws.region);
        }
        all.extend(results);
    }
    Msg::Dialog {
        generation,
        answer: DialogAnswer::CleanupDone(Ok(all)),
    }
}
