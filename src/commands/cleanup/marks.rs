//! `cleanup --mark` and `cleanup --marked` through the action flow: plan under the
//! account's and region's cleanup lock, one confirmation with the count, then the tag
//! changes (and, for `--marked`, the deletions) with a result per resource.

use std::fmt::Write as _;

use super::request::{plan_text, push_table_and_skipped, results_text, take_cleanup_locks};
use crate::analysis::orphans::OrphanFilter;
use crate::commands::flow::{Action, Ran, Unchanged, reported};
use crate::commands::session::{Question, Session};
use crate::error::{Result, exit};
use crate::model::ResourceKind;
use crate::model::escape::escape;
use crate::ops::cleanup::marks::{self, MarkPlan, MarkedPlan};
use crate::ops::cleanup::{self, ItemResult, ItemStatus};
use crate::ops::confirm::Confirmation;
use crate::ops::lock::{CleanupLock, LockKey};
use crate::ops::wait::SystemClock;
use crate::output::storage::{MarkJson, MarkedJson};

pub(super) struct MarkRequest {
    pub(super) target: ResourceKind,
    pub(super) filter: OrphanFilter,
    pub(super) after_days: u32,
    pub(super) dry_run: bool,
    pub(super) no_wait: bool,
}

pub(super) struct MarkedRequest {
    pub(super) target: ResourceKind,
    pub(super) dry_run: bool,
    pub(super) no_wait: bool,
}

/// A plan with the cleanup lock of its account and region, held until the run ends.
pub(super) struct Held<P> {
    plan: P,
    _locks: Vec<CleanupLock>,
}

async fn lock(s: &Session, dry_run: bool, no_wait: bool) -> Result<Vec<CleanupLock>> {
    let account = s.identity.as_ref().map(|i| i.account.as_str());
    let key = LockKey::new(account, s.settings.profile.as_deref(), &s.aws.region);
    take_cleanup_locks(vec![key], dry_run || s.mutator.is_read_only(), no_wait).await
}

fn exit_code(s: &Session, results: &[ItemResult]) -> i32 {
    if s.interrupted() {
        exit::INTERRUPTED
    } else if results.iter().any(|r| r.status == ItemStatus::Failed) {
        exit::ERROR
    } else {
        exit::OK
    }
}

/// The `--mark` plan as printed.
pub(super) fn mark_text(plan: &MarkPlan) -> String {
    let mut out = format!(
        "Plan: mark {} {} for deletion in {} days (tags ecsnap:delete-after, ecsnap:owner); \
         nothing is deleted now\n",
        plan.marks.len(),
        plan.target.noun_for(plan.marks.len()),
        plan.after_days
    );
    let mut t = crate::output::table::Table::new(["ID", "SIZE", "DELETE AFTER", "OWNER"]);
    for m in &plan.marks {
        t.row(vec![
            m.id.clone(),
            format!("{} GiB", m.size_gib),
            m.delete_after.format("%Y-%m-%d").to_string(),
            m.owner.clone(),
        ]);
    }
    push_table_and_skipped(&mut out, &t, &plan.skipped);
    out
}

impl Action for MarkRequest {
    type Plan = Held<MarkPlan>;
    type Done = Vec<ItemResult>;
    type Json = MarkJson;

    async fn plan(&self, s: &Session) -> Result<Held<MarkPlan>> {
        let locks = lock(s, self.dry_run, self.no_wait).await?;
        let plan =
            marks::plan_mark(s.plan_context(), self.target, self.filter, self.after_days).await?;
        Ok(Held {
            plan,
            _locks: locks,
        })
    }

    fn plan_text(&self, s: &Session, held: &Held<MarkPlan>) -> String {
        format!("{}\n{}", s.header(), mark_text(&held.plan))
    }

    fn json(&self, _s: &Session, held: &Held<MarkPlan>, dry_run: bool) -> MarkJson {
        MarkJson::new(&held.plan, dry_run, None)
    }

    fn nothing_to_do(&self, held: &Held<MarkPlan>, dry_run: bool) -> Option<Unchanged<MarkJson>> {
        (!dry_run && held.plan.marks.is_empty()).then(|| {
            Unchanged::said(
                "Nothing to mark.\n",
                MarkJson::new(&held.plan, false, Some(&[])),
            )
        })
    }

    fn question(&self, s: &Session, held: &Held<MarkPlan>) -> Option<Question> {
        let n = held.plan.marks.len();
        Some(Question {
            what: format!("Mark {n} {} for deletion", self.target.noun_for(n)),
            needed: Confirmation::required(Some(n), s.settings.production, ""),
        })
    }

    async fn execute(&self, s: &Session, held: &Held<MarkPlan>) -> Result<Vec<ItemResult>> {
        s.mutating(marks::execute_mark(&s.mutator, &held.plan))
            .await
    }

    async fn report(&self, s: &Session, ran: Ran<Self>) -> Result<i32> {
        reported(
            s,
            ran.json,
            &results_text(&ran.done),
            &MarkJson::new(&ran.plan.plan, false, Some(&ran.done)),
        )?;
        Ok(exit_code(s, &ran.done))
    }
}

/// The `--marked` plan as printed: the deletions (a cleanup plan) and the unmarks.
pub(super) fn marked_text(plan: &MarkedPlan) -> String {
    let mut out = plan_text(&plan.delete);
    if !plan.unmark.is_empty() {
        let _ = writeln!(
            out,
            "Unmark {} (in use again; their ecsnap:delete-after and ecsnap:owner tags are removed):",
            plan.unmark.len()
        );
        for u in &plan.unmark {
            let _ = writeln!(
                out,
                "  {} ({}): {}",
                escape(&u.id),
                u.kind.as_str(),
                escape(&u.why)
            );
        }
    }
    out
}

impl Action for MarkedRequest {
    type Plan = Held<MarkedPlan>;
    type Done = Vec<ItemResult>;
    type Json = MarkedJson;

    async fn plan(&self, s: &Session) -> Result<Held<MarkedPlan>> {
        let locks = lock(s, self.dry_run, self.no_wait).await?;
        let mut plan = marks::plan_marked(s.plan_context(), self.target).await?;
        cleanup::preflight(&s.mutator, &mut plan.delete).await;
        Ok(Held {
            plan,
            _locks: locks,
        })
    }

    fn plan_text(&self, s: &Session, held: &Held<MarkedPlan>) -> String {
        format!("{}\n{}", s.header(), marked_text(&held.plan))
    }

    fn json(&self, _s: &Session, held: &Held<MarkedPlan>, dry_run: bool) -> MarkedJson {
        MarkedJson::new(&held.plan, dry_run, None)
    }

    fn nothing_to_do(
        &self,
        held: &Held<MarkedPlan>,
        dry_run: bool,
    ) -> Option<Unchanged<MarkedJson>> {
        (!dry_run && held.plan.delete.items.is_empty() && held.plan.unmark.is_empty()).then(|| {
            Unchanged::said(
                "Nothing marked is due, and nothing marked is in use again.\n",
                MarkedJson::new(&held.plan, false, Some(&[])),
            )
        })
    }

    fn question(&self, s: &Session, held: &Held<MarkedPlan>) -> Option<Question> {
        let n = held.plan.delete.to_execute().count();
        let u = held.plan.unmark.len();
        Some(Question {
            what: format!(
                "Delete {n} marked {} and unmark {u}",
                self.target.noun_for(n)
            ),
            needed: Confirmation::required(Some(n + u), s.settings.production, ""),
        })
    }

    async fn execute(&self, s: &Session, held: &Held<MarkedPlan>) -> Result<Vec<ItemResult>> {
        let mut results = s
            .mutating(marks::execute_unmark(&s.mutator, &held.plan))
            .await?;
        if !held.plan.delete.items.is_empty() {
            let clock = SystemClock::default();
            let opts = cleanup::ExecuteOptions {
                interrupt: s.mutator.interrupt().clone(),
                ..cleanup::ExecuteOptions::default()
            };
            let deleted = s
                .mutating(cleanup::execute(
                    &s.aws,
                    &s.mutator,
                    &s.settings,
                    &held.plan.delete,
                    &clock,
                    &opts,
                    &mut |_| {},
                ))
                .await?;
            results.extend(deleted);
        }
        Ok(results)
    }

    async fn report(&self, s: &Session, ran: Ran<Self>) -> Result<i32> {
        reported(
            s,
            ran.json,
            &results_text(&ran.done),
            &MarkedJson::new(&ran.plan.plan, false, Some(&ran.done)),
        )?;
        Ok(exit_code(s, &ran.done))
    }
}
