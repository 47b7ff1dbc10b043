//! The rollback targets a cleanup must keep: the images of the newest N revisions of each
//! task-definition family an ACTIVE or DRAINING service runs.

use futures::{StreamExt, TryStreamExt, stream};

use super::ecs::load_task_definition_images;
use super::ecs::{cluster_names, services_in};
use crate::analysis::keep::{KeptImages, newest_revisions, rollback_targets, service_families};
use crate::aws::{AwsClients, MAX_CONCURRENCY};
use crate::error::Result;

/// Services (every cluster, ACTIVE / DRAINING) → families → their ACTIVE revisions
/// (`ecs:ListTaskDefinitions`) → the newest `keep_revisions` → their images (described
/// once each, through the task-definition cache). Any read that fails is an error: a
/// cleanup must not go ahead on an incomplete picture.
pub async fn load_rollback_targets(aws: &AwsClients, keep_revisions: usize) -> Result<KeptImages> {
    if keep_revisions == 0 {
        return Ok(KeptImages::default());
    }
    let clusters = cluster_names(aws).await?;
    let services = services_in(aws, &clusters).await?;
    let families = service_families(&services);
    let per_family: Vec<Vec<String>> = stream::iter(families)
        .map(|family| async move {
            let arns = aws.ecs.list_revisions(&family).await?;
            Ok::<_, crate::error::Error>(newest_revisions(&arns, keep_revisions))
        })
        .buffered(MAX_CONCURRENCY)
        .try_collect()
        .await?;
    let revisions: Vec<String> = per_family.into_iter().flatten().collect();
    let images = load_task_definition_images(aws, &revisions).await?;
    Ok(rollback_targets(&revisions, |arn| {
        images.get(arn).map(Vec::as_slice)
    }))
}
