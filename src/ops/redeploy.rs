//! Force a redeploy: UpdateService with forceNewDeployment (same task definition, fresh
//! tasks), then — if asked — wait for stability.

use super::guard::Mutator;
use super::{find_service, running_task_definition};
use crate::aws::{AwsClients, ServiceChange};
use crate::error::Result;
use crate::model::{ClusterService, Service};

#[derive(Debug, Clone, PartialEq)]
pub struct RedeployPlan {
    /// The service it acts on.
    pub service: ClusterService,
    pub task_definition: String,
    pub desired_count: i32,
    pub running_count: i32,
}

impl RedeployPlan {
    pub fn summary(&self) -> String {
        format!(
            "force a new deployment of {} (task definition {}, {}/{} running): every task \
             is replaced",
            self.service.label(),
            crate::model::arn_name(&self.task_definition),
            self.running_count,
            self.desired_count
        )
    }
}

/// What a started deployment is: the service as UpdateService answered, and the id of the
/// deployment to watch.
#[derive(Debug, Clone)]
pub struct Started {
    pub service: Service,
    pub deployment_id: Option<String>,
    pub task_definition: String,
}

pub async fn plan(aws: &AwsClients, cluster: &str, service: &str) -> Result<RedeployPlan> {
    let s = find_service(aws, cluster, service).await?;
    if let Some(refusal) = super::controller_refusal(&s, "redeploy") {
        return Err(refusal);
    }
    Ok(RedeployPlan {
        service: ClusterService::of(&s),
        task_definition: running_task_definition(&s).to_string(),
        desired_count: s.desired_count,
        running_count: s.running_count,
    })
}

pub async fn execute(mutator: &Mutator, plan: &RedeployPlan) -> Result<Started> {
    let service = mutator
        .update_service(
            &plan.service.cluster,
            &plan.service.name,
            &ServiceChange::ForceNewDeployment,
        )
        .await?;
    Ok(Started {
        deployment_id: service.primary().map(|d| d.id.clone()),
        task_definition: running_task_definition(&service).to_string(),
        service,
    })
}
