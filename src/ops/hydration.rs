//! After an EBS-snapshot rollback's (or `recover`'s) rollout: follow each new volume's
//! initialization (hydration) until it is done. The new volumes are the service's
//! ECS-managed volumes in use (DescribeVolumes with the `aws:ecs:clusterName` /
//! `aws:ecs:serviceName` tags); their progress and estimate come from DescribeVolumeStatus
//! `InitializationStatusDetails`. Polls with the wait loop's clock (a fake one in tests).
//! Reads only.

use std::time::Duration;

use crate::analysis::hydration::progress_line;
use crate::aws::AwsClients;
use crate::error::Result;
use crate::model::{VolumeInitialization, VolumeState};
use crate::ops::recover::{CLUSTER_TAG, SERVICE_TAG};
use crate::ops::wait::Clock;

/// How long to follow, and how often to look.
#[derive(Debug, Clone, Copy)]
pub struct HydrationOptions {
    pub timeout: Duration,
    pub interval: Duration,
}

/// One new volume at one look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeHydration {
    pub volume_id: String,
    /// EC2's answer; `None` when it reported no initialization for the volume.
    pub status: Option<VolumeInitialization>,
}

impl VolumeHydration {
    /// Initialized (100 %), or nothing to follow (EC2 reports no initialization).
    pub fn done(&self) -> bool {
        self.status
            .as_ref()
            .is_none_or(|s| s.progress.is_some_and(|p| p >= 100))
    }

    pub fn line(&self) -> String {
        progress_line(&self.volume_id, self.status.as_ref())
    }
}

/// How following ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HydrationOutcome {
    /// The last look at each new volume.
    pub volumes: Vec<VolumeHydration>,
    /// Why the progress could not be read (an endpoint without DescribeVolumeStatus, no
    /// permission), or that no new volume was found; `None` when it was followed.
    pub note: Option<String>,
    /// Time ran out before every volume was initialized.
    pub timed_out: bool,
}

/// The service's ECS-managed volumes in use: what its new tasks run on.
async fn new_volumes(aws: &AwsClients, cluster: &str, service: &str) -> Result<Vec<String>> {
    let tags = [
        (CLUSTER_TAG.to_string(), cluster.to_string()),
        (SERVICE_TAG.to_string(), service.to_string()),
    ];
    let mut ids: Vec<String> = aws
        .ec2
        .describe_volumes_matching(&[], &tags)
        .await?
        .into_iter()
        .filter(|v| v.state == VolumeState::InUse)
        .map(|v| v.id)
        .collect();
    ids.sort();
    Ok(ids)
}

/// Follows the new volumes' initialization until every one is done or `opts.timeout`
/// passes (counted from this call, on `clock`); `on_look` hears every look.
pub async fn follow_hydration(
    aws: &AwsClients,
    clock: &dyn Clock,
    (cluster, service): (&str, &str),
    opts: HydrationOptions,
    on_look: &mut (dyn FnMut(&[VolumeHydration]) + Send),
) -> Result<HydrationOutcome> {
    let ids = new_volumes(aws, cluster, service).await?;
    if ids.is_empty() {
        return Ok(HydrationOutcome {
            note: Some(format!(
                "no volume of {cluster}/{service} in use (tags {CLUSTER_TAG}, {SERVICE_TAG}): \
                 nothing to follow"
            )),
            ..HydrationOutcome::default()
        });
    }
    // The timeout counts from here: a clock that already timed a rollout may be passed.
    let began = clock.elapsed();
    loop {
        let read = match aws.ec2.describe_volume_initialization(&ids).await {
            Ok(read) => read,
            Err(e) => {
                return Ok(HydrationOutcome {
                    volumes: ids
                        .iter()
                        .map(|id| VolumeHydration {
                            volume_id: id.clone(),
                            status: None,
                        })
                        .collect(),
                    note: Some(format!("initialization not reported: {e}")),
                    timed_out: false,
                });
            }
        };
        let volumes: Vec<VolumeHydration> = ids
            .iter()
            .map(|id| VolumeHydration {
                volume_id: id.clone(),
                status: read.iter().find(|s| &s.volume_id == id).cloned(),
            })
            .collect();
        on_look(&volumes);
        let all_done = volumes.iter().all(VolumeHydration::done);
        if all_done || clock.elapsed().saturating_sub(began) + opts.interval > opts.timeout {
            return Ok(HydrationOutcome {
                volumes,
                note: None,
                timed_out: !all_done,
            });
        }
        clock.sleep(opts.interval).await;
    }
}
