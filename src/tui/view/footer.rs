//! The footer (the keys that work now — the pane's, or the filter's, the jump's or the
//! help's while one is open — from the keymap) and the status line above it (filter and
//! jump input, messages).

use ratatui::text::{Line, Span};

use crate::tui::action::Action;
use crate::tui::keymap::{Binding, Scope, bindings_for, bindings_in, label_for};
use crate::tui::state::app::{AppState, Mode};
use crate::tui::state::pane_id::PaneId;
use crate::tui::theme::Theme;
use crate::tui::update::jump;

/// The keys of a pane that the footer never cuts, whatever the width: the way in and the
/// next step of the pane's job (Tasks: `l` logs), its main action, the filter.
pub fn essential(pane: PaneId) -> &'static [Action] {
    match pane {
        PaneId::Services => &[
            Action::Open,
            Action::Detail,
            Action::Rollback,
            Action::Redeploy,
            Action::Filter,
        ],
        PaneId::Tasks => &[
            Action::Open,
            Action::Logs,
            Action::Rollback,
            Action::Exec,
            Action::Filter,
        ],
        PaneId::Detail => &[
            Action::Rollback,
            Action::Redeploy,
            Action::Deployments,
            Action::Back,
        ],
        PaneId::Deployments => &[Action::Rollback, Action::ContinueDeployment, Action::Back],
        PaneId::Events => &[Action::Open, Action::Filter, Action::Back],
        PaneId::Snapshots => &[
            Action::Open,
            Action::RestoreUser,
            Action::Mark,
            Action::Cleanup,
        ],
        PaneId::Orphans => &[
            Action::Open,
            Action::Mark,
            Action::Cleanup,
            Action::RecoverVolume,
        ],
    }
}

/// The keys of the pane as `key word`: its essential ones always, then the rest in table
/// order as many as fit, shown in table order; `? help` always last (after `…` when some
/// were left out).
pub fn footer_line(pane: PaneId, width: u16, theme: Theme) -> Line<'static> {
    fitted(bindings_for(pane).collect(), essential(pane), width, theme)
}

/// The pane's footer; on Detail while the service's deployment waits for a person at a
/// lifecycle hook, `o continue` is kept too: it is the key that matters then.
fn pane_footer(state: &AppState, width: u16, theme: Theme) -> Line<'static> {
    let pane = state.pane;
    if pane == PaneId::Detail && detail_awaits(state) {
        let mut keep = essential(pane).to_vec();
        keep.push(Action::ContinueDeployment);
        return fitted(bindings_for(pane).collect(), &keep, width, theme);
    }
    footer_line(pane, width, theme)
}

/// The Detail pane's service has a deployment paused at a hook, waiting for a person.
fn detail_awaits(state: &AppState) -> bool {
    state.detail.target.as_ref().is_some_and(|t| {
        state
            .services
            .find_at(t.place, &t.cluster, &t.service)
            .is_some_and(|s| state.services.awaiting_of(s).is_some())
    })
}

/// The keys of a scope (the Logs view's), as many as fit, `? help` kept visible.
pub fn scope_footer_fitted(scope: Scope, width: u16, theme: Theme) -> Line<'static> {
    fitted(bindings_in(scope).collect(), &[], width, theme)
}

/// `bindings` as `key word`, as many as fit `width` (`essential` always), `? help` last.
pub fn bindings_footer_fitted(
    bindings: Vec<&Binding>,
    essential: &[Action],
    width: u16,
    theme: Theme,
) -> Line<'static> {
    fitted(bindings, essential, width, theme)
}

fn fitted(
    bindings: Vec<&Binding>,
    essential: &[Action],
    width: u16,
    theme: Theme,
) -> Line<'static> {
    let width = usize::from(width);
    let cost = |b: &Binding| b.label().chars().count() + 1 + b.short.chars().count() + 2;
    let help = bindings.iter().copied().find(|b| b.action == Action::Help);
    let rest: Vec<&Binding> = bindings
        .into_iter()
        .filter(|b| b.action != Action::Help)
        .collect();
    // The leading space, "… " (unless every key fits) and `? help`.
    let all = 1 + help.map_or(0, cost) + rest.iter().map(|b| cost(b)).sum::<usize>();
    if all <= width + 2 {
        return bindings_footer(rest.into_iter().chain(help), theme);
    }
    let mut used = 1 + 2 + help.map_or(0, cost);
    let mut keep = vec![false; rest.len()];
    for (i, b) in rest.iter().enumerate() {
        if essential.contains(&b.action) {
            keep[i] = true;
            used += cost(b);
        }
    }
    for (i, b) in rest.iter().enumerate() {
        if !keep[i] && used + cost(b) <= width {
            keep[i] = true;
            used += cost(b);
        }
    }
    let mut spans = vec![Span::raw(" ")];
    for (b, _) in rest.iter().zip(&keep).filter(|(_, k)| **k) {
        spans.push(Span::styled(b.label(), theme.key()));
        spans.push(Span::raw(format!(" {}  ", b.short)));
    }
    if keep.iter().any(|k| !k) {
        spans.push(Span::styled("…", theme.dim()));
        spans.push(Span::raw(" "));
    }
    if let Some(b) = help {
        spans.push(Span::styled(b.label(), theme.key()));
        spans.push(Span::raw(format!(" {}", b.short)));
    }
    Line::from(spans)
}

/// The keys of an input, overlay or dialog scope as `key word`, in table order.
pub fn scope_footer(scope: Scope, theme: Theme) -> Line<'static> {
    scope_footer_where(scope, |_| true, theme)
}

/// The keys of a scope whose action `keep` accepts, as `key word`, in table order.
pub fn scope_footer_where(
    scope: Scope,
    keep: impl Fn(Action) -> bool,
    theme: Theme,
) -> Line<'static> {
    bindings_footer(bindings_in(scope).filter(|b| keep(b.action)), theme)
}

/// These bindings as `key word`, in the order given.
pub fn bindings_footer<'a>(
    bindings: impl Iterator<Item = &'a Binding>,
    theme: Theme,
) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for b in bindings {
        spans.push(Span::styled(b.label(), theme.key()));
        spans.push(Span::raw(format!(" {}  ", b.short)));
    }
    Line::from(spans)
}

/// The footer without a dialog: the keys of the input or overlay open, else the pane's.
pub fn footer_for(state: &AppState, width: u16, theme: Theme) -> Line<'static> {
    if state.mode == Mode::Help {
        return scope_footer(Scope::Help, theme);
    }
    match &state.logs {
        Some(view) if view.searching => return scope_footer(Scope::LogsSearch, theme),
        Some(_) if state.mode != Mode::Help => {
            return scope_footer_fitted(Scope::Logs, width, theme);
        }
        _ => {}
    }
    match state.mode {
        Mode::Normal => pane_footer(state, width, theme),
        Mode::Filter => scope_footer(Scope::Filter, theme),
        Mode::Jump { .. } => scope_footer(Scope::Jump, theme),
        Mode::Help => scope_footer(Scope::Help, theme),
    }
}

/// The status line's message in rows of `width`, each indented one space like the first,
/// cut at spaces where it can; a word longer than a row (a console URL) goes on over the
/// next rows from their first column, unindented, so it reads and selects whole. `None`
/// when no message shows.
pub fn message_rows(state: &AppState, theme: Theme, width: u16) -> Option<Vec<Line<'static>>> {
    if !matches!(state.mode, Mode::Normal | Mode::Help) {
        return None;
    }
    let message = state.message.as_ref()?;
    let width = usize::from(width).max(2);
    let mut rows = Vec::new();
    for row in super::help::wrap(message, width - 1) {
        let mut rest = format!(" {row}");
        loop {
            let cut = rest
                .char_indices()
                .nth(width)
                .map_or(rest.len(), |(i, _)| i);
            let tail = rest.split_off(cut);
            rows.push(Line::styled(rest, theme.warn()));
            if tail.is_empty() {
                break;
            }
            rest = tail;
        }
    }
    Some(rows)
}

pub fn status_line(state: &AppState, theme: Theme) -> Line<'static> {
    match &state.mode {
        Mode::Filter => Line::from(vec![
            Span::styled(" /", theme.key()),
            Span::raw(state.active_filter().unwrap_or_default().to_string()),
            Span::styled("▏", theme.key()),
        ]),
        Mode::Jump { input, choice } => {
            let mut spans = vec![
                Span::styled(" :", theme.key()),
                Span::raw(input.clone()),
                Span::styled("▏ ", theme.key()),
            ];
            let matches = jump::matches(state, input);
            if matches.is_empty() {
                spans.push(Span::styled("no match", theme.warn()));
            }
            for (i, t) in matches.iter().take(5).enumerate() {
                let text = format!(" {} {} ", t.kind(), t.text());
                if i == *choice {
                    spans.push(Span::styled(text, theme.selected()));
                } else {
                    spans.push(Span::raw(text));
                }
            }
            Line::from(spans)
        }
        Mode::Normal | Mode::Help => match &state.message {
            Some(m) => Line::styled(format!(" {m}"), theme.warn()),
            None if state.credentials_failure().is_some() => credentials_banner(state, theme),
            None => match state.active_filter() {
                Some(f) if !f.is_empty() => {
                    let clear = label_for(state.pane, Action::Back).unwrap_or_default();
                    Line::from(vec![
                        Span::styled(" filter: ", theme.dim()),
                        Span::raw(f.to_string()),
                        Span::styled(format!("  ({clear} clears)"), theme.dim()),
                    ])
                }
                _ => Line::raw(""),
            },
        },
    }
}

/// The banner while credentials are missing or expired: what to run (the error's own
/// advice), that the panes show their last data and how old it is, and that `r` retries.
pub fn credentials_banner(state: &AppState, theme: Theme) -> Line<'static> {
    let Some((error, since)) = state.credentials_failure() else {
        return Line::raw("");
    };
    // The advice after "ACTION in REGION: ".
    let advice = error.split_once(": ").map_or(error, |(_, rest)| rest);
    let stale = match since {
        Some(at) => format!(
            "panes show data from {} ago (stale)",
            crate::analysis::age::short_age(Some(at), state.now)
        ),
        None => "nothing loaded yet".to_string(),
    };
    Line::from(vec![
        Span::styled(" ⚠ credentials: ", theme.production()),
        Span::styled(
            format!(" {advice} — {stale}; r retries once you have logged in"),
            theme.bad(),
        ),
    ])
}
