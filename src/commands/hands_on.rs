//! The commands that reach into a service or a task: `exec`, `port-forward`, `scale`,
//! `stop-task`. Each refuses at once in read-only mode (before any request), plans through
//! `ops/`, confirms, and executes through the guarded `Mutator` (audit-logged). `exec` and
//! `port-forward` then hand the session to `session-manager-plugin` on this terminal.

use super::actions::{Session, confirm_single, emit_json, finish_dry_run, open_session, show};
use crate::cli::{Command, GlobalArgs, WaitArgs};
use crate::config::Settings;
use crate::error::{Error, Result, exit};
use crate::ops::confirm::{Confirmation, confirm_on_terminal};
use crate::ops::guard::check_writable;
use crate::ops::plugin::{Plugin, PluginContext, endpoint_url};
use crate::ops::port_forward::{self, Forward};
use crate::ops::scale::CountVerdict;
use crate::ops::wait::SystemClock;
use crate::ops::{exec, scale, stop_task};
use crate::output::hands_on::{PortForwardJson, ScaleJson, ScaleWaitJson, StopTaskJson};

pub async fn run(command: Command, global: &GlobalArgs, settings: Settings) -> Result<i32> {
    let json = global.json;
    match command {
        Command::Exec {
            cluster,
            task,
            container,
            command,
            yes,
        } => {
            let asked = ExecAsk {
                cluster: &cluster,
                task: &task,
                container: container.as_deref(),
                command: &command,
                yes,
            };
            Box::pin(run_exec(global, settings, &asked)).await
        }
        Command::PortForward {
            cluster,
            task,
            remote_port,
            local_port,
            host,
            container,
            yes,
        } => {
            let forward = Forward {
                remote_port,
                local_port,
                host,
            };
            let asked = TaskAsk {
                cluster: &cluster,
                task: &task,
                container: container.as_deref(),
                yes,
            };
            Box::pin(run_port_forward(global, settings, &asked, &forward, json)).await
        }
        Command::Scale {
            cluster,
            service,
            desired,
            wait,
            dry_run,
            yes,
        } => {
            let s = open_session(global, settings, "scale", dry_run).await?;
            run_scale(&s, [&cluster, &service], desired, &wait, dry_run, yes, json).await
        }
        Command::StopTask {
            cluster,
            task,
            reason,
            dry_run,
            yes,
        } => {
            let s = open_session(global, settings, "stop-task", dry_run).await?;
            run_stop_task(&s, [&cluster, &task], reason, dry_run, yes, json).await
        }
        _ => Err(Error::Usage("not a task or scale command".into())),
    }
}

struct TaskAsk<'a> {
    cluster: &'a str,
    task: &'a str,
    container: Option<&'a str>,
    yes: bool,
}

struct ExecAsk<'a> {
    cluster: &'a str,
    task: &'a str,
    container: Option<&'a str>,
    command: &'a str,
    yes: bool,
}

/// A session for the interactive commands: like the other actions', but a Ctrl-C belongs
/// to the plugin's session, so no interrupt watcher is installed.
async fn open_interactive(global: &GlobalArgs, settings: Settings, what: &str) -> Result<Session> {
    super::actions::open_unwatched(global, settings, what, true).await
}

/// In a production account: the task id typed back (or `--yes`). Elsewhere no question.
fn confirm_production(s: &Session, what: &str, task_id: &str, yes: bool) -> Result<()> {
    if !s.settings.production {
        return Ok(());
    }
    confirm_on_terminal(what, &Confirmation::Typed(task_id.to_string()), yes)
}

/// The profile the AWS CLI hands the plugin: `--profile`, else `AWS_PROFILE` (botocore's
/// session profile), else empty.
fn exec_profile(global: &GlobalArgs) -> String {
    global
        .profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok())
        .unwrap_or_default()
}

/// Runs the plugin in the foreground; Ctrl-C goes to it, not to ecsnap.
async fn run_plugin(plugin: Plugin, call: crate::ops::plugin::PluginCall) -> Result<i32> {
    let ignore_interrupts = tokio::spawn(async { while tokio::signal::ctrl_c().await.is_ok() {} });
    let status = tokio::task::spawn_blocking(move || plugin.run(&call))
        .await
        .map_err(|e| Error::Usage(format!("the plugin's session ended abnormally: {e}")))?;
    ignore_interrupts.abort();
    let status = status?;
    if status.success() {
        Ok(exit::OK)
    } else {
        eprintln_escaped!("session-manager-plugin ended with {status}");
        Ok(exit::ERROR)
    }
}

async fn run_exec(global: &GlobalArgs, settings: Settings, asked: &ExecAsk<'_>) -> Result<i32> {
    check_writable(&settings, "exec")?;
    let plugin = Plugin::default();
    // As the AWS CLI does: is the plugin there, before anything is sent?
    plugin.check_installed()?;
    let s = open_interactive(global, settings, "exec").await?;
    let plan = exec::plan(
        &s.aws,
        asked.cluster,
        asked.task,
        asked.container,
        asked.command,
    )
    .await?;
    eprintln_escaped!("{}\nPlan: {}", s.header(), plan.summary());
    if let Some(why) = &plan.blocker {
        eprintln_escaped!("warning: ECS Exec will probably fail: {why}");
    }
    confirm_production(
        &s,
        &format!("Exec into task {}", plan.task_id),
        &plan.task_id,
        asked.yes,
    )?;
    let ctx = PluginContext::for_session(
        &s.mutator,
        &s.aws.region,
        exec_profile(global),
        endpoint_url("ecs", &s.aws.region, s.aws.endpoint.as_deref()),
    )
    .await?;
    let session = exec::start(&s.mutator, &plan).await?;
    let runtime_id = exec::runtime_id(&s.aws, &plan, &session).await?;
    let call = exec::plugin_call(&ctx, &session, &runtime_id);
    run_plugin(plugin, call).await
}

async fn run_port_forward(
    global: &GlobalArgs,
    settings: Settings,
    asked: &TaskAsk<'_>,
    forward: &Forward,
    json: bool,
) -> Result<i32> {
    let s = open_interactive(global, settings, "port-forward").await?;
    let plan =
        port_forward::plan(&s.aws, asked.cluster, asked.task, asked.container, forward).await?;
    eprintln_escaped!("{}\nPlan: {}", s.header(), plan.summary());
    if let Some(why) = &plan.blocker {
        eprintln_escaped!("warning: the session will probably fail: {why}");
    }
    confirm_production(
        &s,
        &format!("Forward a port to task {}", plan.task_id),
        &plan.task_id,
        asked.yes,
    )?;
    let ctx = PluginContext::for_session(
        &s.mutator,
        &s.aws.region,
        global.profile.clone().unwrap_or_default(),
        endpoint_url("ssm", &s.aws.region, s.aws.endpoint.as_deref()),
    )
    .await?;
    let session = port_forward::start(&s.mutator, &plan).await?;
    let plugin = Plugin::default();
    // As the AWS CLI does: ask the plugin's version after StartSession; without a plugin
    // the session is terminated so it does not linger.
    let version = match plugin.version() {
        Ok(v) => v,
        Err(e) => {
            if let Some(id) = &session.session_id
                && let Err(t) = s.mutator.terminate_session(id).await
            {
                tracing::warn!("terminating session {id}: {t}");
            }
            return Err(e);
        }
    };
    if json {
        emit_json(
            true,
            &PortForwardJson::new(&plan, session.session_id.clone()),
        )?;
    }
    let call = port_forward::plugin_call(&ctx, &plan, &session, &version);
    eprintln_escaped!("Forwarding {} until Ctrl-C", plan.route());
    run_plugin(plugin, call).await
}

async fn run_scale(
    s: &Session,
    [cluster, service]: [&str; 2],
    desired: i32,
    wait: &WaitArgs,
    dry_run: bool,
    yes: bool,
    json: bool,
) -> Result<i32> {
    let plan = scale::plan(&s.aws, cluster, service, desired).await?;
    show(json, &format!("{}\nPlan: {}\n", s.header(), plan.summary()))?;
    let mut out = ScaleJson::new(&plan, dry_run);
    if plan.is_noop() {
        show(
            json,
            &format!(
                "{}/{} already has desired count {}; nothing to do\n",
                plan.cluster, plan.service, plan.to
            ),
        )?;
        return emit_json(json, &out);
    }
    if dry_run {
        return finish_dry_run(json, &out);
    }
    confirm_single(
        s,
        &format!("Scale {} from {} to {}", plan.service, plan.from, plan.to),
        &plan.service,
        yes,
    )?;
    let updated = s.mutating(scale::execute(&s.mutator, &plan)).await?;
    out.updated_desired_count = Some(updated.desired_count);
    show(
        json,
        &format!(
            "Updated {}/{}: desired count {} (was {}), {} running\n",
            plan.cluster, plan.service, updated.desired_count, plan.from, updated.running_count
        ),
    )?;
    if s.interrupted() || !wait.wait {
        emit_json(json, &out)?;
        return Ok(if s.interrupted() {
            exit::INTERRUPTED
        } else {
            exit::OK
        });
    }
    let clock = SystemClock::default();
    let mut on_look = |svc: &crate::model::Service| {
        eprintln_escaped!(
            "{}/{}: {} running, {} pending, desired {}",
            svc.cluster,
            svc.name,
            svc.running_count,
            svc.pending_count,
            svc.desired_count
        );
    };
    let outcome = scale::wait_for_count(
        s.aws.ecs.as_ref(),
        &clock,
        &plan,
        wait.timeout,
        wait.interval,
        &mut on_look,
    )
    .await?;
    let code = match &outcome.verdict {
        CountVerdict::Reached => exit::OK,
        CountVerdict::Failed(_) => exit::ROLLOUT_FAILED,
        CountVerdict::Moving => exit::TIMED_OUT,
    };
    eprintln_escaped!(
        "{}/{}: {}",
        plan.cluster,
        plan.service,
        outcome.summary(plan.to)
    );
    out.wait = Some(ScaleWaitJson::new(&outcome));
    emit_json(json, &out)?;
    Ok(code)
}

async fn run_stop_task(
    s: &Session,
    [cluster, task]: [&str; 2],
    reason: Option<String>,
    dry_run: bool,
    yes: bool,
    json: bool,
) -> Result<i32> {
    let reason = reason.unwrap_or_else(|| {
        stop_task::default_reason(s.identity.as_ref(), s.settings.profile.as_deref())
    });
    let plan = stop_task::plan(&s.aws, cluster, task, reason).await?;
    show(json, &format!("{}\nPlan: {}\n", s.header(), plan.summary()))?;
    if dry_run {
        return finish_dry_run(json, &StopTaskJson::new(&plan, true, None));
    }
    confirm_single(
        s,
        &format!("Stop task {}", plan.task_id),
        &plan.task_id,
        yes,
    )?;
    let stopped = s.mutating(stop_task::execute(&s.mutator, &plan)).await?;
    show(
        json,
        &format!(
            "Stopped task {} (desired {}, last {}){}\n",
            plan.task_id,
            stopped.desired_status,
            stopped.last_status,
            plan.service
                .as_deref()
                .map(|svc| format!("; service {svc} starts a replacement"))
                .unwrap_or_default()
        ),
    )?;
    let code = emit_json(json, &StopTaskJson::new(&plan, false, Some(&stopped)))?;
    Ok(if s.interrupted() {
        exit::INTERRUPTED
    } else {
        code
    })
}
