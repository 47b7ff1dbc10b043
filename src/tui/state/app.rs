//! The console's state: which pane is shown, each pane's own state, the header facts and
//! the input mode. Only `update` changes it; the views read it.

use chrono::{DateTime, Utc};

use crate::config::Settings;
use crate::tui::state::deployments::DeploymentsPane;
use crate::tui::state::detail::DetailPane;
use crate::tui::state::list::{ListOps, LoadState, Loader};
use crate::tui::state::orphans::OrphansPane;
use crate::tui::state::pane_id::PaneId;
use crate::tui::state::service_ref::ServiceRef;
use crate::tui::state::services::ServicesPane;
use crate::tui::state::snapshots::SnapshotsPane;
use crate::tui::state::tasks::TasksPane;

/// What a `:` jump can land on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JumpTarget {
    AllClusters,
    Cluster(String),
    Service(String, String),
    User(String, String),
    /// `:ctx NAME` (`all`: every account) — a console on several places only.
    Account(String),
    /// `:region R` (`all`: every region) — a console on several places only.
    Region(String),
}

impl JumpTarget {
    /// The text typed to reach it.
    pub fn text(&self) -> String {
        match self {
            JumpTarget::AllClusters => "*".into(),
            JumpTarget::Cluster(c) => c.clone(),
            JumpTarget::Service(c, s) => format!("{c}/{s}"),
            JumpTarget::User(_, u) => u.clone(),
            JumpTarget::Account(a) => format!("ctx {a}"),
            JumpTarget::Region(r) => format!("region {r}"),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            JumpTarget::AllClusters => "all clusters",
            JumpTarget::Cluster(_) => "cluster",
            JumpTarget::Service(..) => "service",
            JumpTarget::User(..) => "user",
            JumpTarget::Account(_) => "account",
            JumpTarget::Region(_) => "region",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Mode {
    #[default]
    Normal,
    /// Typing a filter; rows narrow as it changes.
    Filter,
    /// Typing a `:` jump.
    Jump {
        input: String,
        choice: usize,
    },
    Help,
}

/// The smallest terminal the console draws its panes in.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Whether a terminal of this size shows the panes (else the "too small" notice, behind
/// which no key but quit acts).
pub fn fits(width: u16, height: u16) -> bool {
    width >= MIN_WIDTH && height >= MIN_HEIGHT
}

/// Facts the header shows.
#[derive(Debug, Clone, Default)]
pub struct HeaderInfo {
    pub profile: Option<String>,
    pub region: String,
    pub account: Option<String>,
    pub account_error: Option<String>,
    pub endpoint: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub pane: PaneId,
    /// Where Esc from Detail returns.
    pub detail_from: PaneId,
    pub mode: Mode,
    pub services: ServicesPane,
    /// Every service's events, one feed (built from `services`).
    pub events: crate::tui::state::events::EventsPane,
    pub tasks: TasksPane,
    pub detail: DetailPane,
    pub deployments: DeploymentsPane,
    pub snapshots: SnapshotsPane,
    pub orphans: OrphansPane,
    pub header: HeaderInfo,
    pub settings: Settings,
    pub now: DateTime<Utc>,
    pub last_refresh: Option<DateTime<Utc>>,
    /// A one-line note for the user (jump misses, hints).
    pub message: Option<String>,
    pub color: bool,
    /// The program `b` opens a URL with (`open`, `xdg-open`); `None`: no display, the URL
    /// is only shown.
    pub opener: Option<&'static str>,
    /// Rows a page moves (from the terminal height).
    pub page: usize,
    /// Drives the spinner.
    pub tick: usize,
    /// The terminal is below the console's minimum size: the panes are hidden behind a
    /// notice and every key but quit is ignored, so nothing acts out of sight.
    pub too_small: bool,
    pub quit: bool,
    /// Ctrl-C was pressed once during the running cleanup (a second one quits).
    pub cleanup_interrupted: bool,
    /// The open action dialog; it takes every key while open.
    pub modal: Option<crate::tui::state::modal::Modal>,
    /// The newest dialog's generation (answers for older ones are dropped).
    pub action_generation: u64,
    /// The Logs view of a task, drawn over the panes; it takes every key while open.
    pub logs: Option<Box<crate::tui::state::logs::LogsView>>,
    /// The newest Logs view's generation.
    pub logs_generation: u64,
    /// The plugin run the event loop starts next (an exec or a port forward).
    pub foreground: Option<crate::tui::state::hands_on::Foreground>,
    /// Port forwards running behind the console (the header shows them).
    pub forwards: Vec<String>,
    /// The places of a console opened on several accounts or regions (empty otherwise).
    pub places: crate::tui::state::places::Places,
    /// The `?` overlay's scroll (open while `mode` is `Help`).
    pub help: crate::tui::state::help::HelpView,
}

impl AppState {
    /// The service (cluster, name) the shown pane is about: the selected row on Services,
    /// the one whose tasks or detail are shown on Tasks and Detail.
    pub fn service_in_view(&self) -> Option<(String, String)> {
        match self.pane {
            PaneId::Services => self
                .services
                .list
                .selected_row()
                .map(|r| (r.service.cluster.clone(), r.service.name.clone())),
            PaneId::Tasks => self.tasks.target.as_ref().map(ServiceRef::names),
            PaneId::Detail => self.detail.target.as_ref().map(ServiceRef::names),
            PaneId::Events => self
                .events
                .list
                .selected_row()
                .map(|r| (r.event.cluster.clone(), r.event.service.clone())),
            PaneId::Deployments => self.deployments.target.as_ref().map(ServiceRef::names),
            PaneId::Snapshots | PaneId::Orphans => None,
        }
    }

    pub fn new(settings: Settings, header: HeaderInfo, color: bool, now: DateTime<Utc>) -> Self {
        Self {
            opener: None,
            pane: PaneId::Services,
            detail_from: PaneId::Services,
            mode: Mode::Normal,
            services: ServicesPane::default(),
            events: crate::tui::state::events::EventsPane::default(),
            tasks: TasksPane::default(),
            detail: DetailPane::default(),
            deployments: DeploymentsPane::default(),
            snapshots: SnapshotsPane::default(),
            orphans: OrphansPane::default(),
            header,
            settings,
            now,
            last_refresh: None,
            message: None,
            color,
            page: 10,
            tick: 0,
            too_small: false,
            quit: false,
            cleanup_interrupted: false,
            modal: None,
            action_generation: 0,
            logs: None,
            logs_generation: 0,
            foreground: None,
            forwards: Vec::new(),
            places: crate::tui::state::places::Places::default(),
            help: crate::tui::state::help::HelpView::default(),
        }
    }

    /// A pane whose newest load failed for missing or expired credentials: its error, and
    /// since when the panes show older data (the oldest of their last good loads).
    pub fn credentials_failure(&self) -> Option<(&str, Option<DateTime<Utc>>)> {
        let loaders = [
            &self.services.loader,
            &self.tasks.loader,
            &self.detail.loader,
            &self.snapshots.loader,
            &self.orphans.loader,
        ];
        let error = loaders
            .iter()
            .filter_map(|l| l.state.error())
            .find(|e| crate::error::is_credentials_error(e))?;
        let since = loaders.iter().filter_map(|l| l.loaded_at).min();
        Some((error, since))
    }

    /// The place of what the shown pane is about: the selected row's (Services, Orphans,
    /// Snapshots), the shown service's (Tasks, Detail). `None` with one place.
    pub fn place_in_view(&self) -> Option<usize> {
        match self.pane {
            PaneId::Services => self.services.list.selected_row().and_then(|r| r.place),
            PaneId::Tasks => self.tasks.target.as_ref().and_then(|t| t.place),
            PaneId::Detail => self.detail.target.as_ref().and_then(|t| t.place),
            PaneId::Deployments => self.deployments.target.as_ref().and_then(|t| t.place),
            PaneId::Orphans => self
                .orphans
                .list
                .selected_row()
                .and_then(|r| self.orphans.place_of.get(r.id()).copied()),
            PaneId::Snapshots => self.snapshots.users.selected_row().and_then(|u| u.place),
            PaneId::Events => self.events.list.selected_row().and_then(|r| r.place),
        }
    }

    /// The region where an action would act: the place's (over several places), or the
    /// console's.
    pub fn region_at(&self, place: Option<usize>) -> &str {
        place
            .and_then(|i| self.places.all.get(i))
            .map_or(self.header.region.as_str(), |p| p.region.as_str())
    }

    /// The production mark of where an action would act: the place's, or the settings'.
    pub fn production_at(&self, place: Option<usize>) -> bool {
        match place.and_then(|i| self.places.all.get(i)) {
            Some(p) => p.production || self.settings.production,
            None => self.settings.production,
        }
    }

    /// The read-only mark of where an action would act: the place's, or the settings'.
    /// While accounts are still connecting every place is held read-only (its marks are
    /// not final yet).
    pub fn read_only_at(&self, place: Option<usize>) -> bool {
        if self.places.connecting.is_some() {
            return true;
        }
        match place.and_then(|i| self.places.all.get(i)) {
            Some(p) => p.read_only || self.settings.read_only,
            None => self.settings.read_only,
        }
    }

    /// The loader of a pane's listing: one per pane, so a new pane is a compile error
    /// here until it has one.
    pub fn loader_mut(&mut self, pane: PaneId) -> &mut Loader {
        match pane {
            // The feed is the services' events: their loader is its.
            PaneId::Services | PaneId::Events => &mut self.services.loader,
            PaneId::Tasks => &mut self.tasks.loader,
            PaneId::Detail => &mut self.detail.loader,
            PaneId::Deployments => &mut self.deployments.loader,
            PaneId::Snapshots => &mut self.snapshots.loader,
            PaneId::Orphans => &mut self.orphans.loader,
        }
    }

    /// When the open pane's listing last loaded successfully (the header's refresh time:
    /// each pane refreshes on its own schedule).
    pub fn pane_refreshed(&self) -> Option<DateTime<Utc>> {
        match self.pane {
            PaneId::Services | PaneId::Events => self.services.loader.loaded_at,
            PaneId::Tasks => self.tasks.loader.loaded_at,
            PaneId::Detail => self.detail.loader.loaded_at,
            PaneId::Deployments => self.deployments.loader.loaded_at,
            PaneId::Snapshots => self.snapshots.loader.loaded_at,
            PaneId::Orphans => self.orphans.loader.loaded_at,
        }
    }

    /// Load states of every pane, for the "loads in flight" count.
    pub fn load_states(&self) -> [&LoadState; 7] {
        [
            &self.services.loader.state,
            &self.tasks.loader.state,
            &self.detail.loader.state,
            &self.deployments.loader.state,
            &self.snapshots.loader.state,
            &self.orphans.loader.state,
            &self.snapshots.unique_loader.state,
        ]
    }

    pub fn loads_in_flight(&self) -> usize {
        self.load_states().iter().filter(|s| s.is_loading()).count()
    }

    /// The list the keys act on: the shown pane's, or on Snapshots the users or the tags
    /// (whichever has the focus); `None` on Detail and Deployments, which have no list.
    pub fn active_list(&self) -> Option<&dyn ListOps> {
        Some(match self.pane {
            PaneId::Services => &self.services.list,
            PaneId::Tasks => &self.tasks.list,
            PaneId::Snapshots if self.snapshots.focus_tags => &self.snapshots.tags,
            PaneId::Snapshots => &self.snapshots.users,
            PaneId::Orphans => &self.orphans.list,
            PaneId::Events => &self.events.list,
            PaneId::Detail | PaneId::Deployments => return None,
        })
    }

    /// `active_list`, to change it (through `update` only).
    pub fn active_list_mut(&mut self) -> Option<&mut dyn ListOps> {
        Some(match self.pane {
            PaneId::Services => &mut self.services.list,
            PaneId::Tasks => &mut self.tasks.list,
            PaneId::Snapshots if self.snapshots.focus_tags => &mut self.snapshots.tags,
            PaneId::Snapshots => &mut self.snapshots.users,
            PaneId::Orphans => &mut self.orphans.list,
            PaneId::Events => &mut self.events.list,
            PaneId::Detail | PaneId::Deployments => return None,
        })
    }

    /// The filter text of the active list (what `/` edits).
    pub fn active_filter(&self) -> Option<&str> {
        self.active_list().map(ListOps::filter)
    }
}
