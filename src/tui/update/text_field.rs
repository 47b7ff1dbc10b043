//! Keys in an open dialog before the dialog's own: `?` opens the dialog's help, and while
//! a text field has the focus (a typed confirmation, the port of a forward) every letter,
//! digit and sign is typed into it — only Tab, Enter, Esc, Backspace and the arrows of a
//! picker act (and `?`, which no count, name or port contains), so no letter is both
//! typed and a command.

use crossterm::event::KeyEvent;

use crate::tui::action::Action;
use crate::tui::keymap::{self, Scope};
use crate::tui::run::effect::Effect;
use crate::tui::state::app::{AppState, Mode};

/// `Some` when the key was taken here; `None` leaves it to the dialog (Enter, Esc, Tab
/// while typing; every dialog key otherwise).
pub fn on_key(state: &mut AppState, key: &KeyEvent) -> Option<Vec<Effect>> {
    let modal = state.modal.as_mut()?;
    if !modal.text_field_focused() {
        if keymap::lookup_modal(key) == Some(Action::Help) {
            state.mode = Mode::Help;
            return Some(Vec::new());
        }
        return None;
    }
    match keymap::lookup_in(Scope::TextField, key) {
        Some(Action::Help) => state.mode = Mode::Help,
        Some(Action::DeleteChar) => {
            modal.confirm.input.pop();
        }
        // Enter confirms, Esc cancels, Tab toggles snapshot-first, ↓/↑ pick: the dialog's.
        Some(_) => return None,
        None => {
            if let Some(c) = keymap::typed_char(key) {
                modal.confirm.input.push(c);
                modal.confirm.error = None;
            }
            // Anything else (arrows, PgDn, F-keys) does nothing while typing.
        }
    }
    Some(Vec::new())
}
