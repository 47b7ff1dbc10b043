//! Which ECR images a cleanup deletes (pure): per user, everything older than the newest N
//! tags — but never an image that is in use, and never one that also carries a kept tag
//! (one of a user's newest N, or a tag that names no user, like `alice-latest`), since
//! images are deleted by digest and that would take the kept tag with them.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::CleanupItem;
use crate::analysis::age::age_days;
use crate::analysis::cost::cents;
use crate::analysis::in_use::InUse;
use crate::analysis::tags::{TagEntry, TagPattern, group_by_user};
use crate::model::{Image, ResourceKind, Skipped};

const GIB: f64 = 1_073_741_824.0;

pub struct ImageRules<'a> {
    pub pattern: &'a TagPattern,
    pub keep_newest: usize,
    pub min_age_days: Option<i64>,
    pub now: DateTime<Utc>,
    /// ECR storage, USD per GB-month (`settings.prices.ecr`).
    pub price_per_gb_month: f64,
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
            monthly_cost_usd: cents(gb * rules.price_per_gb_month),
            reason: format!(
                "user {user}: older than the newest {} tags, not in use",
                rules.keep_newest
            ),
            preflight: None,
        });
    }
    items.sort_by(|a, b| {
        b.age_days
            .cmp(&a.age_days)
            .then_with(|| a.tags.cmp(&b.tags))
    });
    (items, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
            .single()
            .expect("valid")
    }

    fn image(digest: &str, tags: &[&str], day: u32) -> Image {
        Image {
            repository: "ws".into(),
            digest: digest.into(),
            tags: tags.iter().map(|t| (*t).to_string()).collect(),
            pushed_at: Utc.with_ymd_and_hms(2026, 11, day, 8, 0, 0).single(),
            size_bytes: 1_073_741_824,
        }
    }

    fn rules(pattern: &TagPattern, min_age: Option<i64>) -> ImageRules<'_> {
        ImageRules {
            pattern,
            keep_newest: 2,
            min_age_days: min_age,
            now: now(),
            price_per_gb_month: crate::analysis::cost::Prices::default().ecr,
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
}
