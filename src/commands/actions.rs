//! The action commands: `cleanup`, `rollback`, `redeploy`, `restore-user`, `wait`, and
//! `lifecycle` (a preview; `--suggest --apply` puts a policy).
//!
//! Every mutating command: refuse at once in read-only mode (before any request), plan
//! (reads only), print the plan, confirm (`--yes`, or a terminal answer), execute through
//! the guarded `Mutator` (audit-logged), print a report. `--dry-run` stops after the plan.
//! With `--json` the plan text goes to stderr and one JSON object to stdout.

use std::fmt::Write as _;
use std::sync::Arc;

mod fleet_cleanup;
mod fleet_service;
mod lifecycle;
pub(crate) use lifecycle::run as run_lifecycle;

use super::{print_json, print_text};
use crate::analysis::orphans::OrphanFilter;
use crate::aws::fleet::FleetTarget;
use crate::aws::{AwsClients, connect_with_ops};
use crate::cli::{CleanupWhat, Command, GlobalArgs, RollbackTo, WaitArgs};
use crate::config::{Settings, now};
use crate::error::{Error, Result, exit};
use crate::model::ResourceKind;
use crate::model::escape::escape;
use crate::model::{CallerIdentity, arn_name};
use crate::ops::audit::AuditLog;
use crate::ops::cleanup::{self, CleanupPlan, ItemResult, ItemStatus};
use crate::ops::confirm::{Confirmation, confirm_on_terminal};
use crate::ops::guard::{Mutator, check_writable};
use crate::ops::interrupt::{IN_FLIGHT_GRACE, Interrupt};
use crate::ops::lock::{self, CleanupLock, LockKey, WhenHeld};
use crate::ops::redeploy::{self, Started};
use crate::ops::rollback::{self, RollbackTarget};
use crate::ops::wait::{SystemClock, WaitOptions, WaitOutcome, WaitProgress, wait_for_stable};
use crate::ops::{find_service, restore_user, session};
use crate::output::actions::{CleanupJson, RestoreJson, RolloutJson, WaitJson};

/// An action session: the read clients, the guarded mutator, the settings with the
/// account's marks applied.
pub(super) struct Session {
    pub(super) aws: AwsClients,
    pub(super) mutator: Mutator,
    pub(super) settings: Settings,
    pub(super) identity: Option<CallerIdentity>,
}

pub(super) async fn open_session(
    global: &GlobalArgs,
    settings: Settings,
    what: &str,
    dry_run: bool,
) -> Result<Session> {
    let mut s = open_unwatched(global, settings, what, !dry_run).await?;
    s.mutator = s.mutator.with_interrupt(watched_interrupt(dry_run));
    Ok(s)
}

/// An action session without a Ctrl-C watcher: connect, ask STS who this is, apply the
/// account's marks, open the audit log. With `check_write`, refused in read-only mode
/// (before connecting, and again once the account's marks are known).
pub(super) async fn open_unwatched(
    global: &GlobalArgs,
    mut settings: Settings,
    what: &str,
    check_write: bool,
) -> Result<Session> {
    if check_write {
        check_writable(&settings, what)?;
    }
    let (aws, ops) = connect_with_ops(&super::connect_options(global)).await?;
    let identity = session::identify(&aws).await;
    session::apply_identity(&mut settings, identity.as_ref());
    if check_write {
        check_writable(&settings, what)?;
    }
    let mutator = session::open(
        ops,
        &aws,
        &settings,
        identity.as_ref(),
        &AuditLog::default_path(),
    )?;
    Ok(Session {
        aws,
        mutator,
        settings,
        identity,
    })
}

/// The interrupt of a run: Ctrl-C / SIGTERM are watched unless nothing will be sent.
pub(super) fn watched_interrupt(dry_run: bool) -> Interrupt {
    let interrupt = Interrupt::new();
    if !dry_run {
        super::interrupts::watch(interrupt.clone());
    }
    interrupt
}

impl Session {
    /// The session of one place of the fleet: its clients, its identity, its profile and
    /// account marks, its own `Mutator` (so audit lines carry its account and region) on
    /// the shared audit log and interrupt. Refuses nothing itself: read-only shows in
    /// `mutator.is_read_only()`.
    pub(super) fn at_place(
        target: &FleetTarget,
        settings: &Settings,
        audit: Arc<AuditLog>,
        interrupt: Interrupt,
    ) -> Self {
        let settings = session::place_settings(settings, target);
        let mutator = session::open_shared(
            target.ops.clone(),
            &target.aws,
            &settings,
            Some(&target.identity),
            audit,
        )
        .with_interrupt(interrupt);
        Self {
            aws: target.aws.clone(),
            mutator,
            settings,
            identity: Some(target.identity.clone()),
        }
    }

    /// Runs a mutation phase: a first Ctrl-C / SIGTERM meanwhile lets what is in flight
    /// finish (the `Mutator` sends nothing new) instead of exiting at once.
    pub(super) async fn mutating<T>(&self, action: impl std::future::Future<Output = T>) -> T {
        let _phase = self.mutator.interrupt().mutation_phase();
        action.await
    }

    /// The account acted on, when STS said.
    pub(super) fn account_id(&self) -> Option<String> {
        self.identity.as_ref().map(|i| i.account.clone())
    }

    pub(super) fn interrupted(&self) -> bool {
        self.mutator.interrupt().is_triggered()
    }

    /// The header line of every plan: where, as whom, and the production mark.
    pub(super) fn header(&self) -> String {
        let who = self
            .identity
            .as_ref()
            .map_or_else(|| "unknown identity".to_string(), |i| i.arn.clone());
        let profile = self.settings.profile.as_deref().unwrap_or("default");
        let mut h = format!("{who} · profile {profile} · {}", self.aws.region);
        if self.settings.production {
            h = format!("!! PRODUCTION !! {h}");
        }
        if self.mutator.is_read_only() {
            h.push_str(" · READ-ONLY");
        }
        h
    }
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

pub async fn run(command: Command, global: &GlobalArgs, settings: Settings) -> Result<i32> {
    if super::fleet::is_fleet(global, &settings) {
        return Box::pin(run_fleet(command, global, settings)).await;
    }
    Box::pin(run_at(command, &At::Flags(global), global.json, settings)).await
}

/// `cleanup`, `rollback`, `redeploy` and `wait` when the flags or the config name several
/// places: cleanup plans and acts in every place; the others find the one place where the
/// service lives and act there as in one place. `restore-user` works on one place.
async fn run_fleet(command: Command, global: &GlobalArgs, settings: Settings) -> Result<i32> {
    match CleanupRequest::of(&command) {
        Some(req) => fleet_cleanup::run(global, settings, req, global.json).await,
        None => Box::pin(fleet_service::run(command, global, settings)).await,
    }
}

/// Where an action runs: the one place the global flags name, or one place of the fleet.
pub(super) enum At<'a> {
    Flags(&'a GlobalArgs),
    Place(&'a FleetTarget),
}

impl At<'_> {
    /// The action session there; refuses in read-only mode (flags, profile or account
    /// marks) unless it is a dry run.
    async fn session(&self, settings: Settings, what: &str, dry_run: bool) -> Result<Session> {
        match self {
            At::Flags(global) => open_session(global, settings, what, dry_run).await,
            At::Place(target) => {
                let audit = Arc::new(AuditLog::open(&AuditLog::default_path())?);
                let s = Session::at_place(target, &settings, audit, watched_interrupt(dry_run));
                if !dry_run {
                    check_writable(&s.settings, what)?;
                }
                Ok(s)
            }
        }
    }

    /// The read clients there.
    async fn clients(&self) -> Result<AwsClients> {
        match self {
            At::Flags(global) => super::connect_from(global).await,
            At::Place(target) => Ok(target.aws.clone()),
        }
    }
}

pub(super) async fn run_at(
    command: Command,
    at: &At<'_>,
    json: bool,
    settings: Settings,
) -> Result<i32> {
    if let Some(req) = CleanupRequest::of(&command) {
        let what = format!("cleanup --{}", req.target.noun());
        let s = at.session(settings, &what, req.dry_run).await?;
        return run_cleanup(&s, req, json).await;
    }
    match command {
        Command::Rollback {
            cluster,
            service,
            to,
            container,
            volume,
            wait,
            dry_run,
            yes,
            force,
        } => {
            let s = at.session(settings, "rollback", dry_run).await?;
            let target = rollback_target(to, container, volume);
            let req = ServiceRequest {
                cluster: &cluster,
                service: &service,
                wait: &wait,
                dry_run,
                yes,
                json,
            };
            run_rollback(&s, &req, &target, force).await
        }
        Command::Redeploy {
            cluster,
            service,
            wait,
            dry_run,
            yes,
        } => {
            let s = at.session(settings, "redeploy", dry_run).await?;
            let req = ServiceRequest {
                cluster: &cluster,
                service: &service,
                wait: &wait,
                dry_run,
                yes,
                json,
            };
            run_redeploy(&s, &req).await
        }
        Command::RestoreUser {
            repository,
            user,
            tag,
            dry_run,
            yes,
        } => {
            let s = at.session(settings, "restore-user", dry_run).await?;
            run_restore(&s, [&repository, &user, &tag], dry_run, yes, json).await
        }
        Command::Wait {
            cluster,
            service,
            timeout,
            interval,
        } => {
            let aws = at.clients().await?;
            let svc = find_service(&aws, &cluster, &service).await?;
            let opts = WaitOptions {
                timeout,
                interval,
                ..WaitOptions::default()
            };
            let outcome = wait_with_progress(&aws, &svc.cluster, &svc.name, &opts).await?;
            emit_json(json, &WaitJson::new(&svc.cluster, &svc.name, &outcome))?;
            outcome.into_result().map(|_| exit::OK)
        }
        _ => Err(Error::Usage("not an action command".into())),
    }
}

/// A rollback or redeploy of one service, as asked on the command line.
struct ServiceRequest<'a> {
    cluster: &'a str,
    service: &'a str,
    wait: &'a WaitArgs,
    dry_run: bool,
    yes: bool,
    json: bool,
}

async fn run_rollback(
    s: &Session,
    req: &ServiceRequest<'_>,
    target: &RollbackTarget,
    force: bool,
) -> Result<i32> {
    let plan = rollback::plan_with(&s.aws, req.cluster, req.service, target, force).await?;
    show(
        req.json,
        &format!("{}\nPlan: {}\n", s.header(), plan.summary()),
    )?;
    let mut out = RolloutJson::rollback(&plan, req.dry_run);
    out.account_id = s.account_id();
    out.region = Some(s.aws.region.clone());
    if req.dry_run {
        return finish_dry_run(req.json, &out);
    }
    confirm_single(
        s,
        &format!("Roll back {}", plan.service),
        &plan.service,
        req.yes,
    )?;
    let started = s.mutating(rollback::execute(&s.mutator, &plan)).await?;
    out.registered_task_definition = match &plan.change {
        rollback::RollbackChange::Image { .. } => Some(started.task_definition.clone()),
        _ => None,
    };
    finish_rollout(s, out, &started, req.wait, req.json).await
}

async fn run_redeploy(s: &Session, req: &ServiceRequest<'_>) -> Result<i32> {
    let plan = redeploy::plan(&s.aws, req.cluster, req.service).await?;
    show(
        req.json,
        &format!("{}\nPlan: {}\n", s.header(), plan.summary()),
    )?;
    let out = RolloutJson {
        account_id: s.account_id(),
        region: Some(s.aws.region.clone()),
        action: "redeploy",
        cluster: plan.cluster.clone(),
        service: plan.service.clone(),
        dry_run: req.dry_run,
        summary: plan.summary(),
        from_task_definition: plan.task_definition.clone(),
        task_definition: Some(plan.task_definition.clone()),
        registered_task_definition: None,
        ebs_snapshot_id: None,
        deployment_id: None,
        wait: None,
    };
    if req.dry_run {
        return finish_dry_run(req.json, &out);
    }
    confirm_single(
        s,
        &format!("Redeploy {}", plan.service),
        &plan.service,
        req.yes,
    )?;
    let started = s.mutating(redeploy::execute(&s.mutator, &plan)).await?;
    finish_rollout(s, out, &started, req.wait, req.json).await
}

async fn run_restore(
    s: &Session,
    [repository, user, tag]: [&str; 3],
    dry_run: bool,
    yes: bool,
    json: bool,
) -> Result<i32> {
    let plan = restore_user::plan(&s.aws, &s.settings, repository, user, tag).await?;
    show(json, &format!("{}\nPlan: {}\n", s.header(), plan.summary()))?;
    if plan.is_noop() {
        show(
            json,
            &format!(
                "{} already points at {}; nothing to do\n",
                plan.resume_tag, tag
            ),
        )?;
        return emit_json(json, &RestoreJson::new(&plan, dry_run, None));
    }
    if dry_run {
        return finish_dry_run(json, &RestoreJson::new(&plan, true, None));
    }
    confirm_single(s, &format!("Restore {user} to {tag}"), user, yes)?;
    let done = s.mutating(restore_user::execute(&s.mutator, &plan)).await?;
    show(
        json,
        &format!(
            "{}:{} now points at {} (was {})\n",
            plan.repository,
            plan.resume_tag,
            done.after_digest,
            done.before_digest.as_deref().unwrap_or("nothing")
        ),
    )?;
    let code = emit_json(
        json,
        &RestoreJson::new(&plan, false, Some(done.after_digest.as_str())),
    )?;
    Ok(if s.interrupted() {
        exit::INTERRUPTED
    } else {
        code
    })
}

fn target_of(what: CleanupWhat) -> ResourceKind {
    if what.volumes {
        ResourceKind::Volume
    } else if what.snapshots {
        ResourceKind::Snapshot
    } else {
        ResourceKind::Image
    }
}

fn rollback_target(
    to: RollbackTo,
    container: Option<String>,
    volume: Option<String>,
) -> RollbackTarget {
    if let Some(n) = to.to_revision {
        RollbackTarget::Revision(n)
    } else if let Some(tag) = to.image_tag {
        RollbackTarget::ImageTag { tag, container }
    } else if let Some(snapshot_id) = to.ebs_snapshot {
        RollbackTarget::EbsSnapshot {
            snapshot_id,
            volume,
        }
    } else {
        RollbackTarget::Previous
    }
}

pub(super) fn emit_json<T: serde::Serialize>(json: bool, value: &T) -> Result<i32> {
    if json {
        print_json(value)
    } else {
        Ok(exit::OK)
    }
}

pub(super) fn finish_dry_run<T: serde::Serialize>(json: bool, value: &T) -> Result<i32> {
    show(json, "Dry run: nothing was changed.\n")?;
    emit_json(json, value)
}

/// Single actions: `y`, or the name typed back in production; `--yes` skips the question.
pub(super) fn confirm_single(s: &Session, what: &str, name: &str, yes: bool) -> Result<()> {
    let needed = Confirmation::required(None, s.settings.production, name);
    confirm_on_terminal(what, &needed, yes)
}

async fn finish_rollout(
    s: &Session,
    mut out: RolloutJson,
    started: &Started,
    wait: &WaitArgs,
    json: bool,
) -> Result<i32> {
    out.task_definition = Some(started.task_definition.clone());
    out.deployment_id.clone_from(&started.deployment_id);
    show(
        json,
        &format!(
            "Updated {}/{}: now runs {}{}\n",
            out.cluster,
            out.service,
            arn_name(&started.task_definition),
            started
                .deployment_id
                .as_deref()
                .map(|d| format!(" (deployment {d})"))
                .unwrap_or_default()
        ),
    )?;
    if s.interrupted() {
        if wait.wait {
            show(json, "interrupted: not waiting for the rollout\n")?;
        }
        emit_json(json, &out)?;
        return Ok(exit::INTERRUPTED);
    }
    if !wait.wait {
        return emit_json(json, &out);
    }
    let aws = &s.aws;
    let opts = WaitOptions {
        timeout: wait.timeout,
        interval: wait.interval,
        deployment_id: started.deployment_id.clone(),
        target_task_definition: Some(started.task_definition.clone()),
        ..WaitOptions::default()
    };
    let outcome = wait_with_progress(aws, &out.cluster, &out.service, &opts).await?;
    out.wait = Some(WaitJson::new(&out.cluster, &out.service, &outcome));
    emit_json(json, &out)?;
    outcome.into_result().map(|_| exit::OK)
}

/// Waits with a compact progress line per poll on stderr.
pub(super) async fn wait_with_progress(
    aws: &AwsClients,
    cluster: &str,
    service: &str,
    opts: &WaitOptions,
) -> Result<WaitOutcome> {
    let clock = SystemClock::default();
    let mut on_progress = |p: &WaitProgress| eprint_escaped!("{}", progress_text(p));
    let outcome = wait_for_stable(
        aws.ecs.as_ref(),
        &clock,
        cluster,
        service,
        opts,
        &mut on_progress,
    )
    .await?;
    match &outcome.verdict {
        crate::ops::wait::Verdict::Stable => eprintln_escaped!(
            "{cluster}/{service} is stable ({}s)",
            outcome.elapsed.as_secs()
        ),
        v => {
            eprintln_escaped!(
                "{cluster}/{service}: {} — {}",
                v.word(),
                v.reason().unwrap_or_default()
            );
            eprint_escaped!(
                "{}",
                super::logs::failed_tasks_last_lines(aws, &outcome).await
            );
        }
    }
    Ok(outcome)
}

pub fn progress_text(p: &WaitProgress) -> String {
    let mut line = format!("[{:>4}s] {}", p.elapsed.as_secs(), p.service_status);
    for d in &p.deployments {
        let _ = write!(
            line,
            " | {} {} {} {}/{} running, {} pending, {}",
            d.status,
            d.id,
            arn_name(&d.task_definition),
            d.running_count,
            d.desired_count,
            d.pending_count,
            d.rollout_state
                .as_ref()
                .map_or("-", crate::model::RolloutState::as_str)
        );
    }
    line.push('\n');
    for e in p.new_events.iter().rev() {
        let _ = writeln!(line, "        event: {}", escape(&e.message));
    }
    for t in &p.new_stopped_tasks {
        let _ = writeln!(
            line,
            "        task {} stopped: {}",
            t.task_id,
            t.reason
                .as_deref()
                .map_or("(no reason given)".into(), escape)
        );
        if let Some(d) = &t.stop {
            let _ = writeln!(line, "          {}: {}", d.class.label(), d.hint);
        }
    }
    if let Some(e) = &p.poll_error {
        let _ = writeln!(line, "        poll failed, retrying: {e}");
    }
    line
}

/// What `cleanup` was asked for.
struct CleanupRequest {
    target: ResourceKind,
    filter: OrphanFilter,
    snapshot_first: bool,
    dry_run: bool,
    yes: bool,
    no_wait: bool,
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

impl CleanupRequest {
    /// The request of a `cleanup` command line; `None` for other commands.
    fn of(command: &Command) -> Option<Self> {
        let Command::Cleanup {
            what,
            min_age,
            unattached_days,
            snapshot_first,
            dry_run,
            yes,
            no_wait,
        } = command
        else {
            return None;
        };
        Some(Self {
            target: target_of(*what),
            filter: OrphanFilter::from_days(*min_age, *unattached_days),
            snapshot_first: *snapshot_first,
            dry_run: *dry_run,
            yes: *yes,
            no_wait: *no_wait,
        })
    }
}

async fn run_cleanup(s: &Session, req: CleanupRequest, json: bool) -> Result<i32> {
    let CleanupRequest {
        target,
        filter,
        snapshot_first,
        dry_run,
        yes,
        no_wait,
    } = req;
    let account = s.identity.as_ref().map(|i| i.account.as_str());
    // Planned once the lock is ours: a second run plans what the first one left.
    let key = LockKey::new(account, s.settings.profile.as_deref(), &s.aws.region);
    let _locks =
        take_cleanup_locks(vec![key], dry_run || s.mutator.is_read_only(), no_wait).await?;
    let mut plan = cleanup::plan(
        &s.aws,
        &s.settings,
        account,
        target,
        filter,
        snapshot_first,
        now(),
    )
    .await?;
    cleanup::preflight(&s.mutator, &mut plan).await;
    show(json, &format!("{}\n{}", s.header(), plan_text(&plan)))?;
    if dry_run {
        return finish_dry_run(json, &CleanupJson::new(&plan, true, None));
    }
    if plan.items.is_empty() {
        show(json, "Nothing to delete.\n")?;
        return emit_json(json, &CleanupJson::new(&plan, false, Some(&[])));
    }
    let n = plan.to_execute().count();
    if n > 0 {
        let needed = Confirmation::required(Some(n), s.settings.production, "");
        confirm_on_terminal(&format!("Delete {n} {}", target.noun()), &needed, yes)?;
    }
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
        r = cleanup::execute(&s.aws, &s.mutator, &s.settings, &plan, &clock, &opts, &mut on_result) => Some(r),
        () = grace_over => None,
    };
    let results = match finished {
        Some(r) => r?,
        None => after_grace(&plan, &landed),
    };
    show(json, &results_text(&results))?;
    emit_json(json, &CleanupJson::new(&plan, false, Some(&results)))?;
    Ok(if interrupt.is_triggered() {
        exit::INTERRUPTED
    } else if results.iter().any(|r| r.status == ItemStatus::Failed) {
        exit::ERROR
    } else {
        exit::OK
    })
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
    let mut out = format!(
        "Plan: delete {} {} ({:.1} GiB, saves ${:.2}/month){}\n",
        plan.items.len(),
        plan.target.noun(),
        plan.total_gib(),
        plan.total_monthly_usd(),
        if plan.snapshot_first {
            ", each snapshotted first"
        } else {
            ""
        }
    );
    let mut t =
        crate::output::table::Table::new(["ID", "SIZE", "AGE", "$/MONTH", "PREFLIGHT", "WHY"]);
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
            match (&i.preflight, i.blocked()) {
                (None, _) => "-".into(),
                (Some(_), None) => "ok".into(),
                (Some(_), Some(why)) => format!("BLOCKED: {why}"),
            },
            i.reason.clone(),
        ]);
    }
    if !t.is_empty() {
        out.push_str(&t.render());
    }
    if !plan.skipped.is_empty() {
        out.push_str("Skipped:\n");
        for sk in &plan.skipped {
            let _ = writeln!(
                out,
                "  {} ({}): {}",
                escape(&sk.id),
                sk.kind.as_str(),
                escape(&sk.reason)
            );
        }
    }
    let blocked = plan.items.iter().filter(|i| i.blocked().is_some()).count();
    if blocked > 0 {
        let _ = writeln!(
            out,
            "{blocked} blocked by the DryRun preflight: they will not be sent (see PREFLIGHT)"
        );
    }
    out
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
