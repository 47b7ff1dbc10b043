//! The wait view after a stable EBS-snapshot rollout: the new volumes' initialization
//! (DescribeVolumeStatus, followed by the runner) under the verdict, one look at a time —
//! 10 % → 60 % → initialized —, first saying plainly when no initialization rate was set.
//! Screens at 120×40 and 80×24 (insta).

use crate::actions::{progress, stable_outcome, wait_view};
use crate::asserts::{assert_has, assert_has_all, assert_lacks};
use crate::fixtures::{render, reply};
use ecsnap::analysis::hydration::NO_RATE_LINE;
use ecsnap::ops::wait::Verdict;
use ecsnap::tui::state::msg::DialogAnswer;

fn look(lines: &[&str], ended: bool) -> DialogAnswer {
    DialogAnswer::Hydration {
        lines: lines.iter().map(|l| (*l).to_string()).collect(),
        ended,
    }
}

/// A look while vol-0new still hydrates lazily, `percent` done, no initialization rate set.
fn lazy_look(percent: u8) -> DialogAnswer {
    let line = format!(
        "vol-0new: hydrating lazily from S3 (no initialization rate set): {percent}% — first \
         reads are slow"
    );
    look(&[NO_RATE_LINE, &line], false)
}

#[test]
fn the_wait_view_follows_the_new_volumes_initialization_after_a_stable_rollout() {
    let mut s = wait_view();
    reply(
        &mut s,
        DialogAnswer::WaitProgress(progress(1, Verdict::Stable)),
    );
    reply(&mut s, DialogAnswer::WaitDone(Ok(stable_outcome())));
    assert_lacks(&render(&s, 120, 40), "Volume initialization");
    reply(&mut s, lazy_look(10));
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "✓ stable",
            "Volume initialization (following):",
            "no initialization rate: blocks load from S3 on first read",
            "10% — first reads are slow",
        ],
    );
    reply(&mut s, lazy_look(60));
    let text = render(&s, 120, 40);
    assert_has(&text, "60% — first reads are slow");
    assert_lacks(&text, "10% —");
    assert_screens!("wait_view_hydration", text, s);
    reply(&mut s, look(&[NO_RATE_LINE, "vol-0new: initialized"], true));
    let text = render(&s, 120, 40);
    assert_has_all(&text, &["Volume initialization:", "vol-0new: initialized"]);
    assert_lacks(&text, "(following)");
}

/// Closing the wait view while it still follows the new volumes' initialization stops
/// that following (the action's task is cancelled), so nothing polls DescribeVolumeStatus
/// for the hour after; once it ended, closing cancels nothing.
#[test]
fn closing_the_wait_view_stops_following_the_initialization() {
    use crossterm::event::KeyCode;
    use ecsnap::tui::run::effect::Effect;
    use ecsnap::tui::state::msg::Event;
    use ecsnap::tui::update::app::update;
    let esc = || Event::Key(crossterm::event::KeyEvent::from(KeyCode::Esc));
    let mut s = wait_view();
    reply(&mut s, DialogAnswer::WaitDone(Ok(stable_outcome())));
    reply(
        &mut s,
        look(&["vol-0new: initializing at 300 MiB/s: 40%"], false),
    );
    let effects = update(&mut s, esc());
    assert!(s.modal.is_none());
    assert!(effects.contains(&Effect::CancelAction), "{effects:?}");

    let mut s = wait_view();
    reply(&mut s, DialogAnswer::WaitDone(Ok(stable_outcome())));
    reply(&mut s, look(&["vol-0new: initialized"], true));
    let effects = update(&mut s, esc());
    assert!(s.modal.is_none());
    assert!(!effects.contains(&Effect::CancelAction), "{effects:?}");
}
