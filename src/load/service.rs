//! One service, as the Tasks and Detail panes and the rollback picker need it: its tasks
//! with their EBS volumes, its task definition, and the snapshots of its managed volume.

use super::ecs::load_tasks;
use crate::aws::AwsClients;
use crate::error::Result;
use std::collections::HashMap;

use crate::model::{Snapshot, SnapshotState, Task, TaskDefinition, TaskStorage, Volume};

/// The tag keys ECS puts on the volumes it creates for a service.
const CLUSTER_TAG: &str = "aws:ecs:clusterName";
const SERVICE_TAG: &str = "aws:ecs:serviceName";

fn service_tags(cluster: &str, service: &str) -> Vec<(String, String)> {
    vec![
        (CLUSTER_TAG.to_string(), cluster.to_string()),
        (SERVICE_TAG.to_string(), service.to_string()),
    ]
}

/// A service's tasks (running and recently stopped) and its EBS volumes: those its tasks
/// report attached, and those ECS tagged with the service. The volumes may fail alone.
pub struct ServiceTasks {
    pub tasks: Vec<Task>,
    pub volumes: Result<Vec<Volume>>,
    /// The storage of the task definitions the tasks run (every volume kind, mount
    /// points), by ARN; may fail alone.
    pub storage: Result<HashMap<String, TaskStorage>>,
    /// What the load balancers say of the service's tasks (its target groups).
    pub targets: super::targets::ServiceTargets,
}

/// Loads the tasks and, at the same time, the volumes tagged with the service; then only
/// the attached volumes the tags did not find (usually none: no second round trip).
pub async fn load_service_tasks(
    aws: &AwsClients,
    cluster: &str,
    service: &str,
) -> Result<ServiceTasks> {
    let tags = service_tags(cluster, service);
    let (tasks, tagged, targets) = tokio::join!(
        load_tasks(aws, cluster, Some(service)),
        aws.ec2.describe_volumes_matching(&[], &tags),
        super::targets::load_cluster_targets(aws, cluster, Some(service))
    );
    let tasks = tasks?;
    let volumes = match tagged {
        Ok(mut found) => {
            let missing: Vec<String> = attached_ids(&tasks)
                .into_iter()
                .filter(|id| !found.iter().any(|v| &v.id == id))
                .collect();
            if missing.is_empty() {
                Ok(found)
            } else {
                aws.ec2
                    .describe_volumes_matching(&missing, &[])
                    .await
                    .map(|more| {
                        found.extend(more);
                        found
                    })
            }
        }
        Err(e) => Err(e),
    };
    let storage = super::storage::load_task_storage(aws, &tasks).await;
    Ok(ServiceTasks {
        tasks,
        volumes,
        storage,
        targets,
    })
}

/// The EBS volume ids the tasks report attached, without repeats.
fn attached_ids(tasks: &[Task]) -> Vec<String> {
    let mut ids: Vec<String> = tasks
        .iter()
        .flat_map(|t| t.volumes.iter().map(|v| v.volume_id.clone()))
        .filter(|id| !id.is_empty())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The task definition the service runs and its tasks (for the digests they report). The
/// tasks may fail alone: logged, and the detail shows without digests.
pub async fn load_service_detail(
    aws: &AwsClients,
    cluster: &str,
    service: &str,
    task_definition: &str,
) -> Result<(TaskDefinition, Vec<Task>, super::targets::ServiceTargets)> {
    let (td, tasks, targets) = tokio::join!(
        aws.ecs.describe_task_definition(task_definition),
        load_tasks(aws, cluster, Some(service)),
        super::targets::load_cluster_targets(aws, cluster, Some(service))
    );
    let tasks = tasks.unwrap_or_else(|e| {
        tracing::warn!("detail of {cluster}/{service}: tasks unavailable: {e}");
        Vec::new()
    });
    Ok((td?, tasks, targets))
}

/// Completed snapshots of the service's managed EBS volumes (tagged by ECS with the
/// service, or taken of a volume that was), newest first.
pub async fn load_service_snapshots(
    aws: &AwsClients,
    cluster: &str,
    service: &str,
) -> Result<Vec<Snapshot>> {
    // Tagged with the service; a cluster tag, when there is one, must match too.
    let service_only = [(SERVICE_TAG.to_string(), service.to_string())];
    let (volumes, snapshots) = futures::try_join!(
        aws.ec2.describe_volumes_matching(&[], &service_only),
        aws.ec2.describe_own_snapshots(None)
    )?;
    let of_service = |t: &std::collections::BTreeMap<String, String>| {
        t.get(SERVICE_TAG).is_some_and(|s| s == service)
            && t.get(CLUSTER_TAG).is_none_or(|c| c == cluster)
    };
    let service_volumes: Vec<&str> = volumes
        .iter()
        .filter(|v| of_service(&v.tags))
        .map(|v| v.id.as_str())
        .collect();
    let mut out: Vec<Snapshot> = snapshots
        .into_iter()
        .filter(|s| s.state == SnapshotState::Completed)
        .filter(|s| {
            of_service(&s.tags)
                || s.volume_id
                    .as_deref()
                    .is_some_and(|v| service_volumes.contains(&v))
        })
        .collect();
    out.sort_by_key(|s| std::cmp::Reverse(s.start_time));
    Ok(out)
}
