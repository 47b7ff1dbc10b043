//! What `ecsnap lifecycle` prints: the JSON (`{repository, policy_present, rules, expires,
//! archives, upcoming, warnings, problems}`; with `--suggest` the policy, what ECR cannot express and
//! the preview) and the text tables.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::analysis::age::short_age;
use crate::analysis::lifecycle::{Act, CountRule, Rule};
use crate::analysis::lifecycle_report::{ExpiryWarning, LifecycleReport, TagExpiry};
use crate::ops::lifecycle::LifecyclePlan;

use super::table::Table;

use crate::model::json::rfc3339;

#[derive(Debug, Serialize)]
pub struct LifecycleRuleJson {
    pub rule_priority: i64,
    pub description: Option<String>,
    pub tag_status: &'static str,
    pub tag_prefix_list: Vec<String>,
    pub tag_pattern_list: Vec<String>,
    pub count_type: String,
    pub count_unit: Option<&'static str>,
    pub count_number: Option<u32>,
    /// `standard` or `archive`: the images the rule selects.
    pub storage_class: &'static str,
    pub action: String,
    /// Images the rule's selection takes now.
    pub selected: usize,
    /// Images it expires now.
    pub expires: usize,
    /// Images it archives now (a transition rule).
    pub archives: usize,
}

impl LifecycleRuleJson {
    fn new(rule: &Rule, report: &LifecycleReport) -> Self {
        let (count_unit, count_number) = match &rule.count {
            CountRule::MoreThan(n) => (None, Some(*n)),
            CountRule::Unsupported(_) => (None, None),
            days => (Some("days"), days.days()),
        };
        let (selected, expires, archives) = report
            .rule_counts
            .iter()
            .find(|(p, ..)| *p == rule.priority)
            .map_or((0, 0, 0), |(_, s, e, a)| (*s, *e, *a));
        Self {
            rule_priority: rule.priority,
            description: rule.description.clone(),
            tag_status: rule.tag_status.as_str(),
            tag_prefix_list: rule.prefixes.clone(),
            tag_pattern_list: rule.patterns.clone(),
            count_type: rule.count.count_type().to_string(),
            count_unit,
            count_number,
            storage_class: rule.storage_class.as_str(),
            action: rule.action.clone(),
            selected,
            expires,
            archives,
        }
    }
}

/// An image and the rule that acts on it: the first keys of an expiry and of a warning.
#[derive(Debug, Serialize)]
pub struct RuleOnImageJson {
    /// `null` for an untagged image.
    pub tag: Option<String>,
    pub digest: String,
    pub user: Option<String>,
    pub rule_priority: i64,
    /// What the rule does to the image: `expire` or `archive` (a transition rule).
    pub action: &'static str,
}

impl RuleOnImageJson {
    fn new(
        tag: Option<&str>,
        digest: &str,
        user: Option<&str>,
        rule_priority: i64,
        act: Act,
    ) -> Self {
        Self {
            tag: tag.map(str::to_string),
            digest: digest.to_string(),
            user: user.map(str::to_string),
            rule_priority,
            action: act.as_str(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct LifecycleExpiryJson {
    #[serde(flatten)]
    pub image: RuleOnImageJson,
    pub reason: String,
    pub pushed_at: Option<String>,
    /// For `upcoming`: when the age rule reaches the image (and does `action`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

impl From<&TagExpiry> for LifecycleExpiryJson {
    fn from(e: &TagExpiry) -> Self {
        Self {
            image: RuleOnImageJson::new(
                e.tag.as_deref(),
                &e.digest,
                e.user.as_deref(),
                e.rule_priority,
                e.act,
            ),
            reason: e.reason.clone(),
            pushed_at: rfc3339(e.pushed_at),
            expires_at: rfc3339(e.at),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct LifecycleWarningJson {
    #[serde(flatten)]
    pub image: RuleOnImageJson,
    /// `in_use`, `resume_target`, `newest_tag` or `rollback_target`.
    pub kind: &'static str,
    pub why: String,
}

impl From<&ExpiryWarning> for LifecycleWarningJson {
    fn from(w: &ExpiryWarning) -> Self {
        Self {
            image: RuleOnImageJson::new(
                w.tag.as_deref(),
                &w.digest,
                w.user.as_deref(),
                w.rule_priority,
                w.act,
            ),
            kind: w.kind.as_str(),
            why: w.why.clone(),
        }
    }
}

/// `ecsnap lifecycle --repository R --json`.
#[derive(Debug, Serialize)]
pub struct LifecycleJson {
    pub repository: String,
    pub policy_present: bool,
    pub rules: Vec<LifecycleRuleJson>,
    pub expires: Vec<LifecycleExpiryJson>,
    /// What transition rules move to ECR archive now, per tag.
    pub archives: Vec<LifecycleExpiryJson>,
    pub upcoming: Vec<LifecycleExpiryJson>,
    pub warnings: Vec<LifecycleWarningJson>,
    pub problems: Vec<String>,
}

impl From<&LifecycleReport> for LifecycleJson {
    fn from(r: &LifecycleReport) -> Self {
        Self {
            repository: r.repository.clone(),
            policy_present: r.policy_present,
            rules: r
                .rules
                .iter()
                .map(|rule| LifecycleRuleJson::new(rule, r))
                .collect(),
            expires: r.expires.iter().map(Into::into).collect(),
            archives: r.archives.iter().map(Into::into).collect(),
            upcoming: r.upcoming.iter().map(Into::into).collect(),
            warnings: r.warnings.iter().map(Into::into).collect(),
            problems: r.problems.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct SkippedUserJson {
    pub user: String,
    pub why: String,
}

/// `ecsnap lifecycle --repository R --suggest [--apply] --json`.
#[derive(Debug, Serialize)]
pub struct SuggestJson {
    pub repository: String,
    pub keep: u32,
    /// `--archive-after`: days unpulled before a user's tag is archived (`null`: the
    /// policy keeps the newest N instead).
    pub archive_after_days: Option<u32>,
    /// `--expire-archived-after`: days in archive before it is expired.
    pub expire_archived_after_days: Option<u32>,
    /// The policy, as ECR takes it.
    pub policy: serde_json::Value,
    pub cannot_express: Vec<String>,
    pub skipped_users: Vec<SkippedUserJson>,
    pub current_policy_present: bool,
    /// What the suggested policy would expire now, with the warnings.
    pub preview: LifecycleJson,
    /// Whether PutLifecyclePolicy was sent and succeeded.
    pub applied: bool,
}

impl SuggestJson {
    pub fn new(plan: &LifecyclePlan, applied: bool) -> Self {
        Self {
            repository: plan.repository.clone(),
            keep: plan.suggestion.keep,
            archive_after_days: plan.suggestion.archive.map(|a| a.after_days),
            expire_archived_after_days: plan.suggestion.archive.map(|a| a.expire_days),
            policy: plan.suggestion.policy_json(),
            cannot_express: plan.suggestion.cannot_express.clone(),
            skipped_users: plan
                .suggestion
                .skipped_users
                .iter()
                .map(|(user, why)| SkippedUserJson {
                    user: user.clone(),
                    why: why.clone(),
                })
                .collect(),
            current_policy_present: plan.current_policy.is_some(),
            preview: LifecycleJson::from(&plan.preview),
            applied,
        }
    }
}

fn short_digest(d: &str) -> String {
    d.chars().take(19).collect()
}

/// The rules, expiries, warnings and upcoming expiries as text.
pub fn lifecycle_text(r: &LifecycleReport, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    if !r.policy_present {
        let _ = writeln!(
            out,
            "Repository {}: no lifecycle policy (nothing expires). \
             `ecsnap lifecycle --repository {} --suggest` proposes one.",
            r.repository, r.repository
        );
        return out;
    }
    let _ = writeln!(
        out,
        "Repository {}: lifecycle policy with {} rule(s)",
        r.repository,
        r.rules.len()
    );
    if !r.rules.is_empty() {
        let mut t = Table::new([
            "RULE", "SELECTS", "COUNT", "ACTION", "SELECTED", "EXPIRES", "ARCHIVES",
        ]);
        for rule in &r.rules {
            let j = LifecycleRuleJson::new(rule, r);
            t.row(vec![
                rule.priority.to_string(),
                rule.selection_text(),
                rule.count_text(),
                rule.action.clone(),
                j.selected.to_string(),
                j.expires.to_string(),
                j.archives.to_string(),
            ]);
        }
        out.push_str(&t.render());
    }
    for p in &r.problems {
        let _ = writeln!(out, "problem: {p}");
    }
    now_table(&mut out, "Expires now", &r.expires, now);
    if !r.archives.is_empty() || r.rules.iter().any(|rule| rule.action == "transition") {
        now_table(&mut out, "Archived now", &r.archives, now);
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(out, "\nWARNINGS ({}):", r.warnings.len());
        for w in &r.warnings {
            let _ = writeln!(
                out,
                "  !! rule {} · {} · {}: {}",
                w.rule_priority,
                w.tag.as_deref().unwrap_or("<untagged>"),
                short_digest(&w.digest),
                w.why
            );
        }
    }
    if !r.upcoming.is_empty() {
        let _ = writeln!(out, "\nLater, by age ({} tags):", r.upcoming.len());
        let mut t = Table::new(["USER", "TAG", "ACTION", "WHEN", "RULE"]);
        for e in &r.upcoming {
            t.row(vec![
                e.user.clone().unwrap_or_else(|| "-".into()),
                e.tag.clone().unwrap_or_else(|| "<untagged>".into()),
                e.act.as_str().to_string(),
                e.at.map(|a| a.format("%Y-%m-%d %H:%M UTC").to_string())
                    .unwrap_or_default(),
                e.rule_priority.to_string(),
            ]);
        }
        out.push_str(&t.render());
    }
    out
}

/// `Expires now` / `Archived now`: the tags, or `nothing`.
fn now_table(out: &mut String, title: &str, tags: &[TagExpiry], now: DateTime<Utc>) {
    if tags.is_empty() {
        let _ = writeln!(out, "{title}: nothing.");
        return;
    }
    let _ = writeln!(out, "\n{title} ({} tags):", tags.len());
    let mut t = Table::new(["USER", "TAG", "DIGEST", "PUSHED", "RULE", "WHY"]);
    for e in tags {
        t.row(vec![
            e.user.clone().unwrap_or_else(|| "-".into()),
            e.tag.clone().unwrap_or_else(|| "<untagged>".into()),
            short_digest(&e.digest),
            short_age(e.pushed_at, now),
            e.rule_priority.to_string(),
            e.reason.clone(),
        ]);
    }
    out.push_str(&t.render());
}

/// The suggested policy, what ECR cannot express, and the preview.
pub fn suggest_text(plan: &LifecyclePlan, now: DateTime<Utc>) -> String {
    let s = &plan.suggestion;
    let what = match s.archive {
        None => format!("keep each user's newest {} snapshot tags", s.keep),
        Some(a) => format!(
            "archive each user's snapshot tags unpulled for {} days, expire them {} days \
             after archiving",
            a.after_days, a.expire_days
        ),
    };
    let mut out = format!(
        "Suggested lifecycle policy for {} ({what}):\n{}\n",
        plan.repository, plan.policy_text
    );
    if plan.current_policy.is_some() {
        out.push_str("It replaces the policy in place.\n");
    }
    out.push_str("What ECR's rules cannot express here:\n");
    for c in &s.cannot_express {
        let _ = writeln!(out, "  - {c}");
    }
    out.push_str("\nPreview of the suggested policy:\n");
    out.push_str(&lifecycle_text(&plan.preview, now));
    out
}
