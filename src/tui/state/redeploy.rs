//! The redeploy dialog: force a new deployment of a service (then the wait view).

use crate::ops::redeploy::RedeployPlan;

#[derive(Debug, Clone)]
pub struct RedeployModal {
    pub cluster: String,
    pub service: String,
    /// Once planned: exactly what the confirmation sends.
    pub plan: Option<RedeployPlan>,
}

impl RedeployModal {
    pub fn new(cluster: &str, service: &str) -> Self {
        Self {
            cluster: cluster.to_string(),
            service: service.to_string(),
            plan: None,
        }
    }

    pub fn title(&self) -> String {
        format!("Force a redeploy of {}/{}", self.cluster, self.service)
    }
}
