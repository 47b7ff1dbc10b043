//! Scale a service: plan (desired count from → to), then UpdateService with the new
//! desiredCount through the `Mutator`; then, if asked, watch the running count reach it
//! (scaling starts no deployment, so the rollout wait would call it stable at once).

use std::time::Duration;

use super::find_service;
use super::guard::Mutator;
use super::wait::Clock;
use crate::aws::{AwsClients, EcsApi, ServiceChange};
use crate::error::{Error, Result};
use crate::model::{ClusterService, RolloutState, Service, ServiceStatus};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalePlan {
    /// The service it acts on.
    pub service: ClusterService,
    pub from: i32,
    pub to: i32,
    pub running: i32,
}

impl ScalePlan {
    pub fn summary(&self) -> String {
        format!(
            "scale {} from {} to {} desired ({} running now)",
            self.service.label(),
            self.from,
            self.to,
            self.running
        )
    }

    /// Already at the desired count: nothing to send.
    pub fn is_noop(&self) -> bool {
        self.from == self.to
    }
}

/// The plan from a service already read (the console's `+` / `-`).
pub fn plan_for(service: &Service, desired: i32) -> Result<ScalePlan> {
    if desired < 0 {
        return Err(Error::Usage(format!(
            "desired count {desired} is negative: {}/{} stays at {}",
            service.cluster, service.name, service.desired_count
        )));
    }
    Ok(ScalePlan {
        service: ClusterService::of(service),
        from: service.desired_count,
        to: desired,
        running: service.running_count,
    })
}

pub async fn plan(
    aws: &AwsClients,
    cluster: &str,
    service: &str,
    desired: i32,
) -> Result<ScalePlan> {
    let s = find_service(aws, cluster, service).await?;
    plan_for(&s, desired)
}

/// UpdateService with the desired count; the service as ECS answered.
pub async fn execute(mutator: &Mutator, plan: &ScalePlan) -> Result<Service> {
    mutator
        .update_service(
            &plan.service.cluster,
            &plan.service.name,
            &ServiceChange::DesiredCount(plan.to),
        )
        .await
}

/// Where a scaled service stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountVerdict {
    /// Running equals the target, nothing pending.
    Reached,
    Moving,
    /// The service left ACTIVE, or its rollout failed.
    Failed(String),
}

/// Judges one look at the service against the desired count asked for.
pub fn count_verdict(service: &Service, target: i32) -> CountVerdict {
    if service.status != ServiceStatus::Active {
        return CountVerdict::Failed(format!(
            "service {} is {} (it left ACTIVE)",
            service.name, service.status
        ));
    }
    if let Some(d) = service
        .deployments
        .iter()
        .find(|d| d.rollout_state == Some(RolloutState::Failed))
    {
        return CountVerdict::Failed(format!(
            "deployment {} rollout FAILED{}",
            d.id,
            d.rollout_state_reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        ));
    }
    // Reached by the one stability rule `wait` and `services` share (one deployment,
    // running == desired), at the count asked for, nothing pending.
    if service.running_count == target
        && service.pending_count == 0
        && crate::analysis::health::stability(service).is_stable()
    {
        CountVerdict::Reached
    } else {
        CountVerdict::Moving
    }
}

/// How watching the count ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountOutcome {
    pub verdict: CountVerdict,
    pub running: i32,
    pub pending: i32,
    pub polls: u32,
    pub elapsed: Duration,
}

impl CountOutcome {
    /// How it ended, in words: `reached 3 running`, `failed: why`, or `timed out after
    /// 600s at 2 running` (`target`: the desired count watched for).
    pub fn summary(&self, target: i32) -> String {
        match &self.verdict {
            CountVerdict::Reached => format!("reached {target} running"),
            CountVerdict::Failed(why) => format!("failed: {why}"),
            CountVerdict::Moving => format!(
                "timed out after {}s at {} running",
                self.elapsed.as_secs(),
                self.running
            ),
        }
    }
}

/// Polls the service every `interval` until its running count reaches the plan's target
/// (nothing pending), it fails, or `timeout` passes (the verdict is then `Moving`).
/// `progress` hears every look. A failed look is an error.
pub async fn wait_for_count(
    ecs: &dyn EcsApi,
    clock: &dyn Clock,
    plan: &ScalePlan,
    timeout: Duration,
    interval: Duration,
    progress: &mut (dyn FnMut(&Service) + Send),
) -> Result<CountOutcome> {
    let start = clock.elapsed();
    let mut polls = 0;
    loop {
        polls += 1;
        let service = ecs
            .describe_services(
                &plan.service.cluster,
                std::slice::from_ref(&plan.service.name),
            )
            .await?
            .into_iter()
            .find(|s| s.name == plan.service.name)
            .ok_or_else(|| {
                super::not_found(
                    "service",
                    &plan.service.name,
                    format!("cluster {}", plan.service.cluster),
                )
            })?;
        progress(&service);
        let verdict = count_verdict(&service, plan.to);
        let elapsed = clock.elapsed().saturating_sub(start);
        if verdict != CountVerdict::Moving || elapsed + interval > timeout {
            return Ok(CountOutcome {
                verdict,
                running: service.running_count,
                pending: service.pending_count,
                polls,
                elapsed,
            });
        }
        clock.sleep(interval).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_watch_outcome_says_how_it_ended() {
        let outcome = |verdict| CountOutcome {
            verdict,
            running: 2,
            pending: 1,
            polls: 4,
            elapsed: Duration::from_mins(10),
        };
        assert_eq!(
            outcome(CountVerdict::Reached).summary(3),
            "reached 3 running"
        );
        assert_eq!(
            outcome(CountVerdict::Failed("deployment d1 rollout FAILED".into())).summary(3),
            "failed: deployment d1 rollout FAILED"
        );
        assert_eq!(
            outcome(CountVerdict::Moving).summary(3),
            "timed out after 600s at 2 running"
        );
    }

    #[test]
    fn plans_from_the_current_count() {
        let s = Service {
            cluster: "prod".into(),
            name: "api".into(),
            desired_count: 2,
            running_count: 1,
            ..Service::default()
        };
        let p = plan_for(&s, 5).expect("plan");
        assert_eq!((p.from, p.to, p.running), (2, 5, 1));
        assert_eq!(
            p.summary(),
            "scale prod/api from 2 to 5 desired (1 running now)"
        );
        assert!(!p.is_noop());
        assert!(plan_for(&s, 2).expect("plan").is_noop());
        assert!(plan_for(&s, -1).is_err());
    }

    #[test]
    fn count_verdicts() {
        use crate::model::Deployment;
        let svc = |status: &str, running: i32, pending: i32, failed: bool| Service {
            name: "api".into(),
            status: status.into(),
            desired_count: 5,
            running_count: running,
            pending_count: pending,
            deployments: vec![Deployment {
                id: "d1".into(),
                status: "PRIMARY".into(),
                rollout_state: Some(if failed { "FAILED" } else { "COMPLETED" }.into()),
                ..Deployment::default()
            }],
            ..Service::default()
        };
        let cases = [
            (svc("ACTIVE", 5, 0, false), CountVerdict::Reached),
            (svc("ACTIVE", 5, 1, false), CountVerdict::Moving),
            (svc("ACTIVE", 3, 2, false), CountVerdict::Moving),
            (svc("ACTIVE", 6, 0, false), CountVerdict::Moving),
            // The shared stability rule: a second deployment still there is not settled.
            (
                Service {
                    deployments: vec![
                        Deployment {
                            status: "PRIMARY".into(),
                            ..Deployment::default()
                        },
                        Deployment {
                            status: "ACTIVE".into(),
                            ..Deployment::default()
                        },
                    ],
                    ..svc("ACTIVE", 5, 0, false)
                },
                CountVerdict::Moving,
            ),
        ];
        for (s, want) in cases {
            assert_eq!(count_verdict(&s, 5), want, "{s:?}");
        }
        assert!(matches!(
            count_verdict(&svc("DRAINING", 5, 0, false), 5),
            CountVerdict::Failed(_)
        ));
        assert!(matches!(
            count_verdict(&svc("ACTIVE", 1, 0, true), 5),
            CountVerdict::Failed(w) if w.contains("FAILED")
        ));
    }
}
