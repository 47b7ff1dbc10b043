//! Per-user ECR snapshot tags: a regex with named groups `user` (and optionally `ts`)
//! splits tags like `alice-20261120T0815` into user and time; tags are grouped per
//! repository and user, newest first, with sizes and the in-use marker. A user's resume
//! tag (`alice-latest`) joins her group (`attach_resume_tags`), and every total counts
//! each image once, by digest (`distinct_bytes`).

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use regex::Regex;
use serde::Serialize;

use super::in_use::InUse;
use crate::model::{Image, ImageStatus};

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

/// One snapshot tag of a user; its JSON (`snapshots --json`) leaves out `tag_time`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagEntry {
    pub tag: String,
    pub digest: String,
    #[serde(serialize_with = "crate::model::json::time")]
    pub pushed_at: Option<DateTime<Utc>>,
    /// The time encoded in the tag, when the pattern has a `ts` group.
    #[serde(skip)]
    pub tag_time: Option<NaiveDateTime>,
    pub size_bytes: i64,
    pub in_use: bool,
    /// `standard`, `archive` or `restoring` in the JSON (`imageStatus`): an archived
    /// image cannot be pulled until it is restored.
    #[serde(rename = "storage_class", serialize_with = "storage_class")]
    pub status: ImageStatus,
    /// When ECR last recorded a pull (`lastRecordedPullTime`; refreshed at least daily).
    #[serde(serialize_with = "crate::model::json::time")]
    pub last_pulled_at: Option<DateTime<Utc>>,
}

fn storage_class<S: serde::Serializer>(status: &ImageStatus, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(status.storage_class())
}

/// The tags of one user in one repository (`user: None` gathers tags that don't match).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserTags {
    pub repository: String,
    pub user: Option<String>,
    /// Newest first.
    pub tags: Vec<TagEntry>,
    /// The user's resume tag (`alice-latest`), when it exists (`attach_resume_tags`).
    pub resume: Option<TagEntry>,
}

/// The bytes a set of tags keeps in ECR, each image once: the sum of the sizes of the
/// distinct (repository, digest) pairs they point at. Two tags on one image, or a
/// manifest list tagged twice, count once; a negative size counts as zero.
pub fn distinct_bytes<'a>(tags: impl IntoIterator<Item = (&'a str, &'a TagEntry)>) -> i64 {
    let mut seen = HashSet::new();
    tags.into_iter()
        .filter(|(repo, t)| seen.insert((*repo, t.digest.as_str())))
        .map(|(_, t)| t.size_bytes.max(0))
        .sum()
}

/// The bytes of several groups together, each image once (`distinct_bytes`).
pub fn groups_bytes<'a>(groups: impl IntoIterator<Item = &'a UserTags>) -> i64 {
    distinct_bytes(groups.into_iter().flat_map(UserTags::entries))
}

impl UserTags {
    /// Every tag of the group with its repository, the resume tag included.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &TagEntry)> {
        self.tags
            .iter()
            .chain(self.resume.iter())
            .map(|t| (self.repository.as_str(), t))
    }

    /// Sum of the compressed sizes of the distinct digests this user's tags (and resume
    /// tag) point at.
    pub fn total_bytes(&self) -> i64 {
        distinct_bytes(self.entries())
    }

    /// The snapshot tag the resume tag points at (the newest with its digest); `None`
    /// without a resume tag or when no snapshot tag shares its digest.
    pub fn resume_points_at(&self) -> Option<&TagEntry> {
        let resume = self.resume.as_ref()?;
        self.tags.iter().find(|t| t.digest == resume.digest)
    }

    /// A tag of this user without the user's prefix (`alice-latest` → `latest`).
    pub fn short_tag<'a>(&self, tag: &'a str) -> &'a str {
        self.user
            .as_deref()
            .and_then(|u| tag.strip_prefix(u))
            .and_then(|t| t.strip_prefix(['-', '_', '.']))
            .filter(|t| !t.is_empty())
            .unwrap_or(tag)
    }

    /// `latest → 20261120T0815` (the user's prefix left out); `latest → an untagged
    /// image` when no snapshot tag shares its digest; `None` without a resume tag.
    pub fn resume_text(&self) -> Option<String> {
        let resume = self.resume.as_ref()?;
        let from = self.short_tag(&resume.tag);
        Some(match self.resume_points_at() {
            Some(t) => format!("{from} → {}", self.short_tag(&t.tag)),
            None => format!("{from} → an untagged image"),
        })
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
                    status: image.status.clone(),
                    last_pulled_at: image.last_pulled_at,
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
                resume: None,
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

/// Moves each user's resume tag (`resume_tag`, like `{user}-latest`) out of the tag lists
/// (where it sits among the tags that name no user) into that user's group
/// (`UserTags::resume`); a group of tags that name no user left empty is dropped. A
/// resume tag of a user with no snapshot tag in that repository stays where it was.
pub fn attach_resume_tags(mut groups: Vec<UserTags>, resume_tag: &str) -> Vec<UserTags> {
    let wanted: BTreeMap<(String, String), usize> = groups
        .iter()
        .enumerate()
        .filter_map(|(i, g)| {
            let user = g.user.as_deref()?;
            Some((
                (g.repository.clone(), resume_tag.replace("{user}", user)),
                i,
            ))
        })
        .collect();
    let mut found: Vec<(usize, TagEntry)> = Vec::new();
    // Under a custom pattern the resume tag may parse as one of the user's own tags.
    for g in &mut groups {
        let repository = g.repository.clone();
        g.tags
            .retain(|t| match wanted.get(&(repository.clone(), t.tag.clone())) {
                Some(i) => {
                    found.push((*i, t.clone()));
                    false
                }
                None => true,
            });
    }
    for (i, entry) in found {
        if let Some(g) = groups.get_mut(i) {
            g.resume = Some(entry);
        }
    }
    groups.retain(|g| g.user.is_some() || !g.tags.is_empty());
    groups
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
            ..Default::default()
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

    fn entry(tag: &str, digest: &str, size: i64) -> TagEntry {
        TagEntry {
            tag: tag.into(),
            digest: digest.into(),
            pushed_at: None,
            tag_time: None,
            size_bytes: size,
            in_use: false,
            status: ImageStatus::default(),
            last_pulled_at: None,
        }
    }

    #[test]
    fn distinct_bytes_counts_each_image_once() {
        struct Case {
            name: &'static str,
            tags: Vec<(&'static str, TagEntry)>,
            want: i64,
        }
        let cases = [
            Case {
                name: "nothing",
                tags: vec![],
                want: 0,
            },
            Case {
                name: "two tags, one digest",
                tags: vec![
                    ("ws", entry("alice-20261120T0815", "sha256:a", 300)),
                    ("ws", entry("alice-latest", "sha256:a", 300)),
                ],
                want: 300,
            },
            Case {
                name: "two digests",
                tags: vec![
                    ("ws", entry("alice-20261120T0815", "sha256:a", 300)),
                    ("ws", entry("alice-20261121T0815", "sha256:b", 50)),
                ],
                want: 350,
            },
            Case {
                name: "one digest in two repositories is stored twice",
                tags: vec![
                    ("ws", entry("alice-20261120T0815", "sha256:a", 300)),
                    ("ws-copy", entry("alice-20261120T0815", "sha256:a", 300)),
                ],
                want: 600,
            },
            Case {
                name: "a manifest list tagged twice counts once, beside its own image",
                tags: vec![
                    ("ws", entry("v1", "sha256:index", 1_000)),
                    ("ws", entry("v1-multiarch", "sha256:index", 1_000)),
                    ("ws", entry("v1-amd64", "sha256:amd64", 400)),
                ],
                want: 1_400,
            },
            Case {
                name: "zero and negative sizes count as nothing",
                tags: vec![
                    ("ws", entry("a", "sha256:z", 0)),
                    ("ws", entry("b", "sha256:n", -5)),
                    ("ws", entry("c", "sha256:c", 7)),
                ],
                want: 7,
            },
        ];
        for case in &cases {
            let got = distinct_bytes(case.tags.iter().map(|(r, t)| (*r, t)));
            assert_eq!(got, case.want, "{}", case.name);
        }
    }

    fn fixture_groups() -> Vec<UserTags> {
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
            image("ws", "sha256:bx", &["bob-latest"], 6, 70),
            image("ws", "sha256:d", &["dan-latest", "base"], 7, 9),
        ];
        group_by_user(&images, &TagPattern::default(), &InUse::default())
    }

    /// A group as (user, tags, the tag the resume tag points at, the RESUME text).
    type Shape<'a> = (
        Option<&'a str>,
        Vec<&'a str>,
        Option<&'a str>,
        Option<String>,
    );

    #[test]
    fn resume_tags_join_their_user_and_say_where_they_point() {
        let groups = attach_resume_tags(fixture_groups(), "{user}-latest");
        let shape: Vec<Shape<'_>> = groups
            .iter()
            .map(|g| {
                (
                    g.user.as_deref(),
                    g.tags.iter().map(|t| t.tag.as_str()).collect(),
                    g.resume_points_at().map(|t| t.tag.as_str()),
                    g.resume_text(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                (
                    Some("alice"),
                    vec!["alice-20261110T0800", "alice-20261101T0800"],
                    Some("alice-20261110T0800"),
                    Some("latest → 20261110T0800".into()),
                ),
                (
                    Some("bob"),
                    vec!["bob-20261105T0800"],
                    None,
                    Some("latest → an untagged image".into()),
                ),
                // dan has no snapshot tag: his resume tag stays with the tags of no user.
                (None, vec!["dan-latest", "base"], None, None),
            ]
        );
        // alice's resume tag shares a digest with a snapshot tag: counted once; bob's
        // points at an image of its own: counted.
        assert_eq!(groups[0].total_bytes(), 300);
        assert_eq!(groups[1].total_bytes(), 120);
        assert_eq!(groups_bytes(&groups), 300 + 120 + 9);
        // Before: the resume tags sat in "(other)" and were counted again there.
        let before = fixture_groups();
        let summed: i64 = before.iter().map(UserTags::total_bytes).sum();
        assert_eq!(summed, 300 + 50 + 200 + 70 + 9);
        assert_eq!(groups_bytes(&before), groups_bytes(&groups));
    }

    #[test]
    fn a_resume_tag_the_pattern_gives_to_the_user_moves_out_of_her_tags() {
        let p = TagPattern::new(r"^(?P<user>[a-z]+)-\w+$").expect("valid");
        let images = vec![
            image("ws", "sha256:a1", &["alice-one"], 1, 100),
            image("ws", "sha256:a1", &["alice-resume"], 1, 100),
        ];
        let groups = attach_resume_tags(
            group_by_user(&images, &p, &InUse::default()),
            "{user}-resume",
        );
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].tags.len(), 1);
        assert_eq!(groups[0].resume_text().as_deref(), Some("resume → one"));
    }
}
