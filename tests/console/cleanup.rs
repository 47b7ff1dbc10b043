//! The console's cleanup, all in one place: from Orphans (and image cleanup from Snapshots)
//! through `update` — marks, the plan, typed counts for bulk deletes, read-only refusal
//! inside the dialog, results; Ctrl-C during a running cleanup (the first interrupts it:
//! no new deletes, the results still land; the second — or one when nothing runs —
//! quits); and the confirm and report screens at 120×40 and 80×24 (insta).

use crate::storage::orphan_ids;
use std::collections::BTreeSet;

use crate::actions::{ch, fixed, only_action, only_load};
use crate::asserts::{assert_has, assert_has_all, assert_lacks};
use crate::fixtures::{deliver, dialog, generation, key, loaded_state, render, reply};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ecsnap::aws::Preflight;
use ecsnap::model::{ResourceKind, Skipped};
use ecsnap::ops::cleanup::{CleanupItem, CleanupPlan, ItemResult, ItemStatus};
use ecsnap::tui::run::effect::{ActionEffect, Effect, Load};
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::modal::ModalKind;
use ecsnap::tui::state::msg::{DialogAnswer, Event, Planned};
use ecsnap::tui::state::pane_id::PaneId;
use ecsnap::tui::update::app::update;

fn item(id: &str, gib: f64) -> CleanupItem {
    crate::fixtures::cleanup_volume(id, gib, gib * 0.08, Preflight::Allowed)
}

pub(crate) fn volume_plan<S: AsRef<str>>(ids: &[S]) -> CleanupPlan {
    CleanupPlan {
        archive: false,
        target: ResourceKind::Volume,
        items: ids.iter().map(|id| item(id.as_ref(), 100.0)).collect(),
        skipped: vec![Skipped::new(
            "vol-keep",
            ResourceKind::Volume,
            8.0,
            "protected by tag ecsnap:keep",
        )],
        min_age_days: None,
        snapshot_first: false,
        keep_newest: 3,
        preflight_done: true,
        notes: Vec::new(),
    }
}

pub(crate) fn cleanup_of(marks: &[&str]) -> AppState {
    let mut s = loaded_state();
    s.pane = PaneId::Orphans;
    for m in marks {
        s.orphans.list.marks.insert((*m).to_string());
    }
    s
}

/// The Orphans pane with its first `n` volume rows marked, and their ids.
pub(crate) fn volumes_marked(n: usize) -> (AppState, Vec<String>) {
    let ids = first_orphan_volumes(&loaded_state(), n);
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    (cleanup_of(&refs), ids)
}

pub(crate) fn first_orphan_volumes(s: &AppState, n: usize) -> Vec<String> {
    s.orphans
        .list
        .rows
        .iter()
        .filter(|r| r.kind() == "volume")
        .take(n)
        .map(|r| r.id().to_string())
        .collect()
}

/// x on the Orphans pane with nothing marked: the cleanup of the selected row, its id.
fn x_on_the_selected_row() -> (AppState, String) {
    let mut s = cleanup_of(&[]);
    let id = s.orphans.list.selected_key().expect("a selected orphan");
    ch(&mut s, 'x');
    (s, id)
}

/// One orphan planned for cleanup and confirmed with y: the deletes are running.
/// The cleanup plans `plans` arrived for the open dialog: its generation.
fn cleanup_planned(s: &mut AppState, plans: Vec<CleanupPlan>) -> u64 {
    reply(s, DialogAnswer::Planned(Ok(Planned::Cleanup(plans))))
}

fn running_cleanup() -> (AppState, u64, String) {
    let (mut s, id) = x_on_the_selected_row();
    let g = cleanup_planned(&mut s, vec![volume_plan(&[&id])]);
    assert!(matches!(
        only_action(&ch(&mut s, 'y')),
        ActionEffect::Cleanup { .. }
    ));
    (s, g, id)
}

// ---- the dialog --------------------------------------------------------------------

#[test]
fn x_plans_only_the_marked_rows_and_bulk_needs_the_count_typed() {
    let (mut s, ids) = volumes_marked(2);
    let effects = ch(&mut s, 'x');
    let ActionEffect::PlanCleanup { selection, .. } = only_action(&effects) else {
        panic!("{effects:?}");
    };
    let (volumes, snapshots, images) =
        (&selection.volumes, &selection.snapshots, &selection.images);
    assert_eq!(volumes.iter().cloned().collect::<Vec<_>>(), {
        let mut v = ids.clone();
        v.sort();
        v
    });
    assert!(snapshots.is_empty() && images.is_empty());
    cleanup_planned(&mut s, vec![volume_plan(&ids)]);
    assert!(ch(&mut s, 'y').is_empty(), "bulk: y is not enough");
    ch(&mut s, '3');
    assert!(key(&mut s, KeyCode::Enter).is_empty(), "3 is not the count");
    assert!(render(&s, 120, 40).contains("does not match"));
    key(&mut s, KeyCode::Backspace);
    key(&mut s, KeyCode::Backspace);
    ch(&mut s, '2');
    let effects = key(&mut s, KeyCode::Enter);
    assert!(
        matches!(only_action(&effects), ActionEffect::Cleanup { plans, .. } if plans[0].items.len() == 2),
        "{effects:?}"
    );
    assert!(
        key(&mut s, KeyCode::Esc).is_empty(),
        "running: Esc waits for the results"
    );
    assert!(s.modal.is_some());
}

#[test]
fn one_resource_needs_only_y_and_results_refresh_the_pane() {
    let (mut s, g, id) = running_cleanup();
    let done = ItemResult {
        id: id.clone(),
        kind: ResourceKind::Volume,
        status: ItemStatus::Done,
        detail: None,
        snapshot_id: None,
    };
    deliver(&mut s, dialog(g, DialogAnswer::CleanupItem(done.clone())));
    let effects = update(
        &mut s,
        Event::Msg(dialog(g, DialogAnswer::CleanupDone(Ok(vec![done])))),
    );
    assert!(
        matches!(only_load(&effects), Load::Orphans { .. }),
        "{effects:?}"
    );
    let text = render(&s, 120, 40);
    assert_has(&text, &format!("done    volume   {id}"));
    assert_has_all(
        &text,
        &[
            "Result: 1 done, 0 skipped, 0 failed",
            "vol-keep (volume): protected by tag ecsnap:keep",
        ],
    );
}

#[test]
fn a_marks_all_filtered_rows_and_again_unmarks() {
    let mut s = cleanup_of(&[]);
    ch(&mut s, 'a');
    assert_eq!(s.orphans.list.marks.len(), s.orphans.list.visible.len());
    ch(&mut s, 'a');
    assert!(s.orphans.list.marks.is_empty());
}

#[test]
fn production_bulk_types_the_count_and_read_only_refuses_inside_the_dialog() {
    let (mut s, ids) = volumes_marked(2);
    s.settings.production = true;
    s.settings.read_only = true;
    ch(&mut s, 'x');
    cleanup_planned(&mut s, vec![volume_plan(&ids)]);
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "PRODUCTION — a typed confirmation is asked",
            "Type 2 and press Enter",
        ],
    );
    ch(&mut s, '2');
    assert!(
        key(&mut s, KeyCode::Enter).is_empty(),
        "read-only: nothing is sent"
    );
    let text = render(&s, 120, 40);
    assert_has(&text, "READ-ONLY — refused, nothing was sent");
}

#[test]
fn the_dialog_takes_every_key() {
    let mut s = cleanup_of(&[]);
    ch(&mut s, 'x');
    for c in ['q', '1', 'r', '/', ':', '?'] {
        assert!(ch(&mut s, c).is_empty(), "{c} does nothing in a dialog");
    }
    assert!(!s.quit);
    assert_eq!(s.pane, PaneId::Orphans);
    assert!(s.modal.is_some());
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    update(&mut s, Event::Key(ctrl_c));
    assert!(s.quit, "Ctrl-C still quits");
}

#[test]
fn late_answers_after_closing_are_dropped() {
    let (mut s, id) = x_on_the_selected_row();
    let g = generation(&s);
    key(&mut s, KeyCode::Esc);
    let effects = update(
        &mut s,
        Event::Msg(dialog(
            g,
            DialogAnswer::Planned(Ok(Planned::Cleanup(vec![volume_plan(&[&id])]))),
        )),
    );
    assert!(effects.is_empty() && s.modal.is_none());
}

#[test]
fn s_toggles_snapshot_first_with_its_cost_and_the_plan_sent_carries_it() {
    let (mut s, ids) = volumes_marked(2);
    ch(&mut s, 'x');
    let plan = volume_plan(&ids);
    let gib: f64 = plan.items.iter().map(|i| i.size_gib).sum();
    let extra = format!("+${:.2}/month", gib * s.settings.prices.snapshot);
    cleanup_planned(&mut s, vec![plan]);
    let text = render(&s, 140, 40);
    assert_has(&text, "Snapshot first: off");
    assert!(text.contains(&extra), "{extra}: {text}");
    // Bulk: the count is typed, so `s` is a character there; Tab toggles.
    ch(&mut s, 's');
    assert!(render(&s, 140, 40).contains("Snapshot first: off"));
    key(&mut s, KeyCode::Backspace);
    assert!(key(&mut s, KeyCode::Tab).is_empty());
    let text = render(&s, 140, 40);
    assert_has(&text, "Snapshot first: ON");
    assert_has(&text, &extra);
    ch(&mut s, '2');
    let effects = key(&mut s, KeyCode::Enter);
    assert!(
        matches!(only_action(&effects), ActionEffect::Cleanup { plans, .. } if plans[0].snapshot_first),
        "{effects:?}"
    );

    // One volume: y/n, so `s` itself toggles, on and off again.
    let (mut s, one) = volumes_marked(1);
    ch(&mut s, 'x');
    cleanup_planned(&mut s, vec![volume_plan(&one)]);
    assert!(ch(&mut s, 's').is_empty());
    assert!(render(&s, 140, 40).contains("Snapshot first: ON"));
    ch(&mut s, 's');
    assert!(render(&s, 140, 40).contains("Snapshot first: off"));
    let effects = ch(&mut s, 'y');
    assert!(
        matches!(only_action(&effects), ActionEffect::Cleanup { plans, .. } if !plans[0].snapshot_first),
        "{effects:?}"
    );
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
        matches!(only_action(&effects), ActionEffect::PlanCleanup { selection, .. } if selection.images == expected && selection.volumes.is_empty()),
        "{effects:?}"
    );
}

// ---- Ctrl-C while it runs ---------------------------------------------------------

fn ctrl_c(s: &mut AppState) -> Vec<Effect> {
    update(
        s,
        Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    )
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
    assert_has(&text, "interrupted");
    // The results still land in the dialog.
    deliver(
        &mut s,
        dialog(
            g,
            DialogAnswer::CleanupItem(ItemResult {
                id: id.clone(),
                kind: ResourceKind::Volume,
                status: ItemStatus::Skipped,
                detail: Some(ecsnap::ops::interrupt::NOT_STARTED.into()),
                snapshot_id: None,
            }),
        ),
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
        Event::Msg(dialog(g, DialogAnswer::CleanupDone(Ok(Vec::new())))),
    );
    assert!(ctrl_c(&mut s).is_empty());
    assert!(s.quit);
}

// ---- screens ----------------------------------------------------------------------

fn cleanup_confirm() -> AppState {
    let (mut s, ids) = volumes_marked(2);
    ch(&mut s, 'x');
    cleanup_planned(&mut s, vec![volume_plan(&ids)]);
    s
}

#[test]
fn cleanup_confirm_screen() {
    let s = fixed(cleanup_confirm());
    insta::assert_snapshot!("cleanup_confirm_120x40", render(&s, 120, 40));
    insta::assert_snapshot!("cleanup_confirm_80x24", render(&s, 80, 24));
}

#[test]
fn cleanup_report_screen() {
    let mut s = cleanup_confirm();
    ch(&mut s, '2');
    key(&mut s, KeyCode::Enter);
    let g = generation(&s);
    let ids: Vec<String> = s
        .modal
        .as_ref()
        .and_then(|m| match &m.kind {
            ModalKind::Cleanup(c) => Some(c.items().map(|i| i.id.clone()).collect()),
            _ => None,
        })
        .unwrap_or_default();
    let results = vec![
        ItemResult {
            id: ids[0].clone(),
            kind: ResourceKind::Volume,
            status: ItemStatus::Done,
            detail: None,
            snapshot_id: None,
        },
        ItemResult {
            id: ids[1].clone(),
            kind: ResourceKind::Volume,
            status: ItemStatus::Failed,
            detail: Some("ec2:DeleteVolume was denied".into()),
            snapshot_id: None,
        },
    ];
    deliver(&mut s, dialog(g, DialogAnswer::CleanupDone(Ok(results))));
    let text = render(&s, 120, 40);
    assert_has(&text, "Result: 1 done, 0 skipped, 1 failed");
    let s = fixed(s);
    insta::assert_snapshot!("cleanup_report_120x40", render(&s, 120, 40));
    insta::assert_snapshot!("cleanup_report_80x24", render(&s, 80, 24));
}

/// Where `id` first appears in the dialog's lines of `text` (after its title).
fn row_of(text: &str, id: &str) -> usize {
    text.lines()
        .position(|l| l.contains(id) && !l.contains("Orphans ("))
        .unwrap_or(usize::MAX)
}

#[test]
fn the_dialog_names_the_selected_row_and_lists_rows_in_table_order() {
    // Nothing marked: the dialog says it acts on the selected row, singular.
    let (mut s, id) = x_on_the_selected_row();
    cleanup_planned(&mut s, vec![volume_plan(&[&id])]);
    let text = render(&s, 120, 40);
    assert_has(&text, "Clean up 1 orphan (the selected row)");
    assert_lacks(&text, "marked orphans");
    insta::assert_snapshot!("cleanup_selected_row_80x24", render(&s, 80, 24));
    // Three marked, the plans per kind (volumes by id, then the snapshot): the dialog
    // lists them as the table does.
    let table = orphan_ids(&s);
    let chosen = [table[0].clone(), table[3].clone(), table[4].clone()];
    assert!(chosen[1].starts_with("snap-"), "{table:?}");
    let mut s = cleanup_of(&chosen.iter().map(String::as_str).collect::<Vec<_>>());
    ch(&mut s, 'x');
    let mut volumes = vec![chosen[0].as_str(), chosen[2].as_str()];
    volumes.sort_unstable();
    volumes.reverse();
    let mut snapshots = volume_plan(&[chosen[1].as_str()]);
    snapshots.target = ResourceKind::Snapshot;
    snapshots.items[0].kind = ResourceKind::Snapshot;
    snapshots.skipped.clear();
    cleanup_planned(&mut s, vec![volume_plan(&volumes), snapshots]);
    for (w, h) in [(120, 40), (80, 24)] {
        let text = render(&s, w, h);
        assert_has(&text, "Clean up 3 marked orphans");
        let rows: Vec<usize> = chosen.iter().map(|id| row_of(&text, id)).collect();
        assert!(
            rows[0] < rows[1] && rows[1] < rows[2],
            "table order {chosen:?}:\n{text}"
        );
        insta::assert_snapshot!(format!("cleanup_table_order_{w}x{h}"), text);
    }
}

#[test]
fn the_plan_lists_its_rows_in_the_tables_order() {
    let base = loaded_state();
    // The table's order (its sort: $/month, costliest first), the first three volumes.
    let shown: Vec<String> = base
        .orphans
        .list
        .visible_rows()
        .filter(|r| r.kind() == "volume")
        .take(3)
        .map(|r| r.id().to_string())
        .collect();
    assert_eq!(shown.len(), 3);
    let refs: Vec<&str> = shown.iter().map(String::as_str).collect();
    let mut s = cleanup_of(&refs);
    ch(&mut s, 'x');
    // The plan arrives in another order (reversed).
    let reversed: Vec<&str> = refs.iter().rev().copied().collect();
    cleanup_planned(&mut s, vec![volume_plan(&reversed)]);
    let screen = render(&s, 120, 40);
    // The dialog's rows only (the table behind it lists the ids too).
    let start = screen.find("Plan: delete 3").expect("the plan");
    let text = &screen[start..];
    let at = |id: &str| {
        text.find(id)
            .unwrap_or_else(|| panic!("{id} not shown:\n{screen}"))
    };
    let positions: Vec<usize> = refs.iter().map(|id| at(id)).collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "rows in the table's order {refs:?}:\n{screen}"
    );
}

// ---- archive instead of delete (A) ---------------------------------------------------

fn first_orphan_snapshot(s: &AppState) -> String {
    s.orphans
        .list
        .rows
        .iter()
        .find(|r| r.kind() == "snapshot")
        .map(|r| r.id().to_string())
        .expect("an orphaned snapshot row")
}

fn archive_plan(id: &str) -> CleanupPlan {
    let mut snapshot = item(id, 200.0);
    snapshot.kind = ResourceKind::Snapshot;
    snapshot.monthly_cost_usd = 10.0;
    snapshot.recycle_bin = None;
    CleanupPlan {
        archive: true,
        target: ResourceKind::Snapshot,
        items: vec![snapshot],
        skipped: vec![Skipped::new(
            "snap-0cold",
            ResourceKind::Snapshot,
            50.0,
            "already archived",
        )],
        min_age_days: None,
        snapshot_first: false,
        keep_newest: 3,
        preflight_done: true,
        notes: vec![ecsnap::analysis::cost::archive_plan_note(200)],
    }
}

#[test]
fn capital_a_plans_archiving_the_marked_snapshots_and_confirms_with_both_costs() {
    let snap = first_orphan_snapshot(&loaded_state());
    let volume = first_orphan_volumes(&loaded_state(), 1);
    let mut s = cleanup_of(&[snap.as_str(), volume[0].as_str()]);
    let effects = ch(&mut s, 'A');
    let ActionEffect::PlanCleanup { selection, .. } = only_action(&effects) else {
        panic!("{effects:?}");
    };
    assert!(selection.archive, "{selection:?}");
    assert_eq!(
        selection
            .snapshots
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        [snap.as_str()]
    );
    assert!(
        selection.volumes.is_empty(),
        "volumes are never archived: {selection:?}"
    );
    cleanup_planned(&mut s, vec![archive_plan(&snap)]);
    let screen = render(&s, 120, 40);
    assert_has_all(
        &screen,
        &[
            "Plan: archive 1 instead of deleting (200.0 GiB): up to $10.00/month standard now, \
         $2.50/month archived",
            "→ $2.50/mo",
            "already archived",
        ],
    );
    assert_lacks(&screen, "no Recycle Bin rule");
    // Snapshot first is for volumes being deleted: an archive plan does not offer it.
    assert_lacks(&screen, "snapshot first");
    let s = fixed(s);
    insta::assert_snapshot!("cleanup_archive_confirm_120x40", render(&s, 120, 40));
    let mut s = s;
    let sent = ch(&mut s, 'y');
    let ActionEffect::Cleanup { plans, .. } = only_action(&sent) else {
        panic!("{sent:?}");
    };
    assert!(plans.iter().all(|p| p.archive), "{plans:?}");
}

/// The footer's last line (the dialog's keys).
fn footer(screen: &str) -> &str {
    screen.trim_end().lines().last().unwrap_or_default()
}

/// The archive dialog's footer lists only keys that act there: snapshot first (`s`/Tab,
/// the cleanup dialog's toggle for volumes) acts in no archive dialog — not while it plans,
/// not at a y/n confirmation, not while the name is typed in production.
#[test]
fn the_archive_dialog_footer_offers_only_keys_that_act_there() {
    let snap = first_orphan_snapshot(&loaded_state());
    let mut s = cleanup_of(&[snap.as_str()]);
    s.settings.production = true;
    ch(&mut s, 'A');
    let planning = render(&s, 120, 40);
    assert_has(footer(&planning), "n/Esc close");
    assert_lacks(footer(&planning), "snapshot first");
    reply(
        &mut s,
        DialogAnswer::Planned(Ok(Planned::Cleanup(vec![archive_plan(&snap)]))),
    );
    let s = fixed(s);
    let screen = render(&s, 120, 40);
    assert_has(&screen, "PRODUCTION — a typed confirmation is asked");
    assert_eq!(
        footer(&screen).trim(),
        "Enter confirm  Esc cancel  Backspace delete  ? help"
    );
    assert_lacks(&render(&s, 80, 24), "Tab");
    assert_screens!("cleanup_archive_typed", screen, s);
    // Tab there does nothing but say so.
    let mut s = s;
    assert!(key(&mut s, KeyCode::Tab).is_empty());
    assert!(!render(&s, 120, 40).contains("Snapshot first: ON"));
}

#[test]
fn capital_a_on_volumes_only_says_only_snapshots_can_be_archived() {
    let volume = first_orphan_volumes(&loaded_state(), 1);
    let mut s = cleanup_of(&[volume[0].as_str()]);
    assert!(ch(&mut s, 'A').is_empty());
    assert!(s.modal.is_none());
    assert_eq!(
        s.message.as_deref(),
        Some("only snapshots can be archived: mark snapshots to archive")
    );
}
