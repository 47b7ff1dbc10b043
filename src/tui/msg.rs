//! What comes back: results of background loads (each with the generation it was asked
//! for) and the terminal's own events. Errors arrive as display text: the pane shows them.

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use super::panes::detail::DetailData;
use super::panes::tasks::TasksData;
use crate::analysis::orphans::OrphanReport;
use crate::analysis::tags::UserTags;
use crate::model::{CallerIdentity, Service};

#[derive(Debug, Clone)]
pub enum Msg {
    Identity(Result<CallerIdentity, String>),
    Services {
        generation: u64,
        result: Result<Vec<Service>, String>,
    },
    Tasks {
        generation: u64,
        result: Result<TasksData, String>,
    },
    Detail {
        generation: u64,
        result: Result<DetailData, String>,
    },
    Snapshots {
        generation: u64,
        result: Result<Vec<UserTags>, String>,
    },
    Orphans {
        generation: u64,
        result: Result<OrphanReport, String>,
    },
    UniqueProgress {
        generation: u64,
        done: usize,
        total: usize,
    },
    Unique {
        generation: u64,
        result: Result<i64, String>,
    },
}

/// Everything `update` reacts to.
#[derive(Debug, Clone)]
pub enum Event {
    Key(KeyEvent),
    Msg(Msg),
    Tick(DateTime<Utc>),
    Resize { width: u16, height: u16 },
}
