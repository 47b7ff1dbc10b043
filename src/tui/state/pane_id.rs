//! The console's panes by name, their tabs and titles.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PaneId {
    Services,
    Tasks,
    Detail,
    /// One service's deployments as ECS records them (opened with `h`).
    Deployments,
    Snapshots,
    Orphans,
    /// Every service's events in one feed (under the Services tab).
    Events,
}

impl PaneId {
    pub const ALL: [PaneId; 7] = [
        PaneId::Services,
        PaneId::Tasks,
        PaneId::Detail,
        PaneId::Deployments,
        PaneId::Snapshots,
        PaneId::Orphans,
        PaneId::Events,
    ];

    /// The tab a pane belongs to (Detail and Deployments sit under Tasks, Events under
    /// Services), numbered 1–4.
    pub fn tab(self) -> usize {
        match self {
            PaneId::Services | PaneId::Events => 0,
            PaneId::Tasks | PaneId::Detail | PaneId::Deployments => 1,
            PaneId::Snapshots => 2,
            PaneId::Orphans => 3,
        }
    }

    pub const TABS: [PaneId; 4] = [
        PaneId::Services,
        PaneId::Tasks,
        PaneId::Snapshots,
        PaneId::Orphans,
    ];

    pub fn title(self) -> &'static str {
        match self {
            PaneId::Services => "Services",
            PaneId::Tasks => "Tasks",
            PaneId::Detail => "Detail",
            PaneId::Deployments => "Deployments",
            PaneId::Snapshots => "Snapshots",
            PaneId::Orphans => "Orphans",
            PaneId::Events => "Events",
        }
    }
}
