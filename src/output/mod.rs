//! What the commands print: JSON types kept apart from the model (so refactors inside
//! don't break scripts) and plain-text tables.

pub mod actions;
pub mod audit;
pub mod deployments;
pub mod diff;
pub mod events;
#[cfg(test)]
mod flatten_tests;
pub mod fleet;
pub mod fleet_cleanup;
pub mod hands_on;
pub mod hydration;
pub mod json;
pub mod lifecycle;
pub mod metrics;
pub mod parts;
pub mod recover;
pub mod report;
pub mod restore_image;
pub mod storage;
pub mod table;
pub mod targets;
pub mod zones;
