//! Tasks pane: the tasks of one service (with narrow CPU and MEM sparkline columns of each
//! task's own metrics where the row has room), then the service's EBS volumes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use crate::analysis::age::short_age;
use crate::model::escape::escape;
use crate::tui::state::app::AppState;
use crate::tui::state::service_ref::ServiceRef;
use crate::tui::state::tasks::TaskRow;
use crate::tui::theme::Theme;
use crate::tui::view::metrics::{Which, spark_fit, spark_span};
use crate::tui::view::table::{
    ListTable, content_widths, elide_middle, fit_columns, fit_text, header_for, lengths, load_area,
    title,
};
use crate::tui::view::task_metrics::task_line;

const HEADER: [&str; 8] = [
    "TASK",
    "REV",
    "LAST/DESIRED",
    "HEALTH",
    "STARTED",
    "STOP",
    "VOLUMES",
    "TG",
];

/// The least useful columns give way first: volumes, then the id (elided in the middle),
/// then health and started; the revision, status and the stop class stay.
const GIVE_ORDER: [usize; 5] = [6, 0, 3, 4, 7];
const MIN_WIDTHS: [usize; 8] = [12, 3, 12, 7, 5, 6, 12, 9];

/// A task row's texts, in `HEADER` order.
fn cells(r: &TaskRow, state: &AppState) -> [String; 8] {
    let t = &r.task;
    let vols: Vec<&str> = t.volumes.iter().map(|v| v.volume_id.as_str()).collect();
    [
        t.id.clone(),
        revision(&t.task_definition),
        format!("{}/{}", t.last_status, t.desired_status),
        t.health_status.clone().unwrap_or_else(|| "-".into()),
        short_age(t.started_at, state.now),
        r.stop
            .as_ref()
            .map_or_else(|| "-".into(), |d| d.class.label().to_string()),
        if vols.is_empty() {
            "-".into()
        } else {
            vols.join(" ")
        },
        r.target_cell(),
    ]
}

/// The selected task's load-balancer target: group, address, state and AWS's reason.
fn target_line(row: &TaskRow, theme: Theme) -> Option<Line<'static>> {
    let t = row.targets.first()?;
    let at = t
        .port
        .map_or_else(|| t.target_id.clone(), |p| format!("{}:{p}", t.target_id));
    let healthy = t.state == crate::model::TargetHealthState::Healthy;
    let mut text = format!(
        "target {} {at}: {}",
        crate::analysis::targets::target_group_name(&t.target_group_arn),
        t.state
    );
    if let Some(reason) = t.reason_line() {
        text = format!("{text} — {reason}");
    }
    let style = if healthy { theme.dim() } else { theme.bad() };
    Some(Line::styled(escape(&text).into_owned(), style))
}

/// A task's revision from its task definition ARN (`…/checkout:3` → `:3`), so tasks of
/// two revisions differ during a rollout; `-` when the ARN carries none.
fn revision(task_definition: &str) -> String {
    crate::model::arn_name(task_definition)
        .rsplit_once(':')
        .map_or_else(|| "-".into(), |(_, rev)| format!(":{rev}"))
}

/// Widths from the rows' content and the pane's width (see `fit_columns`).
fn task_widths(cells: &[[String; 8]], width: u16) -> Vec<usize> {
    let natural = natural_widths(cells);
    // The ListTable's selection symbol, marker and their gap take 3 columns.
    let available = usize::from(width).saturating_sub(3);
    fit_columns(&natural, &MIN_WIDTHS, &GIVE_ORDER, available, 1)
}

/// The sparkline columns the row has room for once every other column has its full width
/// (they never take an id's room), and the table width left for the others.
fn task_sparks(state: &AppState, cells: &[[String; 8]], width: u16) -> (Vec<(Which, usize)>, u16) {
    let natural = natural_widths(cells);
    let shown = natural.iter().filter(|w| **w > 0).count();
    let used = natural.iter().sum::<usize>() + shown.saturating_sub(1) + 3;
    let sparks = spark_fit(
        state.tasks.metrics.shown(),
        usize::from(width).saturating_sub(used),
    );
    let room: usize = sparks.iter().map(|(_, w)| w + 1).sum();
    (
        sparks,
        width.saturating_sub(u16::try_from(room).unwrap_or(0)),
    )
}

/// Each column's widest text (a column whose every value is `-` — no health checks, no
/// volumes — is dropped).
fn natural_widths(cells: &[[String; 8]]) -> Vec<usize> {
    (0..HEADER.len())
        .map(|i| {
            let widest = cells
                .iter()
                .filter(|c| c[i] != "-")
                .map(|c| c[i].chars().count())
                .max()
                .unwrap_or(0);
            if widest == 0 && i != 0 {
                0
            } else {
                widest.max(HEADER[i].chars().count())
            }
        })
        .collect()
}

/// Below the table: the selected task's class and hint, then its full stopped reason
/// (wrapped, so nothing is cut at 80 columns).
fn why_lines(
    row: Option<&TaskRow>,
    targets_error: Option<&str>,
    state: &AppState,
    theme: Theme,
) -> Paragraph<'static> {
    let Some(row) = row else {
        return Paragraph::new("");
    };
    let Some(d) = &row.stop else {
        let mut lines = vec![Line::styled(
            format!("task {} is running", row.task.id),
            theme.dim(),
        )];
        lines.extend(target_line(row, theme));
        if let Some(e) = targets_error {
            lines.push(Line::styled(format!("✗ {}", escape(e)), theme.bad()));
        }
        // Exec readiness before the metrics: at 80 columns the metrics line wraps, and
        // its tail is what the pane's four lines cut.
        lines.push(crate::tui::view::exec::task_exec_line(&row.task, theme));
        lines.extend(task_line(state, &row.task.id, theme));
        return Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false });
    };
    let style = if d.class.is_failure() {
        theme.bad()
    } else {
        theme.dim()
    };
    let mut reason = row.task.stopped_reason.as_deref().map_or_else(
        || "no stopped reason given".into(),
        |r| escape(r).into_owned(),
    );
    if let Some(code) = &row.task.stop_code {
        reason = format!("{reason} ({code})");
    }
    for c in &row.task.containers {
        if let Some(why) = &c.reason {
            reason = format!("{reason} · {}: {}", c.name, escape(why));
        } else if let Some(code) = c.exit_code.filter(|&c| c != 0) {
            reason = format!("{reason} · {} exit {code}", c.name);
        }
    }
    Paragraph::new(vec![
        Line::from(vec![
            Span::styled(
                format!("{}: ", d.class.label()),
                style.add_modifier(ratatui::style::Modifier::BOLD),
            ),
            Span::raw(d.console_hint()),
        ]),
        Line::styled(reason, theme.dim()),
    ])
    .wrap(ratatui::widgets::Wrap { trim: false })
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    let pane = &state.tasks;
    let Some(target) = &pane.target else {
        let block = Block::bordered().title(" Tasks ");
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(
            Paragraph::new("No service chosen: select one in Services (1) and press Enter."),
            inner,
        );
        return;
    };
    let vol_rows = pane.volumes.len().max(1) as u16 + 3;
    let task_vols = selected_task_volumes(state, theme);
    // Rows after wrapping, plus the borders.
    let inner_w = usize::from(area.width.saturating_sub(2)).max(1);
    let wrapped: usize = task_vols
        .iter()
        .map(|l| l.width().max(1).div_ceil(inner_w))
        .sum();
    let task_vols_h = if task_vols.is_empty() {
        0
    } else {
        (u16::try_from(wrapped).unwrap_or(u16::MAX).saturating_add(2)).min(area.height / 3)
    };
    let [top, middle, bottom] = Layout::vertical([
        Constraint::Min(6),
        Constraint::Length(task_vols_h),
        Constraint::Length(vol_rows.min(area.height / 2)),
    ])
    .areas(area);
    if task_vols_h > 0 {
        let id = pane
            .list
            .selected_row()
            .map(|r| r.task.id.clone())
            .unwrap_or_default();
        frame.render_widget(
            Paragraph::new(task_vols)
                .wrap(ratatui::widgets::Wrap { trim: false })
                .block(Block::bordered().title(Span::styled(
                    format!(" Volumes of task {} ", elide_middle(&id, 14)),
                    theme.bold(),
                ))),
            middle,
        );
    }
    let name = tasks_title(state, target);
    let block = Block::bordered().title(title(&name, &pane.list, &pane.loader, state, theme));
    let inner = block.inner(top);
    frame.render_widget(block, top);
    let [summary, list_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    frame.render_widget(summary_line(state, target, theme), summary);
    if let Some(rest) = load_area(
        frame,
        list_area,
        &pane.loader,
        !pane.list.rows.is_empty(),
        ("tasks", "no running or recently stopped tasks"),
        state,
        theme,
    ) {
        let [table_area, why_area] =
            // Up to four lines: the class and hint, then the full reason, each wrapped.
            Layout::vertical([Constraint::Fill(1), Constraint::Length(4)]).areas(rest);
        let texts: Vec<[String; 8]> = pane.list.visible_rows().map(|r| cells(r, state)).collect();
        let (sparks, table_width) = task_sparks(state, &texts, table_area.width);
        let mut widths = task_widths(&texts, table_width);
        let mut header: Vec<&str> = HEADER.to_vec();
        for (which, w) in &sparks {
            widths.push(*w);
            header.push(which.header());
        }
        ListTable::plain(&pane.list, &header, &lengths(&widths)).render(
            frame,
            table_area,
            theme,
            |r| {
                let mut c = task_cells(r, state, &widths, theme);
                c.extend(sparks.iter().map(|(which, w)| {
                    Cell::from(spark_span(pane.metrics.of(&r.task.id), *which, *w, theme))
                }));
                c
            },
        );
        frame.render_widget(
            why_lines(
                pane.list.selected_row(),
                pane.targets_error.as_deref(),
                state,
                theme,
            ),
            why_area,
        );
    }
    draw_volumes(frame, bottom, state, theme);
}

/// One task row's cells: the id and volumes elided to their widths, the rest cut with `…`
/// (never `HEALTHY` shown as `HEALTH`), status and stop class coloured.
fn task_cells(r: &TaskRow, state: &AppState, widths: &[usize], theme: Theme) -> Vec<Cell<'static>> {
    let text = cells(r, state);
    let status_style = if r.task.is_live() {
        theme.good()
    } else {
        theme.bad()
    };
    let stop_style = match &r.stop {
        Some(d) if d.class.is_failure() => theme.bad(),
        _ => theme.dim(),
    };
    let [id, rev, status, health, started, stop, vols, tg] = text;
    let tg_style = match r.targets.first() {
        Some(t) if t.state == crate::model::TargetHealthState::Healthy => theme.good(),
        Some(_) => theme.bad(),
        None => theme.dim(),
    };
    vec![
        Cell::from(elide_middle(&id, widths[0])),
        Cell::from(rev),
        Cell::from(Span::styled(status, status_style)),
        Cell::from(fit_text(&health, widths[3], false)),
        Cell::from(fit_text(&started, widths[4], false)),
        Cell::from(Span::styled(fit_text(&stop, widths[5], false), stop_style)),
        Cell::from(elide_middle(&vols, widths[6])),
        Cell::from(Span::styled(fit_text(&tg, widths[7], false), tg_style)),
    ]
}

/// The selected task's volumes of every kind, when its task definition declares any (or
/// they failed to load); none otherwise, so the pane keeps its room.
fn selected_task_volumes(state: &AppState, theme: Theme) -> Vec<Line<'static>> {
    let pane = &state.tasks;
    if let Some(e) = &pane.storage_error {
        return vec![Line::styled(
            format!("✗ task-definition volumes failed to load: {e}"),
            theme.bad(),
        )];
    }
    let Some(row) = pane.list.selected_row() else {
        return Vec::new();
    };
    let declared = pane
        .storage
        .get(&row.task.task_definition)
        .is_some_and(|s| !s.volumes.is_empty() || s.ephemeral_storage_gib.is_some());
    match pane.selected_volumes() {
        Some((vols, ephemeral)) if declared => crate::tui::view::volumes::mounted_lines(
            &vols,
            ephemeral,
            &[],
            row.task.availability_zone.as_deref(),
            theme,
        ),
        _ => Vec::new(),
    }
}

/// "Tasks of cluster/service", with its place over several places.
fn tasks_title(state: &AppState, target: &ServiceRef) -> String {
    format!("Tasks of {}/{}", target.cluster, target.service) + &state.places.suffix(target.place)
}

fn summary_line(state: &AppState, target: &ServiceRef, theme: Theme) -> Line<'static> {
    let (cluster, service) = (&target.cluster, &target.service);
    let mut line = match state.services.find_at(target.place, cluster, service) {
        Some(s) => crate::tui::view::detail::counts_line(s, theme, false),
        None => Line::styled("service not in the loaded list", theme.dim()),
    };
    if let Some(e) = &state.tasks.targets_error {
        line.spans
            .push(Span::styled(format!(" · ✗ {}", escape(e)), theme.bad()));
    }
    line
}

const VOLUME_HEADER: [&str; 6] = [
    "VOLUME",
    "SIZE",
    "TYPE",
    "STATE",
    "DEL-ON-TERM",
    "TASK / WHY LISTED",
];
const VOLUME_SHORT: [&str; 6] = [
    "VOLUME",
    "SIZE",
    "TYPE",
    "STATE",
    "DEL",
    "TASK / WHY LISTED",
];

/// A volume row's texts, in `VOLUME_HEADER` order.
fn volume_cells(v: &crate::tui::state::tasks::VolumeRow) -> Vec<String> {
    vec![
        v.id.clone(),
        v.size_gib
            .map_or_else(|| "?".into(), |s| format!("{s} GiB")),
        v.volume_type.clone().unwrap_or_else(|| "?".into()),
        v.state.clone().unwrap_or_else(|| "?".into()),
        match v.delete_on_termination {
            Some(true) => "yes",
            Some(false) => "no",
            None => "-",
        }
        .to_string(),
        match &v.task {
            Some(t) => format!("task {t}"),
            None if v.attached_to.is_empty() => "tagged with the service".into(),
            None => format!("tagged; attached to {}", v.attached_to.join(", ")),
        },
    ]
}

fn draw_volumes(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    let pane = &state.tasks;
    let block = Block::bordered().title(Line::from(vec![Span::styled(
        format!(" EBS volumes of the service ({}) ", pane.volumes.len()),
        theme.bold(),
    )]));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if let Some(e) = &pane.volumes_error {
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled("✗ volumes failed to load: ", theme.bad()),
                Span::raw(e.clone()),
            ]))
            .wrap(ratatui::widgets::Wrap { trim: false }),
            inner,
        );
        return;
    }
    if pane.volumes.is_empty() {
        let text = if pane.loader.loaded_once {
            "no EBS volumes attached to its tasks or tagged with this service"
        } else {
            "…"
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme.dim())), inner);
        return;
    }
    let texts: Vec<Vec<String>> = pane.volumes.iter().map(volume_cells).collect();
    // The why gives way first (cut at the end), then the id (elided in the middle).
    let widths = content_widths(
        &VOLUME_HEADER,
        &texts,
        &[12, 6, 3, 6, 3, 16],
        &[5, 0, 4, 2],
        usize::from(inner.width),
    );
    let rows: Vec<Row<'static>> = texts
        .iter()
        .map(|t| {
            let style = if t[3] == "in-use" {
                theme.good()
            } else {
                theme.warn()
            };
            Row::new(
                t.iter()
                    .enumerate()
                    .filter(|(i, _)| widths[*i] > 0)
                    .map(|(i, c)| {
                        let text = fit_text(c, widths[i], i == 0);
                        if i == 3 {
                            Cell::from(Span::styled(text, style))
                        } else {
                            Cell::from(text)
                        }
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let shown: Vec<usize> = widths.iter().copied().filter(|&w| w > 0).collect();
    let header = Row::new(
        (0..VOLUME_HEADER.len())
            .filter(|&i| widths[i] > 0)
            .map(|i| header_for(VOLUME_HEADER[i], VOLUME_SHORT[i], widths[i]))
            .collect::<Vec<_>>(),
    )
    .style(theme.table_header());
    let widths = lengths(&shown);
    frame.render_widget(Table::new(rows, widths).header(header), inner);
}
