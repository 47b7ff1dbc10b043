//! A repository's lifecycle policy judged against the per-user snapshot pattern (pure):
//! each tag the policy expires and each it archives (transition rules), with its user,
//! rule and reason; what age rules will expire or archive later and when; and a warning
//! wherever an expiry or an archive hurts — an image in use, the target of a user's resume
//! tag, one of a user's newest N snapshot tags, or a rollback target (an image in use is
//! not also warned about as a rollback target). An archived image cannot be pulled until
//! it is restored (minutes), so archiving one of those breaks the next task that needs it.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use super::in_use::InUse;
use super::keep::KeptImages;
use super::lifecycle::{Act, Evaluation, Policy, Rule, evaluate};
use super::tags::{TagPattern, UserTags, group_by_user};
use crate::model::Image;

/// What a policy must not hurt: the tag pattern, the resume tag, the newest-N setting
/// (`[snapshots] keep_newest`, which cleanup keeps too), in-use images and rollback targets.
pub struct Safety<'a> {
    pub pattern: &'a TagPattern,
    /// `{user}-latest` by default.
    pub resume_tag: &'a str,
    pub keep_newest: usize,
    pub in_use: &'a InUse,
    pub kept: &'a KeptImages,
}

#[cfg(test)]
impl<'a> Safety<'a> {
    /// The tests' safety: the resume tag `{user}-latest`, the newest `keep_newest` kept.
    pub(crate) fn for_tests(
        pattern: &'a TagPattern,
        (in_use, kept): (&'a InUse, &'a KeptImages),
        keep_newest: usize,
    ) -> Self {
        Self {
            pattern,
            resume_tag: "{user}-latest",
            keep_newest,
            in_use,
            kept,
        }
    }
}

/// One tag (or an untagged image) the policy expires or archives, or will at `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagExpiry {
    /// `None`: the image has no tag.
    pub tag: Option<String>,
    pub digest: String,
    pub user: Option<String>,
    pub rule_priority: i64,
    /// Expired or archived.
    pub act: Act,
    pub reason: String,
    pub pushed_at: Option<DateTime<Utc>>,
    /// For an upcoming expiry: when the age rule reaches it.
    pub at: Option<DateTime<Utc>>,
}

/// Why an expiry hurts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WarningKind {
    InUse,
    ResumeTarget,
    NewestTag,
    RollbackTarget,
}

impl WarningKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InUse => "in_use",
            Self::ResumeTarget => "resume_target",
            Self::NewestTag => "newest_tag",
            Self::RollbackTarget => "rollback_target",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiryWarning {
    pub tag: Option<String>,
    pub digest: String,
    pub user: Option<String>,
    pub rule_priority: i64,
    /// What the rule does to it (expire or archive).
    pub act: Act,
    pub kind: WarningKind,
    pub why: String,
}

/// The judged policy of one repository.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LifecycleReport {
    pub repository: String,
    pub policy_present: bool,
    /// The parsed rules, by priority (empty without a policy or when it does not parse).
    pub rules: Vec<Rule>,
    /// Per rule (by priority): images selected, images expired, images archived.
    pub rule_counts: Vec<(i64, usize, usize, usize)>,
    /// What is wrong with the policy or not evaluated; a policy that does not parse.
    pub problems: Vec<String>,
    /// Expired now, per tag: by user, oldest first.
    pub expires: Vec<TagExpiry>,
    /// Archived now (transition rules), per tag: by user, oldest first.
    pub archives: Vec<TagExpiry>,
    /// Expired or archived later by age rules, soonest first.
    pub upcoming: Vec<TagExpiry>,
    pub warnings: Vec<ExpiryWarning>,
}

/// The user a tag belongs to: by the snapshot pattern, or as a known user's resume tag.
fn user_of(tag: &str, safety: &Safety<'_>, users: &BTreeSet<String>) -> Option<String> {
    if let Some((user, _)) = safety.pattern.parse(tag) {
        return Some(user);
    }
    users
        .iter()
        .find(|u| safety.resume_tag.replace("{user}", u) == tag)
        .cloned()
}

/// Judges `policy_text` (`None`: the repository has no policy) over the repository's
/// `images` at `now`.
pub fn judge(
    repository: &str,
    policy_text: Option<&str>,
    images: &[Image],
    safety: &Safety<'_>,
    now: DateTime<Utc>,
) -> LifecycleReport {
    let mut report = LifecycleReport {
        repository: repository.to_string(),
        policy_present: policy_text.is_some(),
        ..LifecycleReport::default()
    };
    let Some(text) = policy_text else {
        return report;
    };
    let policy = match Policy::parse(text) {
        Ok(p) => p,
        Err(e) => {
            report.problems.push(e);
            return report;
        }
    };
    let eval = evaluate(&policy, images, now);
    report.rule_counts = eval
        .selected
        .iter()
        .map(|(p, n)| (*p, *n, eval.expired_by(*p), eval.archived_by(*p)))
        .collect();
    report.problems.clone_from(&policy.problems);
    report.rules = policy.rules;
    fill(&mut report, &eval, images, safety);
    report
}

fn fill(report: &mut LifecycleReport, eval: &Evaluation, images: &[Image], safety: &Safety<'_>) {
    let by_digest: HashMap<&str, &Image> = images.iter().map(|i| (i.digest.as_str(), i)).collect();
    let groups = group_by_user(images, safety.pattern, safety.in_use);
    let users: BTreeSet<String> = groups.iter().filter_map(|g| g.user.clone()).collect();
    let entries =
        |digest: &str, (priority, act): (i64, Act), reason: &str, at: Option<DateTime<Utc>>| {
            let Some(image) = by_digest.get(digest) else {
                return Vec::new();
            };
            let tags: Vec<Option<&String>> = if image.tags.is_empty() {
                vec![None]
            } else {
                image.tags.iter().map(Some).collect()
            };
            tags.into_iter()
                .map(|tag| TagExpiry {
                    tag: tag.cloned(),
                    digest: digest.to_string(),
                    user: tag.and_then(|t| user_of(t, safety, &users)),
                    rule_priority: priority,
                    act,
                    reason: reason.to_string(),
                    pushed_at: image.pushed_at,
                    at,
                })
                .collect()
        };
    let order = |a: &TagExpiry, b: &TagExpiry| {
        a.user
            .is_none()
            .cmp(&b.user.is_none())
            .then_with(|| a.user.cmp(&b.user))
            .then_with(|| a.pushed_at.cmp(&b.pushed_at))
            .then_with(|| a.tag.cmp(&b.tag))
    };
    let now_entries = |done: &[super::lifecycle::Expiry]| {
        let mut out: Vec<TagExpiry> = done
            .iter()
            .flat_map(|e| entries(&e.digest, (e.rule_priority, e.act), &e.reason, None))
            .collect();
        out.sort_by(order);
        out
    };
    report.expires = now_entries(&eval.expired);
    report.archives = now_entries(&eval.archived);
    report.upcoming = eval
        .upcoming
        .iter()
        .flat_map(|u| {
            let reason = format!("rule {}: age limit reached", u.rule_priority);
            entries(&u.digest, (u.rule_priority, u.act), &reason, Some(u.at))
        })
        .collect();
    report
        .upcoming
        .sort_by(|a, b| a.at.cmp(&b.at).then_with(|| order(a, b)));

    let mut warnings = image_warnings(eval, &by_digest, safety, &users);
    warnings.extend(tag_warnings(eval, &groups, images, safety));
    warnings.sort_by(|a, b| {
        a.user
            .is_none()
            .cmp(&b.user.is_none())
            .then_with(|| a.user.cmp(&b.user))
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.tag.cmp(&b.tag))
    });
    report.warnings = warnings;
}

/// In use, rollback target: one warning per expired image, naming its first tag (a
/// user's snapshot tag when it has one).
fn image_warnings(
    eval: &Evaluation,
    by_digest: &HashMap<&str, &Image>,
    safety: &Safety<'_>,
    users: &BTreeSet<String>,
) -> Vec<ExpiryWarning> {
    let mut warnings = Vec::new();
    for e in eval.expired.iter().chain(&eval.archived) {
        let Some(image) = by_digest.get(e.digest.as_str()) else {
            continue;
        };
        let tag = image
            .tags
            .iter()
            .find(|t| safety.pattern.parse(t).is_some())
            .or_else(|| image.tags.first());
        let user = tag.and_then(|t| user_of(t, safety, users));
        let mut warn = |kind: WarningKind, why: String| {
            warnings.push(ExpiryWarning {
                tag: tag.cloned(),
                digest: e.digest.clone(),
                user: user.clone(),
                rule_priority: e.rule_priority,
                act: e.act,
                kind,
                why,
            });
        };
        let verb = e.act.verb();
        let after = archived_consequence(e.act);
        let in_use = safety.in_use.image_in_use(image);
        if in_use {
            warn(
                WarningKind::InUse,
                format!(
                    "rule {} {verb} an image in use by a service or a running task{after}",
                    e.rule_priority
                ),
            );
        }
        // The image a service runs is a rollback target too; "in use" says it already.
        if let Some(why) = safety.kept.reason(image).filter(|_| !in_use) {
            warn(
                WarningKind::RollbackTarget,
                format!("rule {} {verb} a {why}{after}", e.rule_priority),
            );
        }
    }
    warnings
}

/// A user's resume tag, one of a user's newest N tags.
fn tag_warnings(
    eval: &Evaluation,
    groups: &[UserTags],
    images: &[Image],
    safety: &Safety<'_>,
) -> Vec<ExpiryWarning> {
    let mut warnings = Vec::new();
    for g in groups {
        let Some(user) = &g.user else { continue };
        for (i, entry) in g.tags.iter().enumerate().take(safety.keep_newest) {
            if let Some(e) = eval.acted(&entry.digest) {
                warnings.push(ExpiryWarning {
                    tag: Some(entry.tag.clone()),
                    digest: entry.digest.clone(),
                    user: Some(user.clone()),
                    rule_priority: e.rule_priority,
                    act: e.act,
                    kind: WarningKind::NewestTag,
                    why: format!(
                        "rule {} {} {user}'s {} newest snapshot tag (ecsnap keeps the \
                         newest {}){}",
                        e.rule_priority,
                        e.act.verb(),
                        ordinal(i + 1),
                        safety.keep_newest,
                        archived_consequence(e.act)
                    ),
                });
            }
        }
        let resume = safety.resume_tag.replace("{user}", user);
        if let Some(image) = images
            .iter()
            .find(|i| i.repository == g.repository && i.tags.contains(&resume))
            && let Some(e) = eval.acted(&image.digest)
        {
            let then = match e.act {
                Act::Expire => "has nothing to resume from",
                Act::Archive => "cannot start until it is restored (minutes)",
            };
            warnings.push(ExpiryWarning {
                tag: Some(resume.clone()),
                digest: image.digest.clone(),
                user: Some(user.clone()),
                rule_priority: e.rule_priority,
                act: e.act,
                kind: WarningKind::ResumeTarget,
                why: format!(
                    "rule {} {} the image {user}'s resume tag {resume} points at: \
                     {user}'s next session {then}",
                    e.rule_priority,
                    e.act.verb()
                ),
            });
        }
    }
    warnings
}

/// What an archive adds to a warning: a task cannot pull the image until it is restored.
fn archived_consequence(act: Act) -> &'static str {
    match act {
        Act::Expire => "",
        Act::Archive => " (archived: a task cannot pull it until it is restored, minutes)",
    }
}

fn ordinal(n: usize) -> String {
    match n {
        1 => "newest".into(),
        2 => "2nd".into(),
        3 => "3rd".into(),
        n => format!("{n}th"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::lifecycle::test_images::{img, now};
    use chrono::Duration;

    fn fleet() -> Vec<Image> {
        vec![
            img("a1", &["alice-20261101T0800"], 30),
            img("a2", &["alice-20261110T0800", "alice-latest"], 21),
            img("a3", &["alice-20261120T0800"], 11),
            img("a4", &["alice-20261128T0800"], 3),
            img("b1", &["bob-20261105T0800"], 26),
            img("b2", &["bob-20261129T0800"], 2),
            img("o1", &["base-2026.11"], 40),
            img("u1", &[], 35),
        ]
    }

    struct Case {
        name: &'static str,
        policy: Option<&'static str>,
        in_use: &'static [&'static str],
        kept: &'static [(&'static str, &'static str)],
        expires: &'static [(&'static str, Option<&'static str>, i64)],
        warnings: &'static [(&'static str, WarningKind, i64)],
    }

    #[test]
    fn expiries_per_tag_and_warnings() {
        let cases = [
            Case {
                name: "no policy",
                policy: None,
                in_use: &[],
                kept: &[],
                expires: &[],
                warnings: &[],
            },
            Case {
                name: "keep two of alice's: a2 carries the resume tag, so a warning",
                policy: Some(
                    r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged",
                    "tagPatternList":["alice-*"],"countType":"imageCountMoreThan","countNumber":2},
                    "action":{"type":"expire"}}]}"#,
                ),
                in_use: &[],
                kept: &[],
                expires: &[
                    ("alice-20261101T0800", Some("alice"), 1),
                    ("alice-20261110T0800", Some("alice"), 1),
                    ("alice-latest", Some("alice"), 1),
                ],
                warnings: &[("alice-latest", WarningKind::ResumeTarget, 1)],
            },
            Case {
                name: "an age rule over everything hits the newest tags, in-use and rollback targets",
                policy: Some(
                    r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged",
                    "countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}},
                    {"rulePriority":9,"selection":{"tagStatus":"any",
                    "countType":"sinceImagePushed","countUnit":"days","countNumber":20},
                    "action":{"type":"expire"}}]}"#,
                ),
                in_use: &["123.dkr.ecr.us-east-1.amazonaws.com/ws:bob-20261105T0800"],
                kept: &[
                    ("ws:alice-20261101T0800", "rollback target: worker:3"),
                    // In use as well: said once, as in use.
                    ("ws:bob-20261105T0800", "rollback target: bobsvc:1"),
                ],
                expires: &[
                    ("alice-20261101T0800", Some("alice"), 9),
                    ("alice-20261110T0800", Some("alice"), 9),
                    ("alice-latest", Some("alice"), 9),
                    ("bob-20261105T0800", Some("bob"), 9),
                    ("base-2026.11", None, 9),
                ],
                warnings: &[
                    ("alice-latest", WarningKind::ResumeTarget, 9),
                    ("alice-20261101T0800", WarningKind::RollbackTarget, 9),
                    ("bob-20261105T0800", WarningKind::InUse, 9),
                    ("bob-20261105T0800", WarningKind::NewestTag, 9),
                ],
            },
        ];
        let pattern = TagPattern::default();
        for case in cases {
            let mut in_use = InUse::default();
            for r in case.in_use {
                in_use.add_reference(r);
            }
            let mut kept = KeptImages::default();
            for (r, why) in case.kept {
                kept.add(r, why);
            }
            let safety = Safety::for_tests(&pattern, (&in_use, &kept), 2);
            let report = judge("ws", case.policy, &fleet(), &safety, now());
            assert_eq!(
                report.policy_present,
                case.policy.is_some(),
                "{}",
                case.name
            );
            let mut got: Vec<(String, Option<String>, i64)> = report
                .expires
                .iter()
                .filter_map(|e| Some((e.tag.clone()?, e.user.clone(), e.rule_priority)))
                .collect();
            got.sort();
            let mut want: Vec<(String, Option<String>, i64)> = case
                .expires
                .iter()
                .map(|(t, u, p)| ((*t).to_string(), u.map(str::to_string), *p))
                .collect();
            want.sort();
            assert_eq!(got, want, "{}", case.name);
            let warnings: Vec<(&str, WarningKind, i64)> = report
                .warnings
                .iter()
                .map(|w| (w.tag.as_deref().unwrap_or("-"), w.kind, w.rule_priority))
                .collect();
            assert_eq!(warnings, case.warnings, "{}", case.name);
        }
    }

    #[test]
    fn untagged_entries_upcoming_dates_and_unparsable_policies() {
        let pattern = TagPattern::default();
        let (in_use, kept) = (InUse::default(), KeptImages::default());
        let safety = Safety::for_tests(&pattern, (&in_use, &kept), 3);
        let text = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged",
            "countType":"sinceImagePushed","countUnit":"days","countNumber":30},
            "action":{"type":"expire"}},{"rulePriority":2,"selection":{"tagStatus":"tagged",
            "tagPatternList":["bob-*"],"countType":"sinceImagePushed","countUnit":"days",
            "countNumber":30},"action":{"type":"expire"}}]}"#;
        let report = judge("ws", Some(text), &fleet(), &safety, now());
        assert_eq!(report.expires.len(), 1);
        assert_eq!(report.expires[0].tag, None);
        assert_eq!(report.expires[0].digest, "u1");
        let upcoming: Vec<(&str, DateTime<Utc>)> = report
            .upcoming
            .iter()
            .map(|u| (u.tag.as_deref().unwrap_or("-"), u.at.expect("a date")))
            .collect();
        assert_eq!(
            upcoming,
            [
                ("bob-20261105T0800", now() + Duration::days(4)),
                ("bob-20261129T0800", now() + Duration::days(28)),
            ]
        );
        assert_eq!(report.rule_counts, [(1, 1, 1, 0), (2, 2, 0, 0)]);
        let bad = judge("ws", Some("{"), &fleet(), &safety, now());
        assert!(bad.policy_present && bad.expires.is_empty());
        assert!(bad.problems[0].contains("not valid policy JSON"));
    }

    #[test]
    fn archives_per_user_with_the_warnings_an_expiry_would_get() {
        // Archive alice's and bob's tags unpulled for 10 days (never pulled: push time).
        let text = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged",
            "tagPatternList":["*T0800"],"countType":"sinceImagePulled","countUnit":"days",
            "countNumber":10},"action":{"type":"transition","targetStorageClass":"archive"}}]}"#;
        let pattern = TagPattern::default();
        let mut in_use = InUse::default();
        in_use.add_reference("123.dkr.ecr.us-east-1.amazonaws.com/ws:bob-20261105T0800");
        let mut kept = KeptImages::default();
        kept.add("ws:alice-20261120T0800", "rollback target: worker:3");
        let safety = Safety::for_tests(&pattern, (&in_use, &kept), 2);
        let mut images = fleet();
        // a3 was pulled 2 days ago: it stays.
        images[2].last_pulled_at = Some(now() - Duration::days(2));
        let report = judge("ws", Some(text), &images, &safety, now());
        assert!(report.expires.is_empty(), "{:?}", report.expires);
        let archived: Vec<(&str, Option<&str>)> = report
            .archives
            .iter()
            .map(|e| (e.tag.as_deref().unwrap_or("-"), e.user.as_deref()))
            .collect();
        assert_eq!(
            archived,
            [
                ("alice-20261101T0800", Some("alice")),
                ("alice-20261110T0800", Some("alice")),
                ("alice-latest", Some("alice")),
                ("bob-20261105T0800", Some("bob")),
            ]
        );
        assert!(report.archives.iter().all(|e| e.act == Act::Archive));
        assert_eq!(report.rule_counts, [(1, 6, 0, 3)]);
        let warnings: Vec<(&str, WarningKind, Act)> = report
            .warnings
            .iter()
            .map(|w| (w.tag.as_deref().unwrap_or("-"), w.kind, w.act))
            .collect();
        assert_eq!(
            warnings,
            [
                ("alice-latest", WarningKind::ResumeTarget, Act::Archive),
                ("bob-20261105T0800", WarningKind::InUse, Act::Archive),
                ("bob-20261105T0800", WarningKind::NewestTag, Act::Archive),
            ]
        );
        assert!(
            report.warnings[0]
                .why
                .contains("cannot start until it is restored")
        );
        assert!(report.warnings[1].why.contains("archives an image in use"));
        // The rest are archived later; a3 counts from its pull.
        let later: Vec<(&str, Act, DateTime<Utc>)> = report
            .upcoming
            .iter()
            .map(|u| {
                (
                    u.tag.as_deref().unwrap_or("-"),
                    u.act,
                    u.at.expect("a date"),
                )
            })
            .collect();
        assert_eq!(
            later,
            [
                (
                    "alice-20261128T0800",
                    Act::Archive,
                    now() + Duration::days(7)
                ),
                (
                    "alice-20261120T0800",
                    Act::Archive,
                    now() + Duration::days(8)
                ),
                ("bob-20261129T0800", Act::Archive, now() + Duration::days(8)),
            ]
        );
    }
}
