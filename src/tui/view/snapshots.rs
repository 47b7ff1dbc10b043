//! Snapshots pane: users with their totals on top, the selected user's tags below (newest
//! first, with a size bar and the in-use marker).

use humansize::{BINARY, format_size};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph};

use super::table::{ListTable, load_area, title};
use crate::analysis::age::short_age;
use crate::tui::app::AppState;
use crate::tui::panes::snapshots::{Unique, user_key};
use crate::tui::theme::Theme;

const USER_HEADER: [&str; 6] = ["REPOSITORY", "USER", "TAGS", "TOTAL", "IN USE", "UNIQUE"];
const TAG_HEADER: [&str; 6] = ["TAG", "PUSHED", "SIZE", "", "IN USE", "DIGEST"];
const BAR: usize = 12;

pub fn size(bytes: i64) -> String {
    format_size(u64::try_from(bytes).unwrap_or(0), BINARY)
}

fn bar(bytes: i64, max: i64) -> String {
    let filled = if max > 0 {
        ((bytes.max(0) as f64 / max as f64) * BAR as f64).round() as usize
    } else {
        0
    };
    let filled = filled.min(BAR);
    format!("{}{}", "█".repeat(filled), "░".repeat(BAR - filled))
}

fn unique_text(u: Option<&Unique>) -> String {
    match u {
        None => "- (u)".into(),
        Some(Unique::Computing { done, total }) => format!("… {done}/{total}"),
        Some(Unique::Done(b)) => size(*b),
        Some(Unique::Failed(_)) => "✗ failed".into(),
    }
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    let pane = &state.snapshots;
    let user_rows = pane.users.visible.len() as u16;
    let [top, bottom] = Layout::vertical([
        Constraint::Length((user_rows + 4).min(area.height / 2).max(5)),
        Constraint::Fill(1),
    ])
    .areas(area);
    let block = Block::bordered().title(title("Users", &pane.users, &pane.loader, state, theme));
    let inner = block.inner(top);
    frame.render_widget(block, top);
    let Some(rest) = load_area(
        frame,
        inner,
        &pane.loader,
        !pane.users.rows.is_empty(),
        ("snapshot tags", "no ECR images in this account and region"),
        state,
        theme,
    ) else {
        return;
    };
    let [totals, list] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(rest);
    let users = pane
        .users
        .rows
        .iter()
        .filter(|u| u.group.user.is_some())
        .count();
    let tags: usize = pane.users.rows.iter().map(|u| u.group.tags.len()).sum();
    let bytes: i64 = pane.users.rows.iter().map(|u| u.total_bytes).sum();
    frame.render_widget(
        Paragraph::new(Line::from(vec![Span::styled(
            format!("{users} users · {tags} tags · {} in total", size(bytes)),
            theme.bold(),
        )])),
        totals,
    );
    let widths = [
        Constraint::Fill(2),
        Constraint::Fill(2),
        Constraint::Length(5),
        Constraint::Length(11),
        Constraint::Length(6),
        Constraint::Length(12),
    ];
    ListTable {
        list: &pane.users,
        header: &USER_HEADER,
        widths: &widths,
        block: Block::default(),
        focused: !pane.focus_tags,
    }
    .render(frame, list, theme, |u| {
        vec![
            Cell::from(u.group.repository.clone()),
            Cell::from(u.user_label().to_string()),
            Cell::from(u.group.tags.len().to_string()),
            Cell::from(size(u.total_bytes)),
            Cell::from(u.group.in_use_count().to_string()),
            Cell::from(unique_text(pane.unique.get(&user_key(&u.group)))),
        ]
    });
    let bottom = super::lifecycle::split_off(frame, bottom, state, theme);
    draw_tags(frame, bottom, state, theme);
}

fn draw_tags(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    let pane = &state.snapshots;
    let who = pane
        .users
        .selected_row()
        .map_or_else(|| "-".to_string(), |u| user_key(&u.group));
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
    let widths = [
        Constraint::Fill(3),
        Constraint::Length(7),
        Constraint::Length(11),
        Constraint::Length(BAR as u16),
        Constraint::Length(8),
        Constraint::Fill(2),
    ];
    ListTable {
        list: &pane.tags,
        header: &TAG_HEADER,
        widths: &widths,
        block,
        focused: pane.focus_tags,
    }
    .render(frame, area, theme, |t| {
        let e = &t.entry;
        vec![
            Cell::from(e.tag.clone()),
            Cell::from(short_age(e.pushed_at, now)),
            Cell::from(size(e.size_bytes)),
            Cell::from(Span::styled(bar(e.size_bytes, max), theme.dim())),
            if e.in_use {
                Cell::from(Span::styled("● in use", theme.good()))
            } else {
                Cell::from("-")
            },
            Cell::from(e.digest.clone()),
        ]
    });
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn bars_scale_to_the_largest() {
        assert_eq!(bar(10, 10), "████████████");
        assert_eq!(bar(5, 10), "██████░░░░░░");
        assert_eq!(bar(0, 10), "░░░░░░░░░░░░");
        assert_eq!(bar(3, 0), "░░░░░░░░░░░░");
    }
}
