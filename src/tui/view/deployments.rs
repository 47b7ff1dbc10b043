//! The Deployments pane: one service's deployments as ECS records them, newest first —
//! status (symbol and word), reason, strategy and stage, source → target revision (task
//! definition and images by digest), task counts, circuit breaker, alarms, hooks, rollback
//! and ages. A denied listing or an endpoint without service deployments says so in a
//! line instead. Scrolls with j/k, the cursor on one deployment (what `o` and `R` act on).

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::analysis::age::short_age;
use crate::analysis::deployments::{countdown, stage_words};
use crate::model::escape::escape;
use crate::model::{
    LifecycleHookDetail, LifecycleHookStatus, RevisionCount, ServiceDeployment,
    ServiceDeploymentStatus, ServiceRevision, arn_name,
};
use crate::tui::state::app::AppState;
use crate::tui::state::deployments::DeploymentsData;
use crate::tui::state::list::LoadState;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{draw_scrolled, service_pane_block, spinner};

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    let pane = &state.deployments;
    let block = service_pane_block(
        "Deployments",
        pane.target.as_ref(),
        &pane.loader,
        state,
        theme,
    );
    let inner = block.inner(area);
    let (lines, selected_at) = lines(state, theme);
    // Keep the selected deployment's first line in sight.
    let height = inner.height.max(1);
    let mut scroll = pane.scroll.get();
    if let Some(at) = selected_at {
        let at = u16::try_from(at).unwrap_or(u16::MAX);
        if at < scroll {
            scroll = at;
        } else if at >= scroll.saturating_add(height) {
            scroll = at.saturating_sub(height / 3);
        }
    }
    let max = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_sub(height);
    let scroll = scroll.min(max);
    pane.scroll.set(scroll);
    draw_scrolled(frame, area, block, lines, scroll);
}

/// The pane's lines, and the line the selected deployment starts at.
pub fn lines(state: &AppState, theme: Theme) -> (Vec<Line<'static>>, Option<usize>) {
    let pane = &state.deployments;
    if pane.target.is_none() {
        return (vec![Line::raw("No service chosen.")], None);
    }
    if let LoadState::Failed { error, .. } = &pane.loader.state {
        return (failed_lines(error, theme), None);
    }
    let Some(data) = &pane.data else {
        return (
            vec![Line::raw(format!(
                "{} reading the deployments (ListServiceDeployments)…",
                spinner(state)
            ))],
            None,
        );
    };
    if data.deployments.is_empty() {
        return (
            vec![Line::raw(
                "ECS has no deployment of this service in its history (90 days).",
            )],
            None,
        );
    }
    let mut out = vec![Line::styled(
        format!(
            "{} deployment{}, newest first · R rolls back · o continues a paused one",
            data.deployments.len(),
            if data.deployments.len() == 1 { "" } else { "s" }
        ),
        theme.dim(),
    )];
    if let Some(note) = &data.revisions_note {
        out.push(Line::styled(
            format!("Revisions not shown: {}", escape(note)),
            theme.warn(),
        ));
    }
    let mut selected_at = None;
    for (i, d) in data.deployments.iter().enumerate() {
        out.push(Line::raw(""));
        if i == pane.selected {
            selected_at = Some(out.len());
        }
        out.extend(deployment_lines(
            d,
            data,
            state.now,
            theme,
            i == pane.selected,
        ));
    }
    (out, selected_at)
}

/// A failed read in words: a denied listing names its IAM action (the error does), an
/// endpoint without the operation says so.
fn failed_lines(error: &str, theme: Theme) -> Vec<Line<'static>> {
    vec![
        Line::styled("The deployment history could not be read:", theme.bad()),
        Line::raw(escape(error).into_owned()),
        Line::raw(""),
        Line::styled(
            "The service's own deployments (Detail, d) still show what DescribeServices says. \
             r tries again · Esc returns",
            theme.dim(),
        ),
    ]
}

/// A status as a symbol and its word: `✓ SUCCESSFUL`, `↻ IN_PROGRESS`, `↩ ROLLBACK_…`.
pub fn status_text(status: &ServiceDeploymentStatus) -> String {
    use ServiceDeploymentStatus as S;
    let symbol = match status {
        S::Successful => "✓",
        S::Pending => "…",
        S::InProgress => "↻",
        S::Stopped | S::StopRequested => "■",
        S::RollbackRequested | S::RollbackInProgress | S::RollbackSuccessful => "↩",
        S::RollbackFailed => "✗",
        S::Other(_) => "?",
    };
    format!("{symbol} {status}")
}

pub fn status_style(status: &ServiceDeploymentStatus, theme: Theme) -> Style {
    use ServiceDeploymentStatus as S;
    match status {
        S::Successful => theme.good(),
        S::RollbackFailed | S::Stopped | S::StopRequested => theme.bad(),
        S::Pending
        | S::InProgress
        | S::RollbackRequested
        | S::RollbackInProgress
        | S::RollbackSuccessful
        | S::Other(_) => theme.warn(),
    }
}

/// One deployment, a few lines.
pub fn deployment_lines(
    d: &ServiceDeployment,
    data: &DeploymentsData,
    now: DateTime<Utc>,
    theme: Theme,
    selected: bool,
) -> Vec<Line<'static>> {
    let marker = if selected { "▶ " } else { "  " };
    let mut head = vec![
        Span::styled(marker.to_string(), theme.bold()),
        Span::styled(status_text(&d.status), status_style(&d.status, theme)),
        Span::raw(format!(
            "  {}  {}",
            escape(arn_name(&d.arn)),
            stage_words(d)
        )),
    ];
    let ended = d.finished_at.or(d.stopped_at);
    head.push(Span::styled(
        format!(
            "  started {} ago{}",
            short_age(d.started_at.or(d.created_at), now),
            ended
                .map(|at| format!(", ended {} ago", short_age(Some(at), now)))
                .unwrap_or_default()
        ),
        theme.dim(),
    ));
    let mut head_line = Line::from(head);
    if selected {
        head_line = head_line.style(theme.selected());
    }
    let mut out = vec![head_line];
    let pad = "    ";
    if let Some(reason) = &d.status_reason {
        out.push(Line::raw(format!("{pad}reason: {}", escape(reason))));
    }
    let sources: Vec<String> = d
        .source_revisions
        .iter()
        .map(|r| revision_text(r, data.revision(&r.arn)))
        .collect();
    let target = d.target_revision.as_ref().map_or_else(
        || "-".to_string(),
        |r| revision_text(r, data.revision(&r.arn)),
    );
    out.push(Line::raw(format!(
        "{pad}{} → {target}",
        if sources.is_empty() {
            "(first deployment)".to_string()
        } else {
            sources.join(" + ")
        }
    )));
    // What ran before and what it moves to, by digest (the same 12 hex digits).
    let described = |r: &RevisionCount| data.revision(&r.arn).map(images_text);
    let before: Vec<String> = d
        .source_revisions
        .iter()
        .filter_map(described)
        .filter(|t| !t.is_empty())
        .collect();
    if !before.is_empty() {
        out.push(Line::styled(
            format!("{pad}images before: {}", before.join(" + ")),
            theme.dim(),
        ));
    }
    if let Some(images) = d
        .target_revision
        .as_ref()
        .and_then(described)
        .filter(|t| !t.is_empty())
    {
        out.push(Line::styled(format!("{pad}images: {images}"), theme.dim()));
    }
    out.extend(guards_line(d, theme, pad));
    for h in &d.hooks {
        out.push(hook_line(h, now, theme, pad));
    }
    if let Some(rb) = &d.rollback {
        out.push(Line::styled(
            format!(
                "{pad}rolled back to {}{}",
                rb.service_revision_arn
                    .as_deref()
                    .map_or_else(|| "-".to_string(), |a| revision_name(a, data.revision(a))),
                rb.reason
                    .as_deref()
                    .map(|r| format!(": {}", escape(r)))
                    .unwrap_or_default()
            ),
            theme.warn(),
        ));
    }
    out
}

/// The circuit breaker (status, failures/threshold) and the alarms (triggered names, red
/// when one went off), when ECS reports them.
fn guards_line(d: &ServiceDeployment, theme: Theme, pad: &str) -> Option<Line<'static>> {
    let mut guards = Vec::new();
    if let Some(cb) = &d.circuit_breaker {
        guards.push(format!(
            "circuit breaker {} {}/{}",
            cb.status, cb.failure_count, cb.threshold
        ));
    }
    if let Some(a) = &d.alarms {
        if a.triggered.is_empty() {
            guards.push(format!("alarms {}", a.status));
        } else {
            guards.push(format!(
                "alarms {} (triggered: {})",
                a.status,
                escape(&a.triggered.join(", "))
            ));
        }
    }
    if guards.is_empty() {
        return None;
    }
    let triggered = d.alarms.as_ref().is_some_and(|a| !a.triggered.is_empty());
    let style = if triggered { theme.bad() } else { Style::new() };
    Some(Line::styled(format!("{pad}{}", guards.join(" · ")), style))
}

/// One hook: `hook h-1 PAUSE AWAITING_ACTION · 6m40s left, then ROLLBACK`.
pub fn hook_line(
    h: &LifecycleHookDetail,
    now: DateTime<Utc>,
    theme: Theme,
    pad: &str,
) -> Line<'static> {
    let waiting = h.status == LifecycleHookStatus::AwaitingAction;
    let mut text = format!(
        "{pad}hook {} {} {}",
        escape(h.hook_id.as_deref().unwrap_or("-")),
        escape(h.target_type.as_deref().unwrap_or("-")),
        h.status
    );
    if waiting {
        let _ = write!(
            text,
            " · waiting for you: {}{}",
            countdown(h.expires_at, now),
            h.timeout_action
                .as_ref()
                .map(|a| format!(", then {a} by itself"))
                .unwrap_or_default()
        );
    }
    let style = match h.status {
        LifecycleHookStatus::AwaitingAction => theme.warn(),
        LifecycleHookStatus::Failed | LifecycleHookStatus::TimedOut => theme.bad(),
        _ => theme.dim(),
    };
    Line::styled(text, style)
}

/// `api:7 (3/3)`: the revision's task definition (its own name when undescribed) and its
/// running/requested tasks (pending too when any).
fn revision_text(r: &RevisionCount, described: Option<&ServiceRevision>) -> String {
    let pending = if r.pending > 0 {
        format!(", {} pending", r.pending)
    } else {
        String::new()
    };
    format!(
        "{} ({}/{}{pending})",
        revision_name(&r.arn, described),
        r.running,
        r.requested
    )
}

fn revision_name(arn: &str, described: Option<&ServiceRevision>) -> String {
    escape(&described.map_or_else(
        || format!("revision {}", arn_name(arn)),
        |r| arn_name(&r.task_definition).to_string(),
    ))
    .into_owned()
}

/// Every container's image, by digest when the revision has it: `web repo:tag@sha256:0123456789ab`.
fn images_text(r: &ServiceRevision) -> String {
    r.images
        .iter()
        .map(|i| {
            let image = i.image.rsplit('/').next().unwrap_or(&i.image);
            let image = image.split('@').next().unwrap_or(image);
            match &i.digest {
                Some(d) => format!("{} {image}@{}", i.container, short_digest(d)),
                None => format!("{} {image}", i.container),
            }
        })
        .map(|s| escape(&s).into_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `sha256:0123456789ab` (12 hex digits, as `docker images` shortens ids).
pub fn short_digest(digest: &str) -> String {
    match digest.split_once(':') {
        Some((algo, hex)) => format!("{algo}:{}", hex.chars().take(12).collect::<String>()),
        None => digest.chars().take(12).collect(),
    }
}
