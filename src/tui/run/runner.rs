//! The runner that performs the `Effect`s `update` asks for on tokio tasks. Every load
//! sends its result back over the one channel as a `Msg`; a new load of a slot aborts the
//! previous one, and the generation drops whatever still slips through.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

use crate::analysis::orphans::OrphanFilter;
use crate::aws::{AwsClients, OpsClients};
use crate::config::Settings;
use crate::load;
use crate::model::CallerIdentity;
use crate::ops::audit::AuditLog;
use crate::ops::cleanup::CleanupPlan;
use crate::ops::interrupt::Interrupt;
use crate::ops::session::LazySession;
use crate::tui::run::effect::{Effect, FOLLOW_SLOT};
use crate::tui::state::detail::DetailData;
use crate::tui::state::logs::PageKind;
use crate::tui::state::msg::{DialogAnswer, Listing, LogsAnswer, Msg, PaneAnswer};
use crate::tui::state::tasks::TasksData;

/// One place's clients and its session (its own `Mutator`, marks and identity).
struct PlaceRun {
    aws: AwsClients,
    session: Arc<LazySession>,
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
        places: Vec<(AwsClients, OpsClients, Settings, Option<CallerIdentity>)>,
        settings: Settings,
        tx: UnboundedSender<Msg>,
    ) -> Self {
        let places = places
            .into_iter()
            .map(|(aws, ops, s, identity)| {
                let session = LazySession::new(aws.clone(), ops, s, AuditLog::default_path());
                let session = match identity {
                    Some(id) => session.with_identity(id),
                    None => session,
                };
                PlaceRun {
                    session: Arc::new(session),
                    aws,
                }
            })
            .collect();
        Self {
            places,
            settings: Arc::new(settings),
            tx,
            running: HashMap::new(),
            cleanup_interrupt: Interrupt::new(),
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
                tracing::error!("no place {place} for a cleanup part; nothing sent");
                let _ = self.tx.send(Msg::Dialog {
                    generation,
                    answer: DialogAnswer::CleanupDone(Err(format!(
                        "internal: no place {place} (nothing was deleted)"
                    ))),
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
        let (place, effect) = match effect {
            Effect::At { place, effect } => (Some(place), *effect),
            other => (None, other),
        };
        match effect {
            Effect::InterruptCleanup => {
                self.cleanup_interrupt.trigger();
                return;
            }
            Effect::Cleanup { .. } | Effect::CleanupAcross { .. } => {
                self.cleanup_interrupt = Interrupt::new();
            }
            Effect::CancelLogs => {
                if let Some(follow) = self.running.remove(&(None, FOLLOW_SLOT)) {
                    follow.abort();
                }
            }
            _ => {}
        }
        let placed_load = place.filter(|_| effect.is_pane_load());
        // A cleanup over several places plans in each place side by side: one slot each.
        let part_place = place.filter(|_| matches!(effect, Effect::PlanCleanupPart { .. }));
        let slot = (placed_load.or(part_place), effect.slot());
        if let Some(previous) = self.running.remove(&slot) {
            previous.abort();
        }
        if matches!(effect, Effect::CancelAction | Effect::CancelLogs) {
            return;
        }
        if let Effect::CleanupAcross { generation, parts } = effect {
            self.cleanup_across(slot, generation, parts);
            return;
        }
        let Some(at) = self.places.get(place.unwrap_or(0)) else {
            tracing::error!("no place {place:?} for {effect:?}");
            return;
        };
        let (aws, settings, tx) = (at.aws.clone(), self.settings.clone(), self.tx.clone());
        let session = at.session.clone();
        let interrupt = self.cleanup_interrupt.clone();
        let handle = tokio::spawn(async move {
            let msg = match placed_load {
                Some(place) => perform_placed(effect, place, &aws, &session, &settings, &tx).await,
                None => perform(effect, &aws, &session, &settings, &tx, interrupt).await,
            };
            // The console may have quit; nobody to tell then.
            let _ = tx.send(msg);
        });
        self.running.insert(slot, handle.abort_handle());
    }
}

impl Drop for EffectRunner {
    fn drop(&mut self) {
        for (_, h) in self.running.drain() {
            h.abort();
        }
    }
}

/// Performs one of the Logs view's reads (`LoadLogSources`, `LoadLogPage`) and returns
/// its answer; `None` for any other effect. The runner does the same on a tokio task; the
/// tests call this to drive the view against mocked clients.
pub async fn perform_logs_read(effect: Effect, aws: &AwsClients) -> Option<Msg> {
    let read = matches!(
        effect,
        Effect::LoadLogSources { .. } | Effect::LoadLogPage { .. }
    );
    if read {
        Some(logs_read(effect, aws).await)
    } else {
        None
    }
}

async fn logs_read(effect: Effect, aws: &AwsClients) -> Msg {
    match effect {
        Effect::LoadLogSources { generation, task } => Msg::Logs {
            generation,
            answer: LogsAnswer::Sources(
                load::logs::sources_of(aws, &task)
                    .await
                    .map(|t| t.containers)
                    .map_err(|e| text(&e)),
            ),
        },
        Effect::LoadLogPage {
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
        // Generation 0 answers no view: dropped.
        other => Msg::Logs {
            generation: 0,
            answer: LogsAnswer::Sources(Err(format!("not a Logs view read: {other:?}"))),
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

fn text(e: &crate::Error) -> String {
    e.to_string()
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

/// The Orphans pane's read, narrowed to the caller's account when STS said who that is.
async fn orphans_read(
    aws: &AwsClients,
    session: &LazySession,
    settings: &Settings,
) -> Result<crate::analysis::orphans::OrphanReport, String> {
    let account = session.account().await;
    if account.is_none() {
        tracing::warn!("caller identity unknown, snapshots not narrowed to the account");
    }
    load::load_orphans(
        aws,
        settings,
        account,
        OrphanFilter::default(),
        crate::config::now(),
    )
    .await
    .map_err(|e| text(&e))
}

/// One place's part of a pane's listing. Services arrive cluster by cluster as in one
/// place, each part carrying `place` so that it lands in that place's rows.
pub async fn perform_placed(
    effect: Effect,
    place: usize,
    aws: &AwsClients,
    session: &LazySession,
    settings: &Settings,
    tx: &UnboundedSender<Msg>,
) -> Msg {
    match effect {
        Effect::LoadServices { generation } => Msg::Listing {
            place: Some(place),
            generation,
            answer: Listing::Services(
                load_services_in_parts(aws, generation, tx, Some(place)).await,
            ),
        },
        Effect::LoadSnapshots { generation } => Msg::Listing {
            place: Some(place),
            generation,
            answer: Listing::Snapshots(
                load::load_snapshot_groups(aws, settings, None, None)
                    .await
                    .map_err(|e| text(&e)),
            ),
        },
        Effect::LoadOrphans { generation } => Msg::Listing {
            place: Some(place),
            generation,
            answer: Listing::Orphans(orphans_read(aws, session, settings).await),
        },
        other => Msg::Dialog {
            generation: 0,
            answer: DialogAnswer::Planned(Err(format!("internal: {other:?} is not a pane load"))),
        },
    }
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

async fn perform(
    effect: Effect,
    aws: &AwsClients,
    session: &LazySession,
    settings: &Settings,
    tx: &UnboundedSender<Msg>,
    interrupt: Interrupt,
) -> Msg {
    match effect {
        // The runner takes `At` apart before it gets here.
        Effect::At { .. } => Msg::Dialog {
            generation: 0,
            answer: DialogAnswer::Planned(Err("internal: a place inside a place".into())),
        },
        Effect::LoadIdentity => {
            Msg::Identity(session.identity().await.cloned().map_err(str::to_string))
        }
        Effect::LoadServices { generation } => Msg::Listing {
            place: None,
            generation,
            answer: Listing::Services(load_services_in_parts(aws, generation, tx, None).await),
        },
        Effect::LoadTasks {
            generation,
            cluster,
            service,
        } => Msg::Pane {
            generation,
            answer: PaneAnswer::Tasks(
                load::load_service_tasks(aws, &cluster, &service)
                    .await
                    .map(|st| TasksData {
                        tasks: st.tasks,
                        volumes: st.volumes.map_err(|e| text(&e)),
                        storage: st.storage.map_err(|e| text(&e)),
                    })
                    .map_err(|e| text(&e)),
            ),
        },
        Effect::LoadDetail {
            generation,
            cluster,
            service,
            task_definition,
        } => Msg::Pane {
            generation,
            answer: PaneAnswer::Detail(
                load::load_service_detail(aws, &cluster, &service, &task_definition)
                    .await
                    .map(|(td, tasks)| DetailData::new(td, &tasks))
                    .map_err(|e| text(&e)),
            ),
        },
        Effect::LoadSnapshots { generation } => Msg::Listing {
            place: None,
            generation,
            answer: Listing::Snapshots(
                load::load_snapshot_groups(aws, settings, None, None)
                    .await
                    .map_err(|e| text(&e)),
            ),
        },
        Effect::LoadLifecycle { generation } => Msg::Pane {
            generation,
            answer: PaneAnswer::Lifecycle(lifecycle_reports(aws, settings).await),
        },
        Effect::LoadOrphans { generation } => Msg::Listing {
            place: None,
            generation,
            answer: Listing::Orphans(orphans_read(aws, session, settings).await),
        },
        Effect::LoadUnique {
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
            Msg::Pane {
                generation,
                answer: PaneAnswer::Unique(
                    load::load_unique_bytes(aws, &repository, &mine, &others, &mut progress)
                        .await
                        .map_err(|e| text(&e)),
                ),
            }
        }
        read @ (Effect::LoadLogSources { .. } | Effect::LoadLogPage { .. }) => {
            logs_read(read, aws).await
        }
        action => crate::tui::run::actions::perform(action, aws, session, tx, interrupt).await,
    }
}
