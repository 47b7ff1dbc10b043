//! `ecsnap rollback`: a service back to an older task-definition revision (default: the
//! one before what it runs), an older image tag or an older EBS snapshot, through the one
//! action flow (`flow::run_action`); with `--wait`, until the rollout ends. With
//! `--stop-deployment`, ECS's own rollback of the deployment in flight instead
//! (`deployment_action.rs`). Over several places it acts where the service lives
//! (`fleet_service::locate`).

use super::flow::{Action, Ask, Ran, plan_line, run_action};
use super::session::{Question, Session};
use super::wait::report_rollout;
use crate::cli::{GlobalArgs, RollbackArgs, RollbackTo, ServiceTarget};
use crate::config::Settings;
use crate::error::Result;
use crate::ops::redeploy::Started;
use crate::ops::rollback::{self, RollbackPlan, RollbackTarget};
use crate::output::actions::RolloutJson;

pub(super) async fn run(
    args: RollbackArgs,
    global: &GlobalArgs,
    settings: Settings,
) -> Result<i32> {
    let ServiceTarget { cluster, service } = &args.target;
    let s = Box::pin(super::fleet_service::session_where(
        global,
        settings,
        [cluster, service],
        "rollback",
        args.confirm.dry_run,
    ))
    .await?;
    let ask = Ask::new(args.confirm, global.json);
    if args.to.stop_deployment {
        return super::deployment_action::stop(&s, &args, ask).await;
    }
    run_action(&s, &args, ask).await
}

impl Action for RollbackArgs {
    type Plan = RollbackPlan;
    type Done = Started;
    type Json = RolloutJson;

    async fn plan(&self, s: &Session) -> Result<RollbackPlan> {
        let target = rollback_target(
            &self.to,
            self.container.clone(),
            self.volume.clone(),
            self.pin_digests,
        );
        rollback::plan_with(
            &s.aws,
            &self.target.cluster,
            &self.target.service,
            &target,
            self.force,
        )
        .await
        .map(|p| {
            p.with_initialization_rate(self.initialization_rate.or(s.settings.initialization_rate))
        })
    }
    fn plan_text(&self, s: &Session, plan: &RollbackPlan) -> String {
        plan_line(s, &plan.summary())
    }

    fn json(&self, s: &Session, plan: &RollbackPlan, dry_run: bool) -> RolloutJson {
        RolloutJson::rollback(plan, dry_run).at(s.account_id(), &s.aws.region)
    }

    fn question(&self, s: &Session, plan: &RollbackPlan) -> Option<Question> {
        Some(Question::single(
            s,
            format!("Roll back {}", plan.service.label()),
            &plan.service.name,
        ))
    }

    async fn execute(&self, s: &Session, plan: &RollbackPlan) -> Result<Started> {
        s.mutating(rollback::execute(&s.mutator, plan)).await
    }

    async fn report(&self, s: &Session, ran: Ran<Self>) -> Result<i32> {
        let mut out = ran.out;
        out.registered_task_definition = match &ran.plan.change {
            rollback::RollbackChange::Image { .. } => Some(ran.done.task_definition.clone()),
            rollback::RollbackChange::ServiceRevision(r) if !r.pins().is_empty() => {
                Some(ran.done.task_definition.clone())
            }
            _ => None,
        };
        let hydrate = ran.plan.initialization;
        report_rollout(s, out, &ran.done, &self.wait, ran.json, hydrate).await
    }
}

fn rollback_target(
    to: &RollbackTo,
    container: Option<String>,
    volume: Option<String>,
    pin_digests: bool,
) -> RollbackTarget {
    if let Some(n) = to.to_revision {
        RollbackTarget::Revision(n)
    } else if let Some(tag) = &to.image_tag {
        RollbackTarget::ImageTag {
            tag: tag.clone(),
            container,
        }
    } else if let Some(which) = &to.service_revision {
        RollbackTarget::ServiceRevision {
            which: which.clone(),
            pin: pin_digests,
        }
    } else if let Some(snapshot_id) = &to.ebs_snapshot {
        RollbackTarget::EbsSnapshot {
            snapshot_id: snapshot_id.clone(),
            volume,
        }
    } else {
        RollbackTarget::Previous
    }
}
