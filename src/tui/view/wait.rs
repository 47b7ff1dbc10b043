//! The wait view's lines: what was done, the verdict and elapsed time, each deployment's
//! desired/pending/running and rollout state, stopped tasks with their reasons, and the
//! newest service events.

use ratatui::text::Line;

use crate::model::arn_name;
use crate::ops::wait::Verdict;
use crate::tui::app::AppState;
use crate::tui::modal::Modal;
use crate::tui::modal::wait::WaitView;
use crate::tui::theme::Theme;

pub fn wait_lines(
    w: &WaitView,
    _modal: &Modal,
    state: &AppState,
    theme: Theme,
) -> Vec<Line<'static>> {
    let elapsed = w.elapsed_text(state.now);
    let (verdict, style) = match (&w.verdict, &w.error) {
        (_, Some(e)) => (format!("✗ watch failed: {e}"), theme.bad()),
        (Verdict::InProgress, _) => (
            format!(
                "{} rolling out, waiting for steady state",
                super::spinner(state)
            ),
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
        Line::raw(""),
        Line::styled(
            format!(
                "  {:<8} {:<16} {:<18} {:>4} {:>4} {:>4}  {}",
                "STATUS", "DEPLOYMENT", "TASK DEF", "DES", "PEND", "RUN", "ROLLOUT"
            ),
            theme.table_header(),
        ),
    ];
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
            d.rollout_state.as_deref().unwrap_or("-")
        )));
    }
    if let Some(e) = &w.poll_error {
        out.push(Line::styled(
            format!("last poll failed, retrying: {e}"),
            theme.warn(),
        ));
    }
    if !w.stopped.is_empty() {
        out.push(Line::styled("Stopped tasks:", theme.heading()));
        for t in w.stopped.iter().rev().take(4) {
            out.push(Line::styled(
                format!(
                    "  {} ({}): {}",
                    t.task_id,
                    arn_name(&t.task_definition),
                    t.reason.as_deref().unwrap_or("(no reason given)")
                ),
                theme.bad(),
            ));
        }
    }
    out.push(Line::styled("Events (newest first):", theme.heading()));
    if w.events.is_empty() {
        out.push(Line::styled("  (none yet)", theme.dim()));
    }
    for e in w.events.iter().take(5) {
        let at = e
            .created_at
            .map_or_else(|| "--:--:--".into(), |t| t.format("%H:%M:%S").to_string());
        out.push(Line::raw(format!("  {at} {}", e.message)));
    }
    out.push(Line::raw(""));
    out.push(Line::styled(
        if w.offers_rollback() {
            "R rolls back now (opens the picker) · Esc closes"
        } else {
            "Esc stops watching (the deployment goes on in ECS)"
        },
        if w.offers_rollback() {
            theme.bold()
        } else {
            theme.dim()
        },
    ));
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
