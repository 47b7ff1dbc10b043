//! The rollback picker with each target checked and compared: what changes against what
//! runs for the highlighted revision, `✗ image deleted` on a revision whose image ECR no
//! longer has (not confirmable until `f`), and the screens at 120×40 and 80×24; a refused
//! rollout; the image-tag (`i`) and EBS-snapshot (`i` twice) pickers.

use super::*;
use ecsnap::analysis::diff::{ChangeKind, FieldChange};
use ecsnap::model::ImagePresence;

fn change(
    field: &'static str,
    name: Option<&str>,
    kind: ChangeKind,
    from: Option<&str>,
    to: Option<&str>,
) -> FieldChange {
    FieldChange {
        container: Some("app".into()),
        field,
        name: name.map(str::to_string),
        kind,
        from: from.map(str::to_string),
        to: to.map(str::to_string),
    }
}

const REGISTRY: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

/// Revision 3 runs; 2 still exists in ECR and differs in image, one variable, a masked
/// secret and memory; 1's image was deleted.
fn checked_revisions() -> Vec<Revision> {
    let image = |tag: &str, presence: ImagePresence| ContainerImage {
        container: "app".into(),
        image: format!("{REGISTRY}/api:{tag}"),
        tag: Some(tag.into()),
        presence,
    };
    vec![
        Revision {
            arn: format!("{TD}:3"),
            revision: 3,
            registered_at: Some(now() - chrono::Duration::minutes(30)),
            images: vec![image("v1.6.0-rc1", ImagePresence::Exists)],
            current: true,
            changes: Vec::new(),
        },
        Revision {
            arn: format!("{TD}:2"),
            revision: 2,
            registered_at: Some(now() - chrono::Duration::days(3)),
            images: vec![image("v1.5.2", ImagePresence::Exists)],
            current: false,
            changes: vec![
                change(
                    "image",
                    None,
                    ChangeKind::Changed,
                    Some(&format!("{REGISTRY}/api:v1.6.0-rc1")),
                    Some(&format!("{REGISTRY}/api:v1.5.2")),
                ),
                change(
                    "environment",
                    Some("DB_PASSWORD"),
                    ChangeKind::Changed,
                    Some("••••"),
                    Some("••••"),
                ),
                change(
                    "environment",
                    Some("FEATURE_LEDGER_V2"),
                    ChangeKind::Removed,
                    Some("on"),
                    None,
                ),
                change(
                    "memory",
                    None,
                    ChangeKind::Changed,
                    Some("1024"),
                    Some("512"),
                ),
            ],
        },
        Revision {
            arn: format!("{TD}:1"),
            revision: 1,
            registered_at: Some(now() - chrono::Duration::days(9)),
            images: vec![image(
                "v1.5.0",
                ImagePresence::Deleted("ImageNotFound: Requested image not found".into()),
            )],
            current: false,
            changes: vec![change(
                "image",
                None,
                ChangeKind::Changed,
                Some(&format!("{REGISTRY}/api:v1.6.0-rc1")),
                Some(&format!("{REGISTRY}/api:v1.5.0")),
            )],
        },
    ]
}

fn checked_picker() -> AppState {
    let mut s = on_worker();
    ch(&mut s, 'R');
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Dialog {
            generation: g,
            answer: DialogAnswer::Revisions(Ok(checked_revisions())),
        },
    );
    s.now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 23, 12, 1, 30)
        .single()
        .unwrap_or_default();
    s
}

#[test]
fn the_picker_shows_what_changes_against_what_runs() {
    let s = checked_picker();
    let text = render(&s, 120, 40);
    assert!(text.contains("Changes against what runs (4):"), "{text}");
    assert!(
        text.contains("app environment -FEATURE_LEDGER_V2 (was on)"),
        "{text}"
    );
    assert!(
        text.contains("app image: api:v1.6.0-rc1 → api:v1.5.2"),
        "{text}"
    );
    assert!(text.contains("app memory: 1024 → 512"), "{text}");
    assert!(text.contains("✓ in ECR"), "{text}");
    assert!(text.contains("✗ image deleted"), "{text}");
    insta::assert_snapshot!("rollback_picker_diff_120x40", text);
    insta::assert_snapshot!("rollback_picker_diff_80x24", render(&s, 80, 24));
}

#[test]
fn a_revision_whose_image_was_deleted_needs_the_override_key() {
    let mut s = checked_picker();
    ch(&mut s, 'j');
    let text = render(&s, 120, 40);
    assert!(
        text.contains("✗ image deleted: api:v1.5.0 (container app)"),
        "{text}"
    );
    insta::assert_snapshot!("rollback_picker_image_deleted_80x24", render(&s, 80, 24));
    // y sends nothing and says why.
    let effects = ch(&mut s, 'y');
    assert!(effects.is_empty(), "{effects:?}");
    let error = s
        .modal
        .as_ref()
        .and_then(|m| m.confirm.error.clone())
        .unwrap_or_default();
    assert!(error.contains("image deleted"), "{error}");
    // f, then y: exactly that revision is sent.
    assert!(ch(&mut s, 'f').is_empty());
    let effects = ch(&mut s, 'y');
    assert!(
        matches!(&effects[..], [Effect::Run(Work::Action(ActionEffect::Rollback { plan, .. }))] if plan.summary().contains("to worker:1")),
        "{effects:?}"
    );
}

#[test]
fn moving_away_clears_the_override_and_f_elsewhere_says_so() {
    let mut s = checked_picker();
    ch(&mut s, 'j');
    ch(&mut s, 'f');
    ch(&mut s, 'k');
    ch(&mut s, 'j');
    assert!(
        ch(&mut s, 'y').is_empty(),
        "the override went with the move"
    );
    ch(&mut s, 'k');
    ch(&mut s, 'f');
    let error = s
        .modal
        .as_ref()
        .and_then(|m| m.confirm.error.clone())
        .unwrap_or_default();
    assert!(
        error.contains("only a revision whose image was deleted"),
        "{error}"
    );
}

#[test]
fn a_refused_rollout_shows_in_the_dialog() {
    let mut s = picker_open();
    ch(&mut s, 'y');
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Dialog {
            generation: g,
            answer: DialogAnswer::Started(Err(
                "ecs:UpdateService was denied: lacks ecs:UpdateService".into(),
            )),
        },
    );
    let text = render(&s, 120, 40);
    assert!(text.contains("lacks ecs:UpdateService"), "{text}");
    assert!(matches!(
        s.modal.as_ref().map(|m| &m.stage),
        Some(Stage::Failed(_))
    ));
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
        Msg::Dialog {
            generation: g,
            answer: DialogAnswer::ImageTags(Ok(ImageTags {
                container: "app".into(),
                image: image.into(),
                tags,
            })),
        },
    );
    deliver(
        &mut s,
        Msg::Dialog {
            generation: g,
            answer: DialogAnswer::Revisions(Ok(revisions())),
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
    let [Effect::Run(Work::Action(ActionEffect::Rollback { plan, .. }))] = &effects[..] else {
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
        Msg::Dialog {
            generation: g,
            answer: DialogAnswer::ImageTags(Err(
                "2 containers: name one with `ecsnap rollback --image-tag T --container C`".into(),
            )),
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
        Msg::Dialog {
            generation: g,
            answer: DialogAnswer::EbsSnapshots(Ok(EbsChoices {
                volume: "data".into(),
                from_snapshot: Some("snap-0new".into()),
                snapshots: vec![
                    snapshot("snap-0new", 0),
                    snapshot("snap-0mid", 1),
                    snapshot("snap-0old", 2),
                ],
            })),
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
    let [Effect::Run(Work::Action(ActionEffect::Rollback { plan, .. }))] = &effects[..] else {
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
        Msg::Dialog {
            generation: g,
            answer: DialogAnswer::EbsSnapshots(Err("worker has no managed EBS volume".into())),
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
        Msg::Dialog {
            generation: g,
            answer: DialogAnswer::EbsSnapshots(Ok(EbsChoices {
                volume: "data".into(),
                from_snapshot: Some("snap-0only".into()),
                snapshots: vec![ecsnap::model::Snapshot {
                    id: "snap-0only".into(),
                    state: "completed".into(),
                    ..ecsnap::model::Snapshot::default()
                }],
            })),
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
