//! Detail pane: deployments, newest events, containers with image tag and digest, and the
//! environment with secret-looking values masked. Scrolls with j/k.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::analysis::age::short_age;
use crate::analysis::health::steadiness;
use crate::analysis::in_use::parse_image_ref;
use crate::analysis::volumes::mounted_volumes;
use crate::model::arn_name;
use crate::model::escape::escape;
use crate::model::secret::shown_env_value;
use crate::tui::state::app::AppState;
use crate::tui::state::list::LoadState;
use crate::tui::state::service_ref::ServiceRef;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{draw_scrolled, service_pane_block, spinner};

const MAX_EVENTS: usize = 8;

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    let pane = &state.detail;
    let block = service_pane_block("Detail", pane.target.as_ref(), &pane.loader, state, theme);
    let inner = block.inner(area);
    let lines = lines(state, theme);
    let max = (lines.len() as u16).saturating_sub(inner.height);
    let scroll = pane.scroll.get().min(max);
    pane.scroll.set(scroll);
    draw_scrolled(frame, area, block, lines, scroll);
}

pub fn lines(state: &AppState, theme: Theme) -> Vec<Line<'static>> {
    let pane = &state.detail;
    let Some(ServiceRef {
        place,
        cluster,
        service: name,
    }) = &pane.target
    else {
        return vec![Line::raw("No service chosen.")];
    };
    let Some(service) = state.services.find_at(*place, cluster, name) else {
        return vec![Line::styled(
            "This service is not among the loaded services.",
            theme.warn(),
        )];
    };
    let now = state.now;
    let judged = state.services.why_for(*place, service);
    let mut out = crate::tui::view::services::head_lines(
        service,
        state.services.awaiting_of(service),
        judged.as_ref(),
        now,
        theme,
    );
    out.push(counts_line(service, theme, true));
    out.push(deployment_config_line(service, theme));
    out.push(deploy_settings_line(service, theme));
    out.push(crate::tui::view::exec::service_exec_line(
        state, service, theme,
    ));
    let metrics = crate::tui::view::metrics::detail_lines(state, service, theme);
    if !metrics.is_empty() {
        out.push(Line::raw(""));
        out.extend(metrics);
    }
    out.extend(crate::tui::view::task_metrics::detail_lines(
        state, service, theme,
    ));
    out.extend(crate::tui::view::health::target_lines(state, theme));
    out.extend(crate::tui::view::health::alarm_lines(
        state, *place, service, theme,
    ));
    out.push(Line::raw(""));
    out.extend(deployment_lines(service, now, theme));
    out.push(Line::raw(""));
    out.push(Line::styled("Events (newest first)", theme.heading()));
    for e in service.events.iter().take(MAX_EVENTS) {
        out.push(Line::raw(format!(
            "  {:>4}  {}",
            short_age(e.created_at, now),
            escape(&e.message)
        )));
    }
    if service.events.is_empty() {
        out.push(Line::styled("  no events", theme.dim()));
    }
    out.push(Line::raw(""));
    out.extend(stopped_lines(state, theme));
    out.push(Line::raw(""));
    out.push(Line::styled("Containers", theme.heading()));
    out.extend(container_lines(state, theme));
    if let Some(data) = &pane.data
        && (!data.task_definition.storage.volumes.is_empty()
            || data.task_definition.storage.ephemeral_storage_gib.is_some())
    {
        let storage = &data.task_definition.storage;
        out.push(Line::raw(""));
        out.push(Line::styled(
            "Volumes (where each container mounts them)",
            theme.heading(),
        ));
        out.extend(crate::tui::view::volumes::mounted_lines(
            &mounted_volumes(storage, &[]),
            storage.ephemeral_storage_gib,
            &service.volume_configurations,
            None,
            theme,
        ));
    }
    out
}

/// The service's recently stopped tasks: class, when, hint and the full reason.
fn stopped_lines(state: &AppState, theme: Theme) -> Vec<Line<'static>> {
    let Some(data) = &state.detail.data else {
        return Vec::new();
    };
    let mut out = vec![Line::styled(
        "Stopped tasks (newest first)",
        theme.heading(),
    )];
    if data.stopped.is_empty() {
        out.push(Line::styled("  none recently", theme.dim()));
    }
    for t in &data.stopped {
        let style = if t.class.is_failure() {
            theme.bad()
        } else {
            theme.dim()
        };
        let mark = if t.class.is_failure() { "✗" } else { "·" };
        let when = short_age(t.stopped_at, state.now);
        out.push(Line::from(vec![
            Span::styled(format!("  {mark} {}", t.class.label()), style),
            Span::raw(format!("  {}  {when} ago", t.id)),
        ]));
        out.push(Line::raw(format!("    {}", t.hint)));
        if !t.reason.is_empty() {
            out.push(Line::styled(
                format!("    {}", escape(&t.reason)),
                theme.dim(),
            ));
        }
    }
    out
}

/// Who deploys the service and what stops a bad rollout: the deployment controller, the
/// circuit breaker (enabled, rollback) and the deployment alarms.
/// How ECS deploys the service: strategy, steps, bake time and lifecycle hooks (from
/// DescribeServices' `deploymentConfiguration`); `h` shows its deployments.
fn deploy_settings_line(service: &crate::model::Service, theme: Theme) -> Line<'static> {
    let Some(d) = &service.deploy_settings else {
        return Line::styled(
            "strategy ROLLING (no strategy, bake time or hooks reported) · h history",
            theme.dim(),
        );
    };
    let mut parts = vec![format!(
        "strategy {}",
        d.strategy
            .as_ref()
            .map_or("ROLLING", crate::model::DeploymentStrategy::as_str)
    )];
    if let Some(p) = d.step_percent {
        parts.push(format!(
            "{p:.0}% a step{}",
            d.step_bake_minutes
                .map(|m| format!(", {m}m each"))
                .unwrap_or_default()
        ));
    }
    parts.push(match d.bake_time_minutes {
        Some(m) => format!("bake {m}m"),
        None => "no bake time".to_string(),
    });
    if d.hooks.is_empty() {
        parts.push("no lifecycle hooks".to_string());
    } else {
        let hooks: Vec<String> = d
            .hooks
            .iter()
            .map(|h| {
                let target = h.target_arn.as_deref().map(arn_name).unwrap_or_default();
                format!(
                    "{}{}{} at {}",
                    h.target_type.as_deref().unwrap_or("-"),
                    if target.is_empty() { "" } else { " " },
                    target,
                    h.stages.join(", ")
                )
            })
            .collect();
        parts.push(format!("hooks: {}", hooks.join("; ")));
    }
    parts.push("h history".to_string());
    Line::raw(escape(&parts.join(" · ")).into_owned())
}

fn deployment_config_line(service: &crate::model::Service, theme: Theme) -> Line<'static> {
    let on = |b: bool| if b { "on" } else { "off" };
    let controller = service.deployment_controller.as_deref().unwrap_or("ECS");
    // A rollout stopped by the breaker proves it is set, even when the service's
    // description does not carry its configuration.
    let fired = service.deployments.iter().any(|d| {
        d.rollout_state_reason
            .as_deref()
            .is_some_and(|r| r.to_lowercase().contains("circuit breaker"))
    });
    let breaker = service
        .circuit_breaker
        .filter(|c| c.enable || !fired)
        .map_or_else(
            || {
                if fired {
                    "circuit breaker on (it stopped a rollout; rollback setting not reported)"
                        .to_string()
                } else {
                    "circuit breaker not set".to_string()
                }
            },
            |c| {
                format!(
                    "circuit breaker {} (rollback {})",
                    on(c.enable),
                    on(c.rollback)
                )
            },
        );
    let alarms = match &service.deployment_alarms {
        Some(a) if !a.names.is_empty() => format!(
            "alarms {} ({}, rollback {})",
            a.names.join(", "),
            on(a.enable),
            on(a.rollback)
        ),
        _ => "no deployment alarms".to_string(),
    };
    let style = if controller == "ECS" {
        ratatui::style::Style::new()
    } else {
        theme.warn()
    };
    Line::from(vec![
        Span::styled(format!("controller {controller}"), style),
        Span::raw(format!(" · {breaker} · {alarms}")),
    ])
}

/// The deployments table, with each rollout's reason under it. Each column is as wide as
/// its longest value (or header); nothing is cut.
fn deployment_lines(
    service: &crate::model::Service,
    now: chrono::DateTime<chrono::Utc>,
    theme: Theme,
) -> Vec<Line<'static>> {
    const HEADER: [&str; 8] = [
        "STATUS", "ROLLOUT", "TASK DEF", "DES", "RUN", "PEND", "FAILED", "CREATED",
    ];
    let texts: Vec<[String; 8]> = service
        .deployments
        .iter()
        .map(|d| {
            [
                d.status.to_string(),
                d.rollout_state
                    .as_ref()
                    .map_or_else(|| "-".into(), ToString::to_string),
                arn_name(&d.task_definition).to_string(),
                d.desired_count.to_string(),
                d.running_count.to_string(),
                d.pending_count.to_string(),
                d.failed_tasks.to_string(),
                short_age(d.created_at, now),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..HEADER.len())
        .map(|i| {
            texts
                .iter()
                .map(|t| t[i].chars().count())
                .chain([HEADER[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    // Text columns left-aligned, counts right-aligned.
    let row = |cells: &[String]| -> String {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let w = widths[i];
                if (3..7).contains(&i) {
                    format!("{c:>w$}")
                } else {
                    format!("{c:<w$}")
                }
            })
            .collect();
        format!("  {}", parts.join(" ")).trim_end().to_string()
    };
    let mut out = Vec::new();
    out.push(Line::styled("Deployments", theme.heading()));
    let header: Vec<String> = HEADER.iter().map(|h| (*h).to_string()).collect();
    out.push(Line::styled(row(&header), theme.table_header()));
    for (d, text) in service.deployments.iter().zip(&texts) {
        let style = match text[1].as_str() {
            "FAILED" => theme.bad(),
            "IN_PROGRESS" => theme.warn(),
            _ => ratatui::style::Style::new(),
        };
        out.push(Line::styled(row(text), style));
        if let Some(reason) = &d.rollout_state_reason {
            out.push(Line::styled(format!("    {reason}"), theme.dim()));
        }
    }
    if service.deployments.is_empty() {
        out.push(Line::styled("  none reported", theme.dim()));
    }
    out
}

/// The task definition's containers: image, digest the live tasks report, environment.
fn container_lines(state: &AppState, theme: Theme) -> Vec<Line<'static>> {
    let pane = &state.detail;
    let mut out = Vec::new();
    match (&pane.data, &pane.loader.state) {
        (_, LoadState::Failed { error, .. }) => out.push(Line::from(vec![
            Span::styled("  ✗ task definition failed to load: ", theme.bad()),
            Span::raw(error.clone()),
        ])),
        (None, _) => out.push(Line::styled(
            format!("  {} loading the task definition…", spinner(state)),
            theme.warn(),
        )),
        (Some(data), _) => {
            for c in &data.task_definition.containers {
                let r = parse_image_ref(&c.image);
                let tag = r
                    .tag
                    .clone()
                    .or(r.digest.clone())
                    .unwrap_or_else(|| "-".into());
                let digest = data.digest_of(&c.name).map_or_else(
                    || "digest unknown (no live task reports one)".to_string(),
                    ToString::to_string,
                );
                out.push(Line::from(vec![
                    Span::styled(format!("  {}", c.name), theme.bold()),
                    Span::raw(format!("  image {}:{tag}", r.repository)),
                ]));
                out.push(Line::styled(format!("  {digest}"), theme.dim()));
                out.push(Line::raw(format!("    from {}", c.image)));
                out.push(Line::styled(
                    format!("  Environment of {}", c.name),
                    theme.heading(),
                ));
                if c.environment.is_empty() {
                    out.push(Line::styled("    (none)", theme.dim()));
                }
                for (k, v) in &c.environment {
                    out.push(Line::raw(format!(
                        "    {}={}",
                        escape(k),
                        escape(&shown_env_value(k, v))
                    )));
                }
            }
        }
    }
    out
}

/// A service's steadiness and counts: `STEADY  2/2 running, 0 pending · task definition
/// api:7`, with `· status ACTIVE` before the task definition when `with_status`.
pub(super) fn counts_line(
    service: &crate::model::Service,
    theme: Theme,
    with_status: bool,
) -> Line<'static> {
    let st = steadiness(service);
    let status = if with_status {
        format!(" · status {}", service.status)
    } else {
        String::new()
    };
    Line::from(vec![
        Span::styled(st.label(), theme.steadiness(st)),
        Span::raw(format!(
            "  {}/{} running, {} pending{status} · task definition {}",
            service.running_count,
            service.desired_count,
            service.pending_count,
            arn_name(&service.task_definition)
        )),
    ])
}
