//! Keys while the `?` help is open (over a pane, the Logs view or a dialog): scroll it,
//! or close it (back to what was open under it, at the top next time).

use crossterm::event::KeyEvent;

use crate::tui::action::Action;
use crate::tui::keymap::{self, Scope};
use crate::tui::run::effect::Effect;
use crate::tui::state::app::{AppState, Mode};

pub fn on_key(state: &mut AppState, key: &KeyEvent) -> Vec<Effect> {
    let page = i32::try_from(state.page).unwrap_or(10);
    let help = &state.help;
    match keymap::lookup_in(Scope::Help, key) {
        Some(Action::Cancel) => {
            help.top();
            state.mode = Mode::Normal;
        }
        Some(Action::Down) => help.scroll_by(1),
        Some(Action::Up) => help.scroll_by(-1),
        Some(Action::PageDown) => help.scroll_by(page),
        Some(Action::PageUp) => help.scroll_by(-page),
        Some(Action::Top) => help.top(),
        Some(Action::Bottom) => help.bottom(),
        _ => {}
    }
    Vec::new()
}
