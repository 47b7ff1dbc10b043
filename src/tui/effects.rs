//! Effects `update` asks for, and the runner that performs them on tokio tasks. Every load
//! sends its result back over the one channel as a `Msg`; a new load of a slot aborts the
//! previous one, and the generation drops whatever still slips through.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use futures::{StreamExt, stream};
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

use super::msg::Msg;
use super::panes::detail::DetailData;
use super::panes::tasks::TasksData;
use crate::analysis::unique::{manifest_layers, unique_bytes};
use crate::aws::{AwsClients, MAX_CONCURRENCY, OpsClients};
use crate::config::Settings;
use crate::load;
use crate::ops::cleanup::CleanupPlan;
use crate::ops::redeploy::RedeployPlan;
use crate::ops::restore_user::RestorePlan;
use crate::ops::rollback::RollbackPlan;

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
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
    /// Cleanup plans restricted to these ids (images: `repository@digest`), preflighted.
    PlanCleanup {
        generation: u64,
        volumes: BTreeSet<String>,
        snapshots: BTreeSet<String>,
        images: BTreeSet<String>,
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
    /// Stop what the dialog had in flight (a plan load, or watching a rollout).
    CancelAction,
}

impl Effect {
    /// Loads of the same slot replace each other.
    fn slot(&self) -> &'static str {
        match self {
            Effect::LoadIdentity => "identity",
            Effect::LoadServices { .. } => "services",
            Effect::LoadTasks { .. } => "tasks",
            Effect::LoadDetail { .. } => "detail",
            Effect::LoadSnapshots { .. } => "snapshots",
            Effect::LoadOrphans { .. } => "orphans",
            Effect::LoadUnique { .. } => "unique",
            _ => "action",
        }
    }
}

pub struct EffectRunner {
    aws: AwsClients,
    ops: OpsClients,
    settings: Arc<Settings>,
    tx: UnboundedSender<Msg>,
    running: HashMap<&'static str, AbortHandle>,
}

impl EffectRunner {
    pub fn new(
        aws: AwsClients,
        ops: OpsClients,
        settings: Settings,
        tx: UnboundedSender<Msg>,
    ) -> Self {
        Self {
            aws,
            ops,
            settings: Arc::new(settings),
            tx,
            running: HashMap::new(),
        }
    }

    pub fn run_all(&mut self, effects: Vec<Effect>) {
        for e in effects {
            self.run(e);
        }
    }

    fn run(&mut self, effect: Effect) {
        let slot = effect.slot();
        if let Some(previous) = self.running.remove(slot) {
            previous.abort();
        }
        if effect == Effect::CancelAction {
            return;
        }
        let (aws, settings, tx) = (self.aws.clone(), self.settings.clone(), self.tx.clone());
        let ops = self.ops.clone();
        let handle = tokio::spawn(async move {
            let msg = perform(effect, &aws, ops, &settings, &tx).await;
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

fn text(e: &crate::Error) -> String {
    e.to_string()
}

async fn perform(
    effect: Effect,
    aws: &AwsClients,
    ops: OpsClients,
    settings: &Settings,
    tx: &UnboundedSender<Msg>,
) -> Msg {
    match effect {
        Effect::LoadIdentity => {
            Msg::Identity(aws.sts.caller_identity().await.map_err(|e| text(&e)))
        }
        Effect::LoadServices { generation } => {
            let result = load::load_services_progressively(aws, |part| {
                let _ = tx.send(Msg::ServicesPart {
                    generation,
                    cluster: part.cluster.to_string(),
                    services: part.services.to_vec(),
                    done: part.done,
                    total: part.total,
                });
            })
            .await;
            Msg::Services {
                generation,
                result: result.map_err(|e| text(&e)),
            }
        }
        Effect::LoadTasks {
            generation,
            cluster,
            service,
        } => {
            let (tasks, volumes) = tokio::join!(
                load::load_tasks(aws, &cluster, Some(&service)),
                aws.ec2.describe_volumes()
            );
            Msg::Tasks {
                generation,
                result: tasks
                    .map(|tasks| TasksData {
                        tasks,
                        volumes: volumes.map_err(|e| text(&e)),
                    })
                    .map_err(|e| text(&e)),
            }
        }
        Effect::LoadDetail {
            generation,
            cluster,
            service,
            task_definition,
        } => {
            let (td, tasks) = tokio::join!(
                aws.ecs.describe_task_definition(&task_definition),
                load::load_tasks(aws, &cluster, Some(&service))
            );
            let tasks = tasks.unwrap_or_else(|e| {
                tracing::warn!("detail of {cluster}/{service}: tasks unavailable: {e}");
                Vec::new()
            });
            Msg::Detail {
                generation,
                result: td
                    .map(|td| DetailData::new(td, &tasks))
                    .map_err(|e| text(&e)),
            }
        }
        Effect::LoadSnapshots { generation } => Msg::Snapshots {
            generation,
            result: load::load_snapshot_groups(aws, settings, None, None)
                .await
                .map_err(|e| text(&e)),
        },
        Effect::LoadOrphans { generation } => {
            let account = match aws.sts.caller_identity().await {
                Ok(id) => Some(id.account),
                Err(e) => {
                    tracing::warn!("caller identity unknown, snapshots not narrowed: {e}");
                    None
                }
            };
            Msg::Orphans {
                generation,
                result: load::load_orphans(
                    aws,
                    settings,
                    account.as_deref(),
                    None,
                    crate::config::now(),
                )
                .await
                .map_err(|e| text(&e)),
            }
        }
        Effect::LoadUnique {
            generation,
            repository,
            mine,
            others,
        } => Msg::Unique {
            generation,
            result: compute_unique(aws, &repository, &mine, &others, generation, tx).await,
        },
        action => super::action_runs::perform(action, aws, ops, settings, tx).await,
    }
}

/// Fetches every manifest involved (reporting progress) and computes the unique bytes.
async fn compute_unique(
    aws: &AwsClients,
    repository: &str,
    mine: &[String],
    others: &[String],
    generation: u64,
    tx: &UnboundedSender<Msg>,
) -> Result<i64, String> {
    let all: Vec<String> = mine.iter().chain(others).cloned().collect();
    let total = all.len();
    let ecr = aws.ecr.clone();
    let repository = repository.to_string();
    let mut fetches = stream::iter(all)
        .map(move |digest| {
            let (ecr, repository) = (ecr.clone(), repository.clone());
            async move {
                let manifest = ecr.get_manifest(&repository, &digest).await;
                (digest, manifest)
            }
        })
        .buffer_unordered(MAX_CONCURRENCY);
    let mut layers = HashMap::new();
    let mut done = 0;
    while let Some((digest, manifest)) = fetches.next().await {
        let layer_list = match manifest.map_err(|e| text(&e))? {
            Some(json) => manifest_layers(&json)?,
            None => Vec::new(),
        };
        layers.insert(digest, layer_list);
        done += 1;
        let _ = tx.send(Msg::UniqueProgress {
            generation,
            done,
            total,
        });
    }
    Ok(unique_bytes(mine, others, &layers))
}
