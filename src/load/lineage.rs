//! The lineage of one orphaned volume or snapshot (`analysis::lineage`), read for the
//! Orphans detail: the volume itself or the snapshot, the account's snapshots, the source
//! volume, and the volumes created from a snapshot (DescribeVolumes `snapshot-id`).

use crate::analysis::lineage::{Lineage, snapshot_lineage, volume_lineage};
use crate::aws::AwsClients;
use crate::error::{Error, Result};
use crate::model::{ResourceKind, Volume};

/// The lineage of the volume or snapshot `id`.
pub async fn load_lineage(aws: &AwsClients, kind: ResourceKind, id: &str) -> Result<Lineage> {
    let not_found = |kind: &'static str| Error::NotFound {
        kind,
        name: id.to_string(),
        scope: Some(aws.region.clone()),
        close: Vec::new(),
    };
    if kind == ResourceKind::Snapshot {
        let (snapshots, created) = futures::try_join!(
            aws.ec2.describe_own_snapshots(None),
            aws.ec2.describe_volumes_from_snapshot(id)
        )?;
        let snapshot = snapshots
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| not_found("snapshot"))?;
        let source = match snapshot.volume_id.as_deref().filter(|v| !v.is_empty()) {
            Some(v) => volume_by_id(aws, v).await?,
            None => None,
        };
        Ok(snapshot_lineage(&snapshot, source.as_ref(), &created))
    } else {
        let (volume, snapshots) =
            futures::try_join!(volume_by_id(aws, id), aws.ec2.describe_own_snapshots(None))?;
        let volume = volume.ok_or_else(|| not_found("volume"))?;
        let from = volume
            .snapshot_id
            .as_deref()
            .and_then(|s| snapshots.iter().find(|x| x.id == s));
        Ok(volume_lineage(&volume, &snapshots, from))
    }
}

/// The volume `id` (DescribeVolumes by a `volume-id` filter); `None` when it is gone.
async fn volume_by_id(aws: &AwsClients, id: &str) -> Result<Option<Volume>> {
    let found = aws
        .ec2
        .describe_volumes_matching(&[id.to_string()], &[])
        .await?;
    Ok(found.into_iter().find(|v| v.id == id))
}
