//! The footer (this pane's keys, from the keymap) and the status line above it (filter
//! and jump input, messages).

use ratatui::text::{Line, Span};

use crate::tui::app::{AppState, Mode, PaneId};
use crate::tui::jump;
use crate::tui::keymap::bindings_for;
use crate::tui::theme::Theme;

/// Every key of the pane as `key word`, in table order, as many as fit; `? help` always
/// stays visible at the end when some had to be left out.
pub fn footer_line(pane: PaneId, width: u16, theme: Theme) -> Line<'static> {
    let width = usize::from(width);
    let items: Vec<(&str, &str)> = bindings_for(pane).map(|b| (b.label, b.short)).collect();
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
        help_shown |= *label == "?";
        spans.push(Span::styled((*label).to_string(), theme.key()));
        spans.push(Span::raw(format!(" {short}  ")));
        used += w;
    }
    Line::from(spans)
}

pub fn status_line(state: &AppState, theme: Theme) -> Line<'static> {
    match &state.mode {
        Mode::Filter => Line::from(vec![
            Span::styled(" /", theme.key()),
            Span::raw(state.filter_of(state.pane).unwrap_or_default().to_string()),
            Span::styled("▏", theme.key()),
            Span::styled("  Enter keep · Esc clear", theme.dim()),
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
            spans.push(Span::styled("  Tab complete · Enter go", theme.dim()));
            Line::from(spans)
        }
        Mode::Normal | Mode::Help => match &state.message {
            Some(m) => Line::styled(format!(" {m}"), theme.warn()),
            None => match state.filter_of(state.pane) {
                Some(f) if !f.is_empty() => Line::from(vec![
                    Span::styled(" filter: ", theme.dim()),
                    Span::raw(f.to_string()),
                    Span::styled("  (Esc clears)", theme.dim()),
                ]),
                _ => Line::raw(""),
            },
        },
    }
}
