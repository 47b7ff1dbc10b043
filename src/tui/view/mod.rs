//! Drawing: `draw` takes the state and paints a frame; nothing here changes state (the
//! scroll offsets that ratatui adjusts are written back through `Cell`s).
//!
//! ```text
//! ┌ header: ecsnap · profile · region · account · badges · last refresh · loads ┐
//! │ tabs:   1 Services  2 Tasks  3 Snapshots  4 Orphans                          │
//! │ body:   the pane (its title carries counts, load state, filter, sort)       │
//! │ status: filter / jump input, or a message                                   │
//! └ footer: the keys that work now (pane, filter, jump, help), from the keymap    ┘
//! ```

mod cleanup;
mod deployment_action;
mod deployments;
mod detail;
mod events;
mod exec;
mod footer;
mod hands_on;
mod header;
mod health;
mod help;
mod lifecycle;
mod logs;
mod metrics;
mod modal;
mod orphans;
mod recover;
mod redeploy;
mod restore;
mod rollback;
mod services;
mod snapshots;
mod storage;
mod table;
mod task_metrics;
mod tasks;
mod volumes;
mod wait;
mod widgets;

use crate::tui::state::pane_id::PaneId;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::model::escape::needs_escape;
use crate::tui::state::app::{AppState, fits};
pub use crate::tui::state::app::{MIN_HEIGHT, MIN_WIDTH};
use crate::tui::theme::Theme;

pub use footer::{footer_line, scope_footer};
pub use help::{
    HelpFor, help_lines, lines_for as help_lines_for, sections as help_sections, text_field_offers,
};
pub use modal::modal_footer;

pub fn draw(frame: &mut Frame<'_>, state: &AppState) {
    let area = frame.area();
    let theme = Theme::new(state.color, &state.settings.theme);
    if !fits(area.width, area.height) {
        let text = vec![
            Line::styled("terminal too small", theme.bad()),
            Line::raw(format!(
                "{}×{} — ecsnap needs at least {MIN_WIDTH}×{MIN_HEIGHT}.",
                area.width, area.height
            )),
            Line::raw("Enlarge the window, or press q to quit. No other key works until then."),
        ];
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    }
    // A message longer than the width (a console URL from `b`, the demo's story) takes up
    // to four status lines, each indented as the first, so all of it can be read and
    // selected; the credentials banner wraps as it comes.
    let message = footer::message_rows(state, theme, area.width);
    let status_line = footer::status_line(state, theme);
    let banner = state.message.is_none() && state.credentials_failure().is_some();
    let status_rows = match &message {
        Some(rows) => u16::try_from(rows.len()).unwrap_or(u16::MAX).clamp(1, 4),
        None if banner && area.width > 0 => {
            u16::try_from(status_line.width().div_ceil(usize::from(area.width)))
                .unwrap_or(u16::MAX)
                .clamp(1, 4)
        }
        None => 1,
    };
    let [head, tabs, body, status, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(status_rows),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(header::header_line(state, head.width, theme), head);
    frame.render_widget(tabs_line(state, theme), tabs);
    match state.pane {
        PaneId::Services => services::draw(frame, body, state, theme),
        PaneId::Tasks => tasks::draw(frame, body, state, theme),
        PaneId::Detail => detail::draw(frame, body, state, theme),
        PaneId::Deployments => deployments::draw(frame, body, state, theme),
        PaneId::Snapshots => snapshots::draw(frame, body, state, theme),
        PaneId::Orphans => orphans::draw(frame, body, state, theme),
        PaneId::Events => events::draw(frame, body, state, theme),
    }
    if let Some(rows) = message {
        frame.render_widget(Paragraph::new(rows), status);
    } else if status_rows > 1 {
        frame.render_widget(
            Paragraph::new(status_line).wrap(Wrap { trim: false }),
            status,
        );
    } else {
        frame.render_widget(status_line, status);
    }
    if let Some(view) = &state.logs {
        logs::draw_over(frame, body, status, state, view, theme);
    }
    let help_open = state.mode == crate::tui::state::app::Mode::Help;
    if let Some(m) = &state.modal {
        if !help_open {
            frame.render_widget(modal_footer(m, foot.width, theme), foot);
        }
        modal::draw(frame, body, state, m, theme);
    }
    if state.modal.is_none() || help_open {
        frame.render_widget(footer::footer_for(state, foot.width, theme), foot);
    }
    // The help goes over whatever is open: a pane, the Logs view, a dialog.
    if help_open {
        help::draw(frame, body, state, theme);
    }
    inert_cells(frame.buffer_mut());
}

/// The console's last guard: ratatui drops control characters but writes zero-width ones
/// (the bidi overrides and isolates) along with the cell before them. What AWS sent is
/// escaped where it is drawn (`model::escape`); any character that rule names still in a
/// cell is dropped here, so none reaches the terminal.
pub fn inert_cells(buffer: &mut ratatui::buffer::Buffer) {
    for cell in &mut buffer.content {
        if cell.symbol().chars().any(needs_escape) {
            let kept: String = cell
                .symbol()
                .chars()
                .filter(|c| !needs_escape(*c))
                .collect();
            cell.set_symbol(if kept.is_empty() { " " } else { &kept });
        }
    }
}

fn tabs_line(state: &AppState, theme: Theme) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (i, pane) in PaneId::TABS.iter().enumerate() {
        let mut label = format!(" {} {} ", i + 1, pane.title());
        if *pane == PaneId::Tasks && state.pane == PaneId::Detail {
            label = format!(" {} Tasks › Detail ", i + 1);
        }
        if *pane == PaneId::Services && state.pane == PaneId::Events {
            label = format!(" {} Services › Events ", i + 1);
        }
        if *pane == PaneId::Tasks && state.pane == PaneId::Deployments {
            label = format!(" {} Tasks › Deployments ", i + 1);
        }
        if pane.tab() == state.pane.tab() {
            spans.push(Span::styled(
                format!("[{}]", label.trim_end()),
                theme.active_tab(),
            ));
        } else {
            spans.push(Span::raw(format!(" {label}")));
        }
        spans.push(Span::raw(" "));
    }
    Line::from(spans)
}

/// A body-wide message in place of a table: loading, empty, or failed.
pub fn placeholder(frame: &mut Frame<'_>, area: Rect, lines: Vec<Line<'static>>) {
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
