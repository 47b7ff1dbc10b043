//! The storage of tasks' definitions (volumes of every kind, mount points, ephemeral
//! storage): each distinct task definition described once, with bounded concurrency.

use std::collections::HashMap;

use futures::{StreamExt, TryStreamExt, stream};

use crate::aws::{AwsClients, MAX_CONCURRENCY};
use crate::error::{Error, Result};
use crate::model::{Task, TaskStorage};

/// The storage of every task definition the tasks run, by task-definition ARN.
pub async fn load_task_storage(
    aws: &AwsClients,
    tasks: &[Task],
) -> Result<HashMap<String, TaskStorage>> {
    let mut arns: Vec<String> = tasks
        .iter()
        .map(|t| t.task_definition.clone())
        .filter(|a| !a.is_empty())
        .collect();
    arns.sort();
    arns.dedup();
    stream::iter(arns)
        .map(|arn| async move {
            let td = aws.ecs.describe_task_definition(&arn).await?;
            Ok::<_, Error>((arn, td.storage))
        })
        .buffer_unordered(MAX_CONCURRENCY)
        .try_collect()
        .await
}

/// What the tasks listing shows: the tasks, and their definitions' storage when it could
/// be read (the storage is an addition; without it the tasks still show).
#[derive(Debug, Clone, Default)]
pub struct TaskListing {
    pub tasks: Vec<Task>,
    pub storage: HashMap<String, TaskStorage>,
    /// Why the storage is missing, to warn about.
    pub storage_error: Option<String>,
    /// What the load balancers say of the tasks (their services' target groups).
    pub targets: super::targets::ServiceTargets,
}

/// The tasks of a cluster (or one service of it) with their definitions' storage.
pub async fn load_task_listing(
    aws: &AwsClients,
    cluster: &str,
    service: Option<&str>,
) -> Result<TaskListing> {
    // The target health needs the services, not the tasks: read side by side.
    let (tasks, targets) = tokio::join!(
        super::ecs::load_tasks(aws, cluster, service),
        super::targets::load_cluster_targets(aws, cluster, service)
    );
    let tasks = tasks?;
    let (storage, storage_error) = match load_task_storage(aws, &tasks).await {
        Ok(s) => (s, None),
        Err(e) => (HashMap::new(), Some(e.to_string())),
    };
    Ok(TaskListing {
        tasks,
        storage,
        storage_error,
        targets,
    })
}
