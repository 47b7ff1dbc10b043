//! Waiting on ECS's own service deployments: `ecsnap wait --until STAGE` (the newest
//! deployment in flight reaches a lifecycle stage) and the check `wait` makes once the
//! counts say stable — a blue/green, linear or canary deployment still in flight (shifting
//! traffic, baking, paused at a hook) is followed until ECS marks it SUCCESSFUL. Time
//! comes from a `Clock` (tests use `FakeClock`).

use std::fmt::Write as _;
use std::time::Duration;

use super::follow_deployment::{DeploymentPoll, follow_deployment};
use super::wait::{Clock, Verdict, WaitOptions, WaitOutcome, WaitProgress, wait_for_stable};
use crate::analysis::deploy_progress::ended_badly;
use crate::analysis::deployments::{FollowVerdict, Goal, stage_words};
use crate::analysis::stages::{StageVerdict, is_staged, reached};
use crate::aws::AwsClients;
use crate::error::{AwsErrorKind, Error, Result};
use crate::load::load_deployments;
use crate::model::{DeploymentLifecycleStage, ServiceDeployment, ServiceDeploymentStatus};

/// The statuses of a deployment still moving (forward or back).
const MOVING: [ServiceDeploymentStatus; 5] = [
    ServiceDeploymentStatus::Pending,
    ServiceDeploymentStatus::InProgress,
    ServiceDeploymentStatus::RollbackRequested,
    ServiceDeploymentStatus::RollbackInProgress,
    ServiceDeploymentStatus::StopRequested,
];

/// One look at the service deployment a rollout is making: the one seen before, described
/// again (one DescribeServiceDeployments); else the newest still moving (a listing and a
/// describe). `Ok(None)` while ECS lists none.
async fn look(
    aws: &AwsClients,
    (cluster, service): (&str, &str),
    seen: Option<&ServiceDeployment>,
) -> Result<Option<ServiceDeployment>> {
    if let Some(d) = seen {
        let again = aws
            .ecs
            .describe_service_deployments(std::slice::from_ref(&d.arn))
            .await?;
        return Ok(again.into_iter().find(|x| x.arn == d.arn));
    }
    Ok(load_deployments(aws, cluster, service, None, &MOVING)
        .await?
        .into_iter()
        .next())
}

/// `wait_for_stable` with ECS's service deployment followed beside it, one look per poll
/// (`on_look` hears each: the wait view and `ecsnap wait` show its stage, traffic, bake
/// and hooks); once the counts settle, a blue/green, linear or canary deployment still in
/// flight is followed until ECS marks it SUCCESSFUL (`follow_staged`), and a rollout that
/// failed names the stage it failed in and ECS's reason. An endpoint without service
/// deployments, or a denied listing, is looked at once and then left alone (the counts
/// decide, as before ECS had them).
pub async fn wait_following(
    aws: &AwsClients,
    clock: &dyn Clock,
    (cluster, service): (&str, &str),
    opts: &WaitOptions,
    on_progress: &mut (dyn FnMut(&WaitProgress) + Send),
    on_look: &mut (dyn FnMut(&ServiceDeployment) + Send),
) -> Result<WaitOutcome> {
    let (polled, mut polls) = tokio::sync::mpsc::unbounded_channel::<()>();
    let waiting = async move {
        let mut progress = move |p: &WaitProgress| {
            on_progress(p);
            let _ = polled.send(());
        };
        wait_for_stable(
            aws.ecs.as_ref(),
            clock,
            cluster,
            service,
            opts,
            &mut progress,
        )
        .await
    };
    let mut last: Option<ServiceDeployment> = None;
    let mut asking = true;
    let looking = async {
        while polls.recv().await.is_some() {
            if !asking {
                continue;
            }
            match look(aws, (cluster, service), last.as_ref()).await {
                Ok(Some(d)) => {
                    on_look(&d);
                    last = Some(d);
                }
                Ok(None) => {}
                Err(e) => {
                    asking = false;
                    if !matches!(&e, Error::Aws(a) if matches!(
                        a.kind,
                        AwsErrorKind::Unsupported | AwsErrorKind::AccessDenied
                    )) {
                        tracing::warn!("following the deployment of {cluster}/{service}: {e}");
                    }
                }
            }
        }
    };
    let (outcome, ()) = tokio::join!(waiting, looking);
    let mut outcome = outcome?;
    let staged = last
        .as_ref()
        .filter(|d| d.status.is_in_flight() && is_staged(d))
        .cloned();
    if outcome.verdict == Verdict::Stable {
        let staged = match staged {
            Some(d) => Some(d),
            None if asking && last.is_none() => staged_in_flight(aws, cluster, service).await,
            None => None,
        };
        if let Some(d) = staged {
            let left = opts.timeout.saturating_sub(outcome.elapsed);
            let before = clock.elapsed();
            let mut note = |x: &ServiceDeployment| {
                on_look(x);
                last = Some(x.clone());
            };
            outcome.verdict =
                follow_staged(aws, clock, &d, (left, opts.interval), &mut note).await?;
            outcome.elapsed += clock.elapsed().saturating_sub(before);
        }
    }
    if let (Verdict::Failed(why), Some(d)) = (&mut outcome.verdict, &last)
        && let Some(late) = ended_badly(d)
        && !why.contains(&late)
    {
        let _ = write!(why, " ({late})");
    }
    outcome.deployment = last.map(Box::new);
    Ok(outcome)
}

/// How `wait --until` ended.
pub type StageOutcome = DeploymentPoll<StageVerdict>;

/// Polls the newest deployment of `service` in flight (the newest one when none is)
/// until it reaches `stage`, will not reach it, or `timeout` passes; `progress` hears every
/// look. No deployment at all is an error.
pub async fn wait_for_stage(
    aws: &AwsClients,
    clock: &dyn Clock,
    (cluster, service): (&str, &str),
    stage: &DeploymentLifecycleStage,
    (timeout, interval): (Duration, Duration),
    progress: &mut (dyn FnMut(&ServiceDeployment) + Send),
) -> Result<StageOutcome> {
    let start = clock.elapsed();
    let mut outcome = StageOutcome::start(StageVerdict::Moving);
    loop {
        outcome.polls += 1;
        let look = match &outcome.deployment {
            None => {
                let all = load_deployments(aws, cluster, service, None, &[]).await?;
                let newest = all
                    .iter()
                    .find(|d| d.status.is_in_flight())
                    .or_else(|| all.first())
                    .cloned();
                Some(newest.ok_or_else(|| {
                    super::not_found(
                        "service deployment",
                        format!("{cluster}/{service}"),
                        "ListServiceDeployments",
                    )
                })?)
            }
            Some(d) => aws
                .ecs
                .describe_service_deployments(std::slice::from_ref(&d.arn))
                .await?
                .into_iter()
                .find(|x| x.arn == d.arn),
        };
        if let Some(d) = look {
            progress(&d);
            outcome.verdict = reached(&d, stage);
            outcome.deployment = Some(d);
        }
        let elapsed = clock.elapsed().saturating_sub(start);
        if outcome.over(elapsed, &StageVerdict::Moving, (timeout, interval)) {
            return Ok(outcome);
        }
        clock.sleep(interval).await;
    }
}

/// The blue/green, linear or canary deployment of `service` still in flight, if any.
/// An endpoint without the operations, or a denied one, answers `None` (the counts decide,
/// as before ECS had them), logged.
pub async fn staged_in_flight(
    aws: &AwsClients,
    cluster: &str,
    service: &str,
) -> Option<ServiceDeployment> {
    match load_deployments(aws, cluster, service, None, &MOVING).await {
        Ok(found) => found.into_iter().find(is_staged),
        Err(e) => {
            let known = matches!(&e, Error::Aws(a) if matches!(
                a.kind,
                AwsErrorKind::Unsupported | AwsErrorKind::AccessDenied
            ));
            if !known {
                tracing::warn!("looking for a staged deployment of {cluster}/{service}: {e}");
            }
            None
        }
    }
}

/// After the counts said stable: follows `d` (a staged deployment in flight) until ECS
/// marks it SUCCESSFUL (`Stable`), it ends elsewhere (`Failed`, with the stage and ECS's
/// reason) or `timeout` passes (`TimedOut`). A pause at a hook is waited through: a person
/// may act on it before the timeout. `note` hears each new status or stage in words.
pub async fn follow_staged(
    aws: &AwsClients,
    clock: &dyn Clock,
    d: &ServiceDeployment,
    (timeout, interval): (Duration, Duration),
    note: &mut (dyn FnMut(&ServiceDeployment) + Send),
) -> Result<Verdict> {
    let start = clock.elapsed();
    let mut acted_on: Option<String> = None;
    loop {
        let left = timeout.saturating_sub(clock.elapsed().saturating_sub(start));
        let outcome = follow_deployment(
            aws.ecs.as_ref(),
            clock,
            &d.arn,
            Goal::Finished,
            acted_on.as_deref(),
            (left, interval),
            note,
        )
        .await?;
        let status = outcome.deployment.as_ref().map_or_else(
            || d.status.to_string(),
            |x| format!("{} ({})", x.status, stage_words(x)),
        );
        match outcome.verdict {
            FollowVerdict::Reached => return Ok(Verdict::Stable),
            FollowVerdict::Failed(why) => return Ok(Verdict::Failed(why)),
            FollowVerdict::AwaitingAction(hook) if left > interval => {
                acted_on = Some(hook);
                clock.sleep(interval).await;
            }
            FollowVerdict::AwaitingAction(_) | FollowVerdict::Moving => {
                return Ok(Verdict::TimedOut(format!(
                    "the counts are settled but ECS has not finished deployment {}: {status}",
                    crate::model::arn_name(&d.arn)
                )));
            }
        }
    }
}
