//! Tasks pane state: the tasks of one service, and the service's EBS volumes (from task
//! attachments, and EC2 volumes tagged with the service as ECS tags them).

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::analysis::stop::{StopDiagnosis, diagnose};
use crate::analysis::targets::{targets_by_task, with_target_reason, worst};
use crate::analysis::volumes::{MountedVolume, mounted_volumes};
use crate::load::targets::ServiceTargets;
use crate::model::{TargetHealth, TargetHealthState, Task, TaskStorage, Volume};
use crate::tui::state::list::{ListPane, Loader, Row, by};

pub const SORT_COLUMNS: &[&str] = &["status", "started", "task", "health"];

/// The service a pane is about: (cluster, service).
pub use crate::tui::state::service_ref::ServiceRef;

#[derive(Debug, Clone)]
pub struct TaskRow {
    pub task: Task,
    /// Why it stopped, classified once when the row is made; `None` while it runs.
    pub stop: Option<StopDiagnosis>,
    /// The load-balancer targets that stand for it, the worst first.
    pub targets: Vec<TargetHealth>,
}

impl TaskRow {
    pub fn new(task: Task) -> Self {
        let stop = diagnose(&task);
        Self {
            task,
            stop,
            targets: Vec::new(),
        }
    }

    /// With its targets: a stop for failed ELB health checks gets the target's reason.
    #[must_use]
    pub fn with_targets(mut self, targets: &[&TargetHealth]) -> Self {
        self.stop = self.stop.map(|d| with_target_reason(d, targets));
        let mut targets: Vec<&TargetHealth> = targets.to_vec();
        if let Some(w) = worst(&targets) {
            targets.retain(|t| *t != w);
            targets.insert(0, w);
        }
        self.targets = targets.into_iter().cloned().collect();
        self
    }

    /// The TG column: the worst target's state, with its reason code
    /// (`unhealthy ResponseCodeMismatch`); `-` in no target group.
    pub fn target_cell(&self) -> String {
        self.targets.first().map_or_else(
            || "-".to_string(),
            |t| match t.reason.as_deref() {
                Some(r) if t.state != TargetHealthState::Healthy => {
                    format!("{} {}", t.state, r.trim_start_matches("Target."))
                }
                _ => t.state.to_string(),
            },
        )
    }
}

impl Row for TaskRow {
    fn key(&self) -> String {
        self.task.id.clone()
    }

    fn haystack(&self) -> String {
        let t = &self.task;
        let vols: Vec<&str> = t.volumes.iter().map(|v| v.volume_id.as_str()).collect();
        (format!(
            "{} {} {} {} {} {} ",
            t.id,
            t.last_status,
            t.desired_status,
            t.health_status.as_deref().unwrap_or(""),
            t.stopped_reason.as_deref().unwrap_or(""),
            vols.join(" "),
        ) + self.stop.as_ref().map_or("", |d| d.class.label()))
        .to_lowercase()
    }

    fn compare(&self, o: &Self, column: usize) -> Ordering {
        let (a, b) = (&self.task, &o.task);
        let ids = || by(&a.id, &b.id);
        match column {
            0 => by(b.is_live(), a.is_live())
                .then_with(|| by(b.started_at, a.started_at))
                .then_with(ids),
            1 => by(b.started_at, a.started_at).then_with(ids),
            2 => ids(),
            _ => by(&a.health_status, &b.health_status).then_with(ids),
        }
    }

    fn descending(column: usize) -> bool {
        matches!(column, 0 | 1)
    }
}

/// An EBS volume of the service: attached to one of its tasks, or tagged with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeRow {
    pub id: String,
    pub size_gib: Option<i32>,
    pub volume_type: Option<String>,
    pub state: Option<String>,
    pub delete_on_termination: Option<bool>,
    /// The task it is attached to, when ECS reports the attachment.
    pub task: Option<String>,
    /// Instance ids or task ARNs EC2 reports it attached to.
    pub attached_to: Vec<String>,
}

/// Joins the tasks' EBS attachments and the service-tagged EC2 volumes with what
/// `DescribeVolumes` says about each. Attached ones first, then by id.
pub fn service_volumes(
    tasks: &[Task],
    volumes: &[Volume],
    cluster: &str,
    service: &str,
) -> Vec<VolumeRow> {
    let by_id: HashMap<&str, &Volume> = volumes.iter().map(|v| (v.id.as_str(), v)).collect();
    let described = |id: &str, task: Option<String>, dot: Option<bool>| {
        let v = by_id.get(id);
        VolumeRow {
            id: id.to_string(),
            size_gib: v.map(|v| v.size_gib),
            volume_type: v.map(|v| v.volume_type.clone()),
            state: v.map(|v| v.state.to_string()),
            delete_on_termination: dot,
            task,
            attached_to: v.map(|v| v.attached_to.clone()).unwrap_or_default(),
        }
    };
    let mut rows: Vec<VolumeRow> = Vec::new();
    for t in tasks {
        for tv in &t.volumes {
            if !rows.iter().any(|r| r.id == tv.volume_id) {
                rows.push(described(
                    &tv.volume_id,
                    Some(t.id.clone()),
                    tv.delete_on_termination,
                ));
            }
        }
    }
    for v in volumes {
        let tagged = v.tags.get("aws:ecs:clusterName").map(String::as_str) == Some(cluster)
            && v.tags.get("aws:ecs:serviceName").map(String::as_str) == Some(service);
        if tagged && !rows.iter().any(|r| r.id == v.id) {
            rows.push(described(&v.id, None, None));
        }
    }
    rows.sort_by(|a, b| {
        by(
            b.state.as_deref() == Some("in-use"),
            a.state.as_deref() == Some("in-use"),
        )
        .then_with(|| by(&a.id, &b.id))
    });
    rows
}

/// What a tasks load brings back: the tasks, and EC2's volumes (which may fail alone).
#[derive(Debug, Clone)]
pub struct TasksData {
    pub tasks: Vec<Task>,
    pub volumes: Result<Vec<Volume>, String>,
    /// The task definitions' storage by ARN (may fail alone).
    pub storage: Result<HashMap<String, TaskStorage>, String>,
    /// What the load balancers say of the tasks (read beside them).
    pub targets: ServiceTargets,
}

#[derive(Debug, Clone)]
pub struct TasksPane {
    pub target: Option<ServiceRef>,
    pub list: ListPane<TaskRow>,
    pub loader: Loader,
    pub volumes: Vec<VolumeRow>,
    pub volumes_error: Option<String>,
    /// The task definitions' volumes (every kind) and mount points, by ARN.
    pub storage: HashMap<String, TaskStorage>,
    pub storage_error: Option<String>,
    /// Why the target health could not be read (naming
    /// `elasticloadbalancing:DescribeTargetHealth`), when it could not.
    pub targets_error: Option<String>,
    /// Each task's own utilisation (enhanced observability), a load of its own.
    pub metrics: crate::tui::state::task_metrics::TaskMetricsState,
}

impl Default for TasksPane {
    fn default() -> Self {
        Self {
            target: None,
            list: ListPane::new(SORT_COLUMNS),
            loader: Loader::default(),
            volumes: Vec::new(),
            volumes_error: None,
            storage: HashMap::new(),
            storage_error: None,
            targets_error: None,
            metrics: crate::tui::state::task_metrics::TaskMetricsState::default(),
        }
    }
}

impl TasksPane {
    /// The selected task's volumes (every kind, with mount points and its EBS
    /// attachments), and its ephemeral storage; `None` without a selected task.
    pub fn selected_volumes(&self) -> Option<(Vec<MountedVolume>, Option<i32>)> {
        let task = &self.list.selected_row()?.task;
        let empty = TaskStorage::default();
        let storage = self.storage.get(&task.task_definition).unwrap_or(&empty);
        Some((
            mounted_volumes(storage, &task.volumes),
            task.ephemeral_storage_gib.or(storage.ephemeral_storage_gib),
        ))
    }

    /// Points the pane at another service, forgetting the old one's rows; the same
    /// service keeps them (only its place is updated).
    pub fn retarget(&mut self, target: ServiceRef) {
        if self
            .target
            .as_ref()
            .is_some_and(|t| t.is_service(&target.cluster, &target.service))
        {
            self.target = Some(target);
        } else {
            let metrics_generation = self.metrics.loader.generation;
            *self = Self {
                target: Some(target),
                loader: Loader {
                    generation: self.loader.generation,
                    ..Loader::default()
                },
                ..Self::default()
            };
            // Generations only grow: an answer about the service before is never taken.
            self.metrics.loader.generation = metrics_generation;
        }
    }

    pub fn set_data(&mut self, data: TasksData) {
        let Some((cluster, service)) = self.target.as_ref().map(ServiceRef::names) else {
            return;
        };
        match &data.volumes {
            Ok(vols) => {
                self.volumes = service_volumes(&data.tasks, vols, &cluster, &service);
                self.volumes_error = None;
            }
            Err(e) => {
                self.volumes = service_volumes(&data.tasks, &[], &cluster, &service);
                self.volumes_error = Some(e.clone());
            }
        }
        match data.storage {
            Ok(storage) => {
                self.storage = storage;
                self.storage_error = None;
            }
            Err(e) => self.storage_error = Some(e),
        }
        self.targets_error = data.targets.error_line();
        let targets = &data.targets;
        let by_task = targets_by_task(&targets.targets, &data.tasks, &targets.instances);
        let rows = data
            .tasks
            .iter()
            .map(|t| {
                let mine = by_task.get(&t.arn).map_or(&[][..], Vec::as_slice);
                TaskRow::new(t.clone()).with_targets(mine)
            })
            .collect();
        self.list.set_rows(rows);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TaskVolume;

    #[test]
    fn attachments_and_tagged_volumes_are_joined() {
        let vol = |id: &str, state: &str, svc: &str| Volume {
            id: id.into(),
            size_gib: 50,
            volume_type: "gp3".into(),
            state: state.into(),
            tags: [
                ("aws:ecs:clusterName".to_string(), "c".to_string()),
                ("aws:ecs:serviceName".to_string(), svc.to_string()),
            ]
            .into_iter()
            .collect(),
            ..Volume::default()
        };
        let volumes = vec![
            vol("vol-b", "available", "ledger"),
            vol("vol-a", "in-use", "ledger"),
            vol("vol-x", "in-use", "api"),
            vol("vol-t", "in-use", "other"),
        ];
        let tasks = vec![Task {
            id: "t1".into(),
            volumes: vec![TaskVolume {
                volume_id: "vol-t".into(),
                name: None,
                delete_on_termination: Some(true),
            }],
            ..Task::default()
        }];
        let rows = service_volumes(&tasks, &volumes, "c", "ledger");
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["vol-a", "vol-t", "vol-b"]);
        assert_eq!(rows[1].task.as_deref(), Some("t1"));
        assert_eq!(rows[1].delete_on_termination, Some(true));
        assert_eq!(rows[2].size_gib, Some(50));
    }
}
