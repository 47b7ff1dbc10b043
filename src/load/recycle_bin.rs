//! The region's Recycle Bin retention rules for the EBS kinds a cleanup deletes.

use crate::aws::AwsClients;
use crate::error::Result;
use crate::model::{RBIN_EBS_SNAPSHOT, RBIN_EBS_VOLUME, ResourceKind, RetentionRule};

/// The Recycle Bin resource type of a cleanup kind (images have none).
pub fn rbin_type(kind: ResourceKind) -> Option<&'static str> {
    match kind {
        ResourceKind::Volume => Some(RBIN_EBS_VOLUME),
        ResourceKind::Snapshot => Some(RBIN_EBS_SNAPSHOT),
        ResourceKind::Image => None,
    }
}

/// The rules for every kind in `kinds` that Recycle Bin covers (nothing asked for none).
pub async fn load_retention_rules(
    aws: &AwsClients,
    kinds: &[ResourceKind],
) -> Result<Vec<RetentionRule>> {
    let types: Vec<&str> = kinds.iter().filter_map(|k| rbin_type(*k)).collect();
    let per_type =
        futures::future::try_join_all(types.iter().map(|t| aws.rbin.list_rules(t))).await?;
    Ok(per_type.into_iter().flatten().collect())
}
