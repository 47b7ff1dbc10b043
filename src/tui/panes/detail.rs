//! Detail pane state: one service's task definition (containers, images, environment) and
//! the image digests its live tasks run. Deployments and events come from the service
//! itself, as the Services pane holds it.

use super::Loader;
use super::tasks::Target;
use crate::model::{Task, TaskDefinition};

#[derive(Debug, Clone)]
pub struct DetailData {
    pub task_definition: TaskDefinition,
    /// (container name, image digest) reported by the service's live tasks.
    pub digests: Vec<(String, String)>,
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
        }
    }

    pub fn digest_of(&self, container: &str) -> Option<&str> {
        self.digests
            .iter()
            .find(|(n, _)| n == container)
            .map(|(_, d)| d.as_str())
    }
}

#[derive(Debug, Clone, Default)]
pub struct DetailPane {
    pub target: Option<Target>,
    pub loader: Loader,
    pub data: Option<DetailData>,
    /// Lines scrolled down (the view clamps it to the text).
    pub scroll: std::cell::Cell<u16>,
}

impl DetailPane {
    pub fn retarget(&mut self, target: Target) {
        if self.target.as_ref() != Some(&target) {
            self.target = Some(target);
            self.data = None;
            self.scroll.set(0);
            self.loader.state = super::LoadState::Idle;
            self.loader.loaded_once = false;
        }
    }
}
