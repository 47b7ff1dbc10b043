//! What `update` asks the runners to do: loads, plans and actions, each answered with a
//! `Msg` carrying its generation. One slot per kind of load: a new load of a slot aborts
//! the previous one.

use crate::model::{ResourceKind, Task};
use crate::ops::cleanup::{CleanupPlan, Selection};
use crate::ops::recover::RecoverPlan;
use crate::ops::redeploy::RedeployPlan;
use crate::ops::restore_user::RestorePlan;
use crate::ops::rollback::RollbackPlan;
use crate::tui::state::logs::PageKind;

/// The Logs view's page reads and its follow reads: separate slots, so following does not
/// cancel a page being read back.
pub(crate) const LOGS_SLOT: &str = "logs";
pub(crate) const FOLLOW_SLOT: &str = "logs-follow";

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// A console on several places: run `effect` in place `place` (an index into
    /// `AppState::places.all`, and the runner's client sets) with that place's clients
    /// and session. A pane listing's answer comes back as `Msg::Listing` carrying its place.
    At {
        place: usize,
        effect: Box<Effect>,
    },
    LoadIdentity,
    LoadServices {
        generation: u64,
    },
    LoadTasks {
        generation: u64,
        cluster: String,
        service: String,
    },
    LoadDetail {
        generation: u64,
        cluster: String,
        service: String,
        task_definition: String,
    },
    LoadSnapshots {
        generation: u64,
    },
    LoadOrphans {
        generation: u64,
    },
    LoadUnique {
        generation: u64,
        repository: String,
        mine: Vec<String>,
        others: Vec<String>,
    },
    /// Everything below runs in the one "action" slot: a dialog has one thing in flight.
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
    /// One place's part of a cleanup over several places: plan exactly these ids there.
    PlanCleanupPart {
        generation: u64,
        place: usize,
        selection: Selection,
    },
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
    /// Every repository's lifecycle policy, judged (the Snapshots pane).
    LoadLifecycle {
        generation: u64,
    },
    /// The Logs view: where the task's containers log (its task definition).
    LoadLogSources {
        generation: u64,
        task: Box<Task>,
    },
    /// The Logs view: one GetLogEvents page (newest, older by the backward token, newer
    /// by the forward token).
    LoadLogPage {
        generation: u64,
        container: usize,
        group: String,
        stream: String,
        kind: PageKind,
        token: Option<String>,
    },
    /// The Logs view closed: stop its reads (follow included).
    CancelLogs,
    /// Plan a scale, a task stop, an exec or a port forward (reads only).
    PlanHandsOn {
        generation: u64,
        ask: crate::tui::state::hands_on::HandsOnAsk,
    },
    /// Confirmed: send exactly this plan (an exec: the container picked).
    HandsOn {
        generation: u64,
        plan: crate::tui::state::hands_on::HandsOnPlan,
    },
    /// After a scale: watch the running count reach the new desired count.
    WatchScale {
        generation: u64,
        plan: crate::ops::scale::ScalePlan,
    },
    /// The Orphans detail: the lineage of one volume or snapshot.
    LoadLineage {
        generation: u64,
        kind: ResourceKind,
        id: String,
    },
    /// Plan bringing an orphaned volume back into its service.
    PlanRecover {
        generation: u64,
        volume: String,
    },
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
            Effect::At { effect, .. } => effect.slot(),
            Effect::LoadIdentity => "identity",
            Effect::LoadServices { .. } => "services",
            Effect::LoadTasks { .. } => "tasks",
            Effect::LoadDetail { .. } => "detail",
            Effect::LoadSnapshots { .. } => "snapshots",
            Effect::LoadOrphans { .. } => "orphans",
            Effect::LoadUnique { .. } => "unique",
            Effect::LoadLifecycle { .. } => "lifecycle",
            Effect::LoadLogPage {
                kind: PageKind::Newer,
                ..
            } => FOLLOW_SLOT,
            Effect::LoadLogSources { .. } | Effect::LoadLogPage { .. } | Effect::CancelLogs => {
                LOGS_SLOT
            }
            Effect::LoadLineage { .. } => "lineage",
            // The dialogs' plans and actions: one at a time.
            Effect::LoadRevisions { .. }
            | Effect::PlanRedeploy { .. }
            | Effect::PlanRestore { .. }
            | Effect::PlanCleanup { .. }
            | Effect::Rollback { .. }
            | Effect::Redeploy { .. }
            | Effect::Restore { .. }
            | Effect::Cleanup { .. }
            | Effect::PlanCleanupPart { .. }
            | Effect::CleanupAcross { .. }
            | Effect::CancelAction
            | Effect::InterruptCleanup
            | Effect::PlanHandsOn { .. }
            | Effect::HandsOn { .. }
            | Effect::WatchScale { .. }
            | Effect::PlanRecover { .. }
            | Effect::Recover { .. } => "action",
        }
    }

    /// A pane's listing (each place loads its own part of it side by side).
    pub fn is_pane_load(&self) -> bool {
        matches!(
            self,
            Effect::LoadServices { .. } | Effect::LoadSnapshots { .. } | Effect::LoadOrphans { .. }
        )
    }

    /// This effect run in place `place`.
    #[must_use]
    pub fn at(self, place: usize) -> Effect {
        Effect::At {
            place,
            effect: Box::new(self),
        }
    }
}
