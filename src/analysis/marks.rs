//! Cleanup marks (a grace period before deletion): the tags ecsnap puts on an orphan it
//! will delete later, who owns it, and whether a mark is due.

use std::collections::BTreeMap;

use chrono::NaiveDate;

/// The date (`YYYY-MM-DD`, UTC) from which a marked orphan may be deleted.
pub const DELETE_AFTER_TAG: &str = "ecsnap:delete-after";
/// Who to tell about it.
pub const OWNER_TAG: &str = "ecsnap:owner";

/// Creator tags teams commonly set, read in this order after the ECS service and `Name`.
const CREATOR_TAGS: [&str; 5] = ["Owner", "owner", "CreatedBy", "created-by", "Creator"];

/// Who owns a resource, from its tags: the ECS service that created it
/// (`cluster/service`), else its `Name`, else a creator tag, else `unknown`.
pub fn owner_of(tags: &BTreeMap<String, String>) -> String {
    let non_empty = |k: &str| tags.get(k).filter(|v| !v.trim().is_empty());
    if let Some(service) = non_empty("aws:ecs:serviceName") {
        return match non_empty("aws:ecs:clusterName") {
            Some(cluster) => format!("{cluster}/{service}"),
            None => service.clone(),
        };
    }
    if let Some(name) = non_empty("Name") {
        return name.clone();
    }
    CREATOR_TAGS
        .iter()
        .find_map(|k| non_empty(k))
        .cloned()
        .unwrap_or_else(|| "unknown".to_string())
}

/// The mark's date, when the tag holds one (`None`: not marked, or not a date).
pub fn delete_after(tags: &BTreeMap<String, String>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(tags.get(DELETE_AFTER_TAG)?.trim(), "%Y-%m-%d").ok()
}

/// Whether a resource is marked at all (even with an unreadable date).
pub fn is_marked(tags: &BTreeMap<String, String>) -> bool {
    tags.contains_key(DELETE_AFTER_TAG)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::analysis::fixtures::pairs;

    /// Tags from pairs (also `recycle_bin`'s fixture).
    pub(in crate::analysis) fn tags(kv: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs(kv)
    }

    #[test]
    fn owners_come_from_the_service_then_the_name_then_a_creator_tag() {
        let cases: [(&[(&str, &str)], &str); 6] = [
            (
                &[
                    ("aws:ecs:clusterName", "payments"),
                    ("aws:ecs:serviceName", "ledger"),
                    ("Name", "x"),
                ],
                "payments/ledger",
            ),
            (&[("aws:ecs:serviceName", "ledger")], "ledger"),
            (
                &[("Name", "scratch-alice"), ("Owner", "bob")],
                "scratch-alice",
            ),
            (&[("Name", " "), ("CreatedBy", "carol")], "carol"),
            (&[("owner", "team-data")], "team-data"),
            (&[], "unknown"),
        ];
        for (t, want) in cases {
            assert_eq!(owner_of(&tags(t)), want, "{t:?}");
        }
    }

    #[test]
    fn a_mark_s_date_is_read_back() {
        let d = NaiveDate::from_ymd_opt(2027, 1, 5);
        assert_eq!(delete_after(&tags(&[(DELETE_AFTER_TAG, "2027-01-05")])), d);
        assert_eq!(delete_after(&tags(&[(DELETE_AFTER_TAG, "soon")])), None);
        assert!(is_marked(&tags(&[(DELETE_AFTER_TAG, "soon")])));
        assert!(!is_marked(&tags(&[])));
    }
}
