//! `ecsnap port-forward`: a local port forwarded to a task's port (or, with `--host`, to a
//! host the task can reach) through Session Manager and `session-manager-plugin`, until
//! Ctrl-C. Refused at once in read-only mode; in a production account the task id is typed
//! back; `StartSession` goes through the guarded `Mutator` (audit-logged).

use super::exec::{confirmed_plugin_context, open_interactive, run_plugin};
use super::flow::emit_json;
use crate::cli::{GlobalArgs, PortForwardArgs, TaskTarget};
use crate::config::Settings;
use crate::error::Result;
use crate::ops::plugin::Plugin;
use crate::ops::port_forward::{self, Forward};
use crate::output::hands_on::PortForwardJson;

pub(super) async fn run(
    args: PortForwardArgs,
    global: &GlobalArgs,
    settings: Settings,
) -> Result<i32> {
    let PortForwardArgs {
        target: TaskTarget { cluster, task },
        remote_port,
        local_port,
        host,
        container,
        confirm,
    } = args;
    let forward = Forward {
        remote_port,
        local_port,
        host,
    };
    let asked = TaskAsk {
        cluster: &cluster,
        task: &task,
        container: container.as_deref(),
        yes: confirm.yes,
    };
    Box::pin(run_port_forward(
        global,
        settings,
        &asked,
        &forward,
        global.json,
    ))
    .await
}

struct TaskAsk<'a> {
    cluster: &'a str,
    task: &'a str,
    container: Option<&'a str>,
    yes: bool,
}

async fn run_port_forward(
    global: &GlobalArgs,
    settings: Settings,
    asked: &TaskAsk<'_>,
    forward: &Forward,
    json: bool,
) -> Result<i32> {
    let plugin = Plugin::default();
    // Is the plugin there, before anything is read, asked or sent?
    plugin.check_installed()?;
    let s = open_interactive(global, settings, "port-forward").await?;
    let plan =
        port_forward::plan(&s.aws, asked.cluster, asked.task, asked.container, forward).await?;
    eprintln_escaped!("{}\nPlan: {}", s.header(), plan.summary());
    if let Some(why) = &plan.blocker {
        eprintln_escaped!("warning: the session will probably fail: {why}");
    }
    let ctx = confirmed_plugin_context(
        &s,
        &format!("Forward a port to task {}", plan.task_id),
        &plan.task_id,
        asked.yes,
        global.profile.clone().unwrap_or_default(),
        "ssm",
    )
    .await?;
    let session = port_forward::start(&s.mutator, &plan).await?;
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
