//! Watching a rollout the console started (rollback, redeploy, recover): the wait polls,
//! the looks at ECS's service deployment (stage, traffic, bake, hooks) and the last lines
//! of tasks that stopped, each sent as a `Msg` as it happens.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use crate::aws::AwsClients;
use crate::load;
use crate::model::Task;
use crate::ops::redeploy::Started;
use crate::ops::wait::{StoppedTask, SystemClock, WaitOptions, WaitProgress};
use crate::ops::wait_stage::wait_following;
use crate::tui::state::msg::{DialogAnswer, Msg};
use crate::tui::state::wait::WITH_LINES;

/// Time between polls while the console watches a rollout.
pub const WAIT_INTERVAL: Duration = Duration::from_secs(5);

fn text(e: &crate::Error) -> String {
    e.to_string()
}

/// Sends `Started`; when the change went out, watches the rollout (one message per poll).
pub(crate) async fn started_then_wait(
    aws: &AwsClients,
    generation: u64,
    result: Result<Started, String>,
    tx: &UnboundedSender<Msg>,
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
    let look_tx = tx.clone();
    let mut on_look = move |d: &crate::model::ServiceDeployment| {
        let _ = look_tx.send(Msg::Dialog {
            generation,
            answer: DialogAnswer::DeploymentLook(Box::new(d.clone())),
        });
    };
    let clock = SystemClock::default();
    let s = &started.service;
    let outcome = wait_following(
        aws,
        &clock,
        (&s.cluster, &s.name),
        &opts,
        &mut on_progress,
        &mut on_look,
    )
    .await;
    Msg::Dialog {
        generation,
        answer: DialogAnswer::WaitDone(outcome.map_err(|e| text(&e))),
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
