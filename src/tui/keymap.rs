//! The one key table: key handling, the footer and the `?` help all read it, so they
//! cannot disagree.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use super::app::PaneId;

/// A key as the table names it. Character keys ignore Shift (it is part of the char).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    const fn ch(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            ctrl: false,
        }
    }
    const fn code(code: KeyCode) -> Self {
        Self { code, ctrl: false }
    }
    const fn ctrl(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            ctrl: true,
        }
    }

    pub fn matches(&self, ev: &KeyEvent) -> bool {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let code = match ev.code {
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            other => other,
        };
        code == self.code && ctrl == self.ctrl
    }
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every pane.
    Global,
    /// Every pane that shows a list of rows (all but Detail).
    Lists,
    Pane(PaneId),
    /// Several panes.
    Panes(&'static [PaneId]),
    /// An open dialog (it takes every key); listed in its own footer and help section.
    Modal,
}

impl Scope {
    pub fn applies(self, pane: PaneId) -> bool {
        match self {
            Scope::Global => true,
            Scope::Lists => pane != PaneId::Detail,
            Scope::Pane(p) => p == pane,
            Scope::Panes(ps) => ps.contains(&pane),
            Scope::Modal => false,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    /// How the key is written in the footer and the help.
    pub label: &'static str,
    pub scope: Scope,
    pub action: Action,
    /// One or two words for the footer.
    pub short: &'static str,
    /// A sentence for the help.
    pub desc: &'static str,
}

const fn b(
    keys: &'static [Key],
    label: &'static str,
    scope: Scope,
    action: Action,
    short: &'static str,
    desc: &'static str,
) -> Binding {
    Binding {
        keys,
        label,
        scope,
        action,
        short,
        desc,
    }
}

use Scope::{Global, Lists, Modal, Pane, Panes};

/// The panes that show one service: rollback and redeploy work from each.
const SERVICE_PANES: &[PaneId] = &[PaneId::Services, PaneId::Tasks, PaneId::Detail];

/// Pane-specific keys first: they win over global ones and lead the footer.
#[rustfmt::skip]
pub const KEYMAP: &[Binding] = &[
    b(&[Key::code(KeyCode::Enter)], "Enter", Pane(PaneId::Services), Action::Open, "tasks", "open the tasks and volumes of the selected service"),
    b(&[Key::ch('d')], "d", Pane(PaneId::Services), Action::Detail, "detail", "show the selected service's deployments, events, containers and environment"),
    b(&[Key::code(KeyCode::Enter)], "Enter", Pane(PaneId::Tasks), Action::Open, "detail", "show the service's deployments, events, containers and environment"),
    b(&[Key::ch('d')], "d", Pane(PaneId::Tasks), Action::Detail, "detail", "show the service's detail"),
    b(&[Key::code(KeyCode::Enter)], "Enter", Pane(PaneId::Snapshots), Action::Open, "tags", "move between the users list and the selected user's tags"),
    b(&[Key::ch('u')], "u", Pane(PaneId::Snapshots), Action::UniqueBytes, "unique", "compute the selected user's unique bytes (layers no other image shares)"),
    b(&[Key::ch('R')], "R", Panes(SERVICE_PANES), Action::Rollback, "rollback", "roll the service back: pick a task-definition revision (the one before what runs is preselected), y, then watch it"),
    b(&[Key::ch('D')], "D", Panes(SERVICE_PANES), Action::Redeploy, "redeploy", "force a new deployment of the service (same task definition, fresh tasks), then watch it"),
    b(&[Key::ch('x'), Key::code(KeyCode::Delete)], "x/Del", Pane(PaneId::Orphans), Action::Cleanup, "delete", "delete the marked orphans (or the selected one): plan, confirm, a result per resource"),
    b(&[Key::ch('x'), Key::code(KeyCode::Delete)], "x/Del", Pane(PaneId::Snapshots), Action::Cleanup, "delete", "delete the images of the marked tags (keeps each user's newest and images in use): plan, confirm, report"),
    b(&[Key::ch('t')], "t", Pane(PaneId::Snapshots), Action::RestoreUser, "restore", "point the user's resume tag at the selected tag (shows the digest before and after)"),
    b(&[Key::ch('/')], "/", Lists, Action::Filter, "filter", "filter rows as you type (case-insensitive); Enter keeps it, Esc clears it"),
    b(&[Key::ch('s')], "s", Lists, Action::SortNext, "sort", "sort by the next column"),
    b(&[Key::ch('S')], "S", Lists, Action::SortReverse, "reverse", "reverse the sort order"),
    b(&[Key::ch(' ')], "space", Lists, Action::Mark, "mark", "mark or unmark the selected row"),
    b(&[Key::ch('a')], "a", Lists, Action::MarkAll, "mark all", "mark every row the filter shows (again: unmark them)"),
    b(&[Key::code(KeyCode::Esc)], "Esc", Global, Action::Back, "back", "clear the filter, or go back one level"),
    b(&[Key::ch(':')], ":", Global, Action::Jump, "jump", "jump to a cluster, service or user by name (Tab completes)"),
    b(&[Key::ch('r')], "r", Global, Action::Refresh, "refresh", "refresh this pane and the services now"),
    b(&[Key::ch('?')], "?", Global, Action::Help, "help", "show or hide this help"),
    b(&[Key::ch('q')], "q", Global, Action::Quit, "quit", "quit ecsnap"),
    b(&[Key::ctrl('c')], "Ctrl-C", Global, Action::Quit, "quit", "quit ecsnap, from anywhere (even while typing)"),
    b(&[Key::ch('j'), Key::code(KeyCode::Down)], "j/↓", Global, Action::Down, "down", "move down (scroll in Detail)"),
    b(&[Key::ch('k'), Key::code(KeyCode::Up)], "k/↑", Global, Action::Up, "up", "move up (scroll in Detail)"),
    b(&[Key::code(KeyCode::PageDown)], "PgDn", Global, Action::PageDown, "page down", "move one page down"),
    b(&[Key::code(KeyCode::PageUp)], "PgUp", Global, Action::PageUp, "page up", "move one page up"),
    b(&[Key::ch('g'), Key::code(KeyCode::Home)], "g", Global, Action::Top, "top", "go to the first row"),
    b(&[Key::ch('G'), Key::code(KeyCode::End)], "G", Global, Action::Bottom, "bottom", "go to the last row"),
    b(&[Key::code(KeyCode::Tab)], "Tab", Global, Action::NextPane, "next pane", "next pane"),
    b(&[Key::code(KeyCode::BackTab)], "Shift-Tab", Global, Action::PrevPane, "prev pane", "previous pane"),
    b(&[Key::ch('1')], "1", Global, Action::GoPane(PaneId::Services), "services", "Services pane"),
    b(&[Key::ch('2')], "2", Global, Action::GoPane(PaneId::Tasks), "tasks", "Tasks pane (of the selected service)"),
    b(&[Key::ch('3')], "3", Global, Action::GoPane(PaneId::Snapshots), "snapshots", "Snapshots pane"),
    b(&[Key::ch('4')], "4", Global, Action::GoPane(PaneId::Orphans), "orphans", "Orphans pane"),
    b(&[Key::ch('y'), Key::code(KeyCode::Enter)], "y/Enter", Modal, Action::Confirm, "confirm", "confirm the plan shown: y when asked y/n; when asked to type the count or a name, type it and press Enter"),
    b(&[Key::ch('n'), Key::code(KeyCode::Esc)], "n/Esc", Modal, Action::Cancel, "close", "cancel, or close the report; in the wait view stop watching (the deployment goes on in ECS)"),
    b(&[Key::ch('j'), Key::code(KeyCode::Down)], "j/↓", Modal, Action::ModalDown, "down", "pick the next revision, tag or snapshot"),
    b(&[Key::ch('k'), Key::code(KeyCode::Up)], "k/↑", Modal, Action::ModalUp, "up", "pick the previous revision, tag or snapshot"),
    b(&[Key::ch('i')], "i", Modal, Action::ModalSwitch, "tags/EBS", "in the rollback picker: list task-definition revisions, then the container's image tags, then the managed EBS volume's snapshots"),
    b(&[Key::ch('R')], "R", Modal, Action::Rollback, "roll back", "in the wait view: roll the service back (opens the picker) — offered when the rollout failed"),
];

/// The keys of an open dialog, in table order.
pub fn modal_bindings() -> impl Iterator<Item = &'static Binding> {
    KEYMAP.iter().filter(|b| b.scope == Scope::Modal)
}

/// The action a key means in an open dialog, if any.
pub fn lookup_modal(ev: &KeyEvent) -> Option<Action> {
    modal_bindings()
        .find(|b| b.keys.iter().any(|k| k.matches(ev)))
        .map(|b| b.action)
}

/// The bindings that apply in a pane, in table order.
pub fn bindings_for(pane: PaneId) -> impl Iterator<Item = &'static Binding> {
    KEYMAP.iter().filter(move |b| b.scope.applies(pane))
}

/// The action a key press means in a pane, if any.
pub fn lookup(pane: PaneId, ev: &KeyEvent) -> Option<Action> {
    bindings_for(pane)
        .find(|b| b.keys.iter().any(|k| k.matches(ev)))
        .map(|b| b.action)
}

/// Ctrl-C quits from every mode, before any modal sees the key.
pub fn is_force_quit(ev: &KeyEvent) -> bool {
    Key::ctrl('c').matches(ev)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn pane_keys_win_over_global_and_shift_is_part_of_the_char() {
        let enter = key(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(lookup(PaneId::Services, &enter), Some(Action::Open));
        assert_eq!(lookup(PaneId::Orphans, &enter), None);
        let big_g = key(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(lookup(PaneId::Tasks, &big_g), Some(Action::Bottom));
        let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert!(is_force_quit(&ctrl_c));
        assert_eq!(lookup(PaneId::Detail, &ctrl_c), Some(Action::Quit));
        let plain_c = key(KeyCode::Char('c'), KeyModifiers::NONE);
        assert!(!is_force_quit(&plain_c));
        let slash = key(KeyCode::Char('/'), KeyModifiers::NONE);
        assert_eq!(lookup(PaneId::Detail, &slash), None);
        assert_eq!(lookup(PaneId::Orphans, &slash), Some(Action::Filter));
    }

    #[test]
    fn no_key_is_bound_twice_in_a_pane() {
        for pane in PaneId::ALL {
            let mut seen: Vec<Key> = Vec::new();
            for b in bindings_for(pane) {
                for k in b.keys {
                    assert!(!seen.contains(k), "{k:?} bound twice in {pane:?}");
                    seen.push(*k);
                }
            }
        }
    }
}
