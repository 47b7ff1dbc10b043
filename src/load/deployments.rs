//! A service's deployment history as ECS records it (ListServiceDeployments, then
//! DescribeServiceDeployments by 20), newest first, with the service revisions the
//! deployments name described in one batched DescribeServiceRevisions (20 a call). The
//! `deployments` command and the ops that stop or continue a deployment read through here.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::aws::AwsClients;
use crate::error::Result;
use crate::model::{ServiceDeployment, ServiceDeploymentStatus, ServiceRevision};

/// A service's deployments, newest first, and the revisions they name.
pub struct DeploymentHistory {
    pub deployments: Vec<ServiceDeployment>,
    /// The service revisions the deployments name, by ARN. Read apart: a denied or
    /// unsupported DescribeServiceRevisions (or revisions older than 2024-10-25, which ECS
    /// does not describe) leaves the history whole.
    pub revisions: Result<HashMap<String, ServiceRevision>>,
}

impl DeploymentHistory {
    /// The revision `arn`, when it was described.
    pub fn revision(&self, arn: &str) -> Option<&ServiceRevision> {
        self.revisions.as_ref().ok()?.get(arn)
    }
}

/// Every deployment of `service` created since `since` (all ECS keeps, 90 days, when
/// `None`), newest first, with their revisions.
pub async fn load_deployment_history(
    aws: &AwsClients,
    cluster: &str,
    service: &str,
    since: Option<DateTime<Utc>>,
) -> Result<DeploymentHistory> {
    let deployments = load_deployments(aws, cluster, service, since, &[]).await?;
    let arns: Vec<String> = unique_revision_arns(&deployments);
    let revisions = if arns.is_empty() {
        Ok(HashMap::new())
    } else {
        aws.ecs
            .describe_service_revisions(&arns)
            .await
            .map(|found| found.into_iter().map(|r| (r.arn.clone(), r)).collect())
    };
    Ok(DeploymentHistory {
        deployments,
        revisions,
    })
}

/// The deployments of `service` with one of the statuses `only` (any when empty), created
/// since `since`, described and sorted newest first. No revisions.
pub async fn load_deployments(
    aws: &AwsClients,
    cluster: &str,
    service: &str,
    since: Option<DateTime<Utc>>,
    only: &[ServiceDeploymentStatus],
) -> Result<Vec<ServiceDeployment>> {
    let arns = aws
        .ecs
        .list_service_deployments(cluster, service, since, only)
        .await?;
    if arns.is_empty() {
        return Ok(Vec::new());
    }
    let mut deployments = aws.ecs.describe_service_deployments(&arns).await?;
    newest_first(&mut deployments);
    Ok(deployments)
}

/// Newest first by creation (then start) time; undated ones last, in the order given.
pub fn newest_first(deployments: &mut [ServiceDeployment]) {
    deployments.sort_by_key(|d| std::cmp::Reverse(d.when()));
}

fn unique_revision_arns(deployments: &[ServiceDeployment]) -> Vec<String> {
    let mut arns: Vec<String> = Vec::new();
    for arn in deployments
        .iter()
        .flat_map(ServiceDeployment::revision_arns)
    {
        if !arns.contains(&arn) {
            arns.push(arn);
        }
    }
    arns
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_by_creation_time_undated_last() {
        let at = |arn: &str, secs: Option<i64>| ServiceDeployment {
            arn: arn.into(),
            created_at: secs.and_then(|s| DateTime::from_timestamp(s, 0)),
            ..ServiceDeployment::default()
        };
        let mut v = vec![at("a", Some(10)), at("b", None), at("c", Some(30))];
        newest_first(&mut v);
        let order: Vec<&str> = v.iter().map(|d| d.arn.as_str()).collect();
        assert_eq!(order, ["c", "a", "b"]);
    }
}
