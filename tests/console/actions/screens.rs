//! Insta screens of the dialogs at 120×40 and 80×24, from fixtures at a fixed time.

use super::*;
use crate::asserts::{assert_has, assert_lacks};
use crate::fixtures::reply;

#[test]
fn wait_view_screen() {
    let (s, g) = rolling();
    // The failure arrives 1m30s in; the elapsed time stops there.
    let mut s = fixed(s);
    fail_rollout(&mut s, g);
    insta::assert_snapshot!("wait_view_120x40", render(&s, 120, 40));
    insta::assert_snapshot!("wait_view_80x24", render(&s, 80, 24));
    s.now += chrono::Duration::minutes(5);
    let later = render(&s, 120, 40);
    assert_has(&later, "1m30s elapsed · poll 2 · ✗ FAILED");
}

/// A rollout that reached steady state: the clock stops, Esc closes (nothing left to
/// stop watching), and the footer offers only that.
#[test]
fn a_stable_wait_view_stops_its_clock_and_only_closes() {
    let mut s = fixed(wait_view());
    reply(
        &mut s,
        DialogAnswer::WaitProgress(progress(3, Verdict::Stable)),
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
    assert_has(&later, "Esc closes");
    assert_lacks(&later, "Esc stops watching");
    let footer = later.lines().last().unwrap_or_default();
    assert_eq!(footer.trim(), "n/Esc close  ? help", "{later}");
}
