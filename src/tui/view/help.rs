//! The `?` overlay: every key of the current pane, of a dialog, of the filter and jump
//! inputs and of the overlay itself, from the keymap.

use crate::tui::state::pane_id::PaneId;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::tui::keymap::{Binding, Scope, bindings_for, bindings_in};
use crate::tui::state::app::AppState;
use crate::tui::theme::Theme;

/// The help text for a pane: its own keys first, then the ones that work everywhere.
pub fn help_lines(pane: PaneId, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        format!("Keys in {}", pane.title()),
        theme.heading(),
    )];
    let row = |b: &Binding| {
        Line::from(vec![
            Span::styled(format!("  {:<10}", b.label()), theme.key()),
            Span::raw(b.desc.to_string()),
        ])
    };
    lines.extend(
        bindings_for(pane)
            .filter(|b| b.scope != Scope::Global)
            .map(row),
    );
    let mut section = |heading: &str, bindings: &mut dyn Iterator<Item = &'static Binding>| {
        lines.push(Line::raw(""));
        lines.push(Line::styled(heading.to_string(), theme.heading()));
        lines.extend(bindings.map(row));
    };
    section(
        "Everywhere",
        &mut bindings_for(pane).filter(|b| b.scope == Scope::Global),
    );
    section(
        "In a dialog (it takes every key; Ctrl-C still quits)",
        &mut bindings_in(Scope::Modal),
    );
    if Scope::Lists.applies(pane) {
        section(
            "While filtering (other keys type into the filter)",
            &mut bindings_in(Scope::Filter),
        );
    }
    section(
        "While jumping (other keys type the name)",
        &mut bindings_in(Scope::Jump),
    );
    section(
        "In the Logs view (l on a task; it takes every key)",
        &mut bindings_in(Scope::Logs),
    );
    section(
        "While searching logs (other keys type the search)",
        &mut bindings_in(Scope::LogsSearch),
    );
    section("In this help", &mut bindings_in(Scope::Help));
    lines
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    let lines = help_lines(state.pane, theme);
    let height = (lines.len() as u16 + 2).min(area.height);
    let width = area.width.saturating_sub(4).min(100);
    let popup = crate::tui::view::widgets::popup(frame, area, width, height);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(Block::bordered().title(" Help ")),
        popup,
    );
}
