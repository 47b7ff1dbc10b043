//! Elastic Load Balancing: the target groups a service registers its tasks in, and each
//! registered target's health as DescribeTargetHealth reports it.

use serde::Serialize;

use super::state::TargetHealthState;

/// One of a service's `loadBalancers` entries: the target group ECS registers the
/// container's port in (a Classic Load Balancer's name instead, for old services).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceLoadBalancer {
    pub target_group_arn: Option<String>,
    pub load_balancer_name: Option<String>,
    pub container_name: Option<String>,
    pub container_port: Option<i32>,
}

/// One registered target of a target group and its health.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetHealth {
    pub target_group_arn: String,
    /// An IP address (target type `ip`: an awsvpc task's ENI) or an EC2 instance id
    /// (target type `instance`: a bridge or host task's container instance).
    pub target_id: String,
    pub port: Option<i32>,
    /// `healthy`, `unhealthy`, `draining`, `initial`, `unused`, `unavailable`.
    pub state: TargetHealthState,
    /// `Target.ResponseCodeMismatch`, `Target.Timeout`, `Target.DeregistrationInProgress` …
    pub reason: Option<String>,
    /// `Health checks failed with these codes: [503]` …
    pub description: Option<String>,
}

impl TargetHealth {
    /// `Target.ResponseCodeMismatch: Health checks failed with these codes: [503]`, or the
    /// reason or description alone; `None` when AWS gave neither.
    pub fn reason_line(&self) -> Option<String> {
        match (self.reason.as_deref(), self.description.as_deref()) {
            (Some(r), Some(d)) if !d.is_empty() => Some(format!("{r}: {d}")),
            (Some(r), _) => Some(r.to_string()),
            (None, Some(d)) if !d.is_empty() => Some(d.to_string()),
            _ => None,
        }
    }
}

/// The ECS container instance → EC2 instance pairs of a cluster (instance targets are
/// registered by EC2 instance id; tasks know their container instance).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ContainerInstance {
    pub arn: String,
    pub ec2_instance_id: Option<String>,
}
