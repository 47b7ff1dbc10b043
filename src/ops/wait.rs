//! Waiting for a service to become stable: ecsnap's own poll loop (not the SDK waiter).
//!
//! Each poll describes the service, judges it with the pure `assess`, looks for tasks of the
//! service that stopped since the wait began (their stopped reasons), and reports a
//! `WaitProgress` to the caller's callback — the CLI prints a line, the console renders it.
//! Time comes from a `Clock`, so tests use `FakeClock` and never sleep.
//!
//! Stable: `analysis::health::stability` — exactly one deployment, its rollout COMPLETED
//! (or not reported), and the service's running count equal to its desired count
//! (botocore's `services-stable`, so `ecsnap wait` after a scale-out waits for the tasks
//! as `aws ecs wait services-stable` does). Failed: a rollout is FAILED, the circuit breaker
//! rolled back (a newer deployment took over with another task definition, or a new event
//! says so), or the service left ACTIVE. Timed out: the deadline passed first.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;

use crate::analysis::health::stability;
use crate::analysis::stop::{StopDiagnosis, diagnose};
use crate::aws::{EcsApi, TaskStatusFilter};
use crate::error::{AwsErrorKind, Error, Result};
use crate::model::{
    Deployment, DeploymentStatus, RolloutState, Service, ServiceEvent, ServiceStatus,
};

/// Where the loop gets time from.
#[async_trait]
pub trait Clock: Send + Sync {
    /// Time since the clock started.
    fn elapsed(&self) -> Duration;
    async fn sleep(&self, d: Duration);
}

/// Real time (tokio).
pub struct SystemClock {
    start: tokio::time::Instant,
}

impl Default for SystemClock {
    fn default() -> Self {
        Self {
            start: tokio::time::Instant::now(),
        }
    }
}

#[async_trait]
impl Clock for SystemClock {
    fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }
    async fn sleep(&self, d: Duration) {
        tokio::time::sleep(d).await;
    }
}

/// A clock whose `sleep` returns at once and moves time forward: for tests.
#[derive(Default)]
pub struct FakeClock {
    now: Mutex<Duration>,
    sleeps: Mutex<Vec<Duration>>,
}

impl FakeClock {
    /// Every sleep so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

#[async_trait]
impl Clock for FakeClock {
    fn elapsed(&self) -> Duration {
        self.now.lock().map(|n| *n).unwrap_or_default()
    }
    async fn sleep(&self, d: Duration) {
        if let Ok(mut n) = self.now.lock() {
            *n += d;
        }
        if let Ok(mut s) = self.sleeps.lock() {
            s.push(d);
        }
    }
}

#[derive(Debug, Clone)]
pub struct WaitOptions {
    /// Give up after this long (0: look once).
    pub timeout: Duration,
    /// Time between polls.
    pub interval: Duration,
    /// The deployment the action started (from UpdateService's answer), if any.
    pub deployment_id: Option<String>,
    /// The task definition the service should end up running, if known.
    pub target_task_definition: Option<String>,
    /// Also report the stopped reasons of the service's tasks that stop while waiting.
    pub watch_tasks: bool,
    /// Polls that may fail in a row (throttling, network) before the wait gives up.
    pub max_poll_errors: u32,
    /// The ids of the service events there were before the action (from its answer):
    /// every other event is new. `None`: those of the first poll (a wait with no action).
    pub known_events: Option<HashSet<String>>,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_mins(10),
            interval: Duration::from_secs(5),
            deployment_id: None,
            target_task_definition: None,
            watch_tasks: true,
            max_poll_errors: 5,
            known_events: None,
        }
    }
}

impl WaitOptions {
    /// The wait that follows an action: its deployment, the task definition it ends on,
    /// and the events the service had when it was sent (an event written between the
    /// action and the first poll — a fast rollout's "steady state" — is new, not a
    /// baseline).
    pub fn after(started: &crate::ops::redeploy::Started) -> Self {
        Self {
            deployment_id: started.deployment_id.clone(),
            target_task_definition: Some(started.task_definition.clone()),
            known_events: Some(
                started
                    .service
                    .events
                    .iter()
                    .map(|e| e.id.clone())
                    .collect(),
            ),
            ..Self::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    InProgress,
    Stable,
    Failed(String),
    TimedOut(String),
}

impl Verdict {
    pub fn word(&self) -> &'static str {
        match self {
            Verdict::InProgress => "in_progress",
            Verdict::Stable => "stable",
            Verdict::Failed(_) => "failed",
            Verdict::TimedOut(_) => "timed_out",
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            Verdict::Failed(r) | Verdict::TimedOut(r) => Some(r),
            _ => None,
        }
    }

    pub fn is_done(&self) -> bool {
        !matches!(self, Verdict::InProgress)
    }
}

/// A task of the service that stopped while waiting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoppedTask {
    pub task_id: String,
    pub task_definition: String,
    pub reason: Option<String>,
    /// Why it stopped, classified (`analysis::stop`), with the hint of what to look at.
    pub stop: Option<StopDiagnosis>,
}

/// What one poll saw.
#[derive(Debug, Clone)]
pub struct WaitProgress {
    pub poll: u32,
    pub elapsed: Duration,
    pub service_status: String,
    pub deployments: Vec<Deployment>,
    /// Service events that appeared since the wait began (newest first).
    pub new_events: Vec<ServiceEvent>,
    /// Tasks that stopped since the last poll.
    pub new_stopped_tasks: Vec<StoppedTask>,
    /// The poll's error, when describing the service failed (the loop goes on).
    pub poll_error: Option<String>,
    pub verdict: Verdict,
}

/// How the wait ended.
#[derive(Debug, Clone)]
pub struct WaitOutcome {
    pub verdict: Verdict,
    pub elapsed: Duration,
    pub polls: u32,
    /// The last answer for the service.
    pub service: Option<Service>,
    /// Events seen during the wait, newest first.
    pub events: Vec<ServiceEvent>,
    pub stopped_tasks: Vec<StoppedTask>,
    /// ECS's service deployment followed beside the counts (`wait_stage::wait_following`),
    /// at the last look.
    pub deployment: Option<Box<crate::model::ServiceDeployment>>,
}

impl WaitOutcome {
    /// The error for the CLI's exit code: `RolloutFailed` (3) or `TimedOut` (4).
    pub fn into_result(self) -> Result<WaitOutcome> {
        match &self.verdict {
            Verdict::Failed(r) => Err(Error::RolloutFailed(r.clone())),
            Verdict::TimedOut(r) => Err(Error::TimedOut(r.clone())),
            _ => Ok(self),
        }
    }
}

fn is_rollback_message(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("rolling back") || m.contains("rolled back") || m.contains("deployment failed")
}

/// Judges one answer. `watched` is the deployment the action started; `new_events` the
/// events that appeared since the wait began.
pub fn assess(
    service: &Service,
    watched: Option<&str>,
    target_task_definition: Option<&str>,
    new_events: &[ServiceEvent],
) -> Verdict {
    if service.status != ServiceStatus::Active {
        return Verdict::Failed(format!(
            "service {} is {} (it left ACTIVE: deleted or being deleted)",
            service.name,
            if service.status.as_str().is_empty() {
                "in an unknown state"
            } else {
                service.status.as_str()
            }
        ));
    }
    let failed = |d: &Deployment| d.rollout_state == Some(RolloutState::Failed);
    let failed_reason = |d: &Deployment| {
        format!(
            "deployment {} ({}) rollout FAILED{}",
            d.id,
            crate::model::arn_name(&d.task_definition),
            d.rollout_state_reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        )
    };
    // The deployments that matter: the watched one and the PRIMARY, or all live ones when
    // nothing in particular is watched.
    let relevant = |d: &&Deployment| match watched {
        Some(w) => d.id == w || d.status == DeploymentStatus::Primary,
        None => d.status != DeploymentStatus::Inactive,
    };
    if let Some(d) = service
        .deployments
        .iter()
        .filter(relevant)
        .find(|d| failed(d))
    {
        return Verdict::Failed(failed_reason(d));
    }
    let Some(primary) = service.primary() else {
        return Verdict::InProgress;
    };
    if let (Some(w), Some(target)) = (watched, target_task_definition)
        && primary.id != w
        && !same_task_definition(&primary.task_definition, target)
    {
        return Verdict::Failed(format!(
            "rolled back: deployment {} took over running {} instead of {} (circuit breaker)",
            primary.id,
            crate::model::arn_name(&primary.task_definition),
            crate::model::arn_name(target)
        ));
    }
    if let Some(e) = new_events.iter().find(|e| is_rollback_message(&e.message)) {
        return Verdict::Failed(format!("rolled back: {}", e.message));
    }
    // The one rule `services` and the scale watch share (botocore's services-stable and
    // the rollout state): a COMPLETED rollout with running != desired, or more than one
    // deployment, is not stable yet.
    if stability(service).is_stable() {
        Verdict::Stable
    } else {
        Verdict::InProgress
    }
}

/// `family:rev` and full ARNs name the same task definition when their last parts agree.
fn same_task_definition(a: &str, b: &str) -> bool {
    crate::model::arn_name(a) == crate::model::arn_name(b)
}

/// Polls `service` until it is stable, fails, or the timeout passes; `progress` hears
/// about every poll. Errors only when the service cannot be found at the first poll or
/// too many polls in a row fail; otherwise the verdict is in the outcome.
pub async fn wait_for_stable(
    ecs: &dyn EcsApi,
    clock: &dyn Clock,
    cluster: &str,
    service_name: &str,
    opts: &WaitOptions,
    progress: &mut (dyn FnMut(&WaitProgress) + Send),
) -> Result<WaitOutcome> {
    let start = clock.elapsed();
    let mut watch = Watch::new(cluster, service_name, opts);
    loop {
        watch.polls += 1;
        let elapsed = clock.elapsed().saturating_sub(start);
        let answer = ecs
            .describe_services(cluster, &[service_name.to_string()])
            .await;
        let mut report = WaitProgress {
            poll: watch.polls,
            elapsed,
            service_status: String::new(),
            deployments: Vec::new(),
            new_events: Vec::new(),
            new_stopped_tasks: Vec::new(),
            poll_error: None,
            verdict: Verdict::InProgress,
        };
        match answer {
            Ok(services) => {
                watch.errors_in_a_row = 0;
                let found = services.into_iter().find(|s| s.name == service_name);
                watch.observe(found, &mut report)?;
            }
            Err(e) => report.poll_error = Some(watch.poll_failed(e)?),
        }
        if opts.watch_tasks && watch.outcome.service.is_some() {
            let stopped =
                new_stopped_tasks(ecs, cluster, service_name, &mut watch.seen_stopped).await;
            report.new_stopped_tasks.clone_from(&stopped);
            watch.outcome.stopped_tasks.extend(stopped);
        }
        if !report.verdict.is_done() && elapsed >= opts.timeout {
            report.verdict = Verdict::TimedOut(watch.timed_out());
        }
        progress(&report);
        if report.verdict.is_done() {
            let mut outcome = watch.outcome;
            outcome.verdict = report.verdict;
            outcome.elapsed = elapsed;
            outcome.polls = watch.polls;
            return Ok(outcome);
        }
        let left = opts.timeout.saturating_sub(elapsed);
        clock
            .sleep(opts.interval.min(left).max(Duration::from_millis(1)))
            .await;
    }
}

/// What the poll loop remembers between polls.
struct Watch<'a> {
    cluster: &'a str,
    service_name: &'a str,
    opts: &'a WaitOptions,
    polls: u32,
    errors_in_a_row: u32,
    /// Event ids seen (those of the first poll are history, not news).
    seen_events: Option<HashSet<String>>,
    seen_stopped: Option<HashSet<String>>,
    /// The deployment being watched, once known.
    watched: Option<String>,
    outcome: WaitOutcome,
}

impl<'a> Watch<'a> {
    fn new(cluster: &'a str, service_name: &'a str, opts: &'a WaitOptions) -> Self {
        Self {
            cluster,
            service_name,
            opts,
            polls: 0,
            errors_in_a_row: 0,
            seen_events: None,
            seen_stopped: None,
            watched: opts.deployment_id.clone(),
            outcome: WaitOutcome {
                verdict: Verdict::InProgress,
                elapsed: Duration::ZERO,
                polls: 0,
                service: None,
                events: Vec::new(),
                stopped_tasks: Vec::new(),
                deployment: None,
            },
        }
    }

    /// One answer of DescribeServices: the new events, the verdict. A service that is not
    /// there at the first poll is an error; one that disappears later is a failure.
    fn observe(&mut self, found: Option<Service>, report: &mut WaitProgress) -> Result<()> {
        let Some(service) = found else {
            if self.outcome.service.is_none() {
                return Err(super::not_found(
                    "service",
                    self.service_name,
                    format!("cluster {}", self.cluster),
                ));
            }
            report.verdict = Verdict::Failed(format!(
                "service {} no longer exists in {}",
                self.service_name, self.cluster
            ));
            return Ok(());
        };
        let seen = self.seen_events.get_or_insert_with(|| {
            self.opts
                .known_events
                .clone()
                .unwrap_or_else(|| service.events.iter().map(|e| e.id.clone()).collect())
        });
        let fresh: Vec<ServiceEvent> = service
            .events
            .iter()
            .filter(|e| !seen.contains(&e.id))
            .cloned()
            .collect();
        seen.extend(fresh.iter().map(|e| e.id.clone()));
        if self.watched.is_none() && self.opts.target_task_definition.is_some() {
            self.watched = service.primary().map(|d| d.id.clone());
        }
        report.verdict = assess(
            &service,
            self.watched.as_deref(),
            self.opts.target_task_definition.as_deref(),
            &fresh,
        );
        report.service_status = service.status.to_string();
        report.deployments.clone_from(&service.deployments);
        report.new_events.clone_from(&fresh);
        self.outcome.events.splice(0..0, fresh);
        self.outcome.service = Some(service);
        Ok(())
    }

    /// A failed poll: permanent errors (and too many in a row) end the wait; others are
    /// reported and the loop polls again.
    fn poll_failed(&mut self, e: Error) -> Result<String> {
        self.errors_in_a_row += 1;
        let permanent = matches!(
            &e,
            Error::Aws(a) if matches!(
                a.kind,
                AwsErrorKind::AccessDenied
                    | AwsErrorKind::NoCredentials
                    | AwsErrorKind::ExpiredCredentials
                    | AwsErrorKind::NoRegion
                    | AwsErrorKind::NotFound
            )
        );
        if permanent || self.errors_in_a_row >= self.opts.max_poll_errors.max(1) {
            return Err(e);
        }
        Ok(e.to_string())
    }

    /// Why the deadline passed, with the PRIMARY deployment's counts.
    fn timed_out(&self) -> String {
        format!(
            "{} in {} was not stable after {}s{}",
            self.service_name,
            self.cluster,
            self.opts.timeout.as_secs(),
            self.outcome
                .service
                .as_ref()
                .and_then(|s| s.primary())
                .map(|d| format!(
                    " (PRIMARY {}: {}/{} running, rollout {})",
                    d.id,
                    d.running_count,
                    d.desired_count,
                    d.rollout_state.as_ref().map_or("-", RolloutState::as_str)
                ))
                .unwrap_or_default()
        )
    }
}

/// Tasks of the service that stopped since the previous call (none at the first call: it
/// records what had already stopped). Failures here are logged, never fatal.
async fn new_stopped_tasks(
    ecs: &dyn EcsApi,
    cluster: &str,
    service_name: &str,
    seen: &mut Option<HashSet<String>>,
) -> Vec<StoppedTask> {
    let arns = match ecs
        .list_tasks(cluster, Some(service_name), TaskStatusFilter::Stopped)
        .await
    {
        Ok(a) => a,
        Err(e) => {
            tracing::warn!("listing stopped tasks of {service_name} while waiting: {e}");
            return Vec::new();
        }
    };
    let Some(known) = seen.as_mut() else {
        *seen = Some(arns.into_iter().collect());
        return Vec::new();
    };
    let fresh: Vec<String> = arns.into_iter().filter(|a| !known.contains(a)).collect();
    if fresh.is_empty() {
        return Vec::new();
    }
    known.extend(fresh.iter().cloned());
    match ecs.describe_tasks(cluster, &fresh).await {
        Ok(tasks) => tasks
            .into_iter()
            .filter(|t| t.service_name().is_none_or(|s| s == service_name))
            .map(|t| StoppedTask {
                stop: diagnose(&t),
                task_id: t.id,
                task_definition: t.task_definition,
                reason: t.stopped_reason,
            })
            .collect(),
        Err(e) => {
            tracing::warn!("describing stopped tasks of {service_name}: {e}");
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep(id: &str, status: &str, td: &str, rollout: Option<&str>, run: i32) -> Deployment {
        Deployment {
            id: id.into(),
            status: status.into(),
            task_definition: td.into(),
            desired_count: 2,
            running_count: run,
            rollout_state: rollout.map(Into::into),
            ..Deployment::default()
        }
    }

    /// The service's counts are its deployments' (as ECS reports them).
    fn svc(status: &str, deployments: Vec<Deployment>) -> Service {
        Service {
            name: "api".into(),
            status: status.into(),
            desired_count: 2,
            running_count: deployments.iter().map(|d| d.running_count).sum(),
            deployments,
            ..Service::default()
        }
    }

    fn event(msg: &str) -> ServiceEvent {
        ServiceEvent {
            id: "e1".into(),
            created_at: None,
            message: msg.into(),
        }
    }

    type Case<'a> = (
        &'a str,
        Service,
        Option<&'a str>,
        Vec<ServiceEvent>,
        &'a str,
    );

    #[allow(
        clippy::too_many_lines,
        reason = "a table of cases: one list reads better than several tests"
    )]
    #[test]
    fn assess_table() {
        let td2 = "arn:aws:ecs:us-east-1:1:task-definition/api:2";
        let td1 = "arn:aws:ecs:us-east-1:1:task-definition/api:1";
        let cases: Vec<Case<'_>> = vec![
            (
                "completed",
                svc(
                    "ACTIVE",
                    vec![dep("d2", "PRIMARY", td2, Some("COMPLETED"), 2)],
                ),
                Some("d2"),
                vec![],
                "stable",
            ),
            (
                "in progress",
                svc(
                    "ACTIVE",
                    vec![
                        dep("d2", "PRIMARY", td2, Some("IN_PROGRESS"), 1),
                        dep("d1", "ACTIVE", td1, Some("COMPLETED"), 2),
                    ],
                ),
                Some("d2"),
                vec![],
                "in_progress",
            ),
            (
                "failed",
                svc("ACTIVE", vec![dep("d2", "PRIMARY", td2, Some("FAILED"), 0)]),
                Some("d2"),
                vec![],
                "failed",
            ),
            (
                "circuit breaker took over with the old revision",
                svc(
                    "ACTIVE",
                    vec![
                        dep("d3", "PRIMARY", td1, Some("IN_PROGRESS"), 1),
                        dep("d2", "ACTIVE", td2, Some("IN_PROGRESS"), 0),
                    ],
                ),
                Some("d2"),
                vec![],
                "failed",
            ),
            (
                "rollback event",
                svc(
                    "ACTIVE",
                    vec![dep("d2", "PRIMARY", td2, Some("IN_PROGRESS"), 1)],
                ),
                Some("d2"),
                vec![event(
                    "(service api) rolling back to deployment ecs-svc/1 (circuit breaker)",
                )],
                "failed",
            ),
            (
                "draining",
                svc(
                    "DRAINING",
                    vec![dep("d2", "PRIMARY", td2, Some("COMPLETED"), 2)],
                ),
                Some("d2"),
                vec![],
                "failed",
            ),
            (
                "no rollout state, one deployment at desired",
                svc("ACTIVE", vec![dep("d2", "PRIMARY", td2, None, 2)]),
                None,
                vec![],
                "stable",
            ),
            (
                "no rollout state, short of desired",
                svc("ACTIVE", vec![dep("d2", "PRIMARY", td2, None, 1)]),
                None,
                vec![],
                "in_progress",
            ),
            (
                "no rollout state, two deployments",
                svc(
                    "ACTIVE",
                    vec![
                        dep("d2", "PRIMARY", td2, None, 2),
                        dep("d1", "ACTIVE", td1, None, 1),
                    ],
                ),
                None,
                vec![],
                "in_progress",
            ),
            (
                "no deployments yet",
                svc("ACTIVE", vec![]),
                None,
                vec![],
                "in_progress",
            ),
            (
                "completed but short of desired (after a scale-out)",
                svc(
                    "ACTIVE",
                    vec![dep("d2", "PRIMARY", td2, Some("COMPLETED"), 1)],
                ),
                Some("d2"),
                vec![],
                "in_progress",
            ),
            (
                "completed but more running than desired (after a scale-in)",
                svc(
                    "ACTIVE",
                    vec![dep("d2", "PRIMARY", td2, Some("COMPLETED"), 3)],
                ),
                Some("d2"),
                vec![],
                "in_progress",
            ),
            (
                "completed, an old deployment still draining",
                svc(
                    "ACTIVE",
                    vec![
                        dep("d2", "PRIMARY", td2, Some("COMPLETED"), 2),
                        dep("d1", "ACTIVE", td1, Some("COMPLETED"), 0),
                    ],
                ),
                Some("d2"),
                vec![],
                "in_progress",
            ),
        ];
        for (name, service, watched, events, want) in cases {
            let got = assess(&service, watched, Some(td2), &events);
            assert_eq!(got.word(), want, "{name}: {got:?}");
        }
    }

    #[test]
    fn same_task_definition_by_family_and_revision() {
        assert!(same_task_definition(
            "arn:aws:ecs:us-east-1:1:task-definition/api:2",
            "api:2"
        ));
        assert!(!same_task_definition("api:1", "api:2"));
    }
}
