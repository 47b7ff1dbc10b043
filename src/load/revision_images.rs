//! In-use images from service revisions: a service's `currentServiceRevisions` name what
//! its tasks run, and DescribeServiceRevisions answers 20 of them per call with every
//! container's image and digest — instead of one DescribeTaskDefinition per revision.
//! Where the place does not answer (an older endpoint, a role denied the call, moto), the
//! adapter remembers it after one failed call and in-use detection describes task
//! definitions as before; a definition no revision covers is always described. A service
//! whose definitions the on-disk cache already knows is not asked about at all, and what
//! the revisions answer goes into that cache.

use std::collections::HashMap;

use crate::analysis::in_use::{current_revisions_needed, revision_images};
use crate::aws::AwsClients;
use crate::model::Service;

/// The images of the current service revisions of `services` (ACTIVE / DRAINING) that
/// run a definition the task-definition cache does not know, by task-definition ARN
/// (`analysis::in_use::revision_images`), remembered in the cache. Empty when there are
/// none or the place cannot answer: the caller then describes (or finds in the cache)
/// every definition it needs.
pub(super) async fn current_revision_images(
    aws: &AwsClients,
    services: &[Service],
) -> HashMap<String, Vec<String>> {
    let cache = aws.task_definitions.as_deref();
    let known = |arn: &str| cache.is_some_and(|c| c.images(arn).is_some());
    let arns = current_revisions_needed(services, known);
    if arns.is_empty() {
        return HashMap::new();
    }
    let covered = match aws.ecs.describe_service_revisions(&arns).await {
        Ok(found) => revision_images(&found),
        Err(e) => {
            tracing::info!("service revisions not read, task definitions described instead: {e}");
            return HashMap::new();
        }
    };
    // What the revisions said of a definition stays true (a revision never changes): the
    // next run reads it from the cache and asks nothing.
    if let Some(cache) = cache {
        for (arn, images) in &covered {
            if cache.images(arn).is_none() {
                cache.insert(arn, images.clone());
            }
        }
        if let Err(e) = cache.save() {
            tracing::warn!("task-definition cache not saved: {e}");
        }
    }
    covered
}

/// Adds `more` to `into`, keeping every image of a definition both name.
pub(super) fn merge(into: &mut HashMap<String, Vec<String>>, more: HashMap<String, Vec<String>>) {
    for (arn, images) in more {
        let known = into.entry(arn).or_default();
        for image in images {
            if !known.contains(&image) {
                known.push(image);
            }
        }
    }
}
