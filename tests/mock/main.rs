//! The mock harness: one test binary for everything tested against aws-smithy-mocks (the
//! requests ecsnap sends and the answers moto cannot give: pagination, throttling, lost
//! answers, rollouts, deployment controllers, ECS-managed volumes). One module per feature;
//! the mocked clients and the audited `Mutator` come from `tests/support/mocked.rs`.
//!
//! Run one feature with `cargo test --test mock rollback::`.

#[path = "../support/answers.rs"]
mod answers;
#[path = "../support/asserts.rs"]
mod asserts;
#[path = "../support/ecs_volumes.rs"]
mod ecs_volumes;
#[path = "../support/instant_sleep.rs"]
mod instant_sleep;
#[path = "../support/mocked.rs"]
mod mocked;
#[path = "../support/runtime.rs"]
mod runtime;

// The Logs view is drawn from a loaded console state, as the console tests draw theirs.
#[path = "../common/console_fixtures.rs"]
mod fixtures;

mod adapters;
mod archive_fleet;
mod cleanup;
mod deployments;
mod fleet;
mod fleet_scale;
mod hands_on;
mod health;
mod hydration;
mod hydration_stop;
mod image_archive;
mod image_check;
mod image_index;
mod in_use_revisions;
mod lifecycle;
mod lineage;
mod load;
mod logs;
mod marks;
mod metrics;
mod orphan_rules;
mod outcomes;
mod recover;
mod recycle_bin;
mod rollback;
mod safety;
mod service_revisions;
mod snapshot_locks;
mod wait;
mod wait_deployment;
mod wait_stage;
mod why;
