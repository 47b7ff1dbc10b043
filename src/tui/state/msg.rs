//! What comes back: results of background loads (each with the generation it was asked
//! for) and the terminal's own events. Errors arrive as display text: the pane shows them.

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use crate::analysis::lifecycle_report::LifecycleReport;
use crate::analysis::lineage::Lineage;
use crate::analysis::orphans::OrphanReport;
use crate::analysis::tags::UserTags;
use crate::load::logs::ContainerLogs;
use crate::model::{CallerIdentity, LastLines, LogPage, Service};
use crate::ops::cleanup::{CleanupPlan, ItemResult};
use crate::ops::recover::{RecoverPlan, RecoverProgress};
use crate::ops::redeploy::{RedeployPlan, Started};
use crate::ops::restore_user::{RestorePlan, Restored};
use crate::ops::rollback::Revision;
use crate::ops::rollback::{EbsChoices, ImageTags};
use crate::ops::wait::{WaitOutcome, WaitProgress};
use crate::tui::state::detail::DetailData;
use crate::tui::state::logs::PageKind;
use crate::tui::state::tasks::TasksData;

/// A plan built in the background for a dialog.
#[derive(Debug, Clone)]
pub enum Planned {
    Redeploy(RedeployPlan),
    Restore(RestorePlan),
    Cleanup(Vec<CleanupPlan>),
    HandsOn(crate::tui::state::hands_on::HandsOnPlan),
    Recover(Box<RecoverPlan>),
}

#[derive(Debug, Clone)]
pub enum Msg {
    /// A console on several places: one place's answer to a pane's listing.
    Placed {
        place: usize,
        msg: Box<Msg>,
    },
    Identity(Result<CallerIdentity, String>),
    /// One cluster's services while the rest are still loading.
    ServicesPart {
        generation: u64,
        cluster: String,
        services: Vec<Service>,
        done: usize,
        total: usize,
    },
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
    // Action dialogs: `generation` is the dialog's.
    Revisions {
        generation: u64,
        result: Result<Vec<Revision>, String>,
    },
    /// The rollback picker's image-tag choices (sent before `Revisions`).
    ImageTags {
        generation: u64,
        result: Result<ImageTags, String>,
    },
    /// The rollback picker's EBS snapshot choices (sent before `Revisions`).
    EbsSnapshots {
        generation: u64,
        result: Result<EbsChoices, String>,
    },
    Planned {
        generation: u64,
        result: Result<Planned, String>,
    },
    /// A rollback or redeploy was sent (or refused / failed).
    Started {
        generation: u64,
        result: Result<Started, String>,
    },
    WaitProgress {
        generation: u64,
        progress: WaitProgress,
    },
    WaitDone {
        generation: u64,
        result: Result<WaitOutcome, String>,
    },
    /// One place's plans of a cleanup over several places (or why it could not plan).
    CleanupPartPlanned {
        generation: u64,
        place: usize,
        result: Result<Vec<CleanupPlan>, String>,
    },
    /// A scale's watch looked at the service.
    ScaleLook {
        generation: u64,
        running: i32,
        pending: i32,
    },
    /// A scale's watch ended: reached (`Ok`), or why not (failed, or still moving at the
    /// timeout).
    ScaleWatched {
        generation: u64,
        result: Result<String, String>,
    },
    CleanupItem {
        generation: u64,
        result: ItemResult,
    },
    CleanupDone {
        generation: u64,
        result: Result<Vec<ItemResult>, String>,
    },
    Restored {
        generation: u64,
        result: Result<Restored, String>,
    },
    /// Every repository's lifecycle policy, judged.
    Lifecycle {
        generation: u64,
        result: Result<Vec<LifecycleReport>, String>,
    },
    /// The wait view: the last log lines of a task that stopped (`generation`: the
    /// dialog's).
    LastLines {
        generation: u64,
        task_id: String,
        result: Result<Vec<LastLines>, String>,
    },
    /// The Logs view: where the task's containers log (`generation`: the view's).
    LogSources {
        generation: u64,
        result: Result<Vec<ContainerLogs>, String>,
    },
    /// The Logs view: one GetLogEvents page of container `container`.
    LogPage {
        generation: u64,
        container: usize,
        kind: PageKind,
        result: Result<LogPage, String>,
    },
    /// A scale, stop, exec or port forward was sent (or refused / failed).
    HandsOnDone {
        generation: u64,
        result: Result<crate::tui::state::hands_on::HandsOnDone, String>,
    },
    /// The Orphans detail: a volume's or snapshot's lineage.
    Lineage {
        generation: u64,
        result: Result<Lineage, String>,
    },
    /// A recover's snapshot: started, its state at each poll, completed.
    RecoverProgress {
        generation: u64,
        progress: RecoverProgress,
    },
}

/// Everything `update` reacts to.
#[derive(Debug, Clone)]
#[allow(
    clippy::large_enum_variant,
    reason = "one event at a time, moved once: boxing buys nothing"
)]
pub enum Event {
    Key(KeyEvent),
    Msg(Msg),
    Tick(DateTime<Utc>),
    Resize { width: u16, height: u16 },
}
