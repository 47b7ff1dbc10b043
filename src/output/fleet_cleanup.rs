//! `cleanup --json` over several places: the single-place shape (`action`, `items`,
//! `skipped`, `totals`, `results`, `summary`) with `account_id` and `region` in front of
//! every entry, plus the totals (and notes) per place and per account and the places that
//! could not be read. `action` is `archive` for `--snapshots --archive`.

use serde::Serialize;

use super::actions::{
    CleanupItemJson, CleanupTotalsJson, ItemResultJson, ResultSummaryJson, round2,
};
use super::fleet::{FailureJson, Located, Where, located};
use super::json::SkippedJson;
use crate::model::ResourceKind;
use crate::ops::cleanup::ItemResult;
use crate::ops::cleanup::fleet::{AccountCount, FleetCleanupPlan, PlaceGroup};

/// The plan and (after executing) the results of one place.
#[derive(Debug, Serialize)]
pub struct PlaceCleanupJson {
    /// The account id is always known here (`account_id` is never `null`).
    #[serde(flatten)]
    pub at: Where,
    pub production: bool,
    /// Why nothing was sent here (a read-only account), or `null`.
    pub refused: Option<String>,
    pub preflight_done: bool,
    /// What this place's plan could not check, or must say (the archive's 90-day
    /// minimum), one line each.
    pub notes: Vec<String>,
    #[serde(flatten)]
    pub totals: CleanupTotalsJson,
    pub summary: Option<ResultSummaryJson>,
}

#[derive(Debug, Serialize)]
pub struct FleetCleanupJson {
    /// `delete`, or `archive` (`--snapshots --archive`: ModifySnapshotTier).
    pub action: &'static str,
    pub target: &'static str,
    pub dry_run: bool,
    pub min_age_days: Option<i64>,
    pub snapshot_first: bool,
    pub keep_newest: Option<usize>,
    pub items: Vec<Located<CleanupItemJson>>,
    pub skipped: Vec<Located<SkippedJson>>,
    pub totals: CleanupTotalsJson,
    pub totals_by_place: Vec<PlaceCleanupJson>,
    /// One account's share of the plan each.
    pub totals_by_account: Vec<AccountCount>,
    /// Per-resource results of every place; `null` when nothing was executed.
    pub results: Option<Vec<Located<ItemResultJson>>>,
    pub summary: Option<ResultSummaryJson>,
    pub failures: Vec<FailureJson>,
}

fn where_of(g: &PlaceGroup) -> Where {
    Where {
        account: g.place.account.clone(),
        account_id: Some(g.place.account_id.clone()),
        region: g.place.region.clone(),
    }
}

impl FleetCleanupJson {
    /// `results`: per group (in `plan.groups` order), `None` when nothing was executed.
    pub fn new(
        plan: &FleetCleanupPlan,
        dry_run: bool,
        results: Option<&[Vec<ItemResult>]>,
    ) -> Self {
        let first = plan.groups.first().map(|g| &g.plan);
        let mut out = Self {
            action: if plan.archive { "archive" } else { "delete" },
            target: plan.target.noun(),
            dry_run,
            min_age_days: first.and_then(|p| p.min_age_days),
            snapshot_first: first.is_some_and(|p| p.snapshot_first),
            keep_newest: first
                .filter(|p| p.target == ResourceKind::Image)
                .map(|p| p.keep_newest),
            items: Vec::new(),
            skipped: Vec::new(),
            totals: CleanupTotalsJson {
                count: plan.items(),
                to_execute: plan.to_execute(),
                permanent: plan.groups.iter().map(|g| g.plan.permanent_count()).sum(),
                size_gib: round2(plan.total_gib()),
                monthly_cost_usd: plan.total_monthly_usd(),
                archive_monthly_usd: plan.archive.then(|| plan.archive_monthly_usd()),
            },
            totals_by_place: Vec::new(),
            totals_by_account: plan.by_account(),
            results: results.map(|_| Vec::new()),
            summary: results.map(|r| ResultSummaryJson::of(&r.concat())),
            failures: plan.failures.iter().map(FailureJson::from).collect(),
        };
        for (i, g) in plan.groups.iter().enumerate() {
            let at = where_of(g);
            let done = results.and_then(|r| r.get(i));
            out.totals_by_place.push(PlaceCleanupJson {
                at: at.clone(),
                production: g.place.marks.production,
                refused: g.refused.clone(),
                preflight_done: g.plan.preflight_done,
                notes: g.plan.notes.clone(),
                totals: CleanupTotalsJson::of(&g.plan, g.to_execute()),
                summary: done.map(|r| ResultSummaryJson::of(r)),
            });
            out.items.extend(
                g.plan
                    .items
                    .iter()
                    .map(|item| located(&at, CleanupItemJson::in_plan(&g.plan, item))),
            );
            out.skipped.extend(
                g.plan
                    .skipped
                    .iter()
                    .map(|s| located(&at, SkippedJson::from(s))),
            );
            if let (Some(all), Some(done)) = (out.results.as_mut(), done) {
                all.extend(done.iter().map(|r| located(&at, ItemResultJson::from(r))));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::cleanup::fleet::tests::{archive_sample, sample};
    use crate::ops::cleanup::{ItemResult, ItemStatus};

    #[test]
    fn every_entry_carries_its_place_and_totals_add_up() {
        let plan = sample();
        let results: Vec<Vec<ItemResult>> = plan
            .groups
            .iter()
            .map(|g| g.all_as(ItemStatus::Done, None))
            .collect();
        let json = serde_json::to_value(FleetCleanupJson::new(&plan, false, Some(&results)))
            .expect("json");
        assert_eq!(json["totals"]["count"], 6);
        assert_eq!(json["totals"]["to_execute"], 4);
        for key in ["items", "results"] {
            for entry in json[key].as_array().expect(key) {
                assert!(entry["account_id"].is_string(), "{entry}");
                assert!(entry["region"].is_string(), "{entry}");
            }
        }
        assert_eq!(json["items"][0]["region"], "eu-west-1");
        assert_eq!(json["items"][0]["volume_id"], serde_json::Value::Null);
        assert_eq!(json["items"][0]["id"], "vol-1");
        assert_eq!(json["totals_by_place"].as_array().map(Vec::len), Some(4));
        assert_eq!(json["totals_by_place"][2]["production"], true);
        assert_eq!(json["totals_by_place"][3]["refused"], "read-only");
        assert_eq!(json["totals_by_account"][1]["account_id"], "111122223333");
        let text = serde_json::to_string(&FleetCleanupJson::new(&plan, false, Some(&results)))
            .expect("json");
        let account = &text[text.find(r#""totals_by_account":[{"#).expect("accounts")..];
        let keys = [
            "account",
            "account_id",
            "production",
            "read_only",
            "places",
            "to_execute",
            "size_gib",
            "monthly_cost_usd",
        ];
        let at: Vec<usize> = keys
            .iter()
            .map(|k| account.find(&format!("\"{k}\":")).expect(k))
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{account}");
        assert_eq!(json["summary"]["done"], 6);
        assert_eq!(json["failures"][0]["region"], "ap-south-2");
        let dry = serde_json::to_value(FleetCleanupJson::new(&plan, true, None)).expect("json");
        assert!(dry["results"].is_null() && dry["summary"].is_null());
        assert_eq!(dry["action"], "delete");
        assert!(dry["totals"]["archive_monthly_usd"].is_null(), "{dry}");
        assert!(dry["totals_by_account"][0]["archive_monthly_usd"].is_null());
    }

    #[test]
    fn an_archive_plan_says_archive_and_the_archive_tier_cost_everywhere() {
        let plan = archive_sample();
        let json = serde_json::to_value(FleetCleanupJson::new(&plan, true, None)).expect("json");
        assert_eq!(json["action"], "archive");
        assert_eq!(json["target"], "snapshots");
        assert_eq!(json["items"][0]["id"], "snap-1");
        assert_eq!(json["items"][0]["region"], "eu-west-1");
        assert_eq!(json["items"][0]["archive_monthly_usd"], 0.13);
        assert_eq!(json["totals"]["archive_monthly_usd"], 0.78);
        assert_eq!(json["totals"]["permanent"], 0, "archiving deletes nothing");
        assert_eq!(json["totals_by_place"][0]["archive_monthly_usd"], 0.26);
        assert_eq!(json["totals_by_place"][0]["monthly_cost_usd"], 1.6);
        assert_eq!(json["totals_by_account"][0]["archive_monthly_usd"], 0.52);
        assert!(json["totals_by_place"][0]["notes"].is_array(), "{json}");
    }
}
