//! Waiting on ECS's own service deployments: `ecsnap wait --until STAGE` (the newest
//! deployment in flight reaches a lifecycle stage) and the check `wait` makes once the
//! counts say stable — a blue/green, linear or canary deployment still in flight (shifting
//! traffic, baking, paused at a hook) is followed until ECS marks it SUCCESSFUL. Time
//! comes from a `Clock` (tests use `FakeClock`).

use std::time::Duration;

use super::follow_deployment::follow_deployment;
use super::wait::{Clock, Verdict};
use crate::analysis::deployments::{FollowVerdict, Goal, stage_words};
use crate::analysis::stages::{StageVerdict, is_staged, reached};
use crate::aws::AwsClients;
use crate::error::{AwsErrorKind, Error, Result};
use crate::load::load_deployments;
use crate::model::{DeploymentLifecycleStage, ServiceDeployment, ServiceDeploymentStatus};

/// How `wait --until` ended.
#[derive(Debug, Clone)]
pub struct StageOutcome {
    /// `Moving` when the timeout passed first.
    pub verdict: StageVerdict,
    /// The deployment followed, at the last look.
    pub deployment: Option<ServiceDeployment>,
    pub polls: u32,
    pub elapsed: Duration,
}

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
    let mut outcome = StageOutcome {
        verdict: StageVerdict::Moving,
        deployment: None,
        polls: 0,
        elapsed: Duration::ZERO,
    };
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
                Some(newest.ok_or_else(|| Error::NotFound {
                    kind: "service deployment",
                    name: format!("{cluster}/{service}"),
                    scope: Some("ListServiceDeployments".into()),
                    close: Vec::new(),
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
        outcome.elapsed = clock.elapsed().saturating_sub(start);
        if outcome.verdict != StageVerdict::Moving || outcome.elapsed + interval > timeout {
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
    use ServiceDeploymentStatus as S;
    let moving = [
        S::Pending,
        S::InProgress,
        S::RollbackRequested,
        S::RollbackInProgress,
        S::StopRequested,
    ];
    match load_deployments(aws, cluster, service, None, &moving).await {
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
