//! `ecsnap audit`: the audit log read back as one row per outcome — each result line with
//! its intent, and each intent no result answered ("no outcome recorded (interrupted?)")
//! — filtered by age and action, as a table or a JSON array.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ops::audit::{AuditEntry, unanswered};

/// What an intent without a result shows.
pub const NO_OUTCOME: &str = "no outcome recorded (interrupted?)";

/// One row: one outcome of one mutation (a batched delete has one per resource).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRow {
    /// RFC 3339 UTC: when the outcome was written (the intent's, with none).
    pub time: String,
    pub identity_arn: Option<String>,
    pub profile: Option<String>,
    pub account: Option<String>,
    pub region: String,
    pub action: String,
    pub resource_ids: Vec<String>,
    /// `ok`, `failed`, `gone`, `unknown`, or `no outcome recorded (interrupted?)`.
    pub outcome: String,
    pub error: Option<String>,
    pub detail: Option<String>,
    /// What the change replaced (a rollback's from).
    pub replaced: Option<String>,
    /// Pairs the row with its intent line in the file.
    pub op: Option<String>,
}

impl AuditRow {
    fn of(e: &AuditEntry, outcome: &str) -> Self {
        Self {
            time: e.time.clone(),
            identity_arn: e.identity_arn.clone(),
            profile: e.profile.clone(),
            account: e.account.clone(),
            region: e.region.clone(),
            action: e.action.clone(),
            resource_ids: e.resource_ids.clone(),
            outcome: outcome.to_string(),
            error: e.error.clone(),
            detail: e.detail.clone(),
            replaced: e.replaced.clone(),
            op: e.op.clone(),
        }
    }
}

/// Which rows to keep.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only rows at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only this action: `ec2:DeleteVolume`, or `DeleteVolume` for any service
    /// (case-insensitive).
    pub action: Option<String>,
}

impl AuditFilter {
    fn keeps(&self, row: &AuditRow) -> bool {
        let recent = self.since.is_none_or(|since| {
            DateTime::parse_from_rfc3339(&row.time).is_ok_and(|t| t.with_timezone(&Utc) >= since)
        });
        let action = self.action.as_deref().is_none_or(|want| {
            let want = want.to_ascii_lowercase();
            let have = row.action.to_ascii_lowercase();
            have == want || have.rsplit(':').next() == Some(want.as_str())
        });
        recent && action
    }
}

/// The rows of `entries` in the file's order: every result line, and every intent whose
/// result never came; filtered.
pub fn audit_rows(entries: &[AuditEntry], filter: &AuditFilter) -> Vec<AuditRow> {
    let open: HashSet<*const AuditEntry> = unanswered(entries)
        .into_iter()
        .map(std::ptr::from_ref)
        .collect();
    entries
        .iter()
        .filter_map(|e| {
            if e.is_result() {
                Some(AuditRow::of(e, &e.result))
            } else if open.contains(&std::ptr::from_ref(e)) {
                Some(AuditRow::of(e, NO_OUTCOME))
            } else {
                None
            }
        })
        .filter(|r| filter.keeps(r))
        .collect()
}

/// The table: time, who, where, action, resources, outcome (with the detail or error).
pub fn audit_text(rows: &[AuditRow]) -> String {
    let mut t =
        super::table::Table::new(["TIME", "WHO", "WHERE", "ACTION", "RESOURCES", "OUTCOME"]);
    for r in rows {
        let who = match (&r.identity_arn, &r.profile) {
            (Some(arn), Some(p)) => format!("{arn} (profile {p})"),
            (Some(arn), None) => arn.clone(),
            (None, Some(p)) => format!("profile {p}"),
            (None, None) => "-".into(),
        };
        let place = format!("{}/{}", r.account.as_deref().unwrap_or("-"), r.region);
        let mut outcome = r.outcome.clone();
        for extra in [&r.detail, &r.error].into_iter().flatten() {
            outcome.push_str(": ");
            outcome.push_str(extra);
        }
        if let Some(before) = &r.replaced {
            outcome.push_str(" (replaced ");
            outcome.push_str(before);
            outcome.push(')');
        }
        t.row(vec![
            r.time.clone(),
            who,
            place,
            r.action.clone(),
            r.resource_ids.join(", "),
            outcome,
        ]);
    }
    if t.is_empty() {
        "No entries.\n".to_string()
    } else {
        t.render()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::audit::{PENDING, PHASE_INTENT, PHASE_RESULT};

    fn entry(
        time: &str,
        action: &str,
        id: &str,
        phase: &str,
        result: &str,
        op: &str,
    ) -> AuditEntry {
        AuditEntry {
            time: time.into(),
            identity_arn: Some("arn:aws:iam::123456789012:user/oncall".into()),
            account: Some("123456789012".into()),
            profile: None,
            region: "us-east-1".into(),
            action: action.into(),
            resource_ids: vec![id.into()],
            result: result.into(),
            error: None,
            detail: None,
            phase: phase.into(),
            op: Some(op.into()),
            replaced: None,
        }
    }

    fn log() -> Vec<AuditEntry> {
        vec![
            entry(
                "2026-11-01T10:00:00.000Z",
                "ec2:DeleteVolume",
                "vol-old",
                PHASE_INTENT,
                PENDING,
                "1-1",
            ),
            entry(
                "2026-11-01T10:00:01.000Z",
                "ec2:DeleteVolume",
                "vol-old",
                PHASE_RESULT,
                "ok",
                "1-1",
            ),
            entry(
                "2026-12-05T10:00:00.000Z",
                "ec2:DeleteVolume",
                "vol-new",
                PHASE_INTENT,
                PENDING,
                "2-1",
            ),
            entry(
                "2026-12-05T10:00:01.000Z",
                "ec2:DeleteVolume",
                "vol-new",
                PHASE_RESULT,
                "gone",
                "2-1",
            ),
            entry(
                "2026-12-05T11:00:00.000Z",
                "ec2:DeleteSnapshot",
                "snap-1",
                PHASE_INTENT,
                PENDING,
                "2-2",
            ),
            entry(
                "2026-12-05T12:00:00.000Z",
                "ecs:UpdateService",
                "c/s",
                PHASE_INTENT,
                PENDING,
                "2-3",
            ),
            entry(
                "2026-12-05T12:00:01.000Z",
                "ecs:UpdateService",
                "c/s",
                PHASE_RESULT,
                "ok",
                "2-3",
            ),
        ]
    }

    fn ids(rows: &[AuditRow]) -> Vec<(&str, &str)> {
        rows.iter()
            .map(|r| (r.resource_ids[0].as_str(), r.outcome.as_str()))
            .collect()
    }

    #[test]
    fn rows_pair_outcomes_and_show_intents_without_one() {
        let rows = audit_rows(&log(), &AuditFilter::default());
        assert_eq!(
            ids(&rows),
            [
                ("vol-old", "ok"),
                ("vol-new", "gone"),
                ("snap-1", NO_OUTCOME),
                ("c/s", "ok"),
            ]
        );
        let text = audit_text(&rows);
        assert!(text.contains("123456789012/us-east-1"), "{text}");
        assert!(
            text.contains("no outcome recorded (interrupted?)"),
            "{text}"
        );
    }

    type Case<'a> = (Option<DateTime<Utc>>, Option<&'a str>, Vec<&'a str>);

    #[test]
    fn since_and_action_filter_rows() {
        let since = DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let cases: [Case<'_>; 5] = [
            (Some(since), None, vec!["vol-new", "snap-1", "c/s"]),
            (None, Some("ec2:DeleteVolume"), vec!["vol-old", "vol-new"]),
            (None, Some("deletevolume"), vec!["vol-old", "vol-new"]),
            (Some(since), Some("DeleteVolume"), vec!["vol-new"]),
            (None, Some("ecs:DeleteVolume"), vec![]),
        ];
        for (since, action, want) in cases {
            let filter = AuditFilter {
                since,
                action: action.map(str::to_string),
            };
            let rows = audit_rows(&log(), &filter);
            let got: Vec<&str> = ids(&rows).into_iter().map(|(id, _)| id).collect();
            assert_eq!(got, want, "{since:?} {action:?}");
        }
    }
}
