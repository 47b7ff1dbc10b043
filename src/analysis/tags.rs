//! Per-user ECR snapshot tags: a regex with named groups `user` (and optionally `ts`)
//! splits tags like `alice-20261120T0815` into user and time; tags are grouped per
//! repository and user, newest first, with sizes and the in-use marker.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use regex::Regex;

use super::in_use::InUse;
use crate::model::Image;

pub const DEFAULT_TAG_PATTERN: &str = r"^(?P<user>[A-Za-z0-9._]+)-(?P<ts>\d{8}T?\d{4,6}Z?)$";

#[derive(Debug, Clone)]
pub struct TagPattern(Regex);

impl TagPattern {
    /// Compiles the pattern; it must have a named group `user`.
    pub fn new(pattern: &str) -> Result<Self, String> {
        let re = Regex::new(pattern).map_err(|e| format!("invalid regex: {e}"))?;
        if !re.capture_names().flatten().any(|n| n == "user") {
            return Err("the regex has no named group `user` (write it as (?P<user>...))".into());
        }
        Ok(Self(re))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The user a tag belongs to and the time it encodes, if it matches.
    pub fn parse(&self, tag: &str) -> Option<(String, Option<NaiveDateTime>)> {
        let caps = self.0.captures(tag)?;
        let user = caps.name("user")?.as_str().to_string();
        let ts = caps.name("ts").and_then(|m| parse_compact_time(m.as_str()));
        Some((user, ts))
    }
}

impl Default for TagPattern {
    fn default() -> Self {
        Self(
            Regex::new(DEFAULT_TAG_PATTERN)
                .unwrap_or_else(|_| unreachable!("default pattern compiles")),
        )
    }
}

/// `20261120T0815`, `20261120081500Z`, `202611200815` → a naive time.
pub fn parse_compact_time(s: &str) -> Option<NaiveDateTime> {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 12 {
        return None;
    }
    let date = NaiveDate::parse_from_str(&digits[..8], "%Y%m%d").ok()?;
    let hour: u32 = digits[8..10].parse().ok()?;
    let min: u32 = digits[10..12].parse().ok()?;
    let sec: u32 = if digits.len() >= 14 {
        digits[12..14].parse().ok()?
    } else {
        0
    };
    date.and_hms_opt(hour, min, sec)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagEntry {
    pub tag: String,
    pub digest: String,
    pub pushed_at: Option<DateTime<Utc>>,
    /// The time encoded in the tag, when the pattern has a `ts` group.
    pub tag_time: Option<NaiveDateTime>,
    pub size_bytes: i64,
    pub in_use: bool,
}

/// The tags of one user in one repository (`user: None` gathers tags that don't match).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserTags {
    pub repository: String,
    pub user: Option<String>,
    /// Newest first.
    pub tags: Vec<TagEntry>,
}

impl UserTags {
    /// Sum of the compressed sizes of the distinct digests this user's tags point at.
    pub fn total_bytes(&self) -> i64 {
        let mut seen = std::collections::HashSet::new();
        self.tags
            .iter()
            .filter(|t| seen.insert(t.digest.as_str()))
            .map(|t| t.size_bytes)
            .sum()
    }

    pub fn in_use_count(&self) -> usize {
        self.tags.iter().filter(|t| t.in_use).count()
    }
}

/// Groups every tag of every image by (repository, user). Untagged images are left out.
pub fn group_by_user(images: &[Image], pattern: &TagPattern, in_use: &InUse) -> Vec<UserTags> {
    let mut groups: BTreeMap<(String, Option<String>), Vec<TagEntry>> = BTreeMap::new();
    for image in images {
        let image_in_use = in_use.image_in_use(image);
        for tag in &image.tags {
            let (user, tag_time) = match pattern.parse(tag) {
                Some((u, t)) => (Some(u), t),
                None => (None, None),
            };
            groups
                .entry((image.repository.clone(), user))
                .or_default()
                .push(TagEntry {
                    tag: tag.clone(),
                    digest: image.digest.clone(),
                    pushed_at: image.pushed_at,
                    tag_time,
                    size_bytes: image.size_bytes,
                    in_use: image_in_use,
                });
        }
    }
    let mut out: Vec<UserTags> = groups
        .into_iter()
        .map(|((repository, user), mut tags)| {
            tags.sort_by(|a, b| {
                b.pushed_at
                    .cmp(&a.pushed_at)
                    .then_with(|| b.tag_time.cmp(&a.tag_time))
                    .then_with(|| b.tag.cmp(&a.tag))
            });
            UserTags {
                repository,
                user,
                tags,
            }
        })
        .collect();
    // Named users first (alphabetically) within a repository, "other" last.
    out.sort_by(|a, b| {
        a.repository
            .cmp(&b.repository)
            .then_with(|| a.user.is_none().cmp(&b.user.is_none()))
            .then_with(|| a.user.cmp(&b.user))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn default_pattern_splits_user_and_time() {
        let p = TagPattern::default();
        let cases = [
            (
                "alice-20261120T0815",
                Some(("alice", Some("2026-11-20 08:15:00"))),
            ),
            (
                "bob.smith-20261121T081530Z",
                Some(("bob.smith", Some("2026-11-21 08:15:30"))),
            ),
            (
                "carol_1-202611200815",
                Some(("carol_1", Some("2026-11-20 08:15:00"))),
            ),
            ("alice-latest", None),
            ("v1.2.3", None),
            ("alice-2026112", None),
            ("", None),
        ];
        for (tag, want) in cases {
            let got = p.parse(tag).map(|(u, t)| (u, t.map(|t| t.to_string())));
            let want = want.map(|(u, t)| (u.to_string(), t.map(str::to_string)));
            assert_eq!(got, want, "{tag}");
        }
    }

    #[test]
    fn pattern_without_user_group_is_rejected() {
        assert!(TagPattern::new(r"^(?P<name>\w+)$").is_err());
        assert!(TagPattern::new(r"^(unclosed").is_err());
        assert!(TagPattern::new(r"^(?P<user>\w+)$").is_ok());
    }

    #[test]
    fn a_custom_pattern_without_ts_still_groups() {
        let p = TagPattern::new(r"^snap_(?P<user>[a-z]+)_\d+$").expect("valid");
        assert_eq!(p.parse("snap_dan_3"), Some(("dan".to_string(), None)));
    }

    fn image(repo: &str, digest: &str, tags: &[&str], day: u32, size: i64) -> Image {
        Image {
            repository: repo.into(),
            digest: digest.into(),
            tags: tags.iter().map(|t| (*t).to_string()).collect(),
            pushed_at: Utc.with_ymd_and_hms(2026, 11, day, 8, 0, 0).single(),
            size_bytes: size,
        }
    }

    #[test]
    fn tags_are_grouped_per_user_newest_first() {
        let images = vec![
            image("ws", "sha256:a1", &["alice-20261101T0800"], 1, 100),
            image(
                "ws",
                "sha256:a2",
                &["alice-20261110T0800", "alice-latest"],
                10,
                200,
            ),
            image("ws", "sha256:b1", &["bob-20261105T0800"], 5, 50),
            image("ws", "sha256:u", &[], 6, 999),
            image("api", "sha256:v", &["v1.2.3"], 3, 10),
        ];
        let mut in_use = InUse::default();
        in_use.add_reference("reg.example.com/ws:alice-20261110T0800");
        let groups = group_by_user(&images, &TagPattern::default(), &in_use);
        let shape: Vec<(String, Option<String>, Vec<String>)> = groups
            .iter()
            .map(|g| {
                (
                    g.repository.clone(),
                    g.user.clone(),
                    g.tags.iter().map(|t| t.tag.clone()).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                ("api".into(), None, vec!["v1.2.3".into()]),
                (
                    "ws".into(),
                    Some("alice".into()),
                    vec!["alice-20261110T0800".into(), "alice-20261101T0800".into()]
                ),
                (
                    "ws".into(),
                    Some("bob".into()),
                    vec!["bob-20261105T0800".into()]
                ),
                ("ws".into(), None, vec!["alice-latest".into()]),
            ]
        );
        let alice = &groups[1];
        assert!(alice.tags[0].in_use);
        assert!(!alice.tags[1].in_use);
        assert_eq!(alice.total_bytes(), 300);
        assert_eq!(alice.in_use_count(), 1);
        // The resume tag shares the in-use digest, so it is in use too.
        assert!(groups[3].tags[0].in_use);
    }
}
