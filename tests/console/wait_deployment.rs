//! The wait view follows ECS's service deployment of the rollout: the stage, the traffic
//! shift, the bake countdown (≈) and each hook under the verdict; counts that settle on a
//! canary ECS has not finished keep it rolling ("waiting for ECS to mark the deployment
//! SUCCESSFUL") until the watch ends. Screens at 120×40 and 80×24 (insta).

use crate::actions::{progress, stable_outcome, wait_view};
use crate::asserts::{assert_has_all, assert_lacks};
use crate::fixtures::{render, reply};
use ecsnap::model::{
    DeploymentLifecycleStage, DeploymentStrategy, LifecycleHookAction, LifecycleHookDetail,
    LifecycleHookStatus, RevisionCount, ServiceDeployment, ServiceDeploymentStatus,
};
use ecsnap::ops::wait::Verdict;
use ecsnap::tui::state::msg::DialogAnswer;

fn canary(
    now: chrono::DateTime<chrono::Utc>,
    stage: DeploymentLifecycleStage,
    traffic: f64,
    hook: LifecycleHookStatus,
) -> ServiceDeployment {
    ServiceDeployment {
        arn: "arn:aws:ecs:us-east-1:123456789012:service-deployment/payments-prod/worker/dep9"
            .into(),
        status: ServiceDeploymentStatus::InProgress,
        strategy: Some(DeploymentStrategy::Canary),
        bake_time_minutes: Some(5),
        lifecycle_stage: Some(stage),
        updated_at: Some(now - chrono::Duration::seconds(48)),
        target_revision: Some(RevisionCount {
            production_traffic_weight: Some(traffic),
            ..RevisionCount::default()
        }),
        hooks: vec![LifecycleHookDetail {
            hook_id: Some("hook-pause-1".into()),
            target_type: Some("PAUSE".into()),
            status: hook,
            expires_at: Some(now + chrono::Duration::seconds(400)),
            timeout_action: Some(LifecycleHookAction::Rollback),
            ..LifecycleHookDetail::default()
        }],
        ..ServiceDeployment::default()
    }
}

#[test]
fn the_wait_view_shows_stage_traffic_bake_and_hooks_until_ecs_says_successful() {
    let mut s = wait_view();
    let now = s.now;
    reply(
        &mut s,
        DialogAnswer::WaitProgress(progress(1, Verdict::InProgress)),
    );
    reply(
        &mut s,
        DialogAnswer::DeploymentLook(Box::new(canary(
            now,
            DeploymentLifecycleStage::ProductionTrafficShift,
            10.0,
            LifecycleHookStatus::AwaitingAction,
        ))),
    );
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "ECS: deployment dep9 IN_PROGRESS · canary 10% · PRODUCTION_TRAFFIC_SHIFT",
            "traffic to the new revision: production 10%",
            "hook hook-pause-1 (PAUSE): AWAITING_ACTION · 6m40s left, then ROLLBACK",
            // Paused at the hook, it waits for a person, not for ECS: the keys that act.
            "paused at a lifecycle hook, waiting for you: Esc, then o (in Detail d)",
        ],
    );
    assert_lacks(&text, "waiting for ECS to mark the deployment SUCCESSFUL");
    reply(
        &mut s,
        DialogAnswer::DeploymentLook(Box::new(canary(
            now,
            DeploymentLifecycleStage::BakeTime,
            100.0,
            LifecycleHookStatus::Succeeded,
        ))),
    );
    // The counts settle while ECS still bakes: not stable yet.
    reply(
        &mut s,
        DialogAnswer::WaitProgress(progress(2, Verdict::Stable)),
    );
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "waiting for ECS to mark the deployment SUCCESSFUL",
            "bake ≈4m12s left (of 5 min, from the stage's start)",
        ],
    );
    assert!(!text.contains("✓ stable"), "{text}");
    assert_screens!("wait_view_canary_bake", text, s);
    let mut done = canary(
        now,
        DeploymentLifecycleStage::CleanUp,
        100.0,
        LifecycleHookStatus::Succeeded,
    );
    done.status = ServiceDeploymentStatus::Successful;
    reply(&mut s, DialogAnswer::DeploymentLook(Box::new(done)));
    reply(&mut s, DialogAnswer::WaitDone(Ok(stable_outcome())));
    let text = render(&s, 120, 40);
    assert_has_all(&text, &["✓ stable", "ECS: deployment dep9 SUCCESSFUL"]);
}
