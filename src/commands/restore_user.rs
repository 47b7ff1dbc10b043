//! `ecsnap restore-user`: point a user's resume tag at an older snapshot tag (PutImage of
//! its manifest), through the one action flow (`flow::run_action`). One place only.

use super::flow::{Action, Ran, Unchanged, plan_line, reported, run_in_session};
use super::session::{Question, Session};
use crate::cli::{GlobalArgs, RestoreUserArgs};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::ops::restore_user::{self, RestorePlan, Restored};
use crate::output::actions::RestoreJson;

pub(super) async fn run(
    args: RestoreUserArgs,
    global: &GlobalArgs,
    settings: Settings,
) -> Result<i32> {
    if super::fleet::is_fleet(global, &settings) {
        return Err(Error::Usage(
            "restore-user works on one account and region for now: give one --profile and \
             one --region (several, `all` and [fleet] serve the listings, `report`, \
             `cleanup`, `rollback`, `redeploy` and `wait`)"
                .into(),
        ));
    }
    run_in_session(global, settings, "restore-user", &args, args.confirm).await
}

impl Action for RestoreUserArgs {
    type Plan = RestorePlan;
    type Done = Restored;
    type Json = RestoreJson;

    async fn plan(&self, s: &Session) -> Result<RestorePlan> {
        restore_user::plan(&s.aws, &s.settings, &self.repository, &self.user, &self.tag).await
    }

    fn plan_text(&self, s: &Session, plan: &RestorePlan) -> String {
        plan_line(s, &plan.summary())
    }

    fn json(&self, _s: &Session, plan: &RestorePlan, dry_run: bool) -> RestoreJson {
        RestoreJson::new(plan, dry_run, None)
    }

    fn nothing_to_do(&self, plan: &RestorePlan, dry_run: bool) -> Option<Unchanged<RestoreJson>> {
        plan.nothing_to_do()
            .map(|line| Unchanged::said(format!("{line}\n"), RestoreJson::new(plan, dry_run, None)))
    }

    fn question(&self, s: &Session, plan: &RestorePlan) -> Option<Question> {
        Some(Question::single(
            s,
            format!(
                "Restore {} to {} in {}",
                self.user, self.tag, plan.repository
            ),
            &self.user,
        ))
    }

    async fn execute(&self, s: &Session, plan: &RestorePlan) -> Result<Restored> {
        s.mutating(restore_user::execute(&s.mutator, plan)).await
    }

    async fn report(&self, s: &Session, ran: Ran<Self>) -> Result<i32> {
        let text = format!(
            "{}:{} now points at {} (was {})\n",
            ran.plan.repository,
            ran.plan.resume_tag,
            ran.done.after_digest,
            ran.done.before_digest.as_deref().unwrap_or("nothing")
        );
        let out = RestoreJson::new(&ran.plan, false, Some(ran.done.after_digest.as_str()));
        reported(s, ran.json, &text, &out)
    }
}
