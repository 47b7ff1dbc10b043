//! Tasks pane: the tasks of one service, then the service's EBS volumes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use super::table::{ListTable, clip, load_area, title};
use crate::analysis::age::short_age;
use crate::analysis::health::steadiness;
use crate::tui::app::AppState;
use crate::tui::theme::Theme;

const HEADER: [&str; 6] = [
    "TASK",
    "LAST/DESIRED",
    "HEALTH",
    "STARTED",
    "VOLUMES",
    "STOPPED REASON",
];

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    let pane = &state.tasks;
    let Some((cluster, service)) = &pane.target else {
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
    let [top, bottom] = Layout::vertical([
        Constraint::Min(6),
        Constraint::Length(vol_rows.min(area.height / 2)),
    ])
    .areas(area);
    let name = format!("Tasks of {cluster}/{service}");
    let block = Block::bordered().title(title(&name, &pane.list, &pane.loader, state, theme));
    let inner = block.inner(top);
    frame.render_widget(block, top);
    let [summary, list_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    frame.render_widget(summary_line(state, cluster, service, theme), summary);
    if let Some(rest) = load_area(
        frame,
        list_area,
        &pane.loader,
        !pane.list.rows.is_empty(),
        ("tasks", "no running or recently stopped tasks"),
        state,
        theme,
    ) {
        let wide = rest.width >= 110;
        let id_width: u16 = if wide { 36 } else { 13 };
        let widths = [
            Constraint::Length(id_width),
            Constraint::Length(17),
            Constraint::Length(9),
            Constraint::Length(7),
            Constraint::Min(21),
            Constraint::Fill(1),
        ];
        let now = state.now;
        ListTable {
            list: &pane.list,
            header: &HEADER,
            widths: &widths,
            block: Block::default(),
            focused: true,
        }
        .render(frame, rest, theme, |r| {
            let t = &r.task;
            let status = format!("{}/{}", t.last_status, t.desired_status);
            let status_style = if t.is_live() {
                theme.good()
            } else {
                theme.bad()
            };
            let vols: Vec<&str> = t.volumes.iter().map(|v| v.volume_id.as_str()).collect();
            vec![
                Cell::from(clip(&t.id, usize::from(id_width))),
                Cell::from(Span::styled(status, status_style)),
                Cell::from(t.health_status.clone().unwrap_or_else(|| "-".into())),
                Cell::from(short_age(t.started_at, now)),
                Cell::from(if vols.is_empty() {
                    "-".into()
                } else {
                    vols.join(" ")
                }),
                Cell::from(t.stopped_reason.clone().unwrap_or_default()),
            ]
        });
    }
    draw_volumes(frame, bottom, state, theme);
}

fn summary_line(state: &AppState, cluster: &str, service: &str, theme: Theme) -> Line<'static> {
    match state.services.find(cluster, service) {
        Some(s) => {
            let st = steadiness(s);
            Line::from(vec![
                Span::styled(st.label(), theme.steadiness(st)),
                Span::raw(format!(
                    "  {}/{} running, {} pending · task definition {}",
                    s.running_count,
                    s.desired_count,
                    s.pending_count,
                    crate::model::arn_name(&s.task_definition)
                )),
            ])
        }
        None => Line::styled("service not in the loaded list", theme.dim()),
    }
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
    let rows: Vec<Row<'static>> = pane
        .volumes
        .iter()
        .map(|v| {
            let state_text = v.state.clone().unwrap_or_else(|| "?".into());
            let style = if state_text == "in-use" {
                theme.good()
            } else {
                theme.warn()
            };
            Row::new(vec![
                Cell::from(v.id.clone()),
                Cell::from(
                    v.size_gib
                        .map_or_else(|| "?".into(), |s| format!("{s} GiB")),
                ),
                Cell::from(v.volume_type.clone().unwrap_or_else(|| "?".into())),
                Cell::from(Span::styled(state_text, style)),
                Cell::from(match v.delete_on_termination {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "-",
                }),
                Cell::from(match &v.task {
                    Some(t) => format!("task {t}"),
                    None if v.attached_to.is_empty() => "tagged with the service".into(),
                    None => format!("tagged; attached to {}", v.attached_to.join(", ")),
                }),
            ])
        })
        .collect();
    let widths = [
        Constraint::Length(21),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(10),
        Constraint::Length(11),
        Constraint::Fill(1),
    ];
    let header = Row::new([
        "VOLUME",
        "SIZE",
        "TYPE",
        "STATE",
        "DEL-ON-TERM",
        "TASK / WHY LISTED",
    ])
    .style(theme.table_header());
    frame.render_widget(Table::new(rows, widths).header(header), inner);
}
