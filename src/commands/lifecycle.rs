//! `ecsnap lifecycle --repository R [--suggest [--keep N | --archive-after D
//! [--expire-archived-after E]] [--apply [--yes]]]`: the policy
//! in place judged per user (a read); the suggested policy with its preview (a read); or
//! the suggested policy put through the action path (read-only refusal before any
//! request, plan, confirmation, `Mutator` with its audit line: `flow::run_action`).

use super::flow::{Action, Ask, Ran, Unchanged, emit_json, reported, run_action};
use super::session::{Question, Session, open_session};
use crate::analysis::lifecycle::ARCHIVE_MINIMUM_DAYS;
use crate::analysis::lifecycle_suggest::ArchiveAges;
use crate::cli::{GlobalArgs, LifecycleArgs};
use crate::config::{Settings, now};
use crate::error::{Error, Result};
use crate::load::load_lifecycle;
use crate::ops::lifecycle::{self, LifecyclePlan};
use crate::output::lifecycle::{LifecycleJson, SuggestJson, lifecycle_text, suggest_text};

pub(super) async fn run(
    args: LifecycleArgs,
    global: &GlobalArgs,
    settings: Settings,
) -> Result<i32> {
    let LifecycleArgs {
        repository,
        suggest,
        keep,
        archive_after,
        expire_archived_after,
        apply,
        yes,
    } = args;
    let json = global.json;
    let keep = keep.unwrap_or(settings.keep_newest);
    let archive = archive_after.map(|after_days| ArchiveAges {
        after_days,
        expire_days: expire_archived_after.unwrap_or(ARCHIVE_MINIMUM_DAYS),
    });
    if apply {
        let s = open_session(global, settings, "lifecycle --apply", false).await?;
        let ask = Ask {
            dry_run: false,
            yes,
            json,
        };
        let apply = Apply {
            repository,
            keep,
            archive,
        };
        return run_action(&s, &apply, ask).await;
    }
    let aws = super::connect::connect_from(global).await?;
    let now = now();
    if suggest {
        let plan = lifecycle::plan(&aws, &settings, &repository, keep, archive, now).await?;
        if json {
            return emit_json(true, &SuggestJson::new(&plan, false));
        }
        // The policy alone on stdout (ready for a file); the notes and preview on stderr.
        eprint_escaped!("{}", notes_text(&plan, now));
        return super::print::print_text(&format!("{}\n", plan.policy_text));
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
        super::print::print_text(&lifecycle_text(&report, now))
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

/// `--suggest --apply`: the suggested policy put on one repository.
struct Apply {
    repository: String,
    keep: usize,
    archive: Option<ArchiveAges>,
}

impl Action for Apply {
    /// The plan, and when it was made (the preview's "now").
    type Plan = (LifecyclePlan, chrono::DateTime<chrono::Utc>);
    type Done = ();
    type Json = SuggestJson;

    async fn plan(&self, s: &Session) -> Result<Self::Plan> {
        let now = now();
        let plan = lifecycle::plan(
            &s.aws,
            &s.settings,
            &self.repository,
            self.keep,
            self.archive,
            now,
        )
        .await?;
        Ok((plan, now))
    }

    fn plan_text(&self, s: &Session, (plan, now): &Self::Plan) -> String {
        format!(
            "{}\nPlan: put this lifecycle policy on {}\n{}",
            s.header(),
            self.repository,
            suggest_text(plan, *now)
        )
    }

    fn json(&self, _s: &Session, (plan, _): &Self::Plan, _dry_run: bool) -> SuggestJson {
        SuggestJson::new(plan, false)
    }

    fn nothing_to_do(
        &self,
        (plan, _): &Self::Plan,
        _dry_run: bool,
    ) -> Option<Unchanged<SuggestJson>> {
        plan.is_noop().then(|| {
            Unchanged::said(
                "This policy is already in place; nothing to do.\n",
                SuggestJson::new(plan, false),
            )
        })
    }

    fn check(&self, (plan, _): &Self::Plan) -> Result<()> {
        if plan.suggestion.rules.is_empty() {
            return Err(Error::Usage(format!(
                "repository {}: no tag matches the snapshot tag pattern, so there is no user \
                 to write a rule for; nothing was put",
                self.repository
            )));
        }
        Ok(())
    }

    fn question(&self, s: &Session, _plan: &Self::Plan) -> Option<Question> {
        Some(Question::single(
            s,
            format!("Put this lifecycle policy on {}", self.repository),
            &self.repository,
        ))
    }

    async fn execute(&self, s: &Session, (plan, _): &Self::Plan) -> Result<()> {
        s.mutating(lifecycle::execute(&s.mutator, plan)).await
    }

    async fn report(&self, s: &Session, ran: Ran<Self>) -> Result<i32> {
        let (plan, _) = ran.plan;
        let text = format!(
            "Lifecycle policy put on {} ({} rules). ECR applies it within 24 hours.\n",
            self.repository,
            plan.suggestion.rules.len()
        );
        reported(s, ran.json, &text, &SuggestJson::new(&plan, true))
    }
}
