//! Which ECR images a cleanup deletes (pure): per user, everything older than the newest N
//! tags — but never an image that is in use, and never one that also carries a kept tag
//! (one of a user's newest N, or a tag that names no user, like `alice-latest`), since
//! images are deleted by digest and that would take the kept tag with them. Also kept: the
//! rollback targets (images the newest `[safety] keep_revisions` revisions of a running
//! service's family reference) and every image a user's resume tag points at.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};

use futures::{StreamExt, TryStreamExt, stream};

use super::image_units::Units;
use super::plan::CleanupItem;
use crate::analysis::age::age_days;
use crate::analysis::image_links::{ImageLinks, is_index};
use crate::analysis::in_use::InUse;
use crate::analysis::keep::KeptImages;
use crate::analysis::tags::{TagEntry, TagPattern, group_by_user};
use crate::aws::{AwsClients, MAX_CONCURRENCY};
use crate::config::Settings;
use crate::error::Result;
use crate::load::{load_all_images, load_in_use, load_rollback_targets};
use crate::model::{Image, ResourceKind, Skipped};

const GIB: f64 = 1_073_741_824.0;

pub struct ImageRules<'a> {
    pub pattern: &'a TagPattern,
    pub keep_newest: usize,
    pub min_age_days: Option<i64>,
    pub now: DateTime<Utc>,
    /// Images kept whatever their age (rollback targets), with the reason.
    pub kept: &'a KeptImages,
    /// The resume tag pattern (`{user}-latest`): an image it points at is kept.
    pub resume_tag: &'a str,
    /// ECR storage, USD per GB-month (`settings.prices.ecr`).
    pub price_per_gb_month: f64,
    /// Image indexes' children and referrers' subjects (index-safe cleanup).
    pub links: &'a ImageLinks,
}

/// What the image rules judge: every image, what is in use, the rollback targets.
pub(crate) struct ImageState {
    pub images: Vec<Image>,
    pub in_use: InUse,
    pub kept: KeptImages,
    pub links: ImageLinks,
}

impl ImageState {
    /// Reads all three; any read that fails (a denied permission, a failed page) is an
    /// error, so nothing is planned or deleted on an incomplete picture.
    pub async fn load(aws: &AwsClients, settings: &Settings) -> Result<Self> {
        let (images, in_use, kept) = futures::try_join!(
            load_all_images(aws),
            load_in_use(aws),
            load_rollback_targets(aws, settings.keep_revisions)
        )?;
        let links = ImageLinks::new(&images, &index_manifests(aws, &images).await?);
        Ok(Self {
            images,
            in_use,
            kept,
            links,
        })
    }

    /// The rules for this state and the settings.
    pub fn rules<'a>(
        &'a self,
        settings: &'a Settings,
        keep_newest: usize,
        min_age_days: Option<i64>,
        now: DateTime<Utc>,
    ) -> ImageRules<'a> {
        ImageRules {
            pattern: &settings.tag_pattern,
            keep_newest,
            min_age_days,
            now,
            kept: &self.kept,
            resume_tag: &settings.resume_tag,
            price_per_gb_month: settings.prices.ecr,
            links: &self.links,
        }
    }

    pub fn plan(&self, rules: &ImageRules<'_>) -> (Vec<CleanupItem>, Vec<Skipped>) {
        plan_images(&self.images, &self.in_use, rules)
    }
}

/// The manifests of the image indexes (BatchGetImage, a few at a time): the children they
/// list, and a subject any of them names.
async fn index_manifests(
    aws: &AwsClients,
    images: &[Image],
) -> Result<HashMap<(String, String), String>> {
    let wanted: Vec<(String, String)> = images
        .iter()
        .filter(|i| is_index(i))
        .map(|i| (i.repository.clone(), i.digest.clone()))
        .collect();
    let found: Vec<Option<((String, String), String)>> = stream::iter(wanted)
        .map(|(repo, digest)| {
            let ecr = aws.ecr.clone();
            async move {
                let text = ecr.get_manifest(&repo, &digest).await?;
                Ok::<_, crate::error::Error>(text.map(|t| ((repo, digest), t)))
            }
        })
        .buffer_unordered(MAX_CONCURRENCY)
        .try_collect()
        .await?;
    Ok(found.into_iter().flatten().collect())
}

/// The image's compressed size in GiB.
fn gib(image: &Image) -> f64 {
    image.size_bytes.max(0) as f64 / GIB
}

/// When the snapshot was taken: the time in the tag if it has one, else the push time.
fn taken_at(entry: &TagEntry) -> Option<DateTime<Utc>> {
    entry.tag_time.map(|t| t.and_utc()).or(entry.pushed_at)
}

/// The images to delete (one item per digest, oldest first) and the ones left alone.
pub fn plan_images(
    images: &[Image],
    in_use: &InUse,
    rules: &ImageRules<'_>,
) -> (Vec<CleanupItem>, Vec<Skipped>) {
    let groups = group_by_user(images, rules.pattern, in_use);
    let by_digest: HashMap<(&str, &str), &Image> = images
        .iter()
        .map(|i| ((i.repository.as_str(), i.digest.as_str()), i))
        .collect();
    // Tags that stay, by image.
    let mut kept: HashMap<(String, String), Vec<String>> = HashMap::new();
    // Candidates: (repo, digest) -> (user, oldest-first position key, entry).
    let mut candidates: BTreeMap<(String, String), (String, &TagEntry)> = BTreeMap::new();
    for g in &groups {
        let keep = if g.user.is_some() {
            rules.keep_newest
        } else {
            usize::MAX
        };
        for (i, entry) in g.tags.iter().enumerate() {
            let key = (g.repository.clone(), entry.digest.clone());
            if i < keep {
                kept.entry(key).or_default().push(entry.tag.clone());
            } else if let Some(user) = &g.user {
                candidates.entry(key).or_insert((user.clone(), entry));
            }
        }
    }
    // Every user's resume tag (`alice-latest`).
    let resume_tags: HashSet<String> = groups
        .iter()
        .filter_map(|g| g.user.as_deref())
        .map(|u| rules.resume_tag.replace("{user}", u))
        .collect();
    let mut items = Vec::new();
    let mut skipped = Vec::new();
    let mut seen = HashSet::new();
    for ((repo, digest), (user, entry)) in &candidates {
        if !seen.insert((repo.clone(), digest.clone())) {
            continue;
        }
        let Some(image) = by_digest.get(&(repo.as_str(), digest.as_str())) else {
            continue;
        };
        let id = format!("{repo}@{digest}");
        let tags = image.tags.join(", ");
        let age = age_days(taken_at(entry), rules.now);
        if let Some(min) = rules.min_age_days.filter(|m| *m > 0)
            && age.is_none_or(|a| a < min)
        {
            continue;
        }
        if entry.in_use || in_use.image_in_use(image) {
            skipped.push(Skipped::new(
                &id,
                ResourceKind::Image,
                gib(image),
                format!("in use by a service or a running task ({tags})"),
            ));
            continue;
        }
        if let Some(why) = rules.kept.reason(image) {
            skipped.push(Skipped::new(&id, ResourceKind::Image, gib(image), why));
            continue;
        }
        if let Some(tag) = image.tags.iter().find(|t| resume_tags.contains(t.as_str())) {
            skipped.push(Skipped::new(
                &id,
                ResourceKind::Image,
                gib(image),
                format!("resume tag {tag} points at it"),
            ));
            continue;
        }
        if let Some(k) = kept.get(&(repo.clone(), digest.clone())) {
            skipped.push(Skipped::new(
                &id,
                ResourceKind::Image,
                gib(image),
                format!("also tagged {} which is kept", k.join(", ")),
            ));
            continue;
        }
        let gb = gib(image);
        items.push(CleanupItem {
            kind: ResourceKind::Image,
            id,
            repository: Some(repo.clone()),
            digest: Some(digest.clone()),
            tags: image.tags.clone(),
            size_gib: gb,
            age_days: age,
            // Exact: rounded to cents only once summed (a few MiB each cost well under a cent).
            monthly_cost_usd: gb * rules.price_per_gb_month,
            reason: format!(
                "user {user}: older than the newest {} tags, not in use",
                rules.keep_newest
            ),
            preflight: None,
            with_digests: Vec::new(),
            recycle_bin: None,
        });
    }
    finish(images, in_use, rules, &mut items, &mut skipped);
    (items, skipped)
}

/// Index-safe units (what a kept index or referrer keeps is skipped; an index goes with its
/// untagged manifests and referrers), then oldest first.
fn finish(
    images: &[Image],
    in_use: &InUse,
    rules: &ImageRules<'_>,
    items: &mut Vec<CleanupItem>,
    skipped: &mut Vec<Skipped>,
) {
    Units {
        images,
        links: rules.links,
        in_use,
        price_per_gb_month: rules.price_per_gb_month,
    }
    .apply(items, skipped);
    items.sort_by(|a, b| {
        b.age_days
            .cmp(&a.age_days)
            .then_with(|| a.tags.cmp(&b.tags))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::utc;
    use crate::analysis::image_links::OCI_INDEX;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        utc(2026, 11, 23, 12, 0)
    }

    fn image(digest: &str, tags: &[&str], day: u32) -> Image {
        Image {
            repository: "ws".into(),
            digest: digest.into(),
            tags: tags.iter().map(|t| (*t).to_string()).collect(),
            pushed_at: Utc.with_ymd_and_hms(2026, 11, day, 8, 0, 0).single(),
            size_bytes: 1_073_741_824,
            ..Default::default()
        }
    }

    static NOTHING_KEPT: std::sync::LazyLock<KeptImages> =
        std::sync::LazyLock::new(KeptImages::default);
    static NO_LINKS: std::sync::LazyLock<ImageLinks> =
        std::sync::LazyLock::new(ImageLinks::default);

    fn rules(pattern: &TagPattern, min_age: Option<i64>) -> ImageRules<'_> {
        ImageRules {
            pattern,
            keep_newest: 2,
            min_age_days: min_age,
            now: now(),
            kept: &NOTHING_KEPT,
            resume_tag: "{user}-latest",
            price_per_gb_month: crate::analysis::cost::Prices::default().ecr,
            links: &NO_LINKS,
        }
    }

    #[test]
    fn rollback_targets_and_resume_tags_are_kept_with_the_reason() {
        struct Case {
            name: &'static str,
            kept: &'static [(&'static str, &'static str)],
            resume_on: Option<(&'static str, &'static str)>,
            loose: bool,
            items: &'static [&'static str],
            skipped: &'static [(&'static str, &'static str)],
        }
        // alice: five snapshots, the newest two kept by count; a1..a3 are candidates.
        let images = vec![
            image("sha256:a1", &["alice-20261101T0800"], 1),
            image("sha256:a2", &["alice-20261102T0800"], 2),
            image("sha256:a3", &["alice-20261103T0800"], 3),
            image("sha256:a4", &["alice-20261104T0800"], 4),
            image("sha256:a5", &["alice-20261105T0800"], 5),
        ];
        let default_pattern = TagPattern::default();
        // A pattern under which `alice-resume` is itself a user tag (it would be deleted
        // as one of alice's old tags if the resume rule did not keep it).
        let loose = TagPattern::new(r"^(?P<user>[a-z]+)-(?P<ts>[0-9A-Za-z]+)$").expect("regex");
        let cases = [
            Case {
                name: "nothing kept",
                kept: &[],
                resume_on: None,
                loose: false,
                items: &["ws@sha256:a1", "ws@sha256:a2", "ws@sha256:a3"],
                skipped: &[],
            },
            Case {
                name: "by tag",
                kept: &[(
                    "reg.example.com/ws:alice-20261101T0800",
                    "rollback target: worker:7",
                )],
                resume_on: None,
                loose: false,
                items: &["ws@sha256:a2", "ws@sha256:a3"],
                skipped: &[("ws@sha256:a1", "rollback target: worker:7")],
            },
            Case {
                name: "by digest, whatever the tag says",
                kept: &[(
                    "reg.example.com/ws:gone@sha256:a2",
                    "rollback target: worker:6",
                )],
                resume_on: None,
                loose: false,
                items: &["ws@sha256:a1", "ws@sha256:a3"],
                skipped: &[("ws@sha256:a2", "rollback target: worker:6")],
            },
            Case {
                name: "another repository's tag keeps nothing here",
                kept: &[(
                    "reg.example.com/api:alice-20261101T0800",
                    "rollback target: api:2",
                )],
                resume_on: None,
                loose: false,
                items: &["ws@sha256:a1", "ws@sha256:a2", "ws@sha256:a3"],
                skipped: &[],
            },
            Case {
                name: "resume tag on an old image, custom resume pattern",
                kept: &[],
                resume_on: Some(("sha256:a2", "alice-resume")),
                loose: true,
                items: &["ws@sha256:a1", "ws@sha256:a3"],
                skipped: &[("ws@sha256:a2", "resume tag alice-resume points at it")],
            },
        ];
        for case in cases {
            let mut kept = KeptImages::default();
            for (reference, why) in case.kept {
                kept.add(reference, why);
            }
            let mut images = images.clone();
            if let Some((digest, tag)) = case.resume_on
                && let Some(i) = images.iter_mut().find(|i| i.digest == digest)
            {
                i.tags.push(tag.to_string());
            }
            let pattern = if case.loose { &loose } else { &default_pattern };
            let mut r = rules(pattern, None);
            r.kept = &kept;
            r.resume_tag = "{user}-resume";
            let (items, skipped) = plan_images(&images, &InUse::default(), &r);
            let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
            assert_eq!(ids, case.items, "{}", case.name);
            let skipped: Vec<(&str, &str)> = skipped
                .iter()
                .map(|s| (s.id.as_str(), s.reason.as_str()))
                .collect();
            assert_eq!(skipped, case.skipped, "{}", case.name);
        }
    }

    #[test]
    fn keeps_newest_n_in_use_and_shared_digests() {
        let images = vec![
            image("sha256:a1", &["alice-20261101T0800"], 1),
            image("sha256:a2", &["alice-20261102T0800"], 2),
            image("sha256:a3", &["alice-20261103T0800"], 3),
            image("sha256:a4", &["alice-20261104T0800", "alice-latest"], 4),
            image("sha256:a5", &["alice-20261105T0800"], 5),
            // Old, but the resume tag points at it.
            image("sha256:b1", &["bob-20261101T0800", "bob-latest"], 1),
            image("sha256:b2", &["bob-20261110T0800"], 10),
            image("sha256:b3", &["bob-20261111T0800"], 11),
            image("sha256:o1", &["base-2026.11"], 1),
        ];
        let mut in_use = InUse::default();
        in_use.add_reference("123.dkr.ecr.us-east-1.amazonaws.com/ws:alice-20261102T0800");
        let pattern = TagPattern::default();
        let (items, skipped) = plan_images(&images, &in_use, &rules(&pattern, None));
        let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["ws@sha256:a1", "ws@sha256:a3"]);
        assert!((items[0].size_gib - 1.0).abs() < 1e-9);
        assert!((items[0].monthly_cost_usd - 0.10).abs() < 1e-9);
        let skipped: Vec<(&str, bool)> = skipped
            .iter()
            .map(|s| (s.id.as_str(), s.reason.contains("in use")))
            .collect();
        assert_eq!(skipped, [("ws@sha256:a2", true), ("ws@sha256:b1", false)]);
        assert_eq!(
            plan_images(&images, &in_use, &rules(&pattern, None)).1[1].reason,
            "resume tag bob-latest points at it"
        );
    }

    #[test]
    fn min_age_uses_the_tag_time() {
        let images = vec![
            image("sha256:a1", &["alice-20261101T0800"], 20),
            image("sha256:a2", &["alice-20261120T0800"], 20),
            image("sha256:a3", &["alice-20261121T0800"], 21),
            image("sha256:a4", &["alice-20261122T0800"], 22),
        ];
        let pattern = TagPattern::default();
        let (items, _) = plan_images(&images, &InUse::default(), &rules(&pattern, Some(7)));
        let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["ws@sha256:a1"]);
    }

    #[test]
    fn keep_zero_and_no_user_tags() {
        let images = vec![image("sha256:x", &["nightly"], 1)];
        let pattern = TagPattern::default();
        let mut r = rules(&pattern, None);
        r.keep_newest = 0;
        let (items, skipped) = plan_images(&images, &InUse::default(), &r);
        assert!(items.is_empty() && skipped.is_empty());
    }

    #[test]
    fn the_ecr_price_comes_from_the_config() {
        let images = vec![
            image("sha256:a1", &["alice-20261101T0800"], 1),
            image("sha256:a2", &["alice-20261102T0800"], 2),
            image("sha256:a3", &["alice-20261103T0800"], 3),
        ];
        let pattern = TagPattern::default();
        let cost = |price: f64| {
            let r = ImageRules {
                price_per_gb_month: price,
                ..rules(&pattern, None)
            };
            let (items, _) = plan_images(&images, &InUse::default(), &r);
            items.iter().map(|i| i.monthly_cost_usd).sum::<f64>()
        };
        let default = crate::config::Settings::default();
        assert!((cost(default.prices.ecr) - 0.10).abs() < 1e-9);
        let text = "[prices]\necr = 0.25\n";
        let path = std::path::Path::new("/tmp/ecsnap.toml");
        let set = crate::config::Settings::from_toml(text, path, None).expect("valid config");
        assert!((cost(set.prices.ecr) - 0.25).abs() < 1e-9);
    }

    #[test]
    fn thousands_of_small_images_add_up_to_dollars() {
        // The issue's reproduction: 4,849 images of ~1 MiB each (4.5 GiB at $0.10/GB-month
        // is $0.45/month), each well under a cent; rounded item by item they summed to $0.00.
        let images: Vec<Image> = (0..4_849u32)
            .map(|i| Image {
                size_bytes: 1_000_000,
                pushed_at: Utc
                    .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
                    .single()
                    .map(|t| t + chrono::Duration::minutes(i64::from(i))),
                ..image(
                    &format!("sha256:{i:05}"),
                    &[&format!("u{i}-20260101T0000")],
                    1,
                )
            })
            .collect();
        // One user each: keep_newest = 0 so every image is a candidate.
        let pattern = TagPattern::default();
        let r = ImageRules {
            keep_newest: 0,
            ..rules(&pattern, None)
        };
        let (items, skipped) = plan_images(&images, &InUse::default(), &r);
        assert_eq!((items.len(), skipped.len()), (4_849, 0));
        assert!(
            items
                .iter()
                .all(|i| i.monthly_cost_usd > 0.0 && i.monthly_cost_usd < 0.005)
        );
        let plan = super::super::plan::CleanupPlan {
            skipped,
            ..super::super::plan::CleanupPlan::new(ResourceKind::Image, items, 0)
        };
        let gib = 4_849.0 * 1_000_000.0 / 1_073_741_824.0;
        assert!(
            (plan.total_gib() - gib).abs() < 1e-6,
            "{}",
            plan.total_gib()
        );
        assert!(
            (plan.total_monthly_usd() - 0.45).abs() < 1e-9,
            "{}",
            plan.total_monthly_usd()
        );
    }

    /// An image listed with the index and referrer fields ECR reports.
    fn linked(
        digest: &str,
        tags: &[&str],
        day: u32,
        media: Option<&str>,
        subject: Option<&str>,
    ) -> Image {
        Image {
            media_type: media.map(str::to_string),
            subject: subject.map(str::to_string),
            artifact_media_type: subject
                .map(|_| "application/vnd.dev.cosign.artifact.sig.v1+json".into()),
            ..image(digest, tags, day)
        }
    }

    fn index_text(children: &[&str]) -> String {
        let manifests: Vec<String> = children
            .iter()
            .map(|c| format!(r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{c}","size":1}}"#))
            .collect();
        format!(
            r#"{{"schemaVersion":2,"mediaType":"{OCI_INDEX}","manifests":[{}]}}"#,
            manifests.join(",")
        )
    }

    #[test]
    fn index_children_and_referrer_subjects_stay_with_what_keeps_them() {
        let images = vec![
            // alice's newest two are kept; her newest is an index whose arm64 manifest
            // also carries an old tag of hers.
            linked(
                "sha256:i3",
                &["alice-20261103T0800"],
                3,
                Some(OCI_INDEX),
                None,
            ),
            image("sha256:a2", &["alice-20261102T0800"], 2),
            image("sha256:c3", &["alice-20261101T0800"], 1),
            image("sha256:c4", &[], 1),
            // bob's old index with two untagged children and an untagged signature: one unit.
            linked(
                "sha256:i1",
                &["bob-20261101T0800"],
                1,
                Some(OCI_INDEX),
                None,
            ),
            image("sha256:c1", &[], 1),
            image("sha256:c2", &[], 1),
            linked("sha256:s1", &[], 1, None, Some("sha256:i1")),
            image("sha256:b2", &["bob-20261110T0800"], 10),
            image("sha256:b3", &["bob-20261111T0800"], 11),
            // carol's old image is the subject of a tagged (kept) SBOM.
            image("sha256:k1", &["carol-20261101T0800"], 1),
            linked("sha256:sb", &["sbom-k1"], 1, None, Some("sha256:k1")),
            image("sha256:k2", &["carol-20261110T0800"], 10),
            image("sha256:k3", &["carol-20261111T0800"], 11),
        ];
        let manifests = HashMap::from([
            (
                ("ws".to_string(), "sha256:i3".to_string()),
                index_text(&["sha256:c3", "sha256:c4"]),
            ),
            (
                ("ws".to_string(), "sha256:i1".to_string()),
                index_text(&["sha256:c1", "sha256:c2"]),
            ),
        ]);
        let links = ImageLinks::new(&images, &manifests);
        let pattern = TagPattern::default();
        let r = ImageRules {
            links: &links,
            ..rules(&pattern, None)
        };
        let (items, skipped) = plan_images(&images, &InUse::default(), &r);
        let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["ws@sha256:i1"]);
        let unit = &items[0];
        assert_eq!(unit.with_digests, ["sha256:c1", "sha256:c2", "sha256:s1"]);
        // The children's sizes and the signature's, not the index's own (its largest child).
        assert!((unit.size_gib - 3.0).abs() < 1e-9, "{}", unit.size_gib);
        assert!(
            unit.reason
                .contains("deleted with 2 manifest(s) of the index and 1 untagged referrer(s)"),
            "{}",
            unit.reason
        );
        let why = |id: &str| {
            skipped
                .iter()
                .find(|s| s.id == id)
                .map(|s| s.reason.clone())
        };
        assert_eq!(
            why("ws@sha256:c3").as_deref(),
            Some("a manifest of image index ws@sha256:i3 (alice-20261103T0800) which is kept")
        );
        assert_eq!(
            why("ws@sha256:k1").as_deref(),
            Some(
                "the subject of referrer ws@sha256:sb (sbom-k1), application/vnd.dev.cosign.artifact.sig.v1+json which is kept"
            )
        );
        // Without the links (an endpoint that lists no media types) both would be deleted.
        let (plain, _) = plan_images(&images, &InUse::default(), &rules(&pattern, None));
        assert_eq!(plain.len(), 3);
    }
}
