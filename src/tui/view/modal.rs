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

/// The keys of this dialog as `key word`, from the keymap's rows for its kind: while a
/// text field has the focus, only the keys that act there (letters and digits are typed;
/// Tab toggles snapshot first only where the dialog offers it). As many as fit `width`:
/// confirming, closing and restoring a snapshot never give way.
pub fn modal_footer(modal: &Modal, width: u16, theme: Theme) -> Line<'static> {
    use crate::tui::action::Action;
    use crate::tui::view::footer::scope_footer_where;
    let kind = modal.dialog_kind();
    if modal.text_field_focused() {
        return scope_footer_where(
            Scope::TextField,
            |a| {
                crate::tui::view::help::text_field_offers(kind, a)
                    && (!matches!(
                        a,
                        Action::ModalSnapshotFirst
                            | Action::Confirm
                            | Action::ModalDown
                            | Action::ModalUp
                    ) || modal.offers(a))
            },
            theme,
        );
    }
    crate::tui::view::footer::bindings_footer_fitted(
        crate::tui::keymap::dialog_bindings(kind)
            .filter(|b| modal.offers(b.action))
            .collect(),
        &[
            crate::tui::action::Action::Confirm,
            crate::tui::action::Action::Cancel,
            crate::tui::action::Action::ModalRestoreTier,
        ],
        width,
        theme,
    )
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

/// The confirmation line of a picker row or a resume-tag restore whose snapshot or image is
/// archived: it cannot be confirmed, `t` restores it.
fn archived_line(kind: &ModalKind, modal: &Modal) -> Option<String> {
    match kind {
        ModalKind::Restore(r) if r.archived.is_some() => Some(
            "Cannot confirm: the image is archived · t restores it (minutes) · n/Esc cancel".into(),
        ),
        ModalKind::Rollback(r) if r.archived().is_some() => {
            let (what, takes) = r.archived_what().unwrap_or(("it", "a while"));
            // While the name is typed, letters are typed: only the arrows and Esc act.
            Some(if modal.text_field_focused() {
                format!("Cannot confirm: {what} is archived · ↓/↑ pick another · Esc cancel")
            } else {
                format!(
                    "Cannot confirm: {what} is archived · t restores it ({takes}) · j/k pick \
                     another · n/Esc cancel"
                )
            })
        }
        _ => None,
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
            ModalKind::DeploymentAction(d) => {
                crate::tui::view::deployment_action::lines(d, modal, state, theme)
            }
            ModalKind::Storage(s) => crate::tui::view::storage::lines(s, modal, state, theme),
        });
    }
    out.extend(early);
    if modal.stage == Stage::Confirm {
        out.push(Line::raw(""));
        out.push(match &modal.kind {
            // While the name is typed, letters are typed: only the arrows and Esc act.
            ModalKind::Rollback(r) if r.ecs_chosen().is_some() => Line::styled(
                modal.confirm.prompt(&prompt_what(modal, state)),
                theme.bold(),
            ),
            kind if archived_line(kind, modal).is_some() => {
                Line::styled(archived_line(kind, modal).unwrap_or_default(), theme.bold())
            }
            ModalKind::Rollback(r) if r.refusal().is_some() && modal.text_field_focused() => {
                Line::styled(
                    "Cannot confirm: an image of this revision was deleted · ↓/↑ pick another · \
                     Esc cancel",
                    theme.bold(),
                )
            }
            ModalKind::Rollback(r) if r.refusal().is_some() => Line::styled(
                "Cannot confirm: an image of this revision was deleted · f allows it anyway · \
                 j/k pick another · n/Esc cancel",
                theme.bold(),
            ),
            ModalKind::Rollback(r) if r.plan().is_none() && modal.text_field_focused() => {
                Line::styled("Nothing to confirm here · Esc cancel", theme.dim())
            }
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
            _ => Line::styled(
                modal.confirm.prompt(&prompt_what(modal, state)),
                theme.bold(),
            ),
        });
    }
    if let Some(e) = &modal.confirm.error {
        out.push(Line::styled(e.clone(), theme.bad()));
    }
    out
}

/// What the confirmation acts on, named in its line: the cluster/service, or the
/// resources (ids, or a count per kind with their repositories) and where they are.
fn prompt_what(modal: &Modal, state: &AppState) -> String {
    match &modal.kind {
        ModalKind::Rollback(r) => match r.ecs_chosen() {
            Some(act) => format!("{} of {}/{}", act.label(), r.cluster, r.service),
            None => format!("Roll back {}/{}: {}", r.cluster, r.service, r.headline()),
        },
        ModalKind::Cleanup(c) if c.archives() => {
            format!("Archive {}", cleanup_target(c, state, modal.place))
        }
        ModalKind::Cleanup(c) => format!("Delete {}", cleanup_target(c, state, modal.place)),
        ModalKind::Redeploy(r) => match &r.plan {
            Some(p) => format!("Force the redeploy of {}", p.service.label()),
            None => r.title(),
        },
        ModalKind::Recover(r) => match &r.plan {
            Some(p) => format!("Recover {} into {}", p.volume.id, p.service.label()),
            None => r.title(),
        },
        ModalKind::Restore(r) => match &r.plan {
            Some(p) => format!(
                "Point {}'s {} at {} in {}",
                p.user, p.resume_tag, p.tag, p.repository
            ),
            None => r.title(),
        },
        ModalKind::Wait(_) => String::new(),
        ModalKind::HandsOn(h) => h.prompt_what(),
        ModalKind::DeploymentAction(d) => match &d.plan {
            Some(p) => format!("{} of {}/{}", p.label(), d.cluster, d.service),
            None => d.title(),
        },
        ModalKind::Storage(s) => s.prompt_what(),
    }
}

/// The cleanup's target for its confirm line: `volume vol-…` when one, else the count
/// per kind (`2 volumes, 1 snapshot`; images with their repositories), then where: the
/// region (of `place`, the dialog's, over several places), or each place the plan covers.
fn cleanup_target(
    c: &crate::tui::state::cleanup::CleanupModal,
    state: &AppState,
    place: Option<usize>,
) -> String {
    use crate::model::ResourceKind;
    let items: Vec<_> = c
        .plans
        .iter()
        .flat_map(crate::ops::cleanup::CleanupPlan::to_execute)
        .collect();
    let what = if let [one] = &items[..] {
        format!("{} {}", one.kind.as_str(), one.id)
    } else {
        let mut parts = Vec::new();
        for kind in [
            ResourceKind::Volume,
            ResourceKind::Snapshot,
            ResourceKind::Image,
        ] {
            let of: Vec<_> = items.iter().filter(|i| i.kind == kind).collect();
            let noun = kind.noun_for(of.len());
            if of.is_empty() {
                continue;
            }
            let mut part = format!("{} {noun}", of.len());
            let mut repos: Vec<&str> = of.iter().filter_map(|i| i.repository.as_deref()).collect();
            repos.sort_unstable();
            repos.dedup();
            if !repos.is_empty() {
                part = format!("{part} of {}", repos.join(", "));
            }
            parts.push(part);
        }
        parts.join(", ")
    };
    match &c.across {
        Some(a) => format!(
            "{what} in {}",
            a.labels.values().cloned().collect::<Vec<_>>().join("; ")
        ),
        None => format!("{what} in {}", state.region_at(place)),
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
