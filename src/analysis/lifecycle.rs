//! ECR lifecycle policies evaluated locally (pure): what a policy expires at a given `now`,
//! by which rule, and what its age rules will expire later and when.
//!
//! The semantics are ECR's documented ones ("Lifecycle policy evaluation rules" and the
//! examples of the ECR user guide):
//! - rules run by `rulePriority`, lowest first; a `tagStatus: any` rule must come last;
//! - a rule selects images by `tagStatus` (`tagged`, `untagged`, `any`); a tagged rule
//!   selects an image when *every* entry of its `tagPrefixList` is a prefix of one of the
//!   image's tags, or every entry of its `tagPatternList` (`*` matches any run of
//!   characters, the rest literally, the whole tag) matches one of its tags;
//! - a rule selects only images of its `storageClass` (`standard` when omitted; `archive`
//!   for the images in ECR archive); an image being restored (`ACTIVATING`) is selected by
//!   no rule here;
//! - `imageCountMoreThan N` sorts the selected images newest first (push time) and marks
//!   those after the first N; with `countUnit: days`, `sinceImagePushed` marks those pushed
//!   more than N days before `now`, `sinceImagePulled` those last pulled more than N days
//!   before (`lastRecordedPullTime`; an image never pulled counts from its push), and
//!   `sinceImageTransitioned` those that went to archive more than N days before;
//! - the action is `expire` (the image is deleted) or `transition` with
//!   `targetStorageClass: archive` (the image goes to ECR archive: kept, not pullable);
//! - an image is acted on by at most one rule: an image expired or archived by a rule is
//!   not seen by lower-priority rules, and an image that matched a higher-priority rule's
//!   selection (and was kept by it) still counts for a lower-priority rule but is never
//!   acted on by it.
//!
//! The last point reconciles the guide's statements with every worked example in it (the
//! "all images" example: rule 3 counts images that rules 1 and 2 selected, and expires only
//! the one no earlier rule selected). Count types, units and actions ECR does not document
//! are reported as problems and act on nothing here, though the images they select are
//! still protected from lower-priority rules.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use crate::model::{Image, ImageStatus};

/// Which images a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagStatus {
    Tagged,
    Untagged,
    Any,
}

impl TagStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tagged => "tagged",
            Self::Untagged => "untagged",
            Self::Any => "any",
        }
    }
}

/// When a selected image is acted on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountRule {
    /// Keep the newest N, act on the rest (`imageCountMoreThan`).
    MoreThan(u32),
    /// Those pushed more than N days ago (`sinceImagePushed`, `days`).
    SinceDays(u32),
    /// Those last pulled (else pushed) more than N days ago (`sinceImagePulled`, `days`).
    SincePulled(u32),
    /// Those archived more than N days ago (`sinceImageTransitioned`, `days`).
    SinceTransitioned(u32),
    /// A count type (or unit) ecsnap does not evaluate: acts on nothing here.
    Unsupported(String),
}

impl CountRule {
    /// The days of an age count (pushed, pulled, transitioned); `None` for a count.
    pub fn days(&self) -> Option<u32> {
        match self {
            Self::SinceDays(d) | Self::SincePulled(d) | Self::SinceTransitioned(d) => Some(*d),
            Self::MoreThan(_) | Self::Unsupported(_) => None,
        }
    }

    /// The `countType` as ECR spells it.
    pub fn count_type(&self) -> &str {
        match self {
            Self::MoreThan(_) => "imageCountMoreThan",
            Self::SinceDays(_) => "sinceImagePushed",
            Self::SincePulled(_) => "sinceImagePulled",
            Self::SinceTransitioned(_) => "sinceImageTransitioned",
            Self::Unsupported(what) => what,
        }
    }
}

/// The storage class a rule selects (`selection.storageClass`), and an image is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageClass {
    Standard,
    Archive,
}

impl StorageClass {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Archive => "archive",
        }
    }

    /// The class of `image`; `None` while it is being restored (no rule selects it).
    pub fn of(image: &Image) -> Option<Self> {
        match image.status {
            ImageStatus::Archived => Some(Self::Archive),
            ImageStatus::Activating => None,
            ImageStatus::Active | ImageStatus::Other(_) => Some(Self::Standard),
        }
    }
}

/// What a rule does to the images it marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Act {
    /// `expire`: the image is deleted.
    Expire,
    /// `transition` to `archive`: the image is kept in ECR archive, and cannot be pulled
    /// until it is restored.
    Archive,
}

impl Act {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Expire => "expire",
            Self::Archive => "archive",
        }
    }

    /// The verb in a sentence: `expires`, `archives`.
    pub fn verb(self) -> &'static str {
        match self {
            Self::Expire => "expires",
            Self::Archive => "archives",
        }
    }
}

/// One rule of a policy, as parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub priority: i64,
    pub description: Option<String>,
    pub tag_status: TagStatus,
    pub prefixes: Vec<String>,
    pub patterns: Vec<String>,
    pub count: CountRule,
    /// The images it takes: standard (the default) or archived ones.
    pub storage_class: StorageClass,
    /// `expire`, `transition`, or what the policy says.
    pub action: String,
}

impl Rule {
    /// Whether the rule's selection takes `image` (its tags and its storage class).
    pub fn selects(&self, image: &Image) -> bool {
        if StorageClass::of(image) != Some(self.storage_class) {
            return false;
        }
        match self.tag_status {
            TagStatus::Any => true,
            TagStatus::Untagged => image.tags.is_empty(),
            TagStatus::Tagged => {
                if image.tags.is_empty() || (self.prefixes.is_empty() && self.patterns.is_empty()) {
                    return false;
                }
                let prefixes = self
                    .prefixes
                    .iter()
                    .all(|p| image.tags.iter().any(|t| t.starts_with(p.as_str())));
                let patterns = self
                    .patterns
                    .iter()
                    .all(|p| image.tags.iter().any(|t| glob_matches(p, t)));
                prefixes && patterns
            }
        }
    }

    /// What the rule does, when ecsnap evaluates it (a known action and count).
    pub fn act(&self) -> Option<Act> {
        if matches!(self.count, CountRule::Unsupported(_)) {
            return None;
        }
        match self.action.as_str() {
            "expire" => Some(Act::Expire),
            "transition" => Some(Act::Archive),
            _ => None,
        }
    }

    /// What the rule selects, in words: `tagged alice-*`, `untagged`, `any`.
    pub fn selection_text(&self) -> String {
        let mut parts = vec![self.tag_status.as_str().to_string()];
        if !self.patterns.is_empty() {
            parts.push(self.patterns.join(" & "));
        }
        if !self.prefixes.is_empty() {
            parts.push(format!("prefix {}", self.prefixes.join(" & ")));
        }
        if self.storage_class == StorageClass::Archive {
            parts.push("(archived)".into());
        }
        parts.join(" ")
    }

    /// The rule's count in words: `keep newest 3`, `older than 30 days`.
    pub fn count_text(&self) -> String {
        match &self.count {
            CountRule::MoreThan(n) => format!("keep newest {n}"),
            CountRule::SinceDays(d) => format!("older than {d} days"),
            CountRule::SincePulled(d) => format!("unpulled for {d} days"),
            CountRule::SinceTransitioned(d) => format!("archived for {d} days"),
            CountRule::Unsupported(what) => format!("{what} (not evaluated)"),
        }
    }
}

/// `*` matches any run of characters (also none); everything else matches itself; the
/// whole text must match.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    // Where the last `*` was, and how much of the text it has taken so far.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// A parsed policy: rules sorted by priority, and what is wrong or not evaluated in it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Policy {
    pub rules: Vec<Rule>,
    pub problems: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPolicy {
    #[serde(default)]
    rules: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRule {
    rule_priority: i64,
    description: Option<String>,
    selection: RawSelection,
    action: Option<RawAction>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSelection {
    tag_status: String,
    #[serde(default)]
    tag_prefix_list: Vec<String>,
    #[serde(default)]
    tag_pattern_list: Vec<String>,
    count_type: String,
    count_unit: Option<String>,
    count_number: i64,
    storage_class: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAction {
    #[serde(rename = "type")]
    kind: String,
    target_storage_class: Option<String>,
}

impl Policy {
    /// Parses the policy JSON. Invalid JSON (or a rule without its required fields) is an
    /// error; rules ECR would reject or ecsnap does not evaluate are kept with a problem.
    pub fn parse(text: &str) -> Result<Self, String> {
        let raw: RawPolicy = serde_json::from_str(text)
            .map_err(|e| format!("the lifecycle policy is not valid policy JSON: {e}"))?;
        let mut problems = Vec::new();
        let mut rules: Vec<Rule> = raw
            .rules
            .into_iter()
            .map(|r| rule_of(r, &mut problems))
            .collect();
        rules.sort_by_key(|r| r.priority);
        let mut seen = HashSet::new();
        for r in &rules {
            if !seen.insert(r.priority) {
                problems.push(format!(
                    "rule {}: rulePriority used twice (ECR requires unique priorities)",
                    r.priority
                ));
            }
        }
        if let Some(pos) = rules.iter().position(|r| r.tag_status == TagStatus::Any)
            && pos + 1 != rules.len()
        {
            problems.push(format!(
                "rule {}: a tagStatus `any` rule must have the highest rulePriority",
                rules[pos].priority
            ));
        }
        if rules
            .iter()
            .filter(|r| r.tag_status == TagStatus::Untagged)
            .count()
            > 1
        {
            problems.push("more than one rule selects untagged images".into());
        }
        Ok(Self { rules, problems })
    }
}

fn rule_of(r: RawRule, problems: &mut Vec<String>) -> Rule {
    let p = r.rule_priority;
    let sel = r.selection;
    let tag_status = match sel.tag_status.as_str() {
        "tagged" => TagStatus::Tagged,
        "untagged" => TagStatus::Untagged,
        "any" => TagStatus::Any,
        other => {
            problems.push(format!(
                "rule {p}: tagStatus {other:?} is not tagged, untagged or any; it selects nothing here"
            ));
            TagStatus::Tagged
        }
    };
    if tag_status == TagStatus::Tagged
        && sel.tag_prefix_list.is_empty()
        && sel.tag_pattern_list.is_empty()
    {
        problems.push(format!(
            "rule {p}: tagged without tagPrefixList or tagPatternList selects nothing"
        ));
    }
    if !sel.tag_prefix_list.is_empty() && !sel.tag_pattern_list.is_empty() {
        problems.push(format!(
            "rule {p}: tagPrefixList and tagPatternList together (ECR allows one)"
        ));
    }
    if tag_status != TagStatus::Tagged
        && !(sel.tag_prefix_list.is_empty() && sel.tag_pattern_list.is_empty())
    {
        problems.push(format!(
            "rule {p}: tag lists are only used with tagStatus tagged; ignored"
        ));
    }
    let number = u32::try_from(sel.count_number).unwrap_or(0);
    if number == 0 {
        problems.push(format!(
            "rule {p}: countNumber {} is not a positive integer",
            sel.count_number
        ));
    }
    let count = match (sel.count_type.as_str(), sel.count_unit.as_deref()) {
        ("imageCountMoreThan", _) => CountRule::MoreThan(number),
        ("sinceImagePushed", Some("days") | None) => CountRule::SinceDays(number),
        ("sinceImagePulled", Some("days") | None) => CountRule::SincePulled(number),
        ("sinceImageTransitioned", Some("days") | None) => CountRule::SinceTransitioned(number),
        (kind, unit) => {
            let what = match unit {
                Some(u) => format!("{kind} in {u}"),
                None => kind.to_string(),
            };
            problems.push(format!("rule {p}: {what} is not evaluated by ecsnap"));
            CountRule::Unsupported(what)
        }
    };
    let storage_class = match sel.storage_class.as_deref() {
        None | Some("standard") => StorageClass::Standard,
        Some("archive") => StorageClass::Archive,
        Some(other) => {
            problems.push(format!(
                "rule {p}: storageClass {other:?} is not standard or archive; taken as standard"
            ));
            StorageClass::Standard
        }
    };
    let action = r
        .action
        .as_ref()
        .map_or_else(|| "expire".to_string(), |a| a.kind.clone());
    problems.extend(action_problems(
        p,
        &action,
        r.action.and_then(|a| a.target_storage_class).as_deref(),
        &count,
        storage_class,
    ));
    let (prefixes, patterns) = if tag_status == TagStatus::Tagged {
        (sel.tag_prefix_list, sel.tag_pattern_list)
    } else {
        (Vec::new(), Vec::new())
    };
    Rule {
        priority: p,
        description: r.description,
        tag_status,
        prefixes,
        patterns,
        count,
        storage_class,
        action,
    }
}

/// What ECR would refuse or ecsnap cannot evaluate in a rule's action with its count and
/// storage class (the "Lifecycle policy properties" of the ECR user guide).
fn action_problems(
    p: i64,
    action: &str,
    target: Option<&str>,
    count: &CountRule,
    class: StorageClass,
) -> Vec<String> {
    let mut problems = Vec::new();
    match action {
        "expire" => {}
        "transition" => {
            if !matches!(target, Some("archive" | "ARCHIVE")) {
                problems.push(format!(
                    "rule {p}: a transition needs targetStorageClass archive (the only one)"
                ));
            }
            if class == StorageClass::Archive {
                problems.push(format!(
                    "rule {p}: a transition selects standard images (archived ones are \
                     already in archive)"
                ));
            }
        }
        other => problems.push(format!(
            "rule {p}: action {other} is not evaluated; only expire and transition are"
        )),
    }
    match (count, class) {
        (CountRule::SinceTransitioned(_), StorageClass::Standard) => problems.push(format!(
            "rule {p}: sinceImageTransitioned needs storageClass archive"
        )),
        (
            CountRule::MoreThan(_) | CountRule::SinceDays(_) | CountRule::SincePulled(_),
            StorageClass::Archive,
        ) => {
            problems.push(format!(
                "rule {p}: with storageClass archive ECR takes sinceImageTransitioned only"
            ));
        }
        _ => {}
    }
    if let (CountRule::SinceTransitioned(d), "expire") = (count, action)
        && *d < ARCHIVE_MINIMUM_DAYS
    {
        problems.push(format!(
            "rule {p}: ECR does not let a lifecycle policy expire an image archived less than \
             {ARCHIVE_MINIMUM_DAYS} days (its minimum storage duration); countNumber {d} is \
             below it"
        ));
    }
    problems
}

/// ECR archive's minimum storage duration, in days.
pub const ARCHIVE_MINIMUM_DAYS: u32 = 90;

/// One image the policy expires or archives now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expiry {
    pub digest: String,
    pub rule_priority: i64,
    pub act: Act,
    pub reason: String,
}

/// One image an age rule will expire or archive later, if nothing else changes (a pull
/// puts a `sinceImagePulled` rule's date back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upcoming {
    pub digest: String,
    pub rule_priority: i64,
    pub act: Act,
    pub at: DateTime<Utc>,
}

/// What a policy does to a repository's images at `now`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Evaluation {
    /// Expired now, in the order the rules expire them (by priority, then oldest first).
    pub expired: Vec<Expiry>,
    /// Archived now (transition rules), in the same order.
    pub archived: Vec<Expiry>,
    /// Soonest first.
    pub upcoming: Vec<Upcoming>,
    /// For each rule (by priority), how many images its selection took.
    pub selected: Vec<(i64, usize)>,
}

impl Evaluation {
    /// The expiry of `digest`, if the policy expires it.
    pub fn expiry(&self, digest: &str) -> Option<&Expiry> {
        self.expired.iter().find(|e| e.digest == digest)
    }

    /// What the policy does to `digest` now (expires or archives it), if anything.
    pub fn acted(&self, digest: &str) -> Option<&Expiry> {
        self.expired
            .iter()
            .chain(&self.archived)
            .find(|e| e.digest == digest)
    }

    /// How many images `priority` expires.
    pub fn expired_by(&self, priority: i64) -> usize {
        self.expired
            .iter()
            .filter(|e| e.rule_priority == priority)
            .count()
    }

    /// How many images `priority` archives.
    pub fn archived_by(&self, priority: i64) -> usize {
        self.archived
            .iter()
            .filter(|e| e.rule_priority == priority)
            .count()
    }
}

fn days_ago(at: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - at).num_days()
}

/// The time an age count runs from, and its words: the push, the last recorded pull (the
/// push when never pulled), the move to archive. `None`: ECR gave no such time.
fn age_start(count: &CountRule, image: &Image) -> Option<(DateTime<Utc>, &'static str)> {
    match count {
        CountRule::SinceDays(_) => image.pushed_at.map(|t| (t, "pushed")),
        CountRule::SincePulled(_) => match image.last_pulled_at {
            Some(t) => Some((t, "last pulled")),
            None => image.pushed_at.map(|t| (t, "never pulled, pushed")),
        },
        CountRule::SinceTransitioned(_) => image.last_archived_at.map(|t| (t, "archived")),
        CountRule::MoreThan(_) | CountRule::Unsupported(_) => None,
    }
}

/// The images `rule` marks among `selected` (newest first), each with why.
fn marks<'a>(rule: &Rule, selected: &[&'a Image], now: DateTime<Utc>) -> Vec<(&'a Image, String)> {
    if let CountRule::MoreThan(n) = &rule.count {
        return selected
            .iter()
            .skip(usize::try_from(*n).unwrap_or(usize::MAX))
            .map(|i| {
                (
                    *i,
                    format!(
                        "rule {}: beyond the newest {n} of {} ({} selected)",
                        rule.priority,
                        rule.selection_text(),
                        selected.len()
                    ),
                )
            })
            .collect();
    }
    let Some(d) = rule.count.days() else {
        return Vec::new();
    };
    selected
        .iter()
        .filter_map(|i| {
            let (since, what) = age_start(&rule.count, i)?;
            (now - since > Duration::days(i64::from(d))).then(|| {
                (
                    *i,
                    format!(
                        "rule {}: {} {what} {} days ago, more than {d}",
                        rule.priority,
                        rule.selection_text(),
                        days_ago(since, now)
                    ),
                )
            })
        })
        .collect()
}

/// Evaluates `policy` over the images of one repository at `now`.
pub fn evaluate(policy: &Policy, images: &[Image], now: DateTime<Utc>) -> Evaluation {
    // Newest first; equal push times: the image listed later counts as newer.
    let mut order: Vec<&Image> = images.iter().rev().collect();
    order.sort_by_key(|i| std::cmp::Reverse(i.pushed_at));
    let mut acted: HashSet<&str> = HashSet::new();
    let mut matched: HashSet<&str> = HashSet::new();
    let mut out = Evaluation::default();
    let mut upcoming_seen: HashSet<&str> = HashSet::new();
    for rule in &policy.rules {
        let selected: Vec<&Image> = order
            .iter()
            .copied()
            .filter(|i| !acted.contains(i.digest.as_str()) && rule.selects(i))
            .collect();
        out.selected.push((rule.priority, selected.len()));
        if let Some(act) = rule.act() {
            // Oldest first within a rule, as ECR acts on them.
            for (image, reason) in marks(rule, &selected, now).into_iter().rev() {
                if matched.contains(image.digest.as_str()) {
                    continue;
                }
                acted.insert(image.digest.as_str());
                let done = Expiry {
                    digest: image.digest.clone(),
                    rule_priority: rule.priority,
                    act,
                    reason,
                };
                match act {
                    Act::Expire => out.expired.push(done),
                    Act::Archive => out.archived.push(done),
                }
            }
            if let Some(d) = rule.count.days() {
                for image in &selected {
                    let digest = image.digest.as_str();
                    if acted.contains(digest)
                        || matched.contains(digest)
                        || !upcoming_seen.insert(digest)
                    {
                        continue;
                    }
                    if let Some((since, _)) = age_start(&rule.count, image) {
                        out.upcoming.push(Upcoming {
                            digest: digest.to_string(),
                            rule_priority: rule.priority,
                            act,
                            at: since + Duration::days(i64::from(d)),
                        });
                    }
                }
            }
        }
        matched.extend(selected.iter().map(|i| i.digest.as_str()));
    }
    out.upcoming.sort_by_key(|u| u.at);
    out
}

/// The lifecycle tests' images: one repository, a fixed now, pushes some days before it.
#[cfg(test)]
pub(crate) mod test_images {
    use crate::analysis::fixtures::utc;
    use chrono::{DateTime, Duration, Utc};

    use crate::model::Image;

    pub fn now() -> DateTime<Utc> {
        utc(2026, 12, 1, 12, 0)
    }

    /// An image of repository `ws` named by its digest, pushed `days` days before now.
    pub fn img(digest: &str, tags: &[&str], days: i64) -> Image {
        Image {
            repository: "ws".into(),
            digest: digest.into(),
            tags: tags.iter().map(|t| (*t).to_string()).collect(),
            pushed_at: Some(now() - Duration::days(days)),
            size_bytes: 1,
            ..Default::default()
        }
    }

    /// An image of repository `ws` named by its digest, of `size` bytes, with no push time.
    pub fn sized(digest: &str, tags: &[&str], size: i64) -> Image {
        Image {
            pushed_at: None,
            size_bytes: size,
            ..img(digest, tags, 0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_images::{img, now};
    use super::*;

    fn rule(priority: i64, status: &str, list: (&str, &[&str]), count: (&str, i64)) -> String {
        let list_json = if list.1.is_empty() {
            String::new()
        } else {
            format!(
                r#""{}": [{}],"#,
                list.0,
                list.1
                    .iter()
                    .map(|t| format!("\"{t}\""))
                    .collect::<Vec<_>>()
                    .join(",")
            )
        };
        let count_json = match count.0 {
            "days" => format!(
                r#""countType": "sinceImagePushed", "countUnit": "days", "countNumber": {}"#,
                count.1
            ),
            other => format!(r#""countType": "{other}", "countNumber": {}"#, count.1),
        };
        format!(
            r#"{{"rulePriority": {priority}, "description": "Rule {priority}",
                "selection": {{"tagStatus": "{status}", {list_json} {count_json}}},
                "action": {{"type": "expire"}}}}"#
        )
    }

    fn policy(rules: &[String]) -> Policy {
        let text = format!(r#"{{"rules": [{}]}}"#, rules.join(","));
        Policy::parse(&text).expect("valid policy")
    }

    fn expired(p: &Policy, images: &[Image]) -> Vec<(String, i64)> {
        let mut got: Vec<(String, i64)> = evaluate(p, images, now())
            .expired
            .into_iter()
            .map(|e| (e.digest, e.rule_priority))
            .collect();
        got.sort();
        got
    }

    fn want(pairs: &[(&str, i64)]) -> Vec<(String, i64)> {
        let mut w: Vec<(String, i64)> = pairs.iter().map(|(d, p)| ((*d).into(), *p)).collect();
        w.sort();
        w
    }

    const PREFIX: &str = "tagPrefixList";
    const PATTERN: &str = "tagPatternList";
    const COUNT: &str = "imageCountMoreThan";

    /// The worked examples of the ECR user guide ("Examples of lifecycle policies"), each
    /// with the result the guide gives.
    #[test]
    #[allow(clippy::too_many_lines, reason = "one table: the guide's examples")]
    fn the_ecr_user_guide_examples() {
        struct Case {
            name: &'static str,
            images: Vec<Image>,
            rules: Vec<String>,
            expired: &'static [(&'static str, i64)],
        }
        let multiple = || {
            vec![
                img("A", &["beta-1", "prod-1"], 10),
                img("B", &["beta-2", "prod-2"], 9),
                img("C", &["beta-3"], 8),
            ]
        };
        let cases = vec![
            Case {
                name: "age: untagged older than 14 days",
                images: vec![img("A", &[], 20), img("B", &[], 14), img("C", &["x"], 30)],
                rules: vec![rule(1, "untagged", (PREFIX, &[]), ("days", 14))],
                expired: &[("A", 1)],
            },
            Case {
                name: "age: tagPatternList prod* older than 14 days",
                images: vec![
                    img("A", &["prod-1"], 20),
                    img("B", &["prod-2"], 3),
                    img("C", &["dev-1"], 30),
                ],
                rules: vec![rule(1, "tagged", (PATTERN, &["prod*"]), ("days", 14))],
                expired: &[("A", 1)],
            },
            Case {
                name: "count: keep one untagged image",
                images: vec![img("A", &[], 3), img("B", &[], 2), img("C", &[], 1)],
                rules: vec![rule(1, "untagged", (PREFIX, &[]), (COUNT, 1))],
                expired: &[("A", 1), ("B", 1)],
            },
            Case {
                name: "multiple rules, example A: prod then beta",
                images: multiple(),
                rules: vec![
                    rule(1, "tagged", (PREFIX, &["prod"]), (COUNT, 1)),
                    rule(2, "tagged", (PREFIX, &["beta"]), (COUNT, 1)),
                ],
                expired: &[("A", 1)],
            },
            Case {
                name: "multiple rules, example B: beta then prod",
                images: multiple(),
                rules: vec![
                    rule(1, "tagged", (PREFIX, &["beta"]), (COUNT, 1)),
                    rule(2, "tagged", (PREFIX, &["prod"]), (COUNT, 1)),
                ],
                expired: &[("A", 1), ("B", 1)],
            },
            Case {
                name: "multiple rules with patterns (prod*, beta*)",
                images: multiple(),
                rules: vec![
                    rule(1, "tagged", (PATTERN, &["prod*"]), (COUNT, 1)),
                    rule(2, "tagged", (PATTERN, &["beta*"]), (COUNT, 1)),
                ],
                expired: &[("A", 1)],
            },
            Case {
                name: "multiple prefixes in one rule, example A: all must match, age",
                images: vec![
                    img("A", &["alpha-1"], 12),
                    img("B", &["beta-1"], 11),
                    img("C", &["alpha-2", "beta-2"], 10),
                    img("D", &["alpha-3"], 4),
                    img("E", &["beta-3"], 3),
                    img("F", &["alpha-4", "beta-4"], 2),
                ],
                rules: vec![rule(1, "tagged", (PREFIX, &["alpha", "beta"]), ("days", 5))],
                expired: &[("C", 1)],
            },
            Case {
                name: "multiple prefixes in one rule, example B: tags are not exclusive",
                images: vec![
                    img("A", &["alpha-1", "beta-1", "gamma-1"], 10),
                    img("B", &["alpha-2", "beta-2"], 9),
                    img("C", &["alpha-3", "beta-3", "gamma-2"], 8),
                ],
                rules: vec![rule(1, "tagged", (PREFIX, &["alpha", "beta"]), (COUNT, 1))],
                expired: &[("A", 1), ("B", 1)],
            },
            Case {
                name: "all images, example A: any, keep one",
                images: vec![
                    img("A", &["alpha-1"], 4),
                    img("B", &["beta-1"], 3),
                    img("C", &[], 2),
                    img("D", &["alpha-2"], 1),
                ],
                rules: vec![rule(1, "any", (PREFIX, &[]), (COUNT, 1))],
                expired: &[("A", 1), ("B", 1), ("C", 1)],
            },
            Case {
                name: "all images, example B: every rule type",
                images: vec![
                    img("A", &["alpha-1", "beta-1"], 4),
                    img("B", &[], 3),
                    img("C", &["alpha-2"], 2),
                    img("D", &["git hash"], 1),
                    img("E", &[], 1),
                ],
                rules: vec![
                    rule(1, "tagged", (PREFIX, &["alpha"]), (COUNT, 1)),
                    rule(2, "untagged", (PREFIX, &[]), ("days", 1)),
                    rule(3, "any", (PREFIX, &[]), (COUNT, 1)),
                ],
                expired: &[("A", 1), ("B", 2), ("D", 3)],
            },
        ];
        for case in cases {
            let p = policy(&case.rules);
            assert!(p.problems.is_empty(), "{}: {:?}", case.name, p.problems);
            assert_eq!(
                expired(&p, &case.images),
                want(case.expired),
                "{}",
                case.name
            );
        }
    }

    #[test]
    fn expired_images_are_not_seen_by_lower_rules_and_kept_ones_still_count() {
        // Rule 1 expires x1 (alice's older one). Rule 2 (any, keep 2) does not see x1; it
        // counts x2 (kept by rule 1) and y2, y1 … and may only expire what rule 1 did not
        // select.
        let images = vec![
            img("x1", &["alice-1"], 9),
            img("y1", &["bob-1"], 8),
            img("y2", &["bob-2"], 7),
            img("x2", &["alice-2"], 1),
        ];
        let p = policy(&[
            rule(1, "tagged", (PATTERN, &["alice-*"]), (COUNT, 1)),
            rule(2, "any", (PREFIX, &[]), (COUNT, 2)),
        ]);
        // Rule 2 sees x2, y2, y1 (newest first): keeps x2, y2; expires y1.
        assert_eq!(expired(&p, &images), want(&[("x1", 1), ("y1", 2)]));
        let eval = evaluate(&p, &images, now());
        assert_eq!(eval.selected, [(1, 2), (2, 3)]);
        assert_eq!(eval.expired_by(2), 1);
        assert_eq!(eval.expiry("y1").map(|e| e.rule_priority), Some(2));
        assert!(eval.expiry("x2").is_none());
    }

    #[test]
    fn priority_order_not_list_order() {
        let images = vec![img("a", &["v1"], 3), img("b", &["v2"], 2)];
        // Listed second but priority 1: the age rule goes first and takes both.
        let p = policy(&[
            rule(5, "tagged", (PREFIX, &["v"]), (COUNT, 1)),
            rule(1, "tagged", (PREFIX, &["v"]), ("days", 1)),
        ]);
        assert_eq!(p.rules[0].priority, 1);
        assert_eq!(expired(&p, &images), want(&[("a", 1), ("b", 1)]));
    }

    #[test]
    fn age_rules_expire_after_n_days_and_say_when_the_rest_will() {
        let mut images = vec![
            img("old", &["alice-1"], 31),
            img("edge", &["alice-2"], 30),
            img("new", &["alice-3"], 2),
            img("none", &["alice-4"], 0),
        ];
        images[3].pushed_at = None;
        let p = policy(&[rule(1, "tagged", (PATTERN, &["alice-*"]), ("days", 30))]);
        let eval = evaluate(&p, &images, now());
        assert_eq!(expired(&p, &images), want(&[("old", 1)]));
        assert!(eval.expired[0].reason.contains("pushed 31 days ago"));
        let upcoming: Vec<(&str, DateTime<Utc>)> = eval
            .upcoming
            .iter()
            .map(|u| (u.digest.as_str(), u.at))
            .collect();
        assert_eq!(
            upcoming,
            [("edge", now()), ("new", now() + Duration::days(28)),]
        );
    }

    #[test]
    fn wildcards_and_prefixes() {
        let cases = [
            ("alice-*", "alice-20261101T0800", true),
            ("alice-*", "alice-", true),
            ("alice-*", "alicia-1", false),
            ("al-*", "alice-1", false),
            ("*-latest", "bob-latest", true),
            ("*", "", true),
            ("a*b*c", "aXXbYYc", true),
            ("a*b*c", "aXXbYY", false),
            ("*test*1*2*3", "my-test-x1y2z3", true),
            ("prod", "prod1", false),
            ("prod", "prod", true),
            ("a**b", "ab", true),
        ];
        for (pattern, tag, want) in cases {
            assert_eq!(glob_matches(pattern, tag), want, "{pattern} vs {tag}");
        }
        let tagged =
            |list: (&str, &[&str])| policy(&[rule(1, "tagged", list, (COUNT, 1))]).rules[0].clone();
        let i = img("i", &["alice-1", "prod"], 1);
        assert!(tagged((PREFIX, &["ali", "pro"])).selects(&i));
        assert!(!tagged((PREFIX, &["ali", "dev"])).selects(&i));
        assert!(tagged((PATTERN, &["*-1", "prod"])).selects(&i));
        assert!(!tagged((PATTERN, &["alice"])).selects(&i));
        assert!(!tagged((PATTERN, &["*"])).selects(&img("u", &[], 1)));
    }

    #[test]
    fn problems_are_named_and_bad_json_is_an_error() {
        let p = policy(&[
            rule(1, "any", (PREFIX, &[]), (COUNT, 3)),
            rule(2, "untagged", (PREFIX, &[]), (COUNT, 1)),
            rule(2, "untagged", (PREFIX, &[]), ("sinceImageRebuilt", 4)),
            rule(4, "tagged", (PREFIX, &[]), (COUNT, 0)),
        ]);
        let all = p.problems.join("\n");
        for needle in [
            "rule 2: rulePriority used twice",
            "rule 1: a tagStatus `any` rule must have the highest rulePriority",
            "more than one rule selects untagged",
            "rule 2: sinceImageRebuilt is not evaluated",
            "rule 4: tagged without tagPrefixList or tagPatternList",
            "rule 4: countNumber 0",
        ] {
            assert!(all.contains(needle), "{needle} missing in:\n{all}");
        }
        assert!(Policy::parse("{not json").is_err());
        assert!(Policy::parse(r#"{"rules":[{"rulePriority":1}]}"#).is_err());
        assert_eq!(Policy::parse(r#"{"rules":[]}"#), Ok(Policy::default()));
    }

    /// An image of `ws` in `status`, pushed `days` ago, last pulled / archived some days ago.
    fn stored(
        digest: &str,
        tag: &str,
        days: i64,
        status: ImageStatus,
        pulled: Option<i64>,
        archived: Option<i64>,
    ) -> Image {
        Image {
            status,
            last_pulled_at: pulled.map(|d| now() - Duration::days(d)),
            last_archived_at: archived.map(|d| now() - Duration::days(d)),
            ..img(digest, &[tag], days)
        }
    }

    const ARCHIVE_THEN_EXPIRE: &str = r#"{"rules":[
        {"rulePriority":1,"selection":{"tagStatus":"tagged","tagPatternList":["alice-*"],
         "countType":"sinceImagePulled","countUnit":"days","countNumber":30},
         "action":{"type":"transition","targetStorageClass":"archive"}},
        {"rulePriority":2,"selection":{"tagStatus":"tagged","tagPatternList":["alice-*"],
         "storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days",
         "countNumber":90},"action":{"type":"expire"}}]}"#;

    #[test]
    fn transitions_archive_by_pull_age_and_archived_images_expire_by_time_in_archive() {
        use ImageStatus::{Activating, Active, Archived};
        let images = vec![
            // Pulled 5 days ago: stays; archived in 25 days unless pulled again.
            stored("p1", "alice-1", 60, Active, Some(5), None),
            // Never pulled: the push counts, 60 days > 30.
            stored("p2", "alice-2", 60, Active, None, None),
            // Last pulled 35 days ago.
            stored("p3", "alice-3", 40, Active, Some(35), None),
            // Never pulled, pushed 10 days ago: archived in 20 days.
            stored("p7", "alice-7", 10, Active, None, None),
            // In archive for 100 days: expired by rule 2.
            stored("p4", "alice-4", 200, Archived, Some(150), Some(100)),
            // In archive for 10 days: expired in 80 days.
            stored("p5", "alice-5", 200, Archived, None, Some(10)),
            // Being restored: no rule selects it.
            stored("p6", "alice-6", 300, Activating, None, Some(200)),
            // Not alice's.
            stored("b1", "bob-1", 90, Active, None, None),
        ];
        let p = Policy::parse(ARCHIVE_THEN_EXPIRE).expect("valid");
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.rules[0].act(), Some(Act::Archive));
        assert_eq!(p.rules[1].storage_class, StorageClass::Archive);
        let eval = evaluate(&p, &images, now());
        let ids = |v: &[Expiry]| -> Vec<(String, i64)> {
            v.iter()
                .map(|e| (e.digest.clone(), e.rule_priority))
                .collect()
        };
        // Oldest first: p2 (pushed 60 days ago) before p3.
        assert_eq!(ids(&eval.archived), want(&[("p2", 1), ("p3", 1)]));
        assert_eq!(ids(&eval.expired), want(&[("p4", 2)]));
        assert_eq!(eval.selected, [(1, 4), (2, 2)]);
        assert!(
            eval.archived[0]
                .reason
                .contains("never pulled, pushed 60 days ago")
        );
        assert!(eval.archived[1].reason.contains("last pulled 35 days ago"));
        assert!(eval.expired[0].reason.contains("archived 100 days ago"));
        let upcoming: Vec<(&str, Act, DateTime<Utc>)> = eval
            .upcoming
            .iter()
            .map(|u| (u.digest.as_str(), u.act, u.at))
            .collect();
        assert_eq!(
            upcoming,
            [
                ("p7", Act::Archive, now() + Duration::days(20)),
                ("p1", Act::Archive, now() + Duration::days(25)),
                ("p5", Act::Expire, now() + Duration::days(80)),
            ]
        );
        assert_eq!(eval.acted("p3").map(|e| e.act), Some(Act::Archive));
        assert!(eval.acted("p6").is_none() && eval.acted("b1").is_none());
    }

    #[test]
    fn rules_see_only_their_storage_class() {
        use ImageStatus::{Active, Archived};
        // Keep the newest standard image: the archived one, newer, is not counted.
        let images = vec![
            stored("a", "v1", 3, Active, None, None),
            stored("b", "v2", 2, Active, None, None),
            stored("c", "v3", 1, Archived, None, Some(1)),
        ];
        let p = policy(&[rule(1, "any", (PREFIX, &[]), (COUNT, 1))]);
        assert_eq!(expired(&p, &images), want(&[("a", 1)]));
        // Archived images only: imageCountMoreThan is not ECR's for archive, but said so.
        let text = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any",
            "storageClass":"archive","countType":"imageCountMoreThan","countNumber":1},
            "action":{"type":"expire"}}]}"#;
        let p = Policy::parse(text).expect("valid");
        assert!(
            p.problems[0].contains("sinceImageTransitioned only"),
            "{:?}",
            p.problems
        );
        assert_eq!(evaluate(&p, &images, now()).selected, [(1, 1)]);
    }

    #[test]
    fn transition_problems_are_named() {
        let text = r#"{"rules":[
            {"rulePriority":1,"selection":{"tagStatus":"any","countType":"sinceImagePulled",
             "countUnit":"days","countNumber":30},"action":{"type":"transition"}},
            {"rulePriority":2,"selection":{"tagStatus":"untagged","storageClass":"archive",
             "countType":"sinceImageTransitioned","countUnit":"days","countNumber":30},
             "action":{"type":"transition","targetStorageClass":"archive"}},
            {"rulePriority":3,"selection":{"tagStatus":"tagged","tagPrefixList":["x"],
             "countType":"sinceImageTransitioned","countUnit":"days","countNumber":30},
             "action":{"type":"expire"}},
            {"rulePriority":4,"selection":{"tagStatus":"tagged","tagPrefixList":["y"],
             "storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days",
             "countNumber":30},"action":{"type":"expire"}}]}"#;
        let all = Policy::parse(text).expect("valid").problems.join("\n");
        for needle in [
            "rule 1: a transition needs targetStorageClass archive",
            "rule 2: a transition selects standard images",
            "rule 3: sinceImageTransitioned needs storageClass archive",
            "rule 4: ECR does not let a lifecycle policy expire an image archived less than 90",
        ] {
            assert!(all.contains(needle), "{needle} missing in:\n{all}");
        }
    }
}
