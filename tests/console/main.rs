//! The console's tests, one binary: the console driven through `update` with the fixtures
//! of `tests/common/console_fixtures.rs` (a demo-fleet-like state at a fixed time; also
//! used by `benches/tui.rs`), its screens drawn on ratatui's test backend and compared with
//! insta (`snapshots/`, `actions/snapshots/`). No AWS, no terminal, no emulator.
//!
//! One module per feature: `navigation` (keys, panes, filter, sort, jump, refresh),
//! `screens` (each pane, help, footer), `actions` (the wait view, services arriving in
//! parts; with `actions::{redeploy, restore, screens}`), `rollback` (the picker and its
//! targets), `cleanup` (the dialog, Ctrl-C while it runs), `hands_on`, `recover`,
//! `lifecycle`, `logs`, `deployments` (the Deployments pane, ECS's own rollback and continue),
//! `confirm_lines` (each dialog's confirm line names its target),
//! `help` (`?` in every view, scrolled to its end; text fields), `places` (a console over
//! several places), `hostile` (what AWS sends, escaped) and `keys` (docs/console.md's key
//! table against the keymap).

/// The screen at both sizes as insta snapshots: `NAME_120x40` of `text` (already drawn at
/// 120×40) and `NAME_80x24` of `state` drawn at 80×24 (`render` in the caller's scope). A
/// macro, not a fn: insta names a snapshot's file after the module that asserts it.
macro_rules! assert_screens {
    ($name:literal, $text:expr, $state:ident) => {
        insta::assert_snapshot!(concat!($name, "_120x40"), $text);
        insta::assert_snapshot!(concat!($name, "_80x24"), render(&$state, 80, 24));
    };
}

#[path = "../support/asserts.rs"]
mod asserts;
#[path = "../common/console_fixtures.rs"]
mod fixtures;

mod actions;
mod archived_images;
mod cleanup;
mod confirm_lines;
mod credentials;
mod deployments;
mod dialog_footers;
mod events;
mod hands_on;
mod health;
mod help;
mod hostile;
mod hydration;
mod keys;
mod lifecycle;
mod logs;
mod metrics;
mod navigation;
mod open_copy;
mod places;
mod recover;
mod rollback;
mod screens;
mod service_revisions;
mod storage;
mod task_metrics;
mod themes;
mod wait_deployment;
mod why;
