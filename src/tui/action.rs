//! What the user asked for. Keys map to these through the keymap table; `update` acts.

use super::app::PaneId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    NextPane,
    PrevPane,
    GoPane(PaneId),
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Drill in: service → tasks → detail; user → tags.
    Open,
    /// Back out one level, or clear the filter first.
    Back,
    Detail,
    Filter,
    SortNext,
    SortReverse,
    Jump,
    Refresh,
    Mark,
    Help,
    UniqueBytes,
}
