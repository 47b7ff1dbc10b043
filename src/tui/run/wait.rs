//! Watching a rollout the console started (rollback, redeploy, recover): the wait polls,
//! the looks at ECS's service deployment (stage, traffic, bake, hooks) and the last lines
//! of tasks that stopped, each sent as a `Msg` as it happens; after a stable EBS-snapshot
//! rollout, the new volumes' initialization.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use super::text;
use crate::analysis::hydration::NO_RATE_LINE;
use crate::aws::AwsClients;
use crate::load;
use crate::model::Task;
use crate::ops::hydration::{HydrationOptions, VolumeHydration, follow_hydration};
use crate::ops::redeploy::Started;
use crate::ops::rollback::Initialization;
use crate::ops::wait::{Clock, StoppedTask, WaitOptions, WaitProgress};
use crate::ops::wait_stage::wait_following;
use crate::tui::state::msg::{DialogAnswer, Msg};
use crate::tui::state::wait::WITH_LINES;

/// Time between polls while the console watches a rollout.
pub const WAIT_INTERVAL: Duration = Duration::from_secs(5);
/// How long the console follows the new volumes' initialization after a rollout.
pub const HYDRATION_TIMEOUT: Duration = Duration::from_hours(1);

/// Sends `Started`; when the change went out, watches the rollout (one message per poll);
/// after an EBS-snapshot rollout (`hydrate`: how its volume initializes) that became
/// stable, follows the new volumes' initialization (one message per look). Every poll and
/// look sleeps on `clock` (the console's: real time). It all runs in the task of the
/// dialog's action: closing the wait view cancels that task, the watch and the following
/// with it (the tests drive this with a clock they hold).
pub async fn started_then_wait(
    aws: &AwsClients,
    clock: &dyn Clock,
    generation: u64,
    result: Result<Started, String>,
    tx: &UnboundedSender<Msg>,
    hydrate: Option<Initialization>,
) -> Msg {
    let started = match &result {
        Ok(s) => s.clone(),
        Err(_) => {
            return Msg::Dialog {
                generation,
                answer: DialogAnswer::Started(result),
            };
        }
    };
    let _ = tx.send(Msg::Dialog {
        generation,
        answer: DialogAnswer::Started(result),
    });
    let opts = WaitOptions {
        interval: WAIT_INTERVAL,
        ..WaitOptions::after(&started)
    };
    let progress_tx = tx.clone();
    let lines_aws = aws.clone();
    let mut on_progress = move |p: &WaitProgress| {
        let _ = progress_tx.send(Msg::Dialog {
            generation,
            answer: DialogAnswer::WaitProgress(p.clone()),
        });
        // The view shows the lines of the newest failed tasks only: those of this poll
        // are the newest, so asking for its newest few keeps every shown task covered
        // (and a crash loop costs a few reads a poll, not one per task ever stopped).
        let failed = p
            .new_stopped_tasks
            .iter()
            .rev()
            .filter(|t| t.stop.as_ref().is_none_or(|d| d.class.is_failure()));
        for t in failed.take(WITH_LINES) {
            spawn_last_lines(&lines_aws, generation, t, &progress_tx);
        }
    };
    let mut on_look = super::deployment_action::deployment_looks(tx, generation);
    let s = &started.service;
    let outcome = wait_following(
        aws,
        clock,
        (&s.cluster, &s.name),
        &opts,
        &mut on_progress,
        &mut on_look,
    )
    .await;
    let stable = outcome
        .as_ref()
        .is_ok_and(|o| matches!(o.verdict, crate::ops::wait::Verdict::Stable));
    let done = Msg::Dialog {
        generation,
        answer: DialogAnswer::WaitDone(outcome.map_err(|e| text(&e))),
    };
    let Some(init) = hydrate.filter(|_| stable) else {
        return done;
    };
    let _ = tx.send(done);
    follow_hydration_of(aws, clock, generation, (&s.cluster, &s.name), init, tx).await
}

/// Follows the new volumes' initialization with the wait's clock and interval; the last
/// look (or why it could not be read) is the answer.
async fn follow_hydration_of(
    aws: &AwsClients,
    clock: &dyn Clock,
    generation: u64,
    (cluster, service): (&str, &str),
    init: Initialization,
    tx: &UnboundedSender<Msg>,
) -> Msg {
    let first: Vec<String> = if init.rate_mibps.is_none() {
        vec![NO_RATE_LINE.to_string()]
    } else {
        Vec::new()
    };
    let look_tx = tx.clone();
    let head = first.clone();
    let mut on_look = move |looked: &[VolumeHydration]| {
        let mut lines = head.clone();
        lines.extend(looked.iter().map(VolumeHydration::line));
        let _ = look_tx.send(Msg::Dialog {
            generation,
            answer: DialogAnswer::Hydration {
                lines,
                ended: false,
            },
        });
    };
    let opts = HydrationOptions {
        timeout: HYDRATION_TIMEOUT,
        interval: WAIT_INTERVAL,
    };
    let mut lines = first;
    match follow_hydration(aws, clock, (cluster, service), opts, &mut on_look).await {
        Ok(outcome) => {
            lines.extend(outcome.volumes.iter().map(VolumeHydration::line));
            lines.extend(outcome.note);
            if outcome.timed_out {
                lines.push("still initializing: reads stay slow until it is done".into());
            }
        }
        Err(e) => lines.push(format!("the new volumes could not be read: {}", text(&e))),
    }
    Msg::Dialog {
        generation,
        answer: DialogAnswer::Hydration { lines, ended: true },
    }
}

/// Loads the last lines of each essential container of a task that stopped while the
/// rollout was watched; the answer carries the dialog's generation.
fn spawn_last_lines(
    aws: &AwsClients,
    generation: u64,
    stopped: &StoppedTask,
    tx: &UnboundedSender<Msg>,
) {
    let (aws, tx) = (aws.clone(), tx.clone());
    let task = Task {
        id: stopped.task_id.clone(),
        task_definition: stopped.task_definition.clone(),
        ..Task::default()
    };
    tokio::spawn(async move {
        let result = load::logs::last_lines(&aws, &task, load::logs::LAST_LINES)
            .await
            .map_err(|e| text(&e));
        let _ = tx.send(Msg::Dialog {
            generation,
            answer: DialogAnswer::LastLines {
                task_id: task.id,
                result,
            },
        });
    });
}
