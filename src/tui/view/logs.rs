//! The Logs view: a title naming the task, the container and its stream; a status line
//! (lines loaded, follow, wrap, search); the lines, newest at the bottom, with their
//! timestamps and the search's matches highlighted. A container that does not log to
//! CloudWatch Logs says which driver it uses and where its logs go.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::model::escape::escape;
use crate::model::{LogEvent, LogSource, arn_name};
use crate::tui::state::app::AppState;
use crate::tui::state::logs::LogsView;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::spinner;

/// Draws the view over the pane's `body`, and the search being typed over the `status`
/// line.
pub fn draw_over(
    frame: &mut Frame<'_>,
    body: Rect,
    status: Rect,
    state: &AppState,
    view: &LogsView,
    theme: Theme,
) {
    frame.render_widget(Clear, body);
    draw(frame, body, state, view, theme);
    if view.searching {
        frame.render_widget(Clear, status);
        frame.render_widget(search_status(view, theme), status);
    }
}

fn draw(frame: &mut Frame<'_>, area: Rect, state: &AppState, view: &LogsView, theme: Theme) {
    let block = Block::bordered().title(title(view));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [status, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    frame.render_widget(status_line(state, view, theme), status);
    let rows = usize::from(body.height).max(1);
    view.height.set(rows);
    let width = usize::from(body.width).max(1);
    view.width.set(width);
    let lines = body_lines(state, view, width, rows, theme);
    let mut paragraph = Paragraph::new(lines);
    if view.wrap {
        // The log lines come cut to the width already (`event_lines`).
        paragraph = paragraph.wrap(Wrap { trim: false });
    }
    frame.render_widget(paragraph, body);
}

fn title(view: &LogsView) -> String {
    let count = view.containers.as_ref().map_or(0, Vec::len);
    let container = view
        .current()
        .map(|(c, _)| format!(" · {} ({}/{count})", c.container, view.selected + 1))
        .unwrap_or_default();
    format!(
        " Logs · {} · task {} ({}){container} ",
        view.cluster,
        view.task.id,
        arn_name(&view.task.task_definition)
    )
}

fn status_line(state: &AppState, view: &LogsView, theme: Theme) -> Line<'static> {
    let mut spans = Vec::new();
    if let Some((c, buffer)) = view.current() {
        if let LogSource::Awslogs { group, stream, .. } = &c.source {
            spans.push(Span::styled(format!("{group} {stream}"), theme.dim()));
            spans.push(Span::raw(format!(" · {} lines", buffer.lines.len())));
        }
        if buffer.loading && buffer.loaded {
            spans.push(Span::styled(
                format!(" · {} older page…", spinner(state)),
                theme.warn(),
            ));
        }
    }
    if view.follow {
        spans.push(Span::styled(" · ● following", theme.good()));
    }
    if view.wrap {
        spans.push(Span::raw(" · wrap"));
    }
    if view.searching || !view.search.is_empty() {
        spans.push(Span::styled(" · /", theme.key()));
        spans.push(Span::raw(view.search.clone()));
        if view.searching {
            spans.push(Span::styled("▏", theme.key()));
        }
        spans.push(Span::styled(
            format!(" ({} matches)", view.match_count()),
            theme.dim(),
        ));
    }
    Line::from(spans)
}

fn body_lines(
    state: &AppState,
    view: &LogsView,
    width: usize,
    rows: usize,
    theme: Theme,
) -> Vec<Line<'static>> {
    if let Some(e) = &view.error {
        return vec![
            Line::styled("Cannot read where this task's containers log:", theme.bad()),
            Line::raw(e.clone()),
        ];
    }
    let Some((container, buffer)) = view.current() else {
        let text = if view.containers.is_some() {
            "this task definition has no containers".to_string()
        } else {
            format!("{} reading the task definition…", spinner(state))
        };
        return vec![Line::styled(text, theme.dim())];
    };
    if let LogSource::Other { driver, where_ } = &container.source {
        return vec![
            Line::styled(
                format!(
                    "Container {} logs with the {driver} driver, not to CloudWatch Logs:",
                    container.container
                ),
                theme.warn(),
            ),
            Line::raw(where_.clone()),
        ];
    }
    if let Some(e) = &buffer.error {
        let mut out = vec![Line::styled(e.clone(), theme.bad())];
        if !buffer.loaded {
            return out;
        }
        out.truncate(1);
        return out
            .into_iter()
            .chain(event_lines(view, width, rows - 1, theme))
            .collect();
    }
    if !buffer.loaded {
        return vec![Line::styled(
            format!("{} reading the newest lines…", spinner(state)),
            theme.dim(),
        )];
    }
    if buffer.lines.is_empty() {
        return vec![Line::styled(
            if view.follow {
                "no lines yet — following"
            } else {
                "no lines in this stream (f follows it)"
            },
            theme.dim(),
        )];
    }
    event_lines(view, width, rows, theme)
}

/// The lines that fit, bottom-up from the newest shown (`scroll` back from the newest);
/// above the oldest loaded line, whether older ones exist. When the oldest line is reached
/// with room left, the lines after the bottom one fill the screen (Home shows a full
/// screen from the start). With wrap on each line is cut into rows of `width`: a line
/// taller than the view shows the rows that fit (from `wrap_row` when it is the bottom
/// one, its last rows when it is cut at the top).
fn event_lines(view: &LogsView, width: usize, rows: usize, theme: Theme) -> Vec<Line<'static>> {
    let Some((_, buffer)) = view.current() else {
        return Vec::new();
    };
    let len = buffer.lines.len();
    let rows_of = |e: &LogEvent| -> Vec<Line<'static>> {
        let line = event_line(view, e, theme);
        if view.wrap {
            wrap_line(line, width)
        } else {
            vec![line]
        }
    };
    let bottom = len.saturating_sub(1).saturating_sub(view.scroll);
    // Bottom-up, one screen row each.
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut index = bottom + 1;
    while index > 0 && out.len() < rows {
        let mut wrapped = rows_of(&buffer.lines[index - 1]);
        if index - 1 == bottom && wrapped.len() > rows {
            let from = view.wrap_row.min(wrapped.len() - rows);
            wrapped = wrapped.split_off(from);
            wrapped.truncate(rows);
        }
        let room = rows - out.len();
        let skip = wrapped.len().saturating_sub(room);
        out.extend(wrapped.into_iter().skip(skip).rev());
        index -= 1;
    }
    if index == 0 && out.len() < rows {
        out.push(Line::styled(
            if buffer.at_start {
                "── start of the stream ──".to_string()
            } else if buffer.loading {
                "── loading older lines… ──".to_string()
            } else {
                "── older lines: scroll up to load them ──".to_string()
            },
            theme.dim(),
        ));
    }
    out.reverse();
    // Room left below the oldest line: the lines after the bottom one fill it.
    let mut next = bottom + 1;
    while out.len() < rows && next < len {
        let room = rows - out.len();
        out.extend(rows_of(&buffer.lines[next]).into_iter().take(room));
        next += 1;
    }
    out
}

/// `line` cut into rows of `width` characters (its spans' styles kept).
fn wrap_line(line: Line<'static>, width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let mut rows: Vec<Line<'static>> = Vec::new();
    let mut row: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for span in line.spans {
        let mut text: &str = &span.content;
        while !text.is_empty() {
            let room = width - used;
            let cut = text.char_indices().nth(room).map_or(text.len(), |(i, _)| i);
            let (head, tail) = text.split_at(cut);
            used += head.chars().count();
            row.push(Span::styled(head.to_string(), span.style));
            text = tail;
            if used == width {
                rows.push(Line::from(std::mem::take(&mut row)));
                used = 0;
            }
        }
    }
    if !row.is_empty() || rows.is_empty() {
        rows.push(Line::from(row));
    }
    rows
}

fn event_line(view: &LogsView, e: &LogEvent, theme: Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(
        e.timestamp.format("%m-%d %H:%M:%S ").to_string(),
        theme.dim(),
    )];
    let mut rest = 0;
    for (start, end) in match_ranges(&e.message, &view.search) {
        spans.push(Span::raw(escape(&e.message[rest..start]).into_owned()));
        spans.push(Span::styled(
            escape(&e.message[start..end]).into_owned(),
            theme.selected(),
        ));
        rest = end;
    }
    spans.push(Span::raw(escape(&e.message[rest..]).into_owned()));
    Line::from(spans)
}

/// Byte ranges of `needle` in `text`, case-insensitive, not overlapping. (When
/// lowercasing changes the text's length, only ASCII letters fold.)
pub fn match_ranges(text: &str, needle: &str) -> Vec<(usize, usize)> {
    if needle.is_empty() {
        return Vec::new();
    }
    let lower = text.to_lowercase();
    let (hay, needle) = if lower.len() == text.len() {
        (lower, needle.to_lowercase())
    } else {
        (text.to_ascii_lowercase(), needle.to_ascii_lowercase())
    };
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = hay.get(from..).and_then(|h| h.find(&needle)) {
        let start = from + i;
        let end = start + needle.len().max(1);
        if text.is_char_boundary(start) && text.is_char_boundary(end) {
            out.push((start, end));
        }
        from = end;
    }
    out
}

/// The status line while a search is typed.
fn search_status(view: &LogsView, theme: Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(" /", theme.key()),
        Span::raw(view.search.clone()),
        Span::styled("▏", theme.key()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_are_found_case_insensitively_and_do_not_overlap() {
        assert_eq!(
            match_ranges("Error: error ERR", "err"),
            vec![(0, 3), (7, 10), (13, 16)]
        );
        assert_eq!(match_ranges("aaaa", "aa"), vec![(0, 2), (2, 4)]);
        assert!(match_ranges("anything", "").is_empty());
        assert_eq!(match_ranges("héllo wörld", "WÖ"), vec![(7, 10)]);
        assert_eq!(match_ranges("héllo world", "WO"), vec![(7, 9)]);
    }
}
