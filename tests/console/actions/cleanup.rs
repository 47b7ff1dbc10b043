//! Cleanup from Orphans (and image cleanup from Snapshots) through `update`: marks, the
//! plan, typed counts, results.

use super::*;

#[test]
fn x_plans_only_the_marked_rows_and_bulk_needs_the_count_typed() {
    let base = loaded_state();
    let ids = first_orphan_volumes(&base, 2);
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut s = cleanup_of(&refs);
    let effects = ch(&mut s, 'x');
    let [Effect::PlanCleanup { selection, .. }] = &effects[..] else {
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
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Planned {
            generation: g,
            result: Ok(Planned::Cleanup(vec![volume_plan(&refs)])),
        },
    );
    assert!(ch(&mut s, 'y').is_empty(), "bulk: y is not enough");
    ch(&mut s, '3');
    assert!(key(&mut s, KeyCode::Enter).is_empty(), "3 is not the count");
    assert!(render(&s, 120, 40).contains("does not match"));
    key(&mut s, KeyCode::Backspace);
    key(&mut s, KeyCode::Backspace);
    ch(&mut s, '2');
    let effects = key(&mut s, KeyCode::Enter);
    assert!(
        matches!(&effects[..], [Effect::Cleanup { plans, .. }] if plans[0].items.len() == 2),
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
    let mut s = cleanup_of(&[]);
    let id = s.orphans.list.selected_key().expect("a selected orphan");
    ch(&mut s, 'x');
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Planned {
            generation: g,
            result: Ok(Planned::Cleanup(vec![volume_plan(&[&id])])),
        },
    );
    assert!(matches!(ch(&mut s, 'y')[..], [Effect::Cleanup { .. }]));
    let done = ItemResult {
        id: id.clone(),
        kind: ResourceKind::Volume,
        status: ItemStatus::Done,
        detail: None,
        snapshot_id: None,
    };
    deliver(
        &mut s,
        Msg::CleanupItem {
            generation: g,
            result: done.clone(),
        },
    );
    let effects = update(
        &mut s,
        Event::Msg(Msg::CleanupDone {
            generation: g,
            result: Ok(vec![done]),
        }),
    );
    assert!(
        matches!(effects[..], [Effect::LoadOrphans { .. }]),
        "{effects:?}"
    );
    let text = render(&s, 120, 40);
    assert!(text.contains(&format!("done    volume   {id}")), "{text}");
    assert!(
        text.contains("Result: 1 done, 0 skipped, 0 failed"),
        "{text}"
    );
    assert!(
        text.contains("vol-keep (volume): protected by tag ecsnap:keep"),
        "{text}"
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
    let base = loaded_state();
    let ids = first_orphan_volumes(&base, 2);
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut s = cleanup_of(&refs);
    s.settings.production = true;
    s.settings.read_only = true;
    ch(&mut s, 'x');
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Planned {
            generation: g,
            result: Ok(Planned::Cleanup(vec![volume_plan(&refs)])),
        },
    );
    let text = render(&s, 120, 40);
    assert!(
        text.contains("PRODUCTION — a typed confirmation is asked"),
        "{text}"
    );
    assert!(text.contains("Type 2 and press Enter"), "{text}");
    ch(&mut s, '2');
    assert!(
        key(&mut s, KeyCode::Enter).is_empty(),
        "read-only: nothing is sent"
    );
    let text = render(&s, 120, 40);
    assert!(
        text.contains("READ-ONLY — refused, nothing was sent"),
        "{text}"
    );
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
    let mut s = cleanup_of(&[]);
    let id = s.orphans.list.selected_key().expect("a selected orphan");
    ch(&mut s, 'x');
    let g = generation(&s);
    key(&mut s, KeyCode::Esc);
    let effects = update(
        &mut s,
        Event::Msg(Msg::Planned {
            generation: g,
            result: Ok(Planned::Cleanup(vec![volume_plan(&[&id])])),
        }),
    );
    assert!(effects.is_empty() && s.modal.is_none());
}

#[test]
fn s_toggles_snapshot_first_with_its_cost_and_the_plan_sent_carries_it() {
    let base = loaded_state();
    let ids = first_orphan_volumes(&base, 2);
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut s = cleanup_of(&refs);
    ch(&mut s, 'x');
    let g = generation(&s);
    let plan = volume_plan(&refs);
    let gib: f64 = plan.items.iter().map(|i| i.size_gib).sum();
    let extra = format!("+${:.2}/month", gib * s.settings.prices.snapshot);
    deliver(
        &mut s,
        Msg::Planned {
            generation: g,
            result: Ok(Planned::Cleanup(vec![plan])),
        },
    );
    let text = render(&s, 140, 40);
    assert!(text.contains("Snapshot first: off"), "{text}");
    assert!(text.contains(&extra), "{extra}: {text}");
    // Bulk: the count is typed, so `s` is a character there; Tab toggles.
    ch(&mut s, 's');
    assert!(render(&s, 140, 40).contains("Snapshot first: off"));
    key(&mut s, KeyCode::Backspace);
    assert!(key(&mut s, KeyCode::Tab).is_empty());
    let text = render(&s, 140, 40);
    assert!(text.contains("Snapshot first: ON"), "{text}");
    assert!(text.contains(&extra), "{text}");
    ch(&mut s, '2');
    let effects = key(&mut s, KeyCode::Enter);
    assert!(
        matches!(&effects[..], [Effect::Cleanup { plans, .. }] if plans[0].snapshot_first),
        "{effects:?}"
    );

    // One volume: y/n, so `s` itself toggles, on and off again.
    let one = &refs[..1];
    let mut s = cleanup_of(one);
    ch(&mut s, 'x');
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Planned {
            generation: g,
            result: Ok(Planned::Cleanup(vec![volume_plan(one)])),
        },
    );
    assert!(ch(&mut s, 's').is_empty());
    assert!(render(&s, 140, 40).contains("Snapshot first: ON"));
    ch(&mut s, 's');
    assert!(render(&s, 140, 40).contains("Snapshot first: off"));
    let effects = ch(&mut s, 'y');
    assert!(
        matches!(&effects[..], [Effect::Cleanup { plans, .. }] if !plans[0].snapshot_first),
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
        matches!(&effects[..], [Effect::PlanCleanup { selection, .. }] if selection.images == expected && selection.volumes.is_empty()),
        "{effects:?}"
    );
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
    let g = generation(&s);
    // The plan arrives in another order (reversed).
    let reversed: Vec<&str> = refs.iter().rev().copied().collect();
    deliver(
        &mut s,
        Msg::Planned {
            generation: g,
            result: Ok(Planned::Cleanup(vec![volume_plan(&reversed)])),
        },
    );
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
