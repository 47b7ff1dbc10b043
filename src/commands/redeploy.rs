//! `ecsnap redeploy`: a new deployment of a service (same task definition, fresh tasks),
//! through the one action flow (`flow::run_action`); with `--wait`, until the rollout
//! ends. Over several places it acts where the service lives (`fleet_service::locate`).

use super::flow::{Action, Ask, Ran, plan_line, run_action};
use super::session::{Question, Session};
use super::wait::report_rollout;
use crate::cli::{GlobalArgs, RedeployArgs, ServiceTarget};
use crate::config::Settings;
use crate::error::Result;
use crate::ops::redeploy::{self, RedeployPlan, Started};
use crate::output::actions::RolloutJson;

pub(super) async fn run(
    args: RedeployArgs,
    global: &GlobalArgs,
    settings: Settings,
) -> Result<i32> {
    let ServiceTarget { cluster, service } = &args.target;
    let s = Box::pin(super::fleet_service::session_where(
        global,
        settings,
        [cluster, service],
        "redeploy",
        args.confirm.dry_run,
    ))
    .await?;
    run_action(&s, &args, Ask::new(args.confirm, global.json)).await
}

impl Action for RedeployArgs {
    type Plan = RedeployPlan;
    type Done = Started;
    type Json = RolloutJson;

    async fn plan(&self, s: &Session) -> Result<RedeployPlan> {
        redeploy::plan(&s.aws, &self.target.cluster, &self.target.service).await
    }

    fn plan_text(&self, s: &Session, plan: &RedeployPlan) -> String {
        plan_line(s, &plan.summary())
    }

    fn json(&self, s: &Session, plan: &RedeployPlan, dry_run: bool) -> RolloutJson {
        RolloutJson::redeploy(plan, dry_run).at(s.account_id(), &s.aws.region)
    }

    fn question(&self, s: &Session, plan: &RedeployPlan) -> Option<Question> {
        Some(Question::single(
            s,
            format!("Redeploy {}", plan.service.label()),
            &plan.service.name,
        ))
    }

    async fn execute(&self, s: &Session, plan: &RedeployPlan) -> Result<Started> {
        s.mutating(redeploy::execute(&s.mutator, plan)).await
    }

    async fn report(&self, s: &Session, ran: Ran<Self>) -> Result<i32> {
        report_rollout(s, ran.out, &ran.done, &self.wait, ran.json, None).await
    }
}
