//! The restore dialog drawn: the plan with the resume tag's digest before and after, the
//! confirmation and the outcome (a restore to where the resume tag already points says
//! so, and asks nothing).

use ratatui::text::Line;

use crate::tui::state::app::AppState;
use crate::tui::state::modal::{Modal, Stage};
use crate::tui::state::restore::RestoreModal;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::sending;

/// `sha256:` and the first 16 hex digits, then `…` (a whole digest is 71 characters, too
/// wide for a dialog at 80 columns beside its label); shorter digests are left whole.
fn short_digest(digest: &str) -> String {
    const KEEP: usize = "sha256:".len() + 16;
    match digest.char_indices().nth(KEEP) {
        Some((at, _)) if digest.chars().count() > KEEP + 1 => format!("{}…", &digest[..at]),
        _ => digest.to_string(),
    }
}

pub fn restore_lines(
    r: &RestoreModal,
    modal: &Modal,
    state: &AppState,
    theme: Theme,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if let Some(why) = r.archived_refusal() {
        out.push(Line::styled(why, theme.bad()));
    }
    if let Some(p) = &r.plan {
        if let Some(line) = p.nothing_to_do() {
            // Nothing was asked: say so, with the digest it already points at.
            out.push(Line::styled(line, theme.bold()));
            out.push(Line::raw(format!("  digest: {}", short_digest(&p.digest))));
            out.push(Line::styled("Nothing was sent — Esc closes", theme.dim()));
            return out;
        }
        out.push(Line::raw(format!(
            "Plan: point {}:{} at {} so {}'s next session resumes from it",
            p.repository, p.resume_tag, p.tag, p.user
        )));
        out.push(Line::raw(format!(
            "  before: {}",
            p.before_digest
                .as_deref()
                .map_or_else(|| "(no such tag yet)".to_string(), short_digest)
        )));
        out.push(Line::raw(format!("  after:  {}", short_digest(&p.digest))));
    }
    out.extend(sending(modal, state));
    if let (Stage::Done, Some(done)) = (&modal.stage, &r.restored) {
        // One fact a line, each short enough for 80 columns (a digest is 71).
        if let Some(p) = &r.plan {
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
    out
}
