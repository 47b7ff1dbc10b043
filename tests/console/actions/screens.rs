//! Insta screens of the dialogs at 120×40 and 80×24, from fixtures at a fixed time.

use super::*;

fn fixed(mut s: AppState) -> AppState {
    s.now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 23, 12, 1, 30)
        .single()
        .unwrap_or_default();
    s
}

#[test]
fn rollback_picker_screen() {
    let s = fixed(picker_open());
    insta::assert_snapshot!("rollback_picker_120x40", render(&s, 120, 40));
    insta::assert_snapshot!("rollback_picker_80x24", render(&s, 80, 24));
}

#[test]
fn wait_view_screen() {
    let mut s = wait_view();
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::WaitProgress {
            generation: g,
            progress: progress(1, Verdict::InProgress),
        },
    );
    // The failure arrives 1m30s in; the elapsed time stops there.
    let mut s = fixed(s);
    let failed = Verdict::Failed("deployment ecs-svc/new1 FAILED: tasks failed to start".into());
    deliver(
        &mut s,
        Msg::WaitProgress {
            generation: g,
            progress: progress(2, failed),
        },
    );
    insta::assert_snapshot!("wait_view_120x40", render(&s, 120, 40));
    insta::assert_snapshot!("wait_view_80x24", render(&s, 80, 24));
    s.now += chrono::Duration::minutes(5);
    let later = render(&s, 120, 40);
    assert!(
        later.contains("1m30s elapsed · poll 2 · ✗ FAILED"),
        "{later}"
    );
}

/// A rollout that reached steady state: the clock stops, Esc closes (nothing left to
/// stop watching), and the footer offers only that.
#[test]
fn a_stable_wait_view_stops_its_clock_and_only_closes() {
    let mut s = fixed(wait_view());
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::WaitProgress {
            generation: g,
            progress: progress(3, Verdict::Stable),
        },
    );
    let at_end = render(&s, 120, 40);
    s.now += chrono::Duration::minutes(2);
    let later = render(&s, 120, 40);
    let elapsed = |screen: &str| {
        screen
            .lines()
            .find(|l| l.contains(" elapsed · "))
            .and_then(|l| l.split("│ │").nth(1)?.split(" elapsed").next())
            .map(str::to_string)
    };
    assert!(elapsed(&at_end).is_some(), "{at_end}");
    assert_eq!(elapsed(&at_end), elapsed(&later), "{later}");
    assert!(later.contains("Esc closes"), "{later}");
    assert!(!later.contains("Esc stops watching"), "{later}");
    let footer = later.lines().last().unwrap_or_default();
    assert_eq!(footer.trim(), "n/Esc close  ? help", "{later}");
}

fn cleanup_confirm() -> AppState {
    let base = loaded_state();
    let ids = first_orphan_volumes(&base, 2);
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut s = cleanup_of(&refs);
    ch(&mut s, 'x');
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Planned {
            generation: g,
            result: Ok(Planned::Cleanup(vec![volume_plan(&refs)])),
        },
    );
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
    deliver(
        &mut s,
        Msg::CleanupDone {
            generation: g,
            result: Ok(results),
        },
    );
    let text = render(&s, 120, 40);
    assert!(
        text.contains("Result: 1 done, 0 skipped, 1 failed"),
        "{text}"
    );
    let s = fixed(s);
    insta::assert_snapshot!("cleanup_report_120x40", render(&s, 120, 40));
    insta::assert_snapshot!("cleanup_report_80x24", render(&s, 80, 24));
}
