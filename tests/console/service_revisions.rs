//! The rollback picker's service revisions: `i` three times lists ECS's service revisions of
//! the deployment history beside the task-definition revisions, each with its images by
//! digest, volume snapshot and load balancer, the diff against what runs and a tag pushed
//! again since; `f` pins the digest it ran; `y` sends exactly that plan. Where they are not
//! offered, the revisions list says why. Screens at 120×40 and 80×24 (insta).

use std::collections::BTreeMap;

use crate::actions::{TD, ch};
use crate::asserts::{assert_has, assert_has_all};
use crate::fixtures::{deliver, dialog, generation, now, render};
use crate::rollback::{picker_open, y_rolls_back};
use ecsnap::analysis::revision_diff::{RunsNow, diff_revision, moved_tags, tag_key};
use ecsnap::model::{
    RevisionImage, RevisionLoadBalancer, RevisionVolume, ServiceRevision, ServiceVolumeConfig,
};
use ecsnap::ops::rollback::RollbackChange;
use ecsnap::ops::rollback_revision::{RevisionChoice, VolumeRestore};
use ecsnap::tui::run::effect::{ActionEffect, Effect, Work};
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::msg::DialogAnswer;

const REPO: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/worker";

fn revision(id: &str, n: u32, tag: &str, digest: &str, snapshot: &str) -> ServiceRevision {
    ServiceRevision {
        arn: format!(
            "arn:aws:ecs:us-east-1:123456789012:service-revision/payments-prod/worker/{id}"
        ),
        task_definition: format!("{TD}:{n}"),
        images: vec![RevisionImage {
            container: "app".into(),
            image: format!("{REPO}:{tag}"),
            digest: Some(digest.into()),
        }],
        volumes: vec![RevisionVolume {
            name: "data".into(),
            snapshot_id: Some(snapshot.into()),
            ..RevisionVolume::default()
        }],
        load_balancers: vec![RevisionLoadBalancer {
            target_group_arn: Some(
                "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/worker".into(),
            ),
            container_name: Some("app".into()),
            container_port: Some(8080),
            ..RevisionLoadBalancer::default()
        }],
        ..ServiceRevision::default()
    }
}

/// 4417… runs (worker:3); 3301… ran worker:2 with v1.5.2, a tag pushed again since;
/// 2209… ran worker:1.
pub(crate) fn choices() -> Vec<RevisionChoice> {
    let revisions = [
        revision(
            "4417920135",
            3,
            "v1.6.0-rc1",
            "sha256:c0ffee00c0ffee00c0ffee00",
            "snap-0new",
        ),
        revision(
            "3301887214",
            2,
            "v1.5.2",
            "sha256:a1a1a1a1a1a1a1a1a1a1a1a1",
            "snap-0mid",
        ),
        revision(
            "2209345512",
            1,
            "v1.5.0",
            "sha256:0b0b0b0b0b0b0b0b0b0b0b0b",
            "snap-0old",
        ),
    ];
    let volumes = [ServiceVolumeConfig {
        name: "data".into(),
        snapshot_id: Some("snap-0new".into()),
        ..ServiceVolumeConfig::default()
    }];
    let tags = BTreeMap::from([
        (
            tag_key("worker", "v1.6.0-rc1"),
            "sha256:c0ffee00c0ffee00c0ffee00".to_string(),
        ),
        (
            tag_key("worker", "v1.5.2"),
            "sha256:b2b2b2b2b2b2b2b2b2b2b2b2".to_string(),
        ),
        (
            tag_key("worker", "v1.5.0"),
            "sha256:0b0b0b0b0b0b0b0b0b0b0b0b".to_string(),
        ),
    ]);
    let runs = RunsNow {
        task_definition: &revisions[0].task_definition,
        volumes: &volumes,
        revision: Some(&revisions[0]),
    };
    revisions
        .iter()
        .enumerate()
        .map(|(i, r)| RevisionChoice {
            revision: r.clone(),
            deployed_at: Some(now() - chrono::Duration::hours(i64::try_from(i).unwrap_or(0) * 30)),
            current: i == 0,
            moved: moved_tags(r, &tags),
            changes: diff_revision(runs, r, &tags),
            archived: None,
            restores: vec![VolumeRestore {
                volume: r.volumes[0].clone(),
                from_snapshot: Some("snap-0new".into()),
            }],
        })
        .collect()
}

/// The picker with the service revisions loaded, on their tab (`i` three times).
fn on_service_revisions() -> AppState {
    let mut s = picker_open();
    let g = generation(&s);
    deliver(
        &mut s,
        dialog(g, DialogAnswer::ServiceRevisions(Ok(choices()))),
    );
    for _ in 0..3 {
        ch(&mut s, 'i');
    }
    s
}

#[test]
fn service_revisions_sit_beside_the_revisions_and_f_pins_the_digest() {
    let mut s = on_service_revisions();
    let text = render(&s, 120, 40);
    assert_has(&text, "ECS's service revisions, newest first");
    assert!(
        text.contains("▶ 3301887214"),
        "the newest revision that does not run is preselected:\n{text}"
    );
    assert_has_all(
        &text,
        &[
            "(running now)",
            "⚠ tag pushed again",
            "app=worker:v1.5.2@sha256:a1a1a1a1a1a1",
            "volume data from snap-0mid",
            "app tag pushed again v1.5.2: ran sha256:a1a1a1a1a1a1 → now sha256:b2b2b2b2b2b2",
            "snapshot_id data: snap-0new → snap-0mid",
        ],
    );
    assert_screens!("rollback_service_revisions", text, s);
    ch(&mut s, 'f');
    let text = render(&s, 120, 40);
    assert_has(&text, "digests pinned");
    let plan = y_rolls_back(&mut s);
    let RollbackChange::ServiceRevision(r) = &plan.change else {
        panic!("{plan:?}");
    };
    assert!(r.pin, "f pinned it");
    assert_eq!(r.task_definition, format!("{TD}:2"));
    assert_eq!(
        r.pins(),
        [(
            "app".to_string(),
            format!("{REPO}@sha256:a1a1a1a1a1a1a1a1a1a1a1a1")
        )]
    );
    assert_eq!(
        r.volumes[0].volume.snapshot_id.as_deref(),
        Some("snap-0mid")
    );
}

#[test]
fn f_on_a_revision_whose_tags_did_not_move_says_so_and_what_runs_is_refused() {
    let mut s = on_service_revisions();
    ch(&mut s, 'j');
    ch(&mut s, 'f');
    let text = render(&s, 120, 40);
    assert_has(&text, "or pins a service revision's digests");
    ch(&mut s, 'k');
    ch(&mut s, 'k');
    let text = render(&s, 120, 40);
    assert_has(&text, "pick a service revision other than the one running");
    let effects = ch(&mut s, 'y');
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::Run(Work::Action(ActionEffect::Rollback { .. })))),
        "nothing sent for what runs: {effects:?}"
    );
}

#[test]
fn denied_service_revisions_keep_the_picker_with_a_line_saying_why() {
    let mut s = picker_open();
    let g = generation(&s);
    deliver(
        &mut s,
        dialog(
            g,
            DialogAnswer::ServiceRevisions(Err(
                "not allowed to read them (ecs:ListServiceDeployments); task-definition revisions only".into(),
            )),
        ),
    );
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "Service revisions not offered: not allowed to read them (ecs:ListServiceDeployments)",
            "worker:2",
        ],
    );
    for _ in 0..3 {
        ch(&mut s, 'i');
    }
    let text = render(&s, 120, 40);
    assert_has(&text, "No service revisions to offer: not allowed");
}
