//! Detail pane state: one service's task definition (containers, images, environment) and
//! the image digests its live tasks run. Deployments and events come from the service
//! itself, as the Services pane holds it.

use chrono::{DateTime, Utc};

use crate::analysis::stop::{StopClass, diagnose};
use crate::analysis::targets::{target_rank, targets_by_task, task_of, with_target_reason};
use crate::load::targets::ServiceTargets;
use crate::model::{TargetHealth, Task, TaskDefinition};
use crate::tui::state::list::Loader;
use crate::tui::state::service_ref::ServiceRef;

/// How many stopped tasks Detail lists (newest first).
pub const STOPPED_SHOWN: usize = 5;

/// A stopped task of the service as Detail shows it: why it stopped, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoppedTask {
    pub id: String,
    pub stopped_at: Option<DateTime<Utc>>,
    pub class: StopClass,
    pub hint: String,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct DetailData {
    pub task_definition: TaskDefinition,
    /// (container name, image digest) reported by the service's live tasks.
    pub digests: Vec<(String, String)>,
    /// The service's recently stopped tasks, newest first, at most [`STOPPED_SHOWN`].
    pub stopped: Vec<StoppedTask>,
    /// Its target groups' health, read beside the tasks (boxed: most services have none).
    pub health: Box<DetailTargets>,
}

/// The target health Detail shows.
#[derive(Debug, Clone, Default)]
pub struct DetailTargets {
    pub targets: ServiceTargets,
    /// Each target with the id of the task it stands for (when one of the tasks does),
    /// the worst first.
    pub target_tasks: Vec<(TargetHealth, Option<String>)>,
}

impl DetailData {
    pub fn new(task_definition: TaskDefinition, tasks: &[Task]) -> Self {
        let mut digests: Vec<(String, String)> = tasks
            .iter()
            .filter(|t| t.is_live())
            .flat_map(|t| &t.containers)
            .filter_map(|c| Some((c.name.clone(), c.image_digest.clone()?)))
            .collect();
        digests.sort();
        digests.dedup();
        Self {
            task_definition,
            digests,
            stopped: stopped_tasks(tasks),
            health: Box::default(),
        }
    }

    /// The target health read beside `tasks`: each target with its task, and the stopped
    /// tasks' failed-ELB-health-check hints paired with their target's reason.
    pub fn set_targets(&mut self, targets: ServiceTargets, tasks: &[Task]) {
        let by_task = targets_by_task(&targets.targets, tasks, &targets.instances);
        for stopped in &mut self.stopped {
            let Some(task) = tasks.iter().find(|t| t.id == stopped.id) else {
                continue;
            };
            let mine = by_task.get(&task.arn).map_or(&[][..], Vec::as_slice);
            if let Some(d) = diagnose(task) {
                stopped.hint = with_target_reason(d, mine).console_hint();
            }
        }
        let mut rows: Vec<(TargetHealth, Option<String>)> = targets
            .targets
            .iter()
            .map(|t| {
                (
                    t.clone(),
                    task_of(t, tasks, &targets.instances).map(|x| x.id.clone()),
                )
            })
            .collect();
        rows.sort_by_key(|(t, _)| target_rank(t));
        *self.health = DetailTargets {
            targets,
            target_tasks: rows,
        };
    }

    pub fn digest_of(&self, container: &str) -> Option<&str> {
        self.digests
            .iter()
            .find(|(n, _)| n == container)
            .map(|(_, d)| d.as_str())
    }
}

/// The tasks that stopped, newest first, each with its class, hint and full reason.
fn stopped_tasks(tasks: &[Task]) -> Vec<StoppedTask> {
    let mut out: Vec<StoppedTask> = tasks
        .iter()
        .filter(|t| !t.is_live())
        .filter_map(|t| {
            let d = diagnose(t)?;
            Some(StoppedTask {
                id: t.id.clone(),
                stopped_at: t.stopped_at,
                class: d.class,
                hint: d.console_hint(),
                reason: t
                    .stopped_reason
                    .clone()
                    .or_else(|| t.stop_code.clone())
                    .unwrap_or_default(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.stopped_at
            .cmp(&a.stopped_at)
            .then_with(|| a.id.cmp(&b.id))
    });
    out.truncate(STOPPED_SHOWN);
    out
}

#[derive(Debug, Clone, Default)]
pub struct DetailPane {
    pub target: Option<ServiceRef>,
    pub loader: Loader,
    pub data: Option<DetailData>,
    /// Lines scrolled down (the view clamps it to the text).
    pub scroll: std::cell::Cell<u16>,
}

impl DetailPane {
    /// Points the pane at another service; the same service keeps what it shows (only its
    /// place is updated).
    pub fn retarget(&mut self, target: ServiceRef) {
        if target.replace_in(&mut self.target) {
            self.data = None;
            self.scroll.set(0);
            self.loader.forget();
        }
    }
}
