//! Whether a snapshot can be moved to the EBS snapshot archive tier now (cleanup's
//! `--archive`): not one already archived or temporarily restored, and only a completed one.

use chrono::{DateTime, Utc};

use crate::model::{Snapshot, SnapshotState};

/// Why `snapshot` cannot be archived now (absent: it can).
pub fn not_archivable(snapshot: &Snapshot, now: DateTime<Utc>) -> Option<String> {
    match (
        snapshot.storage_tier.as_deref(),
        snapshot.restore_expiry_time,
    ) {
        (Some("archive"), Some(until)) if until > now => {
            return Some(format!(
                "in a temporary restore until {}: it is already archived (the restored copy \
                 expires by itself)",
                until.format("%Y-%m-%d %H:%M UTC")
            ));
        }
        (Some("archive"), _) => return Some("already archived".into()),
        _ => {}
    }
    (snapshot.state != SnapshotState::Completed).then(|| {
        format!(
            "{}: only a completed snapshot can be archived",
            snapshot.state
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn snap(tier: Option<&str>, restored_until: Option<DateTime<Utc>>) -> Snapshot {
        Snapshot {
            id: "snap-1".into(),
            state: SnapshotState::Completed,
            storage_tier: tier.map(str::to_string),
            restore_expiry_time: restored_until,
            ..Snapshot::default()
        }
    }

    #[test]
    fn only_completed_standard_snapshots_can_be_archived() {
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 0, 0, 0).single();
        let Some(now) = now else {
            panic!("a valid date")
        };
        assert_eq!(not_archivable(&snap(Some("standard"), None), now), None);
        assert_eq!(not_archivable(&snap(None, None), now), None);
        assert_eq!(
            not_archivable(&snap(Some("archive"), None), now).as_deref(),
            Some("already archived")
        );
        let restoring = not_archivable(
            &snap(Some("archive"), Some(now + chrono::Duration::days(3))),
            now,
        );
        assert!(
            restoring
                .as_deref()
                .is_some_and(|w| w.starts_with("in a temporary restore until 2026-12-10")),
            "{restoring:?}"
        );
        let mut pending = snap(Some("standard"), None);
        pending.state = SnapshotState::Pending;
        assert_eq!(
            not_archivable(&pending, now).as_deref(),
            Some("pending: only a completed snapshot can be archived")
        );
    }
}
