//! Is a service steady? The first column of the Services pane and `steady` in JSON.

use crate::model::{DeploymentStatus, RolloutState, Service};

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

pub fn steadiness(service: &Service) -> Steadiness {
    let primary = service.primary();
    let failed = primary.and_then(|d| d.rollout_state.as_ref()) == Some(&RolloutState::Failed)
        || service.deployments.iter().any(|d| {
            d.rollout_state == Some(RolloutState::Failed) && d.status != DeploymentStatus::Inactive
        });
    if failed {
        return Steadiness::Failed;
    }
    let rolling = primary.and_then(|d| d.rollout_state.as_ref()) == Some(&RolloutState::InProgress)
        || service.deployments.len() > 1;
    if rolling {
        return Steadiness::Rolling;
    }
    if service.running_count < service.desired_count {
        return Steadiness::Degraded;
    }
    Steadiness::Steady
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
            (svc(2, 2, vec![]), Steadiness::Steady),
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
