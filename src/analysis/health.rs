//! Is a service steady? The first column of the Services pane and `steady` in JSON.

use crate::model::{DeploymentStatus, RolloutState, Service, ServiceStatus};

/// Worst first: the order not-steady services sort in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Steadiness {
    /// The rollout failed (or the circuit breaker rolled it back).
    Failed,
    /// A deployment is in progress.
    Rolling,
    /// Fewer tasks running than desired, with no rollout under way.
    Degraded,
    Steady,
}

impl Steadiness {
    /// Symbol and word, so colour is never the only signal.
    pub fn label(self) -> &'static str {
        match self {
            Steadiness::Failed => "✗ FAILED",
            Steadiness::Rolling => "◐ ROLLING",
            Steadiness::Degraded => "! DEGRADED",
            Steadiness::Steady => "✓ steady",
        }
    }

    /// The plain word, no symbol: the value of `steadiness` in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Steadiness::Failed => "failed",
            Steadiness::Rolling => "rolling",
            Steadiness::Degraded => "degraded",
            Steadiness::Steady => "steady",
        }
    }

    pub fn is_steady(self) -> bool {
        self == Steadiness::Steady
    }
}

/// Where a service stands against the one stability rule `wait`, the console's scale
/// watch and the `services` steadiness share. It is botocore's `services-stable` waiter
/// (what `aws ecs wait services-stable` runs): failure when the service is MISSING (the
/// caller's case: it is not in the answer), DRAINING or INACTIVE; success only when it has
/// exactly one deployment and `runningCount == desiredCount`. On top, the rollout states
/// ecsnap reads: a live deployment whose rollout FAILED is a failure, a PRIMARY rollout
/// that is not COMPLETED (IN_PROGRESS, or a state ECS adds later) is not stable yet.
/// Scaling starts no deployment: after a scale-out the one COMPLETED deployment stays, and
/// only the counts say the service is not there yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stability {
    Stable,
    /// The service left ACTIVE (DRAINING, INACTIVE, or no status at all).
    Left,
    /// A live deployment's rollout FAILED.
    Failed,
    /// No deployment, more than one, or the PRIMARY's rollout is not COMPLETED.
    Deploying,
    /// One settled deployment, but the running count is not the desired count.
    Counts {
        running: i32,
        desired: i32,
    },
}

impl Stability {
    pub fn is_stable(&self) -> bool {
        *self == Stability::Stable
    }
}

/// The one stability rule (see [`Stability`]).
pub fn stability(service: &Service) -> Stability {
    if service.status != ServiceStatus::Active {
        return Stability::Left;
    }
    let primary = service.primary();
    let failed = primary.and_then(|d| d.rollout_state.as_ref()) == Some(&RolloutState::Failed)
        || service.deployments.iter().any(|d| {
            d.rollout_state == Some(RolloutState::Failed) && d.status != DeploymentStatus::Inactive
        });
    if failed {
        return Stability::Failed;
    }
    let settled_rollout = match primary.map(|d| d.rollout_state.as_ref()) {
        Some(None | Some(RolloutState::Completed)) => true,
        // No PRIMARY among the one deployment (an odd answer): its counts decide.
        None => service.deployments.len() == 1,
        Some(Some(_)) => false,
    };
    if service.deployments.len() != 1 || !settled_rollout {
        return Stability::Deploying;
    }
    if service.running_count != service.desired_count {
        return Stability::Counts {
            running: service.running_count,
            desired: service.desired_count,
        };
    }
    Stability::Stable
}

/// The Services pane's and JSON's word for [`stability`]: a service whose rollout FAILED
/// is failed, one deploying (or with more tasks running than desired, on their way out) is
/// rolling, one short of its desired count degraded. A service that left ACTIVE keeps the
/// word its deployments give (the listing shows its status beside).
pub fn steadiness(service: &Service) -> Steadiness {
    let judged = match stability(service) {
        Stability::Left => stability(&Service {
            status: ServiceStatus::Active,
            ..service.clone()
        }),
        other => other,
    };
    match judged {
        Stability::Failed => Steadiness::Failed,
        Stability::Deploying => Steadiness::Rolling,
        Stability::Counts { running, desired } if running > desired => Steadiness::Rolling,
        Stability::Counts { .. } => Steadiness::Degraded,
        Stability::Stable | Stability::Left => Steadiness::Steady,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Deployment;

    fn dep(status: &str, rollout: Option<&str>) -> Deployment {
        Deployment {
            status: status.into(),
            rollout_state: rollout.map(Into::into),
            ..Deployment::default()
        }
    }

    fn svc(desired: i32, running: i32, deployments: Vec<Deployment>) -> Service {
        Service {
            status: ServiceStatus::Active,
            desired_count: desired,
            running_count: running,
            deployments,
            ..Service::default()
        }
    }

    #[test]
    fn json_words_are_plain_snake_case() {
        for s in [
            Steadiness::Failed,
            Steadiness::Rolling,
            Steadiness::Degraded,
            Steadiness::Steady,
        ] {
            let w = s.as_str();
            assert!(w.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{w}");
            assert!(s.label().to_lowercase().ends_with(w), "{w}");
        }
    }

    #[test]
    fn steadiness_table() {
        let cases = [
            (
                svc(2, 2, vec![dep("PRIMARY", Some("COMPLETED"))]),
                Steadiness::Steady,
            ),
            // No deployment: botocore's waiter does not call that stable either.
            (svc(2, 2, vec![]), Steadiness::Rolling),
            // More running than desired (a scale-in under way): not steady.
            (
                svc(2, 3, vec![dep("PRIMARY", Some("COMPLETED"))]),
                Steadiness::Rolling,
            ),
            (svc(2, 2, vec![dep("PRIMARY", None)]), Steadiness::Steady),
            (
                svc(3, 2, vec![dep("PRIMARY", Some("COMPLETED"))]),
                Steadiness::Degraded,
            ),
            (
                svc(3, 2, vec![dep("PRIMARY", Some("IN_PROGRESS"))]),
                Steadiness::Rolling,
            ),
            (
                svc(
                    2,
                    2,
                    vec![
                        dep("PRIMARY", Some("COMPLETED")),
                        dep("ACTIVE", Some("COMPLETED")),
                    ],
                ),
                Steadiness::Rolling,
            ),
            (
                svc(2, 1, vec![dep("PRIMARY", Some("FAILED"))]),
                Steadiness::Failed,
            ),
            (
                svc(
                    2,
                    2,
                    vec![
                        dep("PRIMARY", Some("COMPLETED")),
                        dep("ACTIVE", Some("FAILED")),
                    ],
                ),
                Steadiness::Failed,
            ),
        ];
        for (i, (s, want)) in cases.iter().enumerate() {
            assert_eq!(steadiness(s), *want, "case {i}");
        }
    }

    /// botocore's `services-stable` acceptors (waiters-2.json of ECS, the waiter `aws ecs
    /// wait services-stable` runs), one row per acceptor, and the rollout states ecsnap
    /// reads on top:
    ///   failure: `services[].status` any "DRAINING" or "INACTIVE" (and "MISSING" from
    ///            `failures[].reason`: the caller's case, the service is not in the answer);
    ///   success: `length(services[?!(length(deployments) == `1` && runningCount ==
    ///            desiredCount)]) == `0``;
    ///   else retry.
    #[test]
    fn stability_mirrors_the_botocore_services_stable_acceptors() {
        let with_status = |status: &str, s: Service| Service {
            status: status.into(),
            ..s
        };
        let done = || vec![dep("PRIMARY", Some("COMPLETED"))];
        let cases = [
            (
                "draining: failure",
                with_status("DRAINING", svc(2, 2, done())),
                Stability::Left,
            ),
            (
                "inactive: failure",
                with_status("INACTIVE", svc(2, 2, done())),
                Stability::Left,
            ),
            (
                "one deployment at desired: success",
                svc(2, 2, done()),
                Stability::Stable,
            ),
            (
                "one deployment without rollout state at desired: success",
                svc(2, 2, vec![dep("PRIMARY", None)]),
                Stability::Stable,
            ),
            (
                "after a scale-out: COMPLETED but short of desired: retry",
                svc(5, 2, done()),
                Stability::Counts {
                    running: 2,
                    desired: 5,
                },
            ),
            (
                "after a scale-in: more running than desired: retry",
                svc(1, 3, done()),
                Stability::Counts {
                    running: 3,
                    desired: 1,
                },
            ),
            (
                "two deployments at desired: retry",
                svc(
                    2,
                    2,
                    vec![
                        dep("PRIMARY", Some("COMPLETED")),
                        dep("ACTIVE", Some("COMPLETED")),
                    ],
                ),
                Stability::Deploying,
            ),
            (
                "no deployment: retry",
                svc(0, 0, vec![]),
                Stability::Deploying,
            ),
            (
                "rollout in progress at desired: retry",
                svc(2, 2, vec![dep("PRIMARY", Some("IN_PROGRESS"))]),
                Stability::Deploying,
            ),
            (
                "rollout failed: failure",
                svc(2, 2, vec![dep("PRIMARY", Some("FAILED"))]),
                Stability::Failed,
            ),
        ];
        for (name, service, want) in cases {
            assert_eq!(stability(&service), want, "{name}");
        }
    }

    #[test]
    fn worst_sorts_first() {
        let mut v = [
            Steadiness::Steady,
            Steadiness::Degraded,
            Steadiness::Failed,
            Steadiness::Rolling,
        ];
        v.sort();
        assert_eq!(
            v,
            [
                Steadiness::Failed,
                Steadiness::Rolling,
                Steadiness::Degraded,
                Steadiness::Steady
            ]
        );
    }
}
