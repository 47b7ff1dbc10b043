//! The restore dialog drawn: the plan with the resume tag's digest before and after, the
//! confirmation and the outcome.

use ratatui::text::Line;

use crate::tui::state::app::AppState;
use crate::tui::state::modal::{Modal, Stage};
use crate::tui::state::restore::RestoreModal;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::sending;

pub fn restore_lines(
    r: &RestoreModal,
    modal: &Modal,
    state: &AppState,
    theme: Theme,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if let Some(p) = &r.plan {
        out.push(Line::raw(format!(
            "Plan: point {}:{} at {} so {}'s next session resumes from it",
            p.repository, p.resume_tag, p.tag, p.user
        )));
        out.push(Line::raw(format!(
            "  before: {}",
            p.before_digest.as_deref().unwrap_or("(no such tag yet)")
        )));
        out.push(Line::raw(format!("  after:  {}", p.digest)));
    }
    out.extend(sending(modal, state));
    if let (Stage::Done, Some(done)) = (&modal.stage, &r.restored) {
        out.push(Line::styled(
            format!(
                "Done: now {} (was {}) — Esc closes",
                done.after_digest,
                done.before_digest.as_deref().unwrap_or("nothing")
            ),
            theme.good(),
        ));
    }
    out
}
