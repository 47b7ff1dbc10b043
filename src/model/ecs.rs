//! ECS: services with their deployments and events, tasks with their EBS volumes, task
//! definitions with their containers.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::state::{AgentStatus, DeploymentStatus, RolloutState, ServiceStatus, TaskStatus};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Service {
    pub cluster: String,
    pub arn: String,
    pub name: String,
    pub status: ServiceStatus,
    pub desired_count: i32,
    pub running_count: i32,
    pub pending_count: i32,
    /// The task definition the service is set to run (what `UpdateService` last set).
    pub task_definition: String,
    pub deployments: Vec<Deployment>,
    /// Newest first.
    pub events: Vec<ServiceEvent>,
    pub created_at: Option<DateTime<Utc>>,
    pub volume_configurations: Vec<ServiceVolumeConfig>,
    /// `CODE_DEPLOY` or `EXTERNAL` when another tool deploys the service; `None` (or
    /// `ECS`) when ECS does.
    pub deployment_controller: Option<String>,
    /// The deployment circuit breaker (`deploymentConfiguration.deploymentCircuitBreaker`).
    pub circuit_breaker: Option<CircuitBreaker>,
    /// CloudWatch alarms that fail a deployment (`deploymentConfiguration.alarms`).
    pub deployment_alarms: Option<DeploymentAlarms>,
    /// `enableExecuteCommand`: tasks the service starts can be reached with ECS Exec.
    pub enable_execute_command: bool,
    /// How ECS deploys it (`deploymentConfiguration`: strategy, bake time, canary or
    /// linear steps, lifecycle hooks); `None` when DescribeServices says nothing of it.
    pub deploy_settings: Option<DeploySettings>,
    /// The target groups ECS registers the service's tasks in (`loadBalancers`).
    pub load_balancers: Vec<super::targets::ServiceLoadBalancer>,
    /// The service revisions its tasks run now (`currentServiceRevisions[].arn`): what
    /// in-use detection describes, 20 per DescribeServiceRevisions call. Empty where ECS
    /// records none (no deployment since 2024-10-25, an emulator).
    pub current_revisions: Vec<String>,
    /// The awsvpc subnets its tasks run in (`networkConfiguration.awsvpcConfiguration`);
    /// empty for bridge and host networking.
    pub subnets: Vec<String>,
}

/// A service's deployment strategy as DescribeServices reports it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeploySettings {
    pub strategy: Option<super::state::DeploymentStrategy>,
    /// `bakeTimeInMinutes`: how long the new revision serves before the old one goes.
    pub bake_time_minutes: Option<i32>,
    /// Canary or linear: the share of traffic each step shifts (percent), and its bake.
    pub step_percent: Option<f64>,
    pub step_bake_minutes: Option<i32>,
    pub hooks: Vec<ServiceLifecycleHook>,
}

/// A lifecycle hook a service's deployments run (`deploymentConfiguration.lifecycleHooks`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceLifecycleHook {
    /// `LAMBDA`, `PAUSE` …
    pub target_type: Option<String>,
    pub target_arn: Option<String>,
    /// The lifecycle stages it runs at (`PRE_SCALE_UP`, `POST_TEST_TRAFFIC_SHIFT` …).
    pub stages: Vec<String>,
}

/// The deployment circuit breaker: stop a rollout whose tasks keep failing, and roll it
/// back when `rollback` is on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CircuitBreaker {
    pub enable: bool,
    pub rollback: bool,
}

/// Alarms watched during a deployment; in alarm, the deployment fails (and rolls back when
/// `rollback` is on).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeploymentAlarms {
    pub names: Vec<String>,
    pub enable: bool,
    pub rollback: bool,
}

impl Service {
    /// The PRIMARY deployment, if the service reports one.
    pub fn primary(&self) -> Option<&Deployment> {
        self.deployments
            .iter()
            .find(|d| d.status == DeploymentStatus::Primary)
    }
}

/// One of a service's deployments; its JSON (`services --json`, a wait's) leaves out the
/// failed-task count, the rollout state's reason and the times.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Deployment {
    pub id: String,
    pub status: DeploymentStatus,
    pub task_definition: String,
    pub desired_count: i32,
    pub running_count: i32,
    pub pending_count: i32,
    #[serde(skip)]
    pub failed_tasks: i32,
    pub rollout_state: Option<RolloutState>,
    #[serde(skip)]
    pub rollout_state_reason: Option<String>,
    #[serde(skip)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub updated_at: Option<DateTime<Utc>>,
}

/// A service event; its JSON (a wait's) is the time and the message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ServiceEvent {
    #[serde(skip)]
    pub id: String,
    #[serde(serialize_with = "super::json::time")]
    pub created_at: Option<DateTime<Utc>>,
    pub message: String,
}

/// A managed EBS volume configured on a service (`volumeConfigurations`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceVolumeConfig {
    pub name: String,
    pub snapshot_id: Option<String>,
    pub size_gib: Option<i32>,
    pub volume_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Task {
    pub arn: String,
    pub id: String,
    pub cluster: String,
    /// `service:NAME` for tasks started by a service.
    pub group: Option<String>,
    pub started_by: Option<String>,
    pub last_status: TaskStatus,
    pub desired_status: TaskStatus,
    pub health_status: Option<String>,
    pub task_definition: String,
    pub started_at: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub stopped_reason: Option<String>,
    /// `EssentialContainerExited`, `TaskFailedToStart`, `SpotInterruption`, `UserInitiated` …
    pub stop_code: Option<String>,
    pub containers: Vec<TaskContainer>,
    pub volumes: Vec<TaskVolume>,
    /// The task's ephemeral storage (Fargate), when ECS reports it.
    pub ephemeral_storage_gib: Option<i32>,
    /// What ECS Exec needs to know about the task.
    pub exec: TaskExec,
    /// The zone the task runs in (`availabilityZone`): where ECS creates and attaches its
    /// EBS volumes.
    pub availability_zone: Option<String>,
    /// The private IPv4 address of the task's ENI (awsvpc network mode): an `ip` target.
    pub private_ip: Option<String>,
    /// The container instance it runs on (EC2 launch type): its EC2 instance is an
    /// `instance` target.
    pub container_instance_arn: Option<String>,
}

/// The task's side of ECS Exec: whether it was started with it, and where it runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskExec {
    /// `enableExecuteCommand` of the task (set from the service or RunTask when it started).
    pub enabled: bool,
    /// `FARGATE`, `EC2`, `EXTERNAL`, when ECS says.
    pub launch_type: Option<String>,
    /// The Fargate platform version (`1.4.0`, `LATEST` …).
    pub platform_version: Option<String>,
}

impl Task {
    /// The service that started this task, from its `service:NAME` group.
    pub fn service_name(&self) -> Option<&str> {
        self.group.as_deref()?.strip_prefix("service:")
    }

    /// Running (or on its way to running) and not asked to stop.
    pub fn is_live(&self) -> bool {
        self.desired_status != TaskStatus::Stopped && self.last_status != TaskStatus::Stopped
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskContainer {
    pub name: String,
    pub image: Option<String>,
    pub image_digest: Option<String>,
    pub last_status: Option<String>,
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
    /// The container runtime's id (Docker id): part of an ECS Exec session's target.
    pub runtime_id: Option<String>,
    /// `lastStatus` of the `ExecuteCommandAgent` managed agent (`RUNNING` …), when present.
    pub exec_agent: Option<AgentStatus>,
    /// The container's (container port, host port) bindings (bridge and host modes).
    pub network_bindings: Vec<(i32, i32)>,
}

/// An EBS volume attached to a task (`AmazonElasticBlockStorage` attachment).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskVolume {
    pub volume_id: String,
    pub name: Option<String>,
    pub delete_on_termination: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskDefinition {
    pub arn: String,
    pub family: String,
    pub revision: i32,
    pub status: String,
    pub registered_at: Option<DateTime<Utc>>,
    pub containers: Vec<ContainerDef>,
    /// Volumes, mount points and ephemeral storage.
    pub storage: TaskStorage,
    /// Task-level CPU units and memory (MiB), as the API spells them (`"256"`, `"1 vCPU"`).
    pub cpu: Option<String>,
    pub memory: Option<String>,
    pub task_role_arn: Option<String>,
    pub execution_role_arn: Option<String>,
    pub volumes: Vec<TaskDefVolume>,
}

/// A volume a task definition declares, with where it comes from in one line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskDefVolume {
    pub name: String,
    /// `host /data`, `efs fs-1:/ (transit encryption)`, `docker local`, `configured at
    /// launch` (EBS), `bind mount` …
    pub source: String,
}

/// A container port mapping.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortMapping {
    pub container_port: Option<i32>,
    pub host_port: Option<i32>,
    pub protocol: Option<String>,
    pub name: Option<String>,
}

impl PortMapping {
    /// `8080/tcp`, `80->8080/tcp` when a different host port is mapped.
    pub fn label(&self) -> String {
        let port = self
            .container_port
            .map_or_else(|| "?".to_string(), |p| p.to_string());
        let proto = self.protocol.as_deref().unwrap_or("tcp");
        match self.host_port {
            Some(h) if Some(h) != self.container_port && h != 0 => format!("{h}->{port}/{proto}"),
            _ => format!("{port}/{proto}"),
        }
    }
}

/// A container's health check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HealthCheck {
    pub command: Vec<String>,
    pub interval: Option<i32>,
    pub timeout: Option<i32>,
    pub retries: Option<i32>,
    pub start_period: Option<i32>,
}

impl HealthCheck {
    /// `CMD-SHELL curl -f localhost/health · every 30s, timeout 5s, 3 retries, start 0s`.
    pub fn label(&self) -> String {
        let n = |v: Option<i32>| v.map_or_else(|| "-".to_string(), |v| v.to_string());
        format!(
            "{} · every {}s, timeout {}s, {} retries, start {}s",
            self.command.join(" "),
            n(self.interval),
            n(self.timeout),
            n(self.retries),
            n(self.start_period)
        )
    }
}

/// Where a volume is mounted in a container.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MountPoint {
    pub source_volume: String,
    pub container_path: String,
    pub read_only: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContainerDef {
    pub name: String,
    pub image: String,
    pub environment: Vec<(String, String)>,
    /// An essential container stopping stops the task (ECS's default: true).
    pub essential: bool,
    /// Where the container's logs go (`logConfiguration`), when set.
    pub log_configuration: Option<super::logs::LogConfiguration>,
    pub command: Vec<String>,
    pub entry_point: Vec<String>,
    /// Secrets references: (name, `valueFrom` ARN) — the values never reach ecsnap.
    pub secrets: Vec<(String, String)>,
    /// Container-level CPU units (0: none reserved) and memory limits (MiB).
    pub cpu: i32,
    pub memory: Option<i32>,
    pub memory_reservation: Option<i32>,
    pub port_mappings: Vec<PortMapping>,
    pub health_check: Option<HealthCheck>,
    pub mount_points: Vec<MountPoint>,
}

// ---- Task storage: every kind of task-definition volume and where containers mount it.

/// A volume a task definition declares (`volumes`), by name, and what backs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageVolume {
    pub name: String,
    pub source: VolumeSource,
}

/// What backs a task-definition volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolumeSource {
    /// `configuredAtLaunch`: an EBS volume the service (or RunTask) configures; the task's
    /// `AmazonElasticBlockStorage` attachment names it.
    Ebs,
    Efs {
        file_system_id: String,
        access_point_id: Option<String>,
        root_directory: Option<String>,
        /// `ENABLED` or `DISABLED`.
        transit_encryption: Option<String>,
        /// IAM authorization: `ENABLED` or `DISABLED`.
        iam: Option<String>,
    },
    FsxWindows {
        file_system_id: String,
        root_directory: String,
        domain: Option<String>,
    },
    /// A bind mount: a host path, or (none) a path Docker picks that lives as long as the task.
    Bind { host_path: Option<String> },
    Docker {
        driver: Option<String>,
        /// `task` or `shared`.
        scope: Option<String>,
        autoprovision: Option<bool>,
    },
    /// An Amazon S3 Files file system (`s3filesVolumeConfiguration`).
    S3Files {
        file_system_arn: String,
        access_point_arn: Option<String>,
        root_directory: Option<String>,
        /// The port the S3 Files mount helper sends encrypted data on, when set.
        transit_encryption_port: Option<i32>,
    },
    /// A kind this ecsnap does not know yet.
    Other(String),
}

impl VolumeSource {
    /// `ebs`, `efs`, `fsx_windows`, `bind`, `docker`, `s3files` (JSON, tables), else the
    /// other kind.
    pub fn kind(&self) -> &str {
        match self {
            VolumeSource::Ebs => "ebs",
            VolumeSource::Efs { .. } => "efs",
            VolumeSource::FsxWindows { .. } => "fsx_windows",
            VolumeSource::Bind { .. } => "bind",
            VolumeSource::Docker { .. } => "docker",
            VolumeSource::S3Files { .. } => "s3files",
            VolumeSource::Other(kind) => kind,
        }
    }
}

/// Where a container mounts a task-definition volume (`mountPoints`); its JSON (a task's
/// volume's `mount_points`) leaves out the volume, named by the object it is in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VolumeMount {
    pub container: String,
    #[serde(skip)]
    pub source_volume: String,
    pub container_path: String,
    pub read_only: bool,
}

/// A task definition's storage: its volumes, the containers' mount points, and the
/// ephemeral storage it asks for (Fargate; `None`: the default 20 GiB).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskStorage {
    pub volumes: Vec<StorageVolume>,
    pub mount_points: Vec<VolumeMount>,
    pub ephemeral_storage_gib: Option<i32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_service_name_comes_from_group() {
        let mut t = Task {
            group: Some("service:api".into()),
            ..Task::default()
        };
        assert_eq!(t.service_name(), Some("api"));
        t.group = Some("family:api".into());
        assert_eq!(t.service_name(), None);
        t.group = None;
        assert_eq!(t.service_name(), None);
    }

    #[test]
    fn primary_deployment_is_found_by_status() {
        let s = Service {
            deployments: vec![
                Deployment {
                    id: "a".into(),
                    status: "ACTIVE".into(),
                    ..Deployment::default()
                },
                Deployment {
                    id: "b".into(),
                    status: "PRIMARY".into(),
                    ..Deployment::default()
                },
            ],
            ..Service::default()
        };
        assert_eq!(s.primary().map(|d| d.id.as_str()), Some("b"));
    }
}
