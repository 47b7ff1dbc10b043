//! Services pane: steadiness first, not-steady services on top by default.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Cell};

use super::table::{ListTable, load_area, title};
use crate::analysis::age::short_age;
use crate::tui::app::AppState;
use crate::tui::theme::Theme;

const HEADER: [&str; 7] = [
    "STATE",
    "CLUSTER",
    "SERVICE",
    "RUN/DES(PEND)",
    "ROLLOUT",
    "TASK DEF",
    "DEPLOYED",
];

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    let pane = &state.services;
    let mut name = "Services".to_string();
    if let Some(c) = &pane.cluster_scope {
        name = format!("Services in {c}");
    }
    let block = Block::bordered().title(title(&name, &pane.list, &pane.loader, state, theme));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(rest) = load_area(
        frame,
        inner,
        &pane.loader,
        !pane.list.rows.is_empty(),
        ("services", "no services in this account and region"),
        state,
        theme,
    ) else {
        return;
    };
    let widths = [
        Constraint::Length(10),
        Constraint::Fill(2),
        Constraint::Fill(2),
        Constraint::Length(13),
        Constraint::Length(11),
        Constraint::Fill(2),
        Constraint::Length(8),
    ];
    let now = state.now;
    ListTable {
        list: &pane.list,
        header: &HEADER,
        widths: &widths,
        block: Block::default(),
        focused: true,
    }
    .render(frame, rest, theme, |r| {
        let s = &r.service;
        vec![
            Cell::from(Span::styled(
                r.steadiness.label(),
                theme.steadiness(r.steadiness),
            )),
            Cell::from(s.cluster.clone()),
            Cell::from(s.name.clone()),
            Cell::from(format!(
                "{}/{} ({})",
                s.running_count, s.desired_count, s.pending_count
            )),
            Cell::from(r.rollout().to_string()),
            Cell::from(r.task_def().to_string()),
            Cell::from(short_age(r.deployed_at(), now)),
        ]
    });
}
