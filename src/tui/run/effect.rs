//! What `update` asks the runners to do: loads, plans and actions, each answered with a
//! `Msg` carrying its generation. The work comes in families, one per runner that takes it
//! by type (`Load`: `runner`; `LogsRead`: `runner`'s Logs reads; `ActionEffect`:
//! `actions`; `HandsOnEffect`: `hands_on`; `RecoverEffect`: `recover`), run as it is
//! (`Effect::Run`) or in one place of several (`Effect::At`: a `Work` cannot hold another
//! place). One slot per kind of load: a new load of a slot aborts the previous one.

use crate::model::{ResourceKind, Task};
use crate::ops::cleanup::{CleanupPlan, Selection};
use crate::ops::recover::RecoverPlan;
use crate::ops::redeploy::RedeployPlan;
use crate::ops::restore_user::RestorePlan;
use crate::ops::rollback::RollbackPlan;
use crate::tui::state::logs::PageKind;

/// The Logs view's page reads and its follow reads: separate slots, so following does not
/// cancel a page being read back.
const LOGS_SLOT: &str = "logs";
pub(crate) const FOLLOW_SLOT: &str = "logs-follow";
/// The dialogs' plans and actions: one at a time.
const ACTION_SLOT: &str = "action";

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Run in the console's one place (over several places `route` turns it into `At`).
    Run(Work),
    /// A console on several places: run `work` in place `place` (an index into
    /// `AppState::places.all`, and the runner's client sets) with that place's clients
    /// and session. A pane listing's answer comes back as `Msg::Listing` carrying its place.
    At { place: usize, work: Work },
    /// Confirmed over several places: each place's plans (place, plans) through that
    /// place's own session, one place after another.
    CleanupAcross {
        generation: u64,
        parts: Vec<(usize, Vec<CleanupPlan>)>,
    },
    /// Stop what the dialog had in flight (a plan load, or watching a rollout).
    CancelAction,
    /// Ctrl-C during a running cleanup: no new delete starts; those in flight finish and
    /// are reported (the rest "not started: interrupted").
    InterruptCleanup,
    /// The Logs view closed: stop its reads (follow included).
    CancelLogs,
    /// `b`: open this URL with the platform's opener (when there is one).
    OpenUrl(String),
    /// `c`/`C`: put this text on the clipboard through the terminal (OSC 52).
    Copy(String),
}

/// Something to run in one place, by the runner of its family.
#[derive(Debug, Clone, PartialEq)]
pub enum Work {
    Load(Load),
    Logs(LogsRead),
    Action(ActionEffect),
    HandsOn(HandsOnEffect),
    Recover(RecoverEffect),
}

/// The panes' reads (and who the caller is).
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    Identity,
    Services {
        generation: u64,
    },
    Tasks {
        generation: u64,
        cluster: String,
        service: String,
    },
    Detail {
        generation: u64,
        cluster: String,
        service: String,
        task_definition: String,
    },
    Snapshots {
        generation: u64,
    },
    Orphans {
        generation: u64,
    },
    Unique {
        generation: u64,
        repository: String,
        mine: Vec<String>,
        others: Vec<String>,
    },
    /// Every repository's lifecycle policy, judged (the Snapshots pane).
    Lifecycle {
        generation: u64,
    },
    /// The Services pane: ECS's deployments in flight of the rolling services (their stage,
    /// a hook waiting for a person).
    InFlight {
        generation: u64,
        services: Vec<(String, String)>,
    },
    /// The Services pane: every service's CPU, memory and EBS-filesystem utilisation
    /// ((cluster, service) pairs) from `start` to `end`.
    Metrics {
        generation: u64,
        services: Vec<(String, String)>,
        start: chrono::DateTime<chrono::Utc>,
        end: chrono::DateTime<chrono::Utc>,
    },
    /// The Tasks pane: its tasks' own CPU, memory and EBS-filesystem utilisation
    /// (enhanced observability) from `start` to `end`, one GetMetricData call.
    TaskMetrics {
        generation: u64,
        cluster: String,
        tasks: Vec<crate::analysis::task_metrics::TaskKey>,
        start: chrono::DateTime<chrono::Utc>,
        end: chrono::DateTime<chrono::Utc>,
    },
    /// The Deployments pane: one service's deployment history.
    Deployments {
        generation: u64,
        cluster: String,
        service: String,
    },
    /// The Orphans detail: the lineage of one volume or snapshot.
    Lineage {
        generation: u64,
        kind: ResourceKind,
        id: String,
    },
}

/// The Logs view's reads.
#[derive(Debug, Clone, PartialEq)]
pub enum LogsRead {
    /// Where the task's containers log (its task definition).
    Sources { generation: u64, task: Box<Task> },
    /// One GetLogEvents page (newest, older by the backward token, newer by the forward
    /// token).
    Page {
        generation: u64,
        container: usize,
        group: String,
        stream: String,
        kind: PageKind,
        token: Option<String>,
    },
}

/// The rollback, redeploy, restore and cleanup dialogs' plans and confirmed actions.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionEffect {
    LoadRevisions {
        generation: u64,
        cluster: String,
        service: String,
        current: String,
    },
    PlanRedeploy {
        generation: u64,
        cluster: String,
        service: String,
    },
    PlanRestore {
        generation: u64,
        repository: String,
        user: String,
        tag: String,
    },
    /// Cleanup plans for exactly these ids (images: `repository@digest`), preflighted.
    PlanCleanup {
        generation: u64,
        selection: Selection,
    },
    /// One place's part of a cleanup over several places: plan exactly these ids there.
    PlanCleanupPart {
        generation: u64,
        place: usize,
        selection: Selection,
    },
    /// Confirmed: run exactly this plan, then watch the rollout.
    Rollback {
        generation: u64,
        plan: RollbackPlan,
    },
    Redeploy {
        generation: u64,
        plan: RedeployPlan,
    },
    Restore {
        generation: u64,
        plan: RestorePlan,
    },
    Cleanup {
        generation: u64,
        plans: Vec<CleanupPlan>,
    },
    /// The storage dialog's plan and confirmed action.
    Storage(StorageEffect),
    /// Plan CONTINUE or ROLLBACK on the hook a deployment of the service is paused at.
    PlanHook {
        generation: u64,
        cluster: String,
        service: String,
        action: crate::model::LifecycleHookAction,
    },
    /// Confirmed: send exactly this ECS action, then follow the deployment.
    Ecs {
        generation: u64,
        plan: Box<crate::tui::state::deployment_action::EcsAct>,
    },
}

/// The storage dialog's plan and confirmed action (marks, a snapshot's restore).
#[derive(Debug, Clone, PartialEq)]
pub enum StorageEffect {
    /// Plan (reads only): marks, or a snapshot's restore.
    Plan {
        generation: u64,
        ask: crate::tui::state::storage::StorageAsk,
    },
    /// Confirmed: tag exactly these marks, or send exactly this restore.
    Send {
        generation: u64,
        plan: crate::tui::state::storage::StoragePlan,
    },
}

impl From<StorageEffect> for Effect {
    fn from(e: StorageEffect) -> Self {
        Effect::from(ActionEffect::Storage(e))
    }
}

/// The hands-on dialogs' plans and confirmed actions.
#[derive(Debug, Clone, PartialEq)]
pub enum HandsOnEffect {
    /// Plan a scale, a task stop, an exec or a port forward (reads only).
    Plan {
        generation: u64,
        ask: crate::tui::state::hands_on::HandsOnAsk,
    },
    /// Confirmed: send exactly this plan (an exec: the container picked).
    Send {
        generation: u64,
        plan: crate::tui::state::hands_on::HandsOnPlan,
    },
    /// After a scale: watch the running count reach the new desired count.
    WatchScale {
        generation: u64,
        plan: crate::ops::scale::ScalePlan,
    },
}

/// The recover dialog's plan and confirmed action.
#[derive(Debug, Clone, PartialEq)]
pub enum RecoverEffect {
    /// Plan bringing an orphaned volume back into its service.
    Plan { generation: u64, volume: String },
    /// Confirmed: snapshot, wait, UpdateService, then watch the rollout.
    Recover {
        generation: u64,
        plan: Box<RecoverPlan>,
    },
}

impl Effect {
    /// Loads of the same slot replace each other.
    pub(crate) fn slot(&self) -> &'static str {
        match self {
            Effect::Run(work) | Effect::At { work, .. } => work.slot(),
            Effect::CleanupAcross { .. } | Effect::CancelAction | Effect::InterruptCleanup => {
                ACTION_SLOT
            }
            Effect::CancelLogs => LOGS_SLOT,
            Effect::OpenUrl(_) | Effect::Copy(_) => "terminal",
        }
    }
}

impl Work {
    /// Loads of the same slot replace each other.
    pub(crate) fn slot(&self) -> &'static str {
        match self {
            Work::Load(load) => match load {
                Load::Identity => "identity",
                Load::Services { .. } => "services",
                Load::Tasks { .. } => "tasks",
                Load::Detail { .. } => "detail",
                Load::Snapshots { .. } => "snapshots",
                Load::Orphans { .. } => "orphans",
                Load::Unique { .. } => "unique",
                Load::Lifecycle { .. } => "lifecycle",
                Load::Lineage { .. } => "lineage",
                Load::Deployments { .. } => "deployments",
                Load::InFlight { .. } => "in-flight",
                Load::Metrics { .. } => "metrics",
                Load::TaskMetrics { .. } => "task-metrics",
            },
            Work::Logs(LogsRead::Page {
                kind: PageKind::Newer,
                ..
            }) => FOLLOW_SLOT,
            Work::Logs(LogsRead::Sources { .. } | LogsRead::Page { .. }) => LOGS_SLOT,
            Work::Action(_) | Work::HandsOn(_) | Work::Recover(_) => ACTION_SLOT,
        }
    }

    /// This work run in place `place`.
    #[must_use]
    pub fn at(self, place: usize) -> Effect {
        Effect::At { place, work: self }
    }
}

impl Load {
    /// A pane's listing (each place loads its own part of it side by side).
    pub fn is_listing(&self) -> bool {
        match self {
            Load::Services { .. } | Load::Snapshots { .. } | Load::Orphans { .. } => true,
            Load::Identity
            | Load::Tasks { .. }
            | Load::Detail { .. }
            | Load::Unique { .. }
            | Load::Lifecycle { .. }
            | Load::Deployments { .. }
            | Load::InFlight { .. }
            | Load::Metrics { .. }
            | Load::TaskMetrics { .. }
            | Load::Lineage { .. } => false,
        }
    }
}

impl From<Work> for Effect {
    fn from(work: Work) -> Self {
        Effect::Run(work)
    }
}

/// `Effect::from` for each family of work: run here, in the one place there is.
macro_rules! effect_from_work {
    ($($family:ident => $variant:ident),* $(,)?) => {
        $(impl From<$family> for Effect {
            fn from(work: $family) -> Self {
                Effect::Run(Work::$variant(work))
            }
        })*
    };
}

effect_from_work! {
    Load => Load,
    LogsRead => Logs,
    ActionEffect => Action,
    HandsOnEffect => HandsOn,
    RecoverEffect => Recover,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(kind: PageKind) -> Effect {
        Effect::from(LogsRead::Page {
            generation: 1,
            container: 0,
            group: "g".into(),
            stream: "s".into(),
            kind,
            token: None,
        })
    }

    #[test]
    fn the_cancels_share_the_slot_of_what_they_stop() {
        // Esc on a dialog stops its plan load or rollout watch: the one action slot.
        let plan = Effect::from(RecoverEffect::Plan {
            generation: 1,
            volume: "vol-1".into(),
        });
        assert_eq!(plan.slot(), Effect::CancelAction.slot());
        assert_eq!(
            Effect::from(HandsOnEffect::WatchScale {
                generation: 1,
                plan: crate::ops::scale::ScalePlan {
                    service: crate::model::ClusterService::new("c", "s"),
                    from: 1,
                    to: 2,
                    running: 1,
                },
            })
            .slot(),
            Effect::CancelAction.slot()
        );
        // Closing the Logs view stops a page being read back; following has its own slot
        // (the runner stops it too), so a follow read never cancels a page read.
        assert_eq!(page(PageKind::Older).slot(), Effect::CancelLogs.slot());
        assert_eq!(page(PageKind::Newer).slot(), FOLLOW_SLOT);
        assert_ne!(page(PageKind::Newer).slot(), page(PageKind::Older).slot());
    }

    #[test]
    fn work_keeps_its_slot_in_a_place_and_only_listings_are_listings() {
        let tasks = Load::Tasks {
            generation: 1,
            cluster: "c".into(),
            service: "s".into(),
        };
        assert_eq!(
            Work::Load(tasks.clone()).at(2).slot(),
            Effect::from(tasks.clone()).slot()
        );
        assert_eq!(Effect::from(tasks.clone()).slot(), "tasks");
        assert!(!tasks.is_listing());
        for listing in [
            Load::Services { generation: 1 },
            Load::Snapshots { generation: 1 },
            Load::Orphans { generation: 1 },
        ] {
            assert!(listing.is_listing(), "{listing:?}");
        }
    }
}
