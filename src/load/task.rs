//! One task, by id or ARN, for the actions that reach into it (exec, port forwarding,
//! stop): the task as ECS describes it, its cluster's canonical name, and whether its
//! service has ECS Exec on.

use crate::aws::AwsClients;
use crate::error::{Error, Result};
use crate::model::{Task, arn_name};

/// A described task and what the exec readiness check needs besides it.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskInCluster {
    pub cluster: String,
    pub task: Task,
    /// The service's `enableExecuteCommand`, for tasks started by a service.
    pub service_exec: Option<bool>,
}

/// Describes `task` (id or ARN) in `cluster`; unknown tasks are `NotFound`.
pub async fn load_task(aws: &AwsClients, cluster: &str, task: &str) -> Result<TaskInCluster> {
    let cluster = super::ecs::resolve_cluster(aws, cluster).await?;
    let found = aws
        .ecs
        .describe_tasks(&cluster, &[task.to_string()])
        .await?
        .into_iter()
        .find(|t| t.arn == task || t.id == arn_name(task));
    let Some(mut found) = found else {
        return Err(Error::NotFound {
            kind: "task",
            name: task.to_string(),
            scope: Some(format!("cluster {cluster} ({})", aws.region)),
            close: Vec::new(),
        });
    };
    if found.cluster.is_empty() {
        found.cluster.clone_from(&cluster);
    }
    let service_exec = match found.service_name() {
        Some(name) => aws
            .ecs
            .describe_services(&cluster, &[name.to_string()])
            .await
            .ok()
            .and_then(|s| s.into_iter().find(|s| s.name == name))
            .map(|s| s.enable_execute_command),
        None => None,
    };
    Ok(TaskInCluster {
        cluster,
        task: found,
        service_exec,
    })
}
