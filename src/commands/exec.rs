//! `ecsnap exec`: a shell (or a command) in a running task's container through ECS Exec and
//! AWS's `session-manager-plugin` on this terminal. Refused at once in read-only mode
//! (before any request); planned through `ops/`; in a production account the task id is
//! typed back; `ExecuteCommand` goes through the guarded `Mutator` (audit-logged). The
//! plugin helpers here serve `port-forward` too.

use super::session::{Session, open_unwatched};
use crate::cli::{ExecArgs, GlobalArgs, TaskTarget};
use crate::config::Settings;
use crate::error::{Error, Result, exit};
use crate::ops::confirm::{Confirmation, confirm_on_terminal};
use crate::ops::exec;
use crate::ops::guard::check_writable;
use crate::ops::plugin::{Plugin, PluginContext, endpoint_url};

pub(super) async fn run(args: ExecArgs, global: &GlobalArgs, settings: Settings) -> Result<i32> {
    let ExecArgs {
        target: TaskTarget { cluster, task },
        container,
        command,
        confirm,
    } = args;
    let asked = ExecAsk {
        cluster: &cluster,
        task: &task,
        container: container.as_deref(),
        command: &command,
        yes: confirm.yes,
    };
    Box::pin(run_exec(global, settings, &asked)).await
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
pub(super) async fn open_interactive(
    global: &GlobalArgs,
    settings: Settings,
    what: &str,
) -> Result<Session> {
    open_unwatched(global, settings, what, true).await
}

/// In a production account: the task id typed back (or `--yes`). Elsewhere no question.
fn confirm_production(s: &Session, what: &str, task_id: &str, yes: bool) -> Result<()> {
    if !s.settings.production {
        return Ok(());
    }
    confirm_on_terminal(what, &Confirmation::Typed(task_id.to_string()), yes)
}

/// The production question on `task_id` (see [`confirm_production`]), then what the plugin
/// needs to reach `service` (`ecs` or `ssm`) as `profile`.
pub(super) async fn confirmed_plugin_context(
    s: &Session,
    what: &str,
    task_id: &str,
    yes: bool,
    profile: String,
    service: &str,
) -> Result<PluginContext> {
    confirm_production(s, what, task_id, yes)?;
    PluginContext::for_session(
        &s.mutator,
        &s.aws.region,
        profile,
        endpoint_url(service, &s.aws.region, s.aws.endpoint.as_deref()),
    )
    .await
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
pub(super) async fn run_plugin(
    plugin: Plugin,
    call: crate::ops::plugin::PluginCall,
) -> Result<i32> {
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
        // A prerequisite that can be checked without a change is missing: say which and
        // how to fix it, before any question and before ExecuteCommand.
        return Err(Error::Refused(format!(
            "ECS Exec cannot reach container {} of task {}: {why}",
            plan.container, plan.task_id
        )));
    }
    let ctx = confirmed_plugin_context(
        &s,
        &format!("Exec into task {}", plan.task_id),
        &plan.task_id,
        asked.yes,
        exec_profile(global),
        "ecs",
    )
    .await?;
    let session = exec::start(&s.mutator, &plan).await?;
    let runtime_id = exec::runtime_id(&s.aws, &plan, &session).await?;
    let call = exec::plugin_call(&ctx, &session, &runtime_id);
    run_plugin(plugin, call).await
}
