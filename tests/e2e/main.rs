//! The end-to-end harness: one test binary for the real `ecsnap` binary run against the
//! moto emulator (`tests/support/emulator.rs`), in tmux for the console
//! (`tests/support/tmux.rs`), or with no AWS at all where the input is refused first. One
//! module per feature; every change is read back from AWS through the SDK.
//!
//! Run one feature with `cargo test --test e2e rollback::`. tmux must be installed.

#[path = "../support/answers.rs"]
mod answers;
#[path = "../support/asserts.rs"]
mod asserts;
#[path = "../support/ecs_volumes.rs"]
mod ecs_volumes;
#[path = "../support/emulator.rs"]
mod emulator;
#[path = "../support/instant_sleep.rs"]
mod instant_sleep;
#[path = "../support/proxy.rs"]
mod proxy;
#[path = "../support/runtime.rs"]
mod runtime;
#[path = "../support/tmux.rs"]
mod tmux;

mod archived_snapshot_tmux;
mod audit;
mod cleanup;
mod cleanup_tmux;
mod cli_inputs;
mod config;
mod console_actions_tmux;
mod console_places_tmux;
mod console_tmux;
mod console_writes_tmux;
mod credentials;
mod demo;
mod demo_deployments;
mod demo_dynamics;
mod demo_tmux;
mod deployments;
mod diff;
mod exec;
mod fleet;
mod fleet_actions;
mod hands_on;
mod harness;
mod health;
mod hostile;
mod image_index;
mod lifecycle;
mod listings;
mod logs;
mod metrics;
mod orphan_rules;
mod read_only;
mod recover;
mod robustness;
mod rollback;
mod snapshot_archive;
mod storage_states;
mod terminal;
mod zones;
