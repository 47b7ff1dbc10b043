//! Performs the dialogs' effects on a tokio task: plans (reads only) and confirmed
//! actions, always through the guarded `Mutator` (read-only refusal, audit log). Progress
//! (wait polls, cleanup items) goes over the channel as it happens; the returned `Msg` is
//! the last word.

use std::collections::BTreeSet;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use super::effects::Effect;
use super::modal::cleanup::restrict;
use super::modal::rollback::{EbsChoices, ImageTags, TagChoice};
use super::msg::{Msg, Planned};
use crate::analysis::in_use::parse_image_ref;
use crate::aws::{AwsClients, OpsClients};
use crate::config::Settings;
use crate::ops::audit::AuditLog;
use crate::ops::cleanup::{self, CleanupPlan, CleanupTarget, ExecuteOptions, ItemKind};
use crate::ops::guard::Mutator;
use crate::ops::redeploy::{self, Started};
use crate::ops::rollback::Revision;
use crate::ops::wait::{SystemClock, WaitOptions, WaitProgress, wait_for_stable};
use crate::ops::{restore_user, rollback, session};

/// Time between polls while the console watches a rollout.
pub const WAIT_INTERVAL: Duration = Duration::from_secs(5);

fn text(e: &crate::Error) -> String {
    e.to_string()
}

/// The mutator for this session: who we are, the account's config marks applied.
async fn mutator(
    aws: &AwsClients,
    ops: OpsClients,
    settings: &Settings,
) -> Result<(Mutator, Settings, Option<String>), String> {
    let identity = session::identify(aws).await;
    let mut settings = settings.clone();
    session::apply_identity(&mut settings, identity.as_ref());
    let m = session::open(
        ops,
        aws,
        &settings,
        identity.as_ref(),
        &AuditLog::default_path(),
    )
    .map_err(|e| text(&e))?;
    Ok((m, settings, identity.map(|i| i.account)))
}

/// Boxed so the spawned load task stays `Send` (the streams inside borrow the clients).
pub fn perform<'a>(
    effect: Effect,
    aws: &'a AwsClients,
    ops: OpsClients,
    settings: &'a Settings,
    tx: &'a UnboundedSender<Msg>,
) -> futures::future::BoxFuture<'a, Msg> {
    Box::pin(perform_inner(effect, aws, ops, settings, tx))
}

async fn perform_inner(
    effect: Effect,
    aws: &AwsClients,
    ops: OpsClients,
    settings: &Settings,
    tx: &UnboundedSender<Msg>,
) -> Msg {
    match effect {
        Effect::LoadRevisions {
            generation,
            cluster,
            service,
            current,
        } => {
            let result = async {
                let (m, _, _) = mutator(aws, ops, settings).await?;
                let family = crate::aws::family_of(crate::model::arn_name(&current));
                rollback::list_revisions(aws, &m, family, &current, rollback::REVISIONS_SHOWN)
                    .await
                    .map_err(|e| text(&e))
            }
            .await;
            if let Ok(revisions) = &result {
                let (tags, ebs) = tokio::join!(
                    image_tags(aws, revisions),
                    ebs_choices(aws, &cluster, &service)
                );
                let _ = tx.send(Msg::ImageTags {
                    generation,
                    result: tags,
                });
                let _ = tx.send(Msg::EbsSnapshots {
                    generation,
                    result: ebs,
                });
            }
            Msg::Revisions { generation, result }
        }
        Effect::PlanRedeploy {
            generation,
            cluster,
            service,
        } => Msg::Planned {
            generation,
            result: redeploy::plan(aws, &cluster, &service)
                .await
                .map(Planned::Redeploy)
                .map_err(|e| text(&e)),
        },
        Effect::PlanRestore {
            generation,
            repository,
            user,
            tag,
        } => Msg::Planned {
            generation,
            result: restore_user::plan(aws, settings, &repository, &user, &tag)
                .await
                .map(Planned::Restore)
                .map_err(|e| text(&e)),
        },
        Effect::PlanCleanup {
            generation,
            volumes,
            snapshots,
            images,
        } => Msg::Planned {
            generation,
            result: plan_cleanup(aws, ops, settings, [volumes, snapshots, images])
                .await
                .map(Planned::Cleanup),
        },
        Effect::Rollback { generation, plan } => {
            let what = plan.summary();
            let result = async {
                let (m, _, _) = mutator(aws, ops, settings).await?;
                rollback::execute(&m, &plan).await.map_err(|e| text(&e))
            }
            .await;
            tracing::info!("console rollback: {what}: {:?}", result.as_ref().err());
            started_then_wait(aws, generation, result, tx).await
        }
        Effect::Redeploy { generation, plan } => {
            let result = async {
                let (m, _, _) = mutator(aws, ops, settings).await?;
                redeploy::execute(&m, &plan).await.map_err(|e| text(&e))
            }
            .await;
            started_then_wait(aws, generation, result, tx).await
        }
        Effect::Restore { generation, plan } => Msg::Restored {
            generation,
            result: async {
                let (m, _, _) = mutator(aws, ops, settings).await?;
                restore_user::execute(&m, &plan).await.map_err(|e| text(&e))
            }
            .await,
        },
        Effect::Cleanup { generation, plans } => Msg::CleanupDone {
            generation,
            result: run_cleanup(aws, ops, settings, &plans, generation, tx).await,
        },
        other => {
            tracing::error!("not an action effect: {other:?}");
            Msg::Planned {
                generation: 0,
                result: Err(format!("internal: {other:?} is not an action")),
            }
        }
    }
}

/// The completed snapshots of the service's one managed EBS volume, newest first.
async fn ebs_choices(aws: &AwsClients, cluster: &str, service: &str) -> Result<EbsChoices, String> {
    let s = crate::ops::find_service(aws, cluster, service)
        .await
        .map_err(|e| text(&e))?;
    let [config] = s.volume_configurations.as_slice() else {
        return Err(if s.volume_configurations.is_empty() {
            format!("{service} has no managed EBS volume")
        } else {
            format!(
                "{} managed EBS volumes: name one with `ecsnap rollback --ebs-snapshot ID \
                 --volume NAME`",
                s.volume_configurations.len()
            )
        });
    };
    let mut snapshots = rollback::list_service_snapshots(aws, &s)
        .await
        .map_err(|e| text(&e))?;
    if snapshots.is_empty() {
        return Err(format!(
            "no completed snapshot of {service}'s volume {} found",
            config.name
        ));
    }
    snapshots.truncate(rollback::REVISIONS_SHOWN);
    Ok(EbsChoices {
        volume: config.name.clone(),
        from_snapshot: config.snapshot_id.clone(),
        snapshots,
    })
}

/// The tags of the running container's ECR repository, newest first (one container only).
async fn image_tags(aws: &AwsClients, revisions: &[Revision]) -> Result<ImageTags, String> {
    let running = revisions
        .iter()
        .find(|r| r.current)
        .ok_or("the running revision is not among the ACTIVE revisions listed")?;
    let [only] = running.images.as_slice() else {
        return Err(format!(
            "{} containers: name one with `ecsnap rollback --image-tag T --container C`",
            running.images.len()
        ));
    };
    let image_ref = parse_image_ref(&only.image);
    if !image_ref
        .registry
        .as_deref()
        .is_some_and(|r| r.contains(".dkr.ecr."))
    {
        return Err(format!("{} is not in ECR: no tags to list", only.image));
    }
    let images = aws
        .ecr
        .list_images(&image_ref.repository)
        .await
        .map_err(|e| text(&e))?;
    let mut tags: Vec<TagChoice> = images
        .iter()
        .flat_map(|i| {
            i.tags.iter().map(|t| TagChoice {
                tag: t.clone(),
                pushed_at: i.pushed_at,
            })
        })
        .collect();
    tags.sort_by(|a, b| {
        b.pushed_at
            .cmp(&a.pushed_at)
            .then_with(|| b.tag.cmp(&a.tag))
    });
    tags.truncate(rollback::REVISIONS_SHOWN);
    Ok(ImageTags {
        container: only.container.clone(),
        image: only.image.clone(),
        tags,
    })
}

/// Sends `Started`; when the change went out, watches the rollout (one message per poll).
async fn started_then_wait(
    aws: &AwsClients,
    generation: u64,
    result: Result<Started, String>,
    tx: &UnboundedSender<Msg>,
) -> Msg {
    let started = match &result {
        Ok(s) => s.clone(),
        Err(_) => return Msg::Started { generation, result },
    };
    let _ = tx.send(Msg::Started { generation, result });
    let opts = WaitOptions {
        interval: WAIT_INTERVAL,
        deployment_id: started.deployment_id.clone(),
        target_task_definition: Some(started.task_definition.clone()),
        ..WaitOptions::default()
    };
    let progress_tx = tx.clone();
    let mut on_progress = move |p: &WaitProgress| {
        let _ = progress_tx.send(Msg::WaitProgress {
            generation,
            progress: p.clone(),
        });
    };
    let clock = SystemClock::default();
    let s = &started.service;
    let outcome = wait_for_stable(
        aws.ecs.as_ref(),
        &clock,
        &s.cluster,
        &s.name,
        &opts,
        &mut on_progress,
    )
    .await;
    Msg::WaitDone {
        generation,
        result: outcome.map_err(|e| text(&e)),
    }
}

/// The cleanup plans for what was marked, narrowed to it and preflighted.
async fn plan_cleanup(
    aws: &AwsClients,
    ops: OpsClients,
    settings: &Settings,
    [volumes, snapshots, images]: [BTreeSet<String>; 3],
) -> Result<Vec<CleanupPlan>, String> {
    let (m, settings, account) = mutator(aws, ops, settings).await?;
    let mut plans = Vec::new();
    let wanted = [
        (CleanupTarget::Volumes, ItemKind::Volume, volumes),
        (CleanupTarget::Snapshots, ItemKind::Snapshot, snapshots),
        (CleanupTarget::Images, ItemKind::Image, images),
    ];
    for (target, kind, ids) in wanted {
        if ids.is_empty() {
            continue;
        }
        let mut plan = cleanup::plan(
            aws,
            &settings,
            account.as_deref(),
            target,
            None,
            false,
            crate::config::now(),
        )
        .await
        .map_err(|e| text(&e))?;
        restrict(&mut plan, &ids, kind);
        cleanup::preflight(&m, &mut plan).await;
        plans.push(plan);
    }
    Ok(plans)
}

/// Executes the confirmed plans, reporting each item as it lands.
async fn run_cleanup(
    aws: &AwsClients,
    ops: OpsClients,
    settings: &Settings,
    plans: &[CleanupPlan],
    generation: u64,
    tx: &UnboundedSender<Msg>,
) -> Result<Vec<cleanup::ItemResult>, String> {
    let (m, settings, _) = mutator(aws, ops, settings).await?;
    let clock = SystemClock::default();
    let mut all = Vec::new();
    for plan in plans {
        let item_tx = tx.clone();
        let mut on_item = move |r: &cleanup::ItemResult| {
            let _ = item_tx.send(Msg::CleanupItem {
                generation,
                result: r.clone(),
            });
        };
        let results = cleanup::execute(
            aws,
            &m,
            &settings,
            plan,
            &clock,
            &ExecuteOptions::default(),
            &mut on_item,
        )
        .await
        .map_err(|e| text(&e))?;
        all.extend(results);
    }
    Ok(all)
}
