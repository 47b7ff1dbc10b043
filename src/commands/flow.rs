//! The one flow of every action command (`rollback`, `redeploy`, `restore-user`,
//! `cleanup`, `scale`, `stop-task`, `recover`, `lifecycle --apply`): plan (reads only) →
//! show the plan → nothing to do? → `--dry-run` stops → one question (`--yes` skips it) →
//! execute through the guarded `Mutator` → report and exit code. An action implements
//! `Action`; `run_action` walks the steps in that order for all of them. With `--json` the
//! plan and report text go to stderr and one JSON object to stdout.

use serde::Serialize;

use super::session::{Question, Session};
use super::{print_json, print_text};
use crate::cli::Confirm;
use crate::error::{Result, exit};

/// How a run was asked to go: `--dry-run`, `--yes`, `--json`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ask {
    pub(super) dry_run: bool,
    pub(super) yes: bool,
    pub(super) json: bool,
}

impl Ask {
    pub(super) fn new(confirm: Confirm, json: bool) -> Self {
        Self {
            dry_run: confirm.dry_run,
            yes: confirm.yes,
            json,
        }
    }
}

/// One action command, step by step; `run_action` calls the steps in order.
pub(super) trait Action {
    /// What was planned (reads only).
    type Plan;
    /// What executing the plan gave.
    type Done;
    /// The JSON object printed with `--json`.
    type Json: Serialize;

    /// Plans: reads only, nothing is sent.
    async fn plan(&self, s: &Session) -> Result<Self::Plan>;
    /// The plan as printed (usually `plan_line`).
    fn plan_text(&self, s: &Session, plan: &Self::Plan) -> String;
    /// The JSON of the run before anything is executed (a dry run prints it as it is).
    fn json(&self, s: &Session, plan: &Self::Plan, dry_run: bool) -> Self::Json;
    /// When there is nothing to do: the line saying so and the JSON printed instead.
    fn nothing_to_do(&self, _plan: &Self::Plan, _dry_run: bool) -> Option<(String, Self::Json)> {
        None
    }
    /// A refusal found in the plan, after the dry run and before the question.
    fn check(&self, _plan: &Self::Plan) -> Result<()> {
        Ok(())
    }
    /// The question before anything is sent; `None`: nothing to ask.
    fn question(&self, s: &Session, plan: &Self::Plan) -> Option<Question>;
    /// Executes the plan through `s.mutator`.
    async fn execute(&self, s: &Session, plan: &Self::Plan) -> Result<Self::Done>;
    /// Says what was done, prints the JSON, waits when asked; the exit code.
    async fn report(
        &self,
        s: &Session,
        plan: Self::Plan,
        done: Self::Done,
        out: Self::Json,
        json: bool,
    ) -> Result<i32>;
}

/// Plan → show → nothing to do → dry run → check → question → execute → report.
pub(super) async fn run_action<A: Action>(s: &Session, action: &A, ask: Ask) -> Result<i32> {
    let plan = action.plan(s).await?;
    show(ask.json, &action.plan_text(s, &plan))?;
    if let Some((line, out)) = action.nothing_to_do(&plan, ask.dry_run) {
        show(ask.json, &line)?;
        return emit_json(ask.json, &out);
    }
    let out = action.json(s, &plan, ask.dry_run);
    if ask.dry_run {
        return finish_dry_run(ask.json, &out);
    }
    action.check(&plan)?;
    if let Some(question) = action.question(s, &plan) {
        question.ask(ask.yes)?;
    }
    let done = action.execute(s, &plan).await?;
    action.report(s, plan, done, out, ask.json).await
}

/// The plan of a single action: the session's header, then `Plan: <summary>`.
pub(super) fn plan_line(s: &Session, summary: &str) -> String {
    format!("{}\nPlan: {summary}\n", s.header())
}

/// The end of a report that only says what was done: the text, the JSON, and exit 130
/// when a Ctrl-C came meanwhile.
pub(super) fn reported<T: Serialize>(s: &Session, json: bool, text: &str, out: &T) -> Result<i32> {
    show(json, text)?;
    let code = emit_json(json, out)?;
    Ok(if s.interrupted() {
        exit::INTERRUPTED
    } else {
        code
    })
}

/// Plan text: stdout normally, stderr when stdout carries JSON.
pub(super) fn show(json: bool, text: &str) -> Result<()> {
    if json {
        eprint_escaped!("{text}");
        Ok(())
    } else {
        print_text(text).map(|_| ())
    }
}

pub(super) fn emit_json<T: Serialize>(json: bool, value: &T) -> Result<i32> {
    if json {
        print_json(value)
    } else {
        Ok(exit::OK)
    }
}

pub(super) fn finish_dry_run<T: Serialize>(json: bool, value: &T) -> Result<i32> {
    show(json, "Dry run: nothing was changed.\n")?;
    emit_json(json, value)
}
