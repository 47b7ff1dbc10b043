//! Orphans pane: totals on top, orphaned volumes and snapshots, then what was skipped and why.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use crate::analysis::locks::lock_short;
use crate::model::Skipped;
use crate::model::escape::escape;
use crate::tui::state::app::AppState;
use crate::tui::state::orphans::OrphanRow;
use crate::tui::state::pane_id::PaneId;
use crate::tui::theme::Theme;
use crate::tui::view::table::{
    Columns, ListTable, PaneBox, fit_text, lengths, more_marker, placed_row, title,
};
use crate::tui::view::widgets::{count, spinner};

const HEADER: [&str; 11] = [
    "KIND",
    "ID",
    "SIZE",
    "TYPE",
    "AZ",
    "AGE",
    "UNATT.",
    "TIER",
    "DELETE ON",
    "$/MONTH",
    "ORIGIN / REASON",
];
/// What a header shows when its column is narrower than it (`UNATT.` stays: the totals'
/// legend explains that word).
const SHORT: [&str; 11] = [
    "KIND", "ID", "SIZE", "TYPE", "AZ", "AGE", "UNATT.", "TIER", "MARK", "$/MO", "ORIGIN",
];
/// The least useful give way first: the origin (cut at the end), the header of the cost
/// (to its short form), the type, the zone (cut in the middle, its letter stays), the
/// tier and the kind. The id, size, age, days unattached, mark date and cost are never
/// cut (see `WHOLE`); when the origin would be cut, the kind goes (the id's
/// `vol-`/`snap-` says it), then the tier, then the zone (`MAKE_ROOM`). A column with
/// nothing in it (no volume has a zone, no snapshot is listed, nothing is marked) is
/// left out.
const GIVE_ORDER: [usize; 10] = [10, 6, 9, 1, 3, 4, 7, 5, 8, 0];
const MIN_WIDTHS: [usize; 11] = [4, 12, 7, 3, 6, 3, 6, 7, 4, 5, 8];
/// Ids, numbers and dates: shown whole, whatever the width.
const WHOLE: [usize; 6] = [1, 2, 5, 6, 8, 9];
const KIND: usize = 0;
const TIER: usize = 7;
/// What leaves the table, in order, while the origin would be cut too short to read.
const MAKE_ROOM: [usize; 3] = [KIND, TIER, ZONE];
/// Cut in the middle like an id: `us-…t-1a` keeps the zone's letter.
const ZONE: usize = 4;
const ORIGIN: usize = 10;
/// Below this width an origin cut is too short to read: the kind column makes room.
const ORIGIN_ROOM: usize = 24;

/// An orphan row's texts, in `HEADER` order.
/// `lock`: the lock that keeps the snapshot (it leads the reason: `locked until …`).
fn cells(
    r: &OrphanRow,
    now: chrono::DateTime<chrono::Utc>,
    lock: Option<&crate::model::SnapshotLock>,
) -> Vec<String> {
    vec![
        r.kind().to_string(),
        r.id().to_string(),
        format!("{} GiB", r.size_gib()),
        match r {
            // A snapshot has no volume type: its kind (and id) say what it is.
            OrphanRow::Snapshot(_) => "-".into(),
            OrphanRow::Volume(_) => r.type_label().to_string(),
        },
        r.zone()
            .map_or_else(|| "-".into(), |z| escape(z).into_owned()),
        r.age_days().map_or_else(|| "-".into(), |d| format!("{d}d")),
        unattached_cell(r, now),
        r.tier(now).unwrap_or_else(|| "-".into()),
        r.mark().unwrap_or_else(|| "-".into()),
        format!("{:.2}", r.monthly()),
        match lock {
            Some(l) => format!("{} · {}", lock_short(l), r.origin()),
            None => r.origin(),
        },
    ]
}

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
    let title = title("Orphans", &pane.list, &pane.loader, state, theme);
    let Some(rest) = PaneBox::new(title, PaneId::Orphans, &pane.loader)
        .rows(pane.totals.is_some(), "orphans", "")
        .draw(frame, top, state, theme)
    else {
        return;
    };
    let placed = state.places.many_in_view();
    let lines = totals_lines(state, placed, usize::from(rest.width), theme);
    let totals_h = u16::try_from(lines.len()).unwrap_or(1).max(1);
    let [totals, list] =
        Layout::vertical([Constraint::Length(totals_h), Constraint::Fill(1)]).areas(rest);
    frame.render_widget(Paragraph::new(lines), totals);
    if pane.list.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                "✓ nothing orphaned: every volume is attached and every snapshot has its volume or an AMI",
                theme.good(),
            )),
            list,
        );
    } else {
        draw_table(frame, list, state, placed, theme);
    }
    if skipped_h > 0 {
        draw_skipped(frame, bottom, state, theme);
    }
}

/// The orphans table: ids and numbers whole, the origin cut, the kind left out when the
/// origin would be cut short.
fn draw_table(frame: &mut Frame<'_>, list: Rect, state: &AppState, placed: bool, theme: Theme) {
    let pane = &state.orphans;
    let now = state.now;
    let mut columns = Columns::new(&HEADER, &SHORT, &MIN_WIDTHS, &GIVE_ORDER, placed);
    let row_texts = |r: &OrphanRow| {
        placed_row(
            state,
            placed,
            pane.place_of.get(r.id()).copied(),
            cells(r, now, pane.locks.get(r.id())),
        )
    };
    let mut texts: Vec<Vec<String>> = pane.list.visible_rows().map(row_texts).collect();
    columns.keep_whole(&WHOLE, &texts);
    let mut widths = columns.list_widths(&texts, list.width);
    let origin = columns.lead + ORIGIN;
    let origin_natural = texts.iter().map(|t| t[origin].chars().count()).max();
    for col in MAKE_ROOM {
        if origin_natural.is_none_or(|n| widths[origin] >= n.min(ORIGIN_ROOM)) {
            break;
        }
        // The origin would be cut short: the kind column goes first, then the tier, then
        // the zone (an empty column is left out of the table).
        for t in &mut texts {
            t[columns.lead + col].clear();
        }
        widths = columns.list_widths(&texts, list.width);
    }
    let header = columns.header_texts(&widths);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let id_col = columns.lead + 1;
    let zone_col = columns.lead + ZONE;
    ListTable::plain(&pane.list, &header, &lengths(&widths)).render(
        frame,
        list,
        theme,
        |r: &OrphanRow| {
            row_texts(r)
                .iter()
                .enumerate()
                .map(|(i, t)| Cell::from(fit_text(t, widths[i], i == id_col || i == zone_col)))
                .collect()
        },
    );
}

/// The totals: over several places one line per account and region in view, then the
/// overall line.
fn totals_lines(state: &AppState, placed: bool, width: usize, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = if placed {
        place_totals_lines(state, theme)
    } else {
        Vec::new()
    };
    if let Some(t) = state.orphans.totals {
        let total = format!(
            "Total: {}, {} · {} GiB · ${:.2}/month",
            count(t.volumes, "volume", "volumes"),
            count(t.snapshots, "snapshot", "snapshots"),
            t.size_gib,
            t.monthly_cost_usd
        );
        // The legend as long as it fits whole: a legend cut short says nothing. A volume
        // first seen during this run (a console refreshing) stays `?`, not only "now".
        let legend = [
            " · UNATT. = seen unattached by ecsnap (? = new this run)",
            " · UNATT.: ? = new this run",
            "",
        ]
        .into_iter()
        .find(|l| total.chars().count() + l.chars().count() <= width)
        .unwrap_or_default();
        lines.push(Line::from(vec![Span::styled(
            format!("{total}{legend}"),
            theme.bold(),
        )]));
    }
    lines
}

/// Over several places: one line of totals per account and region in view.
fn place_totals_lines(state: &AppState, theme: Theme) -> Vec<Line<'static>> {
    state
        .orphans
        .place_totals()
        .into_iter()
        .filter(|(p, _)| state.places.shows(*p))
        .map(|(p, t)| {
            let (account, region) = state.places.label(Some(p));
            Line::from(vec![
                Span::styled(format!("{account} · {region}: "), theme.dim()),
                Span::raw(format!(
                    "{}, {} · {} GiB · ${:.2}/month",
                    count(t.volumes, "volume", "volumes"),
                    count(t.snapshots, "snapshot", "snapshots"),
                    t.size_gib,
                    t.monthly_cost_usd
                )),
            ])
        })
        .collect()
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
            format!("{} loading the lineage…", spinner(state)),
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
fn draw_skipped(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    const HEADER: [&str; 4] = ["KIND", "ID", "SIZE", "SKIPPED BECAUSE"];
    let skipped: &[Skipped] = &state.orphans.skipped;
    // Over several places ACCOUNT and REGION lead (they give way after the reason and id).
    let mut columns = Columns::new(
        &HEADER,
        &HEADER,
        &[4, 12, 6, 20],
        &[3, 1],
        state.places.many_in_view(),
    );
    let lead = columns.lead;
    let texts: Vec<Vec<String>> = skipped
        .iter()
        .map(|s| {
            let mut t = Vec::new();
            if lead > 0 {
                let (account, region) = state
                    .places
                    .column_label(state.orphans.place_of.get(&s.id).copied());
                t.extend([account, region]);
            }
            t.extend([
                s.kind.as_str().to_string(),
                s.id.clone(),
                format!("{} GiB", s.size_gib),
                s.reason.clone(),
            ]);
            t
        })
        .collect();
    let block = Block::bordered().title(Span::styled(
        format!(" Skipped ({}) — never offered for deletion ", skipped.len()),
        theme.bold(),
    ));
    let available = usize::from(block.inner(area).width);
    // The reason gives way (cut at the end); ids and sizes are shown whole.
    columns.keep_whole(&[1, 2], &texts);
    let widths = columns.widths(&texts, available);
    // The rows that fit under the header; when some do not, the last line says how many.
    let room = usize::from(block.inner(area).height.saturating_sub(1));
    let fits = if texts.len() > room {
        room.saturating_sub(1)
    } else {
        texts.len()
    };
    let rows: Vec<Row<'static>> = texts[..fits]
        .iter()
        .map(|t| {
            Row::new(
                t.iter()
                    .enumerate()
                    .filter(|(i, _)| widths[*i] > 0)
                    .map(|(i, c)| Cell::from(fit_text(c, widths[i], i == lead + 1)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let shown: Vec<usize> = widths.iter().copied().filter(|&w| w > 0).collect();
    let header: Vec<&str> = columns
        .header
        .iter()
        .zip(&widths)
        .filter(|(_, w)| **w > 0)
        .map(|(h, _)| *h)
        .collect();
    let inner = block.inner(area);
    let table = Table::new(rows, lengths(&shown))
        .header(Row::new(header).style(theme.table_header()))
        .block(block);
    frame.render_widget(table, area);
    if let Some(more) = more_marker(0, texts.len() - fits) {
        let line = Rect {
            y: inner.bottom().saturating_sub(1),
            height: 1,
            ..inner
        };
        frame.render_widget(
            Paragraph::new(Line::styled(more, theme.dim()))
                .alignment(ratatui::layout::Alignment::Right),
            line,
        );
    }
}
