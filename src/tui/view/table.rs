//! A pane's list drawn as a table: marker column, selection, scroll offset, the pane title
//! with counts, load state, filter and sort.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row as TableRow, Table, TableState};

use crate::tui::state::app::AppState;
use crate::tui::state::list::{ListPane, LoadState, Loader, Row};
use crate::tui::state::pane_id::PaneId;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::spinner;

/// The title of a list block: `name (shown/total) · state · filter · sort · marks`.
pub fn title<R: Row>(
    name: &str,
    list: &ListPane<R>,
    loader: &Loader,
    state: &AppState,
    theme: Theme,
) -> Line<'static> {
    let total = list.rows.len();
    let shown = list.visible.len();
    let count = if shown == total {
        format!("{total}")
    } else {
        format!("{shown}/{total}")
    };
    let mut spans = vec![Span::styled(format!(" {name} ({count})"), theme.bold())];
    match &loader.state {
        LoadState::Loading { since } => spans.push(Span::styled(
            format!(
                " {} loading {}{}",
                spinner(state),
                crate::analysis::age::short_age(Some(*since), state.now),
                loader
                    .progress
                    .map(|p| format!(" · {}/{} {}", p.done, p.total, p.unit))
                    .unwrap_or_default()
            ),
            theme.warn(),
        )),
        LoadState::Failed { .. } => {
            spans.push(Span::styled(" ✗ load failed", theme.bad()));
            // The rows still shown are the last good load's: say how old.
            if let Some(at) = loader.loaded_at.filter(|_| total > 0) {
                spans.push(Span::styled(
                    format!(
                        " · stale, from {} ago",
                        crate::analysis::age::short_age(Some(at), state.now)
                    ),
                    theme.warn(),
                ));
            }
        }
        LoadState::Idle | LoadState::Loaded { .. } => {}
    }
    if !list.filter.is_empty() {
        spans.push(Span::raw(format!(" · filter \"{}\"", list.filter)));
    }
    spans.push(Span::styled(
        format!(" · sort {}", list.sort_label()),
        theme.dim(),
    ));
    if !list.marks.is_empty() {
        spans.push(Span::raw(format!(" · {} marked", list.marks.len())));
    }
    spans.push(Span::raw(" "));
    Line::from(spans)
}

/// Draws the visible rows of `list` with a marker column in front.
pub struct ListTable<'a, R> {
    pub list: &'a ListPane<R>,
    pub header: &'a [&'a str],
    pub widths: &'a [Constraint],
    pub block: Block<'a>,
    /// Whether the selection is shown (the focused list of a pane).
    pub focused: bool,
}

impl<'a, R> ListTable<'a, R> {
    /// The one list of a pane, unframed, its selection shown.
    pub fn plain(list: &'a ListPane<R>, header: &'a [&'a str], widths: &'a [Constraint]) -> Self {
        Self {
            list,
            header,
            widths,
            block: Block::default(),
            focused: true,
        }
    }
}

impl<R: Row> ListTable<'_, R> {
    pub fn render(
        self,
        frame: &mut Frame<'_>,
        area: Rect,
        theme: Theme,
        cells: impl Fn(&R) -> Vec<Cell<'static>>,
    ) {
        // Only the rows that fit are built: ratatui's Table would skip the rest anyway.
        let len = self.list.visible.len();
        let inner = self.block.inner(area);
        let room = usize::from(inner.height.saturating_sub(1)).max(1);
        // When not every row fits, the last line says how many are hidden above and below.
        let marker_line = len > room && room > 1;
        let height = if marker_line { room - 1 } else { room };
        let selected = self.list.selected.min(len.saturating_sub(1));
        let mut offset = self.list.offset.get().min(len.saturating_sub(1));
        if selected >= offset + height {
            offset = selected + 1 - height;
        }
        if selected < offset {
            offset = selected;
        }
        let end = (offset + height).min(len);
        // A column given no width (`Constraint::Length(0)`: dropped by `fit_columns`) is
        // left out, so it takes no spacing either.
        let shown: Vec<bool> = self
            .widths
            .iter()
            .map(|w| *w != Constraint::Length(0))
            .collect();
        let keep = |i: usize| shown.get(i).copied().unwrap_or(true);
        let rows: Vec<TableRow<'static>> = self.list.visible[offset..end]
            .iter()
            .filter_map(|&i| self.list.rows.get(i))
            .map(|r| {
                let mark = if self.list.is_marked(r) { "●" } else { " " };
                let mut c = vec![Cell::from(mark)];
                c.extend(
                    cells(r)
                        .into_iter()
                        .enumerate()
                        .filter(|(i, _)| keep(*i))
                        .map(|(_, c)| c),
                );
                TableRow::new(c)
            })
            .collect();
        let mut widths = vec![Constraint::Length(1)];
        widths.extend(
            self.widths
                .iter()
                .enumerate()
                .filter(|(i, _)| keep(*i))
                .map(|(_, w)| *w),
        );
        let mut header = vec![Cell::from("")];
        header.extend(
            self.header
                .iter()
                .enumerate()
                .filter(|(i, _)| keep(*i))
                .map(|(_, h)| Cell::from((*h).to_string())),
        );
        let table = Table::new(rows, widths)
            .header(TableRow::new(header).style(theme.table_header()))
            .block(self.block)
            .row_highlight_style(if self.focused {
                theme.selected()
            } else {
                theme.bold()
            })
            .highlight_symbol(if self.focused { "›" } else { " " })
            .column_spacing(1);
        let mut ts = TableState::default();
        if len > 0 {
            ts.select(Some(selected - offset));
        }
        frame.render_stateful_widget(table, area, &mut ts);
        self.list.offset.set(offset + ts.offset());
        if let Some(text) = more_marker(offset, len - end).filter(|_| marker_line) {
            let line = Rect {
                y: inner.bottom().saturating_sub(1),
                height: 1,
                ..inner
            };
            frame.render_widget(
                ratatui::widgets::Paragraph::new(Line::styled(text, theme.dim()))
                    .alignment(ratatui::layout::Alignment::Right),
                line,
            );
        }
    }
}

/// What a list that does not fit says of its hidden rows: `↑ 3 more · ↓ 9 more`; `None`
/// when every row is shown.
pub fn more_marker(above: usize, below: usize) -> Option<String> {
    match (above, below) {
        (0, 0) => None,
        (a, 0) => Some(format!("↑ {a} more")),
        (0, b) => Some(format!("↓ {b} more")),
        (a, b) => Some(format!("↑ {a} more · ↓ {b} more")),
    }
}

/// `text` cut to `max` characters, with `…` when cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// A styled `line` cut to `max` characters, ending in `…` (in the style of the span it
/// cuts) when it does not fit: a line drawn unwrapped never stops mid-word unmarked.
pub fn clip_line(line: Line<'static>, max: usize) -> Line<'static> {
    let total: usize = line.spans.iter().map(|s| s.content.chars().count()).sum();
    if total <= max {
        return line;
    }
    let mut left = max.saturating_sub(1);
    let mut spans = Vec::new();
    let mut last_style = line.style;
    for span in line.spans {
        last_style = span.style;
        let n = span.content.chars().count();
        if n <= left {
            left -= n;
            spans.push(span);
            continue;
        }
        let head: String = span.content.chars().take(left).collect();
        spans.push(Span::styled(head, span.style));
        break;
    }
    if max > 0 {
        spans.push(Span::styled("…", last_style));
    }
    Line::from(spans).style(line.style)
}

/// Draws, inside a pane, what the load state says before any rows: a spinner while the
/// first load runs, the error when it failed (above the rows when there are some), and
/// `empty` when it loaded nothing. Returns the area left for the rows, if any.
pub fn load_area(
    frame: &mut Frame<'_>,
    area: Rect,
    loader: &Loader,
    has_rows: bool,
    (what, empty): (&str, &str),
    state: &AppState,
    theme: Theme,
) -> Option<Rect> {
    use ratatui::layout::Layout;
    use ratatui::widgets::{Paragraph, Wrap};
    let error = loader.state.error().map(|e| {
        Line::from(vec![
            Span::styled("✗ ", theme.bad()),
            Span::styled(format!("{what} failed to load: "), theme.bad()),
            Span::raw(e.to_string()),
        ])
    });
    if !has_rows {
        let line = match (&error, &loader.state) {
            (Some(e), _) => e.clone(),
            (None, LoadState::Loading { .. } | LoadState::Idle) if !loader.loaded_once => {
                Line::styled(format!("{} loading {what}…", spinner(state)), theme.warn())
            }
            _ => Line::styled(empty.to_string(), theme.dim()),
        };
        frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: false }), area);
        return None;
    }
    let Some(e) = error else {
        return Some(area);
    };
    let [banner, rest] = Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]).areas(area);
    frame.render_widget(Paragraph::new(e).wrap(Wrap { trim: false }), banner);
    Some(rest)
}

/// A placed list pane's box: its bordered title, the places whose part of the pane
/// failed, then what the load state says before any rows (`load_area`).
pub struct PaneBox<'a> {
    title: Line<'static>,
    pane: PaneId,
    loader: &'a Loader,
    has_rows: bool,
    /// What loads ("services") and what an empty load says, as `load_area` takes them.
    says: (&'a str, &'a str),
}

impl<'a> PaneBox<'a> {
    pub fn new(title: Line<'static>, pane: PaneId, loader: &'a Loader) -> Self {
        Self {
            title,
            pane,
            loader,
            has_rows: false,
            says: ("", ""),
        }
    }

    /// Whether there are rows to show, what loads and what an empty load says.
    pub fn rows(self, has_rows: bool, what: &'a str, empty: &'a str) -> Self {
        Self {
            has_rows,
            says: (what, empty),
            ..self
        }
    }

    /// Draws the box in `area`; returns the area left for the rows, if any.
    pub fn draw(
        self,
        frame: &mut Frame<'_>,
        area: Rect,
        state: &AppState,
        theme: Theme,
    ) -> Option<Rect> {
        let block = Block::bordered().title(self.title);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let inner = place_failures(frame, inner, state, self.pane, theme);
        load_area(
            frame,
            inner,
            self.loader,
            self.has_rows,
            self.says,
            state,
            theme,
        )
    }
}

/// `text` cut to `max` characters in the middle (`abcd…wxyz`), for ids whose both ends
/// matter.
pub fn elide_middle(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return text.to_string();
    }
    if max < 3 {
        return clip(text, max);
    }
    let tail = (max - 1) / 2;
    let head = max - 1 - tail;
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(count - tail).collect();
    format!("{start}…{end}")
}

/// Column widths that follow their content and the space: each column is as wide as its
/// widest value (`natural`, header included), a column with no values (`natural` 0) is
/// dropped (width 0), and when the row does not fit, columns give way in `give_order`
/// (least useful first) down to their `min`, then are dropped in that order. `gap` is the
/// space between two shown columns.
pub fn fit_columns(
    natural: &[usize],
    min: &[usize],
    give_order: &[usize],
    available: usize,
    gap: usize,
) -> Vec<usize> {
    let mut widths: Vec<usize> = natural.to_vec();
    let total = |w: &[usize]| {
        let shown = w.iter().filter(|&&x| x > 0).count();
        w.iter().sum::<usize>() + gap * shown.saturating_sub(1)
    };
    for &col in give_order {
        let over = total(&widths).saturating_sub(available);
        if over == 0 {
            return widths;
        }
        let floor = min.get(col).copied().unwrap_or(0).min(widths[col]);
        widths[col] = widths[col].saturating_sub(over).max(floor);
    }
    let mut dropped = false;
    for &col in give_order {
        if total(&widths) <= available {
            break;
        }
        widths[col] = 0;
        dropped = true;
    }
    // A dropped column frees more room than was missing: the columns that gave way take
    // it back, the most useful (last to give) first, up to their natural width.
    if dropped {
        let mut spare = available.saturating_sub(total(&widths));
        for &col in give_order.iter().rev() {
            if widths[col] > 0 {
                let grow = natural[col].saturating_sub(widths[col]).min(spare);
                widths[col] += grow;
                spare -= grow;
            }
        }
    }
    widths
}

/// The widths of a table's columns from its texts (one row of cells per row, in header
/// order) and the `available` width (the ListTable's marker already taken off): each column
/// is as wide as its widest value or its header; a column whose every value is empty or `-`
/// is dropped (width 0); when the row does not fit, columns give way in `give_order`, each
/// down to its `min` (its header first: show a short form with [`header_for`]) before the
/// next one gives, then they are dropped in that order (see [`fit_columns`]).
pub fn content_widths(
    header: &[&str],
    texts: &[Vec<String>],
    min: &[usize],
    give_order: &[usize],
    available: usize,
) -> Vec<usize> {
    let natural: Vec<usize> = (0..header.len())
        .map(|i| {
            let widest = texts
                .iter()
                .filter_map(|row| row.get(i))
                .filter(|t| !t.is_empty() && t.as_str() != "-")
                .map(|t| t.chars().count())
                .max()
                .unwrap_or(0);
            if widest == 0 {
                0
            } else {
                widest.max(header[i].chars().count())
            }
        })
        .collect();
    fit_columns(&natural, min, give_order, available, 1)
}

/// The header of a column `width` wide: `long` when it fits, else the first of the short
/// forms (`short`, alternatives longest first, separated by `|`) that fits, else the last
/// one cut to fit.
pub fn header_for(long: &str, short: &str, width: usize) -> String {
    if long.chars().count() <= width {
        return long.to_string();
    }
    let forms: Vec<&str> = short.split('|').collect();
    forms
        .iter()
        .find(|f| f.chars().count() <= width)
        .map_or_else(|| clip(forms[forms.len() - 1], width), |f| (*f).to_string())
}

/// `text` made to fit `width`: ids cut in the middle, other text at the end (`…`).
pub fn fit_text(text: &str, width: usize, id: bool) -> String {
    if id {
        elide_middle(text, width)
    } else {
        clip(text, width)
    }
}

/// Constraints of fixed lengths from `widths`.
pub fn lengths(widths: &[usize]) -> Vec<Constraint> {
    widths
        .iter()
        .map(|&w| Constraint::Length(u16::try_from(w).unwrap_or(u16::MAX)))
        .collect()
}

/// A row's texts: with `placed`, its place's account and region first, then `cells`.
pub fn placed_row(
    state: &AppState,
    placed: bool,
    place: Option<usize>,
    cells: Vec<String>,
) -> Vec<String> {
    let mut texts = Vec::with_capacity(2 + cells.len());
    if placed {
        let (account, region) = state.places.column_label(place);
        texts.extend([account, region]);
    }
    texts.extend(cells);
    texts
}

/// A table's columns, with ACCOUNT and REGION in front when more than one place is in
/// view (they give way after the table's first few columns do, never before).
pub struct Columns {
    pub header: Vec<&'static str>,
    pub short: Vec<&'static str>,
    pub min: Vec<usize>,
    pub give: Vec<usize>,
    /// How many place columns lead (0 or 2).
    pub lead: usize,
}

impl Columns {
    pub fn new(
        header: &[&'static str],
        short: &[&'static str],
        min: &[usize],
        give: &[usize],
        placed: bool,
    ) -> Self {
        if !placed {
            return Self {
                header: header.to_vec(),
                short: short.to_vec(),
                min: min.to_vec(),
                give: give.to_vec(),
                lead: 0,
            };
        }
        let mut give_order: Vec<usize> = give.iter().map(|i| i + 2).collect();
        let at = give_order.len().min(3);
        give_order.splice(at..at, [1, 0]);
        Self {
            header: [&["ACCOUNT", "REGION"][..], header].concat(),
            short: [&["ACCT", "REGION"][..], short].concat(),
            min: [&[4, 9][..], min].concat(),
            give: give_order,
            lead: 2,
        }
    }

    /// Numbers and ids are never cut: the columns `cols` (in the table's own order, before
    /// any place columns) keep at least their widest value (header aside), so only the
    /// free-text columns give way.
    pub fn keep_whole(&mut self, cols: &[usize], texts: &[Vec<String>]) {
        for &c in cols {
            let i = self.lead + c;
            let widest = texts
                .iter()
                .filter_map(|row| row.get(i))
                .map(|t| t.chars().count())
                .max()
                .unwrap_or(0);
            if let Some(m) = self.min.get_mut(i) {
                *m = (*m).max(widest);
            }
        }
    }

    /// The widths of these columns for `texts` (see [`content_widths`]).
    pub fn widths(&self, texts: &[Vec<String>], available: usize) -> Vec<usize> {
        content_widths(&self.header, texts, &self.min, &self.give, available)
    }

    /// A row's texts: its place's account and region first when they lead, then `cells`.
    pub fn row(&self, state: &AppState, place: Option<usize>, cells: Vec<String>) -> Vec<String> {
        placed_row(state, self.lead > 0, place, cells)
    }

    /// The widths for `texts` in a list `width` columns wide (the ListTable's selection
    /// symbol, marker and their gap take 3 of them).
    pub fn list_widths(&self, texts: &[Vec<String>], width: u16) -> Vec<usize> {
        self.widths(texts, usize::from(width).saturating_sub(3))
    }

    /// The header texts for `widths` (short forms where narrow).
    pub fn header_texts(&self, widths: &[usize]) -> Vec<String> {
        (0..self.header.len())
            .map(|i| header_for(self.header[i], self.short[i], widths[i]))
            .collect()
    }
}

/// Over several places: the lines above a pane's table that name each place that could
/// not be reached or whose part of this pane failed, and why. Returns the area left.
pub fn place_failures(
    frame: &mut Frame<'_>,
    area: Rect,
    state: &AppState,
    pane: PaneId,
    theme: Theme,
) -> Rect {
    use ratatui::layout::Layout;
    use ratatui::widgets::{Paragraph, Wrap};
    const MOST: usize = 4;
    let failures = state.places.failure_lines(pane);
    if failures.is_empty() {
        return area;
    }
    // Each failure wraps (its end names the IAM action), up to two lines.
    let width = usize::from(area.width).max(1);
    let mut h = 0;
    let mut lines: Vec<Line<'static>> = Vec::new();
    for f in failures.iter().take(MOST) {
        let text = clip(f, 2 * width - 2);
        h += (text.chars().count() + 2).div_ceil(width);
        lines.push(Line::from(vec![
            Span::styled("✗ ", theme.bad()),
            Span::raw(text),
        ]));
    }
    if failures.len() > MOST {
        h += 1;
        lines.push(Line::styled(
            format!("✗ and {} more places failed", failures.len() - MOST),
            theme.bad(),
        ));
    }
    let h = u16::try_from(h).unwrap_or(u16::MAX).min(area.height / 2);
    let [top, rest] = Layout::vertical([Constraint::Length(h), Constraint::Fill(1)]).areas(area);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), top);
    rest
}

#[cfg(test)]
mod fit_tests {
    use super::*;

    #[test]
    fn lines_cut_to_the_width_end_in_an_ellipsis() {
        let line = Line::from(vec![
            Span::raw("checkout: "),
            Span::raw("✗ FAILED · out of memory"),
        ]);
        let text = |l: &Line<'_>| {
            l.spans
                .iter()
                .map(|s| s.content.to_string())
                .collect::<String>()
        };
        assert_eq!(
            text(&clip_line(line.clone(), 40)),
            "checkout: ✗ FAILED · out of memory"
        );
        assert_eq!(text(&clip_line(line.clone(), 18)), "checkout: ✗ FAILE…");
        assert_eq!(text(&clip_line(line, 8)), "checkou…");
    }

    #[test]
    fn columns_fit_their_content_then_give_way_in_order() {
        // Fits: every column keeps its natural width; an empty column is dropped.
        assert_eq!(
            fit_columns(&[10, 0, 5], &[4, 4, 4], &[0, 2], 40, 1),
            vec![10, 0, 5]
        );
        // 10 + 20 + 5 + 2 gaps = 37 > 30: column 1 gives 7 first.
        assert_eq!(
            fit_columns(&[10, 20, 5], &[4, 8, 4], &[1, 0], 30, 1),
            vec![10, 13, 5]
        );
        // Not enough even at the minima: column 1 shrinks to 8, column 0 to 4, then column 1
        // goes, and column 0 takes back the room it frees.
        assert_eq!(
            fit_columns(&[10, 20, 5], &[4, 8, 4], &[1, 0], 12, 1),
            vec![6, 0, 5]
        );
        // The snapshot tags at 80 columns: the digest goes, and the push age (shrunk to its
        // minimum before) gets its whole header back, the size bar what is left.
        assert_eq!(
            fit_columns(
                &[30, 6, 0, 10, 12, 8, 8, 71],
                &[30, 3, 3, 8, 3, 8, 8, 15],
                &[7, 4, 2, 5, 1],
                75,
                1
            ),
            vec![30, 6, 0, 10, 8, 8, 8, 0]
        );
    }

    #[test]
    fn content_widths_follow_values_then_headers_give_way() {
        let rows = |v: &[&[&str]]| -> Vec<Vec<String>> {
            v.iter()
                .map(|r| r.iter().map(|c| (*c).to_string()).collect())
                .collect()
        };
        let texts = rows(&[
            &["search-staging", "0/2 (0)", "-", "40m"],
            &["payments-prod", "2/3 (1)", "-", "3d"],
        ]);
        let header = ["CLUSTER", "RUN/DES(PEND)", "HEALTH", "DEPLOYED"];
        // Room for all: values or headers, whichever is wider; the all-`-` column is dropped.
        assert_eq!(
            content_widths(&header, &texts, &[8, 7, 4, 3], &[3, 1, 0], 80),
            vec![14, 13, 0, 8]
        );
        // 14 + 13 + 8 + 2 gaps = 37 > 30: DEPLOYED gives way to its minimum first (its
        // header shows as AGE), then RUN/DES(PEND) the 2 still over.
        assert_eq!(
            content_widths(&header, &texts, &[8, 7, 4, 3], &[3, 1, 0], 30),
            vec![14, 11, 0, 3]
        );
        // 14 + 7 + 3 + 2 = 26 > 20: then the cluster, down to its minimum.
        assert_eq!(
            content_widths(&header, &texts, &[8, 7, 4, 3], &[3, 1, 0], 20),
            vec![8, 7, 0, 3]
        );
        assert_eq!(header_for("RUN/DES(PEND)", "RUN/DES", 7), "RUN/DES");
        // Short forms longest first: the first that fits, else the last one cut.
        let forms = "RUN/DES(P)|RUN/D (P)|R/D (P)";
        assert_eq!(header_for("RUN/DES(PEND)", forms, 13), "RUN/DES(PEND)");
        assert_eq!(header_for("RUN/DES(PEND)", forms, 11), "RUN/DES(P)");
        assert_eq!(header_for("RUN/DES(PEND)", forms, 9), "RUN/D (P)");
        assert_eq!(header_for("RUN/DES(PEND)", forms, 7), "R/D (P)");
        assert_eq!(header_for("RUN/DES(PEND)", forms, 5), "R/D …");
        assert_eq!(header_for("DEPLOYED", "AGE", 3), "AGE");
        assert_eq!(header_for("DEPLOYED", "AGE", 8), "DEPLOYED");
        // 14 + 7 + 3 + 2 = 26 > 20: then the values, in order, down to the minima.
        assert_eq!(
            content_widths(&header, &texts, &[8, 7, 4, 3], &[3, 1, 0], 20),
            vec![8, 7, 0, 3]
        );
    }

    #[test]
    fn ids_are_elided_in_the_middle() {
        assert_eq!(elide_middle("0123456789abcdef", 9), "0123…cdef");
        assert_eq!(elide_middle("short", 9), "short");
        assert_eq!(elide_middle("abcdef", 2), "a…");
    }
}
