//! ecsnap: a terminal console for stateful containers on Amazon ECS.
//!
//! Layout: `model` (plain data) ← `aws` (adapters behind traits) → `load` (what a listing or
//! pane needs, assembled concurrently) → `analysis` (pure rules) → `commands` / `output`.
//! `demo` runs a local emulator with a seeded fleet for the demo and the tests.

pub mod analysis;
pub mod aws;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod error;
pub mod json_file;
pub mod load;
pub mod model;
pub mod name_cache;
pub mod ops;
pub mod output;
pub mod tui;

pub use error::{Error, Result};
