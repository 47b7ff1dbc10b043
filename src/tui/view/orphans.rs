//! Orphans pane: totals on top, orphaned volumes and snapshots, then what was skipped and why.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use super::table::{ListTable, load_area, title};
use crate::model::Skipped;
use crate::tui::app::AppState;
use crate::tui::panes::orphans::OrphanRow;
use crate::tui::theme::Theme;

const HEADER: [&str; 8] = [
    "KIND",
    "ID",
    "SIZE",
    "TYPE",
    "AGE",
    "UNATT.",
    "$/MONTH",
    "ORIGIN / REASON",
];

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    let pane = &state.orphans;
    let skipped_h = if pane.skipped.is_empty() {
        0
    } else {
        (pane.skipped.len() as u16 + 3).min(area.height / 3)
    };
    let lineage = lineage_lines(state, theme);
    let lineage_h = if lineage.is_empty() {
        0
    } else {
        (lineage.len() as u16 + 2).min(area.height / 2)
    };
    let [top, detail, bottom] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(lineage_h),
        Constraint::Length(skipped_h),
    ])
    .areas(area);
    if lineage_h > 0 {
        let id = pane.lineage_for.as_deref().unwrap_or_default();
        frame.render_widget(
            Paragraph::new(lineage).block(Block::bordered().title(Span::styled(
                format!(" Lineage of {id} — Esc hides "),
                theme.bold(),
            ))),
            detail,
        );
    }
    let block = Block::bordered().title(title("Orphans", &pane.list, &pane.loader, state, theme));
    let inner = block.inner(top);
    frame.render_widget(block, top);
    let Some(rest) = load_area(
        frame,
        inner,
        &pane.loader,
        pane.totals.is_some(),
        ("orphans", ""),
        state,
        theme,
    ) else {
        return;
    };
    let [totals, list] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(rest);
    if let Some(t) = pane.totals {
        frame.render_widget(
            Paragraph::new(Line::from(vec![Span::styled(
                format!(
                    "Total: {} volumes, {} snapshots · {} GiB · ${:.2}/month · UNATT. = seen \
                     unattached by ecsnap (? = first seen now)",
                    t.volumes, t.snapshots, t.size_gib, t.monthly_cost_usd
                ),
                theme.bold(),
            )])),
            totals,
        );
    }
    if pane.list.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                "✓ nothing orphaned: every volume is attached and every snapshot has its volume or an AMI",
                theme.good(),
            )),
            list,
        );
    } else {
        let widths = [
            Constraint::Length(8),
            Constraint::Length(22),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(5),
            Constraint::Length(6),
            Constraint::Length(8),
            Constraint::Fill(1),
        ];
        ListTable {
            list: &pane.list,
            header: &HEADER,
            widths: &widths,
            block: Block::default(),
            focused: true,
        }
        .render(frame, list, theme, |r: &OrphanRow| {
            vec![
                Cell::from(r.kind()),
                Cell::from(r.id().to_string()),
                Cell::from(format!("{} GiB", r.size_gib())),
                Cell::from(r.type_label().to_string()),
                Cell::from(r.age_days().map_or_else(|| "-".into(), |d| format!("{d}d"))),
                Cell::from(unattached_cell(r, state.now)),
                Cell::from(format!("{:.2}", r.monthly())),
                Cell::from(r.origin()),
            ]
        });
    }
    if skipped_h > 0 {
        draw_skipped(frame, bottom, &pane.skipped, theme);
    }
}

/// The Orphans detail's lines: the lineage, or that it is loading or failed; none when
/// the detail is closed.
fn lineage_lines(state: &AppState, theme: Theme) -> Vec<Line<'static>> {
    let pane = &state.orphans;
    if pane.lineage_for.is_none() {
        return Vec::new();
    }
    if let Some(l) = &pane.lineage {
        return l.lines().into_iter().map(Line::raw).collect();
    }
    match pane.lineage_loader.state.error() {
        Some(e) => vec![Line::styled(
            format!("lineage not loaded: {e}"),
            theme.bad(),
        )],
        None => vec![Line::styled(
            format!("{} loading the lineage…", super::spinner(state)),
            theme.dim(),
        )],
    }
}

/// Days ecsnap has seen a volume unattached (`12d`), `?` when it first saw it on this run,
/// `-` for snapshots.
fn unattached_cell(r: &OrphanRow, now: chrono::DateTime<chrono::Utc>) -> String {
    match r {
        OrphanRow::Snapshot(_) => "-".into(),
        OrphanRow::Volume(_) => crate::analysis::age::age_days(r.seen_available_since(), now)
            .map_or_else(|| "?".into(), |d| format!("{d}d")),
    }
}

/// What was skipped and why, under the orphans.
fn draw_skipped(frame: &mut Frame<'_>, area: Rect, skipped: &[Skipped], theme: Theme) {
    let rows: Vec<Row<'static>> = skipped
        .iter()
        .map(|s| {
            Row::new(vec![
                Cell::from(s.kind.as_str()),
                Cell::from(s.id.clone()),
                Cell::from(format!("{} GiB", s.size_gib)),
                Cell::from(s.reason.clone()),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(8),
            Constraint::Length(22),
            Constraint::Length(8),
            Constraint::Fill(1),
        ],
    )
    .header(Row::new(["KIND", "ID", "SIZE", "SKIPPED BECAUSE"]).style(theme.table_header()))
    .block(Block::bordered().title(Span::styled(
        format!(" Skipped ({}) — never offered for deletion ", skipped.len()),
        theme.bold(),
    )));
    frame.render_widget(table, area);
}
