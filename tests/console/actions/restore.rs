//! Restore-user through `update`: `t` plans with the digests before and after; a restore
//! to the tag the resume tag already points at says so instead of asking, and nothing is
//! sent; the result fits at 80×24.

use super::*;
use crate::asserts::{assert_has, assert_has_all, assert_lacks};
use crate::fixtures::{dialog, listed, reply};
use ecsnap::tui::state::modal::Stage;

fn restore_plan(before: &str, after: &str) -> ecsnap::ops::restore_user::RestorePlan {
    restore_plan_to("alice-20261120T0815", before, after)
}

fn restore_plan_to(tag: &str, before: &str, after: &str) -> ecsnap::ops::restore_user::RestorePlan {
    ecsnap::ops::restore_user::RestorePlan {
        repository: "workspaces".into(),
        user: "alice".into(),
        tag: tag.into(),
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
    let ActionEffect::PlanRestore { user, tag, .. } = only_action(&effects) else {
        panic!("{effects:?}");
    };
    assert_eq!(user, "alice");
    let selected = s.snapshots.tags.selected_row().map(|r| r.entry.tag.clone());
    assert_eq!(Some(tag.clone()), selected);
    let g = reply(
        &mut s,
        DialogAnswer::Planned(Ok(Planned::Restore(restore_plan(
            "sha256:aaa",
            "sha256:bbb",
        )))),
    );
    let text = render(&s, 120, 40);
    assert!(
        text.contains("before: sha256:aaa") && text.contains("after:  sha256:bbb"),
        "{text}"
    );
    assert!(matches!(
        only_action(&ch(&mut s, 'y')),
        ActionEffect::Restore { .. }
    ));
    let done = ecsnap::ops::restore_user::Restored {
        before_digest: Some("sha256:aaa".into()),
        after_digest: "sha256:bbb".into(),
    };
    let effects = update(
        &mut s,
        Event::Msg(dialog(g, DialogAnswer::Restored(Ok(done)))),
    );
    assert!(
        matches!(only_load(&effects), Load::Snapshots { .. }),
        "{effects:?}"
    );
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "Done: alice-latest now points at alice-20261120T0815",
            "now: sha256:bbb  (was sha256:aaa)",
        ],
    );
}

/// A digest as ECR gives it (`sha256:` and 64 hex digits).
fn long_digest(c: char) -> String {
    format!("sha256:{}", c.to_string().repeat(64))
}

/// `t` on a tag, the plan answered with `before` → `after`.
fn planned_restore(before: &str, after: &str) -> AppState {
    let mut s = loaded_state();
    s.pane = PaneId::Snapshots;
    key(&mut s, KeyCode::Enter);
    let effects = ch(&mut s, 't');
    let ActionEffect::PlanRestore { tag, .. } = only_action(&effects) else {
        panic!("{effects:?}");
    };
    let g = generation(&s);
    deliver(
        &mut s,
        dialog(
            g,
            DialogAnswer::Planned(Ok(Planned::Restore(restore_plan_to(tag, before, after)))),
        ),
    );
    s
}

#[test]
fn the_restore_result_fits_at_80x24() {
    let (before, after) = (long_digest('a'), long_digest('b'));
    let mut s = planned_restore(&before, &after);
    assert!(matches!(
        only_action(&ch(&mut s, 'y')),
        ActionEffect::Restore { .. }
    ));
    let g = generation(&s);
    update(
        &mut s,
        Event::Msg(dialog(
            g,
            DialogAnswer::Restored(Ok(ecsnap::ops::restore_user::Restored {
                before_digest: Some(before.clone()),
                after_digest: after.clone(),
            })),
        )),
    );
    let text = render(&s, 80, 24);
    // Every line of the result is whole: the digests (shortened), and the way out.
    assert_has_all(
        &text,
        &[
            "Done: alice-latest now points at alice-20261122T0930",
            "now: sha256:bbbbbbbbbbbbbbbb…  (was sha256:aaaaaaaaaaaaaaaa…)",
            "before: sha256:aaaaaaaaaaaaaaaa…",
            "after:  sha256:bbbbbbbbbbbbbbbb…",
            "Esc closes",
        ],
    );
    insta::assert_snapshot!("restore_done_80x24", text);
    insta::assert_snapshot!("restore_done_120x40", render(&s, 120, 40));
}

#[test]
fn restoring_to_the_current_target_says_so_without_asking() {
    let digest = long_digest('a');
    let mut s = planned_restore(&digest, &digest);
    let modal = s.modal.as_ref().expect("the dialog stays open");
    assert_eq!(modal.stage, Stage::Done, "nothing to confirm");
    let text = render(&s, 80, 24);
    assert_has(
        &text,
        "alice-latest already points at alice-20261122T0930; nothing to do",
    );
    // No question: neither the y/n prompt nor a typed confirmation.
    assert!(
        !text.contains("y confirm") && !text.contains("Restore? "),
        "{text}"
    );
    assert_lacks(&text, "sending");
    insta::assert_snapshot!("restore_nothing_to_do_80x24", text);
    insta::assert_snapshot!("restore_nothing_to_do_120x40", render(&s, 120, 40));
    // `y` sends nothing: it closes the dialog.
    assert!(ch(&mut s, 'y').is_empty());
    assert!(s.modal.is_none());
}

/// After a restore: `alice-latest` on an older image (the one of `alice-20261120T0815`).
fn restored_groups() -> Vec<ecsnap::analysis::tags::UserTags> {
    use ecsnap::analysis::tags::{TagPattern, attach_resume_tags, group_by_user};
    let mut images = crate::fixtures::images();
    for image in &mut images {
        image.tags.retain(|t| t != "alice-latest");
        if image.tags.iter().any(|t| t == "alice-20261120T0815") {
            image.tags.push("alice-latest".into());
        }
    }
    let in_use = ecsnap::analysis::in_use::InUse::default();
    attach_resume_tags(
        group_by_user(&images, &TagPattern::default(), &in_use),
        "{user}-latest",
    )
}

#[test]
fn the_pane_shows_where_the_resume_tag_points_and_counts_each_image_once() {
    let mut s = loaded_state();
    s.pane = PaneId::Snapshots;
    let before = s.snapshots.totals();
    listed(&mut s, Listing::Snapshots(Ok(restored_groups())));
    // The same images, differently tagged: the total does not move.
    assert_eq!(s.snapshots.totals(), before);
    for (w, h) in [(80, 24), (120, 40)] {
        let text = render(&s, w, h);
        let alice = text
            .lines()
            .find(|l| l.contains("workspaces alice"))
            .unwrap_or_default();
        assert!(alice.contains("latest → 20261120T0815"), "{text}");
        let marked: Vec<&str> = text.lines().filter(|l| l.contains("◀ latest")).collect();
        assert_eq!(marked.len(), 1, "{text}");
        assert!(marked[0].contains("alice-20261120T0815"), "{text}");
        // Not under "(other)": that group keeps only the base image's tag.
        let other = text
            .lines()
            .find(|l| l.contains("workspaces (other)"))
            .unwrap_or_default();
        assert!(other.contains("(other) 1 "), "{text}");
        assert_lacks(&text, "alice-latest");
    }
    insta::assert_snapshot!("snapshots_after_restore_80x24", render(&s, 80, 24));
    insta::assert_snapshot!("snapshots_after_restore_120x40", render(&s, 120, 40));
}
