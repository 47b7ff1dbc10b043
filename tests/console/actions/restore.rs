//! Restore-user through `update`: `t` plans with the digests before and after; a restore
//! that changes nothing is not sent.

use super::*;

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
    let [Effect::Run(Work::Action(ActionEffect::PlanRestore { user, tag, .. }))] = &effects[..]
    else {
        panic!("{effects:?}");
    };
    assert_eq!(user, "alice");
    let selected = s.snapshots.tags.selected_row().map(|r| r.entry.tag.clone());
    assert_eq!(Some(tag.clone()), selected);
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Dialog {
            generation: g,
            answer: DialogAnswer::Planned(Ok(Planned::Restore(restore_plan(
                "sha256:aaa",
                "sha256:bbb",
            )))),
        },
    );
    let text = render(&s, 120, 40);
    assert!(
        text.contains("before: sha256:aaa") && text.contains("after:  sha256:bbb"),
        "{text}"
    );
    assert!(matches!(
        ch(&mut s, 'y')[..],
        [Effect::Run(Work::Action(ActionEffect::Restore { .. }))]
    ));
    let done = ecsnap::ops::restore_user::Restored {
        before_digest: Some("sha256:aaa".into()),
        after_digest: "sha256:bbb".into(),
    };
    let effects = update(
        &mut s,
        Event::Msg(Msg::Dialog {
            generation: g,
            answer: DialogAnswer::Restored(Ok(done)),
        }),
    );
    assert!(
        matches!(
            effects[..],
            [Effect::Run(Work::Load(Load::Snapshots { .. }))]
        ),
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
        Msg::Dialog {
            generation: g,
            answer: DialogAnswer::Planned(Ok(Planned::Restore(restore_plan(
                "sha256:aaa",
                "sha256:aaa",
            )))),
        },
    );
    assert!(ch(&mut s, 'y').is_empty());
    assert!(render(&s, 120, 40).contains("already points at"));
}
