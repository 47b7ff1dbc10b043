//! Reads for comparing and checking rollback targets: whole task definitions (for the
//! revision diff), the diff between two of them, and whether the images they name still
//! exist in ECR (BatchGetImage, one call per repository and 100 images). Shared by
//! `ecsnap diff`, `ecsnap rollback` and the console's rollback picker.

use std::collections::{BTreeMap, HashMap};

use futures::{StreamExt, TryStreamExt, stream};

use crate::analysis::diff::{FieldChange, diff_task_definitions};
use crate::analysis::in_use::parse_image_ref;
use crate::aws::{AwsClients, MAX_CONCURRENCY};
use crate::error::{Error, Result};
use crate::model::{ImageLookup, ImagePresence, TaskDefinition};

/// Task definitions by ARN (or `family:revision`), described at most `MAX_CONCURRENCY` at
/// once, in the order asked.
pub async fn load_task_definitions(
    aws: &AwsClients,
    arns: &[String],
) -> Result<Vec<TaskDefinition>> {
    stream::iter(arns.iter().cloned())
        .map(|arn| async move { aws.ecs.describe_task_definition(&arn).await })
        .buffered(MAX_CONCURRENCY)
        .try_collect()
        .await
}

/// Two revisions described, and what changes going from the first to the second.
#[derive(Debug, Clone)]
pub struct RevisionDiff {
    pub from: TaskDefinition,
    pub to: TaskDefinition,
    pub changes: Vec<FieldChange>,
}

/// Describes `from` and `to` and compares them (`analysis::diff`).
pub async fn load_revision_diff(aws: &AwsClients, from: &str, to: &str) -> Result<RevisionDiff> {
    let (a, b) = futures::try_join!(
        aws.ecs.describe_task_definition(from),
        aws.ecs.describe_task_definition(to)
    )?;
    Ok(RevisionDiff {
        changes: diff_task_definitions(&a, &b),
        from: a,
        to: b,
    })
}

/// Where an ECR image lives: (registry id, region, repository), and the reference to
/// look up (its digest, else its tag, else `latest`). `None` outside ECR.
fn ecr_location(image: &str) -> Option<((String, String, String), String)> {
    let r = parse_image_ref(image);
    let registry = r.registry?;
    let (account, rest) = registry.split_once(".dkr.ecr.")?;
    let region = rest.split('.').next()?.to_string();
    let reference = r.digest.or(r.tag).unwrap_or_else(|| "latest".to_string());
    Some(((account.to_string(), region, r.repository), reference))
}

/// Whether each image still exists, by image reference. Images outside ECR are `NotEcr`
/// (cannot be checked); ECR images in another region, or whose repository could not be
/// asked, are `Unchecked` with the reason. Never fails: a check that cannot be made
/// must not hide the targets.
pub async fn load_image_presence(
    aws: &AwsClients,
    images: &[String],
) -> HashMap<String, ImagePresence> {
    let mut out = HashMap::new();
    let mut groups: BTreeMap<(String, String, String), Vec<(String, String)>> = BTreeMap::new();
    for image in images {
        match ecr_location(image) {
            None => {
                out.insert(image.clone(), ImagePresence::NotEcr);
            }
            Some((place, _)) if place.1 != aws.region => {
                out.insert(
                    image.clone(),
                    ImagePresence::Unchecked(format!(
                        "in ECR of region {}, not {}",
                        place.1, aws.region
                    )),
                );
            }
            Some((place, reference)) => {
                groups
                    .entry(place)
                    .or_default()
                    .push((image.clone(), reference));
            }
        }
    }
    let answers: Vec<_> = stream::iter(groups)
        .map(|((account, _, repository), wanted)| async move {
            let mut refs: Vec<String> = wanted.iter().map(|(_, r)| r.clone()).collect();
            refs.sort();
            refs.dedup();
            let found = aws
                .ecr
                .look_up_images(Some(&account), &repository, &refs)
                .await;
            (repository, wanted, found)
        })
        .buffer_unordered(MAX_CONCURRENCY)
        .collect()
        .await;
    for (repository, wanted, found) in answers {
        for (image, reference) in wanted {
            let presence = match &found {
                Err(e) => ImagePresence::Unchecked(check_failed(&repository, e)),
                Ok(lookups) => match lookups.iter().find(|(r, _)| *r == reference) {
                    Some((_, ImageLookup::Found)) => ImagePresence::Exists,
                    Some((_, ImageLookup::NotFound(why))) => ImagePresence::Deleted(why.clone()),
                    Some((_, ImageLookup::Failed(why))) => ImagePresence::Unchecked(why.clone()),
                    None => ImagePresence::Unchecked("no answer for it".into()),
                },
            };
            out.insert(image, presence);
        }
    }
    out
}

fn check_failed(repository: &str, e: &Error) -> String {
    tracing::warn!("image check of repository {repository} failed: {e}");
    format!("the check failed: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecr_images_are_located_others_are_not() {
        let cases = [
            (
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:v1",
                Some(("123456789012", "eu-west-1", "team/api", "v1")),
            ),
            (
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:v1@sha256:ab",
                Some(("123456789012", "us-east-1", "api", "sha256:ab")),
            ),
            (
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/api",
                Some(("123456789012", "us-east-1", "api", "latest")),
            ),
            ("nginx:1.27", None),
            ("ghcr.io/org/app:1", None),
        ];
        for (image, want) in cases {
            let got = ecr_location(image);
            let got = got.as_ref().map(|((a, r, repo), reference)| {
                (a.as_str(), r.as_str(), repo.as_str(), reference.as_str())
            });
            assert_eq!(got, want, "{image}");
        }
    }
}
