//! The action dialog drawn over the body: a banner (READ-ONLY / PRODUCTION), the dialog's
//! content (picker, plan, progress, report or wait view), its own error line, the
//! confirmation prompt, and its keys from the keymap's dialog section.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::tui::keymap::Scope;
use crate::tui::state::app::AppState;
use crate::tui::state::modal::{Modal, ModalKind, Stage};
use crate::tui::theme::Theme;
use crate::tui::view::cleanup::cleanup_lines;
use crate::tui::view::recover::recover_lines;
use crate::tui::view::redeploy::redeploy_lines;
use crate::tui::view::restore::restore_lines;
use crate::tui::view::rollback::rollback_lines;
use crate::tui::view::wait::wait_lines;
use crate::tui::view::widgets::spinner;

/// The keys of this dialog as `key word`, from the keymap's dialog section.
pub fn modal_footer(modal: &Modal, theme: Theme) -> Line<'static> {
    crate::tui::view::footer::scope_footer_where(Scope::Modal, |a| modal.offers(a), theme)
}

fn stage_lines(modal: &Modal, state: &AppState, theme: Theme) -> Vec<Line<'static>> {
    let spin = spinner(state);
    match &modal.stage {
        Stage::Planning => vec![Line::raw(format!("{spin} building the plan (reads only)…"))],
        Stage::Failed(e) => vec![
            Line::styled("Failed — nothing was changed by this step:", theme.bad()),
            Line::raw(e.clone()),
            Line::raw(""),
            Line::styled("Esc closes", theme.dim()),
        ],
        _ => Vec::new(),
    }
}

pub fn lines(modal: &Modal, state: &AppState, theme: Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if let Some(reason) = &modal.read_only {
        out.push(Line::styled(
            format!("READ-ONLY — this console sends no changes: {reason}"),
            theme.badge(),
        ));
    }
    // Over several places: where this acts, first.
    if let Some(p) = modal.place.and_then(|i| state.places.all.get(i)) {
        out.push(Line::styled(
            format!("In account {}", p.name()),
            theme.bold(),
        ));
    }
    if state.production_at(modal.place) {
        out.push(Line::styled(
            "PRODUCTION — a typed confirmation is asked",
            theme.production(),
        ));
    }
    let early = stage_lines(modal, state, theme);
    if early.is_empty() || matches!(modal.kind, ModalKind::Cleanup(_)) {
        out.extend(match &modal.kind {
            ModalKind::Rollback(r) => rollback_lines(r, modal, theme),
            ModalKind::Cleanup(c) => cleanup_lines(c, modal, state, theme),
            ModalKind::Redeploy(r) => redeploy_lines(r, modal, state),
            ModalKind::Restore(r) => restore_lines(r, modal, state, theme),
            ModalKind::Recover(r) => recover_lines(r, modal, state),
            ModalKind::Wait(w) => wait_lines(w, modal, state, theme),
            ModalKind::HandsOn(h) => crate::tui::view::hands_on::lines(h, modal, theme),
        });
    }
    out.extend(early);
    if modal.stage == Stage::Confirm {
        out.push(Line::raw(""));
        out.push(match &modal.kind {
            ModalKind::Rollback(r) if r.refusal().is_some() => Line::styled(
                "Cannot confirm: an image of this revision was deleted · f allows it anyway · \
                 j/k pick another · n/Esc cancel",
                theme.bold(),
            ),
            ModalKind::Rollback(r) if r.plan().is_none() => Line::styled(
                format!(
                    "Nothing to confirm here · i lists {} · n/Esc cancel",
                    r.mode.next().label()
                ),
                theme.dim(),
            ),
            ModalKind::HandsOn(h) if h.asking_port.is_some() => Line::styled(
                format!(
                    "Port: REMOTE [LOCAL] [HOST], e.g. 5432 15432 db.internal — Enter plans, Esc \
                     cancels: {}▏",
                    modal.confirm.input
                ),
                theme.bold(),
            ),
            _ => Line::styled(modal.confirm.prompt(&prompt_what(modal)), theme.bold()),
        });
    }
    if let Some(e) = &modal.confirm.error {
        out.push(Line::styled(e.clone(), theme.bad()));
    }
    out
}

fn prompt_what(modal: &Modal) -> String {
    match &modal.kind {
        ModalKind::Rollback(r) => format!("Roll back {}", r.headline()),
        ModalKind::Cleanup(c) => format!("Delete {}", c.to_execute()),
        ModalKind::Redeploy(_) => "Force the redeploy".into(),
        ModalKind::Recover(_) => "Recover".into(),
        ModalKind::Restore(_) => "Restore".into(),
        ModalKind::Wait(_) => String::new(),
        ModalKind::HandsOn(h) => h.prompt_what(),
    }
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &AppState, modal: &Modal, theme: Theme) {
    let text = lines(modal, state, theme);
    let width = area.width.saturating_sub(4).min(116);
    // Rows after wrapping, plus the borders and a blank line.
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = text.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    let height = u16::try_from(rows + 3).unwrap_or(u16::MAX).min(area.height);
    let popup = crate::tui::view::widgets::popup(frame, area, width, height);
    let block = Block::bordered().title(format!(" {} ", modal.title()));
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(block),
        popup,
    );
}
