//! The recover dialog drawn: the plan, the snapshot's progress and the confirmation (once
//! the service is updated, the wait view).

use ratatui::text::Line;

use crate::tui::state::app::AppState;
use crate::tui::state::modal::Modal;
use crate::tui::state::recover::RecoverModal;
use crate::tui::view::widgets::{sending, spinner};

pub fn recover_lines(r: &RecoverModal, modal: &Modal, state: &AppState) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if let Some(p) = &r.plan {
        out.push(Line::raw(format!("Plan: {}", p.summary())));
    }
    if let Some(p) = &r.progress {
        out.push(Line::raw(format!("{} {}", spinner(state), p.text())));
    }
    out.extend(sending(modal, state));
    out
}
