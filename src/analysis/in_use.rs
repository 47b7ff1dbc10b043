//! Which ECR images are in use: referenced (by digest or repository:tag) by the task
//! definition of an ACTIVE or DRAINING service's deployment, or by a live task.

use std::collections::{HashMap, HashSet};

use crate::model::{Image, Service, ServiceRevision, ServiceStatus, Task};

/// A container image reference split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub registry: Option<String>,
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

/// Parses `[registry/]repo[:tag][@digest]`.
pub fn parse_image_ref(reference: &str) -> ImageRef {
    let (rest, digest) = match reference.split_once('@') {
        Some((r, d)) => (r, Some(d.to_string())),
        None => (reference, None),
    };
    let (path, tag) = match rest.rfind(':') {
        Some(i) if !rest[i..].contains('/') => (&rest[..i], Some(rest[i + 1..].to_string())),
        _ => (rest, None),
    };
    let (registry, repository) = match path.split_once('/') {
        Some((first, repo))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (Some(first.to_string()), repo.to_string())
        }
        _ => (None, path.to_string()),
    };
    ImageRef {
        registry,
        repository,
        tag: tag.filter(|t| !t.is_empty()),
        digest,
    }
}

/// The set of image references something live points at.
#[derive(Debug, Clone, Default)]
pub struct InUse {
    /// Tags by repository (nested so a lookup allocates nothing).
    by_tag: HashMap<String, HashSet<String>>,
    /// Digests by repository.
    by_digest: HashMap<String, HashSet<String>>,
    /// Digests with no repository known (task containers report only the digest).
    bare_digests: HashSet<String>,
}

impl InUse {
    pub fn add_reference(&mut self, reference: &str) {
        let r = parse_image_ref(reference);
        if let Some(tag) = r.tag {
            self.by_tag
                .entry(r.repository.clone())
                .or_default()
                .insert(tag);
        }
        if let Some(d) = r.digest {
            self.by_digest.entry(r.repository).or_default().insert(d);
        }
    }

    pub fn add_digest(&mut self, repository: Option<&str>, digest: &str) {
        match repository {
            Some(repo) => {
                self.by_digest
                    .entry(repo.to_string())
                    .or_default()
                    .insert(digest.to_string());
            }
            None => {
                self.bare_digests.insert(digest.to_string());
            }
        }
    }

    /// Builds the set from services (only ACTIVE / DRAINING ones count), the task
    /// definitions their deployments run, and live tasks with their containers.
    /// `images_of` gives the container images of a task definition by ARN.
    pub fn build<'a>(
        services: &[Service],
        images_of: impl Fn(&str) -> Option<&'a [String]>,
        tasks: &[Task],
    ) -> Self {
        let mut set = InUse::default();
        let add_td = |set: &mut InUse, arn: &str| {
            for image in images_of(arn).unwrap_or_default() {
                set.add_reference(image);
            }
        };
        for s in services.iter().filter(|s| counts_for_in_use(&s.status)) {
            add_td(&mut set, &s.task_definition);
            for d in &s.deployments {
                add_td(&mut set, &d.task_definition);
            }
        }
        for t in tasks.iter().filter(|t| t.is_live()) {
            add_td(&mut set, &t.task_definition);
            for c in &t.containers {
                let repo = c.image.as_deref().map(parse_image_ref);
                if let Some(image) = &c.image {
                    set.add_reference(image);
                }
                if let Some(d) = &c.image_digest {
                    set.add_digest(repo.as_ref().map(|r| r.repository.as_str()), d);
                }
            }
        }
        set
    }

    pub fn contains_digest(&self, repository: &str, digest: &str) -> bool {
        self.bare_digests.contains(digest)
            || self
                .by_digest
                .get(repository)
                .is_some_and(|d| d.contains(digest))
    }

    pub fn contains_tag(&self, repository: &str, tag: &str) -> bool {
        self.by_tag.get(repository).is_some_and(|t| t.contains(tag))
    }

    /// An image is in use when its digest, or any of its tags, is referenced.
    pub fn image_in_use(&self, image: &Image) -> bool {
        self.contains_digest(&image.repository, &image.digest)
            || image
                .tags
                .iter()
                .any(|t| self.contains_tag(&image.repository, t))
    }

    pub fn is_empty(&self) -> bool {
        self.by_tag.is_empty() && self.by_digest.is_empty() && self.bare_digests.is_empty()
    }
}

/// Services whose task definitions keep images in use.
pub fn counts_for_in_use(service_status: &ServiceStatus) -> bool {
    matches!(
        service_status,
        ServiceStatus::Active | ServiceStatus::Draining
    )
}

/// The distinct task-definition ARNs that in-use detection needs: every definition an
/// ACTIVE/DRAINING service's deployments run and every live task runs, each once.
/// A definition is described even when a live task of it listed its images: a task does
/// not always report every container (moto reports only the first), and an image missed
/// here could be deleted by a cleanup. Safety over one call per definition.
pub fn task_definitions_needed(services: &[Service], tasks: &[Task]) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let from_services = services
        .iter()
        .filter(|s| counts_for_in_use(&s.status))
        .flat_map(|s| {
            std::iter::once(s.task_definition.as_str())
                .chain(s.deployments.iter().map(|d| d.task_definition.as_str()))
        });
    let from_tasks = tasks
        .iter()
        .filter(|t| t.is_live())
        .map(|t| t.task_definition.as_str());
    for arn in from_services.chain(from_tasks) {
        if !arn.is_empty() && seen.insert(arn) {
            out.push(arn.to_string());
        }
    }
    out
}

/// The current service revisions in-use detection asks for: those
/// (`currentServiceRevisions`) of every ACTIVE / DRAINING service that runs a task
/// definition whose images are not `known` yet (the on-disk cache), each once. A service
/// whose definitions are all known costs nothing.
pub fn current_revisions_needed(services: &[Service], known: impl Fn(&str) -> bool) -> Vec<String> {
    let mut seen = HashSet::new();
    services
        .iter()
        .filter(|s| counts_for_in_use(&s.status))
        .filter(|s| {
            !std::iter::once(&s.task_definition)
                .chain(s.deployments.iter().map(|d| &d.task_definition))
                .all(|arn| known(arn))
        })
        .flat_map(|s| s.current_revisions.iter())
        .filter(|arn| seen.insert(arn.as_str()))
        .cloned()
        .collect()
}

/// What service revisions say their task definitions run, by task-definition ARN: each
/// container's image, pinned to the digest ECS resolved it to (`repo:tag@sha256:…`, so
/// the tag and the digest are both kept). Revisions of the same definition are merged. A
/// revision that names no image covers nothing: its definition is described instead.
pub fn revision_images(revisions: &[ServiceRevision]) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for r in revisions
        .iter()
        .filter(|r| !r.task_definition.is_empty() && !r.images.is_empty())
    {
        let images = out.entry(r.task_definition.clone()).or_default();
        for i in &r.images {
            let pinned = match &i.digest {
                Some(d) if !i.image.contains('@') => format!("{}@{d}", i.image),
                _ => i.image.clone(),
            };
            if !images.contains(&pinned) {
                images.push(pinned);
            }
        }
    }
    out
}

/// The task definitions of `needed` that `covered` (by service revisions) does not answer
/// for: these are described, so no definition in use goes unread.
pub fn not_covered<S: std::hash::BuildHasher>(
    needed: Vec<String>,
    covered: &HashMap<String, Vec<String>, S>,
) -> Vec<String> {
    needed
        .into_iter()
        .filter(|arn| !covered.contains_key(arn))
        .collect()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::model::{Deployment, TaskContainer};

    #[test]
    fn image_refs_parse() {
        let cases = [
            (
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/workspaces:alice-20261120T0815",
                (
                    Some("123456789012.dkr.ecr.us-east-1.amazonaws.com"),
                    "workspaces",
                    Some("alice-20261120T0815"),
                    None,
                ),
            ),
            (
                "123.dkr.ecr.eu-west-1.amazonaws.com/team/api@sha256:abc",
                (
                    Some("123.dkr.ecr.eu-west-1.amazonaws.com"),
                    "team/api",
                    None,
                    Some("sha256:abc"),
                ),
            ),
            ("nginx", (None, "nginx", None, None)),
            (
                "library/nginx:1.27",
                (None, "library/nginx", Some("1.27"), None),
            ),
            (
                "localhost:5000/app:v2",
                (Some("localhost:5000"), "app", Some("v2"), None),
            ),
            (
                "repo:tag@sha256:d",
                (None, "repo", Some("tag"), Some("sha256:d")),
            ),
            ("", (None, "", None, None)),
        ];
        for (input, (registry, repo, tag, digest)) in cases {
            let r = parse_image_ref(input);
            assert_eq!(r.registry.as_deref(), registry, "{input}");
            assert_eq!(r.repository, repo, "{input}");
            assert_eq!(r.tag.as_deref(), tag, "{input}");
            assert_eq!(r.digest.as_deref(), digest, "{input}");
        }
    }

    struct Td {
        arn: &'static str,
        images: Vec<String>,
    }

    fn td(arn: &'static str, image: &str) -> Td {
        Td {
            arn,
            images: vec![image.to_string()],
        }
    }

    /// An image of `repo` with its digest and tags (also `keep`'s fixture).
    pub(in crate::analysis) fn image(repo: &str, digest: &str, tags: &[&str]) -> Image {
        Image {
            repository: repo.into(),
            digest: digest.into(),
            tags: tags.iter().map(|t| (*t).to_string()).collect(),
            ..Image::default()
        }
    }

    #[test]
    fn services_tasks_and_statuses_decide_in_use() {
        let tds = [
            td("td-active", "reg.example.com/ws:alice-1"),
            td("td-inactive", "reg.example.com/ws:bob-1"),
            td("td-draining-old", "reg.example.com/ws@sha256:carol"),
            td("td-stopped-task", "reg.example.com/ws:dave-1"),
        ];
        let lookup = |arn: &str| {
            tds.iter()
                .find(|t| t.arn == arn)
                .map(|t| t.images.as_slice())
        };
        let services = vec![
            Service {
                status: "ACTIVE".into(),
                task_definition: "td-active".into(),
                ..Service::default()
            },
            Service {
                status: "INACTIVE".into(),
                task_definition: "td-inactive".into(),
                ..Service::default()
            },
            Service {
                status: "DRAINING".into(),
                task_definition: "td-active".into(),
                deployments: vec![Deployment {
                    task_definition: "td-draining-old".into(),
                    ..Deployment::default()
                }],
                ..Service::default()
            },
        ];
        let tasks = vec![
            Task {
                last_status: "RUNNING".into(),
                desired_status: "RUNNING".into(),
                containers: vec![TaskContainer {
                    image: Some("reg.example.com/ws:erin-1".into()),
                    image_digest: Some("sha256:erin".into()),
                    ..TaskContainer::default()
                }],
                ..Task::default()
            },
            Task {
                last_status: "STOPPED".into(),
                desired_status: "STOPPED".into(),
                task_definition: "td-stopped-task".into(),
                ..Task::default()
            },
        ];
        let set = InUse::build(&services, lookup, &tasks);
        let cases = [
            (image("ws", "sha256:a", &["alice-1"]), true),
            (image("ws", "sha256:b", &["bob-1"]), false),
            (image("ws", "sha256:carol", &["carol-9"]), true),
            (image("ws", "sha256:d", &["dave-1"]), false),
            (image("ws", "sha256:erin", &["erin-0"]), true),
            (image("other", "sha256:x", &["alice-1"]), false),
        ];
        for (img, want) in cases {
            assert_eq!(set.image_in_use(&img), want, "{img:?}");
        }
        assert_eq!(
            task_definitions_needed(&services, &tasks),
            vec!["td-active".to_string(), "td-draining-old".to_string()]
        );
    }

    #[test]
    fn definitions_with_live_tasks_are_still_described() {
        let service = |td: &str, old: &str| Service {
            status: "ACTIVE".into(),
            task_definition: td.into(),
            deployments: vec![Deployment {
                task_definition: old.into(),
                ..Deployment::default()
            }],
            ..Service::default()
        };
        let live = |td: &str, image: Option<&str>| Task {
            last_status: "RUNNING".into(),
            desired_status: "RUNNING".into(),
            task_definition: td.into(),
            containers: vec![TaskContainer {
                image: image.map(str::to_string),
                ..TaskContainer::default()
            }],
            ..Task::default()
        };
        let services = vec![service("td-a:2", "td-a:1"), service("td-b:1", "td-b:1")];
        let tasks = vec![
            live("td-a:2", Some("reg.example.com/ws:alice-1")),
            // No image reported: the definition must still be described.
            live("td-b:1", None),
            Task {
                task_definition: "td-c:1".into(),
                ..live("td-c:1", Some("reg.example.com/ws:carol-1"))
            },
        ];
        // A task may list only some containers of its definition: every definition a
        // service or live task runs is described, each once.
        assert_eq!(
            task_definitions_needed(&services, &tasks),
            vec![
                "td-a:2".to_string(),
                "td-a:1".to_string(),
                "td-b:1".to_string(),
                "td-c:1".to_string()
            ]
        );
        // The task's own images count as in use too.
        let set = InUse::build(&services, |_| None, &tasks);
        assert!(set.image_in_use(&image("ws", "sha256:x", &["alice-1"])));
    }

    #[test]
    fn revisions_cover_their_definitions_pinned_to_digests() {
        use crate::model::RevisionImage;
        let revision = |arn: &str, td: &str, images: &[(&str, Option<&str>)]| ServiceRevision {
            arn: arn.into(),
            task_definition: td.into(),
            images: images
                .iter()
                .map(|(image, digest)| RevisionImage {
                    container: "app".into(),
                    image: (*image).into(),
                    digest: digest.map(str::to_string),
                })
                .collect(),
            ..ServiceRevision::default()
        };
        let services = [
            Service {
                status: ServiceStatus::Active,
                current_revisions: vec!["rev-1".into(), "rev-2".into()],
                ..Service::default()
            },
            Service {
                status: ServiceStatus::Active,
                current_revisions: vec!["rev-2".into()],
                ..Service::default()
            },
            Service {
                status: ServiceStatus::Inactive,
                current_revisions: vec!["rev-gone".into()],
                ..Service::default()
            },
        ];
        assert_eq!(
            current_revisions_needed(&services, |_| false),
            vec!["rev-1", "rev-2"]
        );
        // Definitions the cache knows need no revision.
        assert!(current_revisions_needed(&services, |_| true).is_empty());
        let covered = revision_images(&[
            revision(
                "rev-1",
                "td-a:1",
                &[("reg.example.com/ws:alice-1", Some("sha256:a1"))],
            ),
            // The same definition resolved later, after the tag moved.
            revision(
                "rev-3",
                "td-a:1",
                &[("reg.example.com/ws:alice-1", Some("sha256:a2"))],
            ),
            revision(
                "rev-2",
                "td-b:1",
                &[("reg.example.com/ws@sha256:b", Some("sha256:b"))],
            ),
            revision("rev-4", "td-c:1", &[]),
        ]);
        assert_eq!(
            covered.get("td-a:1").map(Vec::as_slice),
            Some(
                &[
                    "reg.example.com/ws:alice-1@sha256:a1".to_string(),
                    "reg.example.com/ws:alice-1@sha256:a2".to_string()
                ][..]
            )
        );
        assert_eq!(
            covered.get("td-b:1").map(Vec::as_slice),
            Some(&["reg.example.com/ws@sha256:b".to_string()][..])
        );
        assert!(!covered.contains_key("td-c:1"), "no image: not covered");
        let needed = vec!["td-a:1".to_string(), "td-c:1".into(), "td-d:1".into()];
        assert_eq!(not_covered(needed, &covered), vec!["td-c:1", "td-d:1"]);
        // Tag and digest both protect.
        let set = InUse::build(
            &[Service {
                status: ServiceStatus::Active,
                task_definition: "td-a:1".into(),
                ..Service::default()
            }],
            |arn| covered.get(arn).map(Vec::as_slice),
            &[],
        );
        assert!(set.image_in_use(&image("ws", "sha256:zz", &["alice-1"])));
        assert!(set.image_in_use(&image("ws", "sha256:a2", &[])));
    }
}
