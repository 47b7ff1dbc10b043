//! Loaders: what the listing commands and the console panes need, assembled from the
//! adapters with bounded concurrency. Both front ends call these, so they always agree.

pub mod alarms;
mod awaiting;
mod deployments;
mod ecs;

pub(crate) use ecs::{service_names, unknown_service};
pub mod fleet;
mod inventory;
mod lifecycle;
mod lineage;
pub mod logs;
mod metrics;
mod names;
mod orphans;
mod recycle_bin;
mod revision_images;
mod revisions;
mod rollback_targets;
pub mod seen;
mod service;
mod snapshots;
mod storage;
pub mod targets;
pub mod task_metrics;
mod unique;
mod why;
mod zones;

pub use awaiting::{AwaitingAction, load_awaiting_action};
pub use deployments::{DeploymentHistory, load_deployment_history, load_deployments, newest_first};
pub use ecs::{
    ClusterServices, load_in_use, load_services, load_services_progressively,
    load_task_definition_images, load_tasks, resolve_cluster,
};
pub use inventory::{
    Inventory, InventoryParts, load_inventory, load_inventory_of, load_inventory_parts,
};
pub use lifecycle::{LifecycleState, RepositoryLifecycle, load_lifecycle};
pub use lineage::load_lineage;
pub use metrics::load_metrics;
pub use names::close_names;
pub use orphans::{load_orphans, load_orphans_with_locks};
pub use recycle_bin::{load_retention_rules, rbin_type};
pub use revisions::{RevisionDiff, load_image_presence, load_revision_diff, load_task_definitions};
pub use rollback_targets::load_rollback_targets;
pub use service::{ServiceTasks, load_service_detail, load_service_snapshots, load_service_tasks};
pub use snapshots::{load_all_images, load_snapshot_groups};
pub use storage::{TaskListing, load_task_listing, load_task_storage};
pub use task_metrics::load_task_metrics;
pub use unique::load_unique_bytes;
pub use why::{ServicesListing, Whys, load_services_listing, load_whys};
pub use zones::load_zone_check;
mod task;
pub use task::{TaskInCluster, load_task};
