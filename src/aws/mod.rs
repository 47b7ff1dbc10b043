//! The AWS adapters: one per service, each behind a trait so the loaders, the analysis and
//! the console never see SDK types. Pagination, batching to the API maxima, bounded
//! concurrency and retries live here.

mod classify;
mod connect;
mod convert;
mod ec2;
mod ecr;
mod ecs;
mod sts;

use std::sync::Arc;

use async_trait::async_trait;

pub use classify::CallContext;
pub use connect::{ConnectOptions, connect, retry_config};
pub use ec2::Ec2Adapter;
pub use ecr::EcrAdapter;
pub use ecs::{EcsAdapter, TaskStatusFilter};
pub use sts::StsAdapter;

use crate::error::Result;
use crate::model::{
    Ami, CallerIdentity, Image, Repository, Service, Snapshot, Task, TaskDefinition, Volume,
};

/// How many requests one adapter keeps in flight at once.
pub const MAX_CONCURRENCY: usize = 8;

/// Calls `call` on `items` in chunks of at most `max` (an API's batch limit), up to
/// `MAX_CONCURRENCY` chunks at once, and joins the answers in the order of `items`.
pub(crate) async fn in_batches<T, F, Fut>(items: &[String], max: usize, call: F) -> Result<Vec<T>>
where
    F: Fn(Vec<String>) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<T>>>,
{
    use futures::{StreamExt, TryStreamExt, stream};
    let pages: Vec<Vec<T>> = stream::iter(items.chunks(max.max(1)).map(<[String]>::to_vec))
        .map(call)
        .buffered(MAX_CONCURRENCY)
        .try_collect()
        .await?;
    Ok(pages.into_iter().flatten().collect())
}

/// ECS reads.
#[async_trait]
pub trait EcsApi: Send + Sync {
    /// ARNs of every cluster.
    async fn list_clusters(&self) -> Result<Vec<String>>;
    /// ARNs of every service in a cluster.
    async fn list_services(&self, cluster: &str) -> Result<Vec<String>>;
    /// Services by ARN or name, batched by 10. Names that ECS reports missing are left out.
    async fn describe_services(&self, cluster: &str, services: &[String]) -> Result<Vec<Service>>;
    /// ARNs of tasks in a cluster with the given desired status, optionally for one service.
    async fn list_tasks(
        &self,
        cluster: &str,
        service: Option<&str>,
        status: TaskStatusFilter,
    ) -> Result<Vec<String>>;
    /// Tasks by ARN, batched by 100.
    async fn describe_tasks(&self, cluster: &str, tasks: &[String]) -> Result<Vec<Task>>;
    async fn describe_task_definition(&self, task_definition: &str) -> Result<TaskDefinition>;
}

/// ECR reads.
#[async_trait]
pub trait EcrApi: Send + Sync {
    async fn list_repositories(&self) -> Result<Vec<Repository>>;
    async fn list_images(&self, repository: &str) -> Result<Vec<Image>>;
    /// The image manifest (JSON text) for a digest.
    async fn get_manifest(&self, repository: &str, digest: &str) -> Result<Option<String>>;
}

/// EC2 reads.
#[async_trait]
pub trait Ec2Api: Send + Sync {
    async fn describe_volumes(&self) -> Result<Vec<Volume>>;
    /// Snapshots owned by this account.
    async fn describe_own_snapshots(&self) -> Result<Vec<Snapshot>>;
    /// AMIs owned by this account, with the snapshots they use.
    async fn describe_own_amis(&self) -> Result<Vec<Ami>>;
}

/// STS: who we are.
#[async_trait]
pub trait IdentityApi: Send + Sync {
    async fn caller_identity(&self) -> Result<CallerIdentity>;
}

/// One handle to every adapter, cheap to clone into background tasks.
#[derive(Clone)]
pub struct AwsClients {
    pub ecs: Arc<dyn EcsApi>,
    pub ecr: Arc<dyn EcrApi>,
    pub ec2: Arc<dyn Ec2Api>,
    pub sts: Arc<dyn IdentityApi>,
    pub region: String,
    pub endpoint: Option<String>,
}
