//! Cleanup over several places (accounts × regions): the single-place planner and DryRun
//! preflight run per place, side by side, each through that place's own `Mutator`; the
//! result is one plan grouped by place, with the per-place and per-account counts the
//! one confirmation shows. A place whose account is read-only is planned (so the plan
//! says what it would have deleted) but refused: no preflight, nothing sent. A place that
//! cannot be read is a failure; the others go on. `CleanupAsk::archive` plans each place
//! with the archive planner (`archive::plan`: ModifySnapshotTier instead of deleting).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::archive::archive_monthly_total;
use super::{CleanupPlan, ItemResult, ItemStatus, PlanContext, plan, preflight};
use crate::analysis::cost::{cents_json, cents_json_opt};
use crate::analysis::orphans::OrphanFilter;
use crate::aws::AwsClients;
use crate::aws::fleet::{Place, PlaceFailure};
use crate::config::Settings;
use crate::model::ResourceKind;
use crate::ops::confirm::Confirmation;
use crate::ops::guard::Mutator;

/// One place to clean up: where, how to read it, and its own guarded mutator.
pub struct PlaceCleanup<'a> {
    pub place: &'a Place,
    pub aws: &'a AwsClients,
    pub mutator: &'a Mutator,
    /// The settings with the place's marks applied (`ops::session::place_settings`).
    pub settings: &'a Settings,
}

/// What the cleanup asks for, the same in every place.
#[derive(Debug, Clone, Copy)]
pub struct CleanupAsk {
    pub target: ResourceKind,
    pub filter: OrphanFilter,
    pub snapshot_first: bool,
    /// Snapshots: archive them (ModifySnapshotTier, `archive::plan`) instead of deleting.
    pub archive: bool,
    pub now: DateTime<Utc>,
}

/// The plan of one place.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceGroup {
    pub place: Place,
    pub plan: CleanupPlan,
    /// Why nothing is sent here (a read-only account), if so.
    pub refused: Option<String>,
}

impl PlaceGroup {
    /// The items that will be sent: none when refused, else those the preflight allows.
    pub fn to_execute(&self) -> usize {
        if self.refused.is_some() {
            0
        } else {
            self.plan.to_execute().count()
        }
    }

    /// Every item with one outcome: a refused place's (skipped), or those of a place whose
    /// run stopped before sending anything (failed).
    pub fn all_as(&self, status: ItemStatus, detail: Option<&str>) -> Vec<ItemResult> {
        self.plan
            .items
            .iter()
            .map(|i| ItemResult {
                id: i.id.clone(),
                kind: i.kind,
                status,
                detail: detail.map(str::to_string),
                snapshot_id: None,
            })
            .collect()
    }

    /// Refused with something it would have deleted.
    pub fn refused_with_items(&self) -> bool {
        self.refused.is_some() && !self.plan.items.is_empty()
    }
}

/// The whole plan: one group per place that was read (in the places' order), and the
/// places that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetCleanupPlan {
    pub target: ResourceKind,
    /// Every place's plan archives its snapshots instead of deleting them.
    pub archive: bool,
    pub groups: Vec<PlaceGroup>,
    pub failures: Vec<PlaceFailure>,
}

/// What one account contributes to the plan (the confirmation's per-account counts, and
/// `totals_by_account` in the JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountCount {
    pub account: String,
    pub account_id: String,
    pub production: bool,
    pub read_only: bool,
    /// Places (regions) of the account in the plan.
    pub places: usize,
    pub to_execute: usize,
    #[serde(serialize_with = "cents_json")]
    pub size_gib: f64,
    #[serde(serialize_with = "cents_json")]
    pub monthly_cost_usd: f64,
    /// `archive` plans: the account's snapshots' $/month in the archive tier (`null` when
    /// deleting).
    #[serde(serialize_with = "cents_json_opt")]
    pub archive_monthly_usd: Option<f64>,
}

impl FleetCleanupPlan {
    /// Items that will be sent, over every place.
    pub fn to_execute(&self) -> usize {
        self.groups.iter().map(PlaceGroup::to_execute).sum()
    }

    /// Items planned, refused places included.
    pub fn items(&self) -> usize {
        self.groups.iter().map(|g| g.plan.items.len()).sum()
    }

    pub fn total_gib(&self) -> f64 {
        crate::analysis::cost::total(self.groups.iter().map(|g| g.plan.total_gib()))
    }

    pub fn total_monthly_usd(&self) -> f64 {
        crate::analysis::cost::cents(crate::analysis::cost::total(
            self.groups
                .iter()
                .flat_map(|g| g.plan.items.iter().map(|i| i.monthly_cost_usd)),
        ))
    }

    /// Per account, in the order the accounts first appear.
    pub fn by_account(&self) -> Vec<AccountCount> {
        let mut out: Vec<AccountCount> = Vec::new();
        for g in &self.groups {
            let i = if let Some(i) = out
                .iter()
                .position(|a| a.account_id == g.place.account_id && a.account == g.place.account)
            {
                i
            } else {
                out.push(AccountCount {
                    account: g.place.account.clone(),
                    account_id: g.place.account_id.clone(),
                    production: false,
                    read_only: false,
                    places: 0,
                    to_execute: 0,
                    size_gib: 0.0,
                    monthly_cost_usd: 0.0,
                    archive_monthly_usd: None,
                });
                out.len() - 1
            };
            let a = &mut out[i];
            a.production |= g.place.marks.production;
            a.read_only |= g.refused.is_some();
            a.places += 1;
            a.to_execute += g.to_execute();
            a.size_gib += g.plan.total_gib();
            // Exact; rounded to cents where it is shown.
            a.monthly_cost_usd +=
                crate::analysis::cost::total(g.plan.items.iter().map(|i| i.monthly_cost_usd));
            if self.archive {
                *a.archive_monthly_usd.get_or_insert(0.0) += archive_monthly_total(&g.plan);
            }
        }
        out
    }

    /// `archive` plans: every place's snapshots' $/month in the archive tier.
    pub fn archive_monthly_usd(&self) -> f64 {
        crate::analysis::cost::cents(crate::analysis::cost::total(
            self.groups.iter().map(|g| archive_monthly_total(&g.plan)),
        ))
    }

    /// A production account will be changed (it has something to send).
    pub fn touches_production(&self) -> bool {
        self.groups
            .iter()
            .any(|g| g.place.marks.production && g.to_execute() > 0)
    }

    /// The one confirmation for the whole plan: the count typed back, as for a bulk
    /// delete in one place (a production account in the plan is what the plan's header
    /// marks; the typed count is asked in every case).
    pub fn confirmation(&self) -> Confirmation {
        Confirmation::required(Some(self.to_execute()), self.touches_production(), "")
    }
}

/// Plans and preflights every place side by side (reads and DryRun checks only).
pub async fn plan_places(places: &[PlaceCleanup<'_>], ask: CleanupAsk) -> FleetCleanupPlan {
    // Every place at once: each place's clients bound its own requests (`aws::budget`).
    let answers: Vec<(usize, crate::error::Result<PlaceGroup>)> = futures::future::join_all(
        places
            .iter()
            .enumerate()
            .map(|(i, p)| async move { (i, plan_place(p, ask).await) }),
    )
    .await;
    let mut groups = Vec::new();
    let mut failures = Vec::new();
    for (i, answer) in answers {
        match answer {
            Ok(g) => groups.push(g),
            Err(e) => {
                let place = places[i].place;
                failures.push(PlaceFailure {
                    account: place.account.clone(),
                    account_id: Some(place.account_id.clone()),
                    region: Some(place.region.clone()),
                    error: e.to_string(),
                });
            }
        }
    }
    FleetCleanupPlan {
        target: ask.target,
        archive: ask.archive,
        groups,
        failures,
    }
}

async fn plan_place(p: &PlaceCleanup<'_>, ask: CleanupAsk) -> crate::error::Result<PlaceGroup> {
    let cx = PlanContext::new(p.aws, p.settings, Some(&p.place.account_id), ask.now);
    let mut plan = if ask.archive {
        super::archive::plan(cx, ask.filter, None).await?
    } else {
        plan(cx, ask.target, ask.filter, ask.snapshot_first).await?
    };
    let refused = p.mutator.is_read_only().then(|| {
        format!(
            "account {} ({}) is read-only (--read-only, or `read_only = true` for it in the \
             config): nothing is sent in {}",
            p.place.account, p.place.account_id, p.place.region
        )
    });
    if refused.is_none() {
        preflight(p.mutator, &mut plan).await;
    }
    Ok(PlaceGroup {
        place: p.place.clone(),
        plan,
        refused,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::aws::Preflight;
    use crate::config::Marks;
    use crate::ops::cleanup::CleanupItem;

    pub(crate) fn place(account: &str, id: &str, region: &str, production: bool) -> Place {
        Place {
            account: account.into(),
            account_id: id.into(),
            region: region.into(),
            marks: Marks {
                production,
                read_only: false,
            },
        }
    }

    pub(crate) fn group(place: Place, ids: &[&str], refused: bool) -> PlaceGroup {
        PlaceGroup {
            place,
            plan: CleanupPlan {
                preflight_done: true,
                ..CleanupPlan::new(
                    ResourceKind::Volume,
                    ids.iter()
                        .map(|id| {
                            let mut item = CleanupItem::ebs(
                                ResourceKind::Volume,
                                id,
                                10,
                                Some(40),
                                0.8,
                                "available",
                            );
                            item.preflight = Some(if id.ends_with("denied") {
                                Preflight::Denied("ec2:DeleteVolume denied".into())
                            } else {
                                Preflight::Allowed
                            });
                            item
                        })
                        .collect(),
                    3,
                )
            },
            refused: refused.then(|| "read-only".to_string()),
        }
    }

    pub(crate) fn sample() -> FleetCleanupPlan {
        FleetCleanupPlan {
            target: ResourceKind::Volume,
            archive: false,
            groups: vec![
                group(
                    place("dev", "123456789012", "eu-west-1", false),
                    &["vol-1", "vol-2"],
                    false,
                ),
                group(
                    place("dev", "123456789012", "us-east-1", false),
                    &["vol-3", "vol-denied"],
                    false,
                ),
                group(
                    place("prod", "111122223333", "us-east-1", true),
                    &["vol-4"],
                    false,
                ),
                group(
                    place("audit", "444455556666", "us-east-1", false),
                    &["vol-5"],
                    true,
                ),
            ],
            failures: vec![PlaceFailure {
                account: "dev".into(),
                account_id: Some("123456789012".into()),
                region: Some("ap-south-2".into()),
                error: "access denied".into(),
            }],
        }
    }

    /// [`sample`] as an archive plan: the same places, snapshots archived instead.
    pub(crate) fn archive_sample() -> FleetCleanupPlan {
        let mut plan = sample();
        plan.target = ResourceKind::Snapshot;
        plan.archive = true;
        for g in &mut plan.groups {
            g.plan.target = ResourceKind::Snapshot;
            g.plan.archive = true;
            for item in &mut g.plan.items {
                item.kind = ResourceKind::Snapshot;
                item.id = item.id.replace("vol-", "snap-");
            }
        }
        plan
    }

    #[test]
    fn an_archive_plan_sums_the_archive_tier_per_account() {
        let plan = archive_sample();
        // 10 GiB at $0.0125 is $0.13 a snapshot (rounded per item, as the row shows it).
        assert!((plan.archive_monthly_usd() - 0.78).abs() < 1e-9);
        let archive: Vec<Option<f64>> = plan
            .by_account()
            .iter()
            .map(|a| a.archive_monthly_usd.map(crate::analysis::cost::cents))
            .collect();
        assert_eq!(archive, [Some(0.52), Some(0.13), Some(0.13)]);
        assert_eq!(
            sample().by_account()[0].archive_monthly_usd,
            None,
            "a deletion has no archive cost"
        );
    }

    #[test]
    fn counts_group_by_account_and_leave_out_blocked_and_refused() {
        let plan = sample();
        assert_eq!(plan.items(), 6);
        // vol-denied is blocked by the preflight; vol-5 is in a read-only account.
        assert_eq!(plan.to_execute(), 4);
        assert!((plan.total_gib() - 60.0).abs() < 1e-9);
        assert!((plan.total_monthly_usd() - 4.8).abs() < 1e-9);
        let accounts: Vec<(String, usize, usize, bool, bool)> = plan
            .by_account()
            .into_iter()
            .map(|a| (a.account, a.places, a.to_execute, a.production, a.read_only))
            .collect();
        assert_eq!(
            accounts,
            [
                ("dev".to_string(), 2, 3, false, false),
                ("prod".to_string(), 1, 1, true, false),
                ("audit".to_string(), 1, 0, false, true),
            ]
        );
        assert!(plan.groups[3].refused_with_items());
    }

    #[test]
    fn the_one_confirmation_types_the_count_and_notes_production() {
        let mut plan = sample();
        assert!(plan.touches_production());
        assert_eq!(plan.confirmation(), Confirmation::Typed("4".into()));
        // Without the production account's items, production is not touched.
        plan.groups.remove(2);
        assert!(!plan.touches_production());
        assert_eq!(plan.confirmation(), Confirmation::Typed("3".into()));
    }
}
