//! The one flow of every action command (`rollback`, `redeploy`, `restore-user`,
//! `cleanup`, `scale`, `stop-task`, `recover`, `lifecycle --apply`): plan (reads only) →
//! show the plan → nothing to do? → `--dry-run` stops → one question (`--yes` skips it) →
//! execute through the guarded `Mutator` → report and exit code. An action implements
//! `Action`; `run_action` walks the steps in that order for all of them, in one place's
//! `Session` or, for `cleanup` over several places, in every place's. With `--json` the
//! plan and report text go to stderr and one JSON object to stdout.

use serde::Serialize;

use super::print::{print_json, print_text};
use super::session::{Question, Session, open_session};
use crate::cli::{Confirm, GlobalArgs, RolloutWait};
use crate::config::Settings;
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

/// What a run prints instead of executing when there is nothing to do.
pub(super) struct Unchanged<J> {
    /// The line saying so (`None`: the plan said it).
    pub(super) line: Option<String>,
    pub(super) out: J,
    pub(super) code: i32,
}

impl<J> Unchanged<J> {
    /// Nothing to do, said in `line`; exit 0.
    pub(super) fn said(line: impl Into<String>, out: J) -> Self {
        Self {
            line: Some(line.into()),
            out,
            code: exit::OK,
        }
    }
}

/// One action command, step by step; `run_action` calls the steps in order. `At` is
/// where it runs: one place's `Session` (the default), or every place's (`cleanup` over
/// several).
pub(super) trait Action<At = Session> {
    /// What was planned (reads only).
    type Plan;
    /// What executing the plan gave.
    type Done;
    /// The JSON object printed with `--json`.
    type Json: Serialize;

    /// Plans: reads only, nothing is sent.
    async fn plan(&self, s: &At) -> Result<Self::Plan>;
    /// The plan as printed (usually `plan_line`).
    fn plan_text(&self, s: &At, plan: &Self::Plan) -> String;
    /// The JSON of the run before anything is executed (a dry run prints it as it is).
    fn json(&self, s: &At, plan: &Self::Plan, dry_run: bool) -> Self::Json;
    /// When there is nothing to do: what is printed instead, and the exit code.
    fn nothing_to_do(&self, _plan: &Self::Plan, _dry_run: bool) -> Option<Unchanged<Self::Json>> {
        None
    }
    /// The exit code of a dry run.
    fn dry_run_code(&self, _plan: &Self::Plan) -> i32 {
        exit::OK
    }
    /// A refusal found in the plan, after the dry run and before the question.
    fn check(&self, _plan: &Self::Plan) -> Result<()> {
        Ok(())
    }
    /// The question before anything is sent; `None`: nothing to ask.
    fn question(&self, s: &At, plan: &Self::Plan) -> Option<Question>;
    /// Executes the plan through the guarded `Mutator`.
    async fn execute(&self, s: &At, plan: &Self::Plan) -> Result<Self::Done>;
    /// Says what was done, prints the JSON, waits when asked; the exit code.
    async fn report(&self, s: &At, ran: Ran<Self, At>) -> Result<i32>;
}

/// What an action's `report` is given: its plan, what executing it gave, the JSON built
/// before executing, and whether stdout carries JSON.
pub(super) struct Ran<A: Action<At> + ?Sized, At = Session> {
    pub(super) plan: A::Plan,
    pub(super) done: A::Done,
    pub(super) out: A::Json,
    pub(super) json: bool,
}

/// Plan → show → nothing to do → dry run → check → question → execute → report.
pub(super) async fn run_action<At, A: Action<At>>(s: &At, action: &A, ask: Ask) -> Result<i32> {
    let plan = action.plan(s).await?;
    show(ask.json, &action.plan_text(s, &plan))?;
    if let Some(unchanged) = action.nothing_to_do(&plan, ask.dry_run) {
        if let Some(line) = &unchanged.line {
            show(ask.json, line)?;
        }
        emit_json(ask.json, &unchanged.out)?;
        return Ok(unchanged.code);
    }
    let out = action.json(s, &plan, ask.dry_run);
    if ask.dry_run {
        finish_dry_run(ask.json, &out)?;
        return Ok(action.dry_run_code(&plan));
    }
    action.check(&plan)?;
    if let Some(question) = action.question(s, &plan) {
        question.ask(ask.yes)?;
    }
    let done = action.execute(s, &plan).await?;
    let ran = Ran {
        plan,
        done,
        out,
        json: ask.json,
    };
    action.report(s, ran).await
}

/// An action of one place: its session opened for `command` (refused at once in
/// read-only mode unless a dry run), then `run_action` in it. Boxed: the futures of the
/// action commands are large.
pub(super) fn run_in_session<'a, A: Action>(
    global: &'a GlobalArgs,
    settings: Settings,
    command: &'a str,
    action: &'a A,
    confirm: Confirm,
) -> std::pin::Pin<Box<impl Future<Output = Result<i32>> + 'a>> {
    Box::pin(async move {
        let s = open_session(global, settings, command, confirm.dry_run).await?;
        run_action(&s, action, Ask::new(confirm, global.json)).await
    })
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

/// Before a `--wait`: after a Ctrl-C, or when no wait was asked, the run ends here —
/// the JSON printed, exit 130 or 0. `None`: go on and wait.
pub(super) fn unless_waiting<T: Serialize>(
    s: &Session,
    wait: &RolloutWait,
    json: bool,
    out: &T,
) -> Result<Option<i32>> {
    if s.interrupted() || !wait.wait {
        emit_json(json, out)?;
        return Ok(Some(if s.interrupted() {
            exit::INTERRUPTED
        } else {
            exit::OK
        }));
    }
    Ok(None)
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
