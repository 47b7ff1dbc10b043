//! Snapshots pane: users with their totals on top (and where each resume tag points), the
//! selected user's tags below (newest first, with a size bar, the in-use marker and
//! `◀ latest` on the tag the resume tag points at).

use humansize::{BINARY, format_size};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph};

use crate::analysis::age::short_age;
use crate::tui::state::app::AppState;
use crate::tui::state::list::Row;
use crate::tui::state::pane_id::PaneId;
use crate::tui::state::snapshots::{SnapshotsPane, TagRow, Unique, UserRow, user_key};
use crate::tui::theme::Theme;
use crate::tui::view::table::{
    Columns, ListTable, PaneBox, content_widths, fit_text, lengths, title,
};

const USER_HEADER: [&str; 7] = [
    "REPOSITORY",
    "USER",
    "TAGS",
    "TOTAL",
    "IN USE",
    "UNIQUE",
    "RESUME",
];
const TAG_HEADER: [&str; 8] = [
    "TAG", "PUSHED", "PULLED", "SIZE", "", "CLASS", "IN USE", "DIGEST",
];
const BAR: usize = 12;

pub fn size(bytes: i64) -> String {
    format_size(u64::try_from(bytes).unwrap_or(0), BINARY)
}

/// `bytes` against `max` as a bar `width` cells wide (the column's width: a bar is scaled
/// to it, never cut).
fn bar(bytes: i64, max: i64, width: usize) -> String {
    let filled = if max > 0 {
        ((bytes.max(0) as f64 / max as f64) * width as f64).round() as usize
    } else {
        0
    };
    let filled = filled.min(width);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

fn unique_text(u: Option<&Unique>) -> String {
    match u {
        None => "- (u)".into(),
        Some(Unique::Computing { done, total }) => format!("… {done}/{total}"),
        Some(Unique::Done(b)) => size(*b),
        Some(Unique::Failed(_)) => "✗ failed".into(),
    }
}

/// A user row's texts, in `USER_HEADER` order.
fn user_cells(u: &UserRow, pane: &SnapshotsPane) -> Vec<String> {
    vec![
        u.group.repository.clone(),
        u.user_label().to_string(),
        u.group.tags.len().to_string(),
        size(u.total_bytes),
        u.group.in_use_count().to_string(),
        unique_text(pane.unique.get(&Row::key(u))),
        u.group.resume_text().unwrap_or_else(|| "-".into()),
    ]
}

/// A tag row's texts, in `TAG_HEADER` order (the bar is drawn apart, `max` wide).
fn tag_cells(t: &TagRow, max: i64, now: chrono::DateTime<chrono::Utc>) -> Vec<String> {
    let e = &t.entry;
    vec![
        match &t.resume {
            Some(r) => format!("{} ◀ {r}", e.tag),
            None => e.tag.clone(),
        },
        short_age(e.pushed_at, now),
        e.last_pulled_at
            .map_or_else(|| "-".into(), |t| short_age(Some(t), now)),
        size(e.size_bytes),
        bar(e.size_bytes, max, BAR),
        e.status.storage_class().to_string(),
        if e.in_use { "● in use" } else { "-" }.to_string(),
        e.digest.clone(),
    ]
}

/// The totals: over several places one line per account and region in view, then the
/// overall line.
fn totals_lines(state: &AppState, placed: bool, theme: Theme) -> Vec<Line<'static>> {
    let pane = &state.snapshots;
    let mut lines: Vec<Line<'static>> = Vec::new();
    if placed {
        for (p, t) in pane.place_totals() {
            if !state.places.shows(p) {
                continue;
            }
            let (account, region) = state.places.label(Some(p));
            lines.push(Line::from(vec![
                Span::styled(format!("{account} · {region}: "), theme.dim()),
                Span::raw(format!(
                    "{} users · {} tags · {}",
                    t.users,
                    t.tags,
                    size(t.bytes)
                )),
            ]));
        }
    }
    let t = pane.totals();
    lines.push(Line::from(vec![Span::styled(
        format!(
            "{} users · {} tags · {} in total",
            t.users,
            t.tags,
            size(t.bytes)
        ),
        theme.bold(),
    )]));
    lines
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    let pane = &state.snapshots;
    let placed = state.places.many_in_view();
    let totals_text = totals_lines(state, placed, theme);
    // The place totals and failures take lines of the users box too.
    let width = usize::from(area.width.saturating_sub(2)).max(1);
    let failed: usize = state
        .places
        .failure_lines(PaneId::Snapshots)
        .iter()
        .map(|f| (f.chars().count() + 2).div_ceil(width).min(2))
        .sum();
    let extra = u16::try_from(totals_text.len().saturating_sub(1) + failed).unwrap_or(0);
    let user_rows = pane.users.visible.len() as u16 + extra;
    let [top, bottom] = Layout::vertical([
        Constraint::Length((user_rows + 4).min(area.height / 2).max(5)),
        Constraint::Fill(1),
    ])
    .areas(area);
    let title = title("Users", &pane.users, &pane.loader, state, theme);
    let Some(rest) = PaneBox::new(title, PaneId::Snapshots, &pane.loader)
        .rows(
            !pane.users.rows.is_empty(),
            "snapshot tags",
            "no ECR images in this account and region",
        )
        .draw(frame, top, state, theme)
    else {
        return;
    };
    let totals_h = u16::try_from(totals_text.len()).unwrap_or(1);
    let [totals, list] =
        Layout::vertical([Constraint::Length(totals_h), Constraint::Fill(1)]).areas(rest);
    frame.render_widget(Paragraph::new(totals_text), totals);
    let columns = Columns::new(
        &USER_HEADER,
        &USER_HEADER,
        &[10, 6, 4, 8, 6, 5, 8],
        // Unique bytes give way first, then the repository (elided in the middle), where
        // the resume tag points, the totals.
        &[5, 0, 6, 4, 3, 2],
        placed,
    );
    let row_texts = |u: &UserRow| columns.row(state, u.place, user_cells(u, pane));
    let texts: Vec<Vec<String>> = pane.users.visible_rows().map(row_texts).collect();
    let widths = columns.list_widths(&texts, list.width);
    let lead = columns.lead;
    ListTable {
        list: &pane.users,
        header: &columns.header,
        widths: &lengths(&widths),
        block: Block::default(),
        focused: !pane.focus_tags,
    }
    .render(frame, list, theme, |u| {
        row_texts(u)
            .iter()
            .enumerate()
            .map(|(i, t)| Cell::from(fit_text(t, widths[i], i >= lead && i < lead + 2)))
            .collect()
    });
    let bottom = crate::tui::view::lifecycle::split_off(frame, bottom, state, theme);
    draw_tags(frame, bottom, state, theme);
}

fn draw_tags(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    let pane = &state.snapshots;
    let who = pane.users.selected_row().map_or_else(
        || "-".to_string(),
        |u| format!("{}{}", user_key(&u.group), state.places.suffix(u.place)),
    );
    let mut t = title(
        &format!("Tags of {who}"),
        &pane.tags,
        &pane.loader,
        state,
        theme,
    );
    if !pane.focus_tags {
        t.push_span(Span::styled("(Enter to browse) ", theme.dim()));
    }
    let block = Block::bordered().title(t);
    let max = pane
        .tags
        .rows
        .iter()
        .map(|t| t.entry.size_bytes)
        .max()
        .unwrap_or(0);
    let now = state.now;
    let texts: Vec<Vec<String>> = pane
        .tags
        .visible_rows()
        .map(|t| tag_cells(t, max, now))
        .collect();
    // Borders and the ListTable's selection symbol, marker and gap take 5 columns.
    let available = usize::from(area.width).saturating_sub(5);
    // The digest gives way first (elided in the middle), then the bar, the pull age, the
    // storage class and the push age; the tag, an id, is never cut.
    let widest_tag = texts
        .iter()
        .map(|row| row[0].chars().count())
        .max()
        .unwrap_or(0);
    let widths = content_widths(
        &TAG_HEADER,
        &texts,
        &[widest_tag.max(3), 3, 3, 8, 3, 8, 8, 15],
        &[7, 4, 2, 5, 1],
        available,
    );
    ListTable {
        list: &pane.tags,
        header: &TAG_HEADER,
        widths: &lengths(&widths),
        block,
        focused: pane.focus_tags,
    }
    .render(frame, area, theme, |t| {
        let text = tag_cells(t, max, now);
        let fit = |i: usize| fit_text(&text[i], widths[i], i == 0 || i == 7);
        vec![
            if t.resume.is_some() {
                Cell::from(Span::styled(fit(0), theme.bold()))
            } else {
                Cell::from(fit(0))
            },
            Cell::from(fit(1)),
            Cell::from(fit(2)),
            Cell::from(fit(3)),
            Cell::from(Span::styled(
                bar(t.entry.size_bytes, max, widths[4]),
                theme.dim(),
            )),
            if t.entry.status.is_unpullable() {
                Cell::from(Span::styled(fit(5), theme.warn()))
            } else {
                Cell::from(Span::styled(fit(5), theme.dim()))
            },
            if t.entry.in_use {
                Cell::from(Span::styled(fit(6), theme.good()))
            } else {
                Cell::from(fit(6))
            },
            Cell::from(fit(7)),
        ]
    });
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn bars_scale_to_the_largest() {
        assert_eq!(bar(10, 10, 12), "████████████");
        assert_eq!(bar(5, 10, 12), "██████░░░░░░");
        assert_eq!(bar(0, 10, 12), "░░░░░░░░░░░░");
        assert_eq!(bar(3, 0, 12), "░░░░░░░░░░░░");
        // A narrower column scales the bar instead of cutting it.
        assert_eq!(bar(5, 10, 6), "███░░░");
        assert_eq!(bar(10, 10, 3), "███");
    }
}
