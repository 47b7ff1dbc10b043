//! Roll a service back: to an older task-definition revision (default: the one before
//! what it runs), to an older image tag for one container (a new revision copying the
//! current one with only that image changed), or — for a service with a managed EBS
//! volume — to an older completed EBS snapshot of its volume. Then UpdateService; the
//! caller may wait for stability.
//!
//! What the service runs is read from its `taskDefinition` (what UpdateService last set),
//! which is also right where the PRIMARY deployment lags behind.

use chrono::{DateTime, Utc};
use futures::{StreamExt, TryStreamExt, stream};

use super::guard::Mutator;
use super::redeploy::Started;
use super::{find_service, running_task_definition};
use crate::analysis::in_use::parse_image_ref;
use crate::aws::{AwsClients, ServiceChange, family_of, revision_of};
use crate::error::{AwsErrorKind, Error, Result};
use crate::model::{Service, Snapshot, TaskDefinition, arn_name};

/// Revisions the picker shows at most.
pub const REVISIONS_SHOWN: usize = 25;

/// What to roll back to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RollbackTarget {
    /// The revision before the one the service runs.
    Previous,
    Revision(i32),
    /// Another tag of the same image repository for one container (the only container
    /// when `container` is `None`).
    ImageTag {
        tag: String,
        container: Option<String>,
    },
    /// A completed EBS snapshot for the managed volume (the only one when `None`).
    EbsSnapshot {
        snapshot_id: String,
        volume: Option<String>,
    },
}

/// A container's image in a revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerImage {
    pub container: String,
    pub image: String,
    pub tag: Option<String>,
}

/// One revision of a family, for the picker.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    pub arn: String,
    pub revision: i32,
    pub registered_at: Option<DateTime<Utc>>,
    pub images: Vec<ContainerImage>,
    /// The service runs this one.
    pub current: bool,
}

fn images_of(td: &TaskDefinition) -> Vec<ContainerImage> {
    td.containers
        .iter()
        .map(|c| ContainerImage {
            container: c.name.clone(),
            image: c.image.clone(),
            tag: parse_image_ref(&c.image).tag,
        })
        .collect()
}

/// The ACTIVE revisions of `family`, newest first, each with its images and registration
/// date (at most `limit`). `current` marks the one the service runs.
pub async fn list_revisions(
    aws: &AwsClients,
    mutator: &Mutator,
    family: &str,
    current: &str,
    limit: usize,
) -> Result<Vec<Revision>> {
    let arns = mutator.list_revisions(family).await?;
    let current_name = arn_name(current);
    let shown: Vec<String> = arns.into_iter().take(limit).collect();
    let mut revisions: Vec<Revision> = stream::iter(shown)
        .map(|arn| async move {
            let td = aws.ecs.describe_task_definition(&arn).await?;
            Ok::<_, Error>(Revision {
                current: arn_name(&arn) == current_name,
                revision: if td.revision > 0 {
                    td.revision
                } else {
                    revision_of(&arn).unwrap_or_default()
                },
                registered_at: td.registered_at,
                images: images_of(&td),
                arn,
            })
        })
        .buffered(8)
        .try_collect()
        .await?;
    revisions.sort_by_key(|r| std::cmp::Reverse(r.revision));
    Ok(revisions)
}

/// Completed snapshots of the service's managed EBS volumes (tagged by ECS with the
/// service, or taken of a volume that was), newest first.
pub async fn list_service_snapshots(aws: &AwsClients, service: &Service) -> Result<Vec<Snapshot>> {
    let (volumes, snapshots) =
        futures::try_join!(aws.ec2.describe_volumes(), aws.ec2.describe_own_snapshots())?;
    let of_service = |tags: &std::collections::BTreeMap<String, String>| {
        tags.get("aws:ecs:serviceName") == Some(&service.name)
            && tags
                .get("aws:ecs:clusterName")
                .is_none_or(|c| *c == service.cluster)
    };
    let service_volumes: Vec<&str> = volumes
        .iter()
        .filter(|v| of_service(&v.tags))
        .map(|v| v.id.as_str())
        .collect();
    let mut out: Vec<Snapshot> = snapshots
        .into_iter()
        .filter(|s| s.state == "completed")
        .filter(|s| {
            of_service(&s.tags)
                || s.volume_id
                    .as_deref()
                    .is_some_and(|v| service_volumes.contains(&v))
        })
        .collect();
    out.sort_by_key(|s| std::cmp::Reverse(s.start_time));
    Ok(out)
}

/// What the rollback does.
#[derive(Debug, Clone, PartialEq)]
pub enum RollbackChange {
    /// UpdateService to an existing revision.
    Revision {
        to: String,
        revision: i32,
        images: Vec<ContainerImage>,
    },
    /// Register a copy of the current revision with one image changed, then UpdateService.
    Image {
        container: String,
        from_image: String,
        to_image: String,
    },
    /// UpdateService with the managed volume created from this snapshot.
    EbsSnapshot {
        volume: String,
        from_snapshot: Option<String>,
        to_snapshot: String,
        note: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct RollbackPlan {
    pub cluster: String,
    pub service: String,
    /// What the service runs now.
    pub current: String,
    pub change: RollbackChange,
}

impl RollbackPlan {
    pub fn summary(&self) -> String {
        let from = arn_name(&self.current);
        let target = format!("{}/{}", self.cluster, self.service);
        match &self.change {
            RollbackChange::Revision { to, images, .. } => {
                let imgs: Vec<String> = images
                    .iter()
                    .map(|i| format!("{}={}", i.container, i.image))
                    .collect();
                format!(
                    "roll {target} back from {from} to {} ({})",
                    arn_name(to),
                    imgs.join(", ")
                )
            }
            RollbackChange::Image {
                container,
                from_image,
                to_image,
            } => format!(
                "roll {target} back: register a copy of {from} with container {container} \
                 image {from_image} -> {to_image}, then deploy it"
            ),
            RollbackChange::EbsSnapshot {
                volume,
                from_snapshot,
                to_snapshot,
                note,
            } => format!(
                "roll {target} back: volume {volume} from snapshot {} -> {to_snapshot}{}",
                from_snapshot.as_deref().unwrap_or("(none)"),
                note.as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            ),
        }
    }
}

fn pick_one<'a>(what: &str, wanted: Option<&str>, names: &[&'a str]) -> Result<&'a str> {
    match wanted {
        Some(w) => names.iter().find(|n| **n == w).copied().ok_or_else(|| {
            Error::Usage(format!(
                "no {what} named {w}; the service has: {}",
                names.join(", ")
            ))
        }),
        None => match names {
            [one] => Ok(one),
            [] => Err(Error::Usage(format!("the service has no {what}"))),
            many => Err(Error::Usage(format!(
                "the service has several {what}s ({}); name one",
                many.join(", ")
            ))),
        },
    }
}

pub async fn plan(
    aws: &AwsClients,
    mutator: &Mutator,
    cluster: &str,
    service: &str,
    target: &RollbackTarget,
) -> Result<RollbackPlan> {
    let s = find_service(aws, cluster, service).await?;
    let current = running_task_definition(&s).to_string();
    let change = match target {
        RollbackTarget::Previous | RollbackTarget::Revision(_) => {
            let family = family_of(&current);
            let current_rev = revision_of(&current).unwrap_or(i32::MAX);
            let arns = mutator.list_revisions(family).await?;
            let revs: Vec<(i32, &String)> = arns
                .iter()
                .filter_map(|a| revision_of(a).map(|r| (r, a)))
                .collect();
            let chosen = match target {
                RollbackTarget::Revision(n) => {
                    if *n == current_rev {
                        return Err(Error::Usage(format!(
                            "{}/{} already runs {family}:{n}",
                            s.cluster, s.name
                        )));
                    }
                    revs.iter().find(|(r, _)| r == n).ok_or_else(|| {
                        Error::Usage(format!(
                            "{family}:{n} is not an ACTIVE revision; ACTIVE revisions: {}",
                            revs.iter()
                                .map(|(r, _)| r.to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                    })?
                }
                _ => revs
                    .iter()
                    .filter(|(r, _)| *r < current_rev)
                    .max_by_key(|(r, _)| *r)
                    .ok_or_else(|| {
                        Error::Usage(format!(
                            "{} runs {}; there is no earlier ACTIVE revision of {family} to \
                             roll back to",
                            s.name,
                            arn_name(&current)
                        ))
                    })?,
            };
            let td = aws.ecs.describe_task_definition(chosen.1).await?;
            RollbackChange::Revision {
                to: chosen.1.clone(),
                revision: chosen.0,
                images: images_of(&td),
            }
        }
        RollbackTarget::ImageTag { tag, container } => {
            let td = aws.ecs.describe_task_definition(&current).await?;
            let names: Vec<&str> = td.containers.iter().map(|c| c.name.as_str()).collect();
            let name = pick_one("container", container.as_deref(), &names)?.to_string();
            let from_image = td
                .containers
                .iter()
                .find(|c| c.name == name)
                .map(|c| c.image.clone())
                .unwrap_or_default();
            let to_image = with_tag(&from_image, tag);
            if to_image == from_image {
                return Err(Error::Usage(format!(
                    "container {name} already runs {from_image}"
                )));
            }
            check_tag_exists(aws, &from_image, tag).await?;
            RollbackChange::Image {
                container: name,
                from_image,
                to_image,
            }
        }
        RollbackTarget::EbsSnapshot {
            snapshot_id,
            volume,
        } => {
            let names: Vec<&str> = s
                .volume_configurations
                .iter()
                .map(|v| v.name.as_str())
                .collect();
            if names.is_empty() {
                return Err(Error::Usage(format!(
                    "{}/{} has no managed EBS volume configuration; --ebs-snapshot needs one",
                    s.cluster, s.name
                )));
            }
            let volume = pick_one("EBS volume", volume.as_deref(), &names)?.to_string();
            let snapshots = aws.ec2.describe_own_snapshots().await?;
            let Some(snap) = snapshots.iter().find(|x| x.id == *snapshot_id) else {
                return Err(Error::NotFound {
                    kind: "snapshot",
                    name: snapshot_id.clone(),
                    scope: Some(aws.region.clone()),
                    close: Vec::new(),
                });
            };
            if snap.state != "completed" {
                return Err(Error::Refused(format!(
                    "snapshot {snapshot_id} is {}, not completed; a volume cannot be created \
                     from it yet",
                    snap.state
                )));
            }
            let linked = list_service_snapshots(aws, &s)
                .await?
                .iter()
                .any(|x| x.id == *snapshot_id);
            RollbackChange::EbsSnapshot {
                from_snapshot: s
                    .volume_configurations
                    .iter()
                    .find(|v| v.name == volume)
                    .and_then(|v| v.snapshot_id.clone()),
                volume,
                to_snapshot: snapshot_id.clone(),
                note: (!linked)
                    .then(|| "its tags do not tie it to this service's volume".to_string()),
            }
        }
    };
    Ok(RollbackPlan {
        cluster: s.cluster.clone(),
        service: s.name.clone(),
        current,
        change,
    })
}

/// `registry/repo:old@sha` with tag `tag` → `registry/repo:tag`.
pub fn with_tag(image: &str, tag: &str) -> String {
    let r = parse_image_ref(image);
    match r.registry {
        Some(reg) => format!("{reg}/{}:{tag}", r.repository),
        None => format!("{}:{tag}", r.repository),
    }
}

/// When the image lives in this account's ECR, the tag must exist there.
async fn check_tag_exists(aws: &AwsClients, image: &str, tag: &str) -> Result<()> {
    let r = parse_image_ref(image);
    let is_ecr = r
        .registry
        .as_deref()
        .is_some_and(|reg| reg.contains(".dkr.ecr."));
    if !is_ecr {
        return Ok(());
    }
    let images = match aws.ecr.list_images(&r.repository).await {
        Ok(i) => i,
        Err(Error::Aws(a)) if a.kind == AwsErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if images.iter().any(|i| i.tags.iter().any(|t| t == tag)) {
        return Ok(());
    }
    let tags: Vec<&str> = images
        .iter()
        .flat_map(|i| i.tags.iter().map(String::as_str))
        .collect();
    Err(Error::NotFound {
        kind: "image tag",
        name: tag.to_string(),
        scope: Some(format!("repository {}", r.repository)),
        close: crate::load::close_names(tag, tags),
    })
}

pub async fn execute(mutator: &Mutator, plan: &RollbackPlan) -> Result<Started> {
    let (change, registered) = match &plan.change {
        RollbackChange::Revision { to, .. } => (ServiceChange::TaskDefinition(to.clone()), None),
        RollbackChange::Image {
            container,
            to_image,
            ..
        } => {
            let td = mutator
                .register_with_image(&plan.current, container, to_image)
                .await?;
            (ServiceChange::TaskDefinition(td.arn.clone()), Some(td.arn))
        }
        RollbackChange::EbsSnapshot {
            volume,
            to_snapshot,
            ..
        } => (
            ServiceChange::EbsSnapshot {
                volume: volume.clone(),
                snapshot_id: to_snapshot.clone(),
            },
            None,
        ),
    };
    let service = mutator
        .update_service(&plan.cluster, &plan.service, &change)
        .await?;
    let task_definition = match (&change, registered) {
        (_, Some(arn)) => arn,
        (ServiceChange::TaskDefinition(td), None) => td.clone(),
        _ => running_task_definition(&service).to_string(),
    };
    Ok(Started {
        deployment_id: service.primary().map(|d| d.id.clone()),
        task_definition,
        service,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_tag_is_replaced_keeping_registry_and_dropping_digest() {
        let cases = [
            (
                "123.dkr.ecr.us-east-1.amazonaws.com/api:v1.5.0",
                "v1.4.0",
                "123.dkr.ecr.us-east-1.amazonaws.com/api:v1.4.0",
            ),
            (
                "123.dkr.ecr.us-east-1.amazonaws.com/team/api:v2@sha256:ab",
                "v1",
                "123.dkr.ecr.us-east-1.amazonaws.com/team/api:v1",
            ),
            ("nginx", "1.27", "nginx:1.27"),
            ("localhost:5000/app:old", "new", "localhost:5000/app:new"),
        ];
        for (image, tag, want) in cases {
            assert_eq!(with_tag(image, tag), want, "{image}");
        }
    }

    #[test]
    fn one_of_several_must_be_named() {
        assert_eq!(pick_one("container", None, &["app"]).ok(), Some("app"));
        assert!(pick_one("container", None, &["app", "sidecar"]).is_err());
        assert_eq!(
            pick_one("container", Some("sidecar"), &["app", "sidecar"]).ok(),
            Some("sidecar")
        );
        assert!(pick_one("container", Some("db"), &["app"]).is_err());
    }
}
