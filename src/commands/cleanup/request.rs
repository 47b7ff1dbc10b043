//! One `cleanup` request through the action flow (`flow::run_action`): the request, its
//! plan under the account's and region's lock, the report when the grace period ran out,
//! and the plan and result texts. `cleanup.rs` runs it in one place, `fleet.rs` in several.

use std::fmt::Write as _;

use crate::analysis::orphans::OrphanFilter;
use crate::analysis::recycle_bin::Recovery;
use crate::commands::flow::{Action, Ran, Unchanged, emit_json, show};
use crate::commands::session::{Question, Session};
use crate::error::{Result, exit};
use crate::model::ResourceKind;
use crate::model::escape::escape;
use crate::ops::cleanup::{self, CleanupPlan, ItemResult, ItemStatus};
use crate::ops::confirm::Confirmation;
use crate::ops::interrupt::IN_FLIGHT_GRACE;
use crate::ops::lock::{self, CleanupLock, LockKey, WhenHeld};
use crate::ops::wait::SystemClock;
use crate::output::actions::CleanupJson;

/// What `cleanup` was asked for.
pub(super) struct CleanupRequest {
    pub(super) target: ResourceKind,
    pub(super) filter: OrphanFilter,
    pub(super) snapshot_first: bool,
    /// Snapshots: archive (ModifySnapshotTier) instead of delete.
    pub(super) archive: bool,
    pub(super) dry_run: bool,
    pub(super) yes: bool,
    pub(super) no_wait: bool,
}

impl CleanupRequest {
    /// The command as the read-only refusal and the session name it.
    pub(super) fn what(&self) -> String {
        if self.archive {
            "cleanup --snapshots --archive".to_string()
        } else {
            format!("cleanup --{}", self.target.noun())
        }
    }
}

/// A planned cleanup with the lock of its account and region, held until the run ends.
pub(super) struct Locked {
    plan: CleanupPlan,
    _locks: Vec<CleanupLock>,
}

impl Action for CleanupRequest {
    type Plan = Locked;
    type Done = Vec<ItemResult>;
    type Json = CleanupJson;

    async fn plan(&self, s: &Session) -> Result<Locked> {
        let account = s.identity.as_ref().map(|i| i.account.as_str());
        // Planned once the lock is ours: a second run plans what the first one left.
        let key = LockKey::new(account, s.settings.profile.as_deref(), &s.aws.region);
        let locks = take_cleanup_locks(
            vec![key],
            self.dry_run || s.mutator.is_read_only(),
            self.no_wait,
        )
        .await?;
        let cx = s.plan_context();
        let mut plan = if self.archive {
            cleanup::archive::plan(cx, self.filter, None).await?
        } else {
            cleanup::plan(cx, self.target, self.filter, self.snapshot_first).await?
        };
        cleanup::preflight(&s.mutator, &mut plan).await;
        Ok(Locked {
            plan,
            _locks: locks,
        })
    }

    fn plan_text(&self, s: &Session, locked: &Locked) -> String {
        format!("{}\n{}", s.header(), plan_text(&locked.plan))
    }

    fn json(&self, _s: &Session, locked: &Locked, dry_run: bool) -> CleanupJson {
        CleanupJson::new(&locked.plan, dry_run, None)
    }

    /// Nothing planned (and not a dry run, which shows the empty plan as it is).
    fn nothing_to_do(&self, locked: &Locked, dry_run: bool) -> Option<Unchanged<CleanupJson>> {
        (!dry_run && locked.plan.items.is_empty()).then(|| {
            Unchanged::said(
                if locked.plan.archive {
                    "Nothing to archive.\n"
                } else {
                    "Nothing to delete.\n"
                },
                CleanupJson::new(&locked.plan, false, Some(&[])),
            )
        })
    }

    /// How many will be sent; no question when every item is blocked.
    fn question(&self, s: &Session, locked: &Locked) -> Option<Question> {
        let n = locked.plan.to_execute().count();
        (n > 0).then(|| Question {
            what: question_words(&locked.plan, n, &s.aws.region),
            needed: Confirmation::required(Some(n), s.settings.production, ""),
        })
    }

    async fn execute(&self, s: &Session, locked: &Locked) -> Result<Vec<ItemResult>> {
        let plan = &locked.plan;
        let total = plan.items.len();
        let mut landed: Vec<ItemResult> = Vec::new();
        let mut on_result = |r: &ItemResult| {
            landed.push(r.clone());
            eprintln_escaped!(
                "[{}/{total}] {} {}{}",
                landed.len(),
                r.status.as_str(),
                r.id,
                r.detail
                    .as_deref()
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default()
            );
        };
        let clock = SystemClock::default();
        let interrupt = s.mutator.interrupt().clone();
        let opts = cleanup::ExecuteOptions {
            interrupt: interrupt.clone(),
            ..cleanup::ExecuteOptions::default()
        };
        // After an interrupt, what is in flight gets IN_FLIGHT_GRACE to answer.
        let grace_over = async {
            interrupt.triggered().await;
            tokio::time::sleep(IN_FLIGHT_GRACE).await;
        };
        let finished = tokio::select! {
            r = cleanup::execute(&s.aws, &s.mutator, &s.settings, plan, &clock, &opts, &mut on_result) => Some(r),
            () = grace_over => None,
        };
        match finished {
            Some(r) => r,
            None => Ok(after_grace(plan, &landed)),
        }
    }

    async fn report(&self, s: &Session, ran: Ran<Self>) -> Result<i32> {
        show(ran.json, &results_text(&ran.done))?;
        emit_json(
            ran.json,
            &CleanupJson::new(&ran.plan.plan, false, Some(&ran.done)),
        )?;
        Ok(if s.interrupted() {
            exit::INTERRUPTED
        } else if ran.done.iter().any(|r| r.status == ItemStatus::Failed) {
            exit::ERROR
        } else {
            exit::OK
        })
    }
}

/// Takes the cleanup locks of `keys` (none for a dry run): waits for another run, with
/// one stderr line saying for whom, or refuses with `--no-wait`.
pub(super) async fn take_cleanup_locks(
    keys: Vec<LockKey>,
    dry_run: bool,
    no_wait: bool,
) -> Result<Vec<CleanupLock>> {
    if dry_run || keys.is_empty() {
        return Ok(Vec::new());
    }
    let when_held = if no_wait {
        WhenHeld::Refuse
    } else {
        WhenHeld::Wait
    };
    lock::acquire(lock::default_dir(), keys, when_held, |key, holder| {
        eprintln_escaped!("{}", lock::waiting_line(key, holder));
    })
    .await
}

/// The report when the grace period ran out: what landed, and the rest unknown (sent and
/// unanswered, or never started: the audit log's intent lines tell which).
pub(super) fn after_grace(plan: &CleanupPlan, landed: &[ItemResult]) -> Vec<ItemResult> {
    plan.items
        .iter()
        .map(|item| {
            landed
                .iter()
                .find(|r| r.id == item.id)
                .cloned()
                .unwrap_or_else(|| ItemResult {
                    id: item.id.clone(),
                    kind: item.kind,
                    status: ItemStatus::Failed,
                    detail: Some(format!(
                        "unknown: no answer within {} s of the interrupt (an audit intent line \
                         without a result means it was sent)",
                        IN_FLIGHT_GRACE.as_secs()
                    )),
                    snapshot_id: None,
                })
        })
        .collect()
}

pub fn plan_text(plan: &CleanupPlan) -> String {
    if plan.archive {
        return archive_text(plan);
    }
    let mut out = format!(
        "Plan: delete {} {} ({:.1} GiB, saves ${:.2}/month){}\n",
        plan.items.len(),
        plan.target.noun_for(plan.items.len()),
        plan.total_gib(),
        plan.total_monthly_usd(),
        if plan.snapshot_first {
            ", each snapshotted first"
        } else {
            ""
        }
    );
    let mut t = crate::output::table::Table::new([
        "ID",
        "SIZE",
        "AGE",
        "$/MONTH",
        "PREFLIGHT",
        "RECYCLE BIN",
        "WHY",
    ]);
    for i in &plan.items {
        t.row(vec![
            match (&i.repository, &i.digest) {
                (Some(repo), Some(digest)) => format!(
                    "{repo}@{} ({})",
                    digest.chars().take(19).collect::<String>(),
                    i.tags.join(", ")
                ),
                _ => i.id.clone(),
            },
            format!("{:.1} GiB", i.size_gib),
            i.age_days.map_or_else(|| "-".into(), |d| format!("{d}d")),
            format!("{:.2}", i.monthly_cost_usd),
            preflight_cell(i),
            i.recycle_bin
                .as_ref()
                .map_or_else(|| "-".into(), Recovery::describe),
            i.reason.clone(),
        ]);
    }
    push_table_and_skipped(&mut out, &t, &plan.skipped);
    push_notes_and_blocked(&mut out, plan);
    out
}

/// An `--archive` plan: each snapshot's monthly cost in the standard tier now and in the
/// archive tier, the preflight, and the notes (the 90-day minimum).
fn archive_text(plan: &CleanupPlan) -> String {
    let standard = plan.total_monthly_usd();
    let archive = cleanup::archive::archive_monthly_total(plan);
    let mut out = format!(
        "Plan: archive {} {} ({:.1} GiB) instead of deleting: up to ${standard:.2}/month in the \
         standard tier now, ${archive:.2}/month in the archive tier\n",
        plan.items.len(),
        plan.target.noun_for(plan.items.len()),
        plan.total_gib(),
    );
    let mut t = crate::output::table::Table::new([
        "ID",
        "SIZE",
        "AGE",
        "STANDARD $/MO",
        "ARCHIVE $/MO",
        "PREFLIGHT",
        "WHY",
    ]);
    for i in &plan.items {
        t.row(vec![
            i.id.clone(),
            format!("{:.1} GiB", i.size_gib),
            i.age_days.map_or_else(|| "-".into(), |d| format!("{d}d")),
            format!("{:.2}", i.monthly_cost_usd),
            format!("{:.2}", cleanup::archive::item_archive_monthly(i.size_gib)),
            preflight_cell(i),
            i.reason.clone(),
        ]);
    }
    push_table_and_skipped(&mut out, &t, &plan.skipped);
    push_notes_and_blocked(&mut out, plan);
    out
}

fn preflight_cell(i: &cleanup::CleanupItem) -> String {
    match (&i.preflight, i.blocked()) {
        (None, _) => "-".into(),
        (Some(_), None) => "ok".into(),
        (Some(_), Some(why)) => format!("BLOCKED: {why}"),
    }
}

/// The plan's notes, then how many the preflight blocked.
fn push_notes_and_blocked(out: &mut String, plan: &CleanupPlan) {
    for note in &plan.notes {
        let _ = writeln!(out, "Note: {}", escape(note));
    }
    let blocked = plan.items.iter().filter(|i| i.blocked().is_some()).count();
    if blocked > 0 {
        let _ = writeln!(
            out,
            "{blocked} blocked by the DryRun preflight: they will not be sent (see PREFLIGHT)"
        );
    }
}

/// What the confirmation asks: `Delete 3 snapshots in R (2 permanent …)`, or `Archive …`.
pub(crate) fn question_words(plan: &CleanupPlan, n: usize, region: &str) -> String {
    if plan.archive {
        return format!(
            "Archive {n} {} in {region} (ModifySnapshotTier; billed at least 90 days)",
            plan.target.noun_for(n)
        );
    }
    format!(
        "Delete {n} {} in {region}{}",
        plan.target.noun_for(n),
        permanent_words(plan)
    )
}

/// ` (3 permanent: no Recycle Bin rule)` for a question, or nothing for images.
pub(crate) fn permanent_words(plan: &CleanupPlan) -> String {
    if plan.target == ResourceKind::Image {
        return String::new();
    }
    if !plan.recycle_bin_checked() {
        return " (Recycle Bin not checked: count them as permanent)".into();
    }
    format!(
        " ({} permanent: no Recycle Bin rule covers them)",
        plan.permanent_count()
    )
}

pub fn results_text(results: &[ItemResult]) -> String {
    let mut t = crate::output::table::Table::new(["RESULT", "ID", "DETAIL"]);
    for r in results {
        t.row(vec![
            r.status.as_str().to_string(),
            r.id.clone(),
            r.detail.clone().unwrap_or_default(),
        ]);
    }
    let count = |st: ItemStatus| results.iter().filter(|r| r.status == st).count();
    format!(
        "{}{} done, {} skipped, {} failed\n",
        if t.is_empty() {
            String::new()
        } else {
            t.render()
        },
        count(ItemStatus::Done),
        count(ItemStatus::Skipped),
        count(ItemStatus::Failed)
    )
}

/// A plan's table (when it has rows), then what was skipped and why, one line each.
pub(super) fn push_table_and_skipped(
    out: &mut String,
    table: &crate::output::table::Table,
    skipped: &[crate::model::Skipped],
) {
    if !table.is_empty() {
        out.push_str(&table.render());
    }
    if !skipped.is_empty() {
        out.push_str("Skipped:\n");
        for sk in skipped {
            let _ = writeln!(
                out,
                "  {} ({}): {}",
                escape(&sk.id),
                sk.kind.as_str(),
                escape(&sk.reason)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Skipped;

    #[test]
    fn the_plan_text_shows_locked_skips_and_what_was_not_checked() {
        let plan = CleanupPlan {
            skipped: vec![Skipped::new(
                "snap-locked",
                ResourceKind::Snapshot,
                8.0,
                "locked in compliance mode until 2027-01-31 00:00 UTC",
            )],
            notes: vec![crate::analysis::locks::not_checked_line(
                "ec2:DescribeLockedSnapshots was denied",
            )],
            ..CleanupPlan::new(ResourceKind::Snapshot, Vec::new(), 3)
        };
        let text = plan_text(&plan);
        assert!(
            text.contains(
                "  snap-locked (snapshot): locked in compliance mode until 2027-01-31 00:00 UTC\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("Note: locks were not checked: ec2:DescribeLockedSnapshots was denied"),
            "{text}"
        );
    }

    #[test]
    fn the_plan_text_and_question_say_what_the_recycle_bin_keeps() {
        let item = |id: &str, recycle_bin: Option<Recovery>| {
            let mut i = crate::ops::cleanup::CleanupItem::ebs(
                ResourceKind::Snapshot,
                id,
                8,
                Some(40),
                0.4,
                "orphaned",
            );
            i.recycle_bin = recycle_bin;
            i
        };
        let items = vec![
            item(
                "snap-kept",
                Some(Recovery::Recoverable {
                    rule: "abc".into(),
                    retention_days: 7,
                }),
            ),
            item("snap-gone", Some(Recovery::Permanent)),
        ];
        let mut plan = CleanupPlan::new(ResourceKind::Snapshot, items, 3);
        let text = plan_text(&plan);
        assert!(text.contains("RECYCLE BIN"), "{text}");
        assert!(text.contains("recoverable for 7 days (rule abc)"), "{text}");
        assert!(text.contains("permanent"), "{text}");
        assert_eq!(
            permanent_words(&plan),
            " (1 permanent: no Recycle Bin rule covers them)"
        );
        plan.items[0].recycle_bin = None;
        assert_eq!(
            permanent_words(&plan),
            " (Recycle Bin not checked: count them as permanent)"
        );
    }
}
