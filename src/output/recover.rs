//! The JSON contract of `recover`: the orphaned volume, the service it goes back into,
//! the managed volume's configuration, the snapshot taken and the deployment started.

use serde::Serialize;

use super::actions::WaitJson;
use super::zones::ZonesJson;
use crate::model::ClusterService;
use crate::ops::recover::{ConfigSource, RecoverPlan};

#[derive(Debug, Serialize)]
pub struct RecoverJson {
    pub action: &'static str,
    pub dry_run: bool,
    pub summary: String,
    pub volume_id: String,
    pub volume_size_gib: i32,
    pub volume_type: String,
    /// The orphaned volume's zone (EC2 `AvailabilityZone`).
    pub volume_availability_zone: Option<String>,
    /// `cluster` and `service`: the service it goes back into.
    #[serde(flatten)]
    pub service: ClusterService,
    /// The managed EBS volume configuration's name.
    pub volume_name: String,
    pub size_gib: Option<i32>,
    pub managed_volume_type: Option<String>,
    /// The snapshot the service's volume started from before.
    pub from_snapshot_id: Option<String>,
    /// `service` (only the snapshot id changes) or `task_definition` (the service reported
    /// no volume configuration; a whole one is sent).
    pub config_source: &'static str,
    pub role_arn: Option<String>,
    pub task_definition: String,
    /// The snapshot taken of the volume (`null` for a dry run, or when it failed).
    pub snapshot_id: Option<String>,
    pub deployment_id: Option<String>,
    /// The service's subnets' zones against the volume's (`status`: `checked`,
    /// `no_subnets`, `not_checked` with `error`), and the warning when the volume's zone is
    /// not among them.
    pub zones: ZonesJson,
    pub wait: Option<WaitJson>,
    /// With `--wait`, once stable: each new volume's last initialization progress and
    /// estimate; `null` otherwise.
    pub hydration: Option<Vec<super::hydration::HydrationJson>>,
}

impl RecoverJson {
    pub fn new(plan: &RecoverPlan, dry_run: bool) -> Self {
        let (config_source, role_arn) = match &plan.managed.source {
            ConfigSource::Service => ("service", None),
            ConfigSource::TaskDefinition { role_arn } => {
                ("task_definition", Some(role_arn.clone()))
            }
        };
        Self {
            action: "recover",
            dry_run,
            summary: plan.summary(),
            volume_id: plan.volume.id.clone(),
            volume_size_gib: plan.volume.size_gib,
            volume_type: plan.volume.volume_type.clone(),
            volume_availability_zone: plan.volume.availability_zone.clone(),
            service: plan.service.clone(),
            volume_name: plan.managed.name.clone(),
            size_gib: plan.managed.size_gib,
            managed_volume_type: plan.managed.volume_type.clone(),
            from_snapshot_id: plan.managed.from_snapshot.clone(),
            config_source,
            role_arn,
            task_definition: plan.task_definition.clone(),
            snapshot_id: None,
            deployment_id: None,
            zones: ZonesJson::from(&plan.zones),
            wait: None,
            hydration: None,
        }
    }
}
