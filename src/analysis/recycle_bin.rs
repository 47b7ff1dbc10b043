//! Whether a deletion goes to the Recycle Bin (pure): the region's retention rules for the
//! resource's type decide. A tag-level rule (it names resource tags) retains a resource
//! carrying one of them; a region-level rule (no resource tags) retains every resource of
//! the type except those carrying one of its exclusion tags. Where several rules match,
//! the longest retention wins, as in Recycle Bin. A rule's lock state does not change what
//! it matches; a rule still `pending` retains nothing yet.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{RetentionRule, RuleTag};

/// What happens to a deleted resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Recovery {
    /// A rule keeps it in the Recycle Bin this many days.
    Recoverable { rule: String, retention_days: i64 },
    /// No rule covers it: the deletion is permanent.
    Permanent,
}

impl Recovery {
    /// `recoverable for 7 days (rule abc)` or `permanent`.
    pub fn describe(&self) -> String {
        match self {
            Recovery::Recoverable {
                rule,
                retention_days,
            } => format!(
                "recoverable for {retention_days} day{} (rule {rule})",
                if *retention_days == 1 { "" } else { "s" }
            ),
            Recovery::Permanent => "permanent".into(),
        }
    }

    pub fn is_permanent(&self) -> bool {
        matches!(self, Recovery::Permanent)
    }
}

fn carries(tags: &BTreeMap<String, String>, wanted: &RuleTag) -> bool {
    tags.get(&wanted.key).is_some_and(|v| {
        wanted
            .value
            .as_deref()
            .is_none_or(|w| w.is_empty() || w == v)
    })
}

/// Whether `rule` retains a resource of `resource_type` with `tags`.
pub fn retains(rule: &RetentionRule, resource_type: &str, tags: &BTreeMap<String, String>) -> bool {
    if rule.resource_type != resource_type || rule.status.eq_ignore_ascii_case("pending") {
        return false;
    }
    if rule.resource_tags.is_empty() {
        !rule.exclude_tags.iter().any(|t| carries(tags, t))
    } else {
        rule.resource_tags.iter().any(|t| carries(tags, t))
    }
}

/// What deleting a resource of `resource_type` with `tags` does under `rules`.
pub fn recovery(
    rules: &[RetentionRule],
    resource_type: &str,
    tags: &BTreeMap<String, String>,
) -> Recovery {
    rules
        .iter()
        .filter(|r| retains(r, resource_type, tags))
        .max_by(|a, b| {
            a.retention_days
                .cmp(&b.retention_days)
                .then_with(|| b.id.cmp(&a.id))
        })
        .map_or(Recovery::Permanent, |r| Recovery::Recoverable {
            rule: r.id.clone(),
            retention_days: r.retention_days,
        })
}

/// The plan's line when the rules could not be read.
pub fn not_checked_line(error: &str) -> String {
    format!("Recycle Bin not checked (rbin:ListRules): {error}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::marks::tests::tags;
    use crate::model::{RBIN_EBS_SNAPSHOT, RBIN_EBS_VOLUME};

    fn tag(key: &str, value: Option<&str>) -> RuleTag {
        RuleTag {
            key: key.into(),
            value: value.map(str::to_string),
        }
    }

    fn rule(id: &str, days: i64, tags: Vec<RuleTag>, exclude: Vec<RuleTag>) -> RetentionRule {
        RetentionRule {
            id: id.into(),
            resource_type: RBIN_EBS_SNAPSHOT.into(),
            retention_days: days,
            resource_tags: tags,
            exclude_tags: exclude,
            status: "available".into(),
            ..RetentionRule::default()
        }
    }

    type Tags = &'static [(&'static str, &'static str)];

    #[test]
    fn rules_decide_recoverable_or_permanent() {
        let team = rule("team", 14, vec![tag("team", Some("data"))], vec![]);
        let any_env = rule("env", 3, vec![tag("env", None)], vec![]);
        let region = rule("region", 7, vec![], vec![tag("scratch", Some("yes"))]);
        let mut pending = rule("new", 90, vec![], vec![]);
        pending.status = "pending".into();
        let days = |rules: &[RetentionRule], t: &[(&str, &str)]| match recovery(
            rules,
            RBIN_EBS_SNAPSHOT,
            &tags(t),
        ) {
            Recovery::Recoverable {
                rule,
                retention_days,
            } => format!("{rule}:{retention_days}"),
            Recovery::Permanent => "permanent".into(),
        };
        let cases: Vec<(Vec<RetentionRule>, Tags, &str)> = vec![
            (vec![], &[("team", "data")], "permanent"),
            (vec![team.clone()], &[("team", "data")], "team:14"),
            (vec![team.clone()], &[("team", "web")], "permanent"),
            (vec![any_env], &[("env", "prod")], "env:3"),
            (vec![region.clone()], &[], "region:7"),
            (vec![region.clone()], &[("scratch", "yes")], "permanent"),
            (vec![region.clone()], &[("scratch", "no")], "region:7"),
            (
                vec![region.clone(), team.clone()],
                &[("team", "data")],
                "team:14",
            ),
            (
                vec![region.clone(), team],
                &[("scratch", "yes"), ("team", "data")],
                "team:14",
            ),
            (vec![pending], &[], "permanent"),
        ];
        for (rules, t, want) in cases {
            assert_eq!(days(&rules, t), want, "{t:?}");
        }
        // Another resource type's rule covers nothing here.
        let mut volume_rule = region;
        volume_rule.resource_type = RBIN_EBS_VOLUME.into();
        assert!(recovery(&[volume_rule], RBIN_EBS_SNAPSHOT, &tags(&[])).is_permanent());
    }

    #[test]
    fn the_words_name_the_rule_and_days() {
        let r = Recovery::Recoverable {
            rule: "abc".into(),
            retention_days: 7,
        };
        assert_eq!(r.describe(), "recoverable for 7 days (rule abc)");
        assert_eq!(Recovery::Permanent.describe(), "permanent");
        assert_eq!(
            serde_json::to_value(&r).expect("json"),
            serde_json::json!({"rule": "abc", "retention_days": 7})
        );
    }
}
