//! A deployment paused at a lifecycle hook waits for a person: ContinueServiceDeployment
//! with CONTINUE (go on to the next stage) or ROLLBACK (back to the previous service
//! revision), naming the hook. Plan (the deployment awaiting action, its stage, the hook,
//! the time left before the hook's own timeout action fires; refused when none waits or
//! the hook has expired), then the call through the `Mutator` (read-only refusal, audit).

use chrono::{DateTime, Utc};

use super::guard::Mutator;
use super::stop_deployment::{describe_best_effort, service_in_flight};
use crate::analysis::deployments::{awaiting_action, countdown, expired, stage_words};
use crate::aws::AwsClients;
use crate::error::{Error, Result};
use crate::model::{
    ClusterService, LifecycleHookAction, LifecycleHookDetail, ServiceDeployment, ServiceRevision,
    arn_name,
};

/// What acting on the paused hook does.
#[derive(Debug, Clone, PartialEq)]
pub struct ContinuePlan {
    /// The service it acts on.
    pub service: ClusterService,
    pub deployment: ServiceDeployment,
    /// The hook awaiting action.
    pub hook: LifecycleHookDetail,
    /// CONTINUE or ROLLBACK.
    pub action: LifecycleHookAction,
    /// The revisions involved, described when they could be.
    pub revisions: Vec<ServiceRevision>,
    pub now: DateTime<Utc>,
}

impl ContinuePlan {
    pub fn summary(&self) -> String {
        let d = &self.deployment;
        let verb = match self.action {
            LifecycleHookAction::Rollback => "roll back",
            _ => "continue",
        };
        let then = self
            .hook
            .timeout_action
            .as_ref()
            .map(|a| format!(", then {a} by itself"))
            .unwrap_or_default();
        format!(
            "{verb} deployment {} of {} ({}, {}): hook {} is {} ({}{then}); \
             ContinueServiceDeployment {}",
            arn_name(&d.arn),
            self.service.label(),
            d.status,
            stage_words(d),
            self.hook.hook_id.as_deref().unwrap_or("-"),
            self.hook.status,
            countdown(self.hook.expires_at, self.now),
            self.action,
        )
    }

    /// The revision the deployment goes to, described.
    pub fn target(&self) -> Option<&ServiceRevision> {
        let arn = self.deployment.target_revision.as_ref()?.arn.as_str();
        self.revisions.iter().find(|r| r.arn == arn)
    }
}

/// The plan from deployments already read (newest first).
pub fn plan_for(
    cluster: &str,
    service: &str,
    deployments: &[ServiceDeployment],
    action: LifecycleHookAction,
    revisions: Vec<ServiceRevision>,
    now: DateTime<Utc>,
) -> Result<ContinuePlan> {
    let Some((d, hook)) = awaiting_action(deployments) else {
        return Err(Error::Refused(format!(
            "no deployment of {cluster}/{service} is waiting at a lifecycle hook \
             (AWAITING_ACTION): nothing to continue or roll back; nothing was sent"
        )));
    };
    if expired(hook, now) {
        return Err(Error::Refused(format!(
            "the hook {} of deployment {} expired ({}): its timeout action {} is ECS's to \
             take now; nothing was sent",
            hook.hook_id.as_deref().unwrap_or("-"),
            arn_name(&d.arn),
            countdown(hook.expires_at, now),
            hook.timeout_action
                .as_ref()
                .map_or("-", LifecycleHookAction::as_str),
        )));
    }
    Ok(ContinuePlan {
        service: ClusterService::new(cluster, service),
        deployment: d.clone(),
        hook: hook.clone(),
        action,
        revisions,
        now,
    })
}

/// Reads the service, its deployments in flight and their revisions (best effort).
pub async fn plan(
    aws: &AwsClients,
    cluster: &str,
    service: &str,
    action: LifecycleHookAction,
    now: DateTime<Utc>,
) -> Result<ContinuePlan> {
    let (s, live) = service_in_flight(aws, cluster, service).await?;
    let revisions = match awaiting_action(&live) {
        Some((d, _)) => describe_best_effort(aws, d).await,
        None => Vec::new(),
    };
    plan_for(&s.cluster, &s.name, &live, action, revisions, now)
}

/// ContinueServiceDeployment with the plan's hook and action; the ARN ECS answered.
pub async fn execute(mutator: &Mutator, plan: &ContinuePlan) -> Result<String> {
    mutator
        .continue_service_deployment(
            &plan.deployment.arn,
            plan.hook.hook_id.as_deref(),
            &plan.action,
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        DeploymentLifecycleStage, DeploymentStrategy, LifecycleHookStatus, ServiceDeploymentStatus,
    };

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).expect("valid")
    }

    fn paused(expires: i64) -> ServiceDeployment {
        ServiceDeployment {
            arn: "arn:aws:ecs:eu-west-1:1:service-deployment/prod/api/d4".into(),
            status: ServiceDeploymentStatus::InProgress,
            strategy: Some(DeploymentStrategy::Canary),
            lifecycle_stage: Some(DeploymentLifecycleStage::PostTestTrafficShift),
            hooks: vec![LifecycleHookDetail {
                hook_id: Some("hook-pause".into()),
                target_type: Some("PAUSE".into()),
                status: LifecycleHookStatus::AwaitingAction,
                expires_at: Some(at(expires)),
                timeout_action: Some(LifecycleHookAction::Rollback),
                ..LifecycleHookDetail::default()
            }],
            ..ServiceDeployment::default()
        }
    }

    /// prod/api's plan for `action` over `deployments`, `secs` after the epoch.
    fn plan_at(
        deployments: &[ServiceDeployment],
        action: LifecycleHookAction,
        secs: i64,
    ) -> Result<ContinuePlan> {
        plan_for("prod", "api", deployments, action, Vec::new(), at(secs))
    }

    #[test]
    fn a_paused_deployment_is_continued_with_its_hook() {
        let p = plan_at(&[paused(1000)], LifecycleHookAction::Continue, 580).expect("a plan");
        assert_eq!(p.hook.hook_id.as_deref(), Some("hook-pause"));
        assert_eq!(
            p.summary(),
            "continue deployment d4 of prod/api (IN_PROGRESS, canary · POST_TEST_TRAFFIC_SHIFT): \
             hook hook-pause is AWAITING_ACTION (7m00s left, then ROLLBACK by itself); \
             ContinueServiceDeployment CONTINUE"
        );
    }

    #[test]
    fn an_expired_hook_and_no_paused_deployment_are_refused() {
        let err =
            plan_at(&[paused(1000)], LifecycleHookAction::Rollback, 1060).expect_err("expired");
        assert!(matches!(err, Error::Refused(_)));
        assert!(err.to_string().contains("expired 1m00s ago"), "{err}");
        let none = plan_at(&[], LifecycleHookAction::Continue, 0).expect_err("nothing waits");
        assert!(none.to_string().contains("AWAITING_ACTION"), "{none}");
    }
}
