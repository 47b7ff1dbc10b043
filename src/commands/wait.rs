//! `ecsnap wait`, and the waiting every rollout action shares: `wait_with_progress` (one
//! progress line per poll on stderr, the failed tasks' last log lines at the end) and
//! `report_rollout` (what `rollback` and `redeploy` print once the change is sent, then
//! `--wait`). Over several places `wait` looks where the service lives. `wait` follows a
//! blue/green, linear or canary deployment to SUCCESSFUL once the counts settle;
//! `wait --until STAGE` waits for a lifecycle stage instead.

use std::fmt::Write as _;

use super::flow::{emit_json, show, unless_waiting};
use super::session::{At, Session};
use crate::analysis::deployments::stage_words;
use crate::analysis::stages::StageVerdict;
use crate::aws::AwsClients;
use crate::cli::{GlobalArgs, RolloutWait, ServiceTarget, WaitArgs};
use crate::config::Settings;
use crate::error::{Error, Result, exit};
use crate::model::escape::escape;
use crate::model::{ClusterService, DeploymentLifecycleStage, arn_name};
use crate::ops::find_service;
use crate::ops::redeploy::Started;
use crate::ops::wait::{SystemClock, WaitOptions, WaitOutcome, WaitProgress};
use crate::ops::wait_stage::{wait_following, wait_for_stage};
use crate::output::actions::{RolloutJson, StageWaitJson, WaitJson};

pub(super) async fn run(args: WaitArgs, global: &GlobalArgs, settings: Settings) -> Result<i32> {
    let WaitArgs {
        target: ServiceTarget { cluster, service },
        timeout,
        interval,
        until,
    } = args;
    let place =
        super::fleet_service::locate(global, &settings, [&cluster, &service], "wait", true).await?;
    let at = place.as_ref().map_or(At::Flags(global), At::Place);
    let aws = at.clients().await?;
    let svc = find_service(&aws, &cluster, &service).await?;
    if let Some(stage) = until {
        return wait_until_stage(
            &aws,
            (&svc.cluster, &svc.name),
            &stage,
            (timeout, interval),
            global.json,
        )
        .await;
    }
    let opts = WaitOptions {
        timeout,
        interval,
        ..WaitOptions::default()
    };
    let outcome = wait_with_progress(&aws, &svc.cluster, &svc.name, &opts).await?;
    emit_json(
        global.json,
        &WaitJson::new(&svc.cluster, &svc.name, &outcome),
    )?;
    outcome.into_result().map(|_| exit::OK)
}

/// `wait --until STAGE`: one line per change of the followed deployment on stderr; exit 0
/// at the stage, 3 when it rolls back or stops first, 4 when time runs out.
async fn wait_until_stage(
    aws: &AwsClients,
    (cluster, service): (&str, &str),
    stage: &DeploymentLifecycleStage,
    (timeout, interval): (std::time::Duration, std::time::Duration),
    json: bool,
) -> Result<i32> {
    let clock = SystemClock::default();
    let mut last = String::new();
    let mut note = |d: &crate::model::ServiceDeployment| {
        let line = format!("{} {} ({})", arn_name(&d.arn), d.status, stage_words(d));
        if line != last {
            eprintln_escaped!("{cluster}/{service}: {line}");
            last = line;
        }
    };
    let outcome = wait_for_stage(
        aws,
        &clock,
        (cluster, service),
        stage,
        (timeout, interval),
        &mut note,
    )
    .await?;
    let out = StageWaitJson::new(cluster, service, stage, &outcome);
    let result = match &outcome.verdict {
        StageVerdict::Reached => {
            eprintln_escaped!("{cluster}/{service}: reached {stage}");
            Ok(exit::OK)
        }
        StageVerdict::Failed(why) => Err(Error::RolloutFailed(why.clone())),
        StageVerdict::Moving => Err(Error::TimedOut(format!(
            "{cluster}/{service} did not reach {stage} within {}s (at {})",
            outcome.elapsed.as_secs(),
            outcome
                .deployment
                .as_ref()
                .map_or_else(|| "-".to_string(), stage_words)
        ))),
    };
    emit_json(json, &out)?;
    result
}

/// After a rollback or redeploy was sent: what runs now, then (with `--wait`) the wait for
/// the new deployment — and, for an EBS-snapshot rollback (`hydrate`: how its volume
/// initializes), the new volumes' initialization once it is stable; the JSON, and the exit code
/// (130 interrupted, 3 failed, 4 timed out).
pub(super) async fn report_rollout(
    s: &Session,
    mut out: RolloutJson,
    started: &Started,
    wait: &RolloutWait,
    json: bool,
    hydrate: Option<crate::ops::rollback::Initialization>,
) -> Result<i32> {
    out.task_definition = Some(started.task_definition.clone());
    out.deployment_id.clone_from(&started.deployment_id);
    show(
        json,
        &format!(
            "Updated {}: now runs {}{}\n",
            out.on.service.label(),
            arn_name(&started.task_definition),
            started
                .deployment_id
                .as_deref()
                .map(|d| format!(" (deployment {d})"))
                .unwrap_or_default()
        ),
    )?;
    if s.interrupted() && wait.wait {
        show(json, "interrupted: not waiting for the rollout\n")?;
    }
    if let Some(code) = unless_waiting(s, wait, json, &out)? {
        return Ok(code);
    }
    let service = &out.on.service;
    let outcome = wait_for_started(&s.aws, service, started, wait).await?;
    out.wait = Some(WaitJson::new(&service.cluster, &service.name, &outcome));
    if let Some(init) = hydrate
        && matches!(outcome.verdict, crate::ops::wait::Verdict::Stable)
        && !s.interrupted()
    {
        out.hydration = Some(
            super::hydration::follow_after_rollout(&s.aws, &out.on.service, init.rate_mibps, wait)
                .await,
        );
    }
    emit_json(json, &out)?;
    outcome.into_result().map(|_| exit::OK)
}

/// `--wait` after a change was sent: until the deployment `started` names runs the task
/// definition it registered (progress on stderr).
pub(super) async fn wait_for_started(
    aws: &AwsClients,
    service: &ClusterService,
    started: &Started,
    wait: &RolloutWait,
) -> Result<WaitOutcome> {
    let opts = WaitOptions {
        timeout: wait.timeout,
        interval: wait.interval,
        ..WaitOptions::after(started)
    };
    wait_with_progress(aws, &service.cluster, &service.name, &opts).await
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
    let mut shown: Vec<String> = Vec::new();
    let mut on_look = |d: &crate::model::ServiceDeployment| {
        let now = crate::config::now();
        let lines = crate::analysis::deploy_progress::progress_lines(d, now);
        // A countdown changes every look: print when anything else does.
        let key: Vec<String> = lines.iter().map(|l| without_countdown(l)).collect();
        if key != shown {
            for line in &lines {
                eprintln_escaped!("  ECS: {line}");
            }
            shown = key;
        }
    };
    let outcome = wait_following(
        aws,
        &clock,
        (cluster, service),
        opts,
        &mut on_progress,
        &mut on_look,
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

/// A progress line without its countdowns (`bake ≈4m12s left` → `bake ≈ left`), to tell
/// a new look from the same one a few seconds later.
fn without_countdown(line: &str) -> String {
    line.split(' ')
        .map(|w| {
            let clock = !w.is_empty()
                && w.trim_start_matches('≈')
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, 'h' | 'm' | 's'));
            if clock { "" } else { w }
        })
        .collect::<Vec<_>>()
        .join(" ")
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
