//! Load-balancer target health judged against a service's tasks: each registered target
//! mapped to its task (an awsvpc task by its ENI's private IP; a bridge or host task by its
//! container instance's EC2 instance id and a host port it binds), each target group's
//! healthy / unhealthy / draining / initial counts, and a failed-ELB-health-check stop
//! paired with what the load balancer last said of that task. Pure.

use std::collections::HashMap;

use super::stop::{StopClass, StopDiagnosis};
use crate::model::{ContainerInstance, TargetHealth, TargetHealthState, Task};

/// The target group's name from its ARN (`…:targetgroup/NAME/0123abcd` → `NAME`).
pub fn target_group_name(arn: &str) -> &str {
    arn.split_once(":targetgroup/")
        .map_or(arn, |(_, rest)| rest.split('/').next().unwrap_or(rest))
}

/// One target group's targets, counted by state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupCounts {
    pub target_group_arn: String,
    pub healthy: usize,
    pub unhealthy: usize,
    pub draining: usize,
    pub initial: usize,
    /// `unused`, `unavailable` and states ecsnap does not know.
    pub other: usize,
}

impl GroupCounts {
    /// `3 healthy · 1 unhealthy · 1 draining` (the states with targets only).
    pub fn line(&self) -> String {
        let parts: Vec<String> = [
            (self.healthy, "healthy"),
            (self.unhealthy, "unhealthy"),
            (self.draining, "draining"),
            (self.initial, "initial"),
            (self.other, "other"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, word)| format!("{n} {word}"))
        .collect();
        if parts.is_empty() {
            "no targets".to_string()
        } else {
            parts.join(" · ")
        }
    }
}

/// The counts of each target group in `groups` (in that order; a group without targets
/// counts none).
pub fn group_counts(groups: &[String], targets: &[TargetHealth]) -> Vec<GroupCounts> {
    groups
        .iter()
        .map(|arn| {
            let mut counts = GroupCounts {
                target_group_arn: arn.clone(),
                ..GroupCounts::default()
            };
            for t in targets.iter().filter(|t| &t.target_group_arn == arn) {
                match t.state {
                    TargetHealthState::Healthy => counts.healthy += 1,
                    TargetHealthState::Unhealthy => counts.unhealthy += 1,
                    TargetHealthState::Draining | TargetHealthState::UnhealthyDraining => {
                        counts.draining += 1;
                    }
                    TargetHealthState::Initial => counts.initial += 1,
                    _ => counts.other += 1,
                }
            }
            counts
        })
        .collect()
}

/// The task a target stands for, among `tasks`: an IP target is the task whose ENI has
/// that address; an instance target is a task on that EC2 instance binding the target's
/// port on the host (any task there when the target names no port).
pub fn task_of<'t>(
    target: &TargetHealth,
    tasks: &'t [Task],
    instances: &[ContainerInstance],
) -> Option<&'t Task> {
    if let Some(task) = tasks
        .iter()
        .find(|t| t.private_ip.as_deref() == Some(target.target_id.as_str()))
    {
        return Some(task);
    }
    let on_instance: Vec<&str> = instances
        .iter()
        .filter(|c| c.ec2_instance_id.as_deref() == Some(target.target_id.as_str()))
        .map(|c| c.arn.as_str())
        .collect();
    if on_instance.is_empty() {
        return None;
    }
    let binds = |task: &Task| {
        target.port.is_none_or(|port| {
            task.containers
                .iter()
                .flat_map(|c| &c.network_bindings)
                .any(|(_, host)| *host == port)
        })
    };
    tasks.iter().find(|t| {
        t.container_instance_arn
            .as_deref()
            .is_some_and(|arn| on_instance.contains(&arn))
            && binds(t)
    })
}

/// The targets of each task, by task ARN (targets no task in `tasks` stands for are left
/// out).
pub fn targets_by_task<'a>(
    targets: &'a [TargetHealth],
    tasks: &[Task],
    instances: &[ContainerInstance],
) -> HashMap<String, Vec<&'a TargetHealth>> {
    let mut by_task: HashMap<String, Vec<&TargetHealth>> = HashMap::new();
    for target in targets {
        if let Some(task) = task_of(target, tasks, instances) {
            by_task.entry(task.arn.clone()).or_default().push(target);
        }
    }
    by_task
}

/// The one target of a task to show: the worst state first (unhealthy, then initial,
/// draining, the rest, healthy last).
pub fn worst<'a>(targets: &[&'a TargetHealth]) -> Option<&'a TargetHealth> {
    targets.iter().copied().min_by_key(|t| target_rank(t))
}

/// How much a target's state needs looking at: 0 (unhealthy) first, healthy last.
pub fn target_rank(t: &TargetHealth) -> u8 {
    match t.state {
        TargetHealthState::Unhealthy => 0,
        TargetHealthState::UnhealthyDraining => 1,
        TargetHealthState::Initial => 2,
        TargetHealthState::Draining => 3,
        TargetHealthState::Healthy => 5,
        _ => 4,
    }
}

/// A stop for failed ELB health checks, its hint completed with what the load balancer
/// said of the task's target (`target group web-tg: Target.ResponseCodeMismatch: Health
/// checks failed with these codes: [503]`), when a target of the task is known and has a
/// reason; any other stop as it was.
pub fn with_target_reason(
    mut diagnosis: StopDiagnosis,
    targets: &[&TargetHealth],
) -> StopDiagnosis {
    if diagnosis.class != StopClass::LoadBalancerHealthCheck {
        return diagnosis;
    }
    let said = targets
        .iter()
        .filter(|t| t.reason.as_deref() != Some("Target.DeregistrationInProgress"))
        .find_map(|t| Some((t, t.reason_line()?)));
    if let Some((target, line)) = said {
        diagnosis.hint = format!(
            "{} — target group {} said {line}",
            diagnosis.hint,
            target_group_name(&target.target_group_arn)
        );
    }
    diagnosis
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TaskContainer;

    const TG: &str = "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web-tg/0123abcd";

    fn target(id: &str, port: Option<i32>, state: &str, reason: Option<&str>) -> TargetHealth {
        TargetHealth {
            target_group_arn: TG.into(),
            target_id: id.into(),
            port,
            state: state.into(),
            reason: reason.map(Into::into),
            description: reason.map(|_| "Health checks failed with these codes: [503]".into()),
        }
    }

    fn ip_task(arn: &str, ip: &str) -> Task {
        Task {
            arn: arn.into(),
            private_ip: Some(ip.into()),
            ..Task::default()
        }
    }

    fn bridge_task(arn: &str, instance: &str, host_port: i32) -> Task {
        Task {
            arn: arn.into(),
            container_instance_arn: Some(instance.into()),
            containers: vec![TaskContainer {
                network_bindings: vec![(8080, host_port)],
                ..TaskContainer::default()
            }],
            ..Task::default()
        }
    }

    #[test]
    fn target_group_name_is_the_arn_segment_after_targetgroup() {
        assert_eq!(target_group_name(TG), "web-tg");
        assert_eq!(target_group_name("plain"), "plain");
    }

    #[test]
    fn targets_map_to_tasks_by_ip_or_by_instance_and_host_port() {
        let tasks = vec![
            ip_task("t-ip", "10.0.1.5"),
            bridge_task("t-a", "ci-1", 32768),
            bridge_task("t-b", "ci-1", 32769),
        ];
        let instances = vec![ContainerInstance {
            arn: "ci-1".into(),
            ec2_instance_id: Some("i-0abc".into()),
        }];
        let cases = [
            (
                target("10.0.1.5", Some(8080), "healthy", None),
                Some("t-ip"),
            ),
            (target("10.0.1.9", Some(8080), "healthy", None), None),
            (target("i-0abc", Some(32769), "healthy", None), Some("t-b")),
            (target("i-0abc", Some(32768), "healthy", None), Some("t-a")),
            (target("i-0abc", Some(1), "healthy", None), None),
            (target("i-0zzz", Some(32768), "healthy", None), None),
        ];
        for (t, want) in cases {
            assert_eq!(
                task_of(&t, &tasks, &instances).map(|t| t.arn.as_str()),
                want,
                "{t:?}"
            );
        }
    }

    #[test]
    fn counts_by_state_per_group() {
        let targets = vec![
            target("a", None, "healthy", None),
            target("b", None, "healthy", None),
            target("c", None, "unhealthy", Some("Target.Timeout")),
            target(
                "d",
                None,
                "draining",
                Some("Target.DeregistrationInProgress"),
            ),
            target("e", None, "initial", Some("Elb.RegistrationInProgress")),
            target("f", None, "unused", None),
        ];
        let counts = group_counts(&[TG.to_string()], &targets);
        assert_eq!(
            counts[0].line(),
            "2 healthy · 1 unhealthy · 1 draining · 1 initial · 1 other"
        );
        assert_eq!(
            group_counts(&["other".to_string()], &targets)[0].line(),
            "no targets"
        );
    }

    #[test]
    fn worst_target_first() {
        let healthy = target("a", None, "healthy", None);
        let unhealthy = target("b", None, "unhealthy", Some("Target.Timeout"));
        assert_eq!(worst(&[&healthy, &unhealthy]), Some(&unhealthy));
        assert_eq!(worst(&[]), None);
    }

    #[test]
    fn elb_stop_is_paired_with_the_targets_reason() {
        let elb = StopDiagnosis {
            class: StopClass::LoadBalancerHealthCheck,
            hint: "the load balancer's health check failed".into(),
        };
        let bad = target(
            "10.0.1.5",
            Some(8080),
            "unhealthy",
            Some("Target.ResponseCodeMismatch"),
        );
        let paired = with_target_reason(elb.clone(), &[&bad]);
        assert_eq!(
            paired.hint,
            "the load balancer's health check failed — target group web-tg said \
             Target.ResponseCodeMismatch: Health checks failed with these codes: [503]"
        );
        assert_eq!(with_target_reason(elb.clone(), &[]), elb);
        let other = StopDiagnosis {
            class: StopClass::OutOfMemory,
            hint: "oom".into(),
        };
        assert_eq!(with_target_reason(other.clone(), &[&bad]), other);
    }
}
