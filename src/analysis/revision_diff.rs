//! What rolling back to a service revision changes against what the service runs now:
//! the task definition, each container's image by digest, a tag pushed again since the
//! revision ran ("same tag, different digest"), the managed EBS volume's snapshot, the
//! load balancers and the network. Pure: the tags' digests now are passed in.

use std::collections::BTreeMap;

use super::diff::{ChangeKind, FieldChange};
use super::in_use::parse_image_ref;
use crate::model::{
    RevisionImage, RevisionLoadBalancer, ServiceRevision, ServiceVolumeConfig, arn_name,
};

/// What runs now, as far as a service revision can be compared with it.
#[derive(Debug, Clone, Copy)]
pub struct RunsNow<'a> {
    /// The task definition the service runs (its `taskDefinition`).
    pub task_definition: &'a str,
    /// The service's managed EBS volume configurations.
    pub volumes: &'a [ServiceVolumeConfig],
    /// The service revision of what runs, when ECS recorded one.
    pub revision: Option<&'a ServiceRevision>,
}

/// A container whose image tag points at another digest than the one the revision ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedTag {
    pub container: String,
    /// The image as the revision's task definition names it (`repo:tag`).
    pub image: String,
    pub tag: String,
    /// The digest the revision ran.
    pub ran: String,
    /// The digest the tag points at now.
    pub now: String,
}

impl MovedTag {
    /// The image pinned to the digest the revision ran: `registry/repo@sha256:…`.
    pub fn pinned(&self) -> String {
        pin_digest(&self.image, &self.ran)
    }
}

/// `registry/repo:tag` (or `…@old`) → `registry/repo@digest`.
pub fn pin_digest(image: &str, digest: &str) -> String {
    let r = parse_image_ref(image);
    match r.registry {
        Some(reg) => format!("{reg}/{}@{digest}", r.repository),
        None => format!("{}@{digest}", r.repository),
    }
}

/// The key `tag_digests` is looked up by: `repository:tag`.
pub fn tag_key(repository: &str, tag: &str) -> String {
    format!("{repository}:{tag}")
}

/// The containers of `revision` whose tag now points at another digest than the one the
/// revision ran (`tag_digests`: `repository:tag` → digest now, for the tags that could be
/// read). An image named by digest cannot move; an unread tag is not claimed to.
pub fn moved_tags(
    revision: &ServiceRevision,
    tag_digests: &BTreeMap<String, String>,
) -> Vec<MovedTag> {
    revision
        .images
        .iter()
        .filter_map(|i| {
            let r = parse_image_ref(&i.image);
            if r.digest.is_some() {
                return None;
            }
            let tag = r.tag?;
            let ran = i.digest.clone()?;
            let now = tag_digests.get(&tag_key(&r.repository, &tag))?;
            (*now != ran).then(|| MovedTag {
                container: i.container.clone(),
                image: i.image.clone(),
                tag,
                ran,
                now: now.clone(),
            })
        })
        .collect()
}

/// `sha256:0123456789ab…` → `sha256:0123456789ab` (12 hex digits, enough to tell apart).
pub fn short_digest(digest: &str) -> String {
    match digest.split_once(':') {
        Some((alg, hex)) => format!("{alg}:{}", hex.get(..12).unwrap_or(hex)),
        None => digest.get(..19).unwrap_or(digest).to_string(),
    }
}

fn change(
    container: Option<&str>,
    field: &'static str,
    name: Option<&str>,
    from: Option<String>,
    to: Option<String>,
) -> Option<FieldChange> {
    let kind = ChangeKind::between(from.as_ref(), to.as_ref())?;
    Some(FieldChange {
        container: container.map(str::to_string),
        field,
        name: name.map(str::to_string),
        kind,
        from,
        to,
    })
}

/// `target-group→container:port` of a revision's load balancer.
pub fn lb_words(lb: &RevisionLoadBalancer) -> String {
    format!(
        "{}→{}:{}",
        lb.target_group_arn
            .as_deref()
            .or(lb.load_balancer_name.as_deref())
            .map_or("-", arn_name),
        lb.container_name.as_deref().unwrap_or("-"),
        lb.container_port
            .map_or_else(|| "-".into(), |p| p.to_string())
    )
}

/// `repo:tag@sha256:0123456789ab` for a revision's image (the digest it ran, when known).
fn by_digest(i: &RevisionImage) -> String {
    let short = parse_image_ref(&i.image);
    let name = match &short.tag {
        Some(t) => format!("{}:{t}", short.repository),
        None => short.repository.clone(),
    };
    match i.digest.as_deref().or(short.digest.as_deref()) {
        Some(d) => format!("{name}@{}", short_digest(d)),
        None => name,
    }
}

/// Everything that differs going from what runs to `to`, task definition first.
pub fn diff_revision(
    now: RunsNow<'_>,
    to: &ServiceRevision,
    tag_digests: &BTreeMap<String, String>,
) -> Vec<FieldChange> {
    let mut out: Vec<FieldChange> = Vec::new();
    out.extend(change(
        None,
        "task_definition",
        None,
        Some(arn_name(now.task_definition).to_string()),
        Some(arn_name(&to.task_definition).to_string()),
    ));
    if let Some(cur) = now.revision {
        for img in &to.images {
            let from = cur
                .images
                .iter()
                .find(|c| c.container == img.container)
                .map(by_digest);
            out.extend(change(
                Some(&img.container),
                "image",
                None,
                from,
                Some(by_digest(img)),
            ));
        }
    }
    for moved in moved_tags(to, tag_digests) {
        out.push(FieldChange {
            container: Some(moved.container.clone()),
            field: "tag pushed again",
            name: Some(moved.tag.clone()),
            kind: ChangeKind::Changed,
            from: Some(format!("ran {}", short_digest(&moved.ran))),
            to: Some(format!("now {}", short_digest(&moved.now))),
        });
    }
    for v in &to.volumes {
        let from = now
            .volumes
            .iter()
            .find(|c| c.name == v.name)
            .and_then(|c| c.snapshot_id.clone());
        out.extend(change(
            None,
            "snapshot_id",
            Some(&v.name),
            from,
            v.snapshot_id.clone(),
        ));
    }
    if let Some(cur) = now.revision {
        let lbs = |r: &ServiceRevision| {
            let mut v: Vec<String> = r.load_balancers.iter().map(lb_words).collect();
            v.sort();
            (!v.is_empty()).then(|| v.join(", "))
        };
        out.extend(change(None, "load_balancers", None, lbs(cur), lbs(to)));
        let net = |r: &ServiceRevision| {
            r.network.as_ref().map(|n| {
                format!(
                    "subnets {} · security groups {}",
                    n.subnets.join(","),
                    n.security_groups.join(",")
                )
            })
        };
        out.extend(change(None, "network", None, net(cur), net(to)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RevisionVolume;

    const REPO: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api";

    fn revision(td: &str, tag: &str, digest: &str, snapshot: Option<&str>) -> ServiceRevision {
        ServiceRevision {
            arn: format!("rev/{td}"),
            task_definition: format!("arn:aws:ecs:us-east-1:1:task-definition/{td}"),
            images: vec![RevisionImage {
                container: "app".into(),
                image: format!("{REPO}:{tag}"),
                digest: Some(digest.into()),
            }],
            volumes: vec![RevisionVolume {
                name: "data".into(),
                snapshot_id: snapshot.map(str::to_string),
                ..RevisionVolume::default()
            }],
            load_balancers: vec![RevisionLoadBalancer {
                target_group_arn: Some("arn:tg/blue".into()),
                container_name: Some("app".into()),
                container_port: Some(8080),
                ..RevisionLoadBalancer::default()
            }],
            ..ServiceRevision::default()
        }
    }

    #[test]
    fn a_tag_pushed_again_is_found_and_pinned_to_what_ran() {
        let old = revision("api:6", "v1", "sha256:aaaa", None);
        let tags = BTreeMap::from([(tag_key("api", "v1"), "sha256:bbbb".to_string())]);
        let moved = moved_tags(&old, &tags);
        assert_eq!(moved.len(), 1);
        assert_eq!(moved[0].pinned(), format!("{REPO}@sha256:aaaa"));
        // The same digest, an unread tag, or an image named by digest: nothing moved.
        let same = BTreeMap::from([(tag_key("api", "v1"), "sha256:aaaa".to_string())]);
        assert!(moved_tags(&old, &same).is_empty());
        assert!(moved_tags(&old, &BTreeMap::new()).is_empty());
        let mut by_digest = old.clone();
        by_digest.images[0].image = format!("{REPO}@sha256:aaaa");
        assert!(moved_tags(&by_digest, &tags).is_empty());
    }

    #[test]
    fn the_diff_names_definition_digest_moved_tag_snapshot() {
        let cur = revision("api:7", "v2", "sha256:cccc", Some("snap-new"));
        let old = revision("api:6", "v1", "sha256:aaaa", Some("snap-old"));
        let volumes = [ServiceVolumeConfig {
            name: "data".into(),
            snapshot_id: Some("snap-new".into()),
            ..ServiceVolumeConfig::default()
        }];
        let now = RunsNow {
            task_definition: &cur.task_definition,
            volumes: &volumes,
            revision: Some(&cur),
        };
        let tags = BTreeMap::from([(tag_key("api", "v1"), "sha256:bbbb".to_string())]);
        let lines: Vec<String> = diff_revision(now, &old, &tags)
            .iter()
            .map(FieldChange::line)
            .collect();
        assert_eq!(
            lines,
            [
                "task_definition: api:7 → api:6",
                "app image: api:v2@sha256:cccc → api:v1@sha256:aaaa",
                "app tag pushed again v1: ran sha256:aaaa → now sha256:bbbb",
                "snapshot_id data: snap-new → snap-old",
            ]
        );
        assert!(diff_revision(now, &cur, &BTreeMap::new()).is_empty());
    }
}
