//! In-use images from service revisions: a service's `currentServiceRevisions` name what
//! its tasks run, and DescribeServiceRevisions answers 20 of them per call with every
//! container's image and digest — instead of one DescribeTaskDefinition per revision.
//! Where the place does not answer (an older endpoint, a role denied the call, moto), the
//! adapter remembers it after one failed call and in-use detection describes task
//! definitions as before; a definition no revision covers is always described.

use std::collections::HashMap;

use crate::analysis::in_use::{current_revisions_needed, revision_images};
use crate::aws::AwsClients;
use crate::model::Service;

/// The images of the current service revisions of `services` (ACTIVE / DRAINING), by
/// task-definition ARN (`analysis::in_use::revision_images`). Empty when there are none
/// or the place cannot answer: the caller then describes every definition it needs.
pub(super) async fn current_revision_images(
    aws: &AwsClients,
    services: &[Service],
) -> HashMap<String, Vec<String>> {
    let arns = current_revisions_needed(services);
    if arns.is_empty() {
        return HashMap::new();
    }
    match aws.ecs.describe_service_revisions(&arns).await {
        Ok(found) => revision_images(&found),
        Err(e) => {
            tracing::info!("service revisions not read, task definitions described instead: {e}");
            HashMap::new()
        }
    }
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
