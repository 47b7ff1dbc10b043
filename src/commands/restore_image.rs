//! `ecsnap restore-image --repository R --tag T [--wait]`: an archived ECR image back to
//! the standard storage class (UpdateImageStorageClass) through the one action flow
//! (`flow::run_action`): plan, confirm, one audited request, then — with `--wait` — the
//! storage class polled until the image can be pulled. One place only.

use std::time::Duration;

use super::flow::{Action, Ask, Ran, plan_line, reported, run_action};
use super::session::{Question, Session, open_session};
use crate::cli::{GlobalArgs, RestoreImageArgs};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::model::ImageStatus;
use crate::ops::restore_image::{self, RestoreImagePlan};
use crate::ops::wait::SystemClock;
use crate::output::restore_image::RestoreImageJson;

/// Between two reads of the storage class while waiting.
const POLL: Duration = Duration::from_secs(10);

pub(super) async fn run(
    args: RestoreImageArgs,
    global: &GlobalArgs,
    settings: Settings,
) -> Result<i32> {
    let RestoreImageArgs {
        repository,
        tag,
        wait,
        timeout,
        confirm,
    } = args;
    let s = open_session(global, settings, "restore-image", confirm.dry_run).await?;
    let action = RestoreImage {
        repository,
        tag,
        wait: wait.then_some(timeout),
    };
    run_action(&s, &action, Ask::new(confirm, global.json)).await
}

struct RestoreImage {
    repository: String,
    tag: String,
    /// `--wait`, with its timeout.
    wait: Option<Duration>,
}

impl Action for RestoreImage {
    type Plan = RestoreImagePlan;
    type Done = ImageStatus;
    type Json = RestoreImageJson;

    async fn plan(&self, s: &Session) -> Result<RestoreImagePlan> {
        restore_image::plan(&s.aws, &self.repository, &self.tag).await
    }

    fn plan_text(&self, s: &Session, plan: &RestoreImagePlan) -> String {
        plan_line(s, &plan.summary())
    }

    fn json(&self, _s: &Session, plan: &RestoreImagePlan, dry_run: bool) -> RestoreImageJson {
        RestoreImageJson::new(plan, dry_run, None)
    }

    fn question(&self, s: &Session, plan: &RestoreImagePlan) -> Option<Question> {
        let name = format!("{}:{}", plan.repository, plan.tag);
        (!plan.already_restoring())
            .then(|| Question::single(s, format!("Restore image {name}"), &name))
    }

    async fn execute(&self, s: &Session, plan: &RestoreImagePlan) -> Result<ImageStatus> {
        s.mutating(restore_image::execute(&s.mutator, plan)).await
    }

    async fn report(&self, s: &Session, ran: Ran<Self>) -> Result<i32> {
        let plan = &ran.plan;
        let mut status = ran.done.clone();
        if let Some(timeout) = self.wait
            && status.is_unpullable()
        {
            let mut on_status = |st: &ImageStatus| {
                eprintln_escaped!(
                    "{}:{}: {}",
                    plan.repository,
                    plan.tag,
                    if st.is_unpullable() {
                        "restoring…"
                    } else {
                        "pullable"
                    }
                );
            };
            let clock = SystemClock::default();
            match restore_image::wait_pullable(&s.aws, plan, &clock, POLL, timeout, &mut on_status)
                .await
            {
                Ok(st) => status = st,
                Err(e @ Error::TimedOut(_)) => {
                    let json = RestoreImageJson::new(plan, false, Some(&status));
                    reported(s, ran.json, &format!("{e}\n"), &json)?;
                    return Ok(crate::error::exit::TIMED_OUT);
                }
                Err(e) => return Err(e),
            }
        }
        let text = if status.is_unpullable() {
            format!(
                "Restore of {}:{} started; ECR reports it {} (pass --wait to wait until it \
                 can be pulled)\n",
                plan.repository,
                plan.tag,
                status.storage_class()
            )
        } else {
            format!(
                "{}:{} is back in the standard storage class and can be pulled\n",
                plan.repository, plan.tag
            )
        };
        reported(
            s,
            ran.json,
            &text,
            &RestoreImageJson::new(plan, false, Some(&status)),
        )
    }
}
