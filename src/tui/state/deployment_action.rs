//! The deployment dialog: ECS's own actions on a deployment in flight — stop it and roll
//! back (StopServiceDeployment ROLLBACK, from the rollback picker's first row), or act on
//! the hook it is paused at (ContinueServiceDeployment CONTINUE with `o`, ROLLBACK from the
//! picker) — then follow the deployment to where it was sent, stage by stage.

use crate::analysis::deployments::Goal;
use crate::model::{LifecycleHookAction, ServiceDeployment, ServiceDeploymentStatus, arn_name};
use crate::ops::continue_deployment::ContinuePlan;
use crate::ops::stop_deployment::StopDeploymentPlan;

/// What ECS is asked to do, as `ops` planned it: exactly what the confirmation sends.
#[derive(Debug, Clone, PartialEq)]
#[allow(
    clippy::large_enum_variant,
    reason = "stored and sent boxed (Box<EcsAct>, a boxed dialog): the variants' sizes cost nothing"
)]
pub enum EcsAct {
    /// StopServiceDeployment ROLLBACK.
    Stop(StopDeploymentPlan),
    /// ContinueServiceDeployment CONTINUE or ROLLBACK on the paused hook.
    Hook(ContinuePlan),
}

impl EcsAct {
    /// The plan in one sentence (ops' own summary).
    pub fn summary(&self) -> String {
        match self {
            EcsAct::Stop(p) => p.summary(),
            EcsAct::Hook(p) => p.summary(),
        }
    }

    pub fn deployment(&self) -> &ServiceDeployment {
        match self {
            EcsAct::Stop(p) => &p.deployment,
            EcsAct::Hook(p) => &p.deployment,
        }
    }

    /// Where the followed deployment should end.
    pub fn goal(&self) -> Goal {
        match self {
            EcsAct::Stop(_) => Goal::RolledBack,
            EcsAct::Hook(p) => Goal::of(&p.action),
        }
    }

    /// The hook acted on (a pause at it again is not news).
    pub fn acted_on(&self) -> Option<&str> {
        match self {
            EcsAct::Stop(_) => None,
            EcsAct::Hook(p) => p.hook.hook_id.as_deref(),
        }
    }

    /// The picker's row and the dialog's verb: `stop this deployment and roll back (ECS)`.
    pub fn label(&self) -> String {
        match self {
            EcsAct::Stop(_) => "stop this deployment and roll back (ECS)".to_string(),
            EcsAct::Hook(p) if p.action == LifecycleHookAction::Rollback => format!(
                "roll back at the paused hook {} (ECS)",
                p.hook.hook_id.as_deref().unwrap_or("-")
            ),
            EcsAct::Hook(p) => format!(
                "continue past the paused hook {} (ECS)",
                p.hook.hook_id.as_deref().unwrap_or("-")
            ),
        }
    }

    /// The AWS call it makes, as the confirmation names it.
    pub fn call(&self) -> String {
        match self {
            EcsAct::Stop(_) => "StopServiceDeployment stopType=ROLLBACK".to_string(),
            EcsAct::Hook(p) => format!(
                "ContinueServiceDeployment hookId={} action={}",
                p.hook.hook_id.as_deref().unwrap_or("-"),
                p.action
            ),
        }
    }

    pub fn service(&self) -> (&str, &str) {
        match self {
            EcsAct::Stop(p) => (&p.service.cluster, &p.service.name),
            EcsAct::Hook(p) => (&p.service.cluster, &p.service.name),
        }
    }
}

/// The deployment followed after the call went out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Following {
    /// ECS answered the call.
    pub sent: bool,
    /// The last look at the deployment.
    pub last: Option<ServiceDeployment>,
    /// Every status seen, in order, without repeats (`ROLLBACK_REQUESTED →
    /// ROLLBACK_IN_PROGRESS → ROLLBACK_SUCCESSFUL`).
    pub statuses: Vec<ServiceDeploymentStatus>,
    /// How following ended: reached (its summary), or why not.
    pub outcome: Option<Result<String, String>>,
}

impl Following {
    pub fn look(&mut self, d: ServiceDeployment) {
        if self.statuses.last() != Some(&d.status) {
            self.statuses.push(d.status.clone());
        }
        self.last = Some(d);
    }
}

#[derive(Debug, Clone)]
pub struct DeploymentActionModal {
    pub cluster: String,
    pub service: String,
    /// CONTINUE or ROLLBACK asked (`o` asks CONTINUE); `None`: a stop from the picker.
    pub asked: Option<LifecycleHookAction>,
    /// Once planned.
    pub plan: Option<EcsAct>,
    /// Once sent.
    pub following: Option<Following>,
}

impl DeploymentActionModal {
    pub fn new(cluster: &str, service: &str, asked: Option<LifecycleHookAction>) -> Self {
        Self {
            cluster: cluster.to_string(),
            service: service.to_string(),
            asked,
            plan: None,
            following: None,
        }
    }

    /// A plan confirmed in the rollback picker, now sent and followed here.
    pub fn sent_from_picker(plan: EcsAct) -> Self {
        let (cluster, service) = plan.service();
        Self {
            cluster: cluster.to_string(),
            service: service.to_string(),
            asked: None,
            following: Some(Following::default()),
            plan: Some(plan),
        }
    }

    /// Following ended with the deployment paused at a hook again: `o` continues it, `R`
    /// rolls it back there.
    pub fn paused_again(&self) -> bool {
        self.following.as_ref().is_some_and(|f| {
            f.outcome.is_some()
                && f.last
                    .as_ref()
                    .is_some_and(|d| d.status.is_in_flight() && d.awaiting_hook().is_some())
        })
    }

    /// Sent and not yet ended: Esc stops following (the deployment goes on in ECS).
    pub fn is_following(&self) -> bool {
        self.following.as_ref().is_some_and(|f| f.outcome.is_none())
    }

    pub fn title(&self) -> String {
        let what = match (&self.plan, self.asked.as_ref()) {
            (Some(p), _) if self.following.is_some() => {
                format!("Following deployment {}", arn_name(&p.deployment().arn))
            }
            (_, Some(LifecycleHookAction::Continue)) => "Continue the paused deployment".into(),
            (_, Some(_)) => "Roll back the paused deployment".into(),
            (_, None) => "Stop the deployment and roll back".into(),
        };
        format!("{what} of {}/{}", self.cluster, self.service)
    }
}
