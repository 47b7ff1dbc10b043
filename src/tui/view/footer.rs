//! The footer (the keys that work now — the pane's, or the filter's, the jump's or the
//! help's while one is open — from the keymap) and the status line above it (filter and
//! jump input, messages).

use ratatui::text::{Line, Span};

use crate::tui::action::Action;
use crate::tui::keymap::{Scope, bindings_for, bindings_in, label_for};
use crate::tui::state::app::{AppState, Mode};
use crate::tui::state::pane_id::PaneId;
use crate::tui::theme::Theme;
use crate::tui::update::jump;

/// Every key of the pane as `key word`, in table order, as many as fit; `? help` always
/// stays visible at the end when some had to be left out.
pub fn footer_line(pane: PaneId, width: u16, theme: Theme) -> Line<'static> {
    let items: Vec<(String, &str)> = bindings_for(pane).map(|b| (b.label(), b.short)).collect();
    fitted(&items, width, theme)
}

/// The keys of a scope (the Logs view's), as many as fit, `? help` kept visible.
pub fn scope_footer_fitted(scope: Scope, width: u16, theme: Theme) -> Line<'static> {
    let items: Vec<(String, &str)> = bindings_in(scope).map(|b| (b.label(), b.short)).collect();
    fitted(&items, width, theme)
}

fn fitted(items: &[(String, &str)], width: u16, theme: Theme) -> Line<'static> {
    let width = usize::from(width);
    let tail = "… ? help";
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    let mut help_shown = false;
    for (i, (label, short)) in items.iter().enumerate() {
        let w = label.chars().count() + 1 + short.chars().count() + 2;
        let rest_fits = i + 1 == items.len() || used + w + tail.len() <= width;
        if used + w > width || !rest_fits {
            spans.push(Span::styled("…", theme.dim()));
            if !help_shown {
                spans.push(Span::raw(" "));
                spans.push(Span::styled("?", theme.key()));
                spans.push(Span::raw(" help"));
            }
            break;
        }
        help_shown |= label == "?";
        spans.push(Span::styled(label.clone(), theme.key()));
        spans.push(Span::raw(format!(" {short}  ")));
        used += w;
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
    let mut spans = vec![Span::raw(" ")];
    for b in bindings_in(scope).filter(|b| keep(b.action)) {
        spans.push(Span::styled(b.label(), theme.key()));
        spans.push(Span::raw(format!(" {}  ", b.short)));
    }
    Line::from(spans)
}

/// The footer without a dialog: the keys of the input or overlay open, else the pane's.
pub fn footer_for(state: &AppState, width: u16, theme: Theme) -> Line<'static> {
    match &state.logs {
        Some(view) if view.searching => return scope_footer(Scope::LogsSearch, theme),
        Some(_) if state.mode != Mode::Help => {
            return scope_footer_fitted(Scope::Logs, width, theme);
        }
        _ => {}
    }
    match state.mode {
        Mode::Normal => footer_line(state.pane, width, theme),
        Mode::Filter => scope_footer(Scope::Filter, theme),
        Mode::Jump { .. } => scope_footer(Scope::Jump, theme),
        Mode::Help => scope_footer(Scope::Help, theme),
    }
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
