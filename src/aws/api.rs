//! The traits the adapters implement (reads and actions, per service), the client sets
//! that hold them (`AwsClients`, `OpsClients`), the types the actions answer with, and the
//! batching helpers the adapters share. `aws/mod.rs` re-exports all of it.

use std::sync::Arc;

use async_trait::async_trait;

use super::answer::Sent;
use crate::error::Result;
use crate::model::{
    Alarm, Ami, CallerIdentity, ContainerInstance, ExecSession, Image, ImageLookup, ImageStatus,
    LaunchTemplate, LifecycleHookAction, LifecyclePolicy, LogPage, Repository, RetentionRule,
    Service, ServiceDeployment, ServiceDeploymentStatus, ServiceRevision, SessionHandle, Snapshot,
    SnapshotLock, SnapshotState, TargetHealth, Task, TaskDefinition, Volume,
};

/// How many requests one adapter keeps in flight at once.
pub const MAX_CONCURRENCY: usize = 8;

/// How many DescribeTaskDefinition calls in-use detection keeps in flight at once. The
/// API has no batch form, so a first run (nothing cached yet) makes one call per revision
/// in use, in waves of this many: at 50 ms a round trip, 210 revisions take 9 waves
/// instead of 27 at `MAX_CONCURRENCY`. The number of calls is the same; they come in a
/// shorter burst. ECS throttles each account's calls per region with a token bucket;
/// reads retry adaptively (`aws::connect`: 5 attempts, and a throttled client sends
/// slower), so a burst past the bucket slows the load instead of failing it.
pub const DESCRIBE_TASK_DEFINITION_CONCURRENCY: usize = 24;

/// DescribeServiceDeployments takes at most 20 ARNs per call.
pub const DESCRIBE_SERVICE_DEPLOYMENTS_MAX: usize = 20;
/// DescribeServiceRevisions takes at most 20 ARNs per call.
pub const DESCRIBE_SERVICE_REVISIONS_MAX: usize = 20;

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

/// Every page of a call the SDK has no paginator for: `page` is sent with each NextToken
/// in turn (`None` first) and gives that page's items and the next token; the pages end at
/// a missing or empty token, or one that comes back unchanged.
pub(crate) async fn by_token<T, F, Fut>(page: F) -> Result<Vec<T>>
where
    F: Fn(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>)>>,
{
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let (items, next) = page(token.clone()).await?;
        all.extend(items);
        match next {
            Some(t) if !t.is_empty() && token.as_deref() != Some(t.as_str()) => token = Some(t),
            _ => return Ok(all),
        }
    }
}

/// Which tasks `EcsApi::list_tasks` lists: those meant to run, or those stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatusFilter {
    Running,
    Stopped,
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
    /// The cluster's container instances with their EC2 instance ids
    /// (ListContainerInstances, then DescribeContainerInstances in batches of 100).
    async fn describe_container_instances(&self, cluster: &str) -> Result<Vec<ContainerInstance>>;
    async fn describe_task_definition(&self, task_definition: &str) -> Result<TaskDefinition>;
    /// ARNs of the ACTIVE revisions of a task-definition family, newest first.
    async fn list_revisions(&self, family: &str) -> Result<Vec<String>>;
    /// ARNs of a service's deployments (ListServiceDeployments, every page, 100 a page),
    /// created at or after `since` when given, with one of the statuses `only` (empty:
    /// any), in the order ECS lists them. An endpoint without the operation answers
    /// `AwsErrorKind::Unsupported`.
    async fn list_service_deployments(
        &self,
        cluster: &str,
        service: &str,
        since: Option<chrono::DateTime<chrono::Utc>>,
        only: &[ServiceDeploymentStatus],
    ) -> Result<Vec<String>>;
    /// Service deployments by ARN (DescribeServiceDeployments), batched by 20; those ECS
    /// reports as failures are left out.
    async fn describe_service_deployments(&self, arns: &[String])
    -> Result<Vec<ServiceDeployment>>;
    /// Service revisions by ARN (DescribeServiceRevisions), batched by 20; those ECS
    /// reports as failures (a revision older than 2024-10-25) are left out.
    async fn describe_service_revisions(&self, arns: &[String]) -> Result<Vec<ServiceRevision>>;
}

/// ECR reads.
#[async_trait]
pub trait EcrApi: Send + Sync {
    async fn list_repositories(&self) -> Result<Vec<Repository>>;
    async fn list_images(&self, repository: &str) -> Result<Vec<Image>>;
    /// The image manifest (JSON text) for a digest.
    async fn get_manifest(&self, repository: &str, digest: &str) -> Result<Option<String>>;
    /// Whether each reference (a tag, or a `sha256:` digest) exists in `repository` of
    /// `registry_id` (this account when `None`): BatchGetImage, 100 ids a call. A
    /// repository that does not exist: every reference not found.
    async fn look_up_images(
        &self,
        registry_id: Option<&str>,
        repository: &str,
        refs: &[String],
    ) -> Result<Vec<(String, ImageLookup)>>;
    /// The repository's lifecycle policy (GetLifecyclePolicy); `None` when it has none.
    async fn get_lifecycle_policy(&self, repository: &str) -> Result<Option<LifecyclePolicy>>;
}

/// EC2 reads.
#[async_trait]
pub trait Ec2Api: Send + Sync {
    async fn describe_volumes(&self) -> Result<Vec<Volume>>;
    /// Volumes with one of `ids` (unknown ids are left out) or carrying every one of
    /// `tags` (key, value), without repeats: filtered calls, not the whole account.
    async fn describe_volumes_matching(
        &self,
        ids: &[String],
        tags: &[(String, String)],
    ) -> Result<Vec<Volume>>;
    /// Snapshots owned by this account (`OwnerIds=self`). With `account` (its id, when the
    /// caller already knows it) the call also carries an `owner-id` filter: AWS answers the
    /// same, and a server that ignores `OwnerIds` (moto sends every snapshot it holds,
    /// its stock AMIs' included) then sends only the account's.
    async fn describe_own_snapshots(&self, account: Option<&str>) -> Result<Vec<Snapshot>>;
    /// AMIs owned by this account, disabled ones included, with the snapshots they use.
    async fn describe_own_amis(&self) -> Result<Vec<Ami>>;
    /// The account's launch templates with the snapshots of all their versions
    /// (DescribeLaunchTemplates, then DescribeLaunchTemplateVersions per template).
    async fn describe_launch_templates(&self) -> Result<Vec<LaunchTemplate>>;
    /// The regions enabled for the account (DescribeRegions without `AllRegions`: opted-in
    /// and opt-in-not-required), sorted.
    async fn enabled_regions(&self) -> Result<Vec<String>>;
    /// Volumes created from a snapshot (DescribeVolumes, filter `snapshot-id`).
    async fn describe_volumes_from_snapshot(&self, snapshot_id: &str) -> Result<Vec<Volume>>;
    /// The locks on `snapshot_ids` (DescribeLockedSnapshots, in batches of ids, every
    /// page); snapshots without a lock are left out. Nothing is asked for no ids.
    async fn describe_locked_snapshots(&self, snapshot_ids: &[String])
    -> Result<Vec<SnapshotLock>>;
    /// How far each of `volume_ids` has initialized from its snapshot (DescribeVolumeStatus,
    /// every page); a volume EC2 reports no initialization for is left out. An endpoint
    /// without the call answers `AwsErrorKind::Unsupported` (callers say "not reported").
    async fn describe_volume_initialization(
        &self,
        volume_ids: &[String],
    ) -> Result<Vec<crate::model::VolumeInitialization>>;
    /// One snapshot by id (DescribeSnapshots with `SnapshotIds`); `None` when EC2 does not
    /// know it.
    async fn describe_snapshot(&self, snapshot_id: &str) -> Result<Option<Snapshot>>;
    /// The zone of each of `subnet_ids` (DescribeSubnets, one call), as (subnet, zone).
    async fn describe_subnet_zones(&self, subnet_ids: &[String]) -> Result<Vec<(String, String)>>;
}

/// STS: who we are.
#[async_trait]
pub trait IdentityApi: Send + Sync {
    async fn caller_identity(&self) -> Result<CallerIdentity>;
}

/// CloudWatch Logs reads.
#[async_trait]
pub trait LogsApi: Send + Sync {
    /// One page of a stream, events oldest to newest. Without `token` the newest page, or
    /// with `from_head` the oldest (from `start_time`, epoch ms); with a page's
    /// `next_backward_token` (and `from_head` false) the page before it, with its
    /// `next_forward_token` (and `from_head` true, as AWS requires) the lines after it.
    /// At either end the token comes back unchanged.
    async fn get_log_events(
        &self,
        group: &str,
        stream: &str,
        token: Option<&str>,
        from_head: bool,
        limit: Option<i32>,
        start_time: Option<i64>,
    ) -> Result<LogPage>;
}

/// CloudWatch reads: metrics and alarms (issue 27).
#[async_trait]
pub trait CloudWatchApi: Send + Sync {
    /// Every query's points between `start` and `end`, oldest first, one series per query
    /// (in the queries' order; a query without data has no points). Sent in as few
    /// GetMetricData calls as its limit allows ([`GET_METRIC_DATA_MAX_QUERIES`] a call),
    /// every page of each read.
    async fn get_metric_data(
        &self,
        queries: &[crate::model::MetricQuery],
        start: chrono::DateTime<chrono::Utc>,
        end: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<crate::model::MetricSeries>>;

    // --- alarms ---
    /// Every metric and composite alarm of the account and region (DescribeAlarms, every
    /// page of [`DESCRIBE_ALARMS_MAX`]): one listing a refresh filters for each service,
    /// fewer calls than DescribeAlarmsForMetric per service and metric.
    async fn describe_alarms(&self) -> Result<Vec<Alarm>>;
}

/// GetMetricData takes at most 500 queries a call.
pub const GET_METRIC_DATA_MAX_QUERIES: usize = 500;

/// DescribeAlarms answers at most 100 alarms a page.
pub const DESCRIBE_ALARMS_MAX: i32 = 100;

/// Load-balancer reads: target health (issue 27).
#[async_trait]
pub trait ElbApi: Send + Sync {
    /// Every registered target of a target group with its health (DescribeTargetHealth).
    async fn describe_target_health(&self, target_group_arn: &str) -> Result<Vec<TargetHealth>>;
}

/// Recycle Bin reads: retention rules (issue 26).
#[async_trait]
pub trait RecycleBinApi: Send + Sync {
    /// The region's retention rules for one resource type (`EBS_SNAPSHOT`, `EBS_VOLUME`,
    /// `EC2_IMAGE`): ListRules, every page, then GetRule for each rule's tags and status.
    async fn list_rules(&self, resource_type: &str) -> Result<Vec<RetentionRule>>;
}

/// One handle to every adapter, cheap to clone into background tasks.
#[derive(Clone)]
pub struct AwsClients {
    pub ecs: Arc<dyn EcsApi>,
    pub ecr: Arc<dyn EcrApi>,
    pub ec2: Arc<dyn Ec2Api>,
    pub sts: Arc<dyn IdentityApi>,
    pub logs: Arc<dyn LogsApi>,
    pub cloudwatch: Arc<dyn CloudWatchApi>,
    pub elb: Arc<dyn ElbApi>,
    pub rbin: Arc<dyn RecycleBinApi>,
    pub region: String,
    pub endpoint: Option<String>,
    /// Task-definition images already known (revisions never change); `None`: always ask.
    pub task_definitions: Option<Arc<crate::cache::TaskDefinitionCache>>,
}

/// A change UpdateService makes to a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceChange {
    /// Start a new deployment of the same task definition.
    ForceNewDeployment,
    /// Run this task definition (ARN or `family:revision`).
    TaskDefinition(String),
    /// Create the managed EBS volume `volume` from `snapshot_id` (the rest of the volume
    /// configuration is kept).
    /// `initialization_rate`: the volume's `volumeInitializationRate` in MiB/s (`None`:
    /// left as configured; without one the volume hydrates lazily from S3).
    EbsSnapshot {
        volume: String,
        snapshot_id: String,
        initialization_rate: Option<i32>,
    },
    /// Run this task definition with these managed EBS volume configurations (a service
    /// revision's: each volume's snapshot — none clears it —, and its size and type when
    /// given; the rest of each configuration is kept).
    Revision {
        task_definition: String,
        volumes: Vec<crate::model::RevisionVolume>,
    },
    /// Set the desired count.
    DesiredCount(i32),
    /// Give the service a managed EBS volume configuration it does not report: `volume`
    /// (the task definition's volume configured at launch) created from `snapshot_id`.
    NewEbsVolume(NewEbsVolume),
}

/// A whole managed EBS volume configuration, for a service that reports none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEbsVolume {
    pub volume: String,
    pub snapshot_id: String,
    pub size_gib: i32,
    pub volume_type: String,
    /// The ECS infrastructure role that manages the volume.
    pub role_arn: String,
    /// `volumeInitializationRate` in MiB/s; `None`: the volume hydrates lazily from S3.
    pub initialization_rate: Option<i32>,
}

/// What an EC2 DryRun call said about one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Preflight {
    /// `DryRunOperation`: the call would succeed.
    Allowed,
    /// `UnauthorizedOperation`: the identity lacks the permission.
    Denied(String),
    /// Any other answer (not found, throttled, unreachable ...).
    Failed(String),
}

/// What happened to one item of a batched delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteOutcome {
    Done,
    /// AWS answered that it does not exist (`ImageNotFound`); `retried`: the call was
    /// sent more than once, so an earlier attempt may have deleted it.
    Gone {
        code: String,
        retried: bool,
    },
    /// No usable answer (connection dropped, timeout, retries ended in a transport or
    /// server error): it may or may not have been deleted.
    Unanswered(String),
    Failed(String),
    /// Not sent, because an earlier call of the batch failed.
    NotAttempted(String),
}

/// ECS mutations: registering a revision and UpdateService.
#[async_trait]
pub trait EcsOps: Send + Sync {
    /// Registers a new revision copying `source` with each named container's image
    /// replaced (`images`: container, image).
    async fn register_with_images(
        &self,
        source: &str,
        images: &[(String, String)],
    ) -> Result<TaskDefinition>;
    async fn update_service(
        &self,
        cluster: &str,
        service: &str,
        change: &ServiceChange,
    ) -> Result<Service>;
    /// ExecuteCommand (interactive): a Session Manager session to `container` of the task
    /// (`None`: the task's only container).
    async fn execute_command(
        &self,
        cluster: &str,
        task: &str,
        container: Option<&str>,
        command: &str,
    ) -> Result<ExecSession>;
    /// StopTask with a reason; the task as ECS answered.
    async fn stop_task(&self, cluster: &str, task: &str, reason: &str) -> Result<Task>;
    /// StopServiceDeployment with `stopType` ROLLBACK: ECS returns the service to the last
    /// good service revision. The deployment's ARN as ECS answered.
    async fn stop_service_deployment_rollback(&self, deployment_arn: &str) -> Result<String>;
    /// ContinueServiceDeployment: `action` on the paused hook `hook_id` of the deployment.
    /// The deployment's ARN as ECS answered.
    async fn continue_service_deployment(
        &self,
        deployment_arn: &str,
        hook_id: Option<&str>,
        action: &LifecycleHookAction,
    ) -> Result<String>;
}

/// ECR mutations.
#[async_trait]
pub trait EcrOps: Send + Sync {
    /// Points `tag` at the image `digest` (PutImage of its manifest); returns the digest
    /// the tag points at afterwards.
    async fn retag(&self, repository: &str, digest: &str, tag: &str) -> Result<String>;
    /// Deletes images by digest in batches of 100, in order; one outcome per digest. A
    /// failed call stops the batches after it (no retry storm).
    async fn delete_images(
        &self,
        repository: &str,
        digests: &[String],
    ) -> Vec<(String, DeleteOutcome)>;
    /// Puts (replaces) the repository's lifecycle policy (PutLifecyclePolicy).
    async fn put_lifecycle_policy(&self, repository: &str, policy_text: &str) -> Result<()>;
    /// Which of `digests` still exist in the repository (BatchGetImage): the re-read
    /// after a delete whose answer was lost.
    async fn images_present(&self, repository: &str, digests: &[String]) -> Result<Vec<String>>;
    /// Moves an image back from ECR archive to standard (UpdateImageStorageClass with
    /// `STANDARD`); the status ECR answers (`ACTIVATING` while it restores).
    async fn restore_image(&self, repository: &str, digest: &str) -> Result<ImageStatus>;
}

/// EC2 calls only actions need: DryRun checks, deletes, snapshots.
#[async_trait]
pub trait Ec2Ops: Send + Sync {
    async fn preflight_delete_volume(&self, volume_id: &str) -> Preflight;
    async fn preflight_delete_snapshot(&self, snapshot_id: &str) -> Preflight;
    async fn preflight_create_snapshot(&self, volume_id: &str) -> Preflight;
    /// DryRun ModifySnapshotTier (to the archive tier).
    async fn preflight_archive_snapshot(&self, snapshot_id: &str) -> Preflight;
    /// DeleteVolume, with the number of attempts the SDK made.
    async fn delete_volume(&self, volume_id: &str) -> Sent<()>;
    /// DeleteSnapshot, with the number of attempts the SDK made.
    async fn delete_snapshot(&self, snapshot_id: &str) -> Sent<()>;
    /// Whether the volume still exists (the re-read after a lost answer).
    async fn volume_exists(&self, volume_id: &str) -> Result<bool>;
    /// Whether the snapshot still exists (the re-read after a lost answer).
    async fn snapshot_exists(&self, snapshot_id: &str) -> Result<bool>;
    /// Creates a snapshot of a volume with tags; returns its id.
    async fn create_snapshot(
        &self,
        volume_id: &str,
        description: &str,
        tags: &[(String, String)],
    ) -> Result<String>;
    /// CreateTags: put `tags` on a volume or snapshot (replacing values of the same keys).
    async fn create_tags(&self, resource_id: &str, tags: &[(String, String)]) -> Result<()>;
    /// DeleteTags: remove the tags with `keys` (any value) from a volume or snapshot.
    async fn delete_tags(&self, resource_id: &str, keys: &[String]) -> Result<()>;
    /// RestoreSnapshotTier: an archived snapshot back to the standard tier, for `days`
    /// (a temporary restore) or, with `None`, permanently.
    async fn restore_snapshot_tier(&self, snapshot_id: &str, days: Option<i32>) -> Result<()>;
    /// ModifySnapshotTier to the archive tier; EC2 answers at once and archives over hours.
    async fn archive_snapshot(&self, snapshot_id: &str) -> Result<()>;
    /// The state of one snapshot (`pending`, `completed`, `error`), `None` if not found.
    async fn snapshot_state(&self, snapshot_id: &str) -> Result<Option<SnapshotState>>;
    /// The state of one snapshot and how far along it is (`42%`), `None` if not found.
    /// Adapters that cannot tell the progress answer the state alone.
    async fn snapshot_progress(
        &self,
        snapshot_id: &str,
    ) -> Result<Option<(SnapshotState, Option<String>)>> {
        Ok(self.snapshot_state(snapshot_id).await?.map(|s| (s, None)))
    }
}

/// The action adapters. Only `ops::guard::Mutator` can use them: it refuses every
/// mutation in read-only mode and writes the audit log.
#[derive(Clone)]
pub struct OpsClients {
    pub(crate) ecs: Arc<dyn EcsOps>,
    pub(crate) ecr: Arc<dyn EcrOps>,
    pub(crate) ec2: Arc<dyn Ec2Ops>,
    /// Session Manager (port forwarding); `None` where it was not set up.
    pub(crate) ssm: Option<Arc<dyn SsmOps>>,
    /// The credentials of an assumed role (a `[fleet]` account): no profile names them,
    /// so `session-manager-plugin` is handed them in its environment.
    pub(crate) role_credentials: Option<aws_sdk_ecs::config::SharedCredentialsProvider>,
}

impl OpsClients {
    pub fn new(ecs: Arc<dyn EcsOps>, ecr: Arc<dyn EcrOps>, ec2: Arc<dyn Ec2Ops>) -> Self {
        Self {
            ecs,
            ecr,
            ec2,
            ssm: None,
            role_credentials: None,
        }
    }

    /// Acting as an assumed role whose credentials come from `provider`.
    #[must_use]
    pub fn with_role_credentials(
        mut self,
        provider: Option<aws_sdk_ecs::config::SharedCredentialsProvider>,
    ) -> Self {
        self.role_credentials = provider;
        self
    }

    /// With Session Manager for port forwarding.
    #[must_use]
    pub fn with_ssm(mut self, ssm: Arc<dyn SsmOps>) -> Self {
        self.ssm = Some(ssm);
        self
    }
}

/// Session Manager calls: starting a session (port forwarding) and ending it.
#[async_trait]
pub trait SsmOps: Send + Sync {
    /// StartSession on `target` with a document and its parameters (name → values).
    async fn start_session(
        &self,
        target: &str,
        document: &str,
        parameters: &[(String, Vec<String>)],
    ) -> Result<SessionHandle>;
    /// TerminateSession: ends a session nobody will connect to.
    async fn terminate_session(&self, session_id: &str) -> Result<()>;
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::by_token;

    /// Pages are followed until the token is missing, empty, or comes back unchanged; each
    /// request carries the previous page's token.
    #[tokio::test]
    async fn by_token_follows_next_tokens_to_the_end() {
        for (pages, want_items, want_sent) in [
            (
                vec![(1, Some("a")), (2, Some("b")), (3, None)],
                vec![1, 2, 3],
                3,
            ),
            (vec![(1, Some("a")), (2, Some(""))], vec![1, 2], 2),
            (
                vec![(1, Some("a")), (2, Some("a")), (3, None)],
                vec![1, 2],
                2,
            ),
        ] {
            let sent: Mutex<Vec<Option<String>>> = Mutex::new(Vec::new());
            let got = by_token(|token| {
                let n = {
                    let mut sent = sent.lock().expect("lock");
                    sent.push(token);
                    sent.len() - 1
                };
                let (item, next) = pages[n];
                async move { Ok((vec![item], next.map(str::to_string))) }
            })
            .await
            .expect("pages");
            assert_eq!(got, want_items);
            let sent = sent.into_inner().expect("lock");
            assert_eq!(sent.len(), want_sent);
            assert_eq!(sent[0], None);
            assert_eq!(sent.get(1).cloned().flatten().as_deref(), Some("a"));
        }
    }
}
