//! ECS Exec readiness as the Tasks and Detail panes show it: ready, or why not and what
//! to change (`analysis::exec`), and the port forwards running under the console.

use ratatui::text::{Line, Span};

use crate::analysis::exec::exec_blocker;
use crate::model::{Service, Task};
use crate::tui::state::app::AppState;
use crate::tui::theme::Theme;

/// The selected running task's line: `exec ✓ ready (e shell · p forward)` or
/// `exec ✗ <why>`. Its service's setting is not known here; the task's own is.
pub fn task_exec_line(task: &Task, theme: Theme) -> Line<'static> {
    match exec_blocker(task, None, None) {
        None => Line::from(vec![
            Span::styled("exec ✓ ready", theme.good()),
            Span::styled(" — e opens a shell, p forwards a port", theme.dim()),
        ]),
        Some(why) => Line::from(vec![Span::styled("exec ✗ ", theme.bad()), Span::raw(why)]),
    }
}

/// The service's line in Detail: ECS Exec on or off, and how many of its running tasks
/// (when the Tasks pane holds them) it can reach.
pub fn service_exec_line(state: &AppState, service: &Service, theme: Theme) -> Line<'static> {
    let live: Vec<&Task> = if state
        .tasks
        .target
        .as_ref()
        .is_some_and(|t| t.is_service(&service.cluster, &service.name))
    {
        state
            .tasks
            .list
            .rows
            .iter()
            .map(|r| &r.task)
            .filter(|t| t.is_live())
            .collect()
    } else {
        Vec::new()
    };
    let ready = live
        .iter()
        .filter(|t| exec_blocker(t, Some(service.enable_execute_command), None).is_none())
        .count();
    let counts = if live.is_empty() {
        String::new()
    } else {
        format!(" · ready in {ready} of {} live tasks", live.len())
    };
    if service.enable_execute_command {
        Line::from(vec![
            Span::styled("ECS Exec on", theme.good()),
            Span::raw(format!(" (enableExecuteCommand){counts}")),
        ])
    } else {
        Line::from(vec![
            Span::styled("ECS Exec off", theme.warn()),
            Span::raw(format!(
                " — `aws ecs update-service --cluster {} --service {} --enable-execute-command \
                 --force-new-deployment`{counts}",
                service.cluster, service.name
            )),
        ])
    }
}
