//! Snapshot locks: whether a lock (DescribeLockedSnapshots) still stops a deletion, and
//! how the plan says so ("locked in compliance mode until …").

use chrono::{DateTime, Utc};

use crate::model::SnapshotLock;

/// Why `lock` stops its snapshot from being deleted at `now`; `None` when it no longer
/// does (expired, or past its expiry).
pub fn lock_reason(lock: &SnapshotLock, now: DateTime<Utc>) -> Option<String> {
    if lock.state == "expired" || lock.expires_on.is_some_and(|t| t <= now) {
        return None;
    }
    let mode = match lock.state.as_str() {
        "compliance" => "compliance mode".to_string(),
        "governance" => "governance mode".to_string(),
        "compliance-cooloff" => "compliance mode (cooling-off period)".to_string(),
        "" => "an unknown mode".to_string(),
        other => format!("{other} mode"),
    };
    Some(match lock.expires_on {
        Some(t) => format!("locked in {mode} until {}", t.format("%Y-%m-%d %H:%M UTC")),
        None => format!("locked in {mode} (expiry not reported)"),
    })
}

/// A lock in a few words for a table cell: `locked until 2027-03-01`, or `locked` when EC2
/// does not say until when.
pub fn lock_short(lock: &SnapshotLock) -> String {
    match lock.expires_on {
        Some(t) => format!("locked until {}", t.format("%Y-%m-%d")),
        None => "locked".to_string(),
    }
}

/// The plan's line when the locks could not be read: the snapshots are still offered, and
/// a locked one will fail at DeleteSnapshot.
pub fn not_checked_line(why: &str) -> String {
    format!(
        "locks were not checked: {why} — a locked snapshot in this plan would fail at \
         DeleteSnapshot (grant ec2:DescribeLockedSnapshots to have them skipped)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::utc;

    /// A lock state, its expiry, and the reason wanted.
    type Case<'a> = (&'a str, Option<DateTime<Utc>>, Option<&'a str>);

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        utc(y, m, d, 0, 0)
    }

    fn lock(state: &str, expires: Option<DateTime<Utc>>) -> SnapshotLock {
        SnapshotLock {
            snapshot_id: "snap-1".into(),
            state: state.into(),
            expires_on: expires,
        }
    }

    #[test]
    fn lock_reasons_table() {
        let now = at(2026, 12, 6);
        let later = Some(at(2027, 1, 31));
        let cases: [Case<'_>; 7] = [
            (
                "compliance",
                later,
                Some("locked in compliance mode until 2027-01-31 00:00 UTC"),
            ),
            (
                "governance",
                later,
                Some("locked in governance mode until 2027-01-31 00:00 UTC"),
            ),
            (
                "compliance-cooloff",
                later,
                Some("locked in compliance mode (cooling-off period) until 2027-01-31 00:00 UTC"),
            ),
            (
                "governance",
                None,
                Some("locked in governance mode (expiry not reported)"),
            ),
            ("expired", later, None),
            ("compliance", Some(at(2026, 12, 1)), None),
            ("compliance", Some(now), None),
        ];
        for (state, expires, want) in cases {
            assert_eq!(
                lock_reason(&lock(state, expires), now).as_deref(),
                want,
                "{state} {expires:?}"
            );
        }
    }

    #[test]
    fn the_not_checked_line_names_the_permission() {
        let line = not_checked_line("AccessDenied");
        assert!(line.starts_with("locks were not checked: AccessDenied"));
        assert!(line.contains("ec2:DescribeLockedSnapshots"));
    }
}
