//! `tasks --json` `target_health`: each load-balancer target that stands for the task, with
//! its state and, when unhealthy, AWS's reason code and description.

use serde::Serialize;

use crate::analysis::targets::target_group_name;
use crate::model::TargetHealth;

/// One target of a task.
#[derive(Debug, Clone, Serialize)]
pub struct TargetHealthJson {
    pub target_group_arn: String,
    /// The target group's name (from its ARN).
    pub target_group: String,
    /// The ENI's private IP (`ip` targets) or the EC2 instance id (`instance` targets).
    pub target_id: String,
    pub port: Option<i32>,
    /// `healthy`, `unhealthy`, `draining`, `initial`, `unused`, `unavailable`.
    pub state: String,
    /// `Target.ResponseCodeMismatch`, `Target.Timeout` … (`null` when healthy).
    pub reason: Option<String>,
    pub description: Option<String>,
}

impl From<&TargetHealth> for TargetHealthJson {
    fn from(t: &TargetHealth) -> Self {
        Self {
            target_group_arn: t.target_group_arn.clone(),
            target_group: target_group_name(&t.target_group_arn).to_string(),
            target_id: t.target_id.clone(),
            port: t.port,
            state: t.state.as_str().to_string(),
            reason: t.reason.clone(),
            description: t.description.clone(),
        }
    }
}
