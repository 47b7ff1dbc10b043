//! ECS Exec: plan (the task, the container, the command, and whether ECS Exec can work),
//! then ExecuteCommand through the `Mutator` (refused in read-only mode, audited), then the
//! session is handed to `session-manager-plugin` exactly as the AWS CLI hands it
//! (`ops::plugin`). The readiness check warns; ECS itself has the last word.

use super::guard::Mutator;
use super::plugin::{self, Plugin, PluginCall, PluginContext};
use crate::analysis::exec::exec_blocker;
use crate::aws::AwsClients;
use crate::error::{Error, Result};
use crate::load::{TaskInCluster, load_task};
use crate::model::{ExecSession, Task};

/// The command `ecsnap exec` runs when none is given.
pub const DEFAULT_COMMAND: &str = "/bin/sh";

/// What ExecuteCommand will be asked.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecPlan {
    pub cluster: String,
    pub task_id: String,
    pub task_arn: String,
    pub container: String,
    /// The container's runtime id: the Session Manager target's last part.
    pub runtime_id: Option<String>,
    pub command: String,
    /// Why ECS Exec will probably fail (`analysis::exec`); `None` when it looks ready.
    pub blocker: Option<String>,
}

impl ExecPlan {
    pub fn summary(&self) -> String {
        format!(
            "run {:?} in container {} of task {} ({}), interactively through Session Manager",
            self.command, self.container, self.task_id, self.cluster
        )
    }
}

/// The container an action reaches: the one named, or the task's only one. Several and
/// none named is a usage error that lists them.
pub fn pick_container<'a>(task: &'a Task, wanted: Option<&str>) -> Result<&'a str> {
    let names: Vec<&str> = task.containers.iter().map(|c| c.name.as_str()).collect();
    match (wanted, names.as_slice()) {
        (Some(w), _) if let Some(n) = names.iter().find(|n| **n == w) => Ok(n),
        (Some(w), _) => Err(Error::Usage(format!(
            "task {} has no container {w}; its containers: {}",
            task.id,
            names.join(", ")
        ))),
        (None, [only]) => Ok(only),
        (None, []) => Err(Error::Usage(format!(
            "task {} reports no containers yet; wait until it has started",
            task.id
        ))),
        (None, _) => Err(Error::Usage(format!(
            "task {} has {} containers ({}): pick one with --container",
            task.id,
            names.len(),
            names.join(", ")
        ))),
    }
}

/// Plans an exec from a described task (the console has it already).
pub fn plan_for(found: &TaskInCluster, container: Option<&str>, command: &str) -> Result<ExecPlan> {
    let task = &found.task;
    let container = pick_container(task, container)?.to_string();
    let runtime_id = task
        .containers
        .iter()
        .find(|c| c.name == container)
        .and_then(|c| c.runtime_id.clone());
    Ok(ExecPlan {
        cluster: found.cluster.clone(),
        task_id: task.id.clone(),
        task_arn: task.arn.clone(),
        blocker: exec_blocker(task, found.service_exec, Some(&container)),
        container,
        runtime_id,
        command: command.to_string(),
    })
}

/// Reads the task and plans the exec.
pub async fn plan(
    aws: &AwsClients,
    cluster: &str,
    task: &str,
    container: Option<&str>,
    command: &str,
) -> Result<ExecPlan> {
    let found = load_task(aws, cluster, task).await?;
    plan_for(&found, container, command)
}

/// One plan per container of the task (the console's picker), in the task's order.
pub async fn plan_all(
    aws: &AwsClients,
    cluster: &str,
    task: &str,
    command: &str,
) -> Result<Vec<ExecPlan>> {
    let found = load_task(aws, cluster, task).await?;
    let names: Vec<String> = found
        .task
        .containers
        .iter()
        .map(|c| c.name.clone())
        .collect();
    if names.is_empty() {
        return Err(Error::Usage(format!(
            "task {} reports no containers yet; wait until it has started",
            found.task.id
        )));
    }
    names
        .iter()
        .map(|n| plan_for(&found, Some(n), command))
        .collect()
}

/// `plan_all` for the console, once `session-manager-plugin` is found working: without
/// it no session can open, so the dialog says how to install it instead of asking to
/// confirm (nothing is read or sent first).
pub async fn plan_all_with_plugin(
    aws: &AwsClients,
    cluster: &str,
    task: &str,
    command: &str,
    plugin: &Plugin,
) -> Result<Vec<ExecPlan>> {
    plugin.check_installed()?;
    plan_all(aws, cluster, task, command).await
}

/// ExecuteCommand (the mutation: read-only refusal, audit line).
pub async fn start(mutator: &Mutator, plan: &ExecPlan) -> Result<ExecSession> {
    mutator
        .execute_command(
            &plan.cluster,
            &plan.task_id,
            Some(&plan.container),
            &plan.command,
        )
        .await
}

/// What the AWS CLI puts in the target when DescribeTasks reports no runtime id (it
/// formats Python's `None`); a running container always has one, so only emulators and
/// containers that already stopped get here — and the plugin then fails as the CLI's does.
pub const MISSING_RUNTIME_ID: &str = "None";

/// The runtime id of the container ECS opened the session in: from the plan, or — like
/// the AWS CLI — from a fresh DescribeTasks (`MISSING_RUNTIME_ID` when it reports none).
pub async fn runtime_id(
    aws: &AwsClients,
    plan: &ExecPlan,
    session: &ExecSession,
) -> Result<String> {
    let container = if session.container_name.is_empty() {
        plan.container.as_str()
    } else {
        session.container_name.as_str()
    };
    if container == plan.container
        && let Some(id) = &plan.runtime_id
    {
        return Ok(id.clone());
    }
    let found = load_task(aws, &plan.cluster, &plan.task_arn).await?;
    let id = found
        .task
        .containers
        .iter()
        .find(|c| c.name == container)
        .and_then(|c| c.runtime_id.clone());
    Ok(id.unwrap_or_else(|| {
        tracing::warn!(
            "container {container} of task {} reports no runtime id; the session target \
             ends in {MISSING_RUNTIME_ID} as the AWS CLI's would",
            plan.task_id
        );
        MISSING_RUNTIME_ID.to_string()
    }))
}

/// The plugin call for an ExecuteCommand session (`ops::plugin` has the contract).
pub fn plugin_call(ctx: &PluginContext, session: &ExecSession, runtime_id: &str) -> PluginCall {
    let target = plugin::ecs_target(&session.cluster_arn, &session.task_arn, runtime_id);
    plugin::exec_call(ctx, &session.session, &target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TaskContainer;

    fn task(names: &[&str]) -> Task {
        Task {
            id: "t1".into(),
            containers: names
                .iter()
                .map(|n| TaskContainer {
                    name: (*n).to_string(),
                    runtime_id: Some(format!("{n}-rt")),
                    ..TaskContainer::default()
                })
                .collect(),
            ..Task::default()
        }
    }

    #[test]
    fn container_choice() {
        assert_eq!(pick_container(&task(&["app"]), None).ok(), Some("app"));
        assert_eq!(
            pick_container(&task(&["app", "envoy"]), Some("envoy")).ok(),
            Some("envoy")
        );
        let several = pick_container(&task(&["app", "envoy"]), None)
            .expect_err("ambiguous")
            .to_string();
        assert!(several.contains("app, envoy") && several.contains("--container"));
        let unknown = pick_container(&task(&["app"]), Some("db"))
            .expect_err("unknown")
            .to_string();
        assert!(unknown.contains("no container db"), "{unknown}");
        assert!(pick_container(&task(&[]), None).is_err());
    }

    #[test]
    fn plan_takes_the_runtime_id_and_readiness() {
        let found = TaskInCluster {
            cluster: "prod".into(),
            task: task(&["app", "envoy"]),
            service_exec: None,
        };
        let p = plan_for(&found, Some("envoy"), "/bin/bash").expect("plan");
        assert_eq!(p.runtime_id.as_deref(), Some("envoy-rt"));
        assert_eq!(p.container, "envoy");
        // Not RUNNING (default status is empty): a blocker, but still a plan.
        assert!(p.blocker.is_some());
    }
}
