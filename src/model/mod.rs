//! Plain data the rest of ecsnap works with. No SDK types cross this line: the adapters in
//! `aws/` translate into these, and `analysis/`, the commands and the console read them.

mod alarms;
mod cluster_service;
pub mod console_url;
mod deploy;
mod ec2;
mod ecr;
mod ecs;
pub mod escape;
pub mod json;
mod logs;
mod metrics;
mod rbin;
pub mod region;
mod resource;
pub mod secret;
mod state;
mod targets;

pub use alarms::Alarm;
pub use cluster_service::ClusterService;
pub use deploy::{
    AlarmState, CircuitBreakerState, DeploymentRollback, LifecycleHookDetail, RevisionCount,
    RevisionImage, RevisionLoadBalancer, RevisionNetwork, RevisionVolume, ServiceDeployment,
    ServiceRevision,
};
pub use ec2::{
    Ami, CallerIdentity, LaunchTemplate, Snapshot, SnapshotLock, Volume, VolumeInitialization,
};
pub use ecr::{Image, ImageLookup, ImagePresence, LifecyclePolicy, Repository};
pub use ecs::TaskExec;
pub use ecs::{
    CircuitBreaker, ContainerDef, DeploySettings, Deployment, DeploymentAlarms, HealthCheck,
    MountPoint, PortMapping, Service, ServiceEvent, ServiceLifecycleHook, ServiceVolumeConfig,
    StorageVolume, Task, TaskContainer, TaskDefVolume, TaskDefinition, TaskStorage, TaskVolume,
    VolumeMount, VolumeSource,
};
pub use logs::{LastLines, LogConfiguration, LogEvent, LogPage, LogSource};
pub use metrics::{MetricPoint, MetricQuery, MetricSeries};
pub use rbin::{RBIN_EBS_SNAPSHOT, RBIN_EBS_VOLUME, RBIN_EC2_IMAGE, RetentionRule, RuleTag};
pub use resource::{ResourceKind, Skipped};
pub use state::{
    AgentStatus, AlarmStateValue, DeploymentLifecycleStage, DeploymentStatus, DeploymentStrategy,
    ImageStatus, LifecycleHookAction, LifecycleHookStatus, RollbackMonitorStatus, RolloutState,
    ServiceDeploymentStatus, ServiceStatus, SnapshotState, TargetHealthState, TaskStatus,
    VolumeState,
};
pub use targets::{ContainerInstance, ServiceLoadBalancer, TargetHealth};

/// The last path segment of an ARN (`arn:...:service/cluster/name` → `name`).
pub fn arn_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

#[cfg(test)]
mod tests {
    use super::arn_name;

    #[test]
    fn arn_name_takes_last_segment() {
        assert_eq!(
            arn_name("arn:aws:ecs:us-east-1:1:service/payments-prod/api"),
            "api"
        );
        assert_eq!(arn_name("arn:aws:ecs:us-east-1:1:cluster/c1"), "c1");
        assert_eq!(arn_name("plain"), "plain");
    }
}
mod session;
pub use session::{ExecSession, SessionHandle};
