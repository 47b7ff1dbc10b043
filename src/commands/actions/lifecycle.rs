//! `ecsnap lifecycle --repository R [--suggest [--keep N] [--apply [--yes]]]`: the policy
//! in place judged per user (a read); the suggested policy with its preview (a read); or
//! the suggested policy put through the action path (read-only refusal before any
//! request, plan, confirmation, `Mutator` with its audit line).

use super::{Session, confirm_single, emit_json, open_session, show};
use crate::cli::{Command, GlobalArgs};
use crate::config::{Settings, now};
use crate::error::{Error, Result, exit};
use crate::load::load_lifecycle;
use crate::ops::lifecycle::{self, LifecyclePlan};
use crate::output::lifecycle::{LifecycleJson, SuggestJson, lifecycle_text, suggest_text};

pub async fn run(command: Command, global: &GlobalArgs, settings: Settings) -> Result<i32> {
    let Command::Lifecycle {
        repository,
        suggest,
        keep,
        apply,
        yes,
    } = command
    else {
        return Err(Error::Usage("not a lifecycle command".into()));
    };
    let json = global.json;
    let keep = keep.unwrap_or(settings.keep_newest);
    if apply {
        let s = open_session(global, settings, "lifecycle --apply", false).await?;
        return run_apply(&s, &repository, keep, yes, json).await;
    }
    let aws = crate::commands::connect_from(global).await?;
    let now = now();
    if suggest {
        let plan = lifecycle::plan(&aws, &settings, &repository, keep, now).await?;
        if json {
            return emit_json(true, &SuggestJson::new(&plan, false));
        }
        // The policy alone on stdout (ready for a file); the notes and preview on stderr.
        eprint_escaped!("{}", notes_text(&plan, now));
        return super::print_text(&format!("{}\n", plan.policy_text));
    }
    let state = load_lifecycle(&aws, &settings, Some(&repository)).await?;
    let report = state
        .reports(&settings, now)
        .into_iter()
        .next()
        .ok_or_else(|| Error::Usage(format!("repository {repository}: nothing was read")))?;
    if json {
        emit_json(true, &LifecycleJson::from(&report))
    } else {
        super::print_text(&lifecycle_text(&report, now))
    }
}

/// What goes with the policy text: what ECR cannot express, then the preview.
fn notes_text(plan: &LifecyclePlan, now: chrono::DateTime<chrono::Utc>) -> String {
    let full = suggest_text(plan, now);
    // `suggest_text` carries the policy itself; on stderr only the rest.
    full.replacen(
        &format!("{}\n", plan.policy_text),
        "(policy on stdout)\n",
        1,
    )
}

async fn run_apply(
    s: &Session,
    repository: &str,
    keep: usize,
    yes: bool,
    json: bool,
) -> Result<i32> {
    let now = now();
    let plan = lifecycle::plan(&s.aws, &s.settings, repository, keep, now).await?;
    show(
        json,
        &format!(
            "{}\nPlan: put this lifecycle policy on {repository}\n{}",
            s.header(),
            suggest_text(&plan, now)
        ),
    )?;
    if plan.is_noop() {
        show(json, "This policy is already in place; nothing to do.\n")?;
        return emit_json(json, &SuggestJson::new(&plan, false));
    }
    if plan.suggestion.rules.is_empty() {
        return Err(Error::Usage(format!(
            "repository {repository}: no tag matches the snapshot tag pattern, so there is no \
             user to write a rule for; nothing was put"
        )));
    }
    confirm_single(
        s,
        &format!("Put this lifecycle policy on {repository}"),
        repository,
        yes,
    )?;
    s.mutating(lifecycle::execute(&s.mutator, &plan)).await?;
    show(
        json,
        &format!(
            "Lifecycle policy put on {repository} ({} rules). ECR applies it within 24 hours.\n",
            plan.suggestion.rules.len()
        ),
    )?;
    let code = emit_json(json, &SuggestJson::new(&plan, true))?;
    Ok(if s.interrupted() {
        exit::INTERRUPTED
    } else {
        code
    })
}
