//! The console's Detail pane under hostile data (a TestBackend, no AWS): a service event,
//! a stop reason and environment values carrying terminal control sequences and bidi
//! overrides are shown escaped — no control or bidi character reaches a cell — and secret
//! values, by name or inside a URL, are masked while `PATH` stays visible.

use crate::asserts::assert_has_all;
use crate::events::services_with_event;
use crate::fixtures::{
    ago, deliver, ledger_tasks, listing, loaded_state, now, pane, render, td_arn,
};
use ecsnap::model::escape::needs_escape;
use ecsnap::model::{ContainerDef, TaskDefinition};
use ecsnap::tui::state::detail::DetailData;
use ecsnap::tui::state::msg::{Listing, PaneAnswer};
use ecsnap::tui::state::pane_id::PaneId;

const EVENT: &str = "(service ledger) \u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{202e}gnp.exe";
const EVENT_SHOWN: &str = "(service ledger) \\e]52;c;ZXZpbA==\\x07\\e[2J\\u{202e}gnp.exe";

const STOP_REASON: &str = "OutOfMemoryError \u{1b}]0;pwned\u{7}\r\nforged";
const STOP_REASON_SHOWN: &str = "OutOfMemoryError \\e]0;pwned\\x07\\r\\nforged";

#[test]
fn detail_shows_hostile_values_escaped_and_secrets_masked() {
    let mut s = loaded_state();
    let hostile = services_with_event("ledger", "ledger-hostile", EVENT);
    let g = s.services.loader.start(now());
    deliver(&mut s, listing(g, Listing::Services(Ok(hostile))));
    let td = TaskDefinition {
        arn: td_arn("ledger", 2),
        family: "ledger".into(),
        revision: 2,
        status: "ACTIVE".into(),
        registered_at: ago(60),
        containers: vec![ContainerDef {
            name: "app".into(),
            image: "registry.example/ledger:2".into(),
            environment: vec![
                ("GREETING".into(), "hi\u{1b}]0;pwned\u{7}\u{2066}".into()),
                ("PATH".into(), "/usr/local/bin:/usr/bin".into()),
                ("MYSQL_PWD".into(), "mysql-s3cret".into()),
                ("GITHUB_PAT".into(), "ghp_TOKENvalue".into()),
                (
                    "SENTRY_DSN".into(),
                    "https://pubkey@sentry.example/1".into(),
                ),
                (
                    "DATABASE_URL".into(),
                    "postgres://admin:hunter2@db/x".into(),
                ),
            ],
            essential: true,
            ..ContainerDef::default()
        }],
        ..TaskDefinition::default()
    };
    let mut tasks = ledger_tasks().tasks;
    let stopped = tasks
        .iter_mut()
        .find(|t| t.stopped_reason.is_some())
        .expect("a stopped task");
    stopped.stopped_reason = Some(STOP_REASON.into());
    let g = s.detail.loader.start(now());
    deliver(
        &mut s,
        pane(g, PaneAnswer::Detail(Ok(DetailData::new(td, &tasks)))),
    );
    s.pane = PaneId::Detail;

    let text = render(&s, 140, 60);
    assert!(
        !text.chars().any(|c| c != '\n' && needs_escape(c)),
        "a control or bidi character reached a cell:\n{text}"
    );
    assert_has_all(
        &text,
        &[
            EVENT_SHOWN,
            STOP_REASON_SHOWN,
            "GREETING=hi\\e]0;pwned\\x07\\u{2066}",
            "PATH=/usr/local/bin:/usr/bin",
            "DATABASE_URL=postgres://admin:••••@db/x",
        ],
    );
    for name in ["MYSQL_PWD", "GITHUB_PAT", "SENTRY_DSN"] {
        assert!(text.contains(&format!("{name}=••••")), "{name}:\n{text}");
    }
    for secret in ["mysql-s3cret", "ghp_TOKENvalue", "pubkey", "hunter2"] {
        assert!(!text.contains(secret), "{secret} shown:\n{text}");
    }
}

#[test]
fn a_bidi_override_drawn_raw_is_dropped_by_the_last_guard() {
    use ratatui::widgets::Widget as _;
    let area = ratatui::layout::Rect::new(0, 0, 10, 1);
    let mut buffer = ratatui::buffer::Buffer::empty(area);
    ratatui::text::Line::raw("ab\u{202e}cd").render(area, &mut buffer);
    assert!(
        buffer
            .content
            .iter()
            .any(|c| c.symbol().contains('\u{202e}')),
        "ratatui keeps a zero-width override in a cell (the reason for the guard)"
    );
    ecsnap::tui::view::inert_cells(&mut buffer);
    let line: String = buffer
        .content
        .iter()
        .map(ratatui::buffer::Cell::symbol)
        .collect();
    assert!(line.starts_with("abcd"), "{line:?}");
    assert!(!line.chars().any(needs_escape), "{line:?}");
}
