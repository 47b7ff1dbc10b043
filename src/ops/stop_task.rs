//! Stop one task: plan (which task, of which service, with what reason), then StopTask
//! through the `Mutator` (audited). A service starts a replacement by itself.

use super::guard::Mutator;
use crate::aws::AwsClients;
use crate::error::{Error, Result};
use crate::load::{TaskInCluster, load_task};
use crate::model::{CallerIdentity, Task, TaskStatus};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StopPlan {
    pub cluster: String,
    pub task_id: String,
    pub task_arn: String,
    pub service: Option<String>,
    pub last_status: String,
    pub reason: String,
}

impl StopPlan {
    pub fn summary(&self) -> String {
        let then = match &self.service {
            Some(s) => format!("service {s} starts a replacement"),
            None => "nothing replaces it (not started by a service)".to_string(),
        };
        format!(
            "stop task {} ({}, {}) with reason {:?}; {then}",
            self.task_id, self.cluster, self.last_status, self.reason
        )
    }
}

/// `stopped with ecsnap by <identity>`: the STS ARN, else the profile, else "unknown".
pub fn default_reason(identity: Option<&CallerIdentity>, profile: Option<&str>) -> String {
    let who = identity.map_or_else(
        || profile.map_or_else(|| "unknown".to_string(), |p| format!("profile {p}")),
        |i| i.arn.clone(),
    );
    format!("stopped with ecsnap by {who}")
}

/// The plan from a described task (the console has it already).
pub fn plan_for(found: &TaskInCluster, reason: String) -> Result<StopPlan> {
    let t = &found.task;
    if t.last_status == TaskStatus::Stopped || t.desired_status == TaskStatus::Stopped {
        return Err(Error::Usage(format!(
            "task {} is already {} (desired {}): nothing to stop",
            t.id, t.last_status, t.desired_status
        )));
    }
    Ok(StopPlan {
        cluster: found.cluster.clone(),
        task_id: t.id.clone(),
        task_arn: t.arn.clone(),
        service: t.service_name().map(str::to_string),
        last_status: t.last_status.to_string(),
        reason,
    })
}

pub async fn plan(aws: &AwsClients, cluster: &str, task: &str, reason: String) -> Result<StopPlan> {
    let found = load_task(aws, cluster, task).await?;
    plan_for(&found, reason)
}

/// StopTask with the plan's reason; the task as ECS answered.
pub async fn execute(mutator: &Mutator, plan: &StopPlan) -> Result<Task> {
    mutator
        .stop_task(&plan.cluster, &plan.task_arn, &plan.reason)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_and_plans() {
        let id = CallerIdentity {
            arn: "arn:aws:iam::1:user/ana".into(),
            ..CallerIdentity::default()
        };
        assert_eq!(
            default_reason(Some(&id), Some("ops")),
            "stopped with ecsnap by arn:aws:iam::1:user/ana"
        );
        assert_eq!(
            default_reason(None, Some("ops")),
            "stopped with ecsnap by profile ops"
        );
        let mut found = TaskInCluster {
            cluster: "prod".into(),
            task: Task {
                id: "t1".into(),
                arn: "arn:t1".into(),
                group: Some("service:api".into()),
                last_status: "RUNNING".into(),
                desired_status: "RUNNING".into(),
                ..Task::default()
            },
            service_exec: None,
        };
        let p = plan_for(&found, "why".into()).expect("plan");
        assert!(
            p.summary().contains("service api starts a replacement"),
            "{}",
            p.summary()
        );
        found.task.desired_status = "STOPPED".into();
        assert!(plan_for(&found, "why".into()).is_err());
    }
}
