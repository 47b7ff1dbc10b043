//! The redeploy dialog drawn: the plan and the confirmation (once sent, the wait view).

use ratatui::text::Line;

use crate::tui::state::app::AppState;
use crate::tui::state::modal::Modal;
use crate::tui::state::redeploy::RedeployModal;
use crate::tui::view::widgets::sending;

pub fn redeploy_lines(r: &RedeployModal, modal: &Modal, state: &AppState) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if let Some(p) = &r.plan {
        out.push(Line::raw(format!("Plan: {}", p.summary())));
    }
    out.extend(sending(modal, state));
    out
}
