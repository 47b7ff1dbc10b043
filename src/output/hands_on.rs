//! The JSON of `scale`, `stop-task` and `port-forward` (with `--json`): one object each,
//! snake_case, ids as AWS prints them.

use serde::Serialize;

use super::parts::{EndJson, PollsJson, ServiceActionJson};

use crate::model::Task;
use crate::ops::port_forward::PortForwardPlan;
use crate::ops::scale::ScalePlan;
use crate::ops::scale::{CountOutcome, CountVerdict};
use crate::ops::stop_task::StopPlan;

#[derive(Debug, Serialize)]
pub struct ScaleJson {
    #[serde(flatten)]
    pub on: ServiceActionJson,
    pub from_desired_count: i32,
    pub desired_count: i32,
    pub running_count: i32,
    /// The desired count ECS answered with; `null` on a dry run or a no-op.
    pub updated_desired_count: Option<i32>,
    /// With `--wait`: how watching the running count ended.
    pub wait: Option<ScaleWaitJson>,
}

#[derive(Debug, Serialize)]
pub struct ScaleWaitJson {
    /// `status`: `reached`, `failed` or `timed_out`.
    #[serde(flatten)]
    pub end: EndJson,
    pub running_count: i32,
    pub pending_count: i32,
    #[serde(flatten)]
    pub polled: PollsJson,
}

impl ScaleWaitJson {
    pub fn new(o: &CountOutcome) -> Self {
        Self {
            end: match &o.verdict {
                CountVerdict::Reached => EndJson::new("reached", None),
                CountVerdict::Failed(why) => EndJson::new("failed", Some(why)),
                CountVerdict::Moving => EndJson::new("timed_out", None),
            },
            running_count: o.running,
            pending_count: o.pending,
            polled: PollsJson::new(o.elapsed, o.polls),
        }
    }
}

impl ScaleJson {
    pub fn new(plan: &ScalePlan, dry_run: bool) -> Self {
        Self {
            on: ServiceActionJson::new("scale", &plan.service, dry_run),
            from_desired_count: plan.from,
            desired_count: plan.to,
            running_count: plan.running,
            updated_desired_count: None,
            wait: None,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct StopTaskJson {
    pub action: &'static str,
    pub cluster: String,
    pub task_id: String,
    pub task_arn: String,
    pub service_name: Option<String>,
    pub dry_run: bool,
    pub reason: String,
    /// The task's desired and last status as StopTask answered; `null` on a dry run.
    pub desired_status: Option<String>,
    pub last_status: Option<String>,
}

impl StopTaskJson {
    pub fn new(plan: &StopPlan, dry_run: bool, stopped: Option<&Task>) -> Self {
        Self {
            action: "stop-task",
            cluster: plan.cluster.clone(),
            task_id: plan.task_id.clone(),
            task_arn: plan.task_arn.clone(),
            service_name: plan.service.clone(),
            dry_run,
            reason: plan.reason.clone(),
            desired_status: stopped.map(|t| t.desired_status.to_string()),
            last_status: stopped.map(|t| t.last_status.to_string()),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct PortForwardJson {
    pub action: &'static str,
    pub cluster: String,
    pub task_id: String,
    pub container: String,
    pub target: String,
    pub document_name: &'static str,
    pub host: Option<String>,
    pub remote_port: u16,
    pub local_port: u16,
    pub session_id: Option<String>,
}

impl PortForwardJson {
    pub fn new(plan: &PortForwardPlan, session_id: Option<String>) -> Self {
        Self {
            action: "port-forward",
            cluster: plan.cluster.clone(),
            task_id: plan.task_id.clone(),
            container: plan.container.clone(),
            target: plan.target(),
            document_name: plan.document(),
            host: plan.host.clone(),
            remote_port: plan.remote_port,
            local_port: plan.local_port,
            session_id,
        }
    }
}
