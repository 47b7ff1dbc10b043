//! The deployment dialog drawn: the plan (the deployment, its stage, the hook and its
//! countdown, the AWS call), then the deployment followed — every status seen, its stage,
//! traffic, hooks and rollback — and how it ended.

use ratatui::text::Line;

use crate::model::arn_name;
use crate::model::escape::escape;
use crate::tui::state::app::AppState;
use crate::tui::state::deployment_action::DeploymentActionModal;
use crate::tui::state::modal::{Modal, Stage};
use crate::tui::theme::Theme;
use crate::tui::view::deployments::{hook_line, status_style, status_text};
use crate::tui::view::widgets::spinner;

pub fn lines(
    d: &DeploymentActionModal,
    modal: &Modal,
    state: &AppState,
    theme: Theme,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let Some(plan) = &d.plan else {
        return out;
    };
    out.push(Line::raw(format!("Plan: {}", escape(&plan.summary()))));
    out.push(Line::styled(format!("Sends: {}", plan.call()), theme.dim()));
    let Some(f) = &d.following else {
        return out;
    };
    out.push(Line::raw(""));
    if !f.sent {
        if modal.stage == Stage::Running {
            out.push(Line::raw(format!("{} sending…", spinner(state))));
        }
        return out;
    }
    let path: Vec<String> = f.statuses.iter().map(ToString::to_string).collect();
    out.push(Line::raw(format!(
        "ECS took it. Deployment {}: {}",
        arn_name(&plan.deployment().arn),
        if path.is_empty() {
            "waiting for the first look…".to_string()
        } else {
            path.join(" → ")
        }
    )));
    if let Some(last) = &f.last {
        out.push(Line::styled(
            format!(
                "{}  {}",
                status_text(&last.status),
                crate::analysis::deployments::stage_words(last)
            ),
            status_style(&last.status, theme),
        ));
        for h in &last.hooks {
            out.push(hook_line(h, state.now, theme, "  "));
        }
        if let Some(rb) = &last.rollback
            && let Some(reason) = &rb.reason
        {
            out.push(Line::raw(format!("  rollback: {}", escape(reason))));
        }
    }
    match &f.outcome {
        None => out.push(Line::styled(
            format!(
                "{} following (Esc stops following; the deployment goes on in ECS)",
                spinner(state)
            ),
            theme.dim(),
        )),
        Some(Ok(summary)) if d.paused_again() => out.push(Line::styled(
            format!(
                "{} — waiting for you: o continues, R rolls back",
                escape(summary)
            ),
            theme.warn(),
        )),
        Some(Ok(summary)) => out.push(Line::styled(format!("✓ {}", escape(summary)), theme.good())),
        Some(Err(why)) => out.push(Line::styled(format!("✗ {}", escape(why)), theme.bad())),
    }
    out
}
