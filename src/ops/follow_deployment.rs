//! Following one service deployment after ecsnap stopped or continued it: polls
//! DescribeServiceDeployments until `analysis::deployments::follow` says it got where it
//! was sent, ended elsewhere, paused again at another hook, or the timeout passed. Time
//! comes from a `Clock` (tests use `FakeClock`).

use std::time::Duration;

use super::wait::Clock;
use crate::analysis::deployments::{FollowVerdict, Goal, follow};
use crate::aws::EcsApi;
use crate::error::{AwsErrorKind, Error, Result};
use crate::model::ServiceDeployment;

/// How polling one service deployment ended, `V` the verdict of the last look.
#[derive(Debug, Clone)]
pub struct DeploymentPoll<V> {
    /// `Moving` when the timeout passed first.
    pub verdict: V,
    /// The last look at the deployment.
    pub deployment: Option<ServiceDeployment>,
    pub polls: u32,
    pub elapsed: Duration,
}

impl<V: PartialEq> DeploymentPoll<V> {
    /// Before the first look: `moving`, nothing seen.
    pub(crate) fn start(moving: V) -> Self {
        Self {
            verdict: moving,
            deployment: None,
            polls: 0,
            elapsed: Duration::ZERO,
        }
    }

    /// After a look, `elapsed` since polling began: whether polling is over (the verdict
    /// is no longer `moving`, or another `interval` would pass `timeout`).
    pub(crate) fn over(
        &mut self,
        elapsed: Duration,
        moving: &V,
        (timeout, interval): (Duration, Duration),
    ) -> bool {
        self.elapsed = elapsed;
        self.verdict != *moving || elapsed + interval > timeout
    }
}

/// How following ended.
pub type FollowOutcome = DeploymentPoll<FollowVerdict>;

impl FollowOutcome {
    /// In words: `ROLLBACK_SUCCESSFUL`, `failed: why`, `timed out after 600s at
    /// ROLLBACK_IN_PROGRESS`, `awaiting action again at hook h2`.
    pub fn summary(&self) -> String {
        let status = self
            .deployment
            .as_ref()
            .map_or_else(|| "-".to_string(), |d| d.status.to_string());
        match &self.verdict {
            FollowVerdict::Reached => status,
            FollowVerdict::Failed(why) => format!("failed: {why}"),
            FollowVerdict::AwaitingAction(hook) => {
                format!("awaiting action again at hook {hook} ({status})")
            }
            FollowVerdict::Moving => {
                format!("timed out after {}s at {status}", self.elapsed.as_secs())
            }
        }
    }
}

/// Polls `arn` every `interval` (the pair is `(timeout, interval)`) until the verdict is not `Moving` or `timeout` passes;
/// `progress` hears every look. A look that fails for good (denied, gone) is an error;
/// other failed looks are retried until the timeout.
pub async fn follow_deployment(
    ecs: &dyn EcsApi,
    clock: &dyn Clock,
    arn: &str,
    goal: Goal,
    acted_on: Option<&str>,
    (timeout, interval): (Duration, Duration),
    progress: &mut (dyn FnMut(&ServiceDeployment) + Send),
) -> Result<FollowOutcome> {
    let start = clock.elapsed();
    let mut outcome = FollowOutcome::start(FollowVerdict::Moving);
    loop {
        outcome.polls += 1;
        match ecs.describe_service_deployments(&[arn.to_string()]).await {
            Ok(found) => {
                if let Some(d) = found.into_iter().find(|d| d.arn == arn) {
                    progress(&d);
                    outcome.verdict = follow(&d, goal, acted_on);
                    outcome.deployment = Some(d);
                }
            }
            Err(Error::Aws(a))
                if !matches!(
                    a.kind,
                    AwsErrorKind::AccessDenied
                        | AwsErrorKind::NoCredentials
                        | AwsErrorKind::ExpiredCredentials
                        | AwsErrorKind::NotFound
                        | AwsErrorKind::Unsupported
                ) =>
            {
                tracing::warn!("following deployment {arn}: {a}");
            }
            Err(e) => return Err(e),
        }
        let elapsed = clock.elapsed().saturating_sub(start);
        if outcome.over(elapsed, &FollowVerdict::Moving, (timeout, interval)) {
            return Ok(outcome);
        }
        clock.sleep(interval).await;
    }
}
