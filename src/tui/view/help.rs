//! The `?` overlay: every key of the current pane, from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::tui::app::{AppState, PaneId};
use crate::tui::keymap::{Scope, bindings_for, modal_bindings};
use crate::tui::theme::Theme;

/// The help text for a pane: its own keys first, then the ones that work everywhere.
pub fn help_lines(pane: PaneId, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        format!("Keys in {}", pane.title()),
        theme.heading(),
    )];
    let row = |label: &str, desc: &str| {
        Line::from(vec![
            Span::styled(format!("  {label:<10}"), theme.key()),
            Span::raw(desc.to_string()),
        ])
    };
    for b in bindings_for(pane).filter(|b| b.scope != Scope::Global) {
        lines.push(row(b.label, b.desc));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Everywhere", theme.heading()));
    for b in bindings_for(pane).filter(|b| b.scope == Scope::Global) {
        lines.push(row(b.label, b.desc));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "In a dialog (it takes every key; Ctrl-C still quits)",
        theme.heading(),
    ));
    for b in modal_bindings() {
        lines.push(row(b.label, b.desc));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("? or Esc closes this help", theme.dim()));
    lines
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    let lines = help_lines(state.pane, theme);
    let height = (lines.len() as u16 + 2).min(area.height);
    let width = area.width.saturating_sub(4).min(100);
    let popup = super::popup(frame, area, width, height);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(Block::bordered().title(" Help ")),
        popup,
    );
}
