//! The console and ECR archive (issue 26 item 5): the rollback picker marks an archived
//! image tag and a service revision whose image is archived "archived — restore first
//! (minutes)" and cannot confirm them; the resume-tag restore of an archived tag is refused
//! the same way; `t` in each starts the image's restore through ops's plan → confirm →
//! send, then shows each poll until ECR says it can be pulled; read-only sends nothing.
//! Screens at 80×24 (insta).

use crate::actions::{ch, on_worker};
use crate::asserts::{assert_has, assert_has_all};
use crate::fixtures::{deliver, dialog, generation, loaded_state, render, reply};
use crate::rollback::answer_image_tags;
use crate::storage::sends_on_y;
use crate::storage::storage_planned;
use ecsnap::model::ImageStatus;
use ecsnap::ops::restore_image::{ArchivedImage, RestoreImagePlan};
use ecsnap::tui::run::effect::{ActionEffect, Effect, StorageEffect, Work};
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::modal::Stage;
use ecsnap::tui::state::msg::DialogAnswer;
use ecsnap::tui::state::pane_id::PaneId;
use ecsnap::tui::state::storage::{StorageAsk, StorageDone, StoragePlan};

const IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1.6.0-rc1";

/// The picker on the image tags: v1.5.2 (the default, the one before the running tag) is
/// archived.
fn picker_on_archived_tag() -> AppState {
    let mut s = on_worker();
    ch(&mut s, 'R');
    let g = generation(&s);
    answer_image_tags(
        &mut s,
        g,
        IMAGE,
        &[
            ("v1.6.0-rc1", ImageStatus::Active),
            ("v1.5.2", ImageStatus::Archived),
            ("v1.5.0", ImageStatus::Active),
        ],
    );
    reply(
        &mut s,
        DialogAnswer::Revisions(Ok(crate::rollback::revisions())),
    );
    ch(&mut s, 'i');
    s
}

fn restore_plan(tag: &str, status: ImageStatus) -> RestoreImagePlan {
    RestoreImagePlan {
        repository: "app".into(),
        tag: tag.into(),
        digest: "sha256:52a52a52a52a".into(),
        status,
        size_bytes: 52_428_800,
    }
}

/// `t` asked for a restore's plan: the ask.
fn restore_asked(effects: &[Effect]) -> StorageAsk {
    let [
        Effect::CancelAction,
        Effect::Run(Work::Action(ActionEffect::Storage(StorageEffect::Plan { ask, .. }))),
    ] = effects
    else {
        panic!("t asks ops for the restore's plan: {effects:?}");
    };
    ask.clone()
}

#[test]
fn the_picker_refuses_an_archived_image_tag_and_t_restores_it_until_pullable() {
    let mut s = picker_on_archived_tag();
    let text = render(&s, 120, 40);
    assert!(text.contains("▶ v1.5.2"), "{text}");
    assert_has_all(
        &text,
        &[
            "✗ archived — restore first (minutes)",
            "app:v1.5.2 is archived — restore first (minutes)",
            "Cannot confirm: the image is archived · t restores it (minutes)",
        ],
    );
    insta::assert_snapshot!("picker_archived_tag_80x24", render(&s, 80, 24));
    assert!(
        ch(&mut s, 'y').is_empty(),
        "an archived tag is not confirmed"
    );
    assert!(
        matches!(s.modal.as_ref().map(|m| &m.stage), Some(Stage::Confirm)),
        "the picker stays open"
    );

    let ask = restore_asked(&ch(&mut s, 't'));
    assert_eq!(
        ask,
        StorageAsk::RestoreImage {
            repository: "app".into(),
            reference: "v1.5.2".into(),
        }
    );
    let plan = StoragePlan::RestoreImage(restore_plan("v1.5.2", ImageStatus::Archived));
    storage_planned(&mut s, plan.clone());
    let text = render(&s, 80, 24);
    assert_has(&text, "Restore app:v1.5.2 from ECR archive");
    insta::assert_snapshot!("restore_image_confirm_80x24", text);
    assert_eq!(
        sends_on_y(&mut s),
        plan,
        "y sends exactly the restore shown"
    );
    reply(
        &mut s,
        DialogAnswer::StorageProgress(ImageStatus::Activating),
    );
    reply(
        &mut s,
        DialogAnswer::StorageProgress(ImageStatus::Activating),
    );
    assert_has(
        &render(&s, 120, 40),
        "Waiting until it can be pulled: ECR reports restoring (poll 2)",
    );
    reply(
        &mut s,
        DialogAnswer::StorageDone(Ok(StorageDone::ImageRestored(Ok(ImageStatus::Active)))),
    );
    assert_has(
        &render(&s, 120, 40),
        "Done: the image is standard again and can be pulled",
    );
}

#[test]
fn a_service_revision_whose_image_is_archived_is_refused_and_t_restores_that_digest() {
    let mut s = crate::rollback::picker_open();
    let g = generation(&s);
    let mut choices = crate::service_revisions::choices();
    let digest = "sha256:b2b2b2b2b2b2b2b2b2b2b2b2";
    choices[1].archived = Some(ArchivedImage {
        repository: "worker".into(),
        reference: digest.into(),
        status: ImageStatus::Archived,
    });
    deliver(
        &mut s,
        dialog(g, DialogAnswer::ServiceRevisions(Ok(choices))),
    );
    for _ in 0..3 {
        ch(&mut s, 'i');
    }
    let text = render(&s, 120, 40);
    assert_has(&text, "✗ archived — restore first (minutes)");
    assert_has(&text, &format!("worker:{digest} is archived"));
    assert!(ch(&mut s, 'y').is_empty(), "not confirmed");
    let ask = restore_asked(&ch(&mut s, 't'));
    assert_eq!(
        ask,
        StorageAsk::RestoreImage {
            repository: "worker".into(),
            reference: digest.into(),
        }
    );
}

/// The Snapshots pane with the selected user's tag archived.
fn snapshots_on_archived_tag() -> AppState {
    let mut s = loaded_state();
    s.pane = PaneId::Snapshots;
    crate::fixtures::key(&mut s, crossterm::event::KeyCode::Enter);
    let key = s.snapshots.tags.selected_key().expect("a selected tag");
    for row in &mut s.snapshots.tags.rows {
        if ecsnap::tui::state::list::Row::key(row) == key {
            row.entry.status = ImageStatus::Archived;
        }
    }
    s
}

#[test]
fn the_resume_tag_restore_of_an_archived_tag_is_refused_and_t_restores_the_image() {
    let mut s = snapshots_on_archived_tag();
    let tag = s
        .snapshots
        .tags
        .selected_row()
        .map(|r| (r.repository.clone(), r.entry.tag.clone()))
        .expect("a tag");
    let effects = ch(&mut s, 't');
    assert!(effects.is_empty(), "no plan is asked for: {effects:?}");
    let text = render(&s, 80, 24);
    assert_has(&text, "is archived — restore first (minutes)");
    insta::assert_snapshot!("resume_restore_archived_80x24", text);
    assert!(
        ch(&mut s, 'y').is_empty(),
        "an archived tag is not confirmed"
    );
    let ask = restore_asked(&ch(&mut s, 't'));
    assert_eq!(
        ask,
        StorageAsk::RestoreImage {
            repository: tag.0,
            reference: tag.1,
        }
    );
}

#[test]
fn read_only_refuses_the_image_restore_and_sends_nothing() {
    let mut s = picker_on_archived_tag();
    s.settings.read_only = true;
    restore_asked(&ch(&mut s, 't'));
    storage_planned(
        &mut s,
        StoragePlan::RestoreImage(restore_plan("v1.5.2", ImageStatus::Archived)),
    );
    let effects = ch(&mut s, 'y');
    assert!(effects.is_empty(), "read-only sends nothing: {effects:?}");
    assert_has(&render(&s, 120, 40), "refused, nothing was sent");
}
