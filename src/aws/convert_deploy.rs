//! SDK service deployments and service revisions → `model::ServiceDeployment`,
//! `model::ServiceRevision`. Every field may be missing (an older endpoint, a deployment
//! before a feature): missing text is `None`, missing lists are empty, nothing panics.

use aws_sdk_ecs::types as sdk;

use super::convert::{owned, text, time};
use crate::model::{
    AlarmState, CircuitBreakerState, DeploymentRollback, LifecycleHookDetail, RevisionCount,
    RevisionImage, RevisionLoadBalancer, RevisionNetwork, RevisionVolume, ServiceDeployment,
    ServiceRevision,
};

pub fn service_deployment(d: &sdk::ServiceDeployment) -> ServiceDeployment {
    let config = d.deployment_configuration();
    ServiceDeployment {
        arn: text(d.service_deployment_arn()),
        service_arn: text(d.service_arn()),
        cluster_arn: text(d.cluster_arn()),
        status: d.status().map(|s| s.as_str().into()).unwrap_or_default(),
        status_reason: owned(d.status_reason()),
        strategy: config
            .and_then(sdk::DeploymentConfiguration::strategy)
            .map(|s| s.as_str().into()),
        bake_time_minutes: config.and_then(sdk::DeploymentConfiguration::bake_time_in_minutes),
        lifecycle_stage: d.lifecycle_stage().map(|s| s.as_str().into()),
        source_revisions: d
            .source_service_revisions()
            .iter()
            .map(revision_count)
            .collect(),
        target_revision: d.target_service_revision().map(revision_count),
        circuit_breaker: d.deployment_circuit_breaker().map(|c| CircuitBreakerState {
            status: c.status().map(|s| s.as_str().into()).unwrap_or_default(),
            failure_count: c.failure_count(),
            threshold: c.threshold(),
        }),
        alarms: d.alarms().map(|a| AlarmState {
            status: a.status().map(|s| s.as_str().into()).unwrap_or_default(),
            names: a.alarm_names().to_vec(),
            triggered: a.triggered_alarm_names().to_vec(),
        }),
        rollback: d.rollback().map(|r| DeploymentRollback {
            reason: owned(r.reason()),
            started_at: time(r.started_at()),
            service_revision_arn: owned(r.service_revision_arn()),
        }),
        hooks: d.lifecycle_hook_details().iter().map(hook_detail).collect(),
        created_at: time(d.created_at()),
        started_at: time(d.started_at()),
        finished_at: time(d.finished_at()),
        stopped_at: time(d.stopped_at()),
        updated_at: time(d.updated_at()),
    }
}

fn revision_count(r: &sdk::ServiceRevisionSummary) -> RevisionCount {
    RevisionCount {
        arn: text(r.arn()),
        requested: r.requested_task_count(),
        running: r.running_task_count(),
        pending: r.pending_task_count(),
        test_traffic_weight: r.requested_test_traffic_weight(),
        production_traffic_weight: r.requested_production_traffic_weight(),
    }
}

fn hook_detail(h: &sdk::DeploymentLifecycleHookDetail) -> LifecycleHookDetail {
    LifecycleHookDetail {
        hook_id: owned(h.hook_id()),
        target_type: h.target_type().map(|t| t.as_str().to_string()),
        target_arn: owned(h.target_arn()),
        status: h.status().map(|s| s.as_str().into()).unwrap_or_default(),
        expires_at: time(h.expires_at()),
        timeout_action: h.timeout_action().map(|a| a.as_str().into()),
    }
}

pub fn service_revision(r: &sdk::ServiceRevision) -> ServiceRevision {
    ServiceRevision {
        arn: text(r.service_revision_arn()),
        service_arn: text(r.service_arn()),
        cluster_arn: text(r.cluster_arn()),
        task_definition: text(r.task_definition()),
        images: r
            .container_images()
            .iter()
            .map(|c| RevisionImage {
                container: text(c.container_name()),
                image: text(c.image()),
                digest: owned(c.image_digest()),
            })
            .collect(),
        volumes: r
            .volume_configurations()
            .iter()
            .map(|v| {
                let ebs = v.managed_ebs_volume();
                RevisionVolume {
                    name: v.name().to_string(),
                    snapshot_id: owned(ebs.and_then(|e| e.snapshot_id())),
                    size_gib: ebs.and_then(sdk::ServiceManagedEbsVolumeConfiguration::size_in_gib),
                    volume_type: owned(ebs.and_then(|e| e.volume_type())),
                    role_arn: owned(ebs.map(sdk::ServiceManagedEbsVolumeConfiguration::role_arn)),
                }
            })
            .collect(),
        load_balancers: r
            .load_balancers()
            .iter()
            .map(|lb| RevisionLoadBalancer {
                target_group_arn: owned(lb.target_group_arn()),
                load_balancer_name: owned(lb.load_balancer_name()),
                container_name: owned(lb.container_name()),
                container_port: lb.container_port(),
            })
            .collect(),
        network: r
            .network_configuration()
            .and_then(sdk::NetworkConfiguration::awsvpc_configuration)
            .map(|v| RevisionNetwork {
                subnets: v.subnets().to_vec(),
                security_groups: v.security_groups().to_vec(),
                assign_public_ip: v.assign_public_ip().map(|a| a.as_str().to_string()),
            }),
        launch_type: r.launch_type().map(|l| l.as_str().to_string()),
        platform_version: owned(r.platform_version()),
        created_at: time(r.created_at()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        DeploymentLifecycleStage, DeploymentStrategy, LifecycleHookAction, LifecycleHookStatus,
        RollbackMonitorStatus, ServiceDeploymentStatus,
    };
    use aws_sdk_ecs::primitives::DateTime;

    #[test]
    fn a_canary_deployment_paused_at_a_hook_is_converted_whole() {
        let d = sdk::ServiceDeployment::builder()
            .service_deployment_arn("arn:aws:ecs:eu-west-1:1:service-deployment/prod/api/d1")
            .service_arn("arn:aws:ecs:eu-west-1:1:service/prod/api")
            .status(sdk::ServiceDeploymentStatus::InProgress)
            .status_reason("waiting at hook")
            .lifecycle_stage(sdk::ServiceDeploymentLifecycleStage::PostTestTrafficShift)
            .deployment_configuration(
                sdk::DeploymentConfiguration::builder()
                    .strategy(sdk::DeploymentStrategy::Canary)
                    .bake_time_in_minutes(10)
                    .build(),
            )
            .source_service_revisions(
                sdk::ServiceRevisionSummary::builder()
                    .arn("rev/1")
                    .running_task_count(3)
                    .requested_task_count(3)
                    .build(),
            )
            .target_service_revision(
                sdk::ServiceRevisionSummary::builder()
                    .arn("rev/2")
                    .running_task_count(1)
                    .requested_task_count(3)
                    .pending_task_count(2)
                    .requested_production_traffic_weight(10.0)
                    .build(),
            )
            .deployment_circuit_breaker(
                sdk::ServiceDeploymentCircuitBreaker::builder()
                    .status(sdk::ServiceDeploymentRollbackMonitorsStatus::Monitoring)
                    .failure_count(1)
                    .threshold(3)
                    .build(),
            )
            .alarms(
                sdk::ServiceDeploymentAlarms::builder()
                    .status(sdk::ServiceDeploymentRollbackMonitorsStatus::Triggered)
                    .alarm_names("p99")
                    .alarm_names("5xx")
                    .triggered_alarm_names("5xx")
                    .build(),
            )
            .lifecycle_hook_details(
                sdk::DeploymentLifecycleHookDetail::builder()
                    .hook_id("hook-1")
                    .target_type(sdk::DeploymentLifecycleHookTargetType::from("PAUSE"))
                    .status(sdk::DeploymentLifecycleHookStatus::AwaitingAction)
                    .expires_at(DateTime::from_secs(1_800_000_000))
                    .timeout_action(sdk::DeploymentLifecycleHookAction::Rollback)
                    .build(),
            )
            .created_at(DateTime::from_secs(1_799_999_000))
            .build();
        let m = service_deployment(&d);
        assert_eq!(m.status, ServiceDeploymentStatus::InProgress);
        assert_eq!(m.status_reason.as_deref(), Some("waiting at hook"));
        assert_eq!(m.strategy, Some(DeploymentStrategy::Canary));
        assert_eq!(m.bake_time_minutes, Some(10));
        assert_eq!(
            m.lifecycle_stage,
            Some(DeploymentLifecycleStage::PostTestTrafficShift)
        );
        assert_eq!(m.source_revisions[0].running, 3);
        let target = m.target_revision.clone().expect("target");
        assert_eq!((target.running, target.pending), (1, 2));
        assert_eq!(target.production_traffic_weight, Some(10.0));
        let cb = m.circuit_breaker.clone().expect("circuit breaker");
        assert_eq!(cb.status, RollbackMonitorStatus::Monitoring);
        assert_eq!((cb.failure_count, cb.threshold), (1, 3));
        let alarms = m.alarms.clone().expect("alarms");
        assert_eq!(alarms.triggered, ["5xx"]);
        assert_eq!(alarms.names, ["p99", "5xx"]);
        let hook = m.awaiting_hook().expect("a hook awaiting action");
        assert_eq!(hook.hook_id.as_deref(), Some("hook-1"));
        assert_eq!(hook.target_type.as_deref(), Some("PAUSE"));
        assert_eq!(hook.status, LifecycleHookStatus::AwaitingAction);
        assert_eq!(hook.timeout_action, Some(LifecycleHookAction::Rollback));
        assert_eq!(hook.expires_at.map(|t| t.timestamp()), Some(1_800_000_000));
        assert_eq!(m.created_at.map(|t| t.timestamp()), Some(1_799_999_000));
    }

    #[test]
    fn an_empty_deployment_and_revision_convert_to_empty_values() {
        let m = service_deployment(&sdk::ServiceDeployment::builder().build());
        assert_eq!(m.status.as_str(), "");
        assert!(m.strategy.is_none() && m.target_revision.is_none() && m.hooks.is_empty());
        let r = service_revision(&sdk::ServiceRevision::builder().build());
        assert!(r.images.is_empty() && r.volumes.is_empty() && r.network.is_none());
    }

    #[test]
    fn a_revision_keeps_digests_snapshots_load_balancers_and_network() {
        let r = sdk::ServiceRevision::builder()
            .service_revision_arn("rev/2")
            .task_definition("arn:aws:ecs:eu-west-1:1:task-definition/api:7")
            .container_images(
                sdk::ContainerImage::builder()
                    .container_name("app")
                    .image("1.dkr.ecr.eu-west-1.amazonaws.com/api:v7")
                    .image_digest("sha256:aaa")
                    .build(),
            )
            .volume_configurations(
                sdk::ServiceVolumeConfiguration::builder()
                    .name("data")
                    .managed_ebs_volume(
                        sdk::ServiceManagedEbsVolumeConfiguration::builder()
                            .snapshot_id("snap-0abc")
                            .size_in_gib(50)
                            .volume_type("gp3")
                            .role_arn("arn:aws:iam::1:role/ecs-infra")
                            .build()
                            .expect("role arn set"),
                    )
                    .build()
                    .expect("name set"),
            )
            .load_balancers(
                sdk::LoadBalancer::builder()
                    .target_group_arn("arn:tg/blue")
                    .container_name("app")
                    .container_port(8080)
                    .build(),
            )
            .network_configuration(
                sdk::NetworkConfiguration::builder()
                    .awsvpc_configuration(
                        sdk::AwsVpcConfiguration::builder()
                            .subnets("subnet-1")
                            .security_groups("sg-1")
                            .build()
                            .expect("subnets set"),
                    )
                    .build(),
            )
            .launch_type(sdk::LaunchType::Fargate)
            .build();
        let m = service_revision(&r);
        assert_eq!(m.arn, "rev/2");
        assert_eq!(m.images[0].digest.as_deref(), Some("sha256:aaa"));
        assert_eq!(m.images[0].container, "app");
        assert_eq!(m.volumes[0].snapshot_id.as_deref(), Some("snap-0abc"));
        assert_eq!(m.volumes[0].size_gib, Some(50));
        assert_eq!(m.load_balancers[0].container_port, Some(8080));
        assert_eq!(
            m.network.as_ref().map(|n| n.subnets.clone()),
            Some(vec!["subnet-1".to_string()])
        );
        assert_eq!(m.launch_type.as_deref(), Some("FARGATE"));
    }
}
