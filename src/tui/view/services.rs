//! Services pane: steadiness first, not-steady services on top by default.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph};

use crate::analysis::age::short_age;
use crate::analysis::deployments::{countdown, stage_words};
use crate::analysis::health::steadiness;
use crate::analysis::why::{Why, steady_line, why};
use crate::model::Service;
use crate::model::escape::escape_text;
use crate::model::{DeploymentLifecycleStage, ServiceDeployment};
use crate::tui::state::app::AppState;
use crate::tui::state::list::Row as _;
use crate::tui::state::pane_id::PaneId;
use crate::tui::state::services::ServiceRow;
use crate::tui::theme::Theme;
use crate::tui::view::metrics::{spark_cell, spark_columns};
use crate::tui::view::table::{Columns, ListTable, PaneBox, clip_line, fit_text, lengths, title};
use chrono::{DateTime, Utc};

const HEADER: [&str; 7] = [
    "STATE",
    "CLUSTER",
    "SERVICE",
    "RUN/DES(PEND)",
    "ROLLOUT",
    "TASK DEF",
    "DEPLOYED",
];
/// What a header shows when its column is narrower than it.
/// The counts' short forms keep `(P)` over the pending count `(0)` as narrow as its values.
const SHORT: [&str; 7] = [
    "STATE",
    "CLUSTER",
    "SERVICE",
    "RUN/DES(P)|RUN/D (P)|R/D (P)",
    "ROLLOUT",
    "TASK DEF",
    "AGE",
];
/// The least useful give way first: when it was deployed, the counts' header (to
/// `RUN/DES`), the task definition, the rollout state, then the names; the state never does.
const GIVE_ORDER: [usize; 6] = [6, 3, 5, 4, 2, 1];
const MIN_WIDTHS: [usize; 7] = [10, 8, 8, 7, 9, 8, 3];

/// A service row's texts, in `HEADER` order.
fn cells(r: &ServiceRow, now: chrono::DateTime<chrono::Utc>) -> Vec<String> {
    let s = &r.service;
    vec![
        if r.awaiting() {
            AWAITING.to_string()
        } else {
            r.steadiness.label().to_string()
        },
        s.cluster.clone(),
        s.name.clone(),
        format!(
            "{}/{} ({})",
            s.running_count, s.desired_count, s.pending_count
        ),
        r.live
            .as_ref()
            .map_or_else(|| r.rollout().to_string(), |d| live_text(d, now)),
        r.task_def().to_string(),
        short_age(r.deployed_at(), now),
    ]
}

/// The state of a service whose deployment waits for a person at a lifecycle hook.
const AWAITING: &str = "◆ AWAITING";

/// ECS's deployment in flight in a few words, in place of the rollout state: at a paused
/// hook what happens by itself and when (`ROLLBACK in 6m40s`; the state says `◆ AWAITING`
/// you), `canary 10% · bake 4m12s left` while baking, else the strategy, traffic and stage.
pub fn live_text(d: &ServiceDeployment, now: chrono::DateTime<chrono::Utc>) -> String {
    if let Some(h) = d.awaiting_hook() {
        let left = countdown(h.expires_at, now);
        let when = left.strip_suffix(" left");
        return match (when, h.timeout_action.as_ref()) {
            (Some(t), Some(action)) => format!("{action} in {t}"),
            _ => left,
        };
    }
    let words = stage_words(d);
    // The bake started when the deployment last moved (its stage changed to BAKE_TIME).
    match (&d.lifecycle_stage, d.bake_time_minutes, d.updated_at) {
        (Some(DeploymentLifecycleStage::BakeTime), Some(m), Some(at)) => {
            let ends = at + chrono::Duration::minutes(i64::from(m));
            let bake = format!("bake {}", countdown(Some(ends), now));
            match words.rsplit_once(" · ") {
                Some((head, _)) => format!("{head} · {bake}"),
                None => bake,
            }
        }
        _ => words,
    }
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    let pane = &state.services;
    let mut name = "Services".to_string();
    if let Some(c) = &pane.cluster_scope {
        name = format!("Services in {c}");
    }
    let empty = if state.places.many_in_view() {
        "no services in these accounts and regions"
    } else {
        "no services in this account and region"
    };
    let title = title(&name, &pane.list, &pane.loader, state, theme);
    let Some(rest) = PaneBox::new(title, PaneId::Services, &pane.loader)
        .rows(!pane.list.rows.is_empty(), "services", empty)
        .draw(frame, area, state, theme)
    else {
        return;
    };
    let why = why_area_lines(state, theme);
    let (rest, why_area) = split_why(rest, &why, pane.list.visible.len());
    if let Some(area) = why_area {
        let width = usize::from(area.width);
        let why: Vec<Line<'static>> = why.into_iter().map(|l| clip_line(l, width)).collect();
        frame.render_widget(Paragraph::new(why), area);
    }
    let now = state.now;
    let placed = state.places.many_in_view();
    let columns = Columns::new(&HEADER, &SHORT, &MIN_WIDTHS, &GIVE_ORDER, placed);
    let row_texts = |r: &ServiceRow| columns.row(state, r.place, cells(r, now));
    let texts: Vec<Vec<String>> = pane.list.visible_rows().map(row_texts).collect();
    // The sparklines take only the room the other columns leave at their full width.
    let natural = columns.list_widths(&texts, u16::MAX);
    let shown = natural.iter().filter(|w| **w > 0).count();
    let used = natural.iter().sum::<usize>() + shown.saturating_sub(1) + 3;
    let sparks = spark_columns(state, usize::from(rest.width).saturating_sub(used));
    let spark_room: usize = sparks.iter().map(|(_, w)| w + 1).sum();
    let table_width = rest
        .width
        .saturating_sub(u16::try_from(spark_room).unwrap_or(0));
    let mut widths = columns.list_widths(&texts, table_width);
    let mut header = columns.header_texts(&widths);
    for (which, w) in &sparks {
        widths.push(*w);
        header.push(which.header().to_string());
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let lead = columns.lead;
    ListTable::plain(&pane.list, &header, &lengths(&widths)).render(frame, rest, theme, |r| {
        let text = row_texts(r);
        let fit = |i: usize, id: bool| fit_text(&text[i + lead], widths[i + lead], id);
        let mut c: Vec<Cell<'static>> = (0..lead)
            .map(|i| Cell::from(fit_text(&text[i], widths[i], false)))
            .collect();
        c.extend([
            Cell::from(Span::styled(
                fit(0, false),
                if r.awaiting() {
                    theme.warn()
                } else {
                    theme.steadiness(r.steadiness)
                },
            )),
            Cell::from(fit(1, true)),
            Cell::from(fit(2, true)),
            Cell::from(fit(3, false)),
            if r.awaiting() {
                Cell::from(Span::styled(fit(4, false), theme.warn()))
            } else {
                Cell::from(fit(4, false))
            },
            Cell::from(fit(5, true)),
            Cell::from(fit(6, false)),
        ]);
        c.extend(
            sparks
                .iter()
                .map(|(which, w)| Cell::from(spark_cell(state, &r.service, *which, *w, theme))),
        );
        c
    });
}

/// Other services not steady the why area names after the selected one, at the most.
const MORE_WHYS: usize = 4;

/// The table's area and, below it, the why lines (`lines`): the selected service's two
/// always (when the pane is tall enough to spare them), the others' only where the
/// table's `rows` (and its header) still fit above them.
fn split_why(area: Rect, lines: &[Line<'_>], rows: usize) -> (Rect, Option<Rect>) {
    if area.height < 8 || lines.is_empty() {
        return (area, None);
    }
    let table_needs = u16::try_from(rows + 1).unwrap_or(u16::MAX);
    let spare = area.height.saturating_sub(table_needs);
    let wanted = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let height = wanted.min(spare).max(2);
    let [table, why] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(height)]).areas(area);
    (table, Some(why))
}

/// The why area's lines: the selected service in two (why it is not steady, or waits for
/// a person, or its last deployment), then a line for each other service not steady, in
/// the table's order — so the failing service's reason is on the first screen even when
/// another row is selected.
fn why_area_lines(state: &AppState, theme: Theme) -> Vec<Line<'static>> {
    let pane = &state.services;
    let Some(selected) = pane.list.selected_row() else {
        return Vec::new();
    };
    let now = state.now;
    let mut lines = head_lines(
        &selected.service,
        selected.live.as_ref().filter(|_| selected.awaiting()),
        pane.why_of(selected).as_ref(),
        now,
        theme,
    );
    lines.extend(crate::tui::view::metrics::selected_line(
        state,
        &selected.service,
        theme,
    ));
    if lines.len() < 2 {
        lines.push(Line::raw(""));
    }
    let others = pane
        .list
        .visible_rows()
        .filter(|r| {
            r.key() != selected.key() && (!r.steadiness.is_steady() || r.awaiting() || r.firing())
        })
        .take(MORE_WHYS);
    for r in others {
        let what = match (r.live.as_ref().filter(|_| r.awaiting()), pane.why_of(r)) {
            (None, Some(w)) if w.steady => w.headline(now),
            (Some(d), _) => format!("{AWAITING} · {}", live_text(d, now)),
            (None, Some(w)) => format!("{} · {}", r.steadiness.label(), w.headline(now)),
            (None, None) => r.steadiness.label().to_string(),
        };
        lines.push(Line::styled(
            format!(
                "{}: {}{}",
                r.service.name,
                crate::tui::view::metrics::memory_prefix(state, &r.service),
                escape_text(&what)
            ),
            theme.dim(),
        ));
    }
    lines.extend(crate::tui::view::metrics::insights_note(state, theme));
    lines
}

/// A service's state in a line or two, under the Services table and at the head of
/// Detail: waiting for a person at a hook (`awaiting`), else its why.
pub fn head_lines(
    service: &Service,
    awaiting: Option<&ServiceDeployment>,
    judged: Option<&Why>,
    now: DateTime<Utc>,
    theme: Theme,
) -> Vec<Line<'static>> {
    match awaiting {
        Some(d) => awaiting_lines(service, d, now, theme),
        None => why_lines(service, judged, now, theme),
    }
}

/// A service whose deployment waits for a person at a lifecycle hook: where, what happens
/// by itself and when, and the keys that act.
fn awaiting_lines(
    service: &Service,
    d: &ServiceDeployment,
    now: DateTime<Utc>,
    theme: Theme,
) -> Vec<Line<'static>> {
    let stage = d
        .lifecycle_stage
        .as_ref()
        .map_or_else(|| "a lifecycle hook".to_string(), ToString::to_string);
    vec![
        Line::from(vec![
            Span::styled(format!("{}: ", service.name), theme.bold()),
            Span::styled(format!("{AWAITING} · "), theme.warn()),
            Span::raw(format!(
                "{} · its deployment waits for you at {stage}",
                live_text(d, now)
            )),
        ]),
        Line::styled(
            "  R rolls it back now · o continues it (in Detail d or the history h)",
            theme.dim(),
        ),
    ]
}

/// A service in a line or two: why it is not steady (its failed stops, ECS's verdict, its
/// last event; `judged` when its stopped tasks were read), or its last deployment when it
/// is. Below the Services table and at the head of Detail.
pub fn why_lines(
    service: &Service,
    judged: Option<&Why>,
    now: DateTime<Utc>,
    theme: Theme,
) -> Vec<Line<'static>> {
    let health = steadiness(service);
    let name = Span::styled(format!("{}: ", service.name), theme.bold());
    if let Some(w) = judged.filter(|w| w.steady) {
        // Steady, but an alarm of it is in ALARM: the alarm and CloudWatch's reason.
        let mut lines = vec![Line::from(vec![
            name,
            Span::styled(escape_text(&w.headline(now)).into_owned(), theme.warn()),
        ])];
        if let Some(detail) = w.detail(now) {
            lines.push(Line::styled(
                format!("  {}", escape_text(&detail)),
                theme.dim(),
            ));
        }
        return lines;
    }
    if health.is_steady() {
        return vec![Line::from(vec![
            name,
            Span::styled(steady_line(service, now), theme.dim()),
        ])];
    }
    let state_word = Span::styled(format!("{} · ", health.label()), theme.steadiness(health));
    let (headline, detail) = match judged {
        Some(w) => (w.headline(now), w.detail(now)),
        // Its stopped tasks are still being read: what the service itself says.
        None => (
            "reading its stopped tasks…".to_string(),
            why(service, &[], now).and_then(|w| w.detail(now)),
        ),
    };
    let mut lines = vec![Line::from(vec![
        name,
        state_word,
        Span::raw(escape_text(&headline).into_owned()),
    ])];
    if let Some(detail) = detail {
        lines.push(Line::styled(
            format!("  {}", escape_text(&detail)),
            theme.dim(),
        ));
    }
    lines
}
