//! `ecsnap scale`: a service's desired count from → to, through the one action flow
//! (`flow::run_action`); with `--wait`, until the running count reaches it (exit 3 when
//! tasks keep stopping, 4 on time out). One place only.

use super::flow::{Action, Ran, Unchanged, emit_json, plan_line, show, unless_waiting};
use super::session::{Question, Session};
use crate::cli::ScaleArgs;
use crate::error::{Result, exit};
use crate::model::Service;
use crate::ops::scale::{self, CountVerdict, ScalePlan};
use crate::ops::wait::SystemClock;
use crate::output::hands_on::{ScaleJson, ScaleWaitJson};

impl Action for ScaleArgs {
    type Plan = ScalePlan;
    type Done = Service;
    type Json = ScaleJson;

    async fn plan(&self, s: &Session) -> Result<ScalePlan> {
        scale::plan(
            &s.aws,
            &self.target.cluster,
            &self.target.service,
            self.desired,
        )
        .await
    }

    fn plan_text(&self, s: &Session, plan: &ScalePlan) -> String {
        plan_line(s, &plan.summary())
    }

    fn json(&self, _s: &Session, plan: &ScalePlan, dry_run: bool) -> ScaleJson {
        ScaleJson::new(plan, dry_run)
    }

    fn nothing_to_do(&self, plan: &ScalePlan, dry_run: bool) -> Option<Unchanged<ScaleJson>> {
        plan.is_noop().then(|| {
            Unchanged::said(
                format!(
                    "{} already has desired count {}; nothing to do\n",
                    plan.service.label(),
                    plan.to
                ),
                ScaleJson::new(plan, dry_run),
            )
        })
    }

    fn question(&self, s: &Session, plan: &ScalePlan) -> Option<Question> {
        Some(Question::single(
            s,
            format!(
                "Scale {} from {} to {}",
                plan.service.label(),
                plan.from,
                plan.to
            ),
            &plan.service.name,
        ))
    }

    async fn execute(&self, s: &Session, plan: &ScalePlan) -> Result<Service> {
        s.mutating(scale::execute(&s.mutator, plan)).await
    }

    async fn report(&self, s: &Session, ran: Ran<Self>) -> Result<i32> {
        let plan = &ran.plan;
        let mut out = ran.out;
        let wait = &self.wait;
        out.updated_desired_count = Some(ran.done.desired_count);
        show(
            ran.json,
            &format!(
                "Updated {}: desired count {} (was {}), {} running\n",
                plan.service.label(),
                ran.done.desired_count,
                plan.from,
                ran.done.running_count
            ),
        )?;
        if let Some(code) = unless_waiting(s, wait, ran.json, &out)? {
            return Ok(code);
        }
        let clock = SystemClock::default();
        let mut on_look = |svc: &Service| {
            eprintln_escaped!(
                "{}/{}: {} running, {} pending, desired {}",
                svc.cluster,
                svc.name,
                svc.running_count,
                svc.pending_count,
                svc.desired_count
            );
        };
        let outcome = scale::wait_for_count(
            s.aws.ecs.as_ref(),
            &clock,
            plan,
            wait.timeout,
            wait.interval,
            &mut on_look,
        )
        .await?;
        let code = match &outcome.verdict {
            CountVerdict::Reached => exit::OK,
            CountVerdict::Failed(_) => exit::ROLLOUT_FAILED,
            CountVerdict::Moving => exit::TIMED_OUT,
        };
        eprintln_escaped!("{}: {}", plan.service.label(), outcome.summary(plan.to));
        out.wait = Some(ScaleWaitJson::new(&outcome));
        emit_json(ran.json, &out)?;
        Ok(code)
    }
}
