//! `cleanup` over several places (`--region a,b|all`, `--profile a,b`, `[fleet]`): each
//! place planned and preflighted with its own session (`ops::cleanup::fleet`), ONE plan
//! printed grouped by account and region with per-place, per-account and overall counts,
//! ONE confirmation, then each place executed through its own `Mutator` side by side (the
//! audit lines carry that place's account and region), and a report per place and
//! overall. Ctrl-C works as in one place: no new request starts, what is in flight is
//! waited for (30 s) and recorded, the report is printed, exit 130. Every place it may
//! delete in is locked (`ops::lock`) before anything is planned. The steps are the one
//! action flow's (`flow::run_action`), over every place's session. `--snapshots
//! --archive` takes the same path: each place's archive plan, one confirmation, and
//! ModifySnapshotTier per snapshot through that place's `Mutator`.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::request::{CleanupRequest, after_grace, plan_text, results_text, take_cleanup_locks};
use crate::aws::fleet::{FleetTarget, PlaceFailure};
use crate::cli::GlobalArgs;
use crate::commands::fleet::{connect_places, failure_line};
use crate::commands::flow::{Action, Ask, Ran, Unchanged, emit_json, run_action, show};
use crate::commands::session::{Question, Session, watched_interrupt};
use crate::config::{Settings, now};
use crate::error::{Result, exit};
use crate::ops::audit::AuditLog;
use crate::ops::cleanup::fleet::{
    CleanupAsk, FleetCleanupPlan, PlaceCleanup, PlaceGroup, plan_places,
};
use crate::ops::cleanup::{self, ItemResult, ItemStatus};
use crate::ops::guard::check_writable;
use crate::ops::interrupt::{IN_FLIGHT_GRACE, Interrupt};
use crate::ops::lock::{CleanupLock, LockKey};
use crate::ops::wait::SystemClock;
use crate::output::fleet_cleanup::FleetCleanupJson;
use crate::output::table::Table;

pub(super) async fn run(
    global: &GlobalArgs,
    settings: Settings,
    req: CleanupRequest,
    json: bool,
) -> Result<i32> {
    if !req.dry_run {
        check_writable(&settings, &req.what())?;
    }
    let (targets, unreachable) = connect_places(global, &settings).await;
    let audit = Arc::new(AuditLog::open(&AuditLog::default_path())?);
    let interrupt = watched_interrupt(req.dry_run);
    let sessions: Vec<Session> = targets
        .iter()
        .map(|t| Session::at_place(t, &settings, audit.clone(), interrupt.clone()))
        .collect();
    let places = Places {
        targets,
        sessions,
        unreachable,
        interrupt,
    };
    let ask = Ask {
        dry_run: req.dry_run,
        yes: req.yes,
        json,
    };
    run_action(&places, &Across(req), ask).await
}

/// Every place of the run: its connection, its session, and the places that could not be
/// reached; one interrupt for all.
struct Places {
    targets: Vec<FleetTarget>,
    sessions: Vec<Session>,
    unreachable: Vec<PlaceFailure>,
    interrupt: Interrupt,
}

/// `cleanup` over several places.
struct Across(CleanupRequest);

/// The plan of every place, the locks of those it may delete in, and the exit code of a
/// run that sends nothing (1 only when no place could be read).
struct Planned {
    plan: FleetCleanupPlan,
    _locks: Vec<CleanupLock>,
    read: i32,
}

impl Planned {
    /// The groups with something to send.
    fn runnable(&self) -> Vec<usize> {
        let groups = &self.plan.groups;
        (0..groups.len())
            .filter(|&i| groups[i].refused.is_none() && !groups[i].plan.items.is_empty())
            .collect()
    }
}

impl Action<Places> for Across {
    type Plan = Planned;
    type Done = Vec<Vec<ItemResult>>;
    type Json = FleetCleanupJson;

    async fn plan(&self, s: &Places) -> Result<Planned> {
        let req = &self.0;
        let places: Vec<PlaceCleanup<'_>> = s
            .targets
            .iter()
            .zip(&s.sessions)
            .map(|(t, s)| PlaceCleanup {
                place: &t.place,
                aws: &s.aws,
                mutator: &s.mutator,
                settings: &s.settings,
            })
            .collect();
        // One cleanup at a time per account and region: every place this run may delete in
        // is locked (in one order) before anything is planned.
        let keys = s
            .targets
            .iter()
            .zip(&s.sessions)
            .filter(|(_, s)| !s.mutator.is_read_only())
            .map(|(t, s)| {
                LockKey::new(
                    Some(&t.place.account_id),
                    s.settings.profile.as_deref(),
                    &t.place.region,
                )
            })
            .collect();
        let locks = take_cleanup_locks(keys, req.dry_run, req.no_wait).await?;
        let ask = CleanupAsk {
            target: req.target,
            filter: req.filter,
            snapshot_first: req.snapshot_first,
            archive: req.archive,
            now: now(),
        };
        let mut plan = plan_places(&places, ask).await;
        let mut failures = s.unreachable.clone();
        failures.append(&mut plan.failures);
        plan.failures = failures;
        // As for the listings: 1 only when no place could be read.
        let read = if plan.groups.is_empty() && !plan.failures.is_empty() {
            exit::ERROR
        } else {
            exit::OK
        };
        Ok(Planned {
            plan,
            _locks: locks,
            read,
        })
    }

    fn plan_text(&self, _s: &Places, planned: &Planned) -> String {
        fleet_plan_text(&planned.plan)
    }

    fn json(&self, _s: &Places, planned: &Planned, dry_run: bool) -> FleetCleanupJson {
        FleetCleanupJson::new(&planned.plan, dry_run, None)
    }

    /// No place with a plan (dry run or not: the plan said why); or, when not a dry run,
    /// nothing any place may send.
    fn nothing_to_do(
        &self,
        planned: &Planned,
        dry_run: bool,
    ) -> Option<Unchanged<FleetCleanupJson>> {
        let plan = &planned.plan;
        if plan.groups.is_empty() {
            return Some(Unchanged {
                line: None,
                out: FleetCleanupJson::new(plan, dry_run, None),
                code: planned.read,
            });
        }
        if dry_run || !planned.runnable().is_empty() {
            return None;
        }
        let results = not_sent(plan);
        Some(Unchanged {
            line: Some(if plan.archive {
                "Nothing to archive.\n".into()
            } else {
                "Nothing to delete.\n".into()
            }),
            out: FleetCleanupJson::new(plan, false, Some(&results)),
            code: exit_code(plan, &results, false, planned.read),
        })
    }

    fn dry_run_code(&self, planned: &Planned) -> i32 {
        planned.read
    }

    fn question(&self, _s: &Places, planned: &Planned) -> Option<Question> {
        let plan = &planned.plan;
        (plan.to_execute() > 0).then(|| Question {
            what: confirm_what(plan),
            needed: plan.confirmation(),
        })
    }

    async fn execute(&self, s: &Places, planned: &Planned) -> Result<Vec<Vec<ItemResult>>> {
        let plan = &planned.plan;
        // Each group runs through the session of its own place.
        let group_sessions: Vec<Option<&Session>> = plan
            .groups
            .iter()
            .map(|g| {
                s.targets
                    .iter()
                    .position(|t| t.place == g.place)
                    .map(|i| &s.sessions[i])
            })
            .collect();
        Ok(execute_all(plan, &planned.runnable(), &group_sessions, &s.interrupt).await)
    }

    async fn report(&self, s: &Places, ran: Ran<Self, Places>) -> Result<i32> {
        let plan = &ran.plan.plan;
        show(ran.json, &fleet_results_text(plan, &ran.done))?;
        emit_json(
            ran.json,
            &FleetCleanupJson::new(plan, false, Some(&ran.done)),
        )?;
        Ok(exit_code(
            plan,
            &ran.done,
            s.interrupt.is_triggered(),
            ran.plan.read,
        ))
    }
}

/// Executes every runnable group side by side, each through its own session, with
/// progress per item on stderr; after an interrupt, what is in flight gets the grace
/// period and the report says what landed. Results per group, in `plan.groups` order.
async fn execute_all(
    plan: &FleetCleanupPlan,
    runnable: &[usize],
    sessions: &[Option<&Session>],
    interrupt: &Interrupt,
) -> Vec<Vec<ItemResult>> {
    let total: usize = runnable
        .iter()
        .map(|&i| plan.groups[i].plan.items.len())
        .sum();
    let landed: Mutex<Vec<Vec<ItemResult>>> = Mutex::new(vec![Vec::new(); plan.groups.len()]);
    let counter = AtomicUsize::new(0);
    let clock = SystemClock::default();
    let opts = cleanup::ExecuteOptions {
        interrupt: interrupt.clone(),
        ..cleanup::ExecuteOptions::default()
    };
    let runs = runnable.iter().filter_map(|&gi| {
        let g = &plan.groups[gi];
        let s = sessions[gi]?;
        let (landed, counter, clock, opts) = (&landed, &counter, &clock, &opts);
        Some(async move {
            let mut on_result = |r: &ItemResult| {
                if let Ok(mut l) = landed.lock() {
                    l[gi].push(r.clone());
                }
                let k = counter.fetch_add(1, Ordering::Relaxed) + 1;
                eprintln_escaped!(
                    "[{k}/{total}] {} {} ({} · {}){}",
                    r.status.as_str(),
                    r.id,
                    g.place.account,
                    g.place.region,
                    r.detail
                        .as_deref()
                        .map(|d| format!(": {d}"))
                        .unwrap_or_default()
                );
            };
            let result = cleanup::execute(
                &s.aws,
                &s.mutator,
                &s.settings,
                &g.plan,
                clock,
                opts,
                &mut on_result,
            )
            .await;
            (gi, result)
        })
    });
    let all = futures::future::join_all(runs);
    // After an interrupt, what is in flight gets IN_FLIGHT_GRACE to answer.
    let grace_over = async {
        interrupt.triggered().await;
        tokio::time::sleep(IN_FLIGHT_GRACE).await;
    };
    let finished = tokio::select! {
        r = all => Some(r),
        () = grace_over => None,
    };
    let landed = landed
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut results = not_sent(plan);
    for &gi in runnable {
        let g = &plan.groups[gi];
        results[gi] = match finished
            .as_ref()
            .and_then(|f| f.iter().find(|(i, _)| *i == gi))
        {
            Some((_, Ok(r))) => r.clone(),
            Some((_, Err(e))) => g.all_as(ItemStatus::Failed, Some(&format!("not sent: {e}"))),
            None if finished.is_some() => g.all_as(
                ItemStatus::Failed,
                Some("not sent: no session for this place"),
            ),
            None => after_grace(&g.plan, &landed[gi]),
        };
    }
    results
}

/// The results before anything runs: a refused place's items are skipped with the reason;
/// other places have none yet.
fn not_sent(plan: &FleetCleanupPlan) -> Vec<Vec<ItemResult>> {
    plan.groups
        .iter()
        .map(|g| match &g.refused {
            Some(why) => g.all_as(ItemStatus::Skipped, Some(&format!("refused: {why}"))),
            None => Vec::new(),
        })
        .collect()
}

/// 130 interrupted; 1 a resource failed or no place could be read; 5 a read-only place
/// had something to delete (refused); else 0.
fn exit_code(
    plan: &FleetCleanupPlan,
    results: &[Vec<ItemResult>],
    interrupted: bool,
    read: i32,
) -> i32 {
    if interrupted {
        exit::INTERRUPTED
    } else if read != exit::OK
        || results
            .iter()
            .flatten()
            .any(|r| r.status == ItemStatus::Failed)
    {
        exit::ERROR
    } else if plan.groups.iter().any(PlaceGroup::refused_with_items) {
        exit::REFUSED
    } else {
        exit::OK
    }
}

/// `prod (111122223333) · us-east-1`, with the marks.
fn place_label(g: &PlaceGroup) -> String {
    let mut s = g.place.name();
    if g.place.marks.production {
        s = format!("!! PRODUCTION !! {s}");
    }
    if g.refused.is_some() {
        s.push_str(" · READ-ONLY");
    }
    s
}

/// What the one confirmation asks: the count, and each account's share.
pub(super) fn confirm_what(plan: &FleetCleanupPlan) -> String {
    let shares: Vec<String> = plan
        .by_account()
        .into_iter()
        .filter(|a| a.to_execute > 0)
        .map(|a| {
            format!(
                "{}{} ({}): {}",
                if a.production {
                    "!! PRODUCTION !! "
                } else {
                    ""
                },
                a.account,
                a.account_id,
                a.to_execute
            )
        })
        .collect();
    format!(
        "{} {} {} in {} ({}){}",
        if plan.archive { "Archive" } else { "Delete" },
        plan.to_execute(),
        plan.target.noun_for(plan.to_execute()),
        plural(shares.len(), "account"),
        shares.join(", "),
        if plan.archive {
            " (ModifySnapshotTier; billed at least 90 days)"
        } else {
            ""
        }
    )
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The whole plan: the overall line, a section per place, the per-account table, and the
/// places that could not be read.
pub(super) fn fleet_plan_text(plan: &FleetCleanupPlan) -> String {
    let accounts = plan.by_account();
    let mut out = if plan.archive {
        let (standard, archive) = (plan.total_monthly_usd(), plan.archive_monthly_usd());
        format!(
            "Plan: archive {} {} in {} of {} ({:.1} GiB) instead of deleting: up to \
             ${standard:.2}/month in the standard tier now, ${archive:.2}/month in the archive \
             tier (saves up to ${:.2}/month)\n",
            plan.to_execute(),
            plan.target.noun_for(plan.to_execute()),
            plural(plan.groups.len(), "place"),
            plural(accounts.len(), "account"),
            plan.total_gib(),
            crate::analysis::cost::cents(standard - archive)
        )
    } else {
        format!(
            "Plan: delete {} {} in {} of {} ({:.1} GiB, saves ${:.2}/month)\n",
            plan.to_execute(),
            plan.target.noun_for(plan.to_execute()),
            plural(plan.groups.len(), "place"),
            plural(accounts.len(), "account"),
            plan.total_gib(),
            plan.total_monthly_usd()
        )
    };
    if plan.touches_production() {
        out.push_str("!! PRODUCTION !! a production account is in the plan\n");
    }
    for g in &plan.groups {
        let _ = writeln!(out, "── {} ──", place_label(g));
        if let Some(why) = &g.refused {
            let _ = writeln!(out, "REFUSED: {why}");
        }
        out.push_str(&plan_text(&g.plan));
    }
    let mut t = Table::new_dyn(if plan.archive {
        &[
            "ACCOUNT",
            "ACCOUNT ID",
            "PLACES",
            "TO ARCHIVE",
            "GiB",
            "STANDARD $/MO",
            "ARCHIVE $/MO",
            "MARK",
        ]
    } else {
        &[
            "ACCOUNT",
            "ACCOUNT ID",
            "PLACES",
            "TO DELETE",
            "GiB",
            "$/MONTH",
            "MARK",
        ]
    });
    for a in &accounts {
        let mark = match (a.production, a.read_only) {
            (true, true) => "production, read-only",
            (true, false) => "production",
            (false, true) => "read-only: refused",
            (false, false) => "",
        };
        let mut row = vec![
            a.account.clone(),
            a.account_id.clone(),
            a.places.to_string(),
            a.to_execute.to_string(),
            format!("{:.1}", a.size_gib),
            format!("{:.2}", a.monthly_cost_usd),
        ];
        if let Some(archive) = a.archive_monthly_usd {
            row.push(format!("{archive:.2}"));
        }
        row.push(mark.to_string());
        t.row(row);
    }
    if !t.is_empty() {
        out.push_str("By account:\n");
        out.push_str(&t.render());
    }
    if !plan.failures.is_empty() {
        out.push_str("Could not be read (nothing is sent there):\n");
        for f in &plan.failures {
            let _ = writeln!(out, "  {}", failure_line(f));
        }
    }
    out
}

/// The report: each place's results, then the overall counts.
pub(super) fn fleet_results_text(plan: &FleetCleanupPlan, results: &[Vec<ItemResult>]) -> String {
    let mut out = String::new();
    for (g, r) in plan.groups.iter().zip(results) {
        if g.plan.items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "── {} ──", place_label(g));
        out.push_str(&results_text(r));
    }
    let all = results.concat();
    let count = |st: ItemStatus| all.iter().filter(|r| r.status == st).count();
    let _ = writeln!(
        out,
        "Overall: {} done, {} skipped, {} failed in {}",
        count(ItemStatus::Done),
        count(ItemStatus::Skipped),
        count(ItemStatus::Failed),
        plural(plan.groups.len(), "place")
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::cleanup::fleet::tests::{archive_sample, sample};

    #[test]
    fn the_plan_groups_by_place_and_sums_by_account() {
        let text = fleet_plan_text(&sample());
        assert!(
            text.starts_with(
                "Plan: delete 4 volumes in 4 places of 3 accounts (60.0 GiB, saves $4.80/month)\n\
                 !! PRODUCTION !! a production account is in the plan\n"
            ),
            "{text}"
        );
        let order: Vec<usize> = [
            "── dev (123456789012) · eu-west-1 ──",
            "── dev (123456789012) · us-east-1 ──",
            "── !! PRODUCTION !! prod (111122223333) · us-east-1 ──",
            "── audit (444455556666) · us-east-1 · READ-ONLY ──\nREFUSED: read-only",
            "By account:",
            "Could not be read (nothing is sent there):\n  account dev (123456789012) · \
             ap-south-2: access denied",
        ]
        .iter()
        .map(|s| {
            text.find(s)
                .unwrap_or_else(|| panic!("{s:?} missing in\n{text}"))
        })
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
        let by_account = &text[text.find("By account:").expect("table")..];
        let rows: Vec<Vec<&str>> = by_account
            .lines()
            .skip(2)
            .take(3)
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(rows[0], ["dev", "123456789012", "2", "3", "40.0", "3.20"]);
        assert_eq!(
            rows[1],
            [
                "prod",
                "111122223333",
                "1",
                "1",
                "10.0",
                "0.80",
                "production"
            ]
        );
        assert_eq!(
            rows[2],
            [
                "audit",
                "444455556666",
                "1",
                "0",
                "10.0",
                "0.80",
                "read-only:",
                "refused"
            ]
        );
    }

    #[test]
    fn an_archive_plan_says_both_tiers_per_place_and_account_and_what_it_saves() {
        let plan = archive_sample();
        let text = fleet_plan_text(&plan);
        assert!(
            text.starts_with(
                "Plan: archive 4 snapshots in 4 places of 3 accounts (60.0 GiB) instead of \
                 deleting: up to $4.80/month in the standard tier now, $0.78/month in the \
                 archive tier (saves up to $4.02/month)\n"
            ),
            "{text}"
        );
        // Each place shows the one-place archive plan under its name.
        let east = text
            .find(
                "── dev (123456789012) · us-east-1 ──\nPlan: archive 2 snapshots (20.0 GiB) \
                   instead of deleting: up to $1.60/month in the standard tier now, \
                   $0.26/month in the archive tier",
            )
            .unwrap_or_else(|| panic!("{text}"));
        assert!(text[east..].contains("ARCHIVE $/MO"), "{text}");
        let by_account = &text[text.find("By account:").expect("table")..];
        let lines: Vec<Vec<&str>> = by_account
            .lines()
            .skip(1)
            .take(2)
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(
            lines[0],
            [
                "ACCOUNT", "ACCOUNT", "ID", "PLACES", "TO", "ARCHIVE", "GiB", "STANDARD", "$/MO",
                "ARCHIVE", "$/MO", "MARK"
            ]
        );
        assert_eq!(
            lines[1],
            ["dev", "123456789012", "2", "3", "40.0", "3.20", "0.52"]
        );
        assert_eq!(
            confirm_what(&plan),
            "Archive 4 snapshots in 2 accounts (dev (123456789012): 3, !! PRODUCTION !! prod \
             (111122223333): 1) (ModifySnapshotTier; billed at least 90 days)"
        );
        let results: Vec<Vec<ItemResult>> = vec![Vec::new(); plan.groups.len()];
        assert_eq!(
            not_sent(&plan)[3][0].detail.as_deref(),
            Some("refused: read-only")
        );
        assert!(fleet_results_text(&plan, &results).contains("0 done, 0 skipped, 0 failed"));
    }

    #[test]
    fn the_confirmation_names_each_accounts_share() {
        assert_eq!(
            confirm_what(&sample()),
            "Delete 4 volumes in 2 accounts (dev (123456789012): 3, !! PRODUCTION !! prod \
             (111122223333): 1)"
        );
    }

    #[test]
    fn exit_codes_follow_the_single_place_cleanup() {
        let plan = sample();
        let done: Vec<Vec<ItemResult>> = vec![Vec::new(); plan.groups.len()];
        // The read-only place had something to delete: refused.
        assert_eq!(exit_code(&plan, &done, false, exit::OK), exit::REFUSED);
        assert_eq!(exit_code(&plan, &done, true, exit::OK), exit::INTERRUPTED);
        let mut failed = done.clone();
        failed[0] = plan.groups[0].all_as(ItemStatus::Failed, Some("boom"));
        assert_eq!(exit_code(&plan, &failed, false, exit::OK), exit::ERROR);
        let mut ok = plan.clone();
        ok.groups.pop();
        assert_eq!(exit_code(&ok, &done, false, exit::OK), exit::OK);
        assert_eq!(exit_code(&ok, &done, false, exit::ERROR), exit::ERROR);
        let skipped = not_sent(&plan);
        assert_eq!(skipped[3].len(), 1);
        assert_eq!(skipped[3][0].status, ItemStatus::Skipped);
        assert!(skipped[0].is_empty());
    }
}
