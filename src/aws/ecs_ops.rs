//! ECS actions: registering a copy of a revision with images changed, and UpdateService
//! (force a redeploy, switch the task definition, point a managed EBS volume at a snapshot,
//! or both at once for a service revision). Only `ops::guard::Mutator` calls the
//! mutating methods.

use async_trait::async_trait;
use aws_sdk_ecs::Client;
use aws_sdk_ecs::types::TaskDefinitionField;

use super::api::{EcsOps, NewEbsVolume, ServiceChange};
use super::classify::CallContext;
use super::convert::{owned, text};
use super::ecs::{is_primary, service, task, task_definition_of};
use crate::error::Result;
use crate::model::{
    ExecSession, LifecycleHookAction, RevisionVolume, Service, SessionHandle, Task, TaskDefinition,
};

pub struct EcsOpsAdapter {
    client: Client,
    ctx: CallContext,
}

impl EcsOpsAdapter {
    pub fn new(client: Client, ctx: CallContext) -> Self {
        Self { client, ctx }
    }

    /// The managed EBS volume configurations the PRIMARY deployment runs with, each of
    /// `wanted` applied to the configuration of its name (its snapshot — `None` clears it
    /// —, and its size and type when given). Errors when the service has no such volume.
    async fn volume_configs_with(
        &self,
        cluster: &str,
        service_name: &str,
        wanted: &[RevisionVolume],
        initialization_rate: Option<i32>,
    ) -> Result<Vec<aws_sdk_ecs::types::ServiceVolumeConfiguration>> {
        let out = self
            .client
            .describe_services()
            .cluster(cluster)
            .services(service_name)
            .send()
            .await
            .map_err(self.ctx.err("ecs:DescribeServices"))?;
        let mut configs: Vec<aws_sdk_ecs::types::ServiceVolumeConfiguration> = out
            .services()
            .first()
            .and_then(|s| s.deployments().iter().find(|d| is_primary(d)))
            .map(|d| d.volume_configurations().to_vec())
            .unwrap_or_default();
        for w in wanted {
            let Some(ebs) = configs
                .iter_mut()
                .filter(|c| c.name == w.name)
                .find_map(|c| c.managed_ebs_volume.as_mut())
            else {
                return Err(self
                    .ctx
                    .odd_answer(
                        "ecs:UpdateService",
                        format!(
                            "service {service_name} in {cluster} has no managed EBS volume \
                             configuration named {}",
                            w.name
                        ),
                    )
                    .into());
            };
            ebs.snapshot_id.clone_from(&w.snapshot_id);
            if let Some(size) = w.size_gib {
                ebs.size_in_gib = Some(size);
            }
            if initialization_rate.is_some() {
                ebs.volume_initialization_rate = initialization_rate;
            }
            if let Some(t) = &w.volume_type {
                ebs.volume_type = Some(t.clone());
            }
        }
        Ok(configs)
    }
}

impl EcsOpsAdapter {
    /// A whole managed EBS volume configuration: `new.volume` from `new.snapshot_id`.
    fn new_volume_config(
        &self,
        service_name: &str,
        new: &NewEbsVolume,
    ) -> Result<aws_sdk_ecs::types::ServiceVolumeConfiguration> {
        let odd = |e: aws_sdk_ecs::error::BuildError| {
            self.ctx.odd_answer(
                "ecs:UpdateService",
                format!("volume configuration {} of {service_name}: {e}", new.volume),
            )
        };
        let ebs = aws_sdk_ecs::types::ServiceManagedEbsVolumeConfiguration::builder()
            .role_arn(&new.role_arn)
            .snapshot_id(&new.snapshot_id)
            .size_in_gib(new.size_gib)
            .volume_type(&new.volume_type)
            .set_volume_initialization_rate(new.initialization_rate)
            .build()
            .map_err(odd)?;
        Ok(aws_sdk_ecs::types::ServiceVolumeConfiguration::builder()
            .name(&new.volume)
            .managed_ebs_volume(ebs)
            .build()
            .map_err(odd)?)
    }
}

/// The deployment an answer names, or the one asked about when the answer names none.
fn deployment_named(answered: Option<&str>, asked: &str) -> String {
    answered.unwrap_or(asked).to_string()
}

fn vec_or_none<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

#[async_trait]
impl EcsOps for EcsOpsAdapter {
    async fn register_with_images(
        &self,
        source: &str,
        images: &[(String, String)],
    ) -> Result<TaskDefinition> {
        let out = self
            .client
            .describe_task_definition()
            .task_definition(source)
            .include(TaskDefinitionField::Tags)
            .send()
            .await
            .map_err(self.ctx.err("ecs:DescribeTaskDefinition"))?;
        let td = self.ctx.present(
            "ecs:DescribeTaskDefinition",
            out.task_definition(),
            format!("no task definition returned for {source}"),
        )?;
        let mut containers = td.container_definitions().to_vec();
        for (container, image) in images {
            let Some(c) = containers
                .iter_mut()
                .find(|c| c.name.as_deref() == Some(container.as_str()))
            else {
                return Err(self
                    .ctx
                    .odd_answer(
                        "ecs:RegisterTaskDefinition",
                        format!("{source} has no container named {container}"),
                    )
                    .into());
            };
            c.image = Some(image.clone());
        }
        let registered = self
            .client
            .register_task_definition()
            .set_family(td.family().map(str::to_string))
            .set_task_role_arn(td.task_role_arn().map(str::to_string))
            .set_execution_role_arn(td.execution_role_arn().map(str::to_string))
            .set_network_mode(td.network_mode().cloned())
            .set_container_definitions(Some(containers))
            .set_volumes(vec_or_none(td.volumes().to_vec()))
            .set_placement_constraints(vec_or_none(td.placement_constraints().to_vec()))
            .set_requires_compatibilities(vec_or_none(td.requires_compatibilities().to_vec()))
            .set_cpu(td.cpu().map(str::to_string))
            .set_memory(td.memory().map(str::to_string))
            .set_tags(vec_or_none(out.tags().to_vec()))
            .set_pid_mode(td.pid_mode().cloned())
            .set_ipc_mode(td.ipc_mode().cloned())
            .set_proxy_configuration(td.proxy_configuration().cloned())
            .set_ephemeral_storage(td.ephemeral_storage().cloned())
            .set_runtime_platform(td.runtime_platform().cloned())
            .set_enable_fault_injection(td.enable_fault_injection())
            .send()
            .await
            .map_err(self.ctx.err("ecs:RegisterTaskDefinition"))?;
        self.ctx.present(
            "ecs:RegisterTaskDefinition",
            registered.task_definition().map(task_definition_of),
            "no task definition in the answer",
        )
    }

    async fn update_service(
        &self,
        cluster: &str,
        service_name: &str,
        change: &ServiceChange,
    ) -> Result<Service> {
        let mut req = self
            .client
            .update_service()
            .cluster(cluster)
            .service(service_name);
        req = match change {
            ServiceChange::ForceNewDeployment => req.force_new_deployment(true),
            ServiceChange::DesiredCount(n) => req.desired_count(*n),
            ServiceChange::TaskDefinition(td) => req.task_definition(td),
            ServiceChange::EbsSnapshot {
                volume,
                snapshot_id,
                initialization_rate,
            } => {
                let wanted = RevisionVolume {
                    name: volume.clone(),
                    snapshot_id: Some(snapshot_id.clone()),
                    ..RevisionVolume::default()
                };
                let configs = self
                    .volume_configs_with(
                        cluster,
                        service_name,
                        std::slice::from_ref(&wanted),
                        *initialization_rate,
                    )
                    .await?;
                req.set_volume_configurations(Some(configs))
            }
            ServiceChange::Revision {
                task_definition,
                volumes,
            } => {
                let req = req.task_definition(task_definition);
                if volumes.is_empty() {
                    req
                } else {
                    let configs = self
                        .volume_configs_with(cluster, service_name, volumes, None)
                        .await?;
                    req.set_volume_configurations(Some(configs))
                }
            }
            ServiceChange::NewEbsVolume(new) => {
                req.volume_configurations(self.new_volume_config(service_name, new)?)
            }
        };
        let out = req
            .send()
            .await
            .map_err(self.ctx.err("ecs:UpdateService"))?;
        let updated = out.service().map(service);
        self.ctx
            .present("ecs:UpdateService", updated, "no service in the answer")
    }

    async fn execute_command(
        &self,
        cluster: &str,
        task_id: &str,
        container: Option<&str>,
        command: &str,
    ) -> Result<ExecSession> {
        let out = self
            .client
            .execute_command()
            .cluster(cluster)
            .task(task_id)
            .set_container(container.map(str::to_string))
            .command(command)
            .interactive(true)
            .send()
            .await
            .map_err(self.ctx.err("ecs:ExecuteCommand"))?;
        let session = self.ctx.present(
            "ecs:ExecuteCommand",
            out.session(),
            "no session in the answer",
        )?;
        Ok(ExecSession {
            cluster_arn: text(out.cluster_arn()),
            task_arn: text(out.task_arn()),
            container_name: text(out.container_name()),
            container_arn: owned(out.container_arn()),
            interactive: out.interactive(),
            session: SessionHandle {
                session_id: session.session_id().map(str::to_string),
                stream_url: session.stream_url().map(str::to_string),
                token_value: session.token_value().map(str::to_string),
            },
        })
    }

    async fn stop_task(&self, cluster: &str, task_id: &str, reason: &str) -> Result<Task> {
        let out = self
            .client
            .stop_task()
            .cluster(cluster)
            .task(task_id)
            .reason(reason)
            .send()
            .await
            .map_err(self.ctx.err("ecs:StopTask"))?;
        let stopped = out.task().map(task);
        self.ctx
            .present("ecs:StopTask", stopped, "no task in the answer")
    }

    async fn stop_service_deployment_rollback(&self, deployment_arn: &str) -> Result<String> {
        let out = self
            .client
            .stop_service_deployment()
            .service_deployment_arn(deployment_arn)
            .stop_type(aws_sdk_ecs::types::StopServiceDeploymentStopType::Rollback)
            .send()
            .await
            .map_err(self.ctx.err_newer("ecs:StopServiceDeployment"))?;
        Ok(deployment_named(
            out.service_deployment_arn(),
            deployment_arn,
        ))
    }

    async fn continue_service_deployment(
        &self,
        deployment_arn: &str,
        hook_id: Option<&str>,
        action: &LifecycleHookAction,
    ) -> Result<String> {
        let out = self
            .client
            .continue_service_deployment()
            .service_deployment_arn(deployment_arn)
            .set_hook_id(hook_id.map(str::to_string))
            .action(aws_sdk_ecs::types::DeploymentLifecycleHookAction::from(
                action.as_str(),
            ))
            .send()
            .await
            .map_err(self.ctx.err_newer("ecs:ContinueServiceDeployment"))?;
        Ok(deployment_named(
            out.service_deployment_arn(),
            deployment_arn,
        ))
    }
}
