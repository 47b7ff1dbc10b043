//! Small pieces every view draws with: the spinner, the popup area and the "sending" line
//! of the one-change dialogs.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Clear;

use crate::tui::state::app::AppState;
use crate::tui::state::modal::{Modal, Stage};

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn spinner(state: &AppState) -> &'static str {
    SPINNER[state.tick % SPINNER.len()]
}

/// A `width` × `height` area centred in `area`, cleared for a popup (help, dialogs).
pub(crate) fn popup(frame: &mut Frame<'_>, area: Rect, width: u16, height: u16) -> Rect {
    let [popup] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(popup);
    frame.render_widget(Clear, popup);
    popup
}

/// A one-change dialog's line while its confirmed plan is being sent.
pub fn sending(modal: &Modal, state: &AppState) -> Option<Line<'static>> {
    (modal.stage == Stage::Running).then(|| Line::raw(format!("{} sending…", spinner(state))))
}
