//! The Tasks pane's metrics drawn: the selected task's own memory and CPU (Container
//! Insights with enhanced observability) in one line under the table, or — when no task
//! had a point — one line saying enhanced observability is off (the setting to turn on); a
//! failed read is one line too, never a pane error. The table's sparkline columns come
//! from [`super::metrics::spark_fit`] and [`super::metrics::spark_span`].

use ratatui::text::{Line, Span};

use super::metrics::{first_line, usage_spans};
use crate::analysis::metrics::MetricSource;
use crate::model::escape::escape_text;
use crate::tui::state::app::AppState;
use crate::tui::theme::Theme;

/// The line for task `task_id` under the table; `None` before the first read answered.
pub fn task_line(state: &AppState, task_id: &str, theme: Theme) -> Option<Line<'static>> {
    let metrics = &state.tasks.metrics;
    if let Some(error) = metrics.error() {
        return Some(Line::styled(
            format!("task metrics: {}", escape_text(first_line(error))),
            theme.dim(),
        ));
    }
    if !metrics.loader.loaded_once {
        return None;
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
    let Some(m) = metrics
        .of(task_id)
        .filter(|m| m.source != MetricSource::NoData)
    else {
        return Some(Line::styled(
            "task metrics: no CPU or memory data for this task in the last hour",
            theme.dim(),
        ));
    };
    let mut spans = vec![Span::styled("task ", theme.dim())];
    spans.extend(usage_spans("mem", m, &m.memory, theme));
    spans.push(Span::styled(" · ", theme.dim()));
    spans.extend(usage_spans("cpu", m, &m.cpu, theme));
    if let Some(ebs) = &m.ebs {
        spans.push(Span::styled(" · ", theme.dim()));
        spans.extend(usage_spans("ebs", m, ebs, theme));
    }
    Some(Line::from(spans))
}
