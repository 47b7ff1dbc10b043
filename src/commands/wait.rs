//! `ecsnap wait`, and the waiting every rollout action shares: `wait_with_progress` (one
//! progress line per poll on stderr, the failed tasks' last log lines at the end) and
//! `report_rollout` (what `rollback` and `redeploy` print once the change is sent, then
//! `--wait`). Over several places `wait` looks where the service lives.

use std::fmt::Write as _;

use super::flow::{emit_json, show, unless_waiting};
use super::session::{At, Session};
use crate::aws::AwsClients;
use crate::cli::{GlobalArgs, RolloutWait, ServiceTarget, WaitArgs};
use crate::config::Settings;
use crate::error::{Result, exit};
use crate::model::arn_name;
use crate::model::escape::escape;
use crate::ops::find_service;
use crate::ops::redeploy::Started;
use crate::ops::wait::{SystemClock, WaitOptions, WaitOutcome, WaitProgress, wait_for_stable};
use crate::output::actions::{RolloutJson, WaitJson};

pub(super) async fn run(args: WaitArgs, global: &GlobalArgs, settings: Settings) -> Result<i32> {
    let WaitArgs {
        target: ServiceTarget { cluster, service },
        timeout,
        interval,
    } = args;
    let place =
        super::fleet_service::locate(global, &settings, [&cluster, &service], "wait", true).await?;
    let at = place.as_ref().map_or(At::Flags(global), At::Place);
    let aws = at.clients().await?;
    let svc = find_service(&aws, &cluster, &service).await?;
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

/// After a rollback or redeploy was sent: what runs now, then (with `--wait`) the wait for
/// the new deployment; the JSON, and the exit code (130 interrupted, 3 failed, 4 timed out).
pub(super) async fn report_rollout(
    s: &Session,
    mut out: RolloutJson,
    started: &Started,
    wait: &RolloutWait,
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
    if s.interrupted() && wait.wait {
        show(json, "interrupted: not waiting for the rollout\n")?;
    }
    if let Some(code) = unless_waiting(s, wait, json, &out)? {
        return Ok(code);
    }
    let outcome = wait_for_started(&s.aws, &out.cluster, &out.service, started, wait).await?;
    out.wait = Some(WaitJson::new(&out.cluster, &out.service, &outcome));
    emit_json(json, &out)?;
    outcome.into_result().map(|_| exit::OK)
}

/// `--wait` after a change was sent: until the deployment `started` names runs the task
/// definition it registered (progress on stderr).
pub(super) async fn wait_for_started(
    aws: &AwsClients,
    cluster: &str,
    service: &str,
    started: &Started,
    wait: &RolloutWait,
) -> Result<WaitOutcome> {
    let opts = WaitOptions {
        timeout: wait.timeout,
        interval: wait.interval,
        ..WaitOptions::after(started)
    };
    wait_with_progress(aws, cluster, service, &opts).await
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
