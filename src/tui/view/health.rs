//! Detail's load-balancer and alarm sections: each target group's counts with every
//! target (its task, state and AWS's reason), and the service's CloudWatch alarms with
//! their state and reason. A service with neither gets no lines.

use ratatui::text::{Line, Span};

use crate::analysis::targets::{group_counts, target_group_name};
use crate::model::escape::escape;
use crate::model::{AlarmStateValue, Service, TargetHealthState};
use crate::tui::state::app::AppState;
use crate::tui::theme::Theme;

/// How many targets Detail lists (the worst first).
const TARGETS_SHOWN: usize = 8;

/// The target groups of the service shown in Detail, with their targets.
pub fn target_lines(state: &AppState, theme: Theme) -> Vec<Line<'static>> {
    let Some(data) = &state.detail.data else {
        return Vec::new();
    };
    let targets = &data.health.targets;
    if !targets.has_groups() && targets.errors.is_empty() {
        return Vec::new();
    }
    let mut out = vec![
        Line::raw(""),
        Line::styled("Load balancer target health", theme.heading()),
    ];
    for e in &targets.errors {
        out.push(Line::styled(format!("  ✗ {}", escape(e)), theme.bad()));
    }
    for counts in group_counts(&targets.target_groups, &targets.targets) {
        let style = if counts.unhealthy > 0 {
            theme.bad()
        } else {
            theme.dim()
        };
        out.push(Line::from(vec![
            Span::styled(
                format!(
                    "  {}  ",
                    escape(target_group_name(&counts.target_group_arn))
                ),
                theme.bold(),
            ),
            Span::styled(counts.line(), style),
        ]));
    }
    for (t, task) in data.health.target_tasks.iter().take(TARGETS_SHOWN) {
        let at = t
            .port
            .map_or_else(|| t.target_id.clone(), |p| format!("{}:{p}", t.target_id));
        let task = task
            .as_deref()
            .map_or_else(|| "no task of it".to_string(), |id| format!("task {id}"));
        let mut text = format!("    {at} ({task}) {}", t.state);
        if let Some(reason) = t.reason_line() {
            text = format!("{text} — {reason}");
        }
        let style = if t.state == TargetHealthState::Healthy {
            theme.dim()
        } else {
            theme.bad()
        };
        out.push(Line::styled(escape(&text).into_owned(), style));
    }
    out
}

/// The service's alarms: deployment alarms and those on its ECS dimensions, in ALARM first.
pub fn alarm_lines(
    state: &AppState,
    place: Option<usize>,
    service: &Service,
    theme: Theme,
) -> Vec<Line<'static>> {
    let alarms = state.services.alarms_for(place, service);
    let error = state.services.alarms_error(place);
    if alarms.is_empty() && error.is_none() {
        return Vec::new();
    }
    let mut out = vec![Line::raw(""), Line::styled("Alarms", theme.heading())];
    if let Some(e) = error {
        out.push(Line::styled(format!("  ✗ {}", escape(e)), theme.bad()));
    }
    for a in alarms {
        let style = match a.state {
            AlarmStateValue::Alarm => theme.bad(),
            AlarmStateValue::Ok => theme.good(),
            _ => theme.warn(),
        };
        let mut spans = vec![
            Span::styled(format!("  {:<17} ", a.state.as_str()), style),
            Span::styled(escape(&a.name).into_owned(), theme.bold()),
        ];
        if let Some(reason) = &a.reason {
            spans.push(Span::styled(format!("  {}", escape(reason)), theme.dim()));
        }
        out.push(Line::from(spans));
    }
    out
}
