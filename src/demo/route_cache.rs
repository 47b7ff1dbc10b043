//! The demo gateway's managed EBS volume (`route-cache`) as ECS would leave it: one volume
//! per running task, tagged with the cluster and service and attached to the container
//! host, and a nightly snapshot of one of them. The rollback picker's EBS mode finds that
//! snapshot through its volume's tags, so the demo shows the EBS rollback path on
//! `payments-prod/gateway`. Its volume exists, so the snapshot is no orphan (nor are the
//! volumes, in use).
//!
//! Seeded with the canary (`super::canary`), which creates the gateway.

use super::fleet::{container_host, create_snapshot, in_use_volume};
use crate::error::Result;

/// The snapshot's `Name` tag.
pub const SNAPSHOT_NAME: &str = "gateway-route-cache-nightly";

/// What was seeded: the volumes in use (one per task) and the snapshot of the first.
#[derive(Debug, Clone, Default)]
pub struct RouteCache {
    pub volumes: Vec<String>,
    pub snapshot: String,
}

/// Seeds the service's volumes (`tasks` of them, `size_gib` each) and the snapshot.
pub async fn seed_route_cache(
    ec2: &aws_sdk_ec2::Client,
    (cluster, service): (&str, &str),
    tasks: usize,
    size_gib: i32,
) -> Result<RouteCache> {
    let host = container_host(ec2).await?;
    let tags = [
        ("AmazonECSCreated", "true"),
        ("aws:ecs:clusterName", cluster),
        ("aws:ecs:serviceName", service),
    ];
    let mut volumes = Vec::new();
    for device in ["/dev/sdh", "/dev/sdi", "/dev/sdj", "/dev/sdk"]
        .into_iter()
        .take(tasks)
    {
        volumes.push(in_use_volume(ec2, (&host, device), size_gib, &tags).await?);
    }
    let Some(first) = volumes.first() else {
        return Ok(RouteCache::default());
    };
    let snapshot = create_snapshot(
        ec2,
        first,
        &[("Name", SNAPSHOT_NAME)],
        "nightly gateway route-cache backup",
    )
    .await?;
    Ok(RouteCache { volumes, snapshot })
}
