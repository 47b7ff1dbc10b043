//! Small pieces every view draws with: the spinner, the popup area, the frame of a
//! one-service pane, the "sending" line of the one-change dialogs and a count with its
//! noun (`1 snapshot`, `3 snapshots`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::tui::state::app::AppState;
use crate::tui::state::list::{LoadState, Loader};
use crate::tui::state::modal::{Modal, Stage};
use crate::tui::state::service_ref::ServiceRef;
use crate::tui::theme::Theme;

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

/// The bordered block of a one-service pane (Detail, Deployments): ` {what} of
/// cluster/service`, and the spinner while `loader` loads.
pub fn service_pane_block(
    what: &str,
    target: Option<&ServiceRef>,
    loader: &Loader,
    state: &AppState,
    theme: Theme,
) -> Block<'static> {
    let name = target.map_or_else(String::new, |t| {
        format!(
            "{}/{}{}",
            t.cluster,
            t.service,
            state.places.suffix(t.place)
        )
    });
    let mut title = vec![Span::styled(format!(" {what} of {name}"), theme.bold())];
    if let LoadState::Loading { .. } = loader.state {
        title.push(Span::styled(
            format!(" {} loading", spinner(state)),
            theme.warn(),
        ));
    }
    title.push(Span::raw(" "));
    Block::bordered().title(Line::from(title))
}

/// `lines` wrapped in `block`, scrolled down by `scroll` lines.
pub fn draw_scrolled(
    frame: &mut Frame<'_>,
    area: Rect,
    block: Block<'static>,
    lines: Vec<Line<'static>>,
    scroll: u16,
) {
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        area,
    );
}

/// `n` with its noun, singular for one: `1 snapshot`, `3 snapshots`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
