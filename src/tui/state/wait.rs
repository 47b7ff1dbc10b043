//! The wait view: a started rollout watched by `ops::wait::wait_for_stable`, one progress
//! message per poll — deployments (desired/pending/running, rollout state), elapsed time,
//! the newest service events, tasks that die with their classified reason, hint and last
//! log lines (`DialogAnswer::LastLines`, loaded as each failed task is reported) — and the
//! verdict.

use chrono::{DateTime, Utc};

use crate::model::{Deployment, LastLines, ServiceDeployment, ServiceEvent};
use crate::ops::redeploy::Started;
use crate::ops::wait::{StoppedTask, Verdict, WaitOutcome, WaitProgress};

/// Events kept on screen.
pub const EVENTS_KEPT: usize = 8;
/// The newest failed stopped tasks shown with their last log lines.
pub const WITH_LINES: usize = 2;

#[derive(Debug, Clone)]
pub struct WaitView {
    pub cluster: String,
    pub service: String,
    /// What was done, e.g. `rolled back worker:2 → worker:1`.
    pub what: String,
    pub task_definition: String,
    pub started_at: DateTime<Utc>,
    /// When the watch ended (its verdict, or its error): the elapsed time stops there.
    pub ended_at: Option<DateTime<Utc>>,
    pub polls: u32,
    pub deployments: Vec<Deployment>,
    /// Newest first.
    pub events: Vec<ServiceEvent>,
    pub stopped: Vec<StoppedTask>,
    /// The last log lines of stopped tasks, by task id, as they arrive (each container's
    /// lines, or why there are none); the whole load's error otherwise.
    pub last_lines: Vec<(String, Result<Vec<LastLines>, String>)>,
    pub poll_error: Option<String>,
    pub verdict: Verdict,
    /// The watch itself failed (service gone, too many poll errors).
    pub error: Option<String>,
    /// ECS's service deployment of the rollout at the last look (stage, traffic, bake,
    /// hooks), when the endpoint has them.
    pub deployment: Option<Box<ServiceDeployment>>,
    /// After a stable EBS-snapshot rollout: each new volume's initialization in words (and
    /// first, when no rate was set, that reads are slow); empty until followed.
    pub hydration: Vec<String>,
    /// Following the initialization ended (done, timed out, or not reported).
    pub hydration_ended: bool,
}

impl WaitView {
    pub fn new(what: String, started: &Started, now: DateTime<Utc>) -> Self {
        let s = &started.service;
        let mut events = s.events.clone();
        events.sort_by_key(|e| std::cmp::Reverse(e.created_at));
        events.truncate(EVENTS_KEPT);
        Self {
            cluster: s.cluster.clone(),
            service: s.name.clone(),
            what,
            task_definition: started.task_definition.clone(),
            started_at: now,
            ended_at: None,
            polls: 0,
            deployments: s.deployments.clone(),
            events,
            stopped: Vec::new(),
            last_lines: Vec::new(),
            poll_error: None,
            verdict: Verdict::InProgress,
            error: None,
            deployment: None,
            hydration: Vec::new(),
            hydration_ended: false,
        }
    }

    /// A look at ECS's service deployment of the rollout.
    pub fn look(&mut self, d: ServiceDeployment) {
        self.deployment = Some(Box::new(d));
    }

    /// A blue/green, linear or canary deployment ECS has not finished: the counts settling
    /// does not make it stable.
    pub fn staged_in_flight(&self) -> bool {
        self.deployment
            .as_ref()
            .is_some_and(|d| d.status.is_in_flight() && crate::analysis::stages::is_staged(d))
    }

    /// ECS's deployment of the rollout is paused at a lifecycle hook: it waits for a
    /// person, not for ECS.
    pub fn awaiting_you(&self) -> bool {
        self.deployment
            .as_ref()
            .is_some_and(|d| d.status.is_in_flight() && d.awaiting_hook().is_some())
    }

    pub fn title(&self) -> String {
        format!("Watching {}/{}", self.cluster, self.service)
    }

    pub fn apply(&mut self, p: &WaitProgress) {
        self.polls = p.poll;
        if p.poll_error.is_none() {
            self.deployments.clone_from(&p.deployments);
        }
        self.poll_error.clone_from(&p.poll_error);
        for e in p.new_events.iter().rev() {
            self.events.retain(|x| x.id != e.id);
            self.events.insert(0, e.clone());
        }
        self.events.truncate(EVENTS_KEPT);
        self.stopped.extend(p.new_stopped_tasks.iter().cloned());
        self.verdict = if p.verdict == Verdict::Stable && self.staged_in_flight() {
            Verdict::InProgress
        } else {
            p.verdict.clone()
        };
    }

    /// The last lines of a stopped task arrived.
    pub fn record_lines(&mut self, task_id: String, lines: Result<Vec<LastLines>, String>) {
        self.last_lines.retain(|(t, _)| *t != task_id);
        self.last_lines.push((task_id, lines));
    }

    /// The last lines of a stopped task, once loaded.
    pub fn lines_of(&self, task_id: &str) -> Option<&Result<Vec<LastLines>, String>> {
        self.last_lines
            .iter()
            .find(|(t, _)| t == task_id)
            .map(|(_, l)| l)
    }

    pub fn finish(&mut self, result: Result<WaitOutcome, String>, now: DateTime<Utc>) {
        match result {
            Ok(o) => self.verdict = o.verdict,
            Err(e) => self.error = Some(e),
        }
        self.end(now);
    }

    /// The watch ended at `now` (the first end counts): the elapsed time stops.
    pub fn end(&mut self, now: DateTime<Utc>) {
        self.ended_at.get_or_insert(now);
    }

    /// Whether the watch has ended (a verdict or an error): Esc then only closes.
    pub fn has_ended(&self) -> bool {
        self.verdict.is_done() || self.error.is_some()
    }

    /// Whether a rollback is offered (the rollout failed or did not finish in time).
    pub fn offers_rollback(&self) -> bool {
        matches!(self.verdict, Verdict::Failed(_) | Verdict::TimedOut(_)) || self.error.is_some()
    }

    pub fn elapsed_text(&self, now: DateTime<Utc>) -> String {
        minutes_seconds((self.ended_at.unwrap_or(now) - self.started_at).num_seconds())
    }
}

/// A time waited, as the console shows it: `3m05s` (negative: `0m00s`).
fn minutes_seconds(secs: i64) -> String {
    let secs = secs.max(0);
    format!("{}m{:02}s", secs / 60, secs % 60)
}
