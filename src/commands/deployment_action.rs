//! `ecsnap rollback --stop-deployment` (StopServiceDeployment ROLLBACK: ECS's own
//! rollback of the deployment in flight) and `ecsnap continue [--rollback]`
//! (ContinueServiceDeployment on the hook a deployment is paused at), through the one
//! action flow (`flow::run_action`); with `--wait`, until the deployment gets where it
//! was sent (exit 0), ends elsewhere (3: ROLLBACK_FAILED, rolled back instead of
//! finishing) or time runs out (4). Refused (exit 5) when nothing is in flight or waiting,
//! and in read-only mode before any request.

use super::flow::{Action, Ask, Ran, emit_json, plan_line, run_action, show, unless_waiting};
use super::session::{Question, Session};
use crate::analysis::deployments::{FollowVerdict, Goal};
use crate::cli::{ContinueArgs, RollbackArgs, RolloutWait};
use crate::error::{Result, exit};
use crate::model::{LifecycleHookAction, arn_name};
use crate::ops::continue_deployment::{self, ContinuePlan};
use crate::ops::follow_deployment::{FollowOutcome, follow_deployment};
use crate::ops::stop_deployment::{self, StopDeploymentPlan};
use crate::ops::wait::SystemClock;
use crate::output::deployments::{DeploymentActionJson, FollowJson};

/// `rollback --stop-deployment`, in the session `rollback` opened.
pub(super) async fn stop(s: &Session, args: &RollbackArgs, ask: Ask) -> Result<i32> {
    run_action(s, &StopDeployment(args), ask).await
}

/// `rollback --stop-deployment`: the deployment in flight of the service `rollback` names.
struct StopDeployment<'a>(&'a RollbackArgs);

impl Action for StopDeployment<'_> {
    type Plan = StopDeploymentPlan;
    type Done = String;
    type Json = DeploymentActionJson;

    async fn plan(&self, s: &Session) -> Result<StopDeploymentPlan> {
        let target = &self.0.target;
        stop_deployment::plan(
            &s.aws,
            &target.cluster,
            &target.service,
            crate::config::now(),
        )
        .await
    }

    fn plan_text(&self, s: &Session, plan: &StopDeploymentPlan) -> String {
        plan_line(s, &plan.summary())
    }

    fn json(&self, _s: &Session, plan: &StopDeploymentPlan, dry_run: bool) -> DeploymentActionJson {
        DeploymentActionJson::stop(plan, dry_run)
    }

    fn question(&self, s: &Session, plan: &StopDeploymentPlan) -> Option<Question> {
        Some(Question::single(
            s,
            format!(
                "Stop deployment {} of {} and let ECS roll it back",
                arn_name(&plan.deployment.arn),
                plan.service.name
            ),
            &plan.service.name,
        ))
    }

    async fn execute(&self, s: &Session, plan: &StopDeploymentPlan) -> Result<String> {
        s.mutating(stop_deployment::execute(&s.mutator, plan)).await
    }

    async fn report(&self, s: &Session, ran: Ran<Self>) -> Result<i32> {
        show(
            ran.json,
            &format!(
                "Stopped deployment {} of {}: ECS rolls it back (ROLLBACK_REQUESTED → \
                 ROLLBACK_IN_PROGRESS → ROLLBACK_SUCCESSFUL)\n",
                arn_name(&ran.done),
                ran.plan.service.label()
            ),
        )?;
        finish(
            s,
            &ran.done,
            Goal::RolledBack,
            None,
            &self.0.wait,
            ran.out,
            ran.json,
        )
        .await
    }
}

impl ContinueArgs {
    /// CONTINUE, or ROLLBACK with `--rollback`.
    fn hook_action(&self) -> LifecycleHookAction {
        if self.rollback {
            LifecycleHookAction::Rollback
        } else {
            LifecycleHookAction::Continue
        }
    }
}

impl Action for ContinueArgs {
    type Plan = ContinuePlan;
    type Done = String;
    type Json = DeploymentActionJson;

    async fn plan(&self, s: &Session) -> Result<ContinuePlan> {
        continue_deployment::plan(
            &s.aws,
            &self.target.cluster,
            &self.target.service,
            self.hook_action(),
            crate::config::now(),
        )
        .await
    }

    fn plan_text(&self, s: &Session, plan: &ContinuePlan) -> String {
        plan_line(s, &plan.summary())
    }

    fn json(&self, _s: &Session, plan: &ContinuePlan, dry_run: bool) -> DeploymentActionJson {
        DeploymentActionJson::continued(plan, dry_run)
    }

    fn question(&self, s: &Session, plan: &ContinuePlan) -> Option<Question> {
        let verb = match plan.action {
            LifecycleHookAction::Rollback => "Roll back",
            _ => "Continue",
        };
        Some(Question::single(
            s,
            format!(
                "{verb} deployment {} of {} (hook {})",
                arn_name(&plan.deployment.arn),
                plan.service.name,
                plan.hook.hook_id.as_deref().unwrap_or("-")
            ),
            &plan.service.name,
        ))
    }

    async fn execute(&self, s: &Session, plan: &ContinuePlan) -> Result<String> {
        s.mutating(continue_deployment::execute(&s.mutator, plan))
            .await
    }

    async fn report(&self, s: &Session, ran: Ran<Self>) -> Result<i32> {
        let plan = &ran.plan;
        show(
            ran.json,
            &format!(
                "Sent {} for hook {} of deployment {} ({})\n",
                plan.action,
                plan.hook.hook_id.as_deref().unwrap_or("-"),
                arn_name(&ran.done),
                plan.service.label()
            ),
        )?;
        finish(
            s,
            &ran.done,
            Goal::of(&plan.action),
            plan.hook.hook_id.as_deref(),
            &self.wait,
            ran.out,
            ran.json,
        )
        .await
    }
}

/// After the request: the JSON, and with `--wait` the deployment followed to its end.
async fn finish(
    s: &Session,
    arn: &str,
    goal: Goal,
    acted_on: Option<&str>,
    wait: &RolloutWait,
    mut out: DeploymentActionJson,
    json: bool,
) -> Result<i32> {
    out.sent = true;
    if let Some(code) = unless_waiting(s, wait, json, &out)? {
        return Ok(code);
    }
    let clock = SystemClock::default();
    let mut on_look = |d: &crate::model::ServiceDeployment| {
        eprintln_escaped!(
            "{}: {}{}",
            arn_name(&d.arn),
            d.status,
            d.lifecycle_stage
                .as_ref()
                .map(|st| format!(" ({st})"))
                .unwrap_or_default()
        );
    };
    let outcome: FollowOutcome = follow_deployment(
        s.aws.ecs.as_ref(),
        &clock,
        arn,
        goal,
        acted_on,
        (wait.timeout, wait.interval),
        &mut on_look,
    )
    .await?;
    eprintln_escaped!("{}: {}", arn_name(arn), outcome.summary());
    let code = match &outcome.verdict {
        FollowVerdict::Reached | FollowVerdict::AwaitingAction(_) => exit::OK,
        FollowVerdict::Failed(_) => exit::ROLLOUT_FAILED,
        FollowVerdict::Moving => exit::TIMED_OUT,
    };
    out.wait = Some(FollowJson::new(&outcome));
    emit_json(json, &out)?;
    Ok(code)
}
