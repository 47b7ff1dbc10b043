//! The wait view's lines: what was done, the verdict and elapsed time, each deployment's
//! desired/pending/running and rollout state, stopped tasks with their classified reason,
//! hint and last log lines, and the newest service events.

use ratatui::text::Line;

use crate::model::arn_name;
use crate::model::escape::escape;
use crate::ops::wait::Verdict;
use crate::tui::state::app::AppState;
use crate::tui::state::modal::Modal;
use crate::tui::state::wait::{WITH_LINES, WaitView};
use crate::tui::theme::Theme;
use crate::tui::view::widgets::spinner;

pub fn wait_lines(
    w: &WaitView,
    _modal: &Modal,
    state: &AppState,
    theme: Theme,
) -> Vec<Line<'static>> {
    let elapsed = w.elapsed_text(state.now);
    let (verdict, style) = match (&w.verdict, &w.error) {
        (_, Some(e)) => (format!("✗ watch failed: {e}"), theme.bad()),
        (Verdict::InProgress, _) if w.awaiting_you() => (
            "◆ paused at a lifecycle hook, waiting for you: Esc, then o (in Detail d) \
             continues it, R rolls it back"
                .to_string(),
            theme.warn(),
        ),
        (Verdict::InProgress, _) if w.staged_in_flight() => (
            format!(
                "{} rolling out, waiting for ECS to mark the deployment SUCCESSFUL",
                spinner(state)
            ),
            theme.warn(),
        ),
        (Verdict::InProgress, _) => (
            format!("{} rolling out, waiting for steady state", spinner(state)),
            theme.warn(),
        ),
        (Verdict::Stable, _) => ("✓ stable".to_string(), theme.good()),
        (Verdict::Failed(r), _) => (format!("✗ FAILED: {r}"), theme.bad()),
        (Verdict::TimedOut(r), _) => (format!("✗ timed out: {r}"), theme.bad()),
    };
    let mut out = vec![
        Line::raw(format!(
            "{} — now {}",
            capitalise(&w.what),
            arn_name(&w.task_definition)
        )),
        Line::styled(
            format!("{elapsed} elapsed · poll {} · {verdict}", w.polls),
            style,
        ),
    ];
    // The way out of a failure right under it, where a small terminal still shows it.
    if w.offers_rollback() {
        out.push(Line::styled(
            "R rolls back now (opens the picker) · Esc closes",
            theme.bold(),
        ));
    }
    out.extend(deployment_lines(w, state, theme));
    out.extend([
        Line::raw(""),
        Line::styled(
            format!(
                "  {:<8} {:<16} {:<18} {:>4} {:>4} {:>4}  {}",
                "STATUS", "DEPLOYMENT", "TASK DEF", "DES", "PEND", "RUN", "ROLLOUT"
            ),
            theme.table_header(),
        ),
    ]);
    if w.deployments.is_empty() {
        out.push(Line::styled("  (no deployments reported)", theme.dim()));
    }
    for d in &w.deployments {
        out.push(Line::raw(format!(
            "  {:<8} {:<16} {:<18} {:>4} {:>4} {:>4}  {}",
            d.status,
            d.id.chars().take(16).collect::<String>(),
            arn_name(&d.task_definition),
            d.desired_count,
            d.pending_count,
            d.running_count,
            d.rollout_state
                .as_ref()
                .map_or("-", crate::model::RolloutState::as_str)
        )));
    }
    if let Some(e) = &w.poll_error {
        out.push(Line::styled(
            format!("last poll failed, retrying: {e}"),
            theme.warn(),
        ));
    }
    out.extend(stopped_lines(w, theme));
    out.extend(hydration_lines(w, state, theme));
    out.push(Line::styled("Events (newest first):", theme.heading()));
    if w.events.is_empty() {
        out.push(Line::styled("  (none yet)", theme.dim()));
    }
    let events_shown = if w.stopped.is_empty() { 5 } else { 3 };
    for e in w.events.iter().take(events_shown) {
        let at = e
            .created_at
            .map_or_else(|| "--:--:--".into(), |t| t.format("%H:%M:%S").to_string());
        out.push(Line::raw(format!("  {at} {}", escape(&e.message))));
    }
    if !w.offers_rollback() {
        out.push(Line::raw(""));
        out.push(Line::styled(
            if w.has_ended() {
                "Esc closes"
            } else {
                "Esc stops watching (the deployment goes on in ECS)"
            },
            theme.dim(),
        ));
    }
    out
}

/// The new volumes' initialization after a stable EBS-snapshot rollout, once followed.
fn hydration_lines(w: &WaitView, state: &AppState, theme: Theme) -> Vec<Line<'static>> {
    if w.hydration.is_empty() {
        return Vec::new();
    }
    let heading = if w.hydration_ended {
        "Volume initialization:".to_string()
    } else {
        format!("{} Volume initialization (following):", spinner(state))
    };
    std::iter::once(Line::styled(heading, theme.heading()))
        .chain(
            w.hydration
                .iter()
                .map(|l| Line::raw(format!("  {}", escape(l)))),
        )
        .collect()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Stopped tasks shown, newest first; the newest ones with their last log lines.
const STOPPED_SHOWN: usize = 4;

/// Each task that stopped while watching: id, revision and reason, its class and hint,
/// and (for the newest that failed) the last lines of each essential container.
fn stopped_lines(w: &WaitView, theme: Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if w.stopped.is_empty() {
        return out;
    }
    out.push(Line::styled(
        format!("Stopped tasks ({}, newest first):", w.stopped.len()),
        theme.heading(),
    ));
    let mut failed_before = 0;
    for t in w.stopped.iter().rev().take(STOPPED_SHOWN) {
        let failure = t.stop.as_ref().is_none_or(|d| d.class.is_failure());
        out.push(Line::styled(
            format!(
                "  {} {} ({}): {}",
                if failure { "✗" } else { "·" },
                t.task_id,
                arn_name(&t.task_definition),
                t.reason
                    .as_deref()
                    .map_or("(no reason given)".into(), escape)
            ),
            if failure { theme.bad() } else { theme.dim() },
        ));
        if let Some(d) = &t.stop {
            out.push(Line::raw(format!(
                "    {}: {}",
                d.class.label(),
                d.console_hint()
            )));
        }
        if failure && failed_before < WITH_LINES {
            out.extend(last_lines(w, &t.task_id, theme));
        }
        failed_before += usize::from(failure);
    }
    out
}

/// The last log lines of one stopped task, per essential container.
fn last_lines(w: &WaitView, task_id: &str, theme: Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    match w.lines_of(task_id) {
        None => out.push(Line::styled(
            "    (loading its last log lines…)",
            theme.dim(),
        )),
        Some(Err(e)) => out.push(Line::styled(format!("    no log lines: {e}"), theme.warn())),
        Some(Ok(containers)) if containers.is_empty() => {
            out.push(Line::styled("    (no essential container)", theme.dim()));
        }
        Some(Ok(containers)) => {
            for c in containers {
                match &c.lines {
                    Ok(lines) if lines.is_empty() => out.push(Line::styled(
                        format!("    {}: (no log lines)", c.container),
                        theme.dim(),
                    )),
                    Ok(lines) => {
                        out.push(Line::styled(
                            format!("    {} — last {} log lines:", c.container, lines.len()),
                            theme.bold(),
                        ));
                        for l in lines {
                            out.push(Line::raw(format!(
                                "      {} {}",
                                l.timestamp.format("%H:%M:%S"),
                                escape(&l.message)
                            )));
                        }
                    }
                    Err(why) => out.push(Line::styled(
                        format!("    {}: {why}", c.container),
                        theme.warn(),
                    )),
                }
            }
        }
    }
    out
}

/// ECS's service deployment of the rollout at the last look: status and stage, traffic,
/// the bake countdown (≈), each hook, and where it failed.
fn deployment_lines(w: &WaitView, state: &AppState, theme: Theme) -> Vec<Line<'static>> {
    let Some(d) = &w.deployment else {
        return Vec::new();
    };
    crate::analysis::deploy_progress::progress_lines(d, state.now)
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let head = if i == 0 { "ECS: " } else { "     " };
            Line::styled(format!("{head}{}", escape(&line)), theme.dim())
        })
        .collect()
}
