//! `ecsnap restore-snapshot --snapshot snap-… (--days N | --permanent)`: an archived EBS
//! snapshot back to the standard tier (RestoreSnapshotTier) through the one action flow
//! (`flow::run_action`): plan, confirm, one audited request, then the tier and restore
//! expiry read back. One place only.

use super::flow::{Action, Ask, Ran, plan_line, reported, run_action};
use super::session::{Question, Session, open_session};
use crate::cli::{GlobalArgs, RestoreSnapshotArgs};
use crate::config::{Settings, now};
use crate::error::Result;
use crate::model::Snapshot;
use crate::ops::restore_snapshot::{self, RestoreFor, RestoreSnapshotPlan};
use crate::output::storage::RestoreSnapshotJson;

pub(super) async fn run(
    args: RestoreSnapshotArgs,
    global: &GlobalArgs,
    settings: Settings,
) -> Result<i32> {
    let RestoreSnapshotArgs {
        snapshot,
        days,
        permanent,
        confirm,
    } = args;
    let restore = match (days, permanent) {
        (Some(d), _) => RestoreFor::Days(d),
        (None, _) => RestoreFor::Permanent,
    };
    let s = open_session(global, settings, "restore-snapshot", confirm.dry_run).await?;
    let action = RestoreSnapshot { snapshot, restore };
    run_action(&s, &action, Ask::new(confirm, global.json)).await
}

struct RestoreSnapshot {
    snapshot: String,
    restore: RestoreFor,
}

impl Action for RestoreSnapshot {
    type Plan = RestoreSnapshotPlan;
    type Done = Option<Snapshot>;
    type Json = RestoreSnapshotJson;

    async fn plan(&self, s: &Session) -> Result<RestoreSnapshotPlan> {
        restore_snapshot::plan(
            &s.aws,
            &s.settings.prices,
            &self.snapshot,
            self.restore,
            now(),
        )
        .await
    }

    fn plan_text(&self, s: &Session, plan: &RestoreSnapshotPlan) -> String {
        plan_line(s, &plan.summary())
    }

    fn json(&self, _s: &Session, plan: &RestoreSnapshotPlan, dry_run: bool) -> RestoreSnapshotJson {
        RestoreSnapshotJson::new(plan, dry_run, None)
    }

    fn question(&self, s: &Session, plan: &RestoreSnapshotPlan) -> Option<Question> {
        Some(Question::single(
            s,
            format!("Restore snapshot {}", plan.snapshot.id),
            &plan.snapshot.id,
        ))
    }

    async fn execute(&self, s: &Session, plan: &RestoreSnapshotPlan) -> Result<Option<Snapshot>> {
        s.mutating(restore_snapshot::execute(&s.aws, &s.mutator, plan))
            .await
    }

    async fn report(&self, s: &Session, ran: Ran<Self>) -> Result<i32> {
        let now = now();
        let text = match &ran.done {
            Some(snap) => format!(
                "Restore of {} started; EC2 now reports: {}\n",
                ran.plan.snapshot.id,
                snap.tier_text(now)
            ),
            None => format!(
                "Restore of {} started; the snapshot could not be read back\n",
                ran.plan.snapshot.id
            ),
        };
        reported(
            s,
            ran.json,
            &text,
            &RestoreSnapshotJson::new(&ran.plan, false, ran.done.as_ref()),
        )
    }
}
