//! The lineage of one orphaned volume or snapshot (`analysis::lineage`), read for the
//! Orphans detail: the volume itself or the snapshot, the account's snapshots, the source
//! volume, and the volumes created from a snapshot (DescribeVolumes `snapshot-id`).

use crate::analysis::lineage::{Lineage, snapshot_lineage, volume_lineage};
use crate::aws::AwsClients;
use crate::error::{Error, Result};
use crate::model::ResourceKind;

/// The lineage of the volume or snapshot `id`.
pub async fn load_lineage(aws: &AwsClients, kind: ResourceKind, id: &str) -> Result<Lineage> {
    let not_found = |kind: &'static str| Error::NotFound {
        kind,
        name: id.to_string(),
        scope: Some(aws.region.clone()),
        close: Vec::new(),
    };
    if kind == ResourceKind::Snapshot {
        {
            let (snapshots, created) = futures::try_join!(
                aws.ec2.describe_own_snapshots(None),
                aws.ec2.describe_volumes_from_snapshot(id)
            )?;
            let snapshot = snapshots
                .into_iter()
                .find(|s| s.id == id)
                .ok_or_else(|| not_found("snapshot"))?;
            let source = match snapshot.volume_id.as_deref().filter(|v| !v.is_empty()) {
                Some(v) => aws
                    .ec2
                    .describe_volumes_matching(&[v.to_string()], &[])
                    .await?
                    .into_iter()
                    .find(|x| x.id == v),
                None => None,
            };
            Ok(snapshot_lineage(&snapshot, source.as_ref(), &created))
        }
    } else {
        {
            let ids = [id.to_string()];
            let (volumes, snapshots) = futures::try_join!(
                aws.ec2.describe_volumes_matching(&ids, &[]),
                aws.ec2.describe_own_snapshots(None)
            )?;
            let volume = volumes
                .into_iter()
                .find(|v| v.id == id)
                .ok_or_else(|| not_found("volume"))?;
            let from = volume
                .snapshot_id
                .as_deref()
                .and_then(|s| snapshots.iter().find(|x| x.id == s));
            Ok(volume_lineage(&volume, &snapshots, from))
        }
    }
}
