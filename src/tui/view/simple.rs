//! The one-change dialogs drawn (redeploy, restore-user, recover): the plan, the
//! confirmation and the outcome.

use ratatui::text::Line;

use crate::tui::state::app::AppState;
use crate::tui::state::modal::{Modal, Stage};
use crate::tui::state::simple::{SimpleModal, SimplePlan};
use crate::tui::theme::Theme;
use crate::tui::view::widgets::spinner;

pub fn simple_lines(
    s: &SimpleModal,
    modal: &Modal,
    state: &AppState,
    theme: Theme,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    match &s.plan {
        Some(SimplePlan::Restore(p)) => out.push(Line::raw(format!(
            "Plan: point {}:{} at {} so {}'s next session resumes from it",
            p.repository, p.resume_tag, p.tag, p.user
        ))),
        Some(SimplePlan::Redeploy(_) | SimplePlan::Recover(_)) => {
            if let Some(summary) = s.summary() {
                out.push(Line::raw(format!("Plan: {summary}")));
            }
        }
        None => {}
    }
    if let Some(p) = &s.progress {
        out.push(Line::raw(format!("{} {}", spinner(state), p.text())));
    }
    if let Some(SimplePlan::Restore(p)) = &s.plan {
        out.push(Line::raw(format!(
            "  before: {}",
            p.before_digest.as_deref().unwrap_or("(no such tag yet)")
        )));
        out.push(Line::raw(format!("  after:  {}", p.digest)));
    }
    match (&modal.stage, &s.restored) {
        (Stage::Running, _) => out.push(Line::raw(format!("{} sending…", spinner(state)))),
        (Stage::Done, Some(done)) => {
            out.push(Line::styled(
                format!(
                    "Done: now {} (was {}) — Esc closes",
                    done.after_digest,
                    done.before_digest.as_deref().unwrap_or("nothing")
                ),
                theme.good(),
            ));
        }
        _ => {}
    }
    out
}
