//! The AWS adapters: one per service, each behind a trait so the loaders, the analysis and
//! the console never see SDK types. Pagination, batching to the API maxima, bounded
//! concurrency and retries live here.

mod answer;
mod api;
pub mod budget;
mod classify;
mod cloudwatch;
mod connect;
mod convert;
mod convert_deploy;
pub mod credentials;
mod ec2;
mod ec2_ops;
mod ecr;
mod ecr_ops;
mod ecs;
mod ecs_ops;
mod elb;
pub mod fleet;
mod logs;
mod rbin;
mod revisions_gate;
mod ssm_ops;
mod sts;

pub use answer::{Attempts, Sent, answer_lost, is_not_found, is_unsupported, outcome_unknown};
pub use api::{
    AwsClients, CloudWatchApi, DESCRIBE_ALARMS_MAX, DESCRIBE_SERVICE_DEPLOYMENTS_MAX,
    DESCRIBE_SERVICE_REVISIONS_MAX, DESCRIBE_TASK_DEFINITION_CONCURRENCY, DeleteOutcome, Ec2Api,
    Ec2Ops, EcrApi, EcrOps, EcsApi, EcsOps, ElbApi, GET_METRIC_DATA_MAX_QUERIES, IdentityApi,
    LogsApi, MAX_CONCURRENCY, NewEbsVolume, OpsClients, Preflight, RecycleBinApi, ServiceChange,
    SsmOps, TaskStatusFilter,
};
pub use classify::CallContext;
pub use cloudwatch::CloudWatchAdapter;
pub use connect::{
    AssumeRole, ConnectOptions, Timeouts, connect, connect_with_ops, mutation_retry_config,
    place_retry_partition, retry_config,
};
pub use credentials::aws_profile_paths;
pub use ec2::Ec2Adapter;
pub use ec2_ops::Ec2OpsAdapter;
pub use ecr::{BATCH_GET_IMAGE_MAX, EcrAdapter};
pub use ecr_ops::{BATCH_DELETE_IMAGE_MAX, EcrOpsAdapter};
pub use ecs::{EcsAdapter, family_of, revision_of};
pub use ecs_ops::EcsOpsAdapter;
pub use elb::ElbAdapter;
pub use logs::{GET_LOG_EVENTS_MAX, LogsAdapter};
pub use rbin::RecycleBinAdapter;
pub use ssm_ops::SsmOpsAdapter;
pub use sts::StsAdapter;
