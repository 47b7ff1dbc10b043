//! A deployment in flight as the wait view and `ecsnap wait` show it, from one
//! DescribeServiceDeployments look: the lifecycle stage, the traffic shift (canary, linear,
//! blue/green), the bake countdown (estimated from when the stage was last updated plus
//! `bakeTimeInMinutes` — ECS gives no end, so it reads `≈`), each hook's state, and, for a
//! deployment that ended badly, the stage it failed in with ECS's reason. Pure: `now` is
//! passed in.

use std::fmt::Write as _;

use chrono::{DateTime, Duration, Utc};

use super::deployments::{countdown, stage_words, status_words};
use crate::model::{
    DeploymentLifecycleStage, DeploymentStrategy, LifecycleHookStatus, ServiceDeployment,
    ServiceDeploymentStatus, arn_name,
};

/// The bake's estimated end: when the deployment entered BAKE_TIME (its `updatedAt`, else
/// when it started) plus the bake time. `None` outside BAKE_TIME or without a bake time.
pub fn bake_ends(d: &ServiceDeployment) -> Option<DateTime<Utc>> {
    if d.lifecycle_stage != Some(DeploymentLifecycleStage::BakeTime) {
        return None;
    }
    let minutes = d.bake_time_minutes?;
    let from = d.updated_at.or(d.started_at)?;
    Some(from + Duration::minutes(i64::from(minutes)))
}

/// The traffic the target revision is given: `production 10% · test 100%` (blue/green,
/// linear, canary only).
fn traffic(d: &ServiceDeployment) -> Option<String> {
    if d.strategy
        .as_ref()
        .is_none_or(|s| *s == DeploymentStrategy::Rolling)
    {
        return None;
    }
    let t = d.target_revision.as_ref()?;
    let parts: Vec<String> = [
        ("production", t.production_traffic_weight),
        ("test", t.test_traffic_weight),
    ]
    .into_iter()
    .filter_map(|(what, w)| w.map(|w| format!("{what} {w:.0}%")))
    .collect();
    (!parts.is_empty()).then(|| format!("traffic to the new revision: {}", parts.join(" · ")))
}

/// The lines the wait view shows for `d`: status and stage, traffic, bake, each hook.
pub fn progress_lines(d: &ServiceDeployment, now: DateTime<Utc>) -> Vec<String> {
    let mut out = vec![format!(
        "deployment {} {} · {}",
        arn_name(&d.arn),
        d.status,
        stage_words(d)
    )];
    out.extend(traffic(d));
    if let Some(end) = bake_ends(d) {
        out.push(format!(
            "bake ≈{} (of {} min, from the stage's start)",
            countdown(Some(end), now),
            d.bake_time_minutes.unwrap_or_default()
        ));
    }
    for h in &d.hooks {
        let target = h.target_type.as_deref().unwrap_or("hook");
        let mut line = format!(
            "hook {} ({target}): {}",
            h.hook_id.as_deref().unwrap_or("-"),
            h.status
        );
        if h.status == LifecycleHookStatus::AwaitingAction {
            let _ = write!(line, " · {}", countdown(h.expires_at, now));
            if let Some(a) = &h.timeout_action {
                let _ = write!(line, ", then {a}");
            }
        }
        out.push(line);
    }
    if let Some(why) = ended_badly(d) {
        out.push(why);
    }
    out
}

/// Where and why `d` ended (or is ending) without finishing: stopped, rolled back, or its
/// rollback failed — with the stage and ECS's reason. `None` otherwise.
pub fn ended_badly(d: &ServiceDeployment) -> Option<String> {
    use ServiceDeploymentStatus as S;
    matches!(
        d.status,
        S::Stopped
            | S::RollbackRequested
            | S::RollbackInProgress
            | S::RollbackSuccessful
            | S::RollbackFailed
    )
    .then(|| status_words(d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LifecycleHookAction, LifecycleHookDetail, RevisionCount};

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_796_990_400 + secs, 0).unwrap_or_default()
    }

    #[test]
    fn stage_traffic_bake_and_hooks_in_order() {
        let mut d = ServiceDeployment {
            arn: "arn:aws:ecs:us-east-1:1:service-deployment/c/s/dep1".into(),
            status: ServiceDeploymentStatus::InProgress,
            strategy: Some(DeploymentStrategy::Canary),
            bake_time_minutes: Some(5),
            lifecycle_stage: Some(DeploymentLifecycleStage::BakeTime),
            updated_at: Some(at(0)),
            target_revision: Some(RevisionCount {
                production_traffic_weight: Some(100.0),
                test_traffic_weight: Some(100.0),
                ..RevisionCount::default()
            }),
            hooks: vec![LifecycleHookDetail {
                hook_id: Some("hook-1".into()),
                target_type: Some("PAUSE".into()),
                status: LifecycleHookStatus::Succeeded,
                ..LifecycleHookDetail::default()
            }],
            ..ServiceDeployment::default()
        };
        assert_eq!(
            progress_lines(&d, at(48)),
            [
                "deployment dep1 IN_PROGRESS · canary 100% · BAKE_TIME",
                "traffic to the new revision: production 100% · test 100%",
                "bake ≈4m12s left (of 5 min, from the stage's start)",
                "hook hook-1 (PAUSE): SUCCEEDED",
            ]
        );
        d.lifecycle_stage = Some(DeploymentLifecycleStage::ProductionTrafficShift);
        d.hooks[0].status = LifecycleHookStatus::AwaitingAction;
        d.hooks[0].expires_at = Some(at(400));
        d.hooks[0].timeout_action = Some(LifecycleHookAction::Rollback);
        let lines = progress_lines(&d, at(0));
        assert!(bake_ends(&d).is_none(), "no bake outside BAKE_TIME");
        assert_eq!(
            lines.last().map(String::as_str),
            Some("hook hook-1 (PAUSE): AWAITING_ACTION · 6m40s left, then ROLLBACK")
        );
    }

    #[test]
    fn a_late_failure_names_the_stage_and_the_reason() {
        let d = ServiceDeployment {
            arn: "dep2".into(),
            status: ServiceDeploymentStatus::RollbackSuccessful,
            lifecycle_stage: Some(DeploymentLifecycleStage::PostProductionTrafficShift),
            status_reason: Some("alarm api-5xx went off".into()),
            ..ServiceDeployment::default()
        };
        assert_eq!(
            ended_badly(&d).as_deref(),
            Some(
                "deployment dep2 is ROLLBACK_SUCCESSFUL at stage POST_PRODUCTION_TRAFFIC_SHIFT: \
                 alarm api-5xx went off"
            )
        );
        let ok = ServiceDeployment {
            status: ServiceDeploymentStatus::Successful,
            ..d
        };
        assert!(ended_badly(&ok).is_none());
    }
}
