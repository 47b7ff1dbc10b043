//! Ctrl-C during a running cleanup: the first one interrupts it (no new deletes; the
//! results still land), the second one — or one when nothing runs — quits.

use super::*;

fn ctrl_c(s: &mut AppState) -> Vec<Effect> {
    update(
        s,
        Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    )
}

fn running_cleanup() -> (AppState, u64, String) {
    let mut s = cleanup_of(&[]);
    let id = s.orphans.list.selected_key().expect("a selected orphan");
    ch(&mut s, 'x');
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Dialog {
            generation: g,
            answer: DialogAnswer::Planned(Ok(Planned::Cleanup(vec![volume_plan(&[&id])]))),
        },
    );
    assert!(matches!(
        ch(&mut s, 'y')[..],
        [Effect::Run(Work::Action(ActionEffect::Cleanup { .. }))]
    ));
    (s, g, id)
}

#[test]
fn the_first_ctrl_c_interrupts_a_running_cleanup_and_the_second_quits() {
    let (mut s, g, id) = running_cleanup();
    assert_eq!(ctrl_c(&mut s), vec![Effect::InterruptCleanup]);
    assert!(
        !s.quit,
        "the first Ctrl-C does not quit while deletes are in flight"
    );
    let text = render(&s, 120, 40);
    assert!(text.contains("interrupted"), "{text}");
    // The results still land in the dialog.
    deliver(
        &mut s,
        Msg::Dialog {
            generation: g,
            answer: DialogAnswer::CleanupItem(ItemResult {
                id: id.clone(),
                kind: ResourceKind::Volume,
                status: ItemStatus::Skipped,
                detail: Some(ecsnap::ops::interrupt::NOT_STARTED.into()),
                snapshot_id: None,
            }),
        },
    );
    let Some(ModalKind::Cleanup(c)) = s.modal.as_ref().map(|m| &m.kind) else {
        panic!("the cleanup dialog stays open");
    };
    assert_eq!(c.count(ItemStatus::Skipped), 1);
    assert!(ctrl_c(&mut s).is_empty());
    assert!(s.quit, "the second Ctrl-C quits at once");
}

#[test]
fn ctrl_c_quits_at_once_when_no_cleanup_runs() {
    let mut s = cleanup_of(&[]);
    assert!(ctrl_c(&mut s).is_empty());
    assert!(s.quit);
    // After a cleanup finished, too.
    let (mut s, g, _) = running_cleanup();
    update(
        &mut s,
        Event::Msg(Msg::Dialog {
            generation: g,
            answer: DialogAnswer::CleanupDone(Ok(Vec::new())),
        }),
    );
    assert!(ctrl_c(&mut s).is_empty());
    assert!(s.quit);
}
