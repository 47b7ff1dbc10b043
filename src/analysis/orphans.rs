//! Orphaned EBS volumes and snapshots (DESIGN.md, "Orphan rules").
//!
//! - A volume is orphaned when it is `available` (attached to nothing).
//! - A snapshot is orphaned when this account owns it, its source volume no longer exists,
//!   and no AMI of this account uses it. AMI-backed snapshots are listed as skipped.
//! - Anything carrying the protection tag is skipped, whatever else holds.
//! - A snapshot something else still needs is skipped and says what: a launch template
//!   (any version) names it; DLM or AWS Backup manage it (their retention removes it); or
//!   it is a safety snapshot ecsnap took before deleting a volume, kept until its
//!   `ecsnap:retain-until` date (then it is an ordinary orphan).
//! - With `unattached_days`, only volumes ecsnap itself has seen `available` for that many
//!   days are listed (`analysis::seen`); the rest are skipped and say so.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};

use super::age::age_days;
use super::cost::Prices;
use super::seen::unattached_long_enough;
use crate::model::{Ami, LaunchTemplate, ResourceKind, Skipped, Snapshot, Volume, VolumeState};

/// Tag put on a snapshot taken before a volume is deleted: the volume's id.
pub const SOURCE_VOLUME_TAG: &str = "ecsnap:source-volume";
/// Tag put on that snapshot: the date (RFC 3339 full-date) until which it is kept.
pub const RETAIN_UNTIL_TAG: &str = "ecsnap:retain-until";
/// Set by Data Lifecycle Manager on the snapshots its policies create.
pub const DLM_POLICY_TAG: &str = "aws:dlm:lifecycle-policy-id";
/// Set by AWS Backup on the snapshots of its recovery points.
pub const BACKUP_SOURCE_TAG: &str = "aws:backup:source-resource";

/// The tags of a safety snapshot of `volume_id`, kept until `retain_until`.
pub fn safety_snapshot_tags(volume_id: &str, retain_until: NaiveDate) -> Vec<(String, String)> {
    vec![
        (SOURCE_VOLUME_TAG.to_string(), volume_id.to_string()),
        (
            RETAIN_UNTIL_TAG.to_string(),
            retain_until.format("%Y-%m-%d").to_string(),
        ),
        ("Name".to_string(), format!("before-delete-{volume_id}")),
    ]
}

/// Today plus `days`: the retain-until date of a safety snapshot taken `now`.
pub fn retain_until(now: DateTime<Utc>, days: u32) -> NaiveDate {
    now.date_naive()
        .checked_add_days(chrono::Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}

/// An RFC 3339 full-date (`2026-12-31`) or date-time; the date part.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .or_else(|| {
            DateTime::parse_from_rfc3339(text)
                .ok()
                .map(|t| t.date_naive())
        })
}

/// What, besides its source volume, keeps a snapshot: the AMIs and launch templates that
/// use it and the tags that hand it to another owner. Shared by the orphan rules and the
/// re-check before deletion.
#[derive(Debug, Clone)]
pub struct SnapshotGuards<'a> {
    ami_of: HashMap<&'a str, &'a Ami>,
    template_of: HashMap<&'a str, &'a LaunchTemplate>,
    protection_tag: &'a str,
}

impl<'a> SnapshotGuards<'a> {
    pub fn new(amis: &'a [Ami], templates: &'a [LaunchTemplate], protection_tag: &'a str) -> Self {
        let mut ami_of: HashMap<&str, &Ami> = HashMap::new();
        for ami in amis {
            for snap in &ami.snapshot_ids {
                ami_of.entry(snap.as_str()).or_insert(ami);
            }
        }
        let mut template_of: HashMap<&str, &LaunchTemplate> = HashMap::new();
        for t in templates {
            for snap in &t.snapshot_ids {
                template_of.entry(snap.as_str()).or_insert(t);
            }
        }
        Self {
            ami_of,
            template_of,
            protection_tag,
        }
    }

    /// `backs AMI ami-… (name)` when an AMI of the account uses the snapshot.
    pub fn ami(&self, snapshot_id: &str) -> Option<String> {
        let ami = self.ami_of.get(snapshot_id)?;
        let name = ami
            .name
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        Some(format!("backs AMI {}{name}", ami.id))
    }

    /// Why the snapshot must be kept apart from an AMI: the protection tag, a launch
    /// template, DLM, AWS Backup, or a safety snapshot's retain-until date not yet passed.
    pub fn kept(&self, s: &Snapshot, now: DateTime<Utc>) -> Option<String> {
        if s.tags.contains_key(self.protection_tag) {
            return Some(format!("protected by tag {}", self.protection_tag));
        }
        if let Some(t) = self.template_of.get(s.id.as_str()) {
            let name = t
                .name
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            return Some(format!("used by launch template {}{name}", t.id));
        }
        if let Some(policy) = s.tags.get(DLM_POLICY_TAG) {
            return Some(format!(
                "managed by DLM policy {policy}: its retention removes it"
            ));
        }
        if let Some(source) = s.tags.get(BACKUP_SOURCE_TAG) {
            return Some(format!(
                "managed by AWS Backup (source {source}): its retention removes it"
            ));
        }
        let until = s.tags.get(RETAIN_UNTIL_TAG)?;
        let volume = s
            .tags
            .get(SOURCE_VOLUME_TAG)
            .map(String::as_str)
            .or(s.volume_id.as_deref())
            .filter(|v| !v.is_empty())
            .unwrap_or("a deleted volume");
        match parse_date(until) {
            Some(date) if now.date_naive() <= date => Some(format!(
                "kept until {}: safety snapshot of {volume}",
                date.format("%Y-%m-%d")
            )),
            Some(_) => None,
            // Unreadable: keep it rather than guess; the tag can be fixed or removed.
            None => Some(format!(
                "kept: safety snapshot of {volume} with an unreadable {RETAIN_UNTIL_TAG} tag \
                 {until:?} (expected a date like 2026-12-31)"
            )),
        }
    }
}

/// What a listing or cleanup narrows the orphans to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OrphanFilter {
    /// Only resources created at least this many days ago.
    pub min_age_days: Option<i64>,
    /// Only volumes ecsnap has seen unattached at least this many days.
    pub unattached_days: Option<i64>,
}

impl OrphanFilter {
    /// From the command line's `--min-age` and `--unattached-days`.
    pub fn from_days(min_age: Option<u32>, unattached: Option<u32>) -> Self {
        Self {
            min_age_days: min_age.map(i64::from),
            unattached_days: unattached.map(i64::from),
        }
    }
}

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
    /// Only volumes ecsnap has seen `available` at least this many days are listed.
    pub unattached_days: Option<i64>,
    /// When ecsnap first saw each volume `available` on an earlier run (`analysis::seen`);
    /// `None`: not tracked.
    pub available_since: Option<&'a HashMap<String, DateTime<Utc>>>,
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
    /// When ecsnap first saw it `available` (its own observation, not AWS's); `None`:
    /// unknown (first seen on this run, or not tracked).
    pub seen_available_since: Option<DateTime<Utc>>,
    pub monthly_cost_usd: f64,
    pub origin: Option<String>,
    pub reason: String,
}

impl OrphanVolume {
    /// What every listing shows in its ORIGIN / REASON column: see [`origin_text`].
    pub fn origin_text(&self) -> String {
        origin_text(self.origin.as_deref(), &self.volume.tags, &self.reason)
    }
}

/// An orphaned volume's ORIGIN / REASON: where it came from when its tags say (a service,
/// terraform, ECS), else its `Name` tag (`Name=db-scratch`), else why it is listed.
pub fn origin_text(
    origin: Option<&str>,
    tags: &std::collections::BTreeMap<String, String>,
    reason: &str,
) -> String {
    match (origin, tags.get("Name")) {
        (Some(o), _) => o.to_string(),
        (None, Some(name)) => format!("Name={name}"),
        (None, None) => reason.to_string(),
    }
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
    /// The locks that keep orphaned snapshots from being deleted now, by snapshot id:
    /// filled by the console's read (DescribeLockedSnapshots); empty when not asked or
    /// when the account could not answer.
    pub locks: std::collections::BTreeMap<String, crate::model::SnapshotLock>,
}

/// An orphaned volume or snapshot as plans see it, whatever its kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EbsOrphan<'a> {
    pub id: &'a str,
    pub size_gib: i32,
    pub tags: &'a BTreeMap<String, String>,
    pub age_days: Option<i64>,
    pub monthly_cost_usd: f64,
    pub reason: &'a str,
}

impl<'a> EbsOrphan<'a> {
    fn new(
        (id, size_gib, tags): (&'a str, i32, &'a BTreeMap<String, String>),
        age_days: Option<i64>,
        monthly_cost_usd: f64,
        reason: &'a str,
    ) -> Self {
        Self {
            id,
            size_gib,
            tags,
            age_days,
            monthly_cost_usd,
            reason,
        }
    }
}

impl OrphanReport {
    /// The orphans of `kind` in the report's order: its volumes or its snapshots (none
    /// for images).
    pub fn ebs(&self, kind: ResourceKind) -> Vec<EbsOrphan<'_>> {
        match kind {
            ResourceKind::Volume => self
                .volumes
                .iter()
                .map(|o| {
                    EbsOrphan::new(
                        o.volume.ebs_key(),
                        o.age_days,
                        o.monthly_cost_usd,
                        &o.reason,
                    )
                })
                .collect(),
            ResourceKind::Snapshot => self
                .snapshots
                .iter()
                .map(|o| {
                    EbsOrphan::new(
                        o.snapshot.ebs_key(),
                        o.age_days,
                        o.monthly_cost_usd,
                        &o.reason,
                    )
                })
                .collect(),
            ResourceKind::Image => Vec::new(),
        }
    }

    /// Records a resource the rules leave alone, with why.
    fn skip(&mut self, id: &str, kind: ResourceKind, size_gib: i32, why: impl Into<String>) {
        self.skipped
            .push(Skipped::new(id, kind, f64::from(size_gib), why));
    }

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
        // Summed exact, rounded to cents only where it is shown.
        let cost = super::cost::total(
            self.volumes
                .iter()
                .map(|v| v.monthly_cost_usd)
                .chain(self.snapshots.iter().map(|s| s.monthly_cost_usd)),
        );
        OrphanTotals {
            volumes: self.volumes.len(),
            snapshots: self.snapshots.len(),
            size_gib,
            monthly_cost_usd: cost,
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
    launch_templates: &[LaunchTemplate],
    rules: &OrphanRules<'_>,
) -> OrphanReport {
    let mut report = OrphanReport::default();
    let existing: HashSet<&str> = volumes.iter().map(|v| v.id.as_str()).collect();
    let guards = SnapshotGuards::new(amis, launch_templates, rules.protection_tag);

    for v in volumes.iter().filter(|v| v.state == VolumeState::Available) {
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
        let since = rules.available_since.and_then(|m| m.get(&v.id)).copied();
        if let Some(days) = rules.unattached_days.filter(|d| *d > 0)
            && let Err(why) = unattached_long_enough(since, days, rules.now)
        {
            report.skip(&v.id, ResourceKind::Volume, v.size_gib, why);
            continue;
        }
        let origin = volume_origin(&v.tags);
        let reason = match &origin {
            Some(o) => format!("available (attached to nothing); from {o}"),
            None => "available (attached to nothing)".to_string(),
        };
        report.volumes.push(OrphanVolume {
            monthly_cost_usd: rules.prices.volume_monthly(&v.volume_type, v.size_gib),
            age_days: age,
            seen_available_since: since,
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
        if let Some(why) = guards.ami(&s.id) {
            report.skip(&s.id, ResourceKind::Snapshot, s.size_gib, why);
            continue;
        }
        let source = s.volume_id.as_deref().filter(|v| !v.is_empty());
        if source.is_some_and(|v| existing.contains(v)) {
            continue;
        }
        if let Some(why) = guards.kept(s, rules.now) {
            report.skip(&s.id, ResourceKind::Snapshot, s.size_gib, why);
            continue;
        }
        let mut reason = match source {
            Some(v) => format!("source volume {v} no longer exists; no AMI uses it"),
            None => "no source volume; no AMI uses it".to_string(),
        };
        let archived = s.in_archive_tier();
        if archived {
            let _ = write!(
                reason,
                "; {}",
                crate::analysis::cost::archive_minimum_note(s.size_gib)
            );
        }
        report.snapshots.push(OrphanSnapshot {
            monthly_cost_usd: if archived {
                crate::analysis::cost::archive_monthly(s.size_gib)
            } else {
                rules.prices.snapshot_monthly(s.size_gib)
            },
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

/// How a listing orders orphaned volumes and snapshots (`orphans --sort`): by monthly
/// cost, highest first (the default: the most expensive first), by size (largest first),
/// by age (oldest first; unknown age last) or by id. Ties fall back to the larger size,
/// then the id, so the order is the same on every run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OrphanSort {
    #[default]
    Cost,
    Size,
    Age,
    Id,
}

/// What [`OrphanSort`] compares, so the report and the JSON of several places sort alike.
#[derive(Debug, Clone, Copy)]
pub struct OrphanKey<'a> {
    pub monthly_cost_usd: f64,
    pub size_gib: i32,
    pub age_days: Option<i64>,
    pub id: &'a str,
}

impl OrphanSort {
    /// `a` before `b` in this order.
    pub fn compare(self, a: &OrphanKey<'_>, b: &OrphanKey<'_>) -> std::cmp::Ordering {
        let cost = || b.monthly_cost_usd.total_cmp(&a.monthly_cost_usd);
        let size = || b.size_gib.cmp(&a.size_gib);
        let id = || a.id.cmp(b.id);
        // Oldest first: the larger age first, an unknown age last.
        let age = || match (a.age_days, b.age_days) {
            (Some(x), Some(y)) => y.cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        match self {
            Self::Cost => cost().then_with(size).then_with(id),
            Self::Size => size().then_with(cost).then_with(id),
            Self::Age => age().then_with(cost).then_with(size).then_with(id),
            Self::Id => id(),
        }
    }
}

impl OrphanVolume {
    pub fn sort_key(&self) -> OrphanKey<'_> {
        OrphanKey {
            monthly_cost_usd: self.monthly_cost_usd,
            size_gib: self.volume.size_gib,
            age_days: self.age_days,
            id: &self.volume.id,
        }
    }
}

impl OrphanSnapshot {
    pub fn sort_key(&self) -> OrphanKey<'_> {
        OrphanKey {
            monthly_cost_usd: self.monthly_cost_usd,
            size_gib: self.snapshot.size_gib,
            age_days: self.age_days,
            id: &self.snapshot.id,
        }
    }
}

impl OrphanReport {
    /// The volumes and the snapshots in `by`'s order (the skipped stay by kind and id).
    pub fn sort(&mut self, by: OrphanSort) {
        self.volumes
            .sort_by(|a, b| by.compare(&a.sort_key(), &b.sort_key()));
        self.snapshots
            .sort_by(|a, b| by.compare(&a.sort_key(), &b.sort_key()));
    }

    /// [`OrphanReport::sort`], by value.
    #[must_use]
    pub fn sorted(mut self, by: OrphanSort) -> Self {
        self.sort(by);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::{pairs, utc};

    #[test]
    fn origin_text_prefers_the_origin_then_the_name_then_the_reason() {
        let why = "available (attached to nothing)";
        let named = pairs(&[("Name", "db-scratch")]);
        assert_eq!(
            origin_text(Some("managed by terraform"), &named, why),
            "managed by terraform"
        );
        assert_eq!(origin_text(None, &named, why), "Name=db-scratch");
        assert_eq!(origin_text(None, &pairs(&[]), why), why);
    }

    fn now() -> DateTime<Utc> {
        utc(2026, 11, 23, 12, 0)
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
            tags: pairs(tags),
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
            tags: pairs(tags),
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
            unattached_days: None,
            available_since: None,
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
        let report = find_orphans(&volumes, &snapshots, &amis, &[], &rules(&prices, None));
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
        let report = find_orphans(&volumes, &snapshots, &amis, &[], &rules(&prices, Some(20)));
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
        let report = find_orphans(&volumes, &snapshots, &[], &[], &r);
        assert_eq!(report.volumes.len(), 1);
        assert_eq!(report.volumes[0].age_days, None);
        assert_eq!(
            report.snapshots[0].reason,
            "no source volume; no AMI uses it"
        );
        // Unknown age never passes a minimum age.
        let report = find_orphans(&volumes, &snapshots, &[], &[], &rules(&prices, Some(1)));
        assert!(report.volumes.is_empty() && report.snapshots.is_empty());
    }

    #[allow(
        clippy::too_many_lines,
        reason = "a table of cases: one list reads better than several tests"
    )]
    #[test]
    fn snapshots_something_else_needs_are_skipped_with_what_needs_them() {
        let prices = Prices::default();
        let owner = "111122223333";
        let gone =
            |id: &str, tags: &[(&str, &str)]| snap(id, &format!("vol-gone-{id}"), owner, tags);
        let snapshots = vec![
            gone("snap-plain", &[]),
            gone("snap-lt", &[]),
            gone("snap-lt-old-version", &[]),
            gone("snap-dlm", &[(DLM_POLICY_TAG, "policy-0123456789abcdef0")]),
            gone("snap-backup", &[(BACKUP_SOURCE_TAG, "vol-0abc")]),
            gone(
                "snap-safety",
                &[
                    (SOURCE_VOLUME_TAG, "vol-0abc"),
                    (RETAIN_UNTIL_TAG, "2026-12-31"),
                ],
            ),
            // Kept through the whole last day.
            gone(
                "snap-safety-today",
                &[
                    (SOURCE_VOLUME_TAG, "vol-0def"),
                    (RETAIN_UNTIL_TAG, "2026-11-23"),
                ],
            ),
            gone(
                "snap-safety-expired",
                &[
                    (SOURCE_VOLUME_TAG, "vol-0abc"),
                    (RETAIN_UNTIL_TAG, "2026-11-22"),
                ],
            ),
            gone(
                "snap-safety-odd",
                &[(SOURCE_VOLUME_TAG, "vol-0abc"), (RETAIN_UNTIL_TAG, "soon")],
            ),
            gone(
                "snap-safety-datetime",
                &[(RETAIN_UNTIL_TAG, "2027-01-15T00:00:00Z")],
            ),
            // Only the source tag (an older ecsnap): an ordinary orphan.
            gone("snap-old-safety", &[(SOURCE_VOLUME_TAG, "vol-0abc")]),
            // Protection wins over everything else and is said first.
            gone(
                "snap-kept-dlm",
                &[("ecsnap:keep", ""), (DLM_POLICY_TAG, "policy-1")],
            ),
        ];
        let templates = vec![LaunchTemplate {
            id: "lt-0aaa".into(),
            name: Some("ecs-workers".into()),
            snapshot_ids: vec!["snap-lt".into(), "snap-lt-old-version".into()],
        }];
        let report = find_orphans(&[], &snapshots, &[], &templates, &rules(&prices, None));
        let orphans: Vec<&str> = report
            .snapshots
            .iter()
            .map(|s| s.snapshot.id.as_str())
            .collect();
        let mut orphans_sorted = orphans.clone();
        orphans_sorted.sort_unstable();
        assert_eq!(
            orphans_sorted,
            ["snap-old-safety", "snap-plain", "snap-safety-expired"]
        );
        let skipped: BTreeMap<&str, &str> = report
            .skipped
            .iter()
            .map(|s| (s.id.as_str(), s.reason.as_str()))
            .collect();
        let want = [
            ("snap-lt", "used by launch template lt-0aaa (ecs-workers)"),
            (
                "snap-lt-old-version",
                "used by launch template lt-0aaa (ecs-workers)",
            ),
            (
                "snap-dlm",
                "managed by DLM policy policy-0123456789abcdef0: its retention removes it",
            ),
            (
                "snap-backup",
                "managed by AWS Backup (source vol-0abc): its retention removes it",
            ),
            (
                "snap-safety",
                "kept until 2026-12-31: safety snapshot of vol-0abc",
            ),
            (
                "snap-safety-today",
                "kept until 2026-11-23: safety snapshot of vol-0def",
            ),
            (
                "snap-safety-datetime",
                "kept until 2027-01-15: safety snapshot of vol-gone-snap-safety-datetime",
            ),
            ("snap-kept-dlm", "protected by tag ecsnap:keep"),
        ];
        for (id, reason) in want {
            assert_eq!(skipped.get(id).copied(), Some(reason), "{id}");
        }
        let odd = skipped
            .get("snap-safety-odd")
            .expect("unreadable date is kept");
        assert!(odd.contains("unreadable ecsnap:retain-until"), "{odd}");
        assert_eq!(skipped.len(), want.len() + 1);
        // The same guards answer the re-check before deletion.
        let guards = SnapshotGuards::new(&[], &templates, "ecsnap:keep");
        assert!(guards.kept(&snapshots[1], now()).is_some());
        assert_eq!(guards.kept(&snapshots[0], now()), None);
    }

    #[test]
    fn safety_snapshot_tags_carry_the_volume_and_the_date() {
        let until = retain_until(now(), 30);
        assert_eq!(until.to_string(), "2026-12-23");
        let tags = safety_snapshot_tags("vol-0abc", until);
        assert!(tags.contains(&(SOURCE_VOLUME_TAG.to_string(), "vol-0abc".to_string())));
        assert!(tags.contains(&(RETAIN_UNTIL_TAG.to_string(), "2026-12-23".to_string())));
        // Read back by the rules: kept until that day, an orphan the day after.
        let s = snap("snap-x", "vol-0abc", "111122223333", &[]);
        let s = Snapshot {
            tags: tags.into_iter().collect(),
            ..s
        };
        let guards = SnapshotGuards::new(&[], &[], "ecsnap:keep");
        let on = |d: u32| utc(2026, 12, d, 23, 59);
        assert_eq!(
            guards.kept(&s, on(23)).as_deref(),
            Some("kept until 2026-12-23: safety snapshot of vol-0abc")
        );
        assert_eq!(guards.kept(&s, on(24)), None);
    }

    #[test]
    fn unattached_days_keeps_only_volumes_seen_that_long() {
        let prices = Prices::default();
        let volumes = vec![
            vol("vol-long", "available", 90, &[]),
            vol("vol-short", "available", 90, &[]),
            vol("vol-unknown", "available", 90, &[]),
        ];
        let since: HashMap<String, DateTime<Utc>> = [
            ("vol-long".to_string(), days_ago(20).expect("t")),
            ("vol-short".to_string(), days_ago(3).expect("t")),
        ]
        .into_iter()
        .collect();
        let mut r = rules(&prices, None);
        r.available_since = Some(&since);
        // Without the filter: all listed, with what ecsnap knows.
        let all = find_orphans(&volumes, &[], &[], &[], &r);
        let seen: Vec<(&str, Option<DateTime<Utc>>)> = all
            .volumes
            .iter()
            .map(|v| (v.volume.id.as_str(), v.seen_available_since))
            .collect();
        assert_eq!(
            seen,
            [
                ("vol-long", days_ago(20)),
                ("vol-short", days_ago(3)),
                ("vol-unknown", None)
            ]
        );
        r.unattached_days = Some(7);
        let report = find_orphans(&volumes, &[], &[], &[], &r);
        assert_eq!(
            report
                .volumes
                .iter()
                .map(|v| v.volume.id.as_str())
                .collect::<Vec<_>>(),
            ["vol-long"]
        );
        let skipped: Vec<(&str, &str)> = report
            .skipped
            .iter()
            .map(|s| (s.id.as_str(), s.reason.as_str()))
            .collect();
        assert_eq!(skipped.len(), 2);
        assert_eq!(skipped[0].0, "vol-short");
        assert!(skipped[0].1.contains("only 3 days"), "{}", skipped[0].1);
        assert_eq!(skipped[1].0, "vol-unknown");
        assert!(skipped[1].1.contains("unknown"), "{}", skipped[1].1);
    }

    #[test]
    fn origin_from_tags() {
        assert_eq!(
            volume_origin(&pairs(&[("AmazonECSManaged", "true")])).as_deref(),
            Some("created by ECS")
        );
        assert_eq!(
            volume_origin(&pairs(&[("managed-by", "terraform")])).as_deref(),
            Some("managed by terraform")
        );
        assert_eq!(
            volume_origin(&pairs(&[("aws:ecs:clusterName", "c")])).as_deref(),
            Some("ECS cluster c")
        );
        assert_eq!(volume_origin(&pairs(&[("Name", "x")])), None);
    }

    #[test]
    fn listings_sort_by_cost_size_age_or_id() {
        // (id, $/month, GiB, age days)
        let rows: [(&str, f64, i32, Option<i64>); 6] = [
            ("vol-a", 1.0, 10, Some(5)),
            ("vol-b", 8.0, 100, Some(1)),
            ("vol-c", 8.0, 200, Some(40)),
            ("vol-d", 0.5, 5, None),
            ("vol-e", 8.0, 200, Some(40)),
            ("vol-f", 2.0, 300, Some(90)),
        ];
        let report = OrphanReport {
            locks: std::collections::BTreeMap::new(),
            volumes: rows
                .iter()
                .map(|&(id, cost, size, age)| OrphanVolume {
                    volume: Volume {
                        id: id.into(),
                        size_gib: size,
                        ..Volume::default()
                    },
                    age_days: age,
                    seen_available_since: None,
                    monthly_cost_usd: cost,
                    origin: None,
                    reason: String::new(),
                })
                .collect(),
            snapshots: rows
                .iter()
                .map(|&(id, cost, size, age)| OrphanSnapshot {
                    snapshot: Snapshot {
                        id: id.replace("vol", "snap"),
                        size_gib: size,
                        ..Snapshot::default()
                    },
                    age_days: age,
                    monthly_cost_usd: cost,
                    reason: String::new(),
                })
                .collect(),
            skipped: Vec::new(),
        };
        let order = |by: OrphanSort| {
            let r = report.clone().sorted(by);
            let snaps: Vec<String> = r
                .snapshots
                .iter()
                .map(|s| s.snapshot.id.replace("snap", "vol"))
                .collect();
            let vols: Vec<String> = r.volumes.iter().map(|v| v.volume.id.clone()).collect();
            assert_eq!(vols, snaps, "{by:?}: volumes and snapshots sort alike");
            vols.join(" ")
        };
        // Highest cost first; a tie goes to the larger size, then the id.
        assert_eq!(
            order(OrphanSort::Cost),
            "vol-c vol-e vol-b vol-f vol-a vol-d"
        );
        assert_eq!(
            order(OrphanSort::Size),
            "vol-f vol-c vol-e vol-b vol-a vol-d"
        );
        // Oldest first, unknown age last.
        assert_eq!(
            order(OrphanSort::Age),
            "vol-f vol-c vol-e vol-a vol-b vol-d"
        );
        assert_eq!(order(OrphanSort::Id), "vol-a vol-b vol-c vol-d vol-e vol-f");
    }
}
