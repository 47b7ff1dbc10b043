//! The dialogs' footers tell the truth: while a dialog plans, nothing can be confirmed
//! (only Esc and `?` are offered); while a cleanup runs, its results are coming (only `?`);
//! an archive (`A`) says archive in its title and its failures, not delete; the rollback
//! picker offers `y` only on a row it can send, `j`/`k` only among two or more rows, `f`
//! only on a row it overrides.

use crate::actions::{ch, fixed, on_worker, only_action};
use crate::asserts::{assert_has, assert_lacks};
use crate::cleanup::{
    archive_plan, cleanup_of, cleanup_planned, first_orphan_snapshot, first_orphan_volumes, footer,
    volume_plan,
};
use crate::fixtures::{loaded_state, render, reply};
use crate::rollback::{checked_picker, picker_open, picker_without_ebs};
use ecsnap::aws::Preflight;
use ecsnap::tui::run::effect::ActionEffect;
use ecsnap::tui::state::msg::DialogAnswer;
use ecsnap::tui::state::pane_id::PaneId;

/// The footer of a dialog that is still planning, at 120×40.
fn planning_footer(s: &ecsnap::tui::state::app::AppState) -> String {
    let screen = render(s, 120, 40);
    assert_has(&screen, "building the plan (reads only)");
    footer(&screen).trim().to_string()
}

#[test]
fn a_planning_dialog_offers_only_close_and_help() {
    // The rollback picker (R), the redeploy (D), on a service.
    for key in ['R', 'D'] {
        let mut s = on_worker();
        ch(&mut s, key);
        assert_eq!(planning_footer(&s), "n/Esc close  ? help", "{key}");
        assert!(ch(&mut s, 'y').is_empty(), "{key}: y confirms no plan");
    }
    // The cleanup (x), the archive (A), the marks (m), in Orphans.
    let snap = first_orphan_snapshot(&loaded_state());
    for key in ['x', 'A', 'm'] {
        let mut s = cleanup_of(&[snap.as_str()]);
        ch(&mut s, key);
        assert_eq!(planning_footer(&s), "n/Esc close  ? help", "{key}");
    }
    let mut s = on_worker();
    ch(&mut s, 'R');
    let s = fixed(s);
    insta::assert_snapshot!("rollback_planning_80x24", render(&s, 80, 24));
}

#[test]
fn a_running_cleanup_offers_only_help() {
    let ids = first_orphan_volumes(&loaded_state(), 1);
    let mut s = cleanup_of(&[ids[0].as_str()]);
    s.pane = PaneId::Orphans;
    ch(&mut s, 'x');
    cleanup_planned(&mut s, vec![volume_plan(&ids)]);
    assert!(matches!(
        only_action(&ch(&mut s, 'y')),
        ActionEffect::Cleanup { .. }
    ));
    let screen = render(&s, 120, 40);
    assert_has(&screen, "deleting… 0 of 1 landed");
    assert_eq!(footer(&screen).trim(), "? help");
}

/// `A` opens a dialog that says archive from the start (while it plans, before any plan
/// says so), and its failures say nothing was archived.
#[test]
fn the_archive_dialog_says_archive_in_its_title_and_failures() {
    let snap = first_orphan_snapshot(&loaded_state());
    let mut s = cleanup_of(&[snap.as_str()]);
    ch(&mut s, 'A');
    let planning = render(&s, 120, 40);
    assert_has(&planning, "Archive 1 marked snapshot");
    assert_lacks(&planning, "Clean up");
    cleanup_planned(&mut s, vec![archive_plan(&snap)]);
    assert_has(&render(&s, 120, 40), "Archive 1 marked snapshot");
    ch(&mut s, 'y');
    reply(
        &mut s,
        DialogAnswer::CleanupDone(Err("ec2:ModifySnapshotTier in us-east-1: throttled".into())),
    );
    let failed = render(&s, 120, 40);
    assert_has(&failed, "(nothing was archived)");
    assert_lacks(&failed, "deleted");
    // A plan whose every item the DryRun blocked: nothing in it can be archived.
    let mut s = cleanup_of(&[snap.as_str()]);
    ch(&mut s, 'A');
    let mut blocked = archive_plan(&snap);
    for i in &mut blocked.items {
        i.preflight = Some(Preflight::Denied(
            "not allowed to ec2:ModifySnapshotTier in us-east-1".into(),
        ));
    }
    cleanup_planned(&mut s, vec![blocked]);
    assert!(ch(&mut s, 'y').is_empty());
    let refused = render(&s, 120, 40);
    assert_has(&refused, "nothing in the plan can be archived");
    assert_has(
        &refused,
        "BLOCKED by DryRun: not allowed to ec2:ModifySnapshotTier in us-east-1",
    );
}

/// `x` keeps saying clean up and delete.
#[test]
fn the_delete_dialog_keeps_its_words() {
    let ids = first_orphan_volumes(&loaded_state(), 1);
    let mut s = cleanup_of(&[ids[0].as_str()]);
    ch(&mut s, 'x');
    assert_has(&render(&s, 120, 40), "Clean up 1 marked orphan");
    cleanup_planned(&mut s, vec![volume_plan(&ids)]);
    ch(&mut s, 'y');
    reply(&mut s, DialogAnswer::CleanupDone(Err("throttled".into())));
    assert_has(&render(&s, 120, 40), "(nothing was deleted)");
}

/// The rollback picker's footer at 80×24.
fn picker_footer(s: &ecsnap::tui::state::app::AppState) -> String {
    footer(&render(s, 80, 24)).trim().to_string()
}

#[test]
fn the_rollback_picker_offers_only_what_acts() {
    // The preselected revision can be sent; no image of it was deleted: no `f`.
    let mut s = picker_open();
    let ready = picker_footer(&s);
    assert_has(&ready, "y/Enter confirm");
    assert_has(&ready, "j/↓ down");
    assert_lacks(&ready, "f force");
    // The revision running now: nothing to confirm.
    ch(&mut s, 'k');
    assert!(ch(&mut s, 'y').is_empty());
    assert_lacks(&picker_footer(&s), "y/Enter confirm");
    // No EBS snapshots to list: nothing to confirm, nothing to move among.
    let s = picker_without_ebs();
    let empty = picker_footer(&s);
    assert_has(&render(&s, 80, 24), "Nothing to confirm here");
    for key in ["y/Enter confirm", "j/↓ down", "k/↑ up", "f force"] {
        assert_lacks(&empty, key);
    }
    assert_has(&empty, "n/Esc close");
    // A revision an image of which was deleted: `f` acts, `y` not until it is pressed.
    let mut s = checked_picker();
    ch(&mut s, 'j');
    let deleted = picker_footer(&s);
    assert_has(&deleted, "f force");
    assert_lacks(&deleted, "y/Enter confirm");
    ch(&mut s, 'f');
    assert_has(&picker_footer(&s), "y/Enter confirm");
}
