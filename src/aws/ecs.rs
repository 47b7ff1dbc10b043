//! ECS adapter: clusters, services (DescribeServices by 10), tasks (DescribeTasks by 100,
//! running and recently stopped), task definitions and the revisions of a family.

use async_trait::async_trait;
use aws_sdk_ecs::Client;
use aws_sdk_ecs::types::{DesiredStatus, SortOrder, TaskDefinitionStatus};

use super::api::{
    DESCRIBE_SERVICE_DEPLOYMENTS_MAX, DESCRIBE_SERVICE_REVISIONS_MAX, EcsApi, TaskStatusFilter,
    by_token, in_batches,
};
use super::classify::CallContext;
use super::convert::{owned, text, time};
use crate::error::{Error, Result};
use crate::model::{
    CircuitBreaker, ContainerDef, Deployment, DeploymentAlarms, DeploymentStatus, HealthCheck,
    MountPoint, PortMapping, Service, ServiceEvent, ServiceVolumeConfig, StorageVolume, Task,
    TaskContainer, TaskDefVolume, TaskDefinition, TaskExec, TaskStorage, TaskVolume, VolumeMount,
    VolumeSource, arn_name,
};
use crate::model::{ContainerInstance, LogConfiguration, ServiceDeployment, ServiceRevision};

/// DescribeServices takes at most 10 services per call.
pub const DESCRIBE_SERVICES_MAX: usize = 10;
/// DescribeTasks takes at most 100 tasks per call.
pub const DESCRIBE_TASKS_MAX: usize = 100;
/// DescribeContainerInstances takes at most 100 instances per call.
const DESCRIBE_CONTAINER_INSTANCES_MAX: usize = 100;

pub struct EcsAdapter {
    client: Client,
    ctx: CallContext,
    /// Whether this place answers DescribeServiceRevisions, learnt once for the run.
    revisions: super::revisions_gate::RevisionsGate,
}

impl EcsAdapter {
    pub fn new(client: Client, ctx: CallContext) -> Self {
        Self {
            client,
            ctx,
            revisions: super::revisions_gate::RevisionsGate::default(),
        }
    }

    /// One DescribeServiceRevisions call (at most 20 ARNs).
    async fn describe_revisions_once(&self, chunk: Vec<String>) -> Result<Vec<ServiceRevision>> {
        let out = self
            .client
            .describe_service_revisions()
            .set_service_revision_arns(Some(chunk))
            .send()
            .await
            .map_err(self.ctx.err_newer("ecs:DescribeServiceRevisions"))?;
        Ok(out
            .service_revisions()
            .iter()
            .map(super::convert_deploy::service_revision)
            .collect())
    }
}

#[async_trait]
impl EcsApi for EcsAdapter {
    async fn list_revisions(&self, family: &str) -> Result<Vec<String>> {
        let arns: Vec<String> = self
            .client
            .list_task_definitions()
            .family_prefix(family)
            .status(TaskDefinitionStatus::Active)
            .sort(SortOrder::Desc)
            .max_results(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(self.ctx.err("ecs:ListTaskDefinitions"))?;
        // The prefix filter is a prefix: keep this family only, newest first.
        let mut arns: Vec<String> = arns
            .into_iter()
            .filter(|a| family_of(a) == family)
            .collect();
        arns.sort_by_key(|a| std::cmp::Reverse(revision_of(a).unwrap_or_default()));
        Ok(arns)
    }

    async fn list_clusters(&self) -> Result<Vec<String>> {
        Ok(self
            .client
            .list_clusters()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(self.ctx.err("ecs:ListClusters"))?)
    }

    async fn list_services(&self, cluster: &str) -> Result<Vec<String>> {
        Ok(self
            .client
            .list_services()
            .cluster(cluster)
            .max_results(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(self.ctx.err("ecs:ListServices"))?)
    }

    async fn describe_services(&self, cluster: &str, services: &[String]) -> Result<Vec<Service>> {
        in_batches(services, DESCRIBE_SERVICES_MAX, |chunk| async move {
            let out = self
                .client
                .describe_services()
                .cluster(cluster)
                .set_services(Some(chunk))
                .send()
                .await
                .map_err(self.ctx.err("ecs:DescribeServices"))?;
            Ok(out.services().iter().map(service).collect())
        })
        .await
    }

    async fn list_tasks(
        &self,
        cluster: &str,
        service: Option<&str>,
        status: TaskStatusFilter,
    ) -> Result<Vec<String>> {
        let desired = match status {
            TaskStatusFilter::Running => DesiredStatus::Running,
            TaskStatusFilter::Stopped => DesiredStatus::Stopped,
        };
        Ok(self
            .client
            .list_tasks()
            .cluster(cluster)
            .set_service_name(service.map(str::to_string))
            .desired_status(desired)
            .max_results(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(self.ctx.err("ecs:ListTasks"))?)
    }

    async fn list_service_deployments(
        &self,
        cluster: &str,
        service: &str,
        since: Option<chrono::DateTime<chrono::Utc>>,
        only: &[crate::model::ServiceDeploymentStatus],
    ) -> Result<Vec<String>> {
        let statuses: Option<Vec<aws_sdk_ecs::types::ServiceDeploymentStatus>> =
            (!only.is_empty()).then(|| only.iter().map(|s| s.as_str().into()).collect());
        let created = since.map(|t| {
            aws_sdk_ecs::types::CreatedAt::builder()
                .after(aws_sdk_ecs::primitives::DateTime::from_secs(t.timestamp()))
                .build()
        });
        by_token(|token| {
            let (created, statuses) = (created.clone(), statuses.clone());
            async move {
                let out = self
                    .client
                    .list_service_deployments()
                    .cluster(cluster)
                    .service(service)
                    .set_created_at(created)
                    .set_status(statuses)
                    .max_results(100)
                    .set_next_token(token)
                    .send()
                    .await
                    .map_err(self.ctx.err_newer("ecs:ListServiceDeployments"))?;
                let arns = out
                    .service_deployments()
                    .iter()
                    .filter_map(|d| d.service_deployment_arn().map(str::to_string))
                    .collect();
                Ok((arns, out.next_token().map(str::to_string)))
            }
        })
        .await
    }

    async fn describe_service_deployments(
        &self,
        arns: &[String],
    ) -> Result<Vec<ServiceDeployment>> {
        in_batches(arns, DESCRIBE_SERVICE_DEPLOYMENTS_MAX, |chunk| async move {
            let out = self
                .client
                .describe_service_deployments()
                .set_service_deployment_arns(Some(chunk))
                .send()
                .await
                .map_err(self.ctx.err_newer("ecs:DescribeServiceDeployments"))?;
            Ok(out
                .service_deployments()
                .iter()
                .map(super::convert_deploy::service_deployment)
                .collect())
        })
        .await
    }

    async fn describe_service_revisions(&self, arns: &[String]) -> Result<Vec<ServiceRevision>> {
        if arns.is_empty() {
            return Ok(Vec::new());
        }
        self.revisions.refusal()?;
        let each = |chunk| self.describe_revisions_once(chunk);
        if self.revisions.answered() {
            return in_batches(arns, DESCRIBE_SERVICE_REVISIONS_MAX, each).await;
        }
        // The first call of the run is sent alone: an endpoint that does not know the
        // operation, or a role denied it, costs this place one failed call.
        let (first, rest) = arns.split_at(arns.len().min(DESCRIBE_SERVICE_REVISIONS_MAX));
        let mut found = self.revisions.probe(each(first.to_vec())).await?;
        found.extend(in_batches(rest, DESCRIBE_SERVICE_REVISIONS_MAX, each).await?);
        Ok(found)
    }

    async fn describe_tasks(&self, cluster: &str, tasks: &[String]) -> Result<Vec<Task>> {
        in_batches(tasks, DESCRIBE_TASKS_MAX, |chunk| async move {
            let out = self
                .client
                .describe_tasks()
                .cluster(cluster)
                .set_tasks(Some(chunk))
                .send()
                .await
                .map_err(self.ctx.err("ecs:DescribeTasks"))?;
            Ok(out.tasks().iter().map(task).collect())
        })
        .await
    }

    async fn describe_container_instances(&self, cluster: &str) -> Result<Vec<ContainerInstance>> {
        let arns: Vec<String> = self
            .client
            .list_container_instances()
            .cluster(cluster)
            .max_results(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(self.ctx.err("ecs:ListContainerInstances"))?;
        in_batches(
            &arns,
            DESCRIBE_CONTAINER_INSTANCES_MAX,
            |chunk| async move {
                let out = self
                    .client
                    .describe_container_instances()
                    .cluster(cluster)
                    .set_container_instances(Some(chunk))
                    .send()
                    .await
                    .map_err(self.ctx.err("ecs:DescribeContainerInstances"))?;
                Ok(out
                    .container_instances()
                    .iter()
                    .map(container_instance)
                    .collect())
            },
        )
        .await
    }

    async fn describe_task_definition(&self, task_definition: &str) -> Result<TaskDefinition> {
        let out = self
            .client
            .describe_task_definition()
            .task_definition(task_definition)
            .send()
            .await
            .map_err(|e| {
                let err = self.ctx.err("ecs:DescribeTaskDefinition")(e);
                // ECS's answer for a family or revision that does not exist.
                if err.code.as_deref() == Some("ClientException")
                    && err.message.contains("Unable to describe task definition")
                {
                    Error::NotFound {
                        kind: "task definition",
                        name: task_definition.to_string(),
                        scope: Some(self.ctx.region.clone()),
                        close: Vec::new(),
                    }
                } else {
                    err.into()
                }
            })?;
        let td = self.ctx.present(
            "ecs:DescribeTaskDefinition",
            out.task_definition(),
            format!("no task definition returned for {task_definition}"),
        )?;
        Ok(task_definition_of(td))
    }
}

/// Whether an SDK deployment is the service's PRIMARY one.
pub(super) fn is_primary(d: &aws_sdk_ecs::types::Deployment) -> bool {
    d.status().map(DeploymentStatus::from) == Some(DeploymentStatus::Primary)
}

pub(super) fn service(s: &aws_sdk_ecs::types::Service) -> Service {
    let deployments: Vec<Deployment> = s.deployments().iter().map(deployment).collect();
    let volume_configurations = s
        .deployments()
        .iter()
        .find(|d| is_primary(d))
        .map(|d| {
            d.volume_configurations()
                .iter()
                .map(volume_config)
                .collect()
        })
        .unwrap_or_default();
    Service {
        cluster: arn_name(s.cluster_arn().unwrap_or_default()).to_string(),
        arn: text(s.service_arn()),
        name: text(s.service_name()),
        status: text(s.status()).into(),
        desired_count: s.desired_count(),
        running_count: s.running_count(),
        pending_count: s.pending_count(),
        task_definition: text(s.task_definition()),
        deployments,
        events: s
            .events()
            .iter()
            .map(|e| ServiceEvent {
                id: text(e.id()),
                created_at: time(e.created_at()),
                message: text(e.message()),
            })
            .collect(),
        created_at: time(s.created_at()),
        volume_configurations,
        deployment_controller: s
            .deployment_controller()
            .map(|c| c.r#type().as_str().to_string()),
        circuit_breaker: s
            .deployment_configuration()
            .and_then(|d| d.deployment_circuit_breaker())
            .map(|c| CircuitBreaker {
                enable: c.enable(),
                rollback: c.rollback(),
            }),
        deployment_alarms: s
            .deployment_configuration()
            .and_then(|d| d.alarms())
            .map(|a| DeploymentAlarms {
                names: a.alarm_names().to_vec(),
                enable: a.enable(),
                rollback: a.rollback(),
            }),
        enable_execute_command: s.enable_execute_command(),
        deploy_settings: s.deployment_configuration().and_then(deploy_settings),
        load_balancers: s
            .load_balancers()
            .iter()
            .map(|lb| crate::model::ServiceLoadBalancer {
                target_group_arn: owned(lb.target_group_arn()),
                load_balancer_name: owned(lb.load_balancer_name()),
                container_name: owned(lb.container_name()),
                container_port: lb.container_port(),
            })
            .collect(),
        current_revisions: s
            .current_service_revisions()
            .iter()
            .filter_map(|r| r.arn())
            .filter(|arn| !arn.is_empty())
            .map(str::to_string)
            .collect(),
        subnets: s
            .network_configuration()
            .and_then(aws_sdk_ecs::types::NetworkConfiguration::awsvpc_configuration)
            .map(|a| a.subnets().to_vec())
            .unwrap_or_default(),
    }
}

/// The strategy part of a service's `deploymentConfiguration`; `None` when it has none of
/// it (a rolling service described by an older endpoint).
fn deploy_settings(
    c: &aws_sdk_ecs::types::DeploymentConfiguration,
) -> Option<crate::model::DeploySettings> {
    let (step_percent, step_bake_minutes) =
        match (c.canary_configuration(), c.linear_configuration()) {
            (Some(k), _) => (k.canary_percent(), k.canary_bake_time_in_minutes()),
            (None, Some(l)) => (l.step_percent(), l.step_bake_time_in_minutes()),
            (None, None) => (None, None),
        };
    let settings = crate::model::DeploySettings {
        strategy: c.strategy().map(|s| s.as_str().into()),
        bake_time_minutes: c.bake_time_in_minutes(),
        step_percent,
        step_bake_minutes,
        hooks: c
            .lifecycle_hooks()
            .iter()
            .map(|h| crate::model::ServiceLifecycleHook {
                target_type: h.target_type().map(|t| t.as_str().to_string()),
                target_arn: h.hook_target_arn().map(str::to_string),
                stages: h
                    .lifecycle_stages()
                    .iter()
                    .map(|s| s.as_str().to_string())
                    .collect(),
            })
            .collect(),
    };
    (settings != crate::model::DeploySettings::default()).then_some(settings)
}

fn container_instance(c: &aws_sdk_ecs::types::ContainerInstance) -> ContainerInstance {
    ContainerInstance {
        arn: text(c.container_instance_arn()),
        ec2_instance_id: owned(c.ec2_instance_id()),
    }
}

fn deployment(d: &aws_sdk_ecs::types::Deployment) -> Deployment {
    Deployment {
        id: text(d.id()),
        status: text(d.status()).into(),
        task_definition: text(d.task_definition()),
        desired_count: d.desired_count(),
        running_count: d.running_count(),
        pending_count: d.pending_count(),
        failed_tasks: d.failed_tasks(),
        rollout_state: d.rollout_state().map(|r| r.as_str().into()),
        rollout_state_reason: owned(d.rollout_state_reason()),
        created_at: time(d.created_at()),
        updated_at: time(d.updated_at()),
    }
}

fn volume_config(v: &aws_sdk_ecs::types::ServiceVolumeConfiguration) -> ServiceVolumeConfig {
    let ebs = v.managed_ebs_volume();
    ServiceVolumeConfig {
        name: v.name().to_string(),
        snapshot_id: ebs.and_then(|e| owned(e.snapshot_id())),
        size_gib: ebs
            .and_then(aws_sdk_ecs::types::ServiceManagedEbsVolumeConfiguration::size_in_gib),
        volume_type: ebs.and_then(|e| owned(e.volume_type())),
    }
}

pub(super) fn task(t: &aws_sdk_ecs::types::Task) -> Task {
    let arn = text(t.task_arn());
    Task {
        id: arn_name(&arn).to_string(),
        cluster: arn_name(t.cluster_arn().unwrap_or_default()).to_string(),
        group: owned(t.group()),
        started_by: owned(t.started_by()),
        last_status: text(t.last_status()).into(),
        desired_status: text(t.desired_status()).into(),
        health_status: t.health_status().map(|h| h.as_str().to_string()),
        task_definition: text(t.task_definition_arn()),
        started_at: time(t.started_at()),
        stopped_at: time(t.stopped_at()),
        stopped_reason: owned(t.stopped_reason()),
        stop_code: t.stop_code().map(|c| c.as_str().to_string()),
        containers: t
            .containers()
            .iter()
            .map(|c| TaskContainer {
                name: text(c.name()),
                image: owned(c.image()),
                image_digest: owned(c.image_digest()),
                last_status: owned(c.last_status()),
                exit_code: c.exit_code(),
                reason: owned(c.reason()),
                runtime_id: owned(c.runtime_id()),
                exec_agent: c
                    .managed_agents()
                    .iter()
                    .find(|a| {
                        a.name().map(aws_sdk_ecs::types::ManagedAgentName::as_str)
                            == Some("ExecuteCommandAgent")
                    })
                    .and_then(|a| owned(a.last_status()))
                    .map(Into::into),
                network_bindings: c
                    .network_bindings()
                    .iter()
                    .filter_map(|b| Some((b.container_port()?, b.host_port()?)))
                    .collect(),
            })
            .collect(),
        volumes: t.attachments().iter().filter_map(ebs_attachment).collect(),
        exec: TaskExec {
            enabled: t.enable_execute_command(),
            launch_type: t.launch_type().map(|l| l.as_str().to_string()),
            platform_version: owned(t.platform_version()),
        },
        ephemeral_storage_gib: t
            .ephemeral_storage()
            .map(aws_sdk_ecs::types::EphemeralStorage::size_in_gib),
        availability_zone: owned(t.availability_zone()),
        private_ip: eni_private_ip(t),
        container_instance_arn: owned(t.container_instance_arn()),
        arn,
    }
}

/// The `privateIPv4Address` of the task's `ElasticNetworkInterface` attachment.
fn eni_private_ip(t: &aws_sdk_ecs::types::Task) -> Option<String> {
    t.attachments()
        .iter()
        .filter(|a| a.r#type() == Some("ElasticNetworkInterface"))
        .flat_map(aws_sdk_ecs::types::Attachment::details)
        .find(|kv| kv.name() == Some("privateIPv4Address"))
        .and_then(|kv| owned(kv.value()))
}

/// An `AmazonElasticBlockStorage` attachment's details → the volume it names.
fn ebs_attachment(a: &aws_sdk_ecs::types::Attachment) -> Option<TaskVolume> {
    if a.r#type() != Some("AmazonElasticBlockStorage") {
        return None;
    }
    let detail = |names: &[&str]| {
        a.details()
            .iter()
            .find(|kv| {
                kv.name()
                    .is_some_and(|n| names.iter().any(|m| n.eq_ignore_ascii_case(m)))
            })
            .and_then(|kv| owned(kv.value()))
    };
    Some(TaskVolume {
        volume_id: detail(&["volumeId", "volume-id"])?,
        name: detail(&["volumeName", "name"]),
        delete_on_termination: detail(&["deleteOnTermination"])
            .map(|v| v.eq_ignore_ascii_case("true")),
    })
}

pub(super) fn task_definition_of(td: &aws_sdk_ecs::types::TaskDefinition) -> TaskDefinition {
    TaskDefinition {
        arn: text(td.task_definition_arn()),
        family: text(td.family()),
        revision: td.revision(),
        status: td
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        registered_at: time(td.registered_at()),
        containers: td
            .container_definitions()
            .iter()
            .map(container_def)
            .collect(),
        cpu: owned(td.cpu()),
        memory: owned(td.memory()),
        task_role_arn: owned(td.task_role_arn()),
        execution_role_arn: owned(td.execution_role_arn()),
        volumes: td.volumes().iter().map(task_def_volume).collect(),
        storage: storage_of(td),
    }
}

fn container_def(c: &aws_sdk_ecs::types::ContainerDefinition) -> ContainerDef {
    ContainerDef {
        name: text(c.name()),
        image: text(c.image()),
        environment: c
            .environment()
            .iter()
            .map(|kv| (text(kv.name()), text(kv.value())))
            .collect(),
        essential: c.essential().unwrap_or(true),
        log_configuration: c.log_configuration().map(log_configuration_of),
        command: c.command().to_vec(),
        entry_point: c.entry_point().to_vec(),
        secrets: c
            .secrets()
            .iter()
            .map(|s| (s.name().to_string(), s.value_from().to_string()))
            .collect(),
        cpu: c.cpu(),
        memory: c.memory(),
        memory_reservation: c.memory_reservation(),
        port_mappings: c
            .port_mappings()
            .iter()
            .map(|p| PortMapping {
                container_port: p.container_port(),
                host_port: p.host_port(),
                protocol: p.protocol().map(|x| x.as_str().to_string()),
                name: owned(p.name()),
            })
            .collect(),
        health_check: c.health_check().map(|h| HealthCheck {
            command: h.command().to_vec(),
            interval: h.interval(),
            timeout: h.timeout(),
            retries: h.retries(),
            start_period: h.start_period(),
        }),
        mount_points: c
            .mount_points()
            .iter()
            .map(|m| MountPoint {
                source_volume: text(m.source_volume()),
                container_path: text(m.container_path()),
                read_only: m.read_only().unwrap_or(false),
            })
            .collect(),
    }
}

/// A task definition's volume, its source in one line.
fn task_def_volume(v: &aws_sdk_ecs::types::Volume) -> TaskDefVolume {
    let source = if v.configured_at_launch() == Some(true) {
        "configured at launch (EBS)".to_string()
    } else if let Some(efs) = v.efs_volume_configuration() {
        format!(
            "efs {}:{}{}",
            efs.file_system_id(),
            efs.root_directory().unwrap_or("/"),
            if efs
                .transit_encryption()
                .map(aws_sdk_ecs::types::EfsTransitEncryption::as_str)
                == Some("ENABLED")
            {
                " (transit encryption)"
            } else {
                ""
            }
        )
    } else if let Some(d) = v.docker_volume_configuration() {
        format!(
            "docker {}{}",
            d.driver().unwrap_or("local"),
            d.scope()
                .map(|s| format!(" ({})", s.as_str()))
                .unwrap_or_default()
        )
    } else if let Some(fsx) = v.fsx_windows_file_server_volume_configuration() {
        format!("fsx {}", fsx.file_system_id())
    } else if let Some(s3) = v.s3files_volume_configuration() {
        format!(
            "s3files {}:{}",
            s3.file_system_arn(),
            s3.root_directory().unwrap_or("/")
        )
    } else if let Some(path) = v.host().and_then(|h| h.source_path()) {
        format!("host {path}")
    } else {
        "bind mount (task storage)".to_string()
    };
    TaskDefVolume {
        name: text(v.name()),
        source,
    }
}

/// The task definition's volumes (every kind), its containers' mount points and its
/// ephemeral storage.
fn storage_of(td: &aws_sdk_ecs::types::TaskDefinition) -> TaskStorage {
    let mount_points = td
        .container_definitions()
        .iter()
        .flat_map(|c| {
            c.mount_points().iter().map(|m| VolumeMount {
                container: text(c.name()),
                source_volume: text(m.source_volume()),
                container_path: text(m.container_path()),
                read_only: m.read_only().unwrap_or(false),
            })
        })
        .collect();
    TaskStorage {
        volumes: td
            .volumes()
            .iter()
            .map(|v| StorageVolume {
                name: text(v.name()),
                source: volume_source(v),
            })
            .collect(),
        mount_points,
        ephemeral_storage_gib: td
            .ephemeral_storage()
            .map(aws_sdk_ecs::types::EphemeralStorage::size_in_gib),
    }
}

/// What backs a task-definition volume: the configuration it carries decides.
fn volume_source(v: &aws_sdk_ecs::types::Volume) -> VolumeSource {
    if v.configured_at_launch() == Some(true) {
        return VolumeSource::Ebs;
    }
    if let Some(efs) = v.efs_volume_configuration() {
        let auth = efs.authorization_config();
        return VolumeSource::Efs {
            file_system_id: efs.file_system_id().to_string(),
            access_point_id: auth.and_then(|a| owned(a.access_point_id())),
            root_directory: owned(efs.root_directory()),
            transit_encryption: efs.transit_encryption().map(|t| t.as_str().to_string()),
            iam: auth.and_then(|a| a.iam()).map(|i| i.as_str().to_string()),
        };
    }
    if let Some(fsx) = v.fsx_windows_file_server_volume_configuration() {
        return VolumeSource::FsxWindows {
            file_system_id: fsx.file_system_id().to_string(),
            root_directory: fsx.root_directory().to_string(),
            domain: fsx
                .authorization_config()
                .map(|a| a.domain().to_string())
                .filter(|d| !d.is_empty()),
        };
    }
    if let Some(docker) = v.docker_volume_configuration() {
        return VolumeSource::Docker {
            driver: owned(docker.driver()),
            scope: docker.scope().map(|s| s.as_str().to_string()),
            autoprovision: docker.autoprovision(),
        };
    }
    if let Some(s3) = v.s3files_volume_configuration() {
        return VolumeSource::S3Files {
            file_system_arn: s3.file_system_arn().to_string(),
            access_point_arn: owned(s3.access_point_arn()),
            root_directory: owned(s3.root_directory()),
            transit_encryption_port: s3.transit_encryption_port(),
        };
    }
    VolumeSource::Bind {
        host_path: v.host().and_then(|h| owned(h.source_path())),
    }
}

fn log_configuration_of(lc: &aws_sdk_ecs::types::LogConfiguration) -> LogConfiguration {
    let mut options: Vec<(String, String)> = lc
        .options()
        .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    options.sort();
    LogConfiguration {
        driver: lc.log_driver().as_str().to_string(),
        options,
    }
}

/// The family of a task-definition ARN or `family:revision` (`.../web:12` → `web`).
pub fn family_of(task_definition: &str) -> &str {
    let last = crate::model::arn_name(task_definition);
    last.split_once(':').map_or(last, |(f, _)| f)
}

/// The revision of a task-definition ARN or `family:revision`, if it has one.
pub fn revision_of(task_definition: &str) -> Option<i32> {
    crate::model::arn_name(task_definition)
        .rsplit_once(':')
        .and_then(|(_, r)| r.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ecs::types::{Attachment, KeyValuePair};

    fn kv(name: &str, value: &str) -> KeyValuePair {
        KeyValuePair::builder().name(name).value(value).build()
    }

    #[test]
    fn ebs_attachment_is_parsed_from_details() {
        let a = Attachment::builder()
            .r#type("AmazonElasticBlockStorage")
            .details(kv("volumeId", "vol-0abc"))
            .details(kv("volumeName", "data"))
            .details(kv("deleteOnTermination", "false"))
            .build();
        assert_eq!(
            ebs_attachment(&a),
            Some(TaskVolume {
                volume_id: "vol-0abc".into(),
                name: Some("data".into()),
                delete_on_termination: Some(false),
            })
        );
    }

    #[test]
    fn deployment_configuration_gives_the_circuit_breaker_and_alarms() {
        use aws_sdk_ecs::types::{
            DeploymentAlarms as SdkAlarms, DeploymentCircuitBreaker, DeploymentConfiguration,
        };
        let s = aws_sdk_ecs::types::Service::builder()
            .service_name("api")
            .deployment_configuration(
                DeploymentConfiguration::builder()
                    .deployment_circuit_breaker(
                        DeploymentCircuitBreaker::builder()
                            .enable(true)
                            .rollback(false)
                            .build(),
                    )
                    .alarms(
                        SdkAlarms::builder()
                            .alarm_names("api-5xx")
                            .enable(true)
                            .rollback(true)
                            .build()
                            .expect("alarms"),
                    )
                    .build(),
            )
            .build();
        let got = service(&s);
        assert_eq!(
            got.circuit_breaker,
            Some(CircuitBreaker {
                enable: true,
                rollback: false
            })
        );
        assert_eq!(
            got.deployment_alarms,
            Some(DeploymentAlarms {
                names: vec!["api-5xx".into()],
                enable: true,
                rollback: true,
            })
        );
        let bare = service(&aws_sdk_ecs::types::Service::builder().build());
        assert_eq!((bare.circuit_breaker, bare.deployment_alarms), (None, None));
    }

    #[test]
    fn task_definitions_keep_what_the_diff_compares() {
        use aws_sdk_ecs::types::{
            ContainerDefinition, HealthCheck as SdkHealth, HostVolumeProperties,
            MountPoint as SdkMount, PortMapping as SdkPort, Secret, TransportProtocol, Volume,
        };
        let c = ContainerDefinition::builder()
            .name("app")
            .image("r/app:v1")
            .command("serve")
            .entry_point("/init")
            .cpu(256)
            .memory(512)
            .secrets(
                Secret::builder()
                    .name("DB")
                    .value_from("arn:ssm:db")
                    .build()
                    .expect("secret"),
            )
            .port_mappings(
                SdkPort::builder()
                    .container_port(8080)
                    .host_port(80)
                    .protocol(TransportProtocol::Tcp)
                    .build(),
            )
            .health_check(
                SdkHealth::builder()
                    .command("CMD")
                    .interval(30)
                    .build()
                    .expect("health check"),
            )
            .mount_points(
                SdkMount::builder()
                    .source_volume("data")
                    .container_path("/data")
                    .read_only(true)
                    .build(),
            )
            .build();
        let td = aws_sdk_ecs::types::TaskDefinition::builder()
            .task_definition_arn("arn:aws:ecs:eu-west-1:1:task-definition/app:1")
            .cpu("256")
            .memory("512")
            .task_role_arn("arn:aws:iam::1:role/task")
            .execution_role_arn("arn:aws:iam::1:role/exec")
            .volumes(
                Volume::builder()
                    .name("data")
                    .host(HostVolumeProperties::builder().source_path("/srv").build())
                    .build(),
            )
            .volumes(
                Volume::builder()
                    .name("ebs")
                    .configured_at_launch(true)
                    .build(),
            )
            .container_definitions(c)
            .build();
        let got = task_definition_of(&td);
        assert_eq!(got.cpu.as_deref(), Some("256"));
        assert_eq!(
            got.task_role_arn.as_deref(),
            Some("arn:aws:iam::1:role/task")
        );
        assert_eq!(
            got.execution_role_arn.as_deref(),
            Some("arn:aws:iam::1:role/exec")
        );
        let sources: Vec<(&str, &str)> = got
            .volumes
            .iter()
            .map(|v| (v.name.as_str(), v.source.as_str()))
            .collect();
        assert_eq!(
            sources,
            [("data", "host /srv"), ("ebs", "configured at launch (EBS)")]
        );
        let app = &got.containers[0];
        assert_eq!(app.command, ["serve"]);
        assert_eq!(app.entry_point, ["/init"]);
        assert_eq!((app.cpu, app.memory), (256, Some(512)));
        assert_eq!(app.secrets, [("DB".to_string(), "arn:ssm:db".to_string())]);
        assert_eq!(app.port_mappings[0].label(), "80->8080/tcp");
        assert_eq!(
            app.health_check
                .as_ref()
                .map(|h| (h.command.clone(), h.interval)),
            Some((vec!["CMD".to_string()], Some(30)))
        );
        assert_eq!(
            app.mount_points,
            [MountPoint {
                source_volume: "data".into(),
                container_path: "/data".into(),
                read_only: true,
            }]
        );
    }

    #[test]
    fn other_attachments_and_missing_ids_are_ignored() {
        let eni = Attachment::builder()
            .r#type("ElasticNetworkInterface")
            .details(kv("volumeId", "vol-0abc"))
            .build();
        assert_eq!(ebs_attachment(&eni), None);
        let no_id = Attachment::builder()
            .r#type("AmazonElasticBlockStorage")
            .details(kv("volumeName", "data"))
            .build();
        assert_eq!(ebs_attachment(&no_id), None);
    }
    /// A task definition with a volume of every kind, ephemeral storage and a mount.
    fn every_volume_kind() -> aws_sdk_ecs::types::TaskDefinition {
        use aws_sdk_ecs::types::{
            ContainerDefinition, DockerVolumeConfiguration, EphemeralStorage,
            FSxWindowsFileServerAuthorizationConfig, FSxWindowsFileServerVolumeConfiguration,
            HostVolumeProperties, MountPoint as SdkMount, Scope, TaskDefinition as SdkTd, Volume,
        };
        let fsx = FSxWindowsFileServerVolumeConfiguration::builder()
            .file_system_id("fs-0win")
            .root_directory("\\share")
            .authorization_config(
                FSxWindowsFileServerAuthorizationConfig::builder()
                    .credentials_parameter("arn:aws:secretsmanager:us-east-1:1:secret:x")
                    .domain("corp.example.com")
                    .build()
                    .expect("fsx auth"),
            )
            .build()
            .expect("fsx");
        SdkTd::builder()
            .volumes(
                Volume::builder()
                    .name("data")
                    .configured_at_launch(true)
                    .build(),
            )
            .volumes(
                Volume::builder()
                    .name("win")
                    .fsx_windows_file_server_volume_configuration(fsx)
                    .build(),
            )
            .volumes(
                Volume::builder()
                    .name("logs")
                    .host(
                        HostVolumeProperties::builder()
                            .source_path("/var/log")
                            .build(),
                    )
                    .build(),
            )
            .volumes(Volume::builder().name("tmp").build())
            .volumes(
                Volume::builder()
                    .name("cache")
                    .docker_volume_configuration(
                        DockerVolumeConfiguration::builder()
                            .scope(Scope::Task)
                            .build(),
                    )
                    .build(),
            )
            .volumes(
                Volume::builder()
                    .name("lake")
                    .s3files_volume_configuration(
                        aws_sdk_ecs::types::S3FilesVolumeConfiguration::builder()
                            .file_system_arn(S3FILES_FS)
                            .access_point_arn(S3FILES_AP)
                            .transit_encryption_port(20049)
                            .build()
                            .expect("s3files"),
                    )
                    .build(),
            )
            .ephemeral_storage(EphemeralStorage::builder().size_in_gib(21).build())
            .container_definitions(
                ContainerDefinition::builder()
                    .name("app")
                    .mount_points(
                        SdkMount::builder()
                            .source_volume("data")
                            .container_path("/data")
                            .read_only(true)
                            .build(),
                    )
                    .build(),
            )
            .build()
    }

    const S3FILES_FS: &str = "arn:aws:s3files:us-east-1:123456789012:file-system/fs-0lake";
    const S3FILES_AP: &str =
        "arn:aws:s3files:us-east-1:123456789012:file-system/fs-0lake/access-point/fsap-0ro";

    #[test]
    fn task_definition_volumes_of_every_kind_are_converted() {
        let storage = task_definition_of(&every_volume_kind()).storage;
        let sources: Vec<(&str, &VolumeSource)> = storage
            .volumes
            .iter()
            .map(|v| (v.name.as_str(), &v.source))
            .collect();
        assert_eq!(
            sources,
            [
                ("data", &VolumeSource::Ebs),
                (
                    "win",
                    &VolumeSource::FsxWindows {
                        file_system_id: "fs-0win".into(),
                        root_directory: "\\share".into(),
                        domain: Some("corp.example.com".into()),
                    }
                ),
                (
                    "logs",
                    &VolumeSource::Bind {
                        host_path: Some("/var/log".into())
                    }
                ),
                ("tmp", &VolumeSource::Bind { host_path: None }),
                (
                    "cache",
                    &VolumeSource::Docker {
                        driver: None,
                        scope: Some("task".into()),
                        autoprovision: None,
                    }
                ),
                (
                    "lake",
                    &VolumeSource::S3Files {
                        file_system_arn: S3FILES_FS.into(),
                        access_point_arn: Some(S3FILES_AP.into()),
                        root_directory: None,
                        transit_encryption_port: Some(20049),
                    }
                ),
            ]
        );
        assert_eq!(storage.volumes[5].source.kind(), "s3files");
        assert_eq!(storage.ephemeral_storage_gib, Some(21));
        assert_eq!(
            storage.mount_points,
            [VolumeMount {
                container: "app".into(),
                source_volume: "data".into(),
                container_path: "/data".into(),
                read_only: true,
            }]
        );
    }

    #[test]
    fn family_and_revision_from_arns() {
        let arn = "arn:aws:ecs:us-east-1:123:task-definition/api-v2:17";
        assert_eq!(family_of(arn), "api-v2");
        assert_eq!(revision_of(arn), Some(17));
        assert_eq!(family_of("web:3"), "web");
        assert_eq!(revision_of("web"), None);
        assert_eq!(family_of("web"), "web");
    }
}
