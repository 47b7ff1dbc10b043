//! A lifecycle policy for the per-user snapshot pattern (pure): one rule per user keeping
//! the user's newest N snapshot tags (`tagPatternList` `user-*`, `imageCountMoreThan` N),
//! never touching tags that belong to no user, plus what ECR's rules cannot express.
//!
//! - A user's pattern must not match another user's tags (`al-*` would take `al-ice-…`
//!   under a tag pattern that allows `-` in user names) nor tags of no user
//!   (`alice-debug`). When `user-*` does, it is narrowed by the start all the user's tags
//!   share after `user-` (`al-2*`); when nothing narrows it, the user gets no rule and the
//!   output says why.
//! - Each user's resume tag gets a rule of its own first (exact tag, keep 1): an image
//!   that matched a higher-priority rule is never expired by a lower one, so the image the
//!   resume tag points at survives even when it is older than the newest N.
//! - With an archive age (`--archive-after D`), each user's rule archives instead
//!   (`transition` to `archive`, `sinceImagePulled` D days: a tag nobody pulled for D days
//!   goes to ECR archive), and a second rule on the user's archived images expires them
//!   once archived for E days (`storageClass: archive`, `sinceImageTransitioned`; ECR's
//!   minimum is 90). The two select different storage classes, so each acts on its own.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::lifecycle::{ARCHIVE_MINIMUM_DAYS, glob_matches};
use super::tags::TagPattern;
use crate::model::Image;

/// Why a suggested rule is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// Keeps the image this resume tag points at.
    ResumeTag { user: String },
    /// Keeps the user's newest N snapshot tags, expires the older ones.
    User { user: String },
}

/// What a suggested rule does to the tags its pattern selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// Keep the newest N (standard images), expire the rest.
    KeepNewest(u32),
    /// Archive those nobody pulled for D days (pushed D days ago when never pulled).
    ArchiveUnpulled(u32),
    /// Expire archived images once archived for E days.
    ExpireArchived(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestedRule {
    pub priority: i64,
    pub pattern: String,
    pub kind: RuleKind,
    pub purpose: Purpose,
}

impl SuggestedRule {
    pub fn description(&self) -> String {
        let user = match &self.purpose {
            Purpose::ResumeTag { user } => return format!("ecsnap: keep {user}'s resume tag"),
            Purpose::User { user } => user,
        };
        match self.kind {
            RuleKind::KeepNewest(n) => format!("ecsnap: keep {user}'s newest {n} snapshots"),
            RuleKind::ArchiveUnpulled(d) => {
                format!("ecsnap: archive {user}'s snapshots unpulled for {d} days")
            }
            RuleKind::ExpireArchived(d) => {
                format!("ecsnap: expire {user}'s snapshots archived for {d} days")
            }
        }
    }

    /// The rule's `countNumber`.
    pub fn number(&self) -> u32 {
        match self.kind {
            RuleKind::KeepNewest(n)
            | RuleKind::ArchiveUnpulled(n)
            | RuleKind::ExpireArchived(n) => n,
        }
    }

    /// The rule as ECR takes it.
    fn json(&self) -> Value {
        let mut selection = json!({
            "tagStatus": "tagged",
            "tagPatternList": [self.pattern],
        });
        let (count, action) = match self.kind {
            RuleKind::KeepNewest(n) => (
                json!({"countType": "imageCountMoreThan", "countNumber": n}),
                json!({"type": "expire"}),
            ),
            RuleKind::ArchiveUnpulled(d) => (
                json!({"countType": "sinceImagePulled", "countUnit": "days", "countNumber": d}),
                json!({"type": "transition", "targetStorageClass": "archive"}),
            ),
            RuleKind::ExpireArchived(d) => (
                json!({"storageClass": "archive", "countType": "sinceImageTransitioned",
                       "countUnit": "days", "countNumber": d}),
                json!({"type": "expire"}),
            ),
        };
        if let (Some(sel), Some(extra)) = (selection.as_object_mut(), count.as_object()) {
            sel.extend(extra.clone());
        }
        json!({
            "rulePriority": self.priority,
            "description": self.description(),
            "selection": selection,
            "action": action,
        })
    }
}

/// Archive instead of keeping the newest N: after `after_days` unpulled, expire once
/// archived for `expire_days` (at least ECR's 90).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveAges {
    pub after_days: u32,
    pub expire_days: u32,
}

/// The suggested policy and what it leaves unsaid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub keep: u32,
    /// Set when the policy archives by pull age instead of keeping the newest N.
    pub archive: Option<ArchiveAges>,
    pub rules: Vec<SuggestedRule>,
    /// Users who get no rule, with the reason.
    pub skipped_users: Vec<(String, String)>,
    /// What ECR's rules cannot express for this repository.
    pub cannot_express: Vec<String>,
}

impl Suggestion {
    /// The policy as ECR takes it.
    pub fn policy_json(&self) -> Value {
        let rules: Vec<Value> = self.rules.iter().map(SuggestedRule::json).collect();
        json!({ "rules": rules })
    }

    /// The policy text to put (pretty JSON).
    pub fn policy_text(&self) -> String {
        serde_json::to_string_pretty(&self.policy_json()).unwrap_or_default()
    }

    /// Whether the policy has a rule that expires anything.
    pub fn has_user_rules(&self) -> bool {
        self.rules
            .iter()
            .any(|r| matches!(r.purpose, Purpose::User { .. }))
    }
}

/// The longest common prefix of `texts`.
fn common_prefix<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    let mut iter = texts.into_iter();
    let Some(first) = iter.next() else {
        return String::new();
    };
    let mut prefix: Vec<char> = first.chars().collect();
    for t in iter {
        let n = prefix
            .iter()
            .zip(t.chars())
            .take_while(|(a, b)| **a == *b)
            .count();
        prefix.truncate(n);
    }
    prefix.into_iter().collect()
}

/// The narrowest-needed pattern for `user`: `user-*`, else `user-<start>*` with the
/// shortest start of the user's tags that matches none of `others`.
fn user_pattern(user: &str, own: &[&str], others: &[&str]) -> Result<String, Vec<String>> {
    let clashes = |pattern: &str| -> Vec<String> {
        others
            .iter()
            .filter(|t| glob_matches(pattern, t))
            .map(|t| (*t).to_string())
            .collect()
    };
    let base = format!("{user}-");
    let first = clashes(&format!("{base}*"));
    if first.is_empty() {
        return Ok(format!("{base}*"));
    }
    let shared = common_prefix(
        own.iter()
            .map(|t| t.strip_prefix(base.as_str()).unwrap_or(*t)),
    );
    let mut start = String::new();
    for c in shared.chars() {
        start.push(c);
        let pattern = format!("{base}{start}*");
        if clashes(&pattern).is_empty() {
            return Ok(pattern);
        }
    }
    Err(first)
}

/// Suggests a policy for one repository's images: keep each user's newest `keep`.
pub fn suggest(images: &[Image], pattern: &TagPattern, resume_tag: &str, keep: u32) -> Suggestion {
    suggest_with(images, pattern, resume_tag, keep, None)
}

/// What ECR's rules cannot express about keeping each user's newest N.
fn count_notes(keep: u32) -> Vec<String> {
    vec![
        format!(
            "an age limit on top of the count (keep the newest {keep} and also expire those \
             older than D days): an ECR rule either counts or ages, and a second rule on the \
             same tags can never expire what the first one selected"
        ),
        "images a service runs, a running task uses or a recent revision references: ECR \
         does not know what ECS runs, so such an image older than its user's newest \
         snapshots is expired (the preview warns about it)"
            .to_string(),
        "tags pushed later that match a user's pattern without being that user's snapshot \
         tags are counted and expired like them"
            .to_string(),
    ]
}

/// What the archive variant says about itself: the newest N are not kept apart, and the
/// price is not a promise.
fn archive_notes(keep: u32, a: ArchiveAges) -> Vec<String> {
    vec![
        format!(
            "keeping each user's newest {keep} in standard while archiving by pull age: a \
             second rule on the same tags and storage class never acts on what the first \
             selected, so a user's newest snapshot tags are archived too once nobody pulled \
             them for {} days (the preview warns about each)",
            a.after_days
        ),
        "ECR archive is billed per GB like standard storage below a large threshold: this \
         policy moves unpulled snapshots out of the way (a pull fails until `ecsnap \
         restore-image` restores them, minutes) rather than promising a saving"
            .to_string(),
        format!(
            "an archived image is billed for at least {ARCHIVE_MINIMUM_DAYS} days, and ECR \
             lets a lifecycle policy expire it only after that"
        ),
    ]
}

/// A user's rules: keep the newest N, or archive by pull age then expire in archive.
fn user_kinds(keep: u32, archive: Option<ArchiveAges>) -> Vec<RuleKind> {
    match archive {
        None => vec![RuleKind::KeepNewest(keep)],
        Some(a) => vec![
            RuleKind::ArchiveUnpulled(a.after_days),
            RuleKind::ExpireArchived(a.expire_days.max(ARCHIVE_MINIMUM_DAYS)),
        ],
    }
}

/// `suggest`, or with `archive` set: archive each user's tags unpulled for D days and
/// expire them once archived for E days.
pub fn suggest_with(
    images: &[Image],
    pattern: &TagPattern,
    resume_tag: &str,
    keep: u32,
    archive: Option<ArchiveAges>,
) -> Suggestion {
    let mut by_user: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut all_tags: BTreeSet<&str> = BTreeSet::new();
    for image in images {
        for tag in &image.tags {
            all_tags.insert(tag);
            if let Some((user, _)) = pattern.parse(tag) {
                by_user.entry(user).or_default().push(tag);
            }
        }
    }
    let mut rules = Vec::new();
    let mut skipped_users = Vec::new();
    let mut cannot_express = count_notes(keep);
    let mut priority = 1;
    for user in by_user.keys() {
        rules.push(SuggestedRule {
            priority,
            pattern: resume_tag.replace("{user}", user),
            kind: RuleKind::KeepNewest(1),
            purpose: Purpose::ResumeTag { user: user.clone() },
        });
        priority += 1;
    }
    for (user, own) in &by_user {
        let resume = resume_tag.replace("{user}", user);
        // Tags this user's rule must not take: every tag that is not one of this user's
        // snapshot tags, except this user's resume tag (kept by its own rule).
        let others: Vec<&str> = all_tags
            .iter()
            .copied()
            .filter(|t| !own.contains(t) && *t != resume.as_str())
            .collect();
        match user_pattern(user, own, &others) {
            Ok(p) => {
                if p != format!("{user}-*") {
                    let wide = format!("{user}-*");
                    let taken: Vec<&str> = others
                        .iter()
                        .copied()
                        .filter(|t| glob_matches(&wide, t))
                        .take(3)
                        .collect();
                    cannot_express.push(format!(
                        "user {user}: {wide} would also select {}, so the rule uses {p}; a \
                         later {user} tag that does not start like that is not selected \
                         (kept)",
                        taken.join(", ")
                    ));
                }
                for kind in user_kinds(keep, archive) {
                    rules.push(SuggestedRule {
                        priority,
                        pattern: p.clone(),
                        kind,
                        purpose: Purpose::User { user: user.clone() },
                    });
                    priority += 1;
                }
            }
            Err(clashes) => {
                let shown: Vec<&str> = clashes.iter().take(3).map(String::as_str).collect();
                let why = format!(
                    "no tag pattern (only `*` wildcards) selects {user}'s tags without also \
                     selecting {}{}; {user} gets no rule and keeps every tag",
                    shown.join(", "),
                    if clashes.len() > shown.len() {
                        format!(" and {} more", clashes.len() - shown.len())
                    } else {
                        String::new()
                    }
                );
                cannot_express.push(format!("user {user}: {why}"));
                skipped_users.push((user.clone(), why));
            }
        }
    }
    if by_user.is_empty() {
        cannot_express.push(
            "no tag in this repository matches the snapshot tag pattern: there is no user to \
             write a rule for"
                .into(),
        );
    }
    if let Some(a) = archive {
        cannot_express.extend(archive_notes(keep, a));
    }
    Suggestion {
        keep,
        archive,
        rules,
        skipped_users,
        cannot_express,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::in_use::InUse;
    use crate::analysis::keep::KeptImages;
    use crate::analysis::lifecycle::test_images::{img, now};
    use crate::analysis::lifecycle_report::{LifecycleReport, Safety, TagExpiry, judge};

    /// The report on `s`'s policy over `images`: nothing in use or kept but the newest
    /// `keep_newest`.
    fn judged(
        s: &Suggestion,
        images: &[Image],
        pattern: &TagPattern,
        keep_newest: usize,
    ) -> LifecycleReport {
        let (in_use, kept) = (InUse::default(), KeptImages::default());
        let safety = Safety::for_tests(pattern, (&in_use, &kept), keep_newest);
        judge("ws", Some(&s.policy_text()), images, &safety, now())
    }

    /// The tags of the entries (untagged ones left out).
    fn tags_of(entries: &[TagExpiry]) -> Vec<&str> {
        entries.iter().filter_map(|e| e.tag.as_deref()).collect()
    }

    fn patterns(s: &Suggestion) -> Vec<(i64, &str, u32)> {
        s.rules
            .iter()
            .map(|r| (r.priority, r.pattern.as_str(), r.number()))
            .collect()
    }

    #[test]
    fn one_rule_per_user_after_the_resume_tags() {
        let images = vec![
            img("a1", &["alice-20261101T0800"], 30),
            img("a2", &["alice-20261102T0800", "alice-latest"], 29),
            img("a3", &["alice-20261103T0800"], 28),
            img("a4", &["alice-20261104T0800"], 27),
            img("l1", &["al-20261101T0800"], 20),
            img("b1", &["bob-20261101T0800"], 30),
            img("x1", &["base-2026.11"], 40),
        ];
        let pattern = TagPattern::default();
        let s = suggest(&images, &pattern, "{user}-latest", 2);
        assert_eq!(
            patterns(&s),
            [
                (1, "al-latest", 1),
                (2, "alice-latest", 1),
                (3, "bob-latest", 1),
                (4, "al-*", 2),
                (5, "alice-*", 2),
                (6, "bob-*", 2),
            ]
        );
        assert!(s.skipped_users.is_empty());
        let json = s.policy_json();
        assert_eq!(
            json["rules"][4]["selection"]["tagPatternList"][0],
            "alice-*"
        );
        assert_eq!(json["rules"][4]["selection"]["countNumber"], 2);
        assert_eq!(json["rules"][4]["action"]["type"], "expire");
        // Evaluated: alice keeps a4, a3 and the resume target a2; a1 goes; nothing else.
        let report = judged(&s, &images, &pattern, 2);
        let tags = tags_of(&report.expires);
        assert_eq!(tags, ["alice-20261101T0800"]);
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
        assert!(report.problems.is_empty(), "{:?}", report.problems);
    }

    #[test]
    fn patterns_narrow_or_the_user_is_skipped() {
        // A tag pattern that allows `-` in user names: `al-*` takes al-ice's tags.
        let pattern = TagPattern::new(r"^(?P<user>[a-z-]+)-(?P<ts>\d{8}T\d{4})$").expect("pattern");
        let images = vec![
            img("l1", &["al-20261101T0800"], 3),
            img("l2", &["al-20261102T0800"], 2),
            img("i1", &["al-ice-20261101T0800"], 3),
            img("d1", &["carol-debug"], 3),
            img("c1", &["carol-20261101T0800"], 3),
        ];
        let s = suggest(&images, &pattern, "{user}-latest", 3);
        let user_rules: Vec<&str> = s
            .rules
            .iter()
            .filter(|r| matches!(r.purpose, Purpose::User { .. }))
            .map(|r| r.pattern.as_str())
            .collect();
        assert_eq!(user_rules, ["al-2*", "al-ice-*", "carol-2*"]);
        let said = s.cannot_express.join("\n");
        assert!(
            said.contains(
                "user al: al-* would also select al-ice-20261101T0800, so the rule uses al-2*"
            ),
            "{said}"
        );
        assert!(
            said.contains("user carol: carol-* would also select carol-debug"),
            "{said}"
        );
        // Nothing narrows bob's pattern: his tags share no start that bobby's lack.
        let images = vec![
            img("b1", &["bob-20261101T0800"], 3),
            img("b2", &["bob-x-20261101T0800"], 2),
            img("b3", &["bob-20261101T0800-x-20261101T0800"], 1),
        ];
        let s = suggest(&images, &pattern, "{user}-latest", 3);
        assert_eq!(s.skipped_users.len(), 1, "{:?}", s.skipped_users);
        assert_eq!(s.skipped_users[0].0, "bob");
        assert!(s.cannot_express.iter().any(|c| c.starts_with("user bob:")));
        assert!(s.cannot_express[0].contains("age limit"));
    }

    #[test]
    fn no_users_no_rules() {
        let images = vec![img("x", &["v1.0"], 1)];
        let s = suggest(&images, &TagPattern::default(), "{user}-latest", 3);
        assert!(s.rules.is_empty() && !s.has_user_rules());
        assert!(s.cannot_express.iter().any(|c| c.contains("no tag")));
    }

    #[test]
    fn archive_after_days_unpulled_then_expire_in_archive() {
        use crate::analysis::lifecycle::Act;
        let mut images = vec![
            img("a1", &["alice-20261101T0800"], 40),
            img("a2", &["alice-20261102T0800", "alice-latest"], 39),
            img("a3", &["alice-20261103T0800"], 5),
            img("x1", &["base-2026.11"], 90),
        ];
        // alice's oldest went to archive 120 days ago (pushed long before).
        images.push(crate::model::Image {
            status: crate::model::ImageStatus::Archived,
            last_archived_at: Some(now() - chrono::Duration::days(120)),
            ..img("a0", &["alice-20260101T0800"], 330)
        });
        let pattern = TagPattern::default();
        let ages = ArchiveAges {
            after_days: 30,
            expire_days: 100,
        };
        let s = suggest_with(&images, &pattern, "{user}-latest", 3, Some(ages));
        assert_eq!(
            patterns(&s),
            [
                (1, "alice-latest", 1),
                (2, "alice-*", 30),
                (3, "alice-*", 100)
            ]
        );
        let json = s.policy_json();
        assert_eq!(json["rules"][1]["action"]["type"], "transition");
        assert_eq!(json["rules"][1]["action"]["targetStorageClass"], "archive");
        assert_eq!(
            json["rules"][1]["selection"]["countType"],
            "sinceImagePulled"
        );
        assert_eq!(json["rules"][1]["selection"]["countUnit"], "days");
        assert_eq!(json["rules"][2]["selection"]["storageClass"], "archive");
        assert_eq!(
            json["rules"][2]["selection"]["countType"],
            "sinceImageTransitioned"
        );
        assert_eq!(json["rules"][2]["action"]["type"], "expire");
        let said = s.cannot_express.join("\n");
        assert!(said.contains("billed per GB like standard"), "{said}");
        assert!(!said.contains("saving") || said.contains("rather than promising a saving"));
        // Evaluated: a1 (40 days unpulled) is archived; a2 is the resume target (kept);
        // a3 is too recent; a0 has been archived 120 days, more than 100: expired.
        let report = judged(&s, &images, &pattern, 3);
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        let archived = tags_of(&report.archives);
        assert_eq!(archived, ["alice-20261101T0800"]);
        let expired = tags_of(&report.expires);
        assert_eq!(expired, ["alice-20260101T0800"]);
        assert!(
            report
                .warnings
                .iter()
                .all(|w| w.act == Act::Archive && w.tag.as_deref() == Some("alice-20261101T0800")),
            "{:?}",
            report.warnings
        );
    }
}
