//! Index-safe image cleanup (pure): the image plan never deletes a manifest that an image
//! index being kept lists, nor the subject of a referrer being kept (tagged, or in use),
//! and it deletes an index together with its untagged children and untagged referrers as
//! one unit with one size. A tag skipped for this says which index or referrer keeps it.

use std::collections::{HashMap, HashSet};

use super::plan::CleanupItem;
use crate::analysis::image_links::ImageLinks;
use crate::analysis::in_use::InUse;
use crate::model::{Image, Skipped};

const GIB: f64 = 1_073_741_824.0;

type Key<'a> = (&'a str, &'a str);

/// What the unit rules look at.
pub(super) struct Units<'a> {
    pub images: &'a [Image],
    pub links: &'a ImageLinks,
    pub in_use: &'a InUse,
    pub price_per_gb_month: f64,
}

impl Units<'_> {
    /// Moves every item something kept depends on to `skipped` (again and again: a
    /// skipped index keeps its children in turn), then gives each remaining item its
    /// unit: the digests deleted with it and their size.
    pub fn apply(&self, items: &mut Vec<CleanupItem>, skipped: &mut Vec<Skipped>) {
        let by_key: HashMap<Key<'_>, &Image> = self
            .images
            .iter()
            .map(|i| ((i.repository.as_str(), i.digest.as_str()), i))
            .collect();
        loop {
            let deleting: HashSet<(String, String)> = items.iter().filter_map(key_of).collect();
            let found = items.iter().enumerate().find_map(|(n, item)| {
                let (repo, digest) = key_of(item)?;
                self.keeper(&repo, &digest, &deleting, &by_key)
                    .map(|why| (n, why))
            });
            let Some((n, why)) = found else { break };
            let item = items.remove(n);
            skipped.push(Skipped::new(&item.id, item.kind, item.size_gib, why));
        }
        let deleting: HashSet<(String, String)> = items.iter().filter_map(key_of).collect();
        let mut taken: HashSet<(String, String)> = HashSet::new();
        for item in items.iter_mut() {
            let Some((repo, digest)) = key_of(item) else {
                continue;
            };
            self.give_unit(item, &repo, &digest, &deleting, &mut taken, &by_key);
        }
    }

    /// Why `digest` must stay: an index that lists it stays, or a referrer of it stays.
    fn keeper(
        &self,
        repo: &str,
        digest: &str,
        deleting: &HashSet<(String, String)>,
        by_key: &HashMap<Key<'_>, &Image>,
    ) -> Option<String> {
        let kept = |d: &str| !deleting.contains(&(repo.to_string(), d.to_string()));
        if let Some(index) = self.links.indexes_of(repo, digest).iter().find(|d| kept(d)) {
            return Some(format!(
                "a manifest of image index {repo}@{index}{} which is kept",
                tags_of(by_key.get(&(repo, index.as_str())))
            ));
        }
        // An untagged referrer that is not in use goes with its subject.
        let referrer = self.links.referrers_of(repo, digest).iter().find(|d| {
            let image = by_key.get(&(repo, d.as_str()));
            kept(d) && image.is_some_and(|i| !i.tags.is_empty() || self.in_use.image_in_use(i))
        })?;
        let image = by_key.get(&(repo, referrer.as_str()));
        let artifact = image
            .and_then(|i| i.artifact_media_type.as_deref())
            .map(|a| format!(", {a}"))
            .unwrap_or_default();
        Some(format!(
            "the subject of referrer {repo}@{referrer}{}{artifact} which is kept",
            tags_of(image)
        ))
    }

    /// The digests deleted with `item` (untagged children nothing else keeps, untagged
    /// referrers of it and of them) and the unit's size: the children's sizes for an index
    /// (ECR reports an index's largest manifest), plus the referrers'.
    fn give_unit(
        &self,
        item: &mut CleanupItem,
        repo: &str,
        digest: &str,
        deleting: &HashSet<(String, String)>,
        taken: &mut HashSet<(String, String)>,
        by_key: &HashMap<Key<'_>, &Image>,
    ) {
        let loose = |d: &str| {
            let key = (repo.to_string(), d.to_string());
            !deleting.contains(&key)
                && by_key
                    .get(&(repo, d))
                    .is_none_or(|i| i.tags.is_empty() && !self.in_use.image_in_use(i))
        };
        let children: Vec<&String> =
            self.links
                .children(repo, digest)
                .iter()
                .filter(|c| {
                    loose(c)
                        && self.links.indexes_of(repo, c).iter().all(|p| {
                            p == digest || deleting.contains(&(repo.to_string(), p.clone()))
                        })
                })
                .collect();
        // (digest, whether it is a child of the index; else a referrer).
        let mut unit: Vec<(&String, bool)> = children.iter().map(|c| (*c, true)).collect();
        for d in std::iter::once(digest).chain(children.iter().map(|c| c.as_str())) {
            for r in self.links.referrers_of(repo, d) {
                if loose(r) {
                    unit.push((r, false));
                }
            }
        }
        let mut bytes: i64 = if children.is_empty() {
            by_key.get(&(repo, digest)).map_or(0, |i| i.size_bytes)
        } else {
            0
        };
        let mut with = Vec::new();
        let (mut n_children, mut n_referrers) = (0, 0);
        for (d, child) in unit {
            if !taken.insert((repo.to_string(), d.clone())) {
                continue;
            }
            bytes += by_key.get(&(repo, d.as_str())).map_or(0, |i| i.size_bytes);
            if child {
                n_children += 1;
            } else {
                n_referrers += 1;
            }
            with.push(d.clone());
        }
        if with.is_empty() {
            return;
        }
        item.size_gib = bytes.max(0) as f64 / GIB;
        item.monthly_cost_usd = item.size_gib * self.price_per_gb_month;
        let mut parts = Vec::new();
        if n_children > 0 {
            parts.push(format!("{n_children} manifest(s) of the index"));
        }
        if n_referrers > 0 {
            parts.push(format!("{n_referrers} untagged referrer(s)"));
        }
        item.reason = format!("{}; deleted with {}", item.reason, parts.join(" and "));
        item.with_digests = with;
    }
}

fn key_of(item: &CleanupItem) -> Option<(String, String)> {
    Some((item.repository.clone()?, item.digest.clone()?))
}

/// ` (tag, tag)` or nothing.
fn tags_of(image: Option<&&Image>) -> String {
    match image {
        Some(i) if !i.tags.is_empty() => format!(" ({})", i.tags.join(", ")),
        _ => String::new(),
    }
}
