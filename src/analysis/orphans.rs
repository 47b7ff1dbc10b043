//! Orphaned EBS volumes and snapshots (DESIGN.md, "Orphan rules").
//!
//! - A volume is orphaned when it is `available` (attached to nothing).
//! - A snapshot is orphaned when this account owns it, its source volume no longer exists,
//!   and no AMI of this account uses it. AMI-backed snapshots are listed as skipped.
//! - Anything carrying the protection tag is skipped, whatever else holds.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::age::age_days;
use super::cost::{Prices, cents};
use crate::model::{Ami, ResourceKind, Skipped, Snapshot, Volume};

/// What the rules need besides the resources.
#[derive(Debug, Clone)]
pub struct OrphanRules<'a> {
    pub protection_tag: &'a str,
    /// Only resources at least this many days old are listed.
    pub min_age_days: Option<i64>,
    /// The account id; snapshots owned by anyone else are ignored when it is known.
    pub account: Option<&'a str>,
    pub prices: &'a Prices,
    pub now: DateTime<Utc>,
}

impl OrphanRules<'_> {
    fn protected(&self, id: &str, kind: ResourceKind, size_gib: i32) -> Skipped {
        Skipped::new(
            id,
            kind,
            f64::from(size_gib),
            format!("protected by tag {}", self.protection_tag),
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrphanVolume {
    pub volume: Volume,
    pub age_days: Option<i64>,
    pub monthly_cost_usd: f64,
    pub origin: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrphanSnapshot {
    pub snapshot: Snapshot,
    pub age_days: Option<i64>,
    pub monthly_cost_usd: f64,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct OrphanTotals {
    pub volumes: usize,
    pub snapshots: usize,
    pub size_gib: i64,
    pub monthly_cost_usd: f64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrphanReport {
    pub volumes: Vec<OrphanVolume>,
    pub snapshots: Vec<OrphanSnapshot>,
    pub skipped: Vec<Skipped>,
}

impl OrphanReport {
    pub fn totals(&self) -> OrphanTotals {
        let size_gib = self
            .volumes
            .iter()
            .map(|v| i64::from(v.volume.size_gib))
            .chain(
                self.snapshots
                    .iter()
                    .map(|s| i64::from(s.snapshot.size_gib)),
            )
            .sum();
        let cost: f64 = self
            .volumes
            .iter()
            .map(|v| v.monthly_cost_usd)
            .chain(self.snapshots.iter().map(|s| s.monthly_cost_usd))
            .sum();
        OrphanTotals {
            volumes: self.volumes.len(),
            snapshots: self.snapshots.len(),
            size_gib,
            monthly_cost_usd: cents(cost),
        }
    }
}

/// Where an ECS-created or tool-managed volume came from, read from its tags.
pub fn volume_origin(tags: &BTreeMap<String, String>) -> Option<String> {
    let cluster = tags.get("aws:ecs:clusterName");
    let service = tags.get("aws:ecs:serviceName");
    let by_ecs = tags.contains_key("AmazonECSCreated") || tags.contains_key("AmazonECSManaged");
    match (cluster, service) {
        (Some(c), Some(s)) => Some(format!("ECS service {c}/{s}")),
        (Some(c), None) => Some(format!("ECS cluster {c}")),
        (None, Some(s)) => Some(format!("ECS service {s}")),
        (None, None) if by_ecs => Some("created by ECS".to_string()),
        (None, None) => tags.get("managed-by").map(|m| format!("managed by {m}")),
    }
}

fn old_enough(age: Option<i64>, min_age_days: Option<i64>) -> bool {
    match (min_age_days, age) {
        (None | Some(0), _) => true,
        (Some(min), Some(age)) => age >= min,
        (Some(_), None) => false,
    }
}

/// Applies the orphan rules. Output is sorted oldest first, then by id.
pub fn find_orphans(
    volumes: &[Volume],
    snapshots: &[Snapshot],
    amis: &[Ami],
    rules: &OrphanRules<'_>,
) -> OrphanReport {
    let mut report = OrphanReport::default();
    let existing: HashSet<&str> = volumes.iter().map(|v| v.id.as_str()).collect();
    let mut ami_of: HashMap<&str, &Ami> = HashMap::new();
    for ami in amis {
        for snap in &ami.snapshot_ids {
            ami_of.entry(snap.as_str()).or_insert(ami);
        }
    }

    for v in volumes.iter().filter(|v| v.state == "available") {
        let age = age_days(v.create_time, rules.now);
        if !old_enough(age, rules.min_age_days) {
            continue;
        }
        if v.tags.contains_key(rules.protection_tag) {
            report
                .skipped
                .push(rules.protected(&v.id, ResourceKind::Volume, v.size_gib));
            continue;
        }
        let origin = volume_origin(&v.tags);
        let reason = match &origin {
            Some(o) => format!("available (attached to nothing); from {o}"),
            None => "available (attached to nothing)".to_string(),
        };
        report.volumes.push(OrphanVolume {
            monthly_cost_usd: cents(rules.prices.volume_monthly(&v.volume_type, v.size_gib)),
            age_days: age,
            origin,
            reason,
            volume: v.clone(),
        });
    }

    let own = |s: &&Snapshot| match (rules.account, s.owner_id.as_deref()) {
        (Some(account), Some(owner)) => account == owner,
        _ => true,
    };
    for s in snapshots.iter().filter(own) {
        let age = age_days(s.start_time, rules.now);
        if !old_enough(age, rules.min_age_days) {
            continue;
        }
        if let Some(ami) = ami_of.get(s.id.as_str()) {
            let name = ami
                .name
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            report.skipped.push(Skipped::new(
                &s.id,
                ResourceKind::Snapshot,
                f64::from(s.size_gib),
                format!("backs AMI {}{name}", ami.id),
            ));
            continue;
        }
        let source = s.volume_id.as_deref().filter(|v| !v.is_empty());
        if source.is_some_and(|v| existing.contains(v)) {
            continue;
        }
        if s.tags.contains_key(rules.protection_tag) {
            report
                .skipped
                .push(rules.protected(&s.id, ResourceKind::Snapshot, s.size_gib));
            continue;
        }
        let reason = match source {
            Some(v) => format!("source volume {v} no longer exists; no AMI uses it"),
            None => "no source volume; no AMI uses it".to_string(),
        };
        report.snapshots.push(OrphanSnapshot {
            monthly_cost_usd: cents(rules.prices.snapshot_monthly(s.size_gib)),
            age_days: age,
            reason,
            snapshot: s.clone(),
        });
    }

    report.volumes.sort_by(|a, b| {
        a.volume
            .create_time
            .cmp(&b.volume.create_time)
            .then_with(|| a.volume.id.cmp(&b.volume.id))
    });
    report.snapshots.sort_by(|a, b| {
        a.snapshot
            .start_time
            .cmp(&b.snapshot.start_time)
            .then_with(|| a.snapshot.id.cmp(&b.snapshot.id))
    });
    report
        .skipped
        .sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.id.cmp(&b.id)));
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
            .single()
            .expect("valid")
    }

    fn days_ago(d: i64) -> Option<DateTime<Utc>> {
        now().checked_sub_signed(chrono::Duration::days(d))
    }

    fn vol(id: &str, state: &str, age: i64, tags: &[(&str, &str)]) -> Volume {
        Volume {
            id: id.into(),
            size_gib: 100,
            volume_type: "gp3".into(),
            state: state.into(),
            create_time: days_ago(age),
            tags: tags
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
            ..Volume::default()
        }
    }

    fn snap(id: &str, volume: &str, owner: &str, tags: &[(&str, &str)]) -> Snapshot {
        Snapshot {
            id: id.into(),
            volume_id: Some(volume.into()),
            size_gib: 20,
            state: "completed".into(),
            start_time: days_ago(10),
            owner_id: Some(owner.into()),
            tags: tags
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
            ..Snapshot::default()
        }
    }

    fn rules(prices: &Prices, min_age: Option<i64>) -> OrphanRules<'_> {
        OrphanRules {
            protection_tag: "ecsnap:keep",
            min_age_days: min_age,
            account: Some("111122223333"),
            prices,
            now: now(),
        }
    }

    fn fixture() -> (Vec<Volume>, Vec<Snapshot>, Vec<Ami>) {
        let volumes = vec![
            vol("vol-avail-old", "available", 40, &[]),
            vol("vol-avail-new", "available", 2, &[]),
            vol("vol-in-use", "in-use", 40, &[]),
            vol("vol-protected", "available", 40, &[("ecsnap:keep", "")]),
            vol(
                "vol-ecs",
                "available",
                30,
                &[
                    ("AmazonECSCreated", "true"),
                    ("aws:ecs:clusterName", "payments-prod"),
                    ("aws:ecs:serviceName", "ledger"),
                ],
            ),
            vol("vol-creating", "creating", 40, &[]),
        ];
        let snapshots = vec![
            snap("snap-live", "vol-in-use", "111122223333", &[]),
            snap("snap-gone", "vol-deleted", "111122223333", &[]),
            snap("snap-ami", "vol-deleted-2", "111122223333", &[]),
            snap(
                "snap-kept",
                "vol-deleted-3",
                "111122223333",
                &[("ecsnap:keep", "yes")],
            ),
            snap("snap-foreign", "vol-deleted", "999999999999", &[]),
        ];
        let amis = vec![Ami {
            id: "ami-0golden".into(),
            name: Some("golden".into()),
            state: Some("available".into()),
            snapshot_ids: vec!["snap-ami".into()],
        }];
        (volumes, snapshots, amis)
    }

    #[test]
    fn orphan_rules_table() {
        let prices = Prices::default();
        let (volumes, snapshots, amis) = fixture();
        let report = find_orphans(&volumes, &snapshots, &amis, &rules(&prices, None));
        let vol_ids: Vec<&str> = report
            .volumes
            .iter()
            .map(|v| v.volume.id.as_str())
            .collect();
        assert_eq!(vol_ids, ["vol-avail-old", "vol-ecs", "vol-avail-new"]);
        let snap_ids: Vec<&str> = report
            .snapshots
            .iter()
            .map(|s| s.snapshot.id.as_str())
            .collect();
        assert_eq!(snap_ids, ["snap-gone"]);
        let skipped: Vec<(&str, &str, &str)> = report
            .skipped
            .iter()
            .map(|s| (s.id.as_str(), s.kind.as_str(), s.reason.as_str()))
            .collect();
        assert_eq!(
            skipped,
            [
                ("vol-protected", "volume", "protected by tag ecsnap:keep"),
                ("snap-ami", "snapshot", "backs AMI ami-0golden (golden)"),
                ("snap-kept", "snapshot", "protected by tag ecsnap:keep"),
            ]
        );
        let ecs = &report.volumes[1];
        assert_eq!(
            ecs.origin.as_deref(),
            Some("ECS service payments-prod/ledger")
        );
        assert!(ecs.reason.contains("payments-prod/ledger"));
        assert!((ecs.monthly_cost_usd - 8.0).abs() < 1e-9);
        assert_eq!(ecs.age_days, Some(30));
        let totals = report.totals();
        assert_eq!(
            (totals.volumes, totals.snapshots, totals.size_gib),
            (3, 1, 320)
        );
        assert!((totals.monthly_cost_usd - 25.0).abs() < 1e-9);
    }

    #[test]
    fn min_age_filters_by_creation_time() {
        let prices = Prices::default();
        let (volumes, snapshots, amis) = fixture();
        let report = find_orphans(&volumes, &snapshots, &amis, &rules(&prices, Some(20)));
        let vol_ids: Vec<&str> = report
            .volumes
            .iter()
            .map(|v| v.volume.id.as_str())
            .collect();
        assert_eq!(vol_ids, ["vol-avail-old", "vol-ecs"]);
        // Snapshots are 10 days old: all filtered, skipped ones included.
        assert!(report.snapshots.is_empty());
        assert_eq!(
            report
                .skipped
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>(),
            ["vol-protected"]
        );
    }

    #[test]
    fn odd_data_does_not_break_the_rules() {
        let prices = Prices::default();
        let volumes = vec![Volume {
            id: "vol-bare".into(),
            state: "available".into(),
            ..Volume::default()
        }];
        let snapshots = vec![Snapshot {
            id: "snap-bare".into(),
            ..Snapshot::default()
        }];
        let mut r = rules(&prices, None);
        r.account = None;
        let report = find_orphans(&volumes, &snapshots, &[], &r);
        assert_eq!(report.volumes.len(), 1);
        assert_eq!(report.volumes[0].age_days, None);
        assert_eq!(
            report.snapshots[0].reason,
            "no source volume; no AMI uses it"
        );
        // Unknown age never passes a minimum age.
        let report = find_orphans(&volumes, &snapshots, &[], &rules(&prices, Some(1)));
        assert!(report.volumes.is_empty() && report.snapshots.is_empty());
    }

    #[test]
    fn origin_from_tags() {
        let t = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect()
        };
        assert_eq!(
            volume_origin(&t(&[("AmazonECSManaged", "true")])).as_deref(),
            Some("created by ECS")
        );
        assert_eq!(
            volume_origin(&t(&[("managed-by", "terraform")])).as_deref(),
            Some("managed by terraform")
        );
        assert_eq!(
            volume_origin(&t(&[("aws:ecs:clusterName", "c")])).as_deref(),
            Some("ECS cluster c")
        );
        assert_eq!(volume_origin(&t(&[("Name", "x")])), None);
    }
}
