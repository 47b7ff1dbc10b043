//! The header line: who and where, badges, last refresh, loads in flight.

use ratatui::text::{Line, Span};

use crate::tui::state::app::AppState;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::spinner;

/// Below this width the labels shorten so the badges and the refresh time still fit.
const WIDE: u16 = 110;

pub fn header_line(state: &AppState, width: u16, theme: Theme) -> Line<'static> {
    let wide = width >= WIDE;
    let sep = || Span::styled(" │ ", theme.dim());
    let mut spans = vec![Span::styled(" ecsnap", theme.bold()), sep()];
    let (read_only, production) = if state.places.is_fleet() {
        places_spans(state, &mut spans, theme);
        (
            state.settings.read_only || state.places.read_only_in_view(),
            state.settings.production || state.places.production_in_view(),
        )
    } else {
        one_place_spans(state, wide, &mut spans, theme);
        (state.settings.read_only, state.settings.production)
    };
    if read_only {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(" READ-ONLY ", theme.badge()));
    }
    if production {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(" PRODUCTION ", theme.production()));
    }
    // Running port forwards come before the refresh time: they matter more.
    for route in &state.forwards {
        spans.push(sep());
        spans.push(Span::styled(format!("⇄ {route}"), theme.good()));
    }
    spans.push(sep());
    // The open pane's own last load: Tasks and Detail refresh more often than Services.
    match state.pane_refreshed() {
        Some(t) if wide => spans.push(Span::raw(format!(
            "refreshed {} ({} ago)",
            t.format("%H:%M:%S"),
            crate::analysis::age::short_age(Some(t), state.now)
        ))),
        Some(t) => spans.push(Span::raw(format!("↻ {}", t.format("%H:%M:%S")))),
        None => spans.push(Span::styled("not refreshed yet", theme.dim())),
    }
    let loads = state.loads_in_flight();
    if loads > 0 {
        spans.push(sep());
        spans.push(Span::styled(
            format!("{} {loads} loading", spinner(state)),
            theme.warn(),
        ));
    }
    Line::from(spans)
}

/// Several places: how many accounts and regions are in view (one place: which), and how
/// many places could not be reached.
fn places_spans(state: &AppState, spans: &mut Vec<Span<'static>>, theme: Theme) {
    let p = &state.places;
    let view = p.in_view();
    if let [one] = view[..] {
        spans.push(Span::raw(p.all[one].name()));
    } else {
        let (accounts, regions) = p.counts_in_view();
        spans.push(Span::raw(format!(
            "{} · {}",
            crate::tui::state::places::count(accounts, "account"),
            crate::tui::state::places::count(regions, "region")
        )));
    }
    if let Some((answered, asked)) = p.connecting {
        spans.push(Span::styled(" │ ", theme.dim()));
        spans.push(Span::styled(
            format!("{} connecting {answered}/{asked} accounts", spinner(state)),
            theme.warn(),
        ));
    }
    if !p.failed.is_empty() {
        spans.push(Span::styled(" │ ", theme.dim()));
        spans.push(Span::styled(
            format!("✗ {} unreachable", p.failed.len()),
            theme.bad(),
        ));
    }
}

/// One place: the profile, the region and the account.
fn one_place_spans(state: &AppState, wide: bool, spans: &mut Vec<Span<'static>>, theme: Theme) {
    let h = &state.header;
    let sep = || Span::styled(" │ ", theme.dim());
    spans.extend([
        Span::raw(format!(
            "{}{}",
            if wide { "profile " } else { "" },
            h.profile.as_deref().unwrap_or("default")
        )),
        sep(),
        Span::raw(h.region.clone()),
        sep(),
    ]);
    let account_label = if wide { "account " } else { "" };
    match (&h.account, &h.account_error) {
        (Some(a), _) => spans.push(Span::raw(format!("{account_label}{a}"))),
        (None, Some(_)) => spans.push(Span::styled("account ? (sts failed)", theme.warn())),
        (None, None) => spans.push(Span::styled("account …", theme.dim())),
    }
}
