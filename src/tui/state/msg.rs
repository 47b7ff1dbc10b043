//! What comes back: results of background loads (each with the generation it was asked
//! for, in a family by whose generation that is) and the terminal's own events. Errors
//! arrive as display text: the pane or dialog shows them.

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use crate::analysis::lifecycle_report::LifecycleReport;
use crate::analysis::lineage::Lineage;
use crate::analysis::orphans::OrphanReport;
use crate::analysis::tags::UserTags;
use crate::load::Whys;
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
    /// ECS's own action on a deployment in flight.
    Deployment(Box<crate::tui::state::deployment_action::EcsAct>),
    /// Marks, or a snapshot's restore.
    Storage(crate::tui::state::storage::StoragePlan),
}

/// What comes back from a runner, in families by whose generation it carries: a pane
/// listing's and a pane load's (the pane loader's), a dialog's (the open dialog's: an
/// answer for a closed dialog is dropped), the Logs view's (the view's). `update` matches
/// every family exhaustively: an answer added to a family and forgotten there does not
/// compile.
#[derive(Debug, Clone)]
pub enum Msg {
    Identity(Result<CallerIdentity, String>),
    /// A pane listing's answer (Services, Snapshots, Orphans); over several places, one
    /// place's (`place`), merged with the others'.
    Listing {
        place: Option<usize>,
        generation: u64,
        answer: Listing,
    },
    /// Another pane load's answer (`generation`: that pane's loader's).
    Pane {
        generation: u64,
        answer: PaneAnswer,
    },
    /// An action dialog's answer (`generation`: the dialog's).
    Dialog {
        generation: u64,
        answer: DialogAnswer,
    },
    /// The Logs view's answer (`generation`: the view's).
    Logs {
        generation: u64,
        answer: LogsAnswer,
    },
    /// A console opened on several places: accounts answering one by one (no generation:
    /// the places of a console run only ever join).
    Places(PlacesNews),
}

/// Accounts of a console opened on several places, as they connect.
#[derive(Debug, Clone)]
pub enum PlacesNews {
    /// One account answered: its places (marks provisional), its places that failed
    /// (`account prod · eu-west-1: why`), and (accounts answered so far, asked).
    Joined {
        places: Vec<crate::tui::state::places::PlaceInfo>,
        failed: Vec<String>,
        accounts: (usize, usize),
    },
    /// Every account answered: each place's final (production, read-only) marks, in the
    /// places' order, and the notes on entries into one account that disagreed.
    Settled {
        marks: Vec<(bool, bool)>,
        notes: Vec<String>,
    },
}

/// A pane listing, loaded in every place in view.
#[derive(Debug, Clone)]
pub enum Listing {
    /// One cluster's services while the rest are still loading.
    ServicesPart {
        cluster: String,
        services: Vec<Service>,
        done: usize,
        total: usize,
    },
    Services(Result<Vec<Service>, String>),
    /// Why the services not steady are not, read after the listing (same generation).
    ServicesWhy(Whys),
    /// Every CloudWatch alarm of the place, read beside the listing (same generation), or
    /// why they could not be read.
    ServicesAlarms(Result<Vec<crate::model::Alarm>, String>),
    Snapshots(Result<Vec<UserTags>, String>),
    Orphans(Result<OrphanReport, String>),
}

/// The other pane loads: in the place of what they show.
#[derive(Debug, Clone)]
pub enum PaneAnswer {
    Tasks(Result<TasksData, String>),
    Detail(Result<DetailData, String>),
    /// Every repository's lifecycle policy, judged.
    Lifecycle(Result<Vec<LifecycleReport>, String>),
    UniqueProgress {
        done: usize,
        total: usize,
    },
    Unique(Result<i64, String>),
    /// The Orphans detail: a volume's or snapshot's lineage.
    Lineage(Result<Lineage, String>),
    /// The rolling services' deployments in flight (cluster, service, deployment), for the
    /// Services pane's stage text; `Err` when they cannot be read.
    /// Every service's utilisation (`Load::Metrics`).
    Metrics(Result<Vec<crate::analysis::metrics::ServiceMetrics>, String>),
    /// The Tasks pane's tasks' own utilisation (`Load::TaskMetrics`).
    TaskMetrics(Result<Vec<crate::analysis::task_metrics::TaskMetrics>, String>),
    InFlight(Result<Vec<(String, String, crate::model::ServiceDeployment)>, String>),
    /// The Deployments pane: the service's deployment history.
    Deployments(Result<crate::tui::state::deployments::DeploymentsData, String>),
}

/// An action dialog's answers.
#[derive(Debug, Clone)]
pub enum DialogAnswer {
    Revisions(Result<Vec<Revision>, String>),
    /// The rollback picker's image-tag choices (sent before `Revisions`).
    ImageTags(Result<ImageTags, String>),
    /// The rollback picker's EBS snapshot choices (sent before `Revisions`).
    EbsSnapshots(Result<EbsChoices, String>),
    /// The rollback picker's service revisions, or why they are not offered (sent before
    /// `Revisions`).
    ServiceRevisions(Result<Vec<crate::ops::rollback_revision::RevisionChoice>, String>),
    Planned(Result<Planned, String>),
    /// One place's plans of a cleanup over several places (or why it could not plan).
    CleanupPartPlanned {
        place: usize,
        result: Result<Vec<CleanupPlan>, String>,
    },
    /// A rollback, redeploy or recover was sent (or refused / failed).
    Started(Result<Started, String>),
    WaitProgress(WaitProgress),
    WaitDone(Result<WaitOutcome, String>),
    /// After an EBS-snapshot rollout was stable: the new volumes' initialization at one
    /// look, in words (`ops::hydration`), and whether following it ended.
    Hydration {
        lines: Vec<String>,
        ended: bool,
    },
    /// The wait view: the last log lines of a task that stopped.
    LastLines {
        task_id: String,
        result: Result<Vec<LastLines>, String>,
    },
    /// A scale's watch looked at the service.
    ScaleLook {
        running: i32,
        pending: i32,
    },
    /// A scale's watch ended: reached (`Ok`), or why not (failed, or still moving at the
    /// timeout).
    ScaleWatched(Result<String, String>),
    CleanupItem(ItemResult),
    CleanupDone(Result<Vec<ItemResult>, String>),
    /// The storage dialog's action ended (or was refused before it sent anything).
    StorageDone(Result<crate::tui::state::storage::StorageDone, String>),
    /// An image restore's poll: the storage class ECR reports now (`restoring` until it can
    /// be pulled).
    StorageProgress(crate::model::ImageStatus),
    Restored(Result<Restored, String>),
    /// A scale, stop, exec or port forward was sent (or refused / failed).
    HandsOnDone(Result<crate::tui::state::hands_on::HandsOnDone, String>),
    /// A recover's snapshot: started, its state at each poll, completed.
    RecoverProgress(RecoverProgress),
    /// The rollback picker's first row: ECS's own rollback of the deployment in flight
    /// (`Ok(None)`: none is in flight; `Err`: why it could not be offered). Sent before
    /// `Revisions`.
    EcsOffer(Result<Option<Box<crate::tui::state::deployment_action::EcsAct>>, String>),
    /// StopServiceDeployment / ContinueServiceDeployment answered (the deployment's ARN),
    /// or was refused / failed.
    DeploymentSent(Result<String, String>),
    /// One look at the deployment being followed (the deployment dialog's, or a watched
    /// rollout's in the wait view: stage, traffic, bake, hooks).
    DeploymentLook(Box<crate::model::ServiceDeployment>),
    /// Following ended: where it was sent (its summary), or why not.
    DeploymentFollowed(Result<String, String>),
}

/// The Logs view's answers.
#[derive(Debug, Clone)]
pub enum LogsAnswer {
    /// Where the task's containers log.
    Sources(Result<Vec<ContainerLogs>, String>),
    /// One GetLogEvents page of container `container`.
    Page {
        container: usize,
        kind: PageKind,
        result: Result<LogPage, String>,
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
