//! ECS's lifecycle stages in the order a deployment passes them, and whether a service
//! deployment has reached one: what `ecsnap wait --until STAGE` waits for, and which
//! deployments (blue/green, linear, canary) `wait` follows to SUCCESSFUL before it calls
//! a service stable. Pure; `ops::wait_stage` polls.

use crate::model::{
    DeploymentLifecycleStage, DeploymentStrategy, ServiceDeployment, ServiceDeploymentStatus,
};

/// Every lifecycle stage, in the order ECS moves a deployment through them.
pub const STAGES: [DeploymentLifecycleStage; 10] = [
    DeploymentLifecycleStage::ReconcileService,
    DeploymentLifecycleStage::PreScaleUp,
    DeploymentLifecycleStage::ScaleUp,
    DeploymentLifecycleStage::PostScaleUp,
    DeploymentLifecycleStage::TestTrafficShift,
    DeploymentLifecycleStage::PostTestTrafficShift,
    DeploymentLifecycleStage::ProductionTrafficShift,
    DeploymentLifecycleStage::PostProductionTrafficShift,
    DeploymentLifecycleStage::BakeTime,
    DeploymentLifecycleStage::CleanUp,
];

/// The stage `text` names (AWS's spelling, any case, `-` for `_`), if it is one.
pub fn parse_stage(text: &str) -> Option<DeploymentLifecycleStage> {
    let wanted = text.trim().to_ascii_uppercase().replace('-', "_");
    STAGES.iter().find(|s| s.as_str() == wanted).cloned()
}

/// The valid stage names, comma-separated, in order (for a usage error).
pub fn stage_names() -> String {
    STAGES
        .iter()
        .map(DeploymentLifecycleStage::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

fn position(stage: &DeploymentLifecycleStage) -> Option<usize> {
    STAGES.iter().position(|s| s == stage)
}

/// Where a deployment stands against the stage waited for.
#[derive(Debug, Clone, PartialEq)]
pub enum StageVerdict {
    /// At the stage or past it (or SUCCESSFUL: every stage passed).
    Reached,
    /// Before it, still moving.
    Moving,
    /// It will not get there: rolled back, stopped, failed — with the stage and ECS's reason.
    Failed(String),
}

/// Whether `d` has reached `stage`.
pub fn reached(d: &ServiceDeployment, stage: &DeploymentLifecycleStage) -> StageVerdict {
    use ServiceDeploymentStatus as S;
    match &d.status {
        S::Successful => StageVerdict::Reached,
        S::Pending | S::InProgress => {
            match (
                d.lifecycle_stage.as_ref().and_then(position),
                position(stage),
            ) {
                (Some(at), Some(want)) if at >= want => StageVerdict::Reached,
                _ => StageVerdict::Moving,
            }
        }
        other => StageVerdict::Failed(format!(
            "deployment {} is {other}{}, before reaching {stage}",
            crate::model::arn_name(&d.arn),
            super::deployments::where_and_why(d)
        )),
    }
}

/// A blue/green, linear or canary deployment: DescribeServices' counts can look settled
/// while it still shifts traffic or bakes, so only its SUCCESSFUL says it is done.
pub fn is_staged(d: &ServiceDeployment) -> bool {
    matches!(
        d.strategy,
        Some(
            DeploymentStrategy::BlueGreen | DeploymentStrategy::Linear | DeploymentStrategy::Canary
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep(status: &str, stage: Option<&str>) -> ServiceDeployment {
        ServiceDeployment {
            arn: "arn:aws:ecs:eu-west-1:1:service-deployment/c/s/d1".into(),
            status: status.into(),
            lifecycle_stage: stage.map(Into::into),
            status_reason: Some("tasks failed their health checks".into()),
            ..ServiceDeployment::default()
        }
    }

    #[test]
    fn stages_parse_in_any_case_and_are_listed_in_order() {
        assert_eq!(
            parse_stage("bake-time"),
            Some(DeploymentLifecycleStage::BakeTime)
        );
        assert_eq!(
            parse_stage("PRODUCTION_TRAFFIC_SHIFT"),
            Some(DeploymentLifecycleStage::ProductionTrafficShift)
        );
        assert_eq!(parse_stage("SOON"), None);
        assert_eq!(parse_stage(""), None);
        let names = stage_names();
        assert!(
            names.starts_with("RECONCILE_SERVICE, PRE_SCALE_UP"),
            "{names}"
        );
        assert!(names.ends_with("BAKE_TIME, CLEAN_UP"), "{names}");
    }

    #[test]
    fn a_stage_is_reached_at_it_past_it_or_when_successful() {
        let bake = DeploymentLifecycleStage::BakeTime;
        let cases = [
            (dep("IN_PROGRESS", Some("SCALE_UP")), StageVerdict::Moving),
            (dep("PENDING", None), StageVerdict::Moving),
            (dep("IN_PROGRESS", Some("BAKE_TIME")), StageVerdict::Reached),
            (dep("IN_PROGRESS", Some("CLEAN_UP")), StageVerdict::Reached),
            (
                dep("IN_PROGRESS", Some("SOMETHING_NEW")),
                StageVerdict::Moving,
            ),
            (dep("SUCCESSFUL", Some("CLEAN_UP")), StageVerdict::Reached),
        ];
        for (d, want) in cases {
            assert_eq!(
                reached(&d, &bake),
                want,
                "{:?} {:?}",
                d.status,
                d.lifecycle_stage
            );
        }
        for status in [
            "ROLLBACK_REQUESTED",
            "ROLLBACK_SUCCESSFUL",
            "STOPPED",
            "ROLLBACK_FAILED",
        ] {
            match reached(&dep(status, Some("PRODUCTION_TRAFFIC_SHIFT")), &bake) {
                StageVerdict::Failed(why) => assert_eq!(
                    why,
                    format!(
                        "deployment d1 is {status} at stage PRODUCTION_TRAFFIC_SHIFT: tasks \
                         failed their health checks, before reaching BAKE_TIME"
                    )
                ),
                other => panic!("{status}: {other:?}"),
            }
        }
    }

    #[test]
    fn only_blue_green_linear_and_canary_are_staged() {
        for (strategy, staged) in [
            (Some("CANARY"), true),
            (Some("LINEAR"), true),
            (Some("BLUE_GREEN"), true),
            (Some("ROLLING"), false),
            (None, false),
        ] {
            let d = ServiceDeployment {
                strategy: strategy.map(Into::into),
                ..ServiceDeployment::default()
            };
            assert_eq!(is_staged(&d), staged, "{strategy:?}");
        }
    }
}
