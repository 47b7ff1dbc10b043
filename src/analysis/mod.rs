//! Pure functions over the model: orphan rules, per-user tag grouping, in-use detection, rollback targets,
//! ECR lifecycle policies (evaluation, warnings, a suggested per-user policy),
//! cost, age, rollout health, unique bytes of a user's images. No I/O; every rule is
//! tested from tables.

pub mod age;
pub mod alarms;
pub mod archive;
pub mod cost;
pub mod deploy_progress;
pub mod deployments;
pub mod diff;
pub mod events;
pub mod exec;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod health;
pub mod hydration;
pub mod image_links;
pub mod in_use;
pub mod keep;
pub mod lifecycle;
pub mod lifecycle_report;
pub mod lifecycle_suggest;
pub mod lineage;
pub mod locks;
pub mod logs;
pub mod marks;
pub mod metrics;
pub mod orphans;
pub mod recycle_bin;
pub mod revision_diff;
pub mod seen;
pub mod stages;
pub mod stop;
pub mod tags;
pub mod targets;
pub mod task_metrics;
pub mod unique;
pub mod volumes;
pub mod why;
pub mod zones;
