//! Port forwarding to a task: a Session Manager StartSession with
//! `AWS-StartPortForwardingSession` (a port of the container) or
//! `AWS-StartPortForwardingSessionToRemoteHost` (a host reachable from the task, e.g. a
//! database), target `ecs:<cluster>_<task-id>_<runtime-id>`, through the `Mutator`; the
//! session is then handed to `session-manager-plugin` as `aws ssm start-session` does.

use super::exec::pick_container;
use super::guard::Mutator;
use super::plugin::{self, Plugin, PluginCall, PluginContext};
use crate::analysis::exec::{exec_blocker, no_runtime_id};
use crate::aws::AwsClients;
use crate::error::{Error, Result};
use crate::load::{TaskInCluster, load_task};
use crate::model::{AgentStatus, SessionHandle};

pub const DOCUMENT: &str = "AWS-StartPortForwardingSession";
pub const DOCUMENT_TO_HOST: &str = "AWS-StartPortForwardingSessionToRemoteHost";

/// What StartSession will be asked.
#[derive(Debug, Clone, PartialEq)]
pub struct PortForwardPlan {
    pub cluster: String,
    pub task_id: String,
    pub container: String,
    pub runtime_id: String,
    pub remote_port: u16,
    pub local_port: u16,
    /// A host reachable from the task; `None`: the task itself.
    pub host: Option<String>,
    /// Why the session will probably fail (the ECS Exec readiness); `None` when ready.
    pub blocker: Option<String>,
}

/// The ports and host asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forward {
    pub remote_port: u16,
    /// Defaults to the remote port.
    pub local_port: Option<u16>,
    pub host: Option<String>,
}

impl PortForwardPlan {
    pub fn target(&self) -> String {
        plugin::ecs_target(&self.cluster, &self.task_id, &self.runtime_id)
    }

    pub fn document(&self) -> &'static str {
        if self.host.is_some() {
            DOCUMENT_TO_HOST
        } else {
            DOCUMENT
        }
    }

    /// The document's parameters in the order the AWS documentation writes them.
    pub fn parameters(&self) -> Vec<(String, Vec<String>)> {
        let mut p = Vec::new();
        if let Some(h) = &self.host {
            p.push(("host".to_string(), vec![h.clone()]));
        }
        p.push(("portNumber".to_string(), vec![self.remote_port.to_string()]));
        p.push((
            "localPortNumber".to_string(),
            vec![self.local_port.to_string()],
        ));
        p
    }

    /// Where it goes, for the plan and the console's header.
    pub fn route(&self) -> String {
        format!(
            "localhost:{} → {}:{}",
            self.local_port,
            self.host.as_deref().unwrap_or(&self.task_id),
            self.remote_port
        )
    }

    pub fn summary(&self) -> String {
        format!(
            "forward {} through container {} of task {} ({})",
            self.route(),
            self.container,
            self.task_id,
            self.cluster
        )
    }
}

/// Plans from a described task (the console has it already).
pub fn plan_for(
    found: &TaskInCluster,
    container: Option<&str>,
    forward: &Forward,
) -> Result<PortForwardPlan> {
    let task = &found.task;
    let container = match container {
        Some(c) => pick_container(task, Some(c))?.to_string(),
        // Any container with a running agent will do; else the only one.
        None => task
            .containers
            .iter()
            .find(|c| c.exec_agent == Some(AgentStatus::Running))
            .map_or_else(
                || pick_container(task, None).map(str::to_string),
                |c| Ok(c.name.clone()),
            )?,
    };
    let runtime_id = task
        .containers
        .iter()
        .find(|c| c.name == container)
        .and_then(|c| c.runtime_id.clone())
        .ok_or_else(|| Error::Usage(no_runtime_id(task, &container)))?;
    if forward.remote_port == 0 || forward.local_port == Some(0) {
        return Err(Error::Usage("ports must be between 1 and 65535".into()));
    }
    Ok(PortForwardPlan {
        cluster: found.cluster.clone(),
        task_id: task.id.clone(),
        blocker: exec_blocker(task, found.service_exec, Some(&container)),
        container,
        runtime_id,
        remote_port: forward.remote_port,
        local_port: forward.local_port.unwrap_or(forward.remote_port),
        host: forward.host.clone(),
    })
}

/// Reads the task and plans the forwarding.
pub async fn plan(
    aws: &AwsClients,
    cluster: &str,
    task: &str,
    container: Option<&str>,
    forward: &Forward,
) -> Result<PortForwardPlan> {
    let found = load_task(aws, cluster, task).await?;
    plan_for(&found, container, forward)
}

/// `plan` once `session-manager-plugin` is found working (the console's dialog and the
/// command check it before asking to confirm; nothing is read or sent first).
pub async fn plan_with_plugin(
    aws: &AwsClients,
    cluster: &str,
    task: &str,
    container: Option<&str>,
    forward: &Forward,
    plugin: &Plugin,
) -> Result<PortForwardPlan> {
    plugin.check_installed()?;
    plan(aws, cluster, task, container, forward).await
}

/// StartSession (the mutation: read-only refusal, audit line).
pub async fn start(mutator: &Mutator, plan: &PortForwardPlan) -> Result<SessionHandle> {
    mutator
        .start_session(&plan.target(), plan.document(), &plan.parameters())
        .await
}

/// The plugin call for the session; `plugin_version` is `session-manager-plugin --version`.
pub fn plugin_call(
    ctx: &PluginContext,
    plan: &PortForwardPlan,
    session: &SessionHandle,
    plugin_version: &str,
) -> PluginCall {
    let request =
        plugin::start_session_request(&plan.target(), plan.document(), &plan.parameters());
    plugin::start_session_call(ctx, session, &request, plugin_version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Task, TaskContainer};

    fn found() -> TaskInCluster {
        TaskInCluster {
            cluster: "prod".into(),
            task: Task {
                id: "abc".into(),
                containers: vec![
                    TaskContainer {
                        name: "app".into(),
                        runtime_id: Some("abc-111".into()),
                        ..TaskContainer::default()
                    },
                    TaskContainer {
                        name: "envoy".into(),
                        runtime_id: Some("abc-222".into()),
                        exec_agent: Some("RUNNING".into()),
                        ..TaskContainer::default()
                    },
                ],
                ..Task::default()
            },
            service_exec: Some(true),
        }
    }

    #[test]
    fn to_the_task_and_to_a_remote_host() {
        let local = plan_for(
            &found(),
            None,
            &Forward {
                remote_port: 80,
                local_port: Some(8080),
                host: None,
            },
        )
        .expect("plan");
        assert_eq!(local.target(), "ecs:prod_abc_abc-222");
        assert_eq!(local.document(), DOCUMENT);
        assert_eq!(
            local.parameters(),
            vec![
                ("portNumber".to_string(), vec!["80".to_string()]),
                ("localPortNumber".to_string(), vec!["8080".to_string()]),
            ]
        );
        let db = plan_for(
            &found(),
            Some("app"),
            &Forward {
                remote_port: 5432,
                local_port: None,
                host: Some("db.internal".into()),
            },
        )
        .expect("plan");
        assert_eq!(db.target(), "ecs:prod_abc_abc-111");
        assert_eq!(db.document(), DOCUMENT_TO_HOST);
        assert_eq!(
            db.parameters()[0],
            ("host".to_string(), vec!["db.internal".to_string()])
        );
        assert_eq!(db.local_port, 5432);
        assert_eq!(db.route(), "localhost:5432 → db.internal:5432");
    }

    #[test]
    fn port_zero_is_refused() {
        let err = plan_for(
            &found(),
            None,
            &Forward {
                remote_port: 0,
                local_port: None,
                host: None,
            },
        );
        assert!(err.is_err());
    }
}
