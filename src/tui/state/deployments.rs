//! The Deployments pane: one service's deployments as ECS records them
//! (ListServiceDeployments), newest first, with the service revisions they name, and the
//! one the cursor is on. Where the pane was opened from (Esc returns there).

use std::cell::Cell;
use std::collections::HashMap;

use crate::model::{ServiceDeployment, ServiceRevision};
use crate::tui::state::list::Loader;
use crate::tui::state::pane_id::PaneId;
use crate::tui::state::service_ref::ServiceRef;

/// A service's deployment history as loaded.
#[derive(Debug, Clone, Default)]
pub struct DeploymentsData {
    /// Newest first.
    pub deployments: Vec<ServiceDeployment>,
    /// The revisions they name, by ARN (empty when they could not be described).
    pub revisions: HashMap<String, ServiceRevision>,
    /// Why the revisions are not shown (denied, unsupported), when they are not.
    pub revisions_note: Option<String>,
}

impl DeploymentsData {
    pub fn revision(&self, arn: &str) -> Option<&ServiceRevision> {
        self.revisions.get(arn)
    }
}

#[derive(Debug, Clone)]
pub struct DeploymentsPane {
    pub target: Option<ServiceRef>,
    /// Where Esc returns.
    pub from: PaneId,
    pub loader: Loader,
    pub data: Option<DeploymentsData>,
    /// The deployment the cursor is on (index into `data.deployments`).
    pub selected: usize,
    /// Lines scrolled down (the view keeps the selected deployment in sight).
    pub scroll: Cell<u16>,
}

impl Default for DeploymentsPane {
    fn default() -> Self {
        Self {
            target: None,
            from: PaneId::Services,
            loader: Loader::default(),
            data: None,
            selected: 0,
            scroll: Cell::new(0),
        }
    }
}

impl DeploymentsPane {
    /// Points the pane at another service; the same service keeps what it shows.
    pub fn retarget(&mut self, target: ServiceRef) {
        if target.replace_in(&mut self.target) {
            self.data = None;
            self.selected = 0;
            self.scroll.set(0);
            self.loader.forget();
        }
    }

    /// A load's answer: the cursor stays on the same deployment when it is still listed.
    pub fn set_data(&mut self, data: DeploymentsData) {
        let arn = self.selected_deployment().map(|d| d.arn.clone());
        self.selected = arn
            .and_then(|a| data.deployments.iter().position(|d| d.arn == a))
            .unwrap_or(0);
        self.data = Some(data);
    }

    pub fn selected_deployment(&self) -> Option<&ServiceDeployment> {
        self.data.as_ref()?.deployments.get(self.selected)
    }

    pub fn move_by(&mut self, delta: isize) {
        let len = self.data.as_ref().map_or(0, |d| d.deployments.len());
        self.selected = self
            .selected
            .saturating_add_signed(delta)
            .min(len.saturating_sub(1));
    }
}
