//! Deployments waiting for a person, for the listings (`services --json`, `report`): for
//! each service still deploying (`analysis::health::stability` says so — a settled
//! service has nothing paused), its IN_PROGRESS service deployments are listed and
//! described, and the newest one paused at a hook AWAITING_ACTION is kept with that hook.
//! An endpoint without the operations, or a denied call, leaves the service out (the
//! listing stays whole); logged.

use futures::{StreamExt, stream};

use super::deployments::load_deployments;
use crate::analysis::deployments::awaiting_action;
use crate::analysis::health::{Stability, stability};
use crate::aws::{AwsClients, MAX_CONCURRENCY};
use crate::model::{
    DeploymentLifecycleStage, LifecycleHookDetail, Service, ServiceDeploymentStatus,
};

/// A service's deployment paused at a lifecycle hook until someone continues it or rolls
/// it back — or until `hook.expires_at`, when `hook.timeout_action` fires by itself.
#[derive(Debug, Clone, PartialEq)]
pub struct AwaitingAction {
    pub cluster: String,
    pub service: String,
    pub service_arn: String,
    pub deployment_arn: String,
    pub stage: Option<DeploymentLifecycleStage>,
    pub hook: LifecycleHookDetail,
}

/// The deployments awaiting action among `services`, in their order.
pub async fn load_awaiting_action(aws: &AwsClients, services: &[Service]) -> Vec<AwaitingAction> {
    let deploying: Vec<Service> = services
        .iter()
        .filter(|s| stability(s) == Stability::Deploying)
        .cloned()
        .collect();
    let mut found: Vec<(usize, AwaitingAction)> = stream::iter(deploying.into_iter().enumerate())
        .map(|(i, s)| async move {
            let listed = load_deployments(
                aws,
                &s.cluster,
                &s.name,
                None,
                &[ServiceDeploymentStatus::InProgress],
            )
            .await;
            match listed {
                Ok(deployments) => awaiting_action(&deployments).map(|(d, hook)| {
                    (
                        i,
                        AwaitingAction {
                            cluster: s.cluster.clone(),
                            service: s.name.clone(),
                            service_arn: s.arn.clone(),
                            deployment_arn: d.arn.clone(),
                            stage: d.lifecycle_stage.clone(),
                            hook: hook.clone(),
                        },
                    )
                }),
                Err(e) => {
                    tracing::info!(
                        "deployments awaiting action of {}/{}: {e}",
                        s.cluster,
                        s.name
                    );
                    None
                }
            }
        })
        .buffer_unordered(MAX_CONCURRENCY)
        .filter_map(|x| async move { x })
        .collect()
        .await;
    found.sort_by_key(|(i, _)| *i);
    found.into_iter().map(|(_, a)| a).collect()
}
