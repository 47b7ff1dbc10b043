//! Events pane: every service's events in one feed, newest first, each naming its
//! service (`/` filters it: "unable to place" across every service at once).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Cell;

use crate::analysis::age::short_age;
use crate::model::escape::escape_text;
use crate::tui::state::app::AppState;
use crate::tui::state::events::EventRow;
use crate::tui::state::pane_id::PaneId;
use crate::tui::theme::Theme;
use crate::tui::view::table::{Columns, ListTable, PaneBox, fit_text, lengths, title};

const HEADER: [&str; 4] = ["TIME", "AGE", "SERVICE", "MESSAGE"];
const SHORT: [&str; 4] = ["TIME", "AGE", "SERVICE", "MESSAGE"];
/// The message gives way first (cut at its end), then the time (the age stays).
const GIVE_ORDER: [usize; 3] = [3, 0, 2];
const MIN_WIDTHS: [usize; 4] = [8, 3, 12, 20];

/// An event row's texts, in `HEADER` order (the message escaped: it is AWS's text).
fn cells(r: &EventRow, now: chrono::DateTime<chrono::Utc>) -> Vec<String> {
    let e = &r.event;
    vec![
        e.at.map_or_else(|| "-".into(), |at| at.format("%H:%M:%S").to_string()),
        short_age(e.at, now),
        format!("{}/{}", e.cluster, e.service),
        escape_text(&e.message).into_owned(),
    ]
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    let pane = &state.events;
    let loader = &state.services.loader;
    let name = match &state.services.cluster_scope {
        Some(c) => format!("Events of the services in {c}"),
        None => "Events of every service".to_string(),
    };
    let Some(rest) = PaneBox::new(
        title(&name, &pane.list, loader, state, theme),
        PaneId::Services,
        loader,
    )
    .rows(
        !pane.list.rows.is_empty(),
        "services",
        "no service events (ECS keeps each service's latest 100)",
    )
    .draw(frame, area, state, theme) else {
        return;
    };
    let now = state.now;
    let placed = state.places.many_in_view();
    let columns = Columns::new(&HEADER, &SHORT, &MIN_WIDTHS, &GIVE_ORDER, placed);
    let row_texts = |r: &EventRow| columns.row(state, r.place, cells(r, now));
    let texts: Vec<Vec<String>> = pane.list.visible_rows().map(row_texts).collect();
    let widths = columns.list_widths(&texts, rest.width);
    let header = columns.header_texts(&widths);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let lead = columns.lead;
    ListTable::plain(&pane.list, &header, &lengths(&widths)).render(frame, rest, theme, |r| {
        let text = row_texts(r);
        let mut c: Vec<Cell<'static>> = (0..lead)
            .map(|i| Cell::from(fit_text(&text[i], widths[i], false)))
            .collect();
        c.extend((0..HEADER.len()).map(|i| {
            let cell = Cell::from(fit_text(&text[i + lead], widths[i + lead], i == 2));
            if i < 2 { cell.style(theme.dim()) } else { cell }
        }));
        c
    });
}
