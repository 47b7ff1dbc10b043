//! Why a task stopped, classified: from its `stoppedReason`, `stopCode` and each
//! container's exit code and reason, one [`StopClass`] with a one-line hint of what to look
//! at. Table-driven: [`RULES`] is checked in order, the first match wins; the normal stops
//! (scaling in, a deployment replacing the task, a user or maintenance) are not failures.

use crate::model::Task;

/// What stopped a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopClass {
    OutOfMemory,
    ImageNotFound,
    ImageAccessDenied,
    ImagePullNetwork,
    ImagePull,
    ContainerHealthCheck,
    LoadBalancerHealthCheck,
    SecretsNotFetched,
    ResourceInitialization,
    NoCapacity,
    SpotInterruption,
    EssentialExited,
    FailedToStart,
    ScalingIn,
    DeploymentReplaced,
    StoppedByUser,
    Maintenance,
    Unknown,
}

impl StopClass {
    /// The name in `tasks --json` (`stop_class`).
    pub fn code(self) -> &'static str {
        match self {
            Self::OutOfMemory => "out_of_memory",
            Self::ImageNotFound => "image_not_found",
            Self::ImageAccessDenied => "image_access_denied",
            Self::ImagePullNetwork => "image_pull_network",
            Self::ImagePull => "image_pull_failed",
            Self::ContainerHealthCheck => "container_health_check",
            Self::LoadBalancerHealthCheck => "load_balancer_health_check",
            Self::SecretsNotFetched => "secrets_not_fetched",
            Self::ResourceInitialization => "resource_initialization",
            Self::NoCapacity => "no_capacity",
            Self::SpotInterruption => "spot_interruption",
            Self::EssentialExited => "essential_container_exited",
            Self::FailedToStart => "failed_to_start",
            Self::ScalingIn => "scaling_in",
            Self::DeploymentReplaced => "deployment_replaced",
            Self::StoppedByUser => "stopped_by_user",
            Self::Maintenance => "maintenance",
            Self::Unknown => "unknown",
        }
    }

    /// A short label for a table column.
    pub fn label(self) -> &'static str {
        match self {
            Self::OutOfMemory => "out of memory",
            Self::ImageNotFound => "image not found",
            Self::ImageAccessDenied => "pull denied",
            Self::ImagePullNetwork => "pull network",
            Self::ImagePull => "pull failed",
            Self::ContainerHealthCheck => "health check",
            Self::LoadBalancerHealthCheck => "LB health",
            Self::SecretsNotFetched => "secrets",
            Self::ResourceInitialization => "init failed",
            Self::NoCapacity => "no capacity",
            Self::SpotInterruption => "spot",
            Self::EssentialExited => "exited",
            Self::FailedToStart => "no start",
            Self::ScalingIn => "scaled in",
            Self::DeploymentReplaced => "replaced",
            Self::StoppedByUser => "by user",
            Self::Maintenance => "maintenance",
            Self::Unknown => "stopped",
        }
    }

    /// False for the stops that are part of normal operation.
    pub fn is_failure(self) -> bool {
        !matches!(
            self,
            Self::ScalingIn | Self::DeploymentReplaced | Self::StoppedByUser | Self::Maintenance
        )
    }

    fn hint(self) -> &'static str {
        match self {
            Self::OutOfMemory => {
                "a container ran out of memory: raise its memory (or the task's), or find the leak"
            }
            Self::ImageNotFound => {
                "the image or tag does not exist: check the image in the task definition, or roll back"
            }
            Self::ImageAccessDenied => {
                "pulling the image was denied: give the task execution role ecr:BatchGetImage and ecr:GetDownloadUrlForLayer (and ecr:GetAuthorizationToken)"
            }
            Self::ImagePullNetwork => {
                "the registry could not be reached: check the subnets' route to ECR (NAT gateway or VPC endpoints) and security groups"
            }
            Self::ImagePull => "the image could not be pulled: read the full reason below",
            Self::ContainerHealthCheck => {
                "the container's health check failed: check its command, startPeriod and the app's logs"
            }
            Self::LoadBalancerHealthCheck => {
                "the load balancer's health check failed: check the target group's path and port and the app's logs"
            }
            Self::SecretsNotFetched => {
                "secrets or parameters could not be fetched: give the execution role secretsmanager:GetSecretValue / ssm:GetParameters, and check the network route to them"
            }
            Self::ResourceInitialization => {
                "the task's resources could not be set up: read the full reason below"
            }
            Self::NoCapacity => {
                "no capacity to place the task: add instances or capacity, or relax placement constraints"
            }
            Self::SpotInterruption => {
                "the Spot capacity was reclaimed: ECS starts a replacement; mix in on-demand capacity if it repeats"
            }
            Self::EssentialExited => "an essential container exited: read its logs",
            Self::FailedToStart => "the task failed to start: read the full reason below",
            Self::ScalingIn => "normal: the service scaled in",
            Self::DeploymentReplaced => "normal: a newer deployment replaced this task",
            Self::StoppedByUser => "stopped on purpose (StopTask)",
            Self::Maintenance => "normal: AWS retired the task for maintenance; it was replaced",
            Self::Unknown => "read the full reason below",
        }
    }

    /// The console key that does what the hint says (`l`: read the logs), shown after the
    /// hint in the console only: JSON and the CLI's text never name console keys.
    pub fn console_key(self) -> Option<char> {
        match self {
            Self::EssentialExited => Some('l'),
            _ => None,
        }
    }
}

/// A stopped task's class and the hint to show with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StopDiagnosis {
    pub class: StopClass,
    /// One line: what it means and what to do, with no console key in it (JSON and the
    /// CLI print it as is).
    pub hint: String,
}

impl StopDiagnosis {
    /// The hint as the console shows it: followed by its key, e.g. "read its logs (l)".
    pub fn console_hint(&self) -> String {
        with_console_key(&self.hint, self.class)
    }
}

/// `hint` followed by `class`'s console key in parentheses, when it has one.
pub fn with_console_key(hint: &str, class: StopClass) -> String {
    match class.console_key() {
        Some(key) => format!("{hint} ({key})"),
        None => hint.to_string(),
    }
}

/// The words a rule looks for, lowercased, in a reason text.
struct Rule {
    class: StopClass,
    /// Any of these in the task's stopped reason or a container's reason …
    any: &'static [&'static str],
    /// … and, when not empty, one of these too.
    and_any: &'static [&'static str],
}

const fn rule(class: StopClass, any: &'static [&'static str]) -> Rule {
    Rule {
        class,
        any,
        and_any: &[],
    }
}

const PULL: &[&str] = &["cannotpullcontainer", "pull image", "pulling image"];

/// Checked in order; the first rule whose words appear wins.
const RULES: &[Rule] = &[
    rule(
        StopClass::OutOfMemory,
        &["outofmemory", "out of memory", "oomkilled"],
    ),
    Rule {
        class: StopClass::ImageAccessDenied,
        any: PULL,
        and_any: &[
            "accessdenied",
            "access denied",
            "denied",
            "unauthorized",
            "forbidden",
            "no basic auth",
            "not authorized",
        ],
    },
    Rule {
        class: StopClass::ImageNotFound,
        any: PULL,
        and_any: &[
            "not found",
            "manifest unknown",
            "does not exist",
            "notfound",
        ],
    },
    Rule {
        class: StopClass::ImagePullNetwork,
        any: PULL,
        and_any: &[
            "timeout",
            "timed out",
            "dial tcp",
            "connection",
            "context canceled",
            "no such host",
            "network",
        ],
    },
    rule(StopClass::ImagePull, PULL),
    Rule {
        class: StopClass::SecretsNotFetched,
        any: &["resourceinitializationerror"],
        and_any: &["secret", "ssm", "parameter"],
    },
    rule(
        StopClass::ResourceInitialization,
        &["resourceinitializationerror"],
    ),
    rule(
        StopClass::LoadBalancerHealthCheck,
        &[
            "elb health check",
            "load balancer health check",
            "target-group",
        ],
    ),
    rule(
        StopClass::ContainerHealthCheck,
        &["failed container health check", "health check"],
    ),
    rule(
        StopClass::NoCapacity,
        &[
            "resource:",
            "unable to place",
            "no container instances",
            "insufficient capacity",
            "capacity is unavailable",
        ],
    ),
    rule(
        StopClass::SpotInterruption,
        &[
            "spot task was interrupted",
            "spot interruption",
            "spotinterruption",
        ],
    ),
    rule(
        StopClass::Maintenance,
        &["performing maintenance", "being retired", "task retirement"],
    ),
];

/// Why `task` stopped; `None` while it runs (not stopped and not asked to stop).
pub fn diagnose(task: &Task) -> Option<StopDiagnosis> {
    if task.is_live() && task.stopped_reason.is_none() && task.stop_code.is_none() {
        return None;
    }
    let class = classify(task);
    let mut hint = class.hint().to_string();
    if class == StopClass::EssentialExited
        && let Some((name, code)) = failed_exit(task)
    {
        hint = format!("essential container {name} exited with code {code}: read its logs");
    }
    Some(StopDiagnosis { class, hint })
}

/// The class alone (see [`diagnose`]).
pub fn classify(task: &Task) -> StopClass {
    let reason = task.stopped_reason.as_deref().unwrap_or("").to_lowercase();
    let containers: Vec<String> = task
        .containers
        .iter()
        .filter_map(|c| c.reason.as_deref())
        .map(str::to_lowercase)
        .collect();
    let texts: Vec<&str> = std::iter::once(reason.as_str())
        .chain(containers.iter().map(String::as_str))
        .collect();
    let has = |words: &[&str]| texts.iter().any(|t| words.iter().any(|w| t.contains(w)));
    if task.containers.iter().any(|c| c.exit_code == Some(137)) && reason.contains("exited") {
        return StopClass::OutOfMemory;
    }
    if let Some(class) = RULES
        .iter()
        .find(|r| has(r.any) && (r.and_any.is_empty() || has(r.and_any)))
        .map(|r| r.class)
    {
        return class;
    }
    let code = task.stop_code.as_deref().unwrap_or("");
    if code == "SpotInterruption" {
        return StopClass::SpotInterruption;
    }
    if reason.contains("scaling activity initiated by") {
        return scaled_or_replaced(task, &reason);
    }
    if reason.contains("essential container") || failed_exit(task).is_some() {
        return StopClass::EssentialExited;
    }
    if code == "UserInitiated" || reason.contains("stopped by user") || reason.contains("ecsnap") {
        return StopClass::StoppedByUser;
    }
    if code == "TaskFailedToStart" {
        return StopClass::FailedToStart;
    }
    if code == "ServiceSchedulerInitiated" {
        return StopClass::DeploymentReplaced;
    }
    StopClass::Unknown
}

/// "Scaling activity initiated by (deployment ecs-svc/N)": the task's own deployment
/// scaling in, or a newer one replacing it (the task was started by another deployment).
fn scaled_or_replaced(task: &Task, reason: &str) -> StopClass {
    let by = reason
        .split("(deployment ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .map(str::trim);
    match (by, task.started_by.as_deref()) {
        (Some(by), Some(started)) if !by.eq_ignore_ascii_case(started) => {
            StopClass::DeploymentReplaced
        }
        _ => StopClass::ScalingIn,
    }
}

/// The first container that exited with a non-zero code.
fn failed_exit(task: &Task) -> Option<(&str, i32)> {
    task.containers.iter().find_map(|c| {
        c.exit_code
            .filter(|&code| code != 0)
            .map(|code| (c.name.as_str(), code))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TaskContainer;

    fn stopped(reason: &str, code: Option<&str>, containers: &[(Option<i32>, &str)]) -> Task {
        Task {
            id: "t1".into(),
            last_status: "STOPPED".into(),
            desired_status: "STOPPED".into(),
            stopped_reason: (!reason.is_empty()).then(|| reason.to_string()),
            stop_code: code.map(str::to_string),
            started_by: Some("ecs-svc/111".into()),
            containers: containers
                .iter()
                .enumerate()
                .map(|(i, (exit, why))| TaskContainer {
                    name: format!("c{i}"),
                    exit_code: *exit,
                    reason: (!why.is_empty()).then(|| (*why).to_string()),
                    ..TaskContainer::default()
                })
                .collect(),
            ..Task::default()
        }
    }

    /// One table row: stoppedReason, stopCode, (exit code, reason) per container, class.
    type Case<'a> = (
        &'a str,
        Option<&'a str>,
        &'a [(Option<i32>, &'a str)],
        StopClass,
    );

    #[test]
    #[allow(clippy::too_many_lines, reason = "one table of real reasons")]
    fn classes_from_real_reasons() {
        use StopClass as C;
        let essential = "Essential container in task exited";
        let cases: &[Case] = &[
            (
                essential,
                Some("EssentialContainerExited"),
                &[(Some(137), "")],
                C::OutOfMemory,
            ),
            (
                essential,
                None,
                &[(
                    None,
                    "OutOfMemoryError: Container killed due to memory usage",
                )],
                C::OutOfMemory,
            ),
            (
                "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 111.dkr.ecr.us-east-1.amazonaws.com/api:v9: not found",
                Some("TaskFailedToStart"),
                &[],
                C::ImageNotFound,
            ),
            (
                "CannotPullContainerError: pull access denied for api, repository does not exist or may require 'docker login'",
                None,
                &[],
                C::ImageAccessDenied,
            ),
            (
                "CannotPullContainerError: Error response from daemon: Get https://111.dkr.ecr.us-east-1.amazonaws.com/v2/: net/http: request canceled while waiting for connection (Client.Timeout exceeded)",
                None,
                &[],
                C::ImagePullNetwork,
            ),
            (
                "CannotPullContainerError: something new",
                None,
                &[],
                C::ImagePull,
            ),
            (
                "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm",
                Some("TaskFailedToStart"),
                &[],
                C::SecretsNotFetched,
            ),
            (
                "ResourceInitializationError: failed to validate logger args",
                None,
                &[],
                C::ResourceInitialization,
            ),
            (
                "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:111:targetgroup/api/abc)",
                None,
                &[],
                C::LoadBalancerHealthCheck,
            ),
            (
                "Task failed container health checks",
                None,
                &[],
                C::ContainerHealthCheck,
            ),
            ("RESOURCE:MEMORY", None, &[], C::NoCapacity),
            (
                "Your Spot Task was interrupted.",
                Some("SpotInterruption"),
                &[],
                C::SpotInterruption,
            ),
            ("", Some("SpotInterruption"), &[], C::SpotInterruption),
            (
                essential,
                Some("EssentialContainerExited"),
                &[(Some(1), ""), (Some(0), "")],
                C::EssentialExited,
            ),
            (
                "Scaling activity initiated by (deployment ecs-svc/111)",
                Some("ServiceSchedulerInitiated"),
                &[],
                C::ScalingIn,
            ),
            (
                "Scaling activity initiated by (deployment ecs-svc/222)",
                Some("ServiceSchedulerInitiated"),
                &[],
                C::DeploymentReplaced,
            ),
            (
                "Task stopped by user",
                Some("UserInitiated"),
                &[],
                C::StoppedByUser,
            ),
            (
                "stopped with ecsnap by arn:aws:iam::1:user/alice",
                None,
                &[],
                C::StoppedByUser,
            ),
            (
                "ECS is performing maintenance on the underlying infrastructure hosting the task",
                None,
                &[],
                C::Maintenance,
            ),
            ("", Some("TaskFailedToStart"), &[], C::FailedToStart),
            (
                "something nobody has seen",
                None,
                &[(Some(0), "")],
                C::Unknown,
            ),
        ];
        for (reason, code, containers, want) in cases {
            let task = stopped(reason, *code, containers);
            assert_eq!(classify(&task), *want, "{reason:?} {code:?}");
        }
    }

    #[test]
    fn normal_stops_are_not_failures() {
        for class in [
            StopClass::ScalingIn,
            StopClass::DeploymentReplaced,
            StopClass::StoppedByUser,
            StopClass::Maintenance,
        ] {
            assert!(!class.is_failure(), "{class:?}");
        }
        assert!(StopClass::OutOfMemory.is_failure());
        assert!(StopClass::Unknown.is_failure());
    }

    #[test]
    fn running_tasks_have_no_diagnosis_and_exits_name_the_container() {
        let running = Task {
            last_status: "RUNNING".into(),
            desired_status: "RUNNING".into(),
            ..Task::default()
        };
        assert_eq!(diagnose(&running), None);
        let exited = stopped(
            "Essential container in task exited",
            None,
            &[(Some(0), ""), (Some(2), "")],
        );
        let d = diagnose(&exited).expect("stopped");
        assert_eq!(d.class, StopClass::EssentialExited);
        assert!(d.hint.contains("c1 exited with code 2"), "{}", d.hint);
    }

    /// The hint JSON and the CLI print names no console key; the console's adds it.
    #[test]
    fn hints_name_no_console_key() {
        let key_hint = |s: &str| {
            let b = s.as_bytes();
            b.windows(3)
                .any(|w| w[0] == b'(' && w[1].is_ascii_alphabetic() && w[2] == b')')
        };
        let cases = [
            stopped("OutOfMemoryError: Container killed", None, &[]),
            stopped("CannotPullContainerError: not found", None, &[]),
            stopped(
                "Essential container in task exited",
                None,
                &[(Some(0), ""), (Some(2), "")],
            ),
            stopped("Essential container in task exited", None, &[]),
            stopped("Task failed ELB health checks", None, &[]),
            stopped("Scaling activity initiated by deployment", None, &[]),
            stopped("something else", None, &[]),
        ];
        let mut keyed = 0;
        for task in &cases {
            let d = diagnose(task).expect("stopped");
            assert!(!key_hint(&d.hint), "{:?}: {}", d.class, d.hint);
            let shown = d.console_hint();
            if let Some(key) = d.class.console_key() {
                keyed += 1;
                assert!(shown.ends_with(&format!(" ({key})")), "{shown}");
            } else {
                assert_eq!(shown, d.hint);
            }
        }
        assert_eq!(keyed, 2, "the two exits carry the logs key");
    }

    #[test]
    fn codes_are_unique() {
        use StopClass as C;
        let all = [
            C::OutOfMemory,
            C::ImageNotFound,
            C::ImageAccessDenied,
            C::ImagePullNetwork,
            C::ImagePull,
            C::ContainerHealthCheck,
            C::LoadBalancerHealthCheck,
            C::SecretsNotFetched,
            C::ResourceInitialization,
            C::NoCapacity,
            C::SpotInterruption,
            C::EssentialExited,
            C::FailedToStart,
            C::ScalingIn,
            C::DeploymentReplaced,
            C::StoppedByUser,
            C::Maintenance,
            C::Unknown,
        ];
        let codes: std::collections::HashSet<_> = all.iter().map(|c| c.code()).collect();
        assert_eq!(codes.len(), all.len());
    }
}
