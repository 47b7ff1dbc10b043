//! Redeploy, restore-user and image cleanup through `update`.

use super::*;

#[test]
fn d_plans_a_redeploy_then_y_watches_it() {
    let mut s = on_worker();
    s.pane = PaneId::Detail;
    s.detail.retarget(("payments-prod".into(), "worker".into()));
    let effects = ch(&mut s, 'D');
    assert!(
        matches!(&effects[..], [Effect::PlanRedeploy { service, .. }] if service == "worker"),
        "{effects:?}"
    );
    let g = generation(&s);
    let plan = ecsnap::ops::redeploy::RedeployPlan {
        cluster: "payments-prod".into(),
        service: "worker".into(),
        task_definition: format!("{TD}:3"),
        desired_count: 3,
        running_count: 2,
    };
    deliver(
        &mut s,
        Msg::Planned {
            generation: g,
            result: Ok(Planned::Redeploy(plan)),
        },
    );
    assert!(render(&s, 120, 40).contains("force a new deployment of payments-prod/worker"));
    let effects = ch(&mut s, 'y');
    assert!(
        matches!(effects[..], [Effect::Redeploy { .. }]),
        "{effects:?}"
    );
    deliver(
        &mut s,
        Msg::Started {
            generation: g,
            result: Ok(started(3)),
        },
    );
    let text = render(&s, 120, 40);
    assert!(
        text.contains("Forced a new deployment of worker:3"),
        "{text}"
    );
}

#[test]
fn a_refused_rollout_shows_in_the_dialog() {
    let mut s = picker_open();
    ch(&mut s, 'y');
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Started {
            generation: g,
            result: Err("ecs:UpdateService was denied: lacks ecs:UpdateService".into()),
        },
    );
    let text = render(&s, 120, 40);
    assert!(text.contains("lacks ecs:UpdateService"), "{text}");
    assert!(matches!(
        s.modal.as_ref().map(|m| &m.stage),
        Some(Stage::Failed(_))
    ));
}

fn restore_plan(before: &str, after: &str) -> ecsnap::ops::restore_user::RestorePlan {
    ecsnap::ops::restore_user::RestorePlan {
        repository: "workspaces".into(),
        user: "alice".into(),
        tag: "alice-20261120T0815".into(),
        resume_tag: "alice-latest".into(),
        digest: after.into(),
        before_digest: Some(before.into()),
    }
}

#[test]
fn t_restores_a_user_showing_the_digests_before_and_after() {
    let mut s = loaded_state();
    s.pane = PaneId::Snapshots;
    key(&mut s, KeyCode::Enter);
    let effects = ch(&mut s, 't');
    let [Effect::PlanRestore { user, tag, .. }] = &effects[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(user, "alice");
    let selected = s.snapshots.tags.selected_row().map(|r| r.entry.tag.clone());
    assert_eq!(Some(tag.clone()), selected);
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Planned {
            generation: g,
            result: Ok(Planned::Restore(restore_plan("sha256:aaa", "sha256:bbb"))),
        },
    );
    let text = render(&s, 120, 40);
    assert!(
        text.contains("before: sha256:aaa") && text.contains("after:  sha256:bbb"),
        "{text}"
    );
    assert!(matches!(ch(&mut s, 'y')[..], [Effect::Restore { .. }]));
    let done = ecsnap::ops::restore_user::Restored {
        before_digest: Some("sha256:aaa".into()),
        after_digest: "sha256:bbb".into(),
    };
    let effects = update(
        &mut s,
        Event::Msg(Msg::Restored {
            generation: g,
            result: Ok(done),
        }),
    );
    assert!(
        matches!(effects[..], [Effect::LoadSnapshots { .. }]),
        "{effects:?}"
    );
    assert!(render(&s, 120, 40).contains("Done: now sha256:bbb (was sha256:aaa)"));
}

#[test]
fn a_restore_that_changes_nothing_is_not_sent() {
    let mut s = loaded_state();
    s.pane = PaneId::Snapshots;
    key(&mut s, KeyCode::Enter);
    ch(&mut s, 't');
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Planned {
            generation: g,
            result: Ok(Planned::Restore(restore_plan("sha256:aaa", "sha256:aaa"))),
        },
    );
    assert!(ch(&mut s, 'y').is_empty());
    assert!(render(&s, 120, 40).contains("already points at"));
}

#[test]
fn x_on_snapshots_plans_the_marked_tags_images() {
    let mut s = loaded_state();
    s.pane = PaneId::Snapshots;
    assert!(ch(&mut s, 'x').is_empty(), "nothing marked, users focused");
    key(&mut s, KeyCode::Enter);
    ch(&mut s, ' ');
    ch(&mut s, ' ');
    let expected: BTreeSet<String> = s
        .snapshots
        .tags
        .rows
        .iter()
        .filter(|r| {
            s.snapshots
                .tags
                .marks
                .contains(&format!("{}:{}", r.repository, r.entry.tag))
        })
        .map(|r| format!("{}@{}", r.repository, r.entry.digest))
        .collect();
    assert!(!expected.is_empty());
    let effects = ch(&mut s, 'x');
    assert!(
        matches!(&effects[..], [Effect::PlanCleanup { selection, .. }] if selection.images == expected && selection.volumes.is_empty()),
        "{effects:?}"
    );
}

#[test]
fn i_switches_the_picker_to_image_tags_and_y_rolls_the_image_back() {
    use ecsnap::ops::rollback::RollbackChange;
    use ecsnap::ops::rollback::{ImageTags, TagChoice};
    let mut s = on_worker();
    ch(&mut s, 'R');
    let g = generation(&s);
    let image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1.6.0-rc1";
    let tags = ["v1.6.0-rc1", "v1.5.2", "v1.5.0"]
        .iter()
        .enumerate()
        .map(|(i, t)| TagChoice {
            tag: (*t).into(),
            pushed_at: Some(now() - chrono::Duration::days(i64::try_from(i).unwrap_or(0))),
        })
        .collect();
    deliver(
        &mut s,
        Msg::ImageTags {
            generation: g,
            result: Ok(ImageTags {
                container: "app".into(),
                image: image.into(),
                tags,
            }),
        },
    );
    deliver(
        &mut s,
        Msg::Revisions {
            generation: g,
            result: Ok(revisions()),
        },
    );
    ch(&mut s, 'i');
    let text = render(&s, 120, 40);
    assert!(text.contains("Tags of its repository"), "{text}");
    assert!(
        text.contains("▶ v1.5.2"),
        "the tag before the running one:\n{text}"
    );
    assert!(
        text.contains("v1.6.0-rc1") && text.contains("(running now)"),
        "{text}"
    );
    let effects = ch(&mut s, 'y');
    let [Effect::Rollback { plan, .. }] = &effects[..] else {
        panic!("{effects:?}");
    };
    let RollbackChange::Image {
        container,
        from_image,
        to_image,
    } = &plan.change
    else {
        panic!("an image rollback: {plan:?}");
    };
    assert_eq!(container, "app");
    assert_eq!(from_image, image);
    assert_eq!(
        to_image,
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1.5.2"
    );
}

#[test]
fn image_tags_unavailable_say_why() {
    let mut s = picker_open();
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::ImageTags {
            generation: g,
            result: Err(
                "2 containers: name one with `ecsnap rollback --image-tag T --container C`".into(),
            ),
        },
    );
    ch(&mut s, 'i');
    assert!(ch(&mut s, 'y').is_empty());
    let text = render(&s, 120, 40);
    assert!(
        text.contains("No image tags to offer: 2 containers"),
        "{text}"
    );
}

#[test]
fn i_twice_lists_the_ebs_snapshots_and_y_rolls_the_volume_back() {
    use ecsnap::model::Snapshot;
    use ecsnap::ops::rollback::EbsChoices;
    use ecsnap::ops::rollback::RollbackChange;
    let mut s = picker_open();
    let g = generation(&s);
    let snapshot = |id: &str, days: i64| Snapshot {
        id: id.into(),
        volume_id: Some("vol-0a1b2c3d".into()),
        size_gib: 100,
        state: "completed".into(),
        start_time: Some(now() - chrono::Duration::days(days)),
        description: Some(format!("nightly {days}d ago")),
        ..Snapshot::default()
    };
    deliver(
        &mut s,
        Msg::EbsSnapshots {
            generation: g,
            result: Ok(EbsChoices {
                volume: "data".into(),
                from_snapshot: Some("snap-0new".into()),
                snapshots: vec![
                    snapshot("snap-0new", 0),
                    snapshot("snap-0mid", 1),
                    snapshot("snap-0old", 2),
                ],
            }),
        },
    );
    ch(&mut s, 'i');
    ch(&mut s, 'i');
    let text = render(&s, 120, 40);
    assert!(text.contains("Volume data starts from snap-0new"), "{text}");
    assert!(
        text.contains("▶ snap-0mid"),
        "the newest snapshot the volume does not start from:\n{text}"
    );
    assert!(text.contains("(in use now)"), "{text}");
    assert!(
        text.contains("i lists the revisions instead"),
        "the hint names what i shows next:\n{text}"
    );
    insta::assert_snapshot!("rollback_ebs_picker_120x40", text);
    ch(&mut s, 'j');
    let effects = ch(&mut s, 'y');
    let [Effect::Rollback { plan, .. }] = &effects[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(
        plan.change,
        RollbackChange::EbsSnapshot {
            volume: "data".into(),
            from_snapshot: Some("snap-0new".into()),
            to_snapshot: "snap-0old".into(),
            note: None,
        }
    );
}

#[test]
fn ebs_snapshots_unavailable_say_why_and_the_running_snapshot_cannot_be_confirmed() {
    use ecsnap::ops::rollback::EbsChoices;
    let mut s = picker_open();
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::EbsSnapshots {
            generation: g,
            result: Err("worker has no managed EBS volume".into()),
        },
    );
    ch(&mut s, 'i');
    ch(&mut s, 'i');
    assert!(ch(&mut s, 'y').is_empty());
    let text = render(&s, 120, 40);
    assert!(
        text.contains("No EBS snapshots to offer: worker has no managed EBS volume"),
        "{text}"
    );
    // Only the snapshot the volume already starts from: nothing to roll back to.
    let mut s = picker_open();
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::EbsSnapshots {
            generation: g,
            result: Ok(EbsChoices {
                volume: "data".into(),
                from_snapshot: Some("snap-0only".into()),
                snapshots: vec![ecsnap::model::Snapshot {
                    id: "snap-0only".into(),
                    state: "completed".into(),
                    ..ecsnap::model::Snapshot::default()
                }],
            }),
        },
    );
    ch(&mut s, 'i');
    ch(&mut s, 'i');
    assert!(ch(&mut s, 'y').is_empty());
    let text = render(&s, 120, 40);
    assert!(
        text.contains("pick a snapshot other than the one the volume starts from"),
        "{text}"
    );
}
