//! ECS's own rollback: stop the deployment in flight with StopServiceDeployment
//! (`stopType` ROLLBACK), and ECS returns the service to the last good service revision —
//! task definition, volumes, network and load balancers together. Plan (which deployment
//! is in flight, the revision it rolls back to; refused when none is in flight), then the
//! call through the `Mutator` (read-only refusal, audit line).

use chrono::{DateTime, Utc};

use super::find_service;
use super::guard::Mutator;
use crate::analysis::deployments::{countdown, in_flight, rollback_source, stage_words};
use crate::aws::AwsClients;
use crate::error::{Error, Result};
use crate::load::load_deployments;
use crate::model::{
    ClusterService, Service, ServiceDeployment, ServiceDeploymentStatus, ServiceRevision, arn_name,
};

/// What stopping the deployment in flight does.
#[derive(Debug, Clone, PartialEq)]
pub struct StopDeploymentPlan {
    /// The service it acts on.
    pub service: ClusterService,
    /// The deployment in flight.
    pub deployment: ServiceDeployment,
    /// The service revision ECS returns to (the busiest source revision), if it names one.
    pub back_to: Option<String>,
    /// That revision described (`None` when it could not be: older than 2024-10-25, denied).
    pub back_to_revision: Option<ServiceRevision>,
    /// The revision being rolled out, described.
    pub target_revision: Option<ServiceRevision>,
    /// When the plan was made (for the hook's countdown).
    pub now: DateTime<Utc>,
}

impl StopDeploymentPlan {
    pub fn summary(&self) -> String {
        let d = &self.deployment;
        let from = self
            .target_revision
            .as_ref()
            .map(|r| arn_name(&r.task_definition).to_string())
            .or_else(|| {
                d.target_revision
                    .as_ref()
                    .map(|r| arn_name(&r.arn).to_string())
            })
            .unwrap_or_else(|| "-".to_string());
        let to = match (&self.back_to_revision, &self.back_to) {
            (Some(r), _) => format!(
                "{} (service revision {})",
                arn_name(&r.task_definition),
                arn_name(&r.arn)
            ),
            (None, Some(arn)) => format!("service revision {}", arn_name(arn)),
            (None, None) => "the last good service revision".to_string(),
        };
        let hook = d
            .awaiting_hook()
            .map(|h| {
                format!(
                    "; paused at hook {} ({})",
                    h.hook_id.as_deref().unwrap_or("-"),
                    countdown(h.expires_at, self.now)
                )
            })
            .unwrap_or_default();
        format!(
            "stop deployment {} of {} ({}, {}{hook}) and roll back (ECS): {from} → {to}",
            arn_name(&d.arn),
            self.service.label(),
            d.status,
            stage_words(d),
        )
    }
}

/// The plan from deployments already read (newest first) and the revisions described.
pub fn plan_for(
    cluster: &str,
    service: &str,
    deployments: &[ServiceDeployment],
    revisions: &[ServiceRevision],
    now: DateTime<Utc>,
) -> Result<StopDeploymentPlan> {
    let Some(d) = in_flight(deployments) else {
        return Err(Error::Refused(format!(
            "no deployment of {cluster}/{service} is in flight (PENDING or IN_PROGRESS): \
             nothing to stop; nothing was sent (`ecsnap deployments --cluster {cluster} \
             --service {service}` lists its history)"
        )));
    };
    let back_to = rollback_source(d).map(|r| r.arn.clone());
    let find = |arn: Option<&str>| {
        arn.and_then(|a| revisions.iter().find(|r| r.arn == a))
            .cloned()
    };
    Ok(StopDeploymentPlan {
        service: ClusterService::new(cluster, service),
        back_to_revision: find(back_to.as_deref()),
        target_revision: find(d.target_revision.as_ref().map(|r| r.arn.as_str())),
        back_to,
        deployment: d.clone(),
        now,
    })
}

/// Reads the service (its name checked, close names offered), its deployments in flight
/// and the two revisions involved; the revisions are best effort.
pub async fn plan(
    aws: &AwsClients,
    cluster: &str,
    service: &str,
    now: DateTime<Utc>,
) -> Result<StopDeploymentPlan> {
    let (s, live) = service_in_flight(aws, cluster, service).await?;
    let revisions = match in_flight(&live) {
        Some(d) => describe_best_effort(aws, d).await,
        None => Vec::new(),
    };
    plan_for(&s.cluster, &s.name, &live, &revisions, now)
}

/// The service (its name checked, close names offered) and its deployments in flight
/// (PENDING or IN_PROGRESS).
pub(crate) async fn service_in_flight(
    aws: &AwsClients,
    cluster: &str,
    service: &str,
) -> Result<(Service, Vec<ServiceDeployment>)> {
    let s = find_service(aws, cluster, service).await?;
    let live = load_deployments(
        aws,
        &s.cluster,
        &s.name,
        None,
        &[
            ServiceDeploymentStatus::Pending,
            ServiceDeploymentStatus::InProgress,
        ],
    )
    .await?;
    Ok((s, live))
}

/// The target and rollback revisions of `d`, or none when they cannot be read.
pub(crate) async fn describe_best_effort(
    aws: &AwsClients,
    d: &ServiceDeployment,
) -> Vec<ServiceRevision> {
    let arns: Vec<String> = d
        .target_revision
        .iter()
        .map(|r| r.arn.clone())
        .chain(rollback_source(d).map(|r| r.arn.clone()))
        .filter(|a| !a.is_empty())
        .collect();
    if arns.is_empty() {
        return Vec::new();
    }
    match aws.ecs.describe_service_revisions(&arns).await {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!("describing the revisions of {}: {e}", d.arn);
            Vec::new()
        }
    }
}

/// StopServiceDeployment ROLLBACK on the plan's deployment; its ARN as ECS answered.
pub async fn execute(mutator: &Mutator, plan: &StopDeploymentPlan) -> Result<String> {
    mutator
        .stop_service_deployment_rollback(&plan.deployment.arn)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RevisionCount;

    fn dep(arn: &str, status: &str) -> ServiceDeployment {
        ServiceDeployment {
            arn: format!("arn:aws:ecs:eu-west-1:1:service-deployment/prod/api/{arn}"),
            status: status.into(),
            source_revisions: vec![RevisionCount {
                arn: "arn:aws:ecs:eu-west-1:1:service-revision/prod/api/r1".into(),
                running: 3,
                ..RevisionCount::default()
            }],
            target_revision: Some(RevisionCount {
                arn: "arn:aws:ecs:eu-west-1:1:service-revision/prod/api/r2".into(),
                ..RevisionCount::default()
            }),
            ..ServiceDeployment::default()
        }
    }

    #[test]
    fn the_in_flight_deployment_is_stopped_back_to_its_source() {
        let now = DateTime::from_timestamp(0, 0).expect("epoch");
        let revs = vec![ServiceRevision {
            arn: "arn:aws:ecs:eu-west-1:1:service-revision/prod/api/r1".into(),
            task_definition: "arn:aws:ecs:eu-west-1:1:task-definition/api:6".into(),
            ..ServiceRevision::default()
        }];
        let p = plan_for(
            "prod",
            "api",
            &[dep("d3", "IN_PROGRESS"), dep("d2", "SUCCESSFUL")],
            &revs,
            now,
        )
        .expect("a plan");
        assert!(p.deployment.arn.ends_with("/d3"));
        assert_eq!(
            p.summary(),
            "stop deployment d3 of prod/api (IN_PROGRESS, -) and roll back (ECS): r2 → api:6 \
             (service revision r1)"
        );
    }

    #[test]
    fn nothing_in_flight_is_refused() {
        let now = DateTime::from_timestamp(0, 0).expect("epoch");
        let err =
            plan_for("prod", "api", &[dep("d2", "SUCCESSFUL")], &[], now).expect_err("refused");
        assert!(matches!(err, Error::Refused(_)), "{err}");
        assert!(
            err.to_string()
                .contains("no deployment of prod/api is in flight")
        );
    }
}
