//! ECS service deployments and service revisions as ECS records them now
//! (DescribeServiceDeployments, DescribeServiceRevisions): 90 days of history per service
//! with ECS's own verdict, the stage a deployment is in, the hooks it waits on, and what
//! each revision really ran (images by digest, the managed EBS volume's snapshot, load
//! balancers).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::state::{
    DeploymentLifecycleStage, DeploymentStrategy, LifecycleHookAction, LifecycleHookStatus,
    RollbackMonitorStatus, ServiceDeploymentStatus,
};

/// One deployment of a service (a `ServiceDeployment`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceDeployment {
    pub arn: String,
    pub service_arn: String,
    pub cluster_arn: String,
    pub status: ServiceDeploymentStatus,
    pub status_reason: Option<String>,
    /// `deploymentConfiguration.strategy` of this deployment (`None`: not reported; ECS
    /// deploys ROLLING then).
    pub strategy: Option<DeploymentStrategy>,
    /// `deploymentConfiguration.bakeTimeInMinutes`.
    pub bake_time_minutes: Option<i32>,
    pub lifecycle_stage: Option<DeploymentLifecycleStage>,
    /// The revisions tasks are moved away from, with their task counts.
    pub source_revisions: Vec<RevisionCount>,
    /// The revision the deployment moves to.
    pub target_revision: Option<RevisionCount>,
    pub circuit_breaker: Option<CircuitBreakerState>,
    pub alarms: Option<AlarmState>,
    /// Set when the deployment was rolled back (by ECS, a person, or a hook).
    pub rollback: Option<DeploymentRollback>,
    /// The lifecycle hooks of the deployment as they stand (`lifecycleHookDetails`).
    pub hooks: Vec<LifecycleHookDetail>,
    pub created_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

impl ServiceDeployment {
    /// The first hook waiting for a person (`AWAITING_ACTION`), if any.
    pub fn awaiting_hook(&self) -> Option<&LifecycleHookDetail> {
        self.hooks
            .iter()
            .find(|h| h.status == LifecycleHookStatus::AwaitingAction)
    }

    /// When it happened, for ordering newest first: created, else started.
    pub fn when(&self) -> Option<DateTime<Utc>> {
        self.created_at.or(self.started_at)
    }

    /// Every service revision the deployment names (target first, then the sources, then
    /// the rollback's), without repeats.
    pub fn revision_arns(&self) -> Vec<String> {
        let mut arns: Vec<String> = Vec::new();
        let named = self
            .target_revision
            .iter()
            .chain(&self.source_revisions)
            .map(|r| r.arn.clone())
            .chain(
                self.rollback
                    .as_ref()
                    .and_then(|r| r.service_revision_arn.clone()),
            );
        for arn in named {
            if !arn.is_empty() && !arns.contains(&arn) {
                arns.push(arn);
            }
        }
        arns
    }
}

/// A service revision named in a deployment, with its task counts and traffic weights.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RevisionCount {
    pub arn: String,
    pub requested: i32,
    pub running: i32,
    pub pending: i32,
    /// Blue/green, linear, canary: the share of test traffic asked for (0–100).
    pub test_traffic_weight: Option<f64>,
    /// Blue/green, linear, canary: the share of production traffic asked for (0–100).
    pub production_traffic_weight: Option<f64>,
}

/// The circuit breaker of one deployment: how many tasks failed against the threshold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CircuitBreakerState {
    pub status: RollbackMonitorStatus,
    pub failure_count: i32,
    pub threshold: i32,
}

/// The CloudWatch alarms of one deployment, and those that went off.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AlarmState {
    pub status: RollbackMonitorStatus,
    #[serde(rename = "alarm_names")]
    pub names: Vec<String>,
    #[serde(rename = "triggered_alarm_names")]
    pub triggered: Vec<String>,
}

/// Why and where a deployment was rolled back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeploymentRollback {
    pub reason: Option<String>,
    #[serde(serialize_with = "super::json::time")]
    pub started_at: Option<DateTime<Utc>>,
    /// The service revision it rolled back to.
    pub service_revision_arn: Option<String>,
}

/// One lifecycle hook as the deployment reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LifecycleHookDetail {
    /// What ContinueServiceDeployment names (`hookId`).
    pub hook_id: Option<String>,
    /// `LAMBDA`, `PAUSE` …
    pub target_type: Option<String>,
    pub target_arn: Option<String>,
    pub status: LifecycleHookStatus,
    /// When a hook awaiting action gives up and `timeout_action` fires by itself.
    #[serde(serialize_with = "super::json::time")]
    pub expires_at: Option<DateTime<Utc>>,
    pub timeout_action: Option<LifecycleHookAction>,
}

/// A service revision: what one deployment really ran.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceRevision {
    pub arn: String,
    pub service_arn: String,
    pub cluster_arn: String,
    pub task_definition: String,
    /// Every container's image as resolved when the revision was made.
    pub images: Vec<RevisionImage>,
    /// Managed EBS volume configurations (the snapshot each volume starts from).
    pub volumes: Vec<RevisionVolume>,
    pub load_balancers: Vec<RevisionLoadBalancer>,
    /// Subnets and security groups (awsvpc), when the revision has them.
    pub network: Option<RevisionNetwork>,
    pub launch_type: Option<String>,
    pub platform_version: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
}

/// A container's image in a revision: the reference as written and the digest it was
/// resolved to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RevisionImage {
    pub container: String,
    pub image: String,
    pub digest: Option<String>,
}

/// A managed EBS volume configuration of a revision.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RevisionVolume {
    pub name: String,
    pub snapshot_id: Option<String>,
    pub size_gib: Option<i32>,
    pub volume_type: Option<String>,
    /// Not in the JSON output.
    #[serde(skip)]
    pub role_arn: Option<String>,
}

/// A load balancer (target group) of a revision.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RevisionLoadBalancer {
    pub target_group_arn: Option<String>,
    pub load_balancer_name: Option<String>,
    pub container_name: Option<String>,
    pub container_port: Option<i32>,
}

/// The awsvpc network of a revision.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RevisionNetwork {
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub assign_public_ip: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hook_awaiting_action_and_the_revisions_named() {
        let d = ServiceDeployment {
            target_revision: Some(RevisionCount {
                arn: "rev/2".into(),
                ..RevisionCount::default()
            }),
            source_revisions: vec![
                RevisionCount {
                    arn: "rev/1".into(),
                    ..RevisionCount::default()
                },
                RevisionCount {
                    arn: "rev/2".into(),
                    ..RevisionCount::default()
                },
            ],
            rollback: Some(DeploymentRollback {
                service_revision_arn: Some("rev/0".into()),
                ..DeploymentRollback::default()
            }),
            hooks: vec![
                LifecycleHookDetail {
                    hook_id: Some("h1".into()),
                    status: LifecycleHookStatus::Succeeded,
                    ..LifecycleHookDetail::default()
                },
                LifecycleHookDetail {
                    hook_id: Some("h2".into()),
                    status: LifecycleHookStatus::AwaitingAction,
                    ..LifecycleHookDetail::default()
                },
            ],
            ..ServiceDeployment::default()
        };
        assert_eq!(d.revision_arns(), ["rev/2", "rev/1", "rev/0"]);
        assert_eq!(
            d.awaiting_hook().and_then(|h| h.hook_id.as_deref()),
            Some("h2")
        );
        assert!(ServiceDeployment::default().awaiting_hook().is_none());
    }
}
