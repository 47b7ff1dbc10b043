//! Performs the hands-on dialogs' effects on a tokio task: the plans (reads only, through
//! `ops/`) and the confirmed actions (through the guarded `Mutator`). An exec or a port
//! forward ends with the plugin call ready; the event loop runs it.

use tokio::sync::mpsc::UnboundedSender;

use super::text;
use crate::aws::AwsClients;
use crate::ops::exec::{self, DEFAULT_COMMAND};
use crate::ops::plugin::{Plugin, PluginContext, endpoint_url};
use crate::ops::scale::{CountVerdict, ScalePlan};
use crate::ops::session::LazySession;
use crate::ops::wait::{SystemClock, WaitOptions};
use crate::ops::{find_service, port_forward, scale, stop_task};
use crate::tui::run::effect::HandsOnEffect;
use crate::tui::state::hands_on::{HandsOnAsk, HandsOnDone, HandsOnPlan};
use crate::tui::state::msg::{DialogAnswer, Msg, Planned};

/// A hands-on effect's answer (a scale's watch sends its looks through `tx` first).
pub async fn perform(
    effect: HandsOnEffect,
    aws: &AwsClients,
    session: &LazySession,
    tx: &UnboundedSender<Msg>,
) -> Msg {
    let (generation, answer) = match effect {
        HandsOnEffect::WatchScale { generation, plan } => (
            generation,
            DialogAnswer::ScaleWatched(watch_scale(aws, &plan, generation, tx).await),
        ),
        HandsOnEffect::Plan { generation, ask } => (
            generation,
            DialogAnswer::Planned(plan(aws, session, ask).await.map(Planned::HandsOn)),
        ),
        HandsOnEffect::Send { generation, plan } => (
            generation,
            DialogAnswer::HandsOnDone(run(aws, session, plan).await),
        ),
    };
    Msg::Dialog { generation, answer }
}

/// The plan for what was asked.
pub async fn plan(
    aws: &AwsClients,
    session: &LazySession,
    ask: HandsOnAsk,
) -> Result<HandsOnPlan, String> {
    let planned = match ask {
        HandsOnAsk::Scale {
            cluster,
            service,
            delta,
        } => {
            let s = find_service(aws, &cluster, &service)
                .await
                .map_err(|e| text(&e))?;
            scale::plan_for(&s, s.desired_count.saturating_add(delta)).map(HandsOnPlan::Scale)
        }
        HandsOnAsk::Stop { cluster, task } => {
            let identity = session.identity().await.ok().cloned();
            let reason =
                stop_task::default_reason(identity.as_ref(), session.settings().profile.as_deref());
            stop_task::plan(aws, &cluster, &task, reason)
                .await
                .map(HandsOnPlan::Stop)
        }
        // The plugin is checked before the plan: without it the dialog says how to
        // install it and offers no confirmation.
        HandsOnAsk::Exec { cluster, task } => {
            exec::plan_all_with_plugin(aws, &cluster, &task, DEFAULT_COMMAND, &Plugin::default())
                .await
                .map(HandsOnPlan::Exec)
        }
        HandsOnAsk::Forward {
            cluster,
            task,
            forward,
        } => {
            port_forward::plan_with_plugin(aws, &cluster, &task, None, &forward, &Plugin::default())
                .await
                .map(HandsOnPlan::Forward)
        }
    };
    planned.map_err(|e| text(&e))
}

/// The profile handed to the plugin: the console's, else `AWS_PROFILE`, else empty.
fn profile(session: &LazySession) -> String {
    session
        .settings()
        .profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok())
        .unwrap_or_default()
}

/// Sends exactly the confirmed plan.
pub async fn run(
    aws: &AwsClients,
    session: &LazySession,
    plan: HandsOnPlan,
) -> Result<HandsOnDone, String> {
    let (m, _) = session.mutator().await?;
    match plan {
        HandsOnPlan::Scale(p) => {
            let s = scale::execute(m, &p).await.map_err(|e| text(&e))?;
            Ok(HandsOnDone::Scaled {
                desired: s.desired_count,
                running: s.running_count,
            })
        }
        HandsOnPlan::Stop(p) => {
            let t = stop_task::execute(m, &p).await.map_err(|e| text(&e))?;
            Ok(HandsOnDone::Stopped {
                desired_status: t.desired_status.to_string(),
            })
        }
        HandsOnPlan::Exec(plans) => {
            let p = plans
                .into_iter()
                .next()
                .ok_or_else(|| "no container picked".to_string())?;
            let plugin = Plugin::default();
            plugin.check_installed().map_err(|e| text(&e))?;
            // Who the plugin acts as is settled before a session is opened.
            let ctx = PluginContext::for_session(
                m,
                &aws.region,
                profile(session),
                endpoint_url("ecs", &aws.region, aws.endpoint.as_deref()),
            )
            .await
            .map_err(|e| text(&e))?;
            let started = exec::start(m, &p).await.map_err(|e| text(&e))?;
            let runtime_id = exec::runtime_id(aws, &p, &started)
                .await
                .map_err(|e| text(&e))?;
            Ok(HandsOnDone::Exec {
                call: exec::plugin_call(&ctx, &started, &runtime_id),
                what: format!("{} in task {}", p.container, p.task_id),
            })
        }
        HandsOnPlan::Forward(p) => {
            let ctx = PluginContext::for_session(
                m,
                &aws.region,
                session.settings().profile.clone().unwrap_or_default(),
                endpoint_url("ssm", &aws.region, aws.endpoint.as_deref()),
            )
            .await
            .map_err(|e| text(&e))?;
            let started = port_forward::start(m, &p).await.map_err(|e| text(&e))?;
            let version = match Plugin::default().version() {
                Ok(v) => v,
                Err(e) => {
                    if let Some(id) = &started.session_id
                        && let Err(t) = m.terminate_session(id).await
                    {
                        tracing::warn!("terminating session {id}: {t}");
                    }
                    return Err(text(&e));
                }
            };
            Ok(HandsOnDone::Forward {
                call: port_forward::plugin_call(&ctx, &p, &started, &version),
                route: p.route(),
            })
        }
    }
}

/// Watches the running count after a scale, as `ecsnap scale --wait` does (the wait's
/// interval and timeout), each look sent as `DialogAnswer::ScaleLook`.
async fn watch_scale(
    aws: &AwsClients,
    plan: &ScalePlan,
    generation: u64,
    tx: &UnboundedSender<Msg>,
) -> Result<String, String> {
    let looks = tx.clone();
    let mut progress = move |s: &crate::model::Service| {
        let _ = looks.send(Msg::Dialog {
            generation,
            answer: DialogAnswer::ScaleLook {
                running: s.running_count,
                pending: s.pending_count,
            },
        });
    };
    let opts = WaitOptions::default();
    let out = scale::wait_for_count(
        aws.ecs.as_ref(),
        &SystemClock::default(),
        plan,
        opts.timeout,
        opts.interval,
        &mut progress,
    )
    .await
    .map_err(|e| text(&e))?;
    // The words `scale --wait` prints; only a reached count is a success.
    let summary = out.summary(plan.to);
    match out.verdict {
        CountVerdict::Reached => Ok(summary),
        CountVerdict::Failed(_) | CountVerdict::Moving => Err(summary),
    }
}
