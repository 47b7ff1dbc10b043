//! The one-change dialogs drawn (redeploy, restore-user, recover): the plan, the
//! confirmation and the outcome (a restore to where the resume tag already points says
//! so, and asks nothing).

use ratatui::text::Line;

use crate::tui::state::app::AppState;
use crate::tui::state::modal::{Modal, Stage};
use crate::tui::state::simple::{SimpleModal, SimplePlan};
use crate::tui::theme::Theme;
use crate::tui::view::widgets::spinner;

/// `sha256:` and the first 16 hex digits, then `…` (a whole digest is 71 characters, too
/// wide for a dialog at 80 columns beside its label); shorter digests are left whole.
fn short_digest(digest: &str) -> String {
    const KEEP: usize = "sha256:".len() + 16;
    match digest.char_indices().nth(KEEP) {
        Some((at, _)) if digest.chars().count() > KEEP + 1 => format!("{}…", &digest[..at]),
        _ => digest.to_string(),
    }
}

pub fn simple_lines(
    s: &SimpleModal,
    modal: &Modal,
    state: &AppState,
    theme: Theme,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    match &s.plan {
        Some(SimplePlan::Restore(p)) if let Some(line) = p.nothing_to_do() => {
            // Nothing was asked: say so, with the digest it already points at.
            out.push(Line::styled(line, theme.bold()));
            out.push(Line::raw(format!("  digest: {}", short_digest(&p.digest))));
            out.push(Line::styled("Nothing was sent — Esc closes", theme.dim()));
            return out;
        }
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
            p.before_digest
                .as_deref()
                .map_or_else(|| "(no such tag yet)".to_string(), short_digest)
        )));
        out.push(Line::raw(format!("  after:  {}", short_digest(&p.digest))));
    }
    match (&modal.stage, &s.restored) {
        (Stage::Running, _) => out.push(Line::raw(format!("{} sending…", spinner(state)))),
        (Stage::Done, Some(done)) => {
            // One fact a line, each short enough for 80 columns (a digest is 71).
            if let Some(SimplePlan::Restore(p)) = &s.plan {
                out.push(Line::styled(
                    format!("Done: {} now points at {}", p.resume_tag, p.tag),
                    theme.good(),
                ));
            } else {
                out.push(Line::styled("Done:", theme.good()));
            }
            out.push(Line::raw(format!(
                "  now: {}  (was {})",
                short_digest(&done.after_digest),
                done.before_digest
                    .as_deref()
                    .map_or_else(|| "nothing".to_string(), short_digest)
            )));
            out.push(Line::styled("Esc closes", theme.dim()));
        }
        _ => {}
    }
    out
}
