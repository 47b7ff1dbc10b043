//! The hands-on dialogs' text: the plan (from → to; the task and reason; the containers
//! to pick from with their exec readiness; the forward's route), then the outcome and, for
//! a scale, the running count being watched.

use ratatui::text::{Line, Span};

use crate::tui::state::hands_on::{HandsOnModal, HandsOnPlan};
use crate::tui::state::modal::{Modal, Stage};
use crate::tui::theme::Theme;

pub fn lines(h: &HandsOnModal, modal: &Modal, theme: Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if h.asking_port.is_some() {
        out.push(Line::raw(
            "Forward a local port to this task (or, with a host, to a host it can reach).",
        ));
        out.push(Line::styled(
            "Needs ECS Exec on the task and session-manager-plugin on this machine.",
            theme.dim(),
        ));
        return out;
    }
    match &h.plan {
        Some(HandsOnPlan::Scale(p)) => out.push(Line::raw(format!("Plan: {}", p.summary()))),
        Some(HandsOnPlan::Stop(p)) => out.push(Line::raw(format!("Plan: {}", p.summary()))),
        Some(HandsOnPlan::Forward(p)) => {
            out.push(Line::raw(format!("Plan: {}", p.summary())));
            if let Some(why) = &p.blocker {
                out.push(Line::styled(format!("probably fails: {why}"), theme.warn()));
            }
        }
        Some(HandsOnPlan::Exec(plans)) => {
            if let Some(p) = plans.first() {
                out.push(Line::raw(format!(
                    "Run {:?} in task {} ({}) — pick the container ({}):",
                    p.command,
                    p.task_id,
                    p.cluster,
                    crate::tui::view::rollback::pick_keys(modal)
                )));
            }
            for (i, p) in plans.iter().enumerate() {
                let marker = if i == h.choice { "▶ " } else { "  " };
                let (mark, style) = match &p.blocker {
                    None => ("✓ ready".to_string(), theme.good()),
                    Some(why) => (format!("✗ {why}"), theme.warn()),
                };
                out.push(Line::from(vec![
                    Span::raw(format!("{marker}{:<16} ", p.container)),
                    Span::styled(mark, style),
                ]));
            }
        }
        None => {}
    }
    if modal.stage == Stage::Running && h.watch.is_none() {
        out.push(Line::styled("sending…", theme.dim()));
    }
    if let Some(outcome) = &h.outcome {
        out.push(Line::raw(""));
        out.push(Line::styled(outcome.clone(), theme.good()));
    }
    if let Some(w) = &h.watch {
        out.push(Line::raw(format!(
            "running {} of {} · pending {} · {} look{}",
            w.running,
            w.target,
            w.pending,
            w.looks,
            if w.looks == 1 { "" } else { "s" }
        )));
        match &w.end {
            None => out.push(Line::styled(
                "watching the running count… (Esc stops watching; the new count stays)",
                theme.dim(),
            )),
            Some(Ok(done)) => out.push(Line::styled(format!("✓ {done}"), theme.good())),
            Some(Err(why)) => out.push(Line::styled(format!("✗ {why}"), theme.warn())),
        }
    }
    if h.outcome.is_some() && !h.is_watching() {
        out.push(Line::styled("Esc closes", theme.dim()));
    }
    out
}
