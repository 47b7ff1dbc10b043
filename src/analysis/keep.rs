//! Images a cleanup keeps besides the in-use ones (pure): the rollback targets — every
//! image the newest N revisions of a task-definition family reference, when an ACTIVE or
//! DRAINING service runs that family — each with the reason it is kept.
//!
//! A reference that pins a digest (`repo@sha256:…`) keeps exactly that digest; one by tag
//! (`repo:tag`, or no tag: `latest`) keeps whatever image carries that tag.

use std::collections::{BTreeSet, HashMap};

use super::in_use::{counts_for_in_use, parse_image_ref};
use crate::model::{Image, Service, arn_name};

/// The family of a task-definition ARN or `family:revision` (`.../web:12` → `web`).
fn family_of(task_definition: &str) -> &str {
    let last = arn_name(task_definition);
    last.split_once(':').map_or(last, |(f, _)| f)
}

/// The revision number of a task-definition ARN or `family:revision`.
fn revision_of(task_definition: &str) -> Option<i32> {
    arn_name(task_definition)
        .rsplit_once(':')
        .and_then(|(_, r)| r.parse().ok())
}

/// Image references → why they are kept. The first reason given for a reference wins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeptImages {
    /// repository → digest → reason.
    by_digest: HashMap<String, HashMap<String, String>>,
    /// repository → tag → reason.
    by_tag: HashMap<String, HashMap<String, String>>,
}

impl KeptImages {
    /// Keeps what `reference` names: its digest when it pins one, else its tag.
    pub fn add(&mut self, reference: &str, reason: &str) {
        let r = parse_image_ref(reference);
        if r.repository.is_empty() {
            return;
        }
        let (map, key) = match r.digest {
            Some(d) => (&mut self.by_digest, d),
            None => (&mut self.by_tag, r.tag.unwrap_or_else(|| "latest".into())),
        };
        map.entry(r.repository)
            .or_default()
            .entry(key)
            .or_insert_with(|| reason.to_string());
    }

    /// Why `image` is kept, if it is: its digest first, then any of its tags.
    pub fn reason(&self, image: &Image) -> Option<&str> {
        let digest = self
            .by_digest
            .get(&image.repository)
            .and_then(|m| m.get(&image.digest));
        let tag = || {
            let tags = self.by_tag.get(&image.repository)?;
            image.tags.iter().find_map(|t| tags.get(t))
        };
        digest.or_else(tag).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.by_digest.is_empty() && self.by_tag.is_empty()
    }

    pub fn len(&self) -> usize {
        self.by_digest.values().map(HashMap::len).sum::<usize>()
            + self.by_tag.values().map(HashMap::len).sum::<usize>()
    }
}

/// The task-definition families that ACTIVE / DRAINING services run (any deployment),
/// sorted, each once.
pub fn service_families(services: &[Service]) -> Vec<String> {
    let families: BTreeSet<String> = services
        .iter()
        .filter(|s| counts_for_in_use(&s.status))
        .flat_map(|s| {
            std::iter::once(s.task_definition.as_str())
                .chain(s.deployments.iter().map(|d| d.task_definition.as_str()))
        })
        .filter(|td| !td.is_empty())
        .map(|td| family_of(td).to_string())
        .collect();
    families.into_iter().collect()
}

/// The newest `n` of a family's revision ARNs, newest first.
pub fn newest_revisions(arns: &[String], n: usize) -> Vec<String> {
    let mut sorted = arns.to_vec();
    sorted.sort_by_key(|a| std::cmp::Reverse(revision_of(a).unwrap_or_default()));
    sorted.truncate(n);
    sorted
}

/// The rollback targets: for each revision (ARN, newest first within a family), its
/// container images, kept as "rollback target: family:revision".
pub fn rollback_targets<'a>(
    revisions: &[String],
    images_of: impl Fn(&str) -> Option<&'a [String]>,
) -> KeptImages {
    let mut kept = KeptImages::default();
    for arn in revisions {
        let reason = format!("rollback target: {}", arn_name(arn));
        for image in images_of(arn).unwrap_or_default() {
            kept.add(image, &reason);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::in_use::tests::image;
    use crate::model::Deployment;

    const TD: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition";

    #[test]
    fn references_keep_by_digest_when_pinned_else_by_tag() {
        let tds: Vec<(String, Vec<String>)> = vec![
            (
                format!("{TD}/worker:7"),
                vec!["123.dkr.ecr.us-east-1.amazonaws.com/ws:alice-20261101T0800".into()],
            ),
            (
                format!("{TD}/worker:6"),
                vec![
                    "123.dkr.ecr.us-east-1.amazonaws.com/ws:bob-1@sha256:b0".into(),
                    // Same tag as revision 7: the newer revision's reason stays.
                    "ws:alice-20261101T0800".into(),
                ],
            ),
            (format!("{TD}/api:3"), vec!["api".into()]),
        ];
        let arns: Vec<String> = tds.iter().map(|(a, _)| a.clone()).collect();
        let kept = rollback_targets(&arns, |arn| {
            tds.iter()
                .find(|(a, _)| a == arn)
                .map(|(_, i)| i.as_slice())
        });
        let cases = [
            // (image, expected reason)
            (
                image("ws", "sha256:a1", &["alice-20261101T0800"]),
                Some("rollback target: worker:7"),
            ),
            // Pinned by digest: the digest is kept, whatever its tags now are …
            (
                image("ws", "sha256:b0", &["bob-9"]),
                Some("rollback target: worker:6"),
            ),
            // … and the tag in that reference is not (the pin is what runs).
            (image("ws", "sha256:other", &["bob-1"]), None),
            // No tag means latest.
            (
                image("api", "sha256:l", &["latest", "v1"]),
                Some("rollback target: api:3"),
            ),
            (image("api", "sha256:m", &["v2"]), None),
            // Another repository with the same tag is not kept.
            (image("other", "sha256:a1", &["alice-20261101T0800"]), None),
            (image("ws", "sha256:zz", &[]), None),
        ];
        for (img, want) in cases {
            assert_eq!(kept.reason(&img), want, "{img:?}");
        }
        assert_eq!(kept.len(), 3);
        assert!(!kept.is_empty());
        assert!(KeptImages::default().is_empty());
    }

    #[test]
    fn families_of_active_and_draining_services_only() {
        let service = |status: &str, td: &str, old: &[&str]| Service {
            status: status.into(),
            task_definition: td.into(),
            deployments: old
                .iter()
                .map(|o| Deployment {
                    task_definition: (*o).into(),
                    ..Deployment::default()
                })
                .collect(),
            ..Service::default()
        };
        let services = vec![
            service(
                "ACTIVE",
                &format!("{TD}/worker:7"),
                &[&format!("{TD}/worker:6")],
            ),
            service("DRAINING", "api:3", &["batch:1"]),
            service("INACTIVE", "old:9", &[]),
            service("ACTIVE", "", &[]),
        ];
        assert_eq!(service_families(&services), ["api", "batch", "worker"]);
    }

    #[test]
    fn newest_revisions_by_number_not_text() {
        let arns: Vec<String> = [2, 10, 9, 1, 11]
            .iter()
            .map(|n| format!("{TD}/worker:{n}"))
            .collect();
        let cases = [
            (0, vec![]),
            (2, vec![11, 10]),
            (3, vec![11, 10, 9]),
            (9, vec![11, 10, 9, 2, 1]),
        ];
        for (n, want) in cases {
            let got: Vec<i32> = newest_revisions(&arns, n)
                .iter()
                .filter_map(|a| revision_of(a))
                .collect();
            assert_eq!(got, want, "n = {n}");
        }
    }
}
