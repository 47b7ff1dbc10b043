//! The deployment dialog's work: the rollback picker's ECS row (ECS's own rollback of the
//! deployment in flight, planned by `ops`), the plan of an action on a paused hook, and
//! the confirmed call through the guarded `Mutator` followed until ECS says where the
//! deployment ended (`ops::follow_deployment`), each look sent as it happens.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use super::text;
use crate::analysis::deployments::{FollowVerdict, awaiting_action, in_flight};
use crate::aws::AwsClients;
use crate::model::LifecycleHookAction;
use crate::ops::session::LazySession;
use crate::ops::wait::SystemClock;
use crate::ops::{continue_deployment, follow_deployment, stop_deployment};
use crate::tui::state::deployment_action::EcsAct;
use crate::tui::state::msg::{DialogAnswer, Msg, Planned};

/// Time between looks while the console follows a deployment.
pub const FOLLOW_INTERVAL: Duration = Duration::from_secs(5);
/// How long the console follows one (ECS's bake times and hooks can be long).
pub const FOLLOW_TIMEOUT: Duration = Duration::from_hours(1);

/// What a follow does with each look at the deployment: sends it to the dialog of
/// `generation`.
pub(crate) fn deployment_looks(
    tx: &UnboundedSender<Msg>,
    generation: u64,
) -> impl FnMut(&crate::model::ServiceDeployment) + use<> {
    let tx = tx.clone();
    move |d| {
        let _ = tx.send(Msg::Dialog {
            generation,
            answer: DialogAnswer::DeploymentLook(Box::new(d.clone())),
        });
    }
}

/// The picker's ECS row for the service: roll back at the paused hook when a deployment
/// waits at one, else stop the deployment in flight and roll back; `None` when none is in
/// flight. An endpoint without service deployments (older, moto) or a denied listing is
/// an `Err` with the reason (the picker says why the row is missing).
pub async fn ecs_offer(
    aws: &AwsClients,
    cluster: &str,
    service: &str,
) -> Result<Option<Box<EcsAct>>, String> {
    let now = crate::config::now();
    let (s, live) = stop_deployment::service_in_flight(aws, cluster, service)
        .await
        .map_err(|e| text(&e))?;
    if let Some((d, hook)) = awaiting_action(&live)
        && !crate::analysis::deployments::expired(hook, now)
    {
        let revisions = stop_deployment::describe_best_effort(aws, d).await;
        return continue_deployment::plan_for(
            &s.cluster,
            &s.name,
            &live,
            LifecycleHookAction::Rollback,
            revisions,
            now,
        )
        .map(|p| Some(Box::new(EcsAct::Hook(p))))
        .map_err(|e| text(&e));
    }
    let Some(d) = in_flight(&live) else {
        return Ok(None);
    };
    let revisions = stop_deployment::describe_best_effort(aws, d).await;
    stop_deployment::plan_for(&s.cluster, &s.name, &live, &revisions, now)
        .map(|p| Some(Box::new(EcsAct::Stop(p))))
        .map_err(|e| text(&e))
}

/// `o`: the plan of `action` on the hook a deployment of the service is paused at.
pub(crate) async fn plan_hook(
    aws: &AwsClients,
    generation: u64,
    (cluster, service): (String, String),
    action: LifecycleHookAction,
) -> Msg {
    let result =
        continue_deployment::plan(aws, &cluster, &service, action, crate::config::now()).await;
    Msg::Dialog {
        generation,
        answer: DialogAnswer::Planned(
            result
                .map(|p| Planned::Deployment(Box::new(EcsAct::Hook(p))))
                .map_err(|e| text(&e)),
        ),
    }
}

/// Confirmed: the call through the console's `Mutator` (read-only refusal, audit line),
/// then the deployment followed until it got where it was sent, ended elsewhere, paused
/// again, or the console stopped following.
pub async fn send_and_follow(
    aws: &AwsClients,
    session: &LazySession,
    generation: u64,
    plan: &EcsAct,
    tx: &UnboundedSender<Msg>,
) -> Msg {
    let answer = |answer| Msg::Dialog { generation, answer };
    let sent = match session.mutator().await {
        Ok((m, _)) => match plan {
            EcsAct::Stop(p) => stop_deployment::execute(m, p).await,
            EcsAct::Hook(p) => continue_deployment::execute(m, p).await,
        }
        .map_err(|e| text(&e)),
        Err(e) => Err(e),
    };
    tracing::info!(
        "console deployment action: {}: {:?}",
        plan.summary(),
        sent.as_ref().err()
    );
    let arn = match sent {
        Ok(arn) => arn,
        Err(e) => return answer(DialogAnswer::DeploymentSent(Err(e))),
    };
    let _ = tx.send(answer(DialogAnswer::DeploymentSent(Ok(arn.clone()))));
    // ECS answers with the deployment's ARN; follow the one planned if it answered none.
    let arn = if arn.is_empty() {
        plan.deployment().arn.clone()
    } else {
        arn
    };
    let mut on_look = deployment_looks(tx, generation);
    let clock = SystemClock::default();
    let outcome = follow_deployment::follow_deployment(
        aws.ecs.as_ref(),
        &clock,
        &arn,
        plan.goal(),
        plan.acted_on(),
        (FOLLOW_TIMEOUT, FOLLOW_INTERVAL),
        &mut on_look,
    )
    .await;
    let result = match outcome {
        Ok(o) => match &o.verdict {
            FollowVerdict::Reached | FollowVerdict::AwaitingAction(_) => Ok(o.summary()),
            FollowVerdict::Failed(_) | FollowVerdict::Moving => Err(o.summary()),
        },
        Err(e) => Err(text(&e)),
    };
    answer(DialogAnswer::DeploymentFollowed(result))
}
