//! Credentials that expire mid-incident: the panes keep their last data, marked stale with
//! its age, a banner says what to run (the profile's own advice), and `r` after logging in
//! elsewhere loads again and clears it — no restart.

use crate::actions::reloads_services;
use crate::asserts::{assert_has_all, assert_lacks};
use crate::fixtures::{key, listed, loaded_state, render, services};
use crossterm::event::KeyCode;
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::msg::Listing;

const EXPIRED: &str = "ecs:ListClusters in us-east-1: no usable AWS credentials: the \
    credentials of profile `oncall` come from the SSO session `corp`: its token expired at \
    2026-12-06 11:50 UTC (10m ago). Run `aws sso login --profile oncall`, then retry (r in \
    the console)";

/// `r` asks for the Services pane again.
fn assert_r_reloads_services(s: &mut AppState) {
    let effects = key(s, KeyCode::Char('r'));
    assert!(reloads_services(&effects), "{effects:?}");
}

#[test]
fn expired_credentials_show_a_banner_keep_stale_rows_and_r_recovers() {
    let mut s = loaded_state();
    let rows = s.services.list.rows.len();
    assert!(rows > 0);
    // Twelve minutes later the token has expired: the next refresh fails.
    s.now += chrono::Duration::minutes(12);
    assert_r_reloads_services(&mut s);
    listed(&mut s, Listing::Services(Err(EXPIRED.into())));
    assert_eq!(s.services.list.rows.len(), rows, "the last rows are kept");
    let screen = render(&s, 120, 40);
    assert_has_all(
        &screen,
        &[
            "⚠ credentials:",
            "aws sso login --profile oncall",
            "panes show data from 12m ago (stale)",
            "r retries once you have logged in",
            "✗ load failed · stale, from 12m ago",
            "crawler",
        ],
    );
    insta::assert_snapshot!("credentials_expired_120x40", screen);
    // Logged in in another terminal: r loads again, and the answer clears the banner.
    assert_r_reloads_services(&mut s);
    listed(&mut s, Listing::Services(Ok(services())));
    let screen = render(&s, 120, 40);
    assert_lacks(&screen, "⚠ credentials:");
    assert_lacks(&screen, "stale");
    assert!(s.credentials_failure().is_none());
}

#[test]
fn other_failures_raise_no_credentials_banner() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('r'));
    listed(
        &mut s,
        Listing::Services(Err(
            "ecs:ListClusters: cannot reach AWS in us-east-1 (connection refused)".into(),
        )),
    );
    assert!(s.credentials_failure().is_none());
    assert_lacks(&render(&s, 120, 40), "⚠ credentials:");
}
