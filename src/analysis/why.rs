//! Why a service is not steady, in a line or two: the classified reason of its recent
//! failed task stops with their count (`2 tasks out of memory (exit 137) in 4m`), ECS's
//! or the circuit breaker's verdict on its rollout, and its last event. For a steady
//! service, its last deployment and how long ago. Pure: the tasks and the clock are given.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::age::short_age;
use super::alarms::firing_line;
use super::health::steadiness;
use super::stop::{StopClass, classify};
use crate::model::{Alarm, RolloutState, Service, ServiceEvent, Task, arn_name};

/// How far back the failed stops are counted.
pub const WINDOW_MINUTES: i64 = 15;

/// One class of failed stops in the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StopCount {
    pub class: StopClass,
    pub count: usize,
    /// The exit code most of them ended with (a non-zero one), when the containers said.
    pub exit_code: Option<i32>,
    /// The oldest of them: "in 4m" is counted from here.
    pub since: DateTime<Utc>,
}

/// Why a service that is not steady is where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Why {
    /// Failed stops of the last [`WINDOW_MINUTES`], by class, the most frequent first.
    pub stops: Vec<StopCount>,
    /// ECS's word on the newest deployment's rollout (the circuit breaker's verdict when it
    /// tripped), when the rollout is in progress or failed.
    pub verdict: Option<String>,
    /// The service's newest event.
    pub last_event: Option<ServiceEvent>,
    /// Why its stopped tasks could not be read (then `stops` is empty for that reason).
    pub stops_error: Option<String>,
    /// Its CloudWatch alarms in ALARM (deployment alarms and those on its ECS dimensions).
    pub alarms: Vec<Alarm>,
    /// Whether the service itself is steady: then only its alarms are the why.
    pub steady: bool,
}

/// Why `service` is not steady, from its `tasks` (running and recently stopped, as
/// `load_tasks` returns them); `None` for a steady service.
pub fn why(service: &Service, tasks: &[Task], now: DateTime<Utc>) -> Option<Why> {
    if steadiness(service).is_steady() {
        return None;
    }
    let primary = service.primary();
    let verdict = primary
        .filter(|d| {
            matches!(
                d.rollout_state,
                Some(RolloutState::Failed | RolloutState::InProgress)
            )
        })
        .and_then(|d| d.rollout_state_reason.clone())
        .filter(|r| !r.trim().is_empty());
    Some(Why {
        stops: failed_stops(service, tasks, now),
        verdict,
        last_event: service.events.first().cloned(),
        stops_error: None,
        alarms: Vec::new(),
        steady: false,
    })
}

/// `judged` (the service's why, `None` when steady) with the service's `alarms` in ALARM
/// added: a steady service with an alarm in ALARM gets a why of its alarms alone.
pub fn with_alarms(judged: Option<Why>, service: &Service, alarms: &[Alarm]) -> Option<Why> {
    let firing: Vec<Alarm> = alarms.iter().filter(|a| a.is_firing()).cloned().collect();
    match judged {
        Some(mut why) => {
            why.alarms = firing;
            Some(why)
        }
        None if firing.is_empty() => None,
        None => Some(Why {
            stops: Vec::new(),
            verdict: None,
            last_event: service.events.first().cloned(),
            stops_error: None,
            alarms: firing,
            steady: true,
        }),
    }
}

/// The service's failed stops since `now - WINDOW_MINUTES`, counted by class.
fn failed_stops(service: &Service, tasks: &[Task], now: DateTime<Utc>) -> Vec<StopCount> {
    let from = now - Duration::minutes(WINDOW_MINUTES);
    let mut by_class: BTreeMap<&'static str, (StopClass, Vec<&Task>)> = BTreeMap::new();
    for task in tasks {
        let Some(stopped) = task.stopped_at else {
            continue;
        };
        if stopped < from || task.service_name() != Some(service.name.as_str()) {
            continue;
        }
        let class = classify(task);
        if class.is_failure() {
            by_class
                .entry(class.code())
                .or_insert_with(|| (class, Vec::new()))
                .1
                .push(task);
        }
    }
    let mut counts: Vec<StopCount> = by_class
        .into_values()
        .map(|(class, tasks)| StopCount {
            class,
            count: tasks.len(),
            exit_code: common_exit(&tasks),
            since: tasks
                .iter()
                .filter_map(|t| t.stopped_at)
                .min()
                .unwrap_or(now),
        })
        .collect();
    counts.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.class.code().cmp(b.class.code()))
    });
    counts
}

/// The non-zero container exit code most of `tasks` ended with.
fn common_exit(tasks: &[&Task]) -> Option<i32> {
    let mut seen: BTreeMap<i32, usize> = BTreeMap::new();
    for code in tasks
        .iter()
        .flat_map(|t| t.containers.iter().filter_map(|c| c.exit_code))
        .filter(|c| *c != 0)
    {
        *seen.entry(code).or_default() += 1;
    }
    seen.into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(code, _)| code)
}

impl StopCount {
    /// `2 tasks out of memory (exit 137) in 4m`.
    pub fn line(&self, now: DateTime<Utc>) -> String {
        let tasks = if self.count == 1 { "task" } else { "tasks" };
        let exit = self
            .exit_code
            .map(|c| format!(" (exit {c})"))
            .unwrap_or_default();
        format!(
            "{} {tasks} {}{exit} in {}",
            self.count,
            self.class.label(),
            short_age(Some(self.since), now)
        )
    }
}

impl Why {
    /// The first line: the stops (the most frequent class, then how many more classes),
    /// else the verdict, else the last event, else the steadiness alone.
    pub fn headline(&self, now: DateTime<Utc>) -> String {
        let judged = self.judged_headline(now);
        match firing_line(&self.alarms) {
            Some(alarms) if self.steady => format!("steady · {alarms}"),
            Some(alarms) => format!("{alarms} · {judged}"),
            None => judged,
        }
    }

    /// The headline without the alarms.
    fn judged_headline(&self, now: DateTime<Utc>) -> String {
        if let Some(first) = self.stops.first() {
            let mut line = first.line(now);
            for more in self.stops.iter().skip(1) {
                line.push_str(" · ");
                line.push_str(&more.line(now));
            }
            return line;
        }
        let none = match &self.stops_error {
            Some(e) => format!("stopped tasks unreadable ({e})"),
            None => format!("no failed tasks in {WINDOW_MINUTES}m"),
        };
        match &self.verdict {
            Some(verdict) => format!("{none} · {verdict}"),
            None => none,
        }
    }

    /// The second line: the verdict (when the headline did not carry it) and the last event
    /// with its age.
    pub fn detail(&self, now: DateTime<Utc>) -> Option<String> {
        if self.steady {
            // The alarm's own reason says more than the last event of a steady service.
            return self.alarms.first().and_then(|a| a.reason.clone());
        }
        let verdict = self.verdict.as_ref().filter(|_| !self.stops.is_empty());
        let event = self
            .last_event
            .as_ref()
            .map(|e| format!("{} ago: {}", short_age(e.created_at, now), e.message));
        match (verdict, event) {
            (Some(v), Some(e)) => Some(format!("{v} · {e}")),
            (Some(v), None) => Some(v.clone()),
            (None, Some(e)) => Some(e),
            (None, None) => None,
        }
    }

    /// Both lines as one (the CLI's table and JSON `summary`).
    pub fn summary(&self, now: DateTime<Utc>) -> String {
        match self.detail(now) {
            Some(detail) => format!("{} · {detail}", self.headline(now)),
            None => self.headline(now),
        }
    }
}

/// A steady service's line: its last deployment, how long ago, and what it deployed.
pub fn steady_line(service: &Service, now: DateTime<Utc>) -> String {
    let deployed = service
        .primary()
        .and_then(|d| d.created_at)
        .or(service.created_at);
    match deployed {
        Some(at) => format!(
            "steady · last deployment {} ago ({})",
            short_age(Some(at), now),
            arn_name(&service.task_definition)
        ),
        None => format!("steady · runs {}", arn_name(&service.task_definition)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::utc;
    use crate::model::{Deployment, TaskContainer};

    fn now() -> DateTime<Utc> {
        utc(2026, 12, 6, 3, 0)
    }

    fn service(rollout: &str, running: i32) -> Service {
        Service {
            cluster: "payments-prod".into(),
            name: "checkout".into(),
            status: "ACTIVE".into(),
            desired_count: 2,
            running_count: running,
            task_definition: "arn:aws:ecs:us-east-1:1:task-definition/checkout:7".into(),
            deployments: vec![Deployment {
                id: "ecs-svc/1".into(),
                status: "PRIMARY".into(),
                task_definition: "arn:aws:ecs:us-east-1:1:task-definition/checkout:7".into(),
                rollout_state: Some(rollout.into()),
                rollout_state_reason: Some(
                    "ECS deployment circuit breaker: tasks failed to start.".into(),
                ),
                created_at: Some(now() - Duration::hours(3)),
                ..Deployment::default()
            }],
            events: vec![ServiceEvent {
                id: "e1".into(),
                created_at: Some(now() - Duration::minutes(2)),
                message: "(service checkout) has started 1 tasks".into(),
            }],
            ..Service::default()
        }
    }

    fn stopped(id: &str, minutes_ago: i64, reason: &str, exit: Option<i32>) -> Task {
        Task {
            id: id.into(),
            group: Some("service:checkout".into()),
            stopped_at: Some(now() - Duration::minutes(minutes_ago)),
            stopped_reason: Some(reason.into()),
            last_status: "STOPPED".into(),
            desired_status: "STOPPED".into(),
            containers: vec![TaskContainer {
                name: "app".into(),
                exit_code: exit,
                ..TaskContainer::default()
            }],
            ..Task::default()
        }
    }

    #[test]
    fn recent_failed_stops_are_counted_by_class_with_their_exit_code() {
        let tasks = vec![
            stopped("a", 4, "Essential container in task exited", Some(137)),
            stopped("b", 1, "Essential container in task exited", Some(137)),
            // Older than the window: not counted.
            stopped("c", 40, "Essential container in task exited", Some(137)),
            // A normal stop: not a failure.
            stopped(
                "d",
                2,
                "Scaling activity initiated by (deployment ecs-svc/1)",
                None,
            ),
        ];
        let why = why(&service("FAILED", 0), &tasks, now()).expect("not steady");
        assert_eq!(why.stops.len(), 1);
        assert_eq!(why.stops[0].class, StopClass::OutOfMemory);
        assert_eq!(why.stops[0].count, 2);
        assert_eq!(
            why.headline(now()),
            "2 tasks out of memory (exit 137) in 4m"
        );
        assert_eq!(
            why.detail(now()).as_deref(),
            Some(
                "ECS deployment circuit breaker: tasks failed to start. · 2m ago: (service checkout) has started 1 tasks"
            )
        );
    }

    #[test]
    fn without_failed_stops_the_verdict_leads() {
        let why = why(&service("IN_PROGRESS", 1), &[], now()).expect("not steady");
        assert_eq!(
            why.headline(now()),
            "no failed tasks in 15m · ECS deployment circuit breaker: tasks failed to start."
        );
        assert_eq!(
            why.detail(now()).as_deref(),
            Some("2m ago: (service checkout) has started 1 tasks")
        );
    }

    #[test]
    fn a_steady_service_has_no_why_but_a_line_of_its_last_deployment() {
        let steady = service("COMPLETED", 2);
        assert_eq!(why(&steady, &[], now()), None);
        assert_eq!(
            steady_line(&steady, now()),
            "steady · last deployment 3h ago (checkout:7)"
        );
    }

    #[test]
    fn another_services_stops_are_not_counted() {
        let mut other = stopped("x", 1, "Essential container in task exited", Some(1));
        other.group = Some("service:worker".into());
        let why = why(&service("FAILED", 0), &[other], now()).expect("not steady");
        assert!(why.stops.is_empty());
    }
}
