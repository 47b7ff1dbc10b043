//! Snapshot lineage, for the Orphans detail: where a volume or snapshot came from and what
//! came of it — the snapshot a volume was created from and the snapshots taken of it; the
//! volume a snapshot was taken of (still there or gone) and the volumes created from it;
//! and the DLM policy or AWS Backup plan its tags say manages it.

use chrono::{DateTime, Utc};

use super::orphans::{BACKUP_SOURCE_TAG, DLM_POLICY_TAG, SOURCE_VOLUME_TAG};
use crate::model::{ResourceKind, Snapshot, Volume};

/// Put by `ecsnap recover` on the snapshot it takes: the service it recovers into
/// (`cluster/service`).
pub const RECOVER_FOR_TAG: &str = "ecsnap:recover-for";
/// AWS Backup also names the recovery point's plan on the snapshots it makes.
pub const BACKUP_PLAN_TAG: &str = "aws:backup:backup-plan-id";

/// One related resource: its id, its state (`None`: gone) and when it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub id: String,
    pub state: Option<String>,
    pub at: Option<DateTime<Utc>>,
}

/// The lineage of one volume or snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lineage {
    pub id: String,
    pub kind: ResourceKind,
    /// Volume: the snapshot it was created from. Snapshot: the volume it was taken of
    /// (`state: None` when that volume no longer exists).
    pub came_from: Option<Related>,
    /// Volume: the snapshots taken of it, newest first. Snapshot: the volumes created from
    /// it.
    pub made: Vec<Related>,
    /// The DLM policy or AWS Backup plan that manages it, from its tags.
    pub managed_by: Option<String>,
    /// ecsnap's own tags: a safety snapshot's source volume or the service it recovers.
    pub ecsnap_note: Option<String>,
}

/// Who manages a resource, from its tags: `DLM policy policy-…`, `AWS Backup (source …,
/// plan …)`.
pub fn managed_by(tags: &std::collections::BTreeMap<String, String>) -> Option<String> {
    if let Some(policy) = tags.get(DLM_POLICY_TAG) {
        return Some(format!("DLM policy {policy}"));
    }
    let source = tags.get(BACKUP_SOURCE_TAG);
    let plan = tags.get(BACKUP_PLAN_TAG);
    match (source, plan) {
        (None, None) => None,
        (s, p) => {
            let mut parts = Vec::new();
            parts.extend(s.map(|s| format!("source {s}")));
            parts.extend(p.map(|p| format!("plan {p}")));
            Some(format!("AWS Backup ({})", parts.join(", ")))
        }
    }
}

fn ecsnap_note(tags: &std::collections::BTreeMap<String, String>) -> Option<String> {
    if let Some(service) = tags.get(RECOVER_FOR_TAG) {
        return Some(format!("taken by ecsnap recover for {service}"));
    }
    tags.get(SOURCE_VOLUME_TAG)
        .map(|v| format!("safety snapshot ecsnap took of {v}"))
}

/// A volume's lineage: `snapshots` are the account's snapshots (those of this volume are
/// picked), `from_snapshot` the snapshot it was created from, if EC2 still has it.
pub fn volume_lineage(
    volume: &Volume,
    snapshots: &[Snapshot],
    from_snapshot: Option<&Snapshot>,
) -> Lineage {
    let made = newest_first(
        snapshots
            .iter()
            .filter(|s| s.volume_id.as_deref() == Some(volume.id.as_str()))
            .map(|s| Related::snapshot(&s.id, Some(s)))
            .collect(),
    );
    Lineage {
        id: volume.id.clone(),
        kind: ResourceKind::Volume,
        came_from: volume
            .snapshot_id
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|id| Related::snapshot(id, from_snapshot)),
        made,
        managed_by: managed_by(&volume.tags),
        ecsnap_note: None,
    }
}

/// A snapshot's lineage: `source` is its volume if it still exists, `created` the volumes
/// DescribeVolumes lists for its `snapshot-id`.
pub fn snapshot_lineage(
    snapshot: &Snapshot,
    source: Option<&Volume>,
    created: &[Volume],
) -> Lineage {
    let made = newest_first(
        created
            .iter()
            .filter(|v| v.snapshot_id.as_deref().is_none_or(|s| s == snapshot.id))
            .map(|v| Related::volume(&v.id, Some(v)))
            .collect(),
    );
    Lineage {
        id: snapshot.id.clone(),
        kind: ResourceKind::Snapshot,
        came_from: snapshot
            .volume_id
            .as_deref()
            .filter(|v| !v.is_empty() && *v != "vol-ffffffff")
            .map(|id| Related::volume(id, source)),
        made,
        managed_by: managed_by(&snapshot.tags),
        ecsnap_note: ecsnap_note(&snapshot.tags),
    }
}

impl Related {
    /// Snapshot `id`, as EC2 describes it (`None`: gone).
    fn snapshot(id: &str, found: Option<&Snapshot>) -> Self {
        Self {
            id: id.to_string(),
            state: found.map(|s| s.state.to_string()),
            at: found.and_then(|s| s.start_time),
        }
    }

    /// Volume `id`, as EC2 describes it (`None`: gone).
    fn volume(id: &str, found: Option<&Volume>) -> Self {
        Self {
            id: id.to_string(),
            state: found.map(|v| v.state.to_string()),
            at: found.and_then(|v| v.create_time),
        }
    }
}

/// Newest first, then by id.
fn newest_first(mut related: Vec<Related>) -> Vec<Related> {
    related.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.id.cmp(&b.id)));
    related
}

impl Lineage {
    /// The lines the Orphans detail shows, top to bottom.
    pub fn lines(&self) -> Vec<String> {
        let state = |r: &Related| {
            r.state
                .as_deref()
                .map_or_else(|| "gone".to_string(), str::to_string)
        };
        let date = |r: &Related| {
            r.at.map(|t| format!(", {}", t.format("%Y-%m-%d")))
                .unwrap_or_default()
        };
        let related = |r: &Related| format!("{} ({}{})", r.id, state(r), date(r));
        let (came_from, no_source, made) = if self.kind == ResourceKind::Snapshot {
            (
                "taken of volume",
                "taken of: unknown (EC2 names no source volume)",
                "volumes created from it",
            )
        } else {
            (
                "created from snapshot",
                "created from: no snapshot (an empty volume)",
                "snapshots taken of it",
            )
        };
        let mut out = vec![match &self.came_from {
            Some(r) => format!("{came_from} {}", related(r)),
            None => no_source.into(),
        }];
        if self.made.is_empty() {
            out.push(format!("{made}: none"));
        } else {
            out.push(format!("{made} ({}):", self.made.len()));
            out.extend(self.made.iter().map(|r| format!("  {}", related(r))));
        }
        out.push(match &self.managed_by {
            Some(m) => format!("managed by {m}"),
            None => "managed by: no DLM policy or AWS Backup tag".into(),
        });
        out.extend(self.ecsnap_note.clone());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::pairs;

    fn at(day: u32) -> Option<DateTime<Utc>> {
        chrono::NaiveDate::from_ymd_opt(2026, 11, day)
            .and_then(|d| d.and_hms_opt(8, 0, 0))
            .map(|t| t.and_utc())
    }

    fn snap(id: &str, volume: &str, day: u32, tags: &[(&str, &str)]) -> Snapshot {
        Snapshot {
            id: id.into(),
            volume_id: Some(volume.into()),
            state: "completed".into(),
            start_time: at(day),
            tags: pairs(tags),
            ..Snapshot::default()
        }
    }

    fn vol(id: &str, from: Option<&str>, state: &str, day: u32) -> Volume {
        Volume {
            id: id.into(),
            snapshot_id: from.map(str::to_string),
            state: state.into(),
            create_time: at(day),
            ..Volume::default()
        }
    }

    #[test]
    fn a_snapshot_knows_its_volume_the_volumes_made_from_it_and_its_policy() {
        let s = snap("snap-1", "vol-src", 2, &[(DLM_POLICY_TAG, "policy-0abc")]);
        let source = vol("vol-src", None, "available", 1);
        let created = [
            vol("vol-a", Some("snap-1"), "in-use", 3),
            vol("vol-b", Some("snap-1"), "available", 5),
        ];
        let l = snapshot_lineage(&s, Some(&source), &created);
        assert_eq!(
            l.came_from
                .as_ref()
                .map(|r| (r.id.as_str(), r.state.as_deref())),
            Some(("vol-src", Some("available")))
        );
        let made: Vec<&str> = l.made.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(made, ["vol-b", "vol-a"], "newest first");
        assert_eq!(l.managed_by.as_deref(), Some("DLM policy policy-0abc"));
        let lines = l.lines();
        assert_eq!(lines[0], "taken of volume vol-src (available, 2026-11-01)");
        assert_eq!(lines[1], "volumes created from it (2):");
        assert_eq!(lines[2], "  vol-b (available, 2026-11-05)");
        assert_eq!(
            lines.last().map(String::as_str),
            Some("managed by DLM policy policy-0abc")
        );
    }

    #[test]
    fn a_gone_source_and_backup_tags_are_said() {
        let s = snap(
            "snap-2",
            "vol-gone",
            2,
            &[
                (BACKUP_SOURCE_TAG, "arn:aws:ec2:us-east-1:1:volume/vol-gone"),
                (BACKUP_PLAN_TAG, "plan-7"),
            ],
        );
        let l = snapshot_lineage(&s, None, &[]);
        let lines = l.lines();
        assert_eq!(lines[0], "taken of volume vol-gone (gone)");
        assert_eq!(lines[1], "volumes created from it: none");
        assert_eq!(
            lines[2],
            "managed by AWS Backup (source arn:aws:ec2:us-east-1:1:volume/vol-gone, plan plan-7)"
        );
    }

    #[test]
    fn a_volume_knows_its_snapshot_and_the_snapshots_taken_of_it() {
        let v = vol("vol-1", Some("snap-0"), "available", 1);
        let origin = snap("snap-0", "vol-older", 1, &[]);
        let snaps = [
            snap("snap-x", "vol-other", 3, &[]),
            snap("snap-1", "vol-1", 2, &[]),
            snap("snap-2", "vol-1", 4, &[(RECOVER_FOR_TAG, "c/s")]),
        ];
        let l = volume_lineage(&v, &snaps, Some(&origin));
        let made: Vec<&str> = l.made.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(made, ["snap-2", "snap-1"]);
        let lines = l.lines();
        assert_eq!(
            lines[0],
            "created from snapshot snap-0 (completed, 2026-11-01)"
        );
        assert_eq!(lines[1], "snapshots taken of it (2):");
        assert_eq!(lines[4], "managed by: no DLM policy or AWS Backup tag");
        let empty = volume_lineage(&vol("vol-9", None, "available", 1), &[], None);
        assert_eq!(
            empty.lines()[0],
            "created from: no snapshot (an empty volume)"
        );
        assert_eq!(empty.lines()[1], "snapshots taken of it: none");
    }

    #[test]
    fn ecsnap_tags_are_noted() {
        let s = snap("snap-3", "vol-1", 2, &[(SOURCE_VOLUME_TAG, "vol-1")]);
        let l = snapshot_lineage(&s, None, &[]);
        assert_eq!(
            l.ecsnap_note.as_deref(),
            Some("safety snapshot ecsnap took of vol-1")
        );
    }
}
