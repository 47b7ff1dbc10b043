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
