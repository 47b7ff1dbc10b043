//! `ecsnap stop-task`: stop one task with a reason (its service starts a replacement),
//! through the one action flow (`flow::run_action`). One place only.

use super::flow::{Action, Ran, plan_line, reported};
use super::session::{Question, Session};
use crate::cli::StopTaskArgs;
use crate::error::Result;
use crate::model::Task;
use crate::ops::stop_task::{self, StopPlan};
use crate::output::hands_on::StopTaskJson;

/// `stop-task`: one task to stop, as asked on the command line.
impl Action for StopTaskArgs {
    type Plan = StopPlan;
    type Done = Task;
    type Json = StopTaskJson;

    async fn plan(&self, s: &Session) -> Result<StopPlan> {
        let reason = self.reason.clone().unwrap_or_else(|| {
            stop_task::default_reason(s.identity.as_ref(), s.settings.profile.as_deref())
        });
        stop_task::plan(&s.aws, &self.target.cluster, &self.target.task, reason).await
    }

    fn plan_text(&self, s: &Session, plan: &StopPlan) -> String {
        plan_line(s, &plan.summary())
    }

    fn json(&self, _s: &Session, plan: &StopPlan, dry_run: bool) -> StopTaskJson {
        StopTaskJson::new(plan, dry_run, None)
    }

    fn question(&self, s: &Session, plan: &StopPlan) -> Option<Question> {
        Some(Question::single(
            s,
            match &plan.service {
                Some(service) => {
                    format!("Stop task {} of {}/{service}", plan.task_id, plan.cluster)
                }
                None => format!("Stop task {} in {}", plan.task_id, plan.cluster),
            },
            &plan.task_id,
        ))
    }

    async fn execute(&self, s: &Session, plan: &StopPlan) -> Result<Task> {
        s.mutating(stop_task::execute(&s.mutator, plan)).await
    }

    async fn report(&self, s: &Session, ran: Ran<Self>) -> Result<i32> {
        let text = format!(
            "Stopped task {} (desired {}, last {}){}\n",
            ran.plan.task_id,
            ran.done.desired_status,
            ran.done.last_status,
            ran.plan
                .service
                .as_deref()
                .map(|svc| format!("; service {svc} starts a replacement"))
                .unwrap_or_default()
        );
        reported(
            s,
            ran.json,
            &text,
            &StopTaskJson::new(&ran.plan, false, Some(&ran.done)),
        )
    }
}
