//! The runner that performs the `Effect`s `update` asks for on tokio tasks. Every load
//! sends its result back over the one channel as a `Msg`; a new load of a slot aborts the
//! previous one, and the generation drops whatever still slips through.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

use super::text;
use crate::analysis::health::steadiness;
use crate::aws::{AwsClients, OpsClients};
use crate::config::Settings;
use crate::load;
use crate::model::CallerIdentity;
use crate::ops::audit::AuditLog;
use crate::ops::cleanup::CleanupPlan;
use crate::ops::interrupt::Interrupt;
use crate::ops::session::LazySession;
use crate::tui::run::effect::{ActionEffect, Effect, FOLLOW_SLOT, Load, LogsRead, Work};
use crate::tui::state::detail::DetailData;
use crate::tui::state::logs::PageKind;
use crate::tui::state::msg::{DialogAnswer, Listing, LogsAnswer, Msg, PaneAnswer};
use crate::tui::state::tasks::TasksData;

/// One place's clients and its session (its own `Mutator`, marks and identity).
struct PlaceRun {
    aws: AwsClients,
    session: Arc<LazySession>,
}

/// What a place is run with: its clients, the settings it acts with (its profile and
/// marks) and its identity when already known.
pub type PlaceSetup = (AwsClients, OpsClients, Settings, Option<CallerIdentity>);

fn place_run((aws, ops, settings, identity): PlaceSetup) -> PlaceRun {
    let session = LazySession::new(aws.clone(), ops, settings, AuditLog::default_path());
    let session = match identity {
        Some(id) => session.with_identity(id),
        None => session,
    };
    PlaceRun {
        session: Arc::new(session),
        aws,
    }
}

pub struct EffectRunner {
    /// The places, in `AppState::places.all` order; the one place of a plain console
    /// is the first. Each session (who we are, the guarded mutator) is asked for and
    /// opened once per console run.
    places: Vec<PlaceRun>,
    settings: Arc<Settings>,
    tx: UnboundedSender<Msg>,
    /// Running loads by slot (pane loads over several places: one slot per place).
    running: HashMap<(Option<usize>, &'static str), AbortHandle>,
    /// The running cleanup's interrupt (a fresh one per cleanup).
    cleanup_interrupt: Interrupt,
}

impl EffectRunner {
    pub fn new(
        aws: AwsClients,
        ops: OpsClients,
        settings: Settings,
        tx: UnboundedSender<Msg>,
    ) -> Self {
        let place = (aws, ops, settings.clone(), None);
        Self::for_places(vec![place], settings, tx)
    }

    /// A runner over several places: each with its clients and the settings it acts with
    /// (its profile and marks).
    pub fn for_places(
        places: Vec<PlaceSetup>,
        settings: Settings,
        tx: UnboundedSender<Msg>,
    ) -> Self {
        let places = places.into_iter().map(place_run).collect();
        Self {
            places,
            settings: Arc::new(settings),
            tx,
            running: HashMap::new(),
            cleanup_interrupt: Interrupt::new(),
        }
    }

    /// Places that joined (their account answered), after the ones already here: an
    /// effect's place indexes them in the order they joined.
    pub fn add_places(&mut self, places: Vec<PlaceSetup>) {
        self.places.extend(places.into_iter().map(place_run));
    }

    /// Every account answered: each place's session opens again with its final settings
    /// (`places` in the runner's order). Nothing has acted through the sessions replaced:
    /// they were held read-only until now.
    pub fn settle_places(&mut self, places: Vec<PlaceSetup>) {
        for (run, setup) in self.places.iter_mut().zip(places) {
            *run = place_run(setup);
        }
    }

    /// Runs a confirmed cleanup over several places on one task: each place's plans
    /// through that place's session, one place after another.
    fn cleanup_across(
        &mut self,
        slot: (Option<usize>, &'static str),
        generation: u64,
        parts: Vec<(usize, Vec<CleanupPlan>)>,
    ) {
        let mut runs = Vec::new();
        for (place, plans) in parts {
            let Some(at) = self.places.get(place) else {
                let why = format!(
                    "no place {place}: this console has {} (nothing was deleted)",
                    places(self.places.len())
                );
                tracing::error!("cleanup across places: {why}");
                let _ = self.tx.send(Msg::Dialog {
                    generation,
                    answer: DialogAnswer::CleanupDone(Err(why)),
                });
                return;
            };
            runs.push(crate::tui::run::actions::CleanupPart {
                aws: at.aws.clone(),
                session: at.session.clone(),
                plans,
            });
        }
        let (tx, interrupt) = (self.tx.clone(), self.cleanup_interrupt.clone());
        let handle = tokio::spawn(async move {
            let msg =
                crate::tui::run::actions::run_cleanup_across(runs, generation, &tx, interrupt)
                    .await;
            let _ = tx.send(msg);
        });
        self.running.insert(slot, handle.abort_handle());
    }

    pub fn run_all(&mut self, effects: Vec<Effect>) {
        for e in effects {
            self.run(e);
        }
    }

    fn run(&mut self, effect: Effect) {
        // The cancels and a cleanup over several places are not placed: their slot is the
        // console's own.
        let slot = (None, effect.slot());
        match effect {
            Effect::Run(work) => self.work(None, work),
            Effect::At { place, work } => self.work(Some(place), work),
            Effect::CleanupAcross { generation, parts } => {
                self.cleanup_interrupt = Interrupt::new();
                self.abort(slot);
                self.cleanup_across(slot, generation, parts);
            }
            Effect::CancelAction => self.abort(slot),
            Effect::InterruptCleanup => {
                self.cleanup_interrupt.trigger();
            }
            Effect::CancelLogs => {
                self.abort((None, FOLLOW_SLOT));
                self.abort(slot);
            }
            Effect::OpenUrl(url) => crate::tui::run::terminal::open_url(&url),
            Effect::Copy(text) => crate::tui::run::terminal::copy_to_clipboard(&text),
        }
    }

    /// Aborts what runs in `slot`, if anything.
    fn abort(&mut self, slot: (Option<usize>, &'static str)) {
        if let Some(previous) = self.running.remove(&slot) {
            previous.abort();
        }
    }

    /// Runs `work` on a tokio task with the clients and session of `place` (the one place
    /// of a plain console: `None`), by the runner of its family.
    fn work(&mut self, place: Option<usize>, work: Work) {
        if matches!(work, Work::Action(ActionEffect::Cleanup { .. })) {
            self.cleanup_interrupt = Interrupt::new();
        }
        let listing = matches!(&work, Work::Load(load) if load.is_listing());
        let placed_listing = place.filter(|_| listing);
        let slot = slot_of(place, &work);
        self.abort(slot);
        let index = place.unwrap_or(0);
        let Some(at) = self.places.get(index) else {
            tracing::error!(
                "place {index} asked for, but this console has {}; not run: {work:?}",
                places(self.places.len())
            );
            return;
        };
        let (aws, settings, tx) = (at.aws.clone(), self.settings.clone(), self.tx.clone());
        let session = at.session.clone();
        let interrupt = self.cleanup_interrupt.clone();
        let handle = tokio::spawn(async move {
            let msg = match work {
                Work::Load(load) => {
                    perform_load(load, placed_listing, &aws, &session, &settings, &tx).await
                }
                Work::Logs(read) => logs_read(read, &aws).await,
                Work::Action(action) => {
                    crate::tui::run::actions::perform(action, &aws, &session, &tx, interrupt).await
                }
                Work::HandsOn(effect) => {
                    crate::tui::run::hands_on::perform(effect, &aws, &session, &tx).await
                }
                Work::Recover(effect) => {
                    crate::tui::run::recover::perform(effect, &aws, &session, &tx).await
                }
            };
            // The console may have quit; nobody to tell then.
            let _ = tx.send(msg);
        });
        self.running.insert(slot, handle.abort_handle());
    }
}

/// Where `work` run in `place` is kept. Over several places each place loads its part of
/// a listing side by side, and plans its part of a cleanup side by side: one slot each;
/// everything else has the console's one slot of its kind, wherever it runs (so a cancel,
/// which is not placed, stops a dialog's action in any place).
fn slot_of(place: Option<usize>, work: &Work) -> (Option<usize>, &'static str) {
    let listing = matches!(work, Work::Load(load) if load.is_listing());
    let part = matches!(work, Work::Action(ActionEffect::PlanCleanupPart { .. }));
    (place.filter(|_| listing || part), work.slot())
}

/// "1 place", "3 places".
fn places(n: usize) -> String {
    if n == 1 {
        "1 place".to_string()
    } else {
        format!("{n} places")
    }
}

impl Drop for EffectRunner {
    fn drop(&mut self) {
        for (_, h) in self.running.drain() {
            h.abort();
        }
    }
}

/// Performs one of the Logs view's reads and returns its answer; `None` for any other
/// effect. The runner does the same on a tokio task; the tests call this to drive the view
/// against mocked clients.
pub async fn perform_logs_read(effect: Effect, aws: &AwsClients) -> Option<Msg> {
    let (Effect::Run(Work::Logs(read))
    | Effect::At {
        work: Work::Logs(read),
        ..
    }) = effect
    else {
        return None;
    };
    Some(logs_read(read, aws).await)
}

async fn logs_read(read: LogsRead, aws: &AwsClients) -> Msg {
    match read {
        LogsRead::Sources { generation, task } => Msg::Logs {
            generation,
            answer: LogsAnswer::Sources(
                load::logs::sources_of(aws, &task)
                    .await
                    .map(|t| t.containers)
                    .map_err(|e| text(&e)),
            ),
        },
        LogsRead::Page {
            generation,
            container,
            group,
            stream,
            kind,
            token,
        } => Msg::Logs {
            generation,
            answer: LogsAnswer::Page {
                container,
                kind,
                result: log_page(aws, &group, &stream, kind, token.as_deref())
                    .await
                    .map_err(|e| text(&e)),
            },
        },
    }
}

/// One page for the Logs view, through the loaders the command uses.
async fn log_page(
    aws: &AwsClients,
    group: &str,
    stream: &str,
    kind: PageKind,
    token: Option<&str>,
) -> crate::Result<crate::model::LogPage> {
    match (kind, token) {
        (PageKind::Older, Some(t)) => {
            load::logs::older_page(aws, group, stream, t, load::logs::FIRST_PAGE).await
        }
        (PageKind::Newer, Some(t)) => load::logs::newer_lines(aws, group, stream, t).await,
        _ => load::logs::newest_page(aws, group, stream, load::logs::FIRST_PAGE).await,
    }
}

/// Every repository's lifecycle policy, judged now.
async fn lifecycle_reports(
    aws: &AwsClients,
    settings: &Settings,
) -> Result<Vec<crate::analysis::lifecycle_report::LifecycleReport>, String> {
    load::load_lifecycle(aws, settings, None)
        .await
        .map(|state| state.reports(settings, crate::config::now()))
        .map_err(|e| text(&e))
}

/// The Orphans pane's read (with the snapshots' locks), narrowed to the caller's account
/// when STS said who that is.
async fn orphans_read(
    aws: &AwsClients,
    session: &LazySession,
    settings: &Settings,
) -> Result<crate::analysis::orphans::OrphanReport, String> {
    let account = session.account().await;
    if account.is_none() {
        tracing::warn!("caller identity unknown, snapshots not narrowed to the account");
    }
    load::load_orphans_with_locks(aws, settings, account, crate::config::now())
        .await
        .map_err(|e| text(&e))
}

/// The services listing, each cluster's rows sent as a `Listing::ServicesPart` (of
/// `place` over several places) as soon as that cluster answers.
async fn load_services_in_parts(
    aws: &AwsClients,
    generation: u64,
    tx: &UnboundedSender<Msg>,
    place: Option<usize>,
) -> Result<Vec<crate::model::Service>, String> {
    load::load_services_progressively(aws, |part| {
        let _ = tx.send(Msg::Listing {
            place,
            generation,
            answer: Listing::ServicesPart {
                cluster: part.cluster.to_string(),
                services: part.services.to_vec(),
                done: part.done,
                total: part.total,
            },
        });
    })
    .await
    .map_err(|e| text(&e))
}

/// The services listing's last answers: the services, then — when some are not steady —
/// why those are not (their stopped tasks: one more read, never holding up the rows).
async fn judge_services(
    aws: &AwsClients,
    services: Result<Vec<crate::model::Service>, String>,
    listing: &(dyn Fn(Listing) -> Msg + Sync),
    tx: &UnboundedSender<Msg>,
) -> Msg {
    match services {
        Ok(services) if services.iter().any(|s| !steadiness(s).is_steady()) => {
            let _ = tx.send(listing(Listing::Services(Ok(services.clone()))));
            let whys = load::load_whys(aws, &services, crate::config::now()).await;
            listing(Listing::ServicesWhy(whys))
        }
        answer => listing(Listing::Services(answer)),
    }
}

/// A pane's read. A listing's answer carries `place` (over several places: that place's
/// part of the listing; services arrive cluster by cluster, each part carrying it too).
#[allow(
    clippy::too_many_lines,
    reason = "one arm per kind of load, each a call: the dispatch reads as a table"
)]
async fn perform_load(
    load: Load,
    place: Option<usize>,
    aws: &AwsClients,
    session: &LazySession,
    settings: &Settings,
    tx: &UnboundedSender<Msg>,
) -> Msg {
    let listing = |generation, answer| Msg::Listing {
        place,
        generation,
        answer,
    };
    let pane = |generation, answer| Msg::Pane { generation, answer };
    match load {
        Load::Identity => Msg::Identity(session.identity().await.cloned().map_err(str::to_string)),
        Load::Services { generation } => {
            // The place's alarms are read beside the listing, never before its rows.
            let services = async {
                let services = load_services_in_parts(aws, generation, tx, place).await;
                let judged =
                    judge_services(aws, services, &|answer| listing(generation, answer), tx).await;
                let _ = tx.send(judged);
            };
            let alarms = load::alarms::load_alarms(aws);
            let ((), alarms) = tokio::join!(services, alarms);
            listing(generation, Listing::ServicesAlarms(alarms))
        }
        Load::Tasks {
            generation,
            cluster,
            service,
        } => pane(
            generation,
            PaneAnswer::Tasks(
                load::load_service_tasks(aws, &cluster, &service)
                    .await
                    .map(|st| TasksData {
                        tasks: st.tasks,
                        volumes: st.volumes.map_err(|e| text(&e)),
                        storage: st.storage.map_err(|e| text(&e)),
                        targets: st.targets,
                    })
                    .map_err(|e| text(&e)),
            ),
        ),
        Load::Detail {
            generation,
            cluster,
            service,
            task_definition,
        } => pane(
            generation,
            PaneAnswer::Detail(
                load::load_service_detail(aws, &cluster, &service, &task_definition)
                    .await
                    .map(|(td, tasks, targets)| {
                        let mut data = DetailData::new(td, &tasks);
                        data.set_targets(targets, &tasks);
                        data
                    })
                    .map_err(|e| text(&e)),
            ),
        ),
        Load::Snapshots { generation } => listing(
            generation,
            Listing::Snapshots(
                load::load_snapshot_groups(aws, settings, None, None)
                    .await
                    .map_err(|e| text(&e)),
            ),
        ),
        Load::Lifecycle { generation } => pane(
            generation,
            PaneAnswer::Lifecycle(lifecycle_reports(aws, settings).await),
        ),
        Load::Orphans { generation } => listing(
            generation,
            Listing::Orphans(orphans_read(aws, session, settings).await),
        ),
        Load::Unique {
            generation,
            repository,
            mine,
            others,
        } => {
            let progress_tx = tx.clone();
            let mut progress = move |done, total| {
                let _ = progress_tx.send(Msg::Pane {
                    generation,
                    answer: PaneAnswer::UniqueProgress { done, total },
                });
            };
            pane(
                generation,
                PaneAnswer::Unique(
                    load::load_unique_bytes(aws, &repository, &mine, &others, &mut progress)
                        .await
                        .map_err(|e| text(&e)),
                ),
            )
        }
        Load::Metrics {
            generation,
            services,
            start,
            end,
        } => pane(
            generation,
            PaneAnswer::Metrics(
                load::load_metrics(aws, &services, start, end)
                    .await
                    .map_err(|e| text(&e)),
            ),
        ),
        Load::TaskMetrics {
            generation,
            cluster,
            tasks,
            start,
            end,
        } => pane(
            generation,
            PaneAnswer::TaskMetrics(
                load::load_task_metrics(aws, &cluster, &tasks, start, end)
                    .await
                    .map_err(|e| text(&e)),
            ),
        ),
        Load::InFlight {
            generation,
            services,
        } => pane(
            generation,
            PaneAnswer::InFlight(in_flight(aws, services).await),
        ),
        Load::Deployments {
            generation,
            cluster,
            service,
        } => pane(
            generation,
            PaneAnswer::Deployments(deployment_history(aws, &cluster, &service).await),
        ),
        Load::Lineage {
            generation,
            kind,
            id,
        } => pane(
            generation,
            PaneAnswer::Lineage(
                load::load_lineage(aws, kind, &id)
                    .await
                    .map_err(|e| text(&e)),
            ),
        ),
    }
}

/// The Deployments pane's read: the history with its revisions, or a line saying why not
/// — an endpoint without service deployments (an older one, moto) says so in words.
async fn deployment_history(
    aws: &AwsClients,
    cluster: &str,
    service: &str,
) -> Result<crate::tui::state::deployments::DeploymentsData, String> {
    let history = load::load_deployment_history(aws, cluster, service, None)
        .await
        .map_err(|e| unsupported_or(&e, crate::tui::state::services::UNSUPPORTED))?;
    let (revisions, revisions_note) = match history.revisions {
        Ok(found) => (found, None),
        Err(e) => (
            HashMap::new(),
            Some(unsupported_or(
                &e,
                "this endpoint does not describe service revisions",
            )),
        ),
    };
    Ok(crate::tui::state::deployments::DeploymentsData {
        deployments: history.deployments,
        revisions,
        revisions_note,
    })
}

/// An error as text; an operation the endpoint does not know leads with `what`.
fn unsupported_or(e: &crate::Error, what: &str) -> String {
    if crate::aws::is_unsupported(e) {
        format!("{what} ({e})")
    } else {
        text(e)
    }
}

/// The Services pane's stage text: each rolling service's deployment in flight (PENDING,
/// IN_PROGRESS), four services at a time. An endpoint without service deployments or a
/// denied listing answers for all of them.
async fn in_flight(
    aws: &AwsClients,
    services: Vec<(String, String)>,
) -> Result<Vec<(String, String, crate::model::ServiceDeployment)>, String> {
    use futures::{StreamExt, TryStreamExt};
    let statuses = [
        crate::model::ServiceDeploymentStatus::Pending,
        crate::model::ServiceDeploymentStatus::InProgress,
    ];
    let statuses = &statuses;
    let found: Vec<Option<(String, String, crate::model::ServiceDeployment)>> =
        futures::stream::iter(services)
            .map(|(cluster, service)| async move {
                let live = load::load_deployments(aws, &cluster, &service, None, statuses).await?;
                Ok::<_, crate::Error>(live.into_iter().next().map(|d| (cluster, service, d)))
            })
            .buffer_unordered(4)
            .try_collect()
            .await
            .map_err(|e| unsupported_or(&e, crate::tui::state::services::UNSUPPORTED))?;
    Ok(found.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::run::effect::RecoverEffect;

    /// A dialog's action (a rollback's or recover's watch, and the volumes' initialization
    /// followed after it) runs in the slot the cancel of closing the wait view stops, in
    /// one place or any of several.
    #[test]
    fn closing_a_dialog_cancels_its_action_in_any_place() {
        let recover = Work::Recover(RecoverEffect::Plan {
            generation: 1,
            volume: "vol-1".into(),
        });
        let redeploy = Work::Action(ActionEffect::PlanRedeploy {
            generation: 1,
            cluster: "c".into(),
            service: "s".into(),
        });
        let cancel = (None, Effect::CancelAction.slot());
        for work in [&recover, &redeploy] {
            assert_eq!(slot_of(None, work), cancel);
            assert_eq!(slot_of(Some(2), work), cancel);
        }
        // A listing over several places keeps one slot per place.
        let orphans = Work::Load(Load::Orphans { generation: 1 });
        assert_eq!(slot_of(Some(2), &orphans), (Some(2), "orphans"));
    }
}
