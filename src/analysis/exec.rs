//! Can ECS Exec reach a task? The task must be RUNNING and started with
//! `enableExecuteCommand`, a Fargate task needs platform version 1.4.0 or later, and the
//! container's `ExecuteCommandAgent` must be RUNNING. When one of them is missing, say which
//! and what to change. Pure: judged from the task (and its service's setting, when known).

use crate::model::{AgentStatus, Task, TaskStatus};

/// The Fargate platform version ECS Exec needs at least.
pub const MIN_FARGATE_PLATFORM: (u32, u32, u32) = (1, 4, 0);

/// Why ECS Exec cannot work for `task` (in `container`, or in any of its containers), or
/// `None` when nothing is known to stand in the way. `service_enabled` is the service's
/// `enableExecuteCommand` when the caller knows it.
pub fn exec_blocker(
    task: &Task,
    service_enabled: Option<bool>,
    container: Option<&str>,
) -> Option<String> {
    if task.last_status != TaskStatus::Running || task.desired_status == TaskStatus::Stopped {
        let status = if task.desired_status == TaskStatus::Stopped
            && task.last_status == TaskStatus::Running
        {
            "stopping"
        } else {
            task.last_status.as_str()
        };
        return Some(format!(
            "the task is {status}: ECS Exec needs a RUNNING task"
        ));
    }
    if !task.exec.enabled {
        return Some(disabled_hint(task, service_enabled));
    }
    if let Some(why) = platform_blocker(task) {
        return Some(why);
    }
    agent_blocker(task, container)
}

/// The task was started without `enableExecuteCommand`.
fn disabled_hint(task: &Task, service_enabled: Option<bool>) -> String {
    match (task.service_name(), service_enabled) {
        (Some(service), Some(true)) => format!(
            "the task started before ECS Exec was enabled on service {service}: force a new \
             deployment (`ecsnap redeploy --cluster {} --service {service}`) so its tasks get it",
            task.cluster
        ),
        (Some(service), _) => format!(
            "ECS Exec is off (enableExecuteCommand false): enable it on service {service} \
             (`aws ecs update-service --cluster {} --service {service} \
             --enable-execute-command --force-new-deployment`)",
            task.cluster
        ),
        (None, _) => "ECS Exec is off (enableExecuteCommand false): run the task again with \
                      `--enable-execute-command`"
            .to_string(),
    }
}

/// Fargate before 1.4.0 has no ECS Exec.
fn platform_blocker(task: &Task) -> Option<String> {
    if task.exec.launch_type.as_deref() != Some("FARGATE") {
        return None;
    }
    let version = task.exec.platform_version.as_deref()?;
    let parsed = parse_version(version)?;
    (parsed < MIN_FARGATE_PLATFORM).then(|| {
        format!(
            "Fargate platform version {version} has no ECS Exec: run 1.4.0 or later \
             (`--platform-version LATEST` on the service, then a new deployment)"
        )
    })
}

/// `1.4.0` → (1, 4, 0); `LATEST` and other words → `None` (not judged).
fn parse_version(v: &str) -> Option<(u32, u32, u32)> {
    let mut parts = v.split('.').map(|p| p.parse::<u32>().ok());
    let major = parts.next()??;
    let minor = parts.next().flatten().unwrap_or(0);
    let patch = parts.next().flatten().unwrap_or(0);
    Some((major, minor, patch))
}

/// The `ExecuteCommandAgent` of the container (or of every container) is not RUNNING.
fn agent_blocker(task: &Task, container: Option<&str>) -> Option<String> {
    let containers: Vec<_> = task
        .containers
        .iter()
        .filter(|c| container.is_none_or(|n| c.name == n))
        .collect();
    if containers
        .iter()
        .any(|c| c.exec_agent == Some(AgentStatus::Running))
    {
        return None;
    }
    let which = container.map_or_else(|| "any container".to_string(), |n| format!("container {n}"));
    let seen = containers.iter().find_map(|c| c.exec_agent.as_ref());
    Some(match seen {
        Some(status) => format!(
            "the ExecuteCommandAgent is {status} in {which}, not RUNNING: the task role needs \
             ssmmessages:CreateControlChannel, CreateDataChannel, OpenControlChannel and \
             OpenDataChannel, and the task needs a route to SSM"
        ),
        None => format!(
            "ECS reports no ExecuteCommandAgent for {which}: wait until the task has started, \
             or start a new task (the agent is added when a task starts with ECS Exec on)"
        ),
    })
}

/// Why a container of `task` has no runtime id (the last part of a Session Manager target),
/// and what to check. A task that is not RUNNING is said to be so; a RUNNING task whose
/// container ECS has not reported a runtime id for is told what is missing, not that it is
/// stopped.
pub fn no_runtime_id(task: &Task, container: &str) -> String {
    let running =
        task.last_status == TaskStatus::Running && task.desired_status != TaskStatus::Stopped;
    if !running {
        let status = if task.last_status == TaskStatus::Running {
            "stopping"
        } else {
            task.last_status.as_str()
        };
        return format!(
            "container {container} of task {} has no runtime id: the task is {status}, not \
             running; pick a RUNNING task",
            task.id
        );
    }
    let platform = match (
        task.exec.launch_type.as_deref(),
        task.exec.platform_version.as_deref(),
    ) {
        (Some(launch), Some(version)) => format!(" (it runs {launch} platform version {version})"),
        (Some(launch), None) => format!(" (it runs on {launch})"),
        _ => String::new(),
    };
    format!(
        "task {id} is RUNNING but ECS has not reported a runtime id for its container \
         {container}, and a session needs one: on Fargate/awsvpc it appears once the container \
         has started, and an older platform version or container agent may not report it. \
         Check the task's platform version{platform}, that container {container} has started, \
         and `aws ecs describe-tasks --cluster {cluster} --tasks {id} --query \
         'tasks[].containers[].[name,lastStatus,runtimeId]'`",
        id = task.id,
        cluster = task.cluster,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{TaskContainer, TaskExec};

    fn task(status: &str, enabled: bool, platform: Option<&str>, agent: Option<&str>) -> Task {
        Task {
            id: "t1".into(),
            cluster: "prod".into(),
            group: Some("service:api".into()),
            last_status: status.into(),
            desired_status: if status == "STOPPED" {
                "STOPPED"
            } else {
                "RUNNING"
            }
            .into(),
            containers: vec![
                TaskContainer {
                    name: "app".into(),
                    exec_agent: agent.map(Into::into),
                    ..TaskContainer::default()
                },
                TaskContainer {
                    name: "sidecar".into(),
                    ..TaskContainer::default()
                },
            ],
            exec: TaskExec {
                enabled,
                launch_type: platform.map(|_| "FARGATE".to_string()),
                platform_version: platform.map(str::to_string),
            },
            ..Task::default()
        }
    }

    /// (task, service enabled, container, expected: None = ready, Some(words in the hint))
    type Case<'a> = (Task, Option<bool>, Option<&'a str>, Option<&'a [&'a str]>);

    #[test]
    fn readiness_table() {
        let cases: Vec<Case> = vec![
            (
                task("RUNNING", true, Some("1.4.0"), Some("RUNNING")),
                None,
                None,
                None,
            ),
            (
                task("RUNNING", true, Some("LATEST"), Some("RUNNING")),
                Some(true),
                Some("app"),
                None,
            ),
            (
                task("RUNNING", true, None, Some("RUNNING")),
                None,
                None,
                None,
            ),
            (
                task("STOPPED", true, None, Some("RUNNING")),
                None,
                None,
                Some(&["STOPPED", "RUNNING task"]),
            ),
            (
                task("PENDING", true, None, None),
                None,
                None,
                Some(&["PENDING"]),
            ),
            (
                task("RUNNING", false, None, None),
                Some(false),
                None,
                Some(&["enable-execute-command", "service api", "--cluster prod"]),
            ),
            (
                task("RUNNING", false, None, None),
                Some(true),
                None,
                Some(&["before ECS Exec was enabled", "ecsnap redeploy"]),
            ),
            (
                task("RUNNING", true, Some("1.3.0"), Some("RUNNING")),
                None,
                None,
                Some(&["1.3.0", "1.4.0 or later"]),
            ),
            (
                task("RUNNING", true, Some("1.4.0"), Some("PENDING")),
                None,
                None,
                Some(&["PENDING", "ssmmessages:CreateControlChannel"]),
            ),
            (
                task("RUNNING", true, Some("1.4.0"), Some("RUNNING")),
                None,
                Some("sidecar"),
                Some(&["no ExecuteCommandAgent", "container sidecar"]),
            ),
            (
                task("RUNNING", true, None, None),
                None,
                None,
                Some(&["no ExecuteCommandAgent", "any container"]),
            ),
        ];
        for (i, (t, service, container, want)) in cases.into_iter().enumerate() {
            let got = exec_blocker(&t, service, container);
            match (want, &got) {
                (None, None) => {}
                (Some(words), Some(text)) => {
                    for w in words {
                        assert!(text.contains(w), "case {i}: {w:?} not in {text:?}");
                    }
                }
                _ => panic!("case {i}: expected {want:?}, got {got:?}"),
            }
        }
    }

    #[test]
    fn standalone_tasks_are_told_to_run_again() {
        let mut t = task("RUNNING", false, None, None);
        t.group = Some("family:batch".into());
        let hint = exec_blocker(&t, None, None).expect("blocked");
        assert!(hint.contains("run the task again"), "{hint}");
    }

    #[test]
    fn versions_parse() {
        assert_eq!(parse_version("1.4.0"), Some((1, 4, 0)));
        assert_eq!(parse_version("1.3"), Some((1, 3, 0)));
        assert_eq!(parse_version("LATEST"), None);
    }

    #[test]
    fn a_missing_runtime_id_says_what_is_missing() {
        let running = task("RUNNING", true, Some("1.3.0"), None);
        let hint = no_runtime_id(&running, "app");
        for w in [
            "is RUNNING but ECS has not reported a runtime id",
            "container app",
            "platform version 1.3.0",
            "aws ecs describe-tasks --cluster prod --tasks t1",
            "runtimeId",
        ] {
            assert!(hint.contains(w), "{w:?} not in {hint:?}");
        }
        assert!(!hint.contains("not running"), "{hint}");
        let stopped = task("STOPPED", true, None, None);
        let hint = no_runtime_id(&stopped, "app");
        assert!(hint.contains("STOPPED, not running"), "{hint}");
        let mut stopping = task("RUNNING", true, None, None);
        stopping.desired_status = "STOPPED".into();
        assert!(no_runtime_id(&stopping, "app").contains("stopping, not running"));
    }
}
