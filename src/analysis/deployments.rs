//! Judging service deployments (ECS's own records): which one is in flight, which waits for
//! a person and how long is left before its hook's timeout action fires, the revision ECS
//! would roll back to, the stage in words, and whether a deployment being followed after a
//! stop or a continue has got where it was sent. Pure: `now` is passed in.

use chrono::{DateTime, Utc};

use crate::model::{
    DeploymentStrategy, LifecycleHookAction, LifecycleHookDetail, RevisionCount, ServiceDeployment,
    ServiceDeploymentStatus,
};

/// The newest deployment still in flight (PENDING, IN_PROGRESS), from a list newest first.
pub fn in_flight(deployments: &[ServiceDeployment]) -> Option<&ServiceDeployment> {
    deployments.iter().find(|d| d.status.is_in_flight())
}

/// The newest in-flight deployment paused at a hook awaiting action, with that hook.
pub fn awaiting_action(
    deployments: &[ServiceDeployment],
) -> Option<(&ServiceDeployment, &LifecycleHookDetail)> {
    deployments
        .iter()
        .filter(|d| d.status.is_in_flight())
        .find_map(|d| d.awaiting_hook().map(|h| (d, h)))
}

/// The revision a rollback of `d` returns to: the source revision running the most tasks
/// (the first on a tie), or `None` for a first deployment (no source).
pub fn rollback_source(d: &ServiceDeployment) -> Option<&RevisionCount> {
    d.source_revisions
        .iter()
        .rev()
        .max_by_key(|r| r.running)
        .filter(|r| !r.arn.is_empty())
}

/// How long until `expires_at`: `6m40s left`, or `expired 12s ago`; `no expiry` when ECS
/// gave none.
pub fn countdown(expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    let Some(at) = expires_at else {
        return "no expiry".to_string();
    };
    let secs = (at - now).num_seconds();
    if secs >= 0 {
        format!("{} left", clock(secs))
    } else {
        format!("expired {} ago", clock(-secs))
    }
}

/// Whether the hook's expiry has passed at `now`.
pub fn expired(hook: &LifecycleHookDetail, now: DateTime<Utc>) -> bool {
    hook.expires_at.is_some_and(|at| at <= now)
}

/// `4m12s`, `1h02m`, `45s`.
fn clock(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m{:02}s", s / 60, s % 60),
        s => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// The deployment's strategy, traffic and stage in a few words: `canary 10% ·
/// PRODUCTION_TRAFFIC_SHIFT`, `rolling · SCALE_UP`, `-` when ECS says nothing.
pub fn stage_words(d: &ServiceDeployment) -> String {
    let strategy = d.strategy.as_ref().map(|s| match s {
        DeploymentStrategy::Rolling => "rolling".to_string(),
        DeploymentStrategy::BlueGreen => "blue/green".to_string(),
        DeploymentStrategy::Linear => "linear".to_string(),
        DeploymentStrategy::Canary => "canary".to_string(),
        DeploymentStrategy::Other(o) => o.to_lowercase(),
    });
    let traffic = d
        .target_revision
        .as_ref()
        .and_then(|t| t.production_traffic_weight)
        .filter(|_| {
            d.strategy
                .as_ref()
                .is_some_and(|s| *s != DeploymentStrategy::Rolling)
        })
        .map(|w| format!("{w:.0}%"));
    let head = match (strategy, traffic) {
        (Some(s), Some(t)) => Some(format!("{s} {t}")),
        (Some(s), None) => Some(s),
        (None, Some(t)) => Some(t),
        (None, None) => None,
    };
    let parts: Vec<String> = head
        .into_iter()
        .chain(d.lifecycle_stage.as_ref().map(ToString::to_string))
        .collect();
    if parts.is_empty() {
        "-".to_string()
    } else {
        parts.join(" · ")
    }
}

/// Where a followed deployment should end: rolled back (after StopServiceDeployment, or a
/// hook continued with ROLLBACK), or finished (a hook continued with CONTINUE).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    RolledBack,
    Finished,
}

impl Goal {
    /// The goal of a hook action.
    pub fn of(action: &LifecycleHookAction) -> Self {
        if *action == LifecycleHookAction::Rollback {
            Goal::RolledBack
        } else {
            Goal::Finished
        }
    }
}

/// Where a followed deployment stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowVerdict {
    Moving,
    /// Got where it was sent (ROLLBACK_SUCCESSFUL, or SUCCESSFUL).
    Reached,
    /// Ended elsewhere, with why (ROLLBACK_FAILED, rolled back instead of finishing …).
    Failed(String),
    /// Paused again at another hook (`hook_id`): a person must act again.
    AwaitingAction(String),
}

/// `deployment ARN is STATUS at stage STAGE: ECS's reason` (the stage and the reason when
/// ECS gives them): where and why a deployment ended.
pub fn status_words(d: &ServiceDeployment) -> String {
    format!("deployment {} is {}{}", d.arn, d.status, where_and_why(d))
}

/// ` at stage STAGE: ECS's reason` (each part when ECS gives it; the rollback's reason
/// when there is no status reason).
pub fn where_and_why(d: &ServiceDeployment) -> String {
    let stage = d
        .lifecycle_stage
        .as_ref()
        .map(|s| format!(" at stage {s}"))
        .unwrap_or_default();
    let reason = d
        .status_reason
        .as_deref()
        .or_else(|| d.rollback.as_ref().and_then(|r| r.reason.as_deref()))
        .map(|r| format!(": {r}"))
        .unwrap_or_default();
    format!("{stage}{reason}")
}

/// Judges one look at the deployment being followed; `acted_on` is the hook just
/// continued (a pause at another hook is news, the same one not yet).
pub fn follow(d: &ServiceDeployment, goal: Goal, acted_on: Option<&str>) -> FollowVerdict {
    use ServiceDeploymentStatus as S;
    let why = || status_words(d);
    match (&d.status, goal) {
        (S::RollbackSuccessful, Goal::RolledBack) | (S::Successful, Goal::Finished) => {
            FollowVerdict::Reached
        }
        (S::RollbackFailed | S::Stopped, _)
        | (S::Successful, Goal::RolledBack)
        | (S::RollbackSuccessful, Goal::Finished) => FollowVerdict::Failed(why()),
        (S::RollbackRequested | S::RollbackInProgress, Goal::Finished) => {
            FollowVerdict::Failed(why())
        }
        _ => match d.awaiting_hook() {
            Some(h) if h.hook_id.as_deref() != acted_on => {
                FollowVerdict::AwaitingAction(h.hook_id.clone().unwrap_or_else(|| "-".to_string()))
            }
            _ => FollowVerdict::Moving,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DeploymentLifecycleStage;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).expect("valid")
    }

    fn dep(status: &str, hooks: Vec<LifecycleHookDetail>) -> ServiceDeployment {
        ServiceDeployment {
            arn: "d1".into(),
            status: status.into(),
            hooks,
            ..ServiceDeployment::default()
        }
    }

    fn hook(id: &str, status: &str) -> LifecycleHookDetail {
        LifecycleHookDetail {
            hook_id: Some(id.into()),
            status: status.into(),
            ..LifecycleHookDetail::default()
        }
    }

    #[test]
    fn in_flight_and_awaiting_pick_the_newest_live_one() {
        let v = vec![
            dep("SUCCESSFUL", vec![hook("old", "AWAITING_ACTION")]),
            dep("IN_PROGRESS", vec![hook("h1", "SUCCEEDED")]),
            dep("PENDING", vec![hook("h2", "AWAITING_ACTION")]),
        ];
        assert_eq!(
            in_flight(&v).map(|d| d.status.as_str()),
            Some("IN_PROGRESS")
        );
        let (d, h) = awaiting_action(&v).expect("one awaits");
        assert_eq!(
            (d.status.as_str(), h.hook_id.as_deref()),
            ("PENDING", Some("h2"))
        );
        assert!(in_flight(&v[..1]).is_none() && awaiting_action(&v[..1]).is_none());
    }

    #[test]
    fn countdown_before_and_after_expiry() {
        assert_eq!(countdown(Some(at(1000)), at(600)), "6m40s left");
        assert_eq!(countdown(Some(at(1000)), at(988)), "12s left");
        assert_eq!(countdown(Some(at(1000)), at(1012)), "expired 12s ago");
        assert_eq!(countdown(Some(at(10_000)), at(2_500)), "2h05m left");
        assert_eq!(countdown(None, at(0)), "no expiry");
        let h = LifecycleHookDetail {
            expires_at: Some(at(1000)),
            ..LifecycleHookDetail::default()
        };
        assert!(!expired(&h, at(999)) && expired(&h, at(1000)));
    }

    #[test]
    fn rollback_source_is_the_busiest_source() {
        let rc = |arn: &str, running| RevisionCount {
            arn: arn.into(),
            running,
            ..RevisionCount::default()
        };
        let d = ServiceDeployment {
            source_revisions: vec![rc("a", 1), rc("b", 3), rc("c", 3)],
            ..ServiceDeployment::default()
        };
        assert_eq!(rollback_source(&d).map(|r| r.arn.as_str()), Some("b"));
        assert!(rollback_source(&ServiceDeployment::default()).is_none());
    }

    #[test]
    fn stage_words_name_strategy_traffic_and_stage() {
        let d = ServiceDeployment {
            strategy: Some(DeploymentStrategy::Canary),
            lifecycle_stage: Some(DeploymentLifecycleStage::ProductionTrafficShift),
            target_revision: Some(RevisionCount {
                production_traffic_weight: Some(10.0),
                ..RevisionCount::default()
            }),
            ..ServiceDeployment::default()
        };
        assert_eq!(stage_words(&d), "canary 10% · PRODUCTION_TRAFFIC_SHIFT");
        let rolling = ServiceDeployment {
            strategy: Some(DeploymentStrategy::Rolling),
            lifecycle_stage: Some(DeploymentLifecycleStage::ScaleUp),
            ..ServiceDeployment::default()
        };
        assert_eq!(stage_words(&rolling), "rolling · SCALE_UP");
        assert_eq!(stage_words(&ServiceDeployment::default()), "-");
    }

    #[test]
    fn follow_table() {
        use FollowVerdict as V;
        let cases = [
            ("ROLLBACK_REQUESTED", Goal::RolledBack, None, "moving"),
            ("ROLLBACK_IN_PROGRESS", Goal::RolledBack, None, "moving"),
            ("ROLLBACK_SUCCESSFUL", Goal::RolledBack, None, "reached"),
            ("ROLLBACK_FAILED", Goal::RolledBack, None, "failed"),
            ("SUCCESSFUL", Goal::RolledBack, None, "failed"),
            ("STOPPED", Goal::RolledBack, None, "failed"),
            ("IN_PROGRESS", Goal::Finished, None, "moving"),
            ("SUCCESSFUL", Goal::Finished, None, "reached"),
            ("ROLLBACK_IN_PROGRESS", Goal::Finished, None, "failed"),
            ("ROLLBACK_SUCCESSFUL", Goal::Finished, None, "failed"),
            ("IN_PROGRESS", Goal::Finished, Some("h1"), "moving"),
            ("IN_PROGRESS", Goal::Finished, Some("h2"), "awaiting"),
        ];
        for (status, goal, awaiting, want) in cases {
            let hooks = awaiting
                .map(|id| vec![hook(id, "AWAITING_ACTION")])
                .unwrap_or_default();
            let got = follow(&dep(status, hooks), goal, Some("h1"));
            let word = match got {
                V::Moving => "moving",
                V::Reached => "reached",
                V::Failed(_) => "failed",
                V::AwaitingAction(_) => "awaiting",
            };
            assert_eq!(word, want, "{status} {goal:?} {awaiting:?}");
        }
        let failed = dep("ROLLBACK_FAILED", vec![]);
        let with_reason = ServiceDeployment {
            status_reason: Some("tasks failed to start".into()),
            lifecycle_stage: Some(DeploymentLifecycleStage::BakeTime),
            ..failed
        };
        assert_eq!(
            follow(&with_reason, Goal::RolledBack, None),
            V::Failed(
                "deployment d1 is ROLLBACK_FAILED at stage BAKE_TIME: tasks failed to start".into()
            )
        );
    }
}
