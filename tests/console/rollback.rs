//! The console's rollback, all in one place: the picker (R) → y → wait view, another
//! revision picked, the running one refused, read-only and production confirmations, stale
//! answers dropped, a rollback right after the services arrive acting on the failing one;
//! each target checked and compared (what changes against what runs, `✗ image deleted`
//! not confirmable until `f`), a refused rollout, the image-tag (`i`) and EBS-snapshot
//! (`i` twice) pickers; a rollback acting in the selected row's place; and the screens at
//! 120×40 and 80×24 (insta).

use crate::actions::{
    TD, assert_y_refused_in_read_only, ch, confirm_by_typing, fixed, on_worker, only_action,
    only_load, services_in_parts, started,
};
use crate::asserts::{assert_has, assert_has_all};
use crate::fixtures::{deliver, dialog, generation, key, now, render, reply};
use crate::places::{PROD, STAGING, loaded, select_worker};
use crossterm::event::KeyCode;
use ecsnap::analysis::diff::{ChangeKind, FieldChange};
use ecsnap::model::{ImagePresence, ImageStatus};
use ecsnap::ops::rollback::{ContainerImage, ImageTags, Revision, RollbackPlan, TagChoice};
use ecsnap::tui::run::effect::{ActionEffect, Effect, Load, Work};
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::modal::{ModalKind, Stage};
use ecsnap::tui::state::msg::{DialogAnswer, Event};
use ecsnap::tui::update::app::update;

// ---- the picker and its confirmation ----------------------------------------------

pub(crate) fn revisions() -> Vec<Revision> {
    [
        (3, "v1.6.0-rc1", 30),
        (2, "v1.5.2", 3 * 24 * 60),
        (1, "v1.5.0", 9 * 24 * 60),
    ]
    .into_iter()
    .map(|(n, tag, minutes)| Revision {
        arn: format!("{TD}:{n}"),
        revision: n,
        registered_at: Some(now() - chrono::Duration::minutes(minutes)),
        images: vec![ContainerImage {
            container: "app".into(),
            image: format!("registry/app:{tag}"),
            tag: Some(tag.into()),
            presence: ecsnap::model::ImagePresence::NotEcr,
        }],
        current: n == 3,
        changes: if n == 3 {
            Vec::new()
        } else {
            vec![ecsnap::analysis::diff::FieldChange {
                container: Some("app".into()),
                field: "image",
                name: None,
                kind: ecsnap::analysis::diff::ChangeKind::Changed,
                from: Some("registry/app:v1.6.0-rc1".into()),
                to: Some(format!("registry/app:{tag}")),
            }]
        },
    })
    .collect()
}

/// The picker's revisions arrive, for the dialog open now.
fn answer_revisions(s: &mut AppState, revisions: Vec<Revision>) {
    reply(s, DialogAnswer::Revisions(Ok(revisions)));
}

/// The image-tag picker's answer for the dialog of generation `g`: `tags` newest first, one
/// pushed a day before the other.
pub(crate) fn answer_image_tags(
    s: &mut AppState,
    g: u64,
    image: &str,
    tags: &[(&str, ImageStatus)],
) {
    let tags = tags
        .iter()
        .enumerate()
        .map(|(i, (tag, status))| TagChoice {
            tag: (*tag).into(),
            pushed_at: Some(now() - chrono::Duration::days(i64::try_from(i).unwrap_or(0))),
            status: status.clone(),
        })
        .collect();
    deliver(
        s,
        dialog(
            g,
            DialogAnswer::ImageTags(Ok(ImageTags {
                container: "app".into(),
                image: image.into(),
                tags,
            })),
        ),
    );
}

pub(crate) fn picker_open() -> AppState {
    let mut s = on_worker();
    let effects = ch(&mut s, 'R');
    assert!(
        matches!(only_action(&effects), ActionEffect::LoadRevisions { current, .. } if current.ends_with("worker:3")),
        "{effects:?}"
    );
    answer_revisions(&mut s, revisions());
    s
}

/// `y` in the picker: the rollback it sends (any other effects fail the test, showing
/// them).
pub(crate) fn y_rolls_back(s: &mut AppState) -> RollbackPlan {
    let effects = ch(s, 'y');
    let ActionEffect::Rollback { plan, .. } = only_action(&effects) else {
        panic!("y should roll back: {effects:?}");
    };
    plan.clone()
}

/// The picker's screen `text`: its `heading`, `picked` preselected (`why` it should be)
/// and `running` marked as what runs now.
fn assert_picker(text: &str, heading: &str, (picked, why): (&str, &str), running: &str) {
    assert_has(text, heading);
    assert!(text.contains(&format!("▶ {picked}")), "{why}:\n{text}");
    assert!(
        text.contains(running) && text.contains("(running now)"),
        "{text}"
    );
}

#[test]
fn rollback_takes_two_keys_to_the_wait_view() {
    let mut s = picker_open();
    assert_picker(
        &render(&s, 120, 40),
        "Roll back payments-prod/worker",
        ("worker:2", "the previous revision is preselected"),
        "app:v1.5.2",
    );
    // y sends exactly the plan shown: worker:2.
    let plan = y_rolls_back(&mut s);
    assert!(plan.summary().contains("to worker:2"), "{}", plan.summary());
    let g = generation(&s);
    let effects = update(
        &mut s,
        Event::Msg(dialog(g, DialogAnswer::Started(Ok(started(2))))),
    );
    assert!(
        matches!(only_load(&effects), Load::Services { .. }),
        "{effects:?}"
    );
    assert!(matches!(
        s.modal.as_ref().map(|m| &m.kind),
        Some(ModalKind::Wait(_))
    ));
    let text = render(&s, 120, 40);
    assert_has_all(&text, &["Watching payments-prod/worker", "0m00s elapsed"]);
}

#[test]
fn picking_another_revision_changes_the_plan() {
    let mut s = picker_open();
    ch(&mut s, 'j');
    let plan = y_rolls_back(&mut s);
    assert!(plan.summary().contains("to worker:1"), "{}", plan.summary());
}

#[test]
fn the_running_revision_cannot_be_confirmed() {
    let mut s = picker_open();
    ch(&mut s, 'k');
    assert!(ch(&mut s, 'y').is_empty());
    let text = render(&s, 120, 40);
    assert_has(&text, "pick a revision other than the one running");
}

#[test]
fn read_only_shows_the_plan_and_refuses_in_the_dialog() {
    let mut s = on_worker();
    s.settings.read_only = true;
    ch(&mut s, 'R');
    answer_revisions(&mut s, revisions());
    assert_y_refused_in_read_only(&mut s);
    assert_eq!(s.modal.as_ref().map(|m| &m.stage), Some(&Stage::Confirm));
}

#[test]
fn production_needs_the_service_name_typed() {
    let mut s = on_worker();
    s.settings.production = true;
    ch(&mut s, 'R');
    answer_revisions(&mut s, revisions());
    let effects = confirm_by_typing(&mut s, "worker");
    assert!(
        matches!(only_action(&effects), ActionEffect::Rollback { .. }),
        "{effects:?}"
    );
}

#[test]
fn stale_dialog_answers_are_dropped() {
    let mut s = on_worker();
    ch(&mut s, 'R');
    let old = generation(&s);
    let effects = key(&mut s, KeyCode::Esc);
    assert_eq!(effects, vec![Effect::CancelAction]);
    assert!(s.modal.is_none());
    ch(&mut s, 'R');
    deliver(&mut s, dialog(old, DialogAnswer::Revisions(Ok(Vec::new()))));
    assert_eq!(s.modal.as_ref().map(|m| &m.stage), Some(&Stage::Planning));
    answer_revisions(&mut s, revisions());
    assert_eq!(s.modal.as_ref().map(|m| &m.stage), Some(&Stage::Confirm));
}

#[test]
fn a_rollback_right_after_the_parts_arrive_acts_on_the_failing_service() {
    let mut s = services_in_parts(None);
    let effects = ch(&mut s, 'R');
    assert!(
        matches!(only_action(&effects), ActionEffect::LoadRevisions { cluster, service, .. }
            if cluster == "payments" && service == "ledger-api"),
        "{effects:?}"
    );
    let screen = render(&s, 120, 40);
    assert!(
        screen.contains("Roll back payments/ledger-api"),
        "the dialog names what it acts on:\n{screen}"
    );
}

#[test]
fn rollback_picker_screen() {
    let s = fixed(picker_open());
    insta::assert_snapshot!("rollback_picker_120x40", render(&s, 120, 40));
    insta::assert_snapshot!("rollback_picker_80x24", render(&s, 80, 24));
}

// ---- each target checked and compared; the image-tag and EBS pickers ------------

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

pub(crate) fn checked_picker() -> AppState {
    let mut s = on_worker();
    ch(&mut s, 'R');
    answer_revisions(&mut s, checked_revisions());
    fixed(s)
}

#[test]
fn the_picker_shows_what_changes_against_what_runs() {
    let s = checked_picker();
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "Changes against what runs (4):",
            "app environment -FEATURE_LEDGER_V2 (was on)",
            "app image: api:v1.6.0-rc1 → api:v1.5.2",
            "app memory: 1024 → 512",
            "✓ in ECR",
            "✗ image deleted",
        ],
    );
    assert_screens!("rollback_picker_diff", text, s);
}

#[test]
fn a_revision_whose_image_was_deleted_needs_the_override_key() {
    let mut s = checked_picker();
    ch(&mut s, 'j');
    let text = render(&s, 120, 40);
    assert_has(&text, "✗ image deleted: api:v1.5.0 (container app)");
    insta::assert_snapshot!("rollback_picker_image_deleted_80x24", render(&s, 80, 24));
    // y sends nothing and says why.
    let effects = ch(&mut s, 'y');
    assert!(effects.is_empty(), "{effects:?}");
    let error = s
        .modal
        .as_ref()
        .and_then(|m| m.confirm.error.clone())
        .unwrap_or_default();
    assert_has(&error, "image deleted");
    // f, then y: exactly that revision is sent.
    assert!(ch(&mut s, 'f').is_empty());
    let effects = ch(&mut s, 'y');
    assert!(
        matches!(only_action(&effects), ActionEffect::Rollback { plan, .. } if plan.summary().contains("to worker:1")),
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
    assert_has(&error, "only a revision whose image was deleted");
}

#[test]
fn a_refused_rollout_shows_in_the_dialog() {
    let mut s = picker_open();
    ch(&mut s, 'y');
    reply(
        &mut s,
        DialogAnswer::Started(Err(
            "ecs:UpdateService was denied: lacks ecs:UpdateService".into()
        )),
    );
    let text = render(&s, 120, 40);
    assert_has(&text, "lacks ecs:UpdateService");
    assert!(matches!(
        s.modal.as_ref().map(|m| &m.stage),
        Some(Stage::Failed(_))
    ));
}

#[test]
fn i_switches_the_picker_to_image_tags_and_y_rolls_the_image_back() {
    use ecsnap::ops::rollback::RollbackChange;
    let mut s = on_worker();
    ch(&mut s, 'R');
    let g = generation(&s);
    let image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1.6.0-rc1";
    answer_image_tags(
        &mut s,
        g,
        image,
        &[
            ("v1.6.0-rc1", ImageStatus::default()),
            ("v1.5.2", ImageStatus::default()),
            ("v1.5.0", ImageStatus::default()),
        ],
    );
    answer_revisions(&mut s, revisions());
    ch(&mut s, 'i');
    assert_picker(
        &render(&s, 120, 40),
        "Tags of its repository",
        ("v1.5.2", "the tag before the running one"),
        "v1.6.0-rc1",
    );
    let plan = y_rolls_back(&mut s);
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
    reply(
        &mut s,
        DialogAnswer::ImageTags(Err(
            "2 containers: name one with `ecsnap rollback --image-tag T --container C`".into(),
        )),
    );
    ch(&mut s, 'i');
    assert!(ch(&mut s, 'y').is_empty());
    let text = render(&s, 120, 40);
    assert_has(&text, "No image tags to offer: 2 containers");
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
        dialog(
            g,
            DialogAnswer::EbsSnapshots(Ok(EbsChoices {
                volume: "data".into(),
                from_snapshot: Some("snap-0new".into()),
                snapshots: vec![
                    snapshot("snap-0new", 0),
                    snapshot("snap-0mid", 1),
                    snapshot("snap-0old", 2),
                ],
                zones: Some(ecsnap::analysis::zones::ZoneCheck::Checked {
                    volume_zone: None,
                    subnet_zones: vec!["us-east-1a".into(), "us-east-1b".into()],
                }),
            })),
        ),
    );
    ch(&mut s, 'i');
    ch(&mut s, 'i');
    let text = render(&s, 120, 40);
    assert_has(&text, "Volume data starts from snap-0new");
    assert!(
        text.contains("▶ snap-0mid"),
        "the newest snapshot the volume does not start from:\n{text}"
    );
    assert_has(&text, "(in use now)");
    assert!(
        text.contains("i lists ECS's service revisions instead"),
        "the hint names what i shows next:\n{text}"
    );
    insta::assert_snapshot!("rollback_ebs_picker_120x40", text);
    ch(&mut s, 'j');
    let plan = y_rolls_back(&mut s);
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

/// The picker on its EBS-snapshot list, for a service without a managed EBS volume.
pub(crate) fn picker_without_ebs() -> AppState {
    let mut s = picker_open();
    reply(
        &mut s,
        DialogAnswer::EbsSnapshots(Err("worker has no managed EBS volume".into())),
    );
    ch(&mut s, 'i');
    ch(&mut s, 'i');
    s
}

#[test]
fn ebs_snapshots_unavailable_say_why_and_the_running_snapshot_cannot_be_confirmed() {
    use ecsnap::ops::rollback::EbsChoices;
    let mut s = picker_without_ebs();
    assert!(ch(&mut s, 'y').is_empty());
    let text = render(&s, 120, 40);
    assert_has(
        &text,
        "No EBS snapshots to offer: worker has no managed EBS volume",
    );
    // Only the snapshot the volume already starts from: nothing to roll back to.
    let mut s = picker_open();
    reply(
        &mut s,
        DialogAnswer::EbsSnapshots(Ok(EbsChoices {
            volume: "data".into(),
            from_snapshot: Some("snap-0only".into()),
            snapshots: vec![ecsnap::model::Snapshot {
                id: "snap-0only".into(),
                state: "completed".into(),
                ..ecsnap::model::Snapshot::default()
            }],
            zones: None,
        })),
    );
    ch(&mut s, 'i');
    ch(&mut s, 'i');
    assert!(ch(&mut s, 'y').is_empty());
    let text = render(&s, 120, 40);
    assert_has(
        &text,
        "pick a snapshot other than the one the volume starts from",
    );
}

// ---- in the selected row's place --------------------------------------------------

fn place_revisions() -> Vec<Revision> {
    let td = "arn:aws:ecs:us-east-1:222222222222:task-definition/worker";
    [3, 2]
        .into_iter()
        .map(|n| Revision {
            arn: format!("{td}:{n}"),
            revision: n,
            registered_at: Some(now()),
            images: Vec::new(),
            current: n == 3,
            changes: Vec::new(),
        })
        .collect()
}

#[test]
fn rollback_acts_in_the_place_of_the_selected_row() {
    let mut s = loaded();
    select_worker(&mut s, STAGING);
    let effects = key(&mut s, KeyCode::Char('R'));
    assert!(
        matches!(&effects[..], [Effect::At { place: STAGING, work }]
            if matches!(work, Work::Action(ActionEffect::LoadRevisions { .. }))),
        "{effects:?}"
    );
    answer_revisions(&mut s, place_revisions());
    let text = render(&s, 120, 40);
    assert!(
        text.contains("In account staging (222222222222) · us-east-1"),
        "the dialog says where it acts:\n{text}"
    );
    // staging is not production: y confirms, and the rollback goes to staging.
    let effects = key(&mut s, KeyCode::Char('y'));
    assert!(
        matches!(&effects[..], [Effect::At { place: STAGING, work }]
            if matches!(work, Work::Action(ActionEffect::Rollback { .. }))),
        "{effects:?}"
    );
}

#[test]
fn production_place_needs_the_name_typed() {
    let mut s = loaded();
    select_worker(&mut s, PROD);
    key(&mut s, KeyCode::Char('R'));
    answer_revisions(&mut s, place_revisions());
    assert!(
        key(&mut s, KeyCode::Char('y')).is_empty(),
        "prod is production: y is typed, not a confirmation"
    );
}
