//! `ecsnap recover --volume vol-… [--wait] [--yes]`: plan, confirm, snapshot the orphaned
//! volume and wait for it (progress on stderr), point the service's managed EBS volume at
//! the snapshot, and optionally wait for the rollout — through the one action flow
//! (`flow::run_action`).

use super::flow::{Action, Ran, emit_json, plan_line, show, unless_waiting};
use super::session::{Question, Session};
use super::wait::wait_for_started;
use crate::cli::RecoverArgs;
use crate::config::now;
use crate::error::{Result, exit};
use crate::model::arn_name;
use crate::ops::recover::{self, RecoverOptions, RecoverPlan, RecoverProgress, Recovered};
use crate::ops::wait::SystemClock;
use crate::output::actions::WaitJson;
use crate::output::recover::RecoverJson;

impl Action for RecoverArgs {
    type Plan = RecoverPlan;
    type Done = Recovered;
    type Json = RecoverJson;

    async fn plan(&self, s: &Session) -> Result<RecoverPlan> {
        let account = s.identity.as_ref().map(|i| i.account.as_str());
        let mut plan =
            recover::plan(&s.aws, &self.volume, self.role_arn.as_deref(), account).await?;
        plan.initialization_rate = self.initialization_rate.or(s.settings.initialization_rate);
        Ok(plan)
    }

    fn plan_text(&self, s: &Session, plan: &RecoverPlan) -> String {
        plan_line(s, &plan.summary())
    }

    fn json(&self, _s: &Session, plan: &RecoverPlan, dry_run: bool) -> RecoverJson {
        RecoverJson::new(plan, dry_run)
    }

    fn question(&self, s: &Session, plan: &RecoverPlan) -> Option<Question> {
        Some(Question::single(
            s,
            format!("Recover {} into {}", plan.volume.id, plan.service.label()),
            &plan.service.name,
        ))
    }

    async fn execute(&self, s: &Session, plan: &RecoverPlan) -> Result<Recovered> {
        let opts = RecoverOptions::new(s.settings.snapshot_retention_days, now());
        let clock = SystemClock::default();
        let mut snapshot: Option<String> = None;
        let mut on_progress = |p: &RecoverProgress| {
            if let RecoverProgress::SnapshotStarted(id) = p {
                snapshot = Some(id.clone());
            }
            eprintln_escaped!("{}", p.text());
        };
        let done = s
            .mutating(recover::execute(
                &s.mutator,
                plan,
                &clock,
                &opts,
                &mut on_progress,
            ))
            .await;
        if done.is_err()
            && let Some(id) = &snapshot
        {
            eprintln_escaped!("snapshot {id} of {} was taken and is kept", plan.volume.id);
        }
        done
    }

    async fn report(&self, s: &Session, ran: Ran<Self>) -> Result<i32> {
        let plan = &ran.plan;
        let mut out = ran.out;
        let started = &ran.done.started;
        out.snapshot_id = Some(ran.done.snapshot_id.clone());
        out.deployment_id.clone_from(&started.deployment_id);
        out.task_definition.clone_from(&started.task_definition);
        show(
            ran.json,
            &format!(
                "Updated {}: volume {} now starts from snapshot {} (runs {}{})\n",
                plan.service.label(),
                plan.managed.name,
                ran.done.snapshot_id,
                arn_name(&started.task_definition),
                started
                    .deployment_id
                    .as_deref()
                    .map(|d| format!(", deployment {d}"))
                    .unwrap_or_default()
            ),
        )?;
        if let Some(code) = unless_waiting(s, &self.wait, ran.json, &out)? {
            return Ok(code);
        }
        let outcome = wait_for_started(&s.aws, &plan.service, started, &self.wait).await?;
        out.wait = Some(WaitJson::new(
            &plan.service.cluster,
            &plan.service.name,
            &outcome,
        ));
        if matches!(outcome.verdict, crate::ops::wait::Verdict::Stable) && !s.interrupted() {
            out.hydration = Some(
                super::hydration::follow_after_rollout(
                    &s.aws,
                    &plan.service,
                    plan.initialization_rate,
                    &self.wait,
                )
                .await,
            );
        }
        emit_json(ran.json, &out)?;
        outcome.into_result().map(|_| exit::OK)
    }
}
