//! The Tasks pane's metrics drawn: the selected task's own memory and CPU (Container
//! Insights with enhanced observability) in one line under the table, or — when no task
//! had a point — one line saying enhanced observability is off (the setting to turn on); a
//! failed read is one line too, never a pane error. Detail of the same service lists each
//! task's line once the Tasks pane read them. The table's sparkline columns come from
//! [`super::metrics::spark_fit`] and [`super::metrics::spark_span`].

use ratatui::text::{Line, Span};

use super::metrics::{read_note, usage_line, usage_or};
use crate::analysis::metrics::MetricSource;
use crate::model::Service;
use crate::model::escape::escape_text;
use crate::tui::state::app::AppState;
use crate::tui::theme::Theme;

/// The line for task `task_id` under the table; `None` before the first read answered.
pub fn task_line(state: &AppState, task_id: &str, theme: Theme) -> Option<Line<'static>> {
    let metrics = &state.tasks.metrics;
    if let Err(note) = read_note(&metrics.loader, "task metrics", theme) {
        return note;
    }
    if !metrics.any_data {
        let cluster = state
            .tasks
            .target
            .as_ref()
            .map(|t| t.cluster.clone())
            .unwrap_or_default();
        return Some(Line::styled(
            format!(
                "task metrics: none — Container Insights' enhanced observability is off in \
                 {} (containerInsights=enhanced)",
                escape_text(&cluster)
            ),
            theme.dim(),
        ));
    }
    Some(usage_or(
        metrics.of(task_id),
        Span::styled("task ", theme.dim()),
        "task metrics: no CPU or memory data for this task in the last hour",
        theme,
    ))
}

/// Detail's per-task lines: each task of `service` with points, as the Tasks pane read
/// them (nothing until it has, or when no task had any).
pub fn detail_lines(state: &AppState, service: &Service, theme: Theme) -> Vec<Line<'static>> {
    let pane = &state.tasks;
    let same = pane
        .target
        .as_ref()
        .is_some_and(|t| t.is_service(&service.cluster, &service.name));
    if !same || !pane.metrics.shown() {
        return Vec::new();
    }
    let mut out = vec![Line::styled(
        "Tasks' own metrics (enhanced observability, last hour)",
        theme.heading(),
    )];
    for row in pane.list.rows.iter().take(DETAIL_TASKS) {
        if let Some(m) = pane
            .metrics
            .of(&row.task.id)
            .filter(|m| m.source != MetricSource::NoData)
        {
            let lead = Span::styled(format!("  {} ", row.task.id), theme.dim());
            out.push(usage_line(lead, m, theme));
        }
    }
    out
}

/// The most tasks Detail lists.
const DETAIL_TASKS: usize = 10;
