//! The `?` overlay: the keys of what is open — a pane, the Logs view or a dialog (each
//! kind its own) — then the keys that work everywhere and the help's own, all from the
//! keymap. It scrolls (the view clamps `AppState::help`'s offset) and says when more is
//! above or below.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::tui::action::Action;
use crate::tui::keymap::{Binding, Scope, bindings_for, bindings_in, dialog_bindings};
use crate::tui::state::app::AppState;
use crate::tui::state::dialog_kind::DialogKind;
use crate::tui::state::pane_id::PaneId;
use crate::tui::theme::Theme;

/// What the help is about: the view open under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpFor {
    Pane(PaneId),
    Logs,
    Dialog(DialogKind),
}

impl HelpFor {
    /// The view open in `state`: a dialog over everything, then the Logs view, then the pane.
    pub fn of(state: &AppState) -> Self {
        if let Some(m) = &state.modal {
            HelpFor::Dialog(m.dialog_kind())
        } else if state.logs.is_some() {
            HelpFor::Logs
        } else {
            HelpFor::Pane(state.pane)
        }
    }
}

/// The width of the key column.
const KEY_COLUMN: usize = 12;

type Section = (String, Vec<&'static Binding>);

/// The help's sections for `about`, each a heading and its bindings, in table order.
pub fn sections(about: HelpFor) -> Vec<Section> {
    let global: Vec<&Binding> = bindings_in(Scope::Global).collect();
    let help = || {
        (
            "In this help".to_string(),
            bindings_in(Scope::Help).collect(),
        )
    };
    match about {
        HelpFor::Pane(pane) => {
            let mut out = vec![(
                format!("Keys in {}", pane.title()),
                bindings_for(pane)
                    .filter(|b| b.scope != Scope::Global)
                    .collect(),
            )];
            out.push(("Everywhere".into(), global));
            if Scope::Lists.applies(pane) {
                out.push((
                    "While filtering (other keys type into the filter)".into(),
                    bindings_in(Scope::Filter).collect(),
                ));
            }
            out.push((
                "While jumping (other keys type the name)".into(),
                bindings_in(Scope::Jump).collect(),
            ));
            out.push(help());
            out
        }
        HelpFor::Logs => vec![
            (
                "Keys in the Logs view (it takes every key; Ctrl-C still quits)".into(),
                bindings_in(Scope::Logs).collect(),
            ),
            (
                "While searching logs (other keys type the search)".into(),
                bindings_in(Scope::LogsSearch).collect(),
            ),
            (
                "Everywhere (in the panes, once Esc closed the Logs view)".into(),
                global,
            ),
            help(),
        ],
        HelpFor::Dialog(kind) => {
            let mut out = vec![(
                format!(
                    "Keys in {} (it takes every key; Ctrl-C still quits)",
                    kind.title()
                ),
                dialog_bindings(kind).collect(),
            )];
            if kind != DialogKind::Wait {
                let what = match kind {
                    DialogKind::PortForward => "the port, or the count or name asked",
                    DialogKind::Cleanup => "the count or the name asked",
                    _ => "the name asked (production)",
                };
                out.push((
                    format!(
                        "While typing {what}: letters and digits are typed, only these keys act"
                    ),
                    bindings_in(Scope::TextField)
                        .filter(|b| text_field_offers(kind, b.action))
                        .collect(),
                ));
            }
            out.push((
                "Everywhere (in the panes, once the dialog is closed)".into(),
                global,
            ));
            out.push(help());
            out
        }
    }
}

/// Whether a text-field key acts in this kind of dialog: Tab in the cleanup, → in the
/// rollback picker, the arrows in the pickers, the rest everywhere.
pub fn text_field_offers(kind: DialogKind, action: Action) -> bool {
    match action {
        Action::ModalSnapshotFirst => kind == DialogKind::Cleanup,
        Action::ModalSwitch => kind == DialogKind::Rollback,
        Action::ModalDown | Action::ModalUp => crate::tui::keymap::PICKERS.contains(&kind),
        _ => true,
    }
}

/// The help text for a pane, one line per binding (not wrapped).
pub fn help_lines(pane: PaneId, theme: Theme) -> Vec<Line<'static>> {
    lines_for(HelpFor::Pane(pane), usize::MAX, theme)
}

/// `sections(about)`, with the keys that act while typing first when a dialog's text
/// field has the focus (its other keys wait until the field is done).
fn sections_while(about: HelpFor, typing: bool) -> Vec<Section> {
    let mut out = sections(about);
    if typing
        && matches!(about, HelpFor::Dialog(_))
        && out.len() > 1
        && out[1].0.starts_with("While typing")
    {
        let field = out.remove(1);
        out[0].0 = format!("{} — not while typing", out[0].0);
        out.insert(0, field);
    }
    out
}

/// The help text for `about`, each description wrapped to `width` columns under its key.
pub fn lines_for(about: HelpFor, width: usize, theme: Theme) -> Vec<Line<'static>> {
    lines_while(about, false, width, theme)
}

/// `lines_for`, with the typing keys first while a dialog's text field has the focus.
fn lines_while(about: HelpFor, typing: bool, width: usize, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (i, (heading, bindings)) in sections_while(about, typing).into_iter().enumerate() {
        if i > 0 {
            lines.push(Line::raw(""));
        }
        for row in wrap(&heading, width.max(20)) {
            lines.push(Line::styled(row, theme.heading()));
        }
        for b in bindings {
            let label = b.label();
            let pad = KEY_COLUMN.saturating_sub(label.chars().count() + 2).max(1);
            let first = format!("  {label}{}", " ".repeat(pad));
            let indent = first.chars().count();
            let rows = wrap(b.desc, width.saturating_sub(indent).max(20));
            for (r, text) in rows.into_iter().enumerate() {
                if r == 0 {
                    lines.push(Line::from(vec![
                        Span::styled(first.clone(), theme.key()),
                        Span::raw(text),
                    ]));
                } else {
                    lines.push(Line::raw(format!("{}{text}", " ".repeat(indent))));
                }
            }
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        match about {
            HelpFor::Pane(_) => "Each dialog and the Logs view has its own keys: press ? there.",
            HelpFor::Logs | HelpFor::Dialog(_) => "Esc closes this help, back to where you were.",
        },
        theme.dim(),
    ));
    lines
}

/// Splits `text` into rows of at most `width` characters, at spaces where it can.
pub(super) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut rows = Vec::new();
    let mut row = String::new();
    for word in text.split(' ') {
        let (row_len, word_len) = (row.chars().count(), word.chars().count());
        if !row.is_empty() && row_len + 1 + word_len > width {
            rows.push(std::mem::take(&mut row));
        }
        if !row.is_empty() {
            row.push(' ');
        }
        row.push_str(word);
    }
    rows.push(row);
    rows
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    let width = area.width.saturating_sub(4).min(100);
    let inner = usize::from(width.saturating_sub(2));
    let typing = state
        .modal
        .as_ref()
        .is_some_and(crate::tui::state::modal::Modal::text_field_focused);
    let lines = lines_while(HelpFor::of(state), typing, inner, theme);
    let total = lines.len();
    let height = u16::try_from(total + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let shown = usize::from(height.saturating_sub(2));
    let max = u16::try_from(total.saturating_sub(shown)).unwrap_or(u16::MAX);
    let scroll = state.help.scroll.get().min(max);
    state.help.scroll.set(scroll);
    let popup = crate::tui::view::widgets::popup(frame, area, width, height);
    let mut block = Block::bordered().title(" Help ");
    if scroll > 0 {
        block = block.title_top(
            Line::styled(format!(" ↑ {scroll} more above · k/PgUp/g "), theme.key())
                .right_aligned(),
        );
    }
    if scroll < max {
        block = block.title_bottom(
            Line::styled(
                format!(" ↓ {} more below · j/PgDn/G ", max - scroll),
                theme.key(),
            )
            .right_aligned(),
        );
    }
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll, 0)).block(block),
        popup,
    );
}
