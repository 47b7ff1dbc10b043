//! What the commands print: JSON types kept apart from the model (so refactors inside
//! don't break scripts) and plain-text tables.

pub mod actions;
pub mod diff;
pub mod json;
pub mod recover;
pub mod table;
