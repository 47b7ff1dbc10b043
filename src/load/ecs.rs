//! Services, tasks and in-use images across clusters.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use futures::{StreamExt, TryStreamExt, stream};

use super::names::close_names;
use super::revision_images::{current_revision_images, merge};
use crate::analysis::in_use::{InUse, not_covered, task_definitions_needed};
use crate::aws::{
    AwsClients, DESCRIBE_TASK_DEFINITION_CONCURRENCY, MAX_CONCURRENCY, TaskStatusFilter,
};
use crate::error::{Error, Result};
use crate::model::{Service, Task, TaskDefinition, arn_name};

/// Cluster names of the account, sorted.
pub(super) async fn cluster_names(aws: &AwsClients) -> Result<Vec<String>> {
    let mut names: Vec<String> = aws
        .ecs
        .list_clusters()
        .await?
        .iter()
        .map(|a| arn_name(a).to_string())
        .collect();
    names.sort();
    Ok(names)
}

/// Checks a cluster name (or ARN) exists; an unknown one is an error listing close names.
pub async fn resolve_cluster(aws: &AwsClients, wanted: &str) -> Result<String> {
    let names = cluster_names(aws).await?;
    let wanted_name = arn_name(wanted);
    if names.iter().any(|n| n == wanted_name) {
        return Ok(wanted_name.to_string());
    }
    Err(Error::NotFound {
        kind: "cluster",
        name: wanted.to_string(),
        scope: Some(aws.region.clone()),
        close: close_names(wanted_name, names.iter().map(String::as_str)),
    })
}

async fn services_of(aws: &AwsClients, cluster: &str) -> Result<Vec<Service>> {
    let arns = aws.ecs.list_services(cluster).await?;
    if arns.is_empty() {
        return Ok(Vec::new());
    }
    aws.ecs.describe_services(cluster, &arns).await
}

/// Every service of one cluster, or of all clusters; sorted by cluster and name.
pub async fn load_services(aws: &AwsClients, cluster: Option<&str>) -> Result<Vec<Service>> {
    let clusters = match cluster {
        Some(c) => vec![resolve_cluster(aws, c).await?],
        None => cluster_names(aws).await?,
    };
    let services = services_in(aws, &clusters).await?;
    crate::name_cache::record(&services, aws.task_definitions.is_some());
    Ok(services)
}

/// One cluster's services, as `load_services_progressively` hands them over.
#[derive(Debug, Clone, Copy)]
pub struct ClusterServices<'a> {
    pub cluster: &'a str,
    /// Sorted by name.
    pub services: &'a [Service],
    /// Clusters delivered so far (this one included) and in all.
    pub done: usize,
    pub total: usize,
}

/// Every service of every cluster, like `load_services(aws, None)`, but handed to `each`
/// cluster by cluster as they arrive, so a screen can show the first ones long before a
/// large account is complete. The first cluster (in name order, the top of the list) is
/// loaded on its own, so it does not queue behind the others; the rest follow with
/// bounded concurrency. Returns all services, sorted by cluster and name.
pub async fn load_services_progressively(
    aws: &AwsClients,
    mut each: impl FnMut(ClusterServices<'_>),
) -> Result<Vec<Service>> {
    let clusters = cluster_names(aws).await?;
    let total = clusters.len();
    let mut all = Vec::new();
    let mut done = 0;
    let mut deliver = |cluster: &str, mut services: Vec<Service>, all: &mut Vec<Service>| {
        services.sort_by(|a, b| a.name.cmp(&b.name));
        done += 1;
        each(ClusterServices {
            cluster,
            services: &services,
            done,
            total,
        });
        all.extend(services);
    };
    let Some((first, rest)) = clusters.split_first() else {
        return Ok(all);
    };
    deliver(first, services_of(aws, first).await?, &mut all);
    let mut rest = stream::iter(rest.iter().cloned())
        .map(|c| async move { services_of(aws, &c).await.map(|s| (c, s)) })
        .buffer_unordered(MAX_CONCURRENCY);
    while let Some(loaded) = rest.next().await {
        let (cluster, services) = loaded?;
        deliver(&cluster, services, &mut all);
    }
    sort_by_cluster_and_name(&mut all);
    crate::name_cache::record(&all, aws.task_definitions.is_some());
    Ok(all)
}

pub(super) async fn services_in(aws: &AwsClients, clusters: &[String]) -> Result<Vec<Service>> {
    // Owned items: borrowed ones make the future not provably Send once spawned (rust#64552).
    let per_cluster: Vec<Vec<Service>> = stream::iter(clusters.iter().cloned())
        .map(|c| async move { services_of(aws, &c).await })
        .buffer_unordered(MAX_CONCURRENCY)
        .try_collect()
        .await?;
    let mut services: Vec<Service> = per_cluster.into_iter().flatten().collect();
    sort_by_cluster_and_name(&mut services);
    Ok(services)
}

/// The names of a known cluster's services.
pub(crate) async fn service_names(aws: &AwsClients, cluster: &str) -> Result<Vec<String>> {
    Ok(aws
        .ecs
        .list_services(cluster)
        .await?
        .iter()
        .map(|a| arn_name(a).to_string())
        .collect())
}

/// The error for a service `name` that `cluster` (with services `names`) does not have,
/// listing close names.
pub(crate) fn unknown_service(
    aws: &AwsClients,
    cluster: &str,
    name: &str,
    names: &[String],
) -> Error {
    Error::NotFound {
        kind: "service",
        name: name.to_string(),
        scope: Some(format!("cluster {cluster} ({})", aws.region)),
        close: close_names(name, names.iter().map(String::as_str)),
    }
}

/// Every service sorted by cluster, then name: how every listing shows them.
fn sort_by_cluster_and_name(services: &mut [Service]) {
    services.sort_by(|a, b| a.cluster.cmp(&b.cluster).then_with(|| a.name.cmp(&b.name)));
}

/// Live and recently stopped tasks of a cluster, or of one of its services.
pub async fn load_tasks(
    aws: &AwsClients,
    cluster: &str,
    service: Option<&str>,
) -> Result<Vec<Task>> {
    let cluster = resolve_cluster(aws, cluster).await?;
    if let Some(wanted) = service {
        let names = service_names(aws, &cluster).await?;
        if !names.iter().any(|n| n == wanted) {
            return Err(unknown_service(aws, &cluster, wanted, &names));
        }
    }
    let mut tasks = tasks_of(aws, &cluster, service).await?;
    // The service filter of ListTasks is not honoured everywhere (moto ignores it): the
    // task's group says which service started it.
    if let Some(wanted) = service {
        tasks.retain(|t| t.service_name() == Some(wanted));
    }
    Ok(tasks)
}

/// Running and recently stopped tasks of a known cluster (optionally one service's),
/// live first, newest first.
pub(super) async fn tasks_of(
    aws: &AwsClients,
    cluster: &str,
    service: Option<&str>,
) -> Result<Vec<Task>> {
    let (running, stopped) = futures::try_join!(
        aws.ecs
            .list_tasks(cluster, service, TaskStatusFilter::Running),
        aws.ecs
            .list_tasks(cluster, service, TaskStatusFilter::Stopped),
    )?;
    let mut seen: HashSet<String> = running.iter().cloned().collect();
    let mut arns = running;
    arns.extend(stopped.into_iter().filter(|arn| seen.insert(arn.clone())));
    if arns.is_empty() {
        return Ok(Vec::new());
    }
    let mut tasks = aws.ecs.describe_tasks(cluster, &arns).await?;
    tasks.sort_by(|a, b| {
        b.is_live()
            .cmp(&a.is_live())
            .then_with(|| b.started_at.cmp(&a.started_at))
            .then_with(|| a.id.cmp(&b.id))
    });
    Ok(tasks)
}

/// The container images of task definitions by ARN: from the cache when it knows the
/// revision, otherwise described (once each, bounded concurrency) and remembered.
pub async fn load_task_definition_images(
    aws: &AwsClients,
    arns: &[String],
) -> Result<HashMap<String, Vec<String>>> {
    task_definition_images_of(aws, stream::iter(arns.iter().cloned())).await
}

/// Like [`load_task_definition_images`], for ARNs that arrive one by one (each once): a
/// revision the cache does not know is described as soon as it arrives, up to
/// `DESCRIBE_TASK_DEFINITION_CONCURRENCY` at once, so the describes need not wait for the
/// last ARN.
async fn task_definition_images_of(
    aws: &AwsClients,
    arns: impl futures::Stream<Item = String>,
) -> Result<HashMap<String, Vec<String>>> {
    let cache = aws.task_definitions.as_deref();
    let found: Vec<(String, Vec<String>, bool)> = arns
        .map(|arn| async move {
            if let Some(known) = cache.and_then(|c| c.images(&arn)) {
                return Ok::<_, Error>((arn, known, false));
            }
            let td = aws.ecs.describe_task_definition(&arn).await?;
            Ok((arn, container_images(&td), true))
        })
        .buffer_unordered(DESCRIBE_TASK_DEFINITION_CONCURRENCY)
        .try_collect()
        .await?;
    if let Some(cache) = cache {
        for (arn, images, _) in found.iter().filter(|(_, _, described)| *described) {
            cache.insert(arn, images.clone());
        }
        if let Err(e) = cache.save() {
            tracing::warn!("task-definition cache not saved: {e}");
        }
    }
    Ok(found
        .into_iter()
        .map(|(arn, images, _)| (arn, images))
        .collect())
}

/// Every service and task (running and recently stopped) of `clusters`, and the in-use
/// images of what they run — the same as [`services_in`], [`tasks_of`] per cluster and
/// [`in_use_of`], but each cluster's current service revisions are described as soon as
/// its services arrive, and each task definition they do not cover is described as soon
/// as its cluster's services have named it, while the other clusters are still being
/// read: the describes do not wait for the slowest cluster. The definitions live tasks run
/// that no revision covers are described once every cluster has answered (a task's
/// definition is nearly always one its service's revisions cover). Every task definition
/// [`in_use_of`] would describe is described, each once.
pub(super) async fn services_tasks_in_use(
    aws: &AwsClients,
    clusters: &[String],
) -> Result<(Vec<Service>, Vec<Task>, InUse)> {
    let (found, arns) = futures::channel::mpsc::unbounded::<String>();
    let seen: Mutex<HashSet<String>> = Mutex::default();
    let name = |needed: Vec<String>| {
        let mut seen = seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for arn in needed {
            if seen.insert(arn.clone()) {
                // The receiver is only gone when the load already failed.
                let _ = found.unbounded_send(arn);
            }
        }
    };
    let services = async {
        let per_cluster: Vec<(Vec<Service>, RevisionImages)> =
            stream::iter(clusters.iter().cloned())
                .map(|c| async move {
                    let services = services_of(aws, &c).await?;
                    let covered = current_revision_images(aws, &services).await;
                    Ok::<_, Error>((services, covered))
                })
                .buffer_unordered(MAX_CONCURRENCY)
                .inspect_ok(|(services, covered)| {
                    name(not_covered(task_definitions_needed(services, &[]), covered));
                })
                .try_collect()
                .await?;
        let mut services = Vec::new();
        let mut covered = RevisionImages::new();
        for (some, more) in per_cluster {
            services.extend(some);
            merge(&mut covered, more);
        }
        sort_by_cluster_and_name(&mut services);
        Ok::<_, Error>((services, covered))
    };
    let tasks = async {
        // Owned names (as for the services): a closure over borrowed ones makes the
        // whole load not provably `Send`, and a place's report runs on a task of its own.
        let per_cluster: Vec<Vec<Task>> = stream::iter(clusters.iter().cloned())
            .map(|c| async move { tasks_of(aws, &c, None).await })
            .buffered(MAX_CONCURRENCY)
            .try_collect()
            .await?;
        Ok::<_, Error>(per_cluster.into_iter().flatten().collect::<Vec<Task>>())
    };
    let read = async {
        let ((services, covered), tasks) = futures::try_join!(services, tasks)?;
        // A live task's definition may be one no service revision covers (a task started
        // by hand, a revision ECS did not describe).
        name(not_covered(task_definitions_needed(&[], &tasks), &covered));
        // Every ARN has been named: the describes end with the last one.
        found.close_channel();
        Ok::<_, Error>((services, covered, tasks))
    };
    let ((services, covered, tasks), described) =
        futures::try_join!(read, task_definition_images_of(aws, arns))?;
    let in_use = InUse::build(&services, images_from(&covered, &described), &tasks);
    Ok((services, tasks, in_use))
}

/// Task-definition images by ARN, from service revisions or described.
type RevisionImages = HashMap<String, Vec<String>>;

/// The images of a definition: what its service revisions ran, else what it names.
fn images_from<'a>(
    covered: &'a RevisionImages,
    described: &'a HashMap<String, Vec<String>>,
) -> impl Fn(&str) -> Option<&'a [String]> {
    |arn| {
        covered
            .get(arn)
            .or_else(|| described.get(arn))
            .map(Vec::as_slice)
    }
}

fn container_images(td: &TaskDefinition) -> Vec<String> {
    td.containers.iter().map(|c| c.image.clone()).collect()
}

async fn live_tasks_of(aws: &AwsClients, cluster: &str) -> Result<Vec<Task>> {
    let arns = aws
        .ecs
        .list_tasks(cluster, None, TaskStatusFilter::Running)
        .await?;
    if arns.is_empty() {
        return Ok(Vec::new());
    }
    aws.ecs.describe_tasks(cluster, &arns).await
}

/// The images referenced by ACTIVE/DRAINING services' deployments and by live tasks,
/// across every cluster.
pub async fn load_in_use(aws: &AwsClients) -> Result<InUse> {
    let clusters = cluster_names(aws).await?;
    let services = services_in(aws, &clusters);
    let tasks = async {
        let per: Vec<Vec<Task>> = stream::iter(clusters.iter().cloned())
            .map(|c| async move { live_tasks_of(aws, &c).await })
            .buffer_unordered(MAX_CONCURRENCY)
            .try_collect()
            .await?;
        Ok::<_, Error>(per.into_iter().flatten().collect::<Vec<Task>>())
    };
    let (services, tasks) = futures::try_join!(services, tasks)?;
    in_use_of(aws, &services, &tasks).await
}

/// In-use images from services and tasks already loaded: the images of every task
/// definition they run (from the services' current revisions where the place answers
/// DescribeServiceRevisions, else described or from the cache), plus what live tasks
/// report.
pub(super) async fn in_use_of(
    aws: &AwsClients,
    services: &[Service],
    tasks: &[Task],
) -> Result<InUse> {
    let covered = current_revision_images(aws, services).await;
    let needed = not_covered(task_definitions_needed(services, tasks), &covered);
    let described = load_task_definition_images(aws, &needed).await?;
    Ok(InUse::build(
        services,
        images_from(&covered, &described),
        tasks,
    ))
}
