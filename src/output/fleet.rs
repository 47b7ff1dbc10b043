//! The JSON contract where places matter: every entry of a listing carries the
//! `account_id` and `region` it came from (one place or many), the orphans totals are
//! given overall and per place, and a place that failed is listed with its error.

use crate::model::console_url::{ConsoleTarget, console_url};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::targets::TargetHealthJson;
use crate::analysis::stop::{StopClass, StopDiagnosis};
use crate::analysis::targets::{targets_by_task, with_target_reason};
use crate::model::TargetHealth;

use super::json::{OrphansJson, ServiceJson, TaskJson, TotalsJson, UserTagsJson, mark_awaiting};
use crate::analysis::orphans::{OrphanKey, OrphanReport, OrphanSort, OrphanTotals};
use crate::analysis::tags::UserTags;
use crate::aws::fleet::PlaceFailure;
use crate::load::{ServicesListing, TaskListing};
use crate::model::Service;

/// Where an entry came from: the account id (`None` when STS could not say) and region.
/// In JSON (flattened into a place's object): `account`, `account_id`, `region`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Where {
    pub account: String,
    pub account_id: Option<String>,
    pub region: String,
}

/// An entry with its place in front of its own fields.
#[derive(Debug, Serialize)]
pub struct Located<T: Serialize> {
    pub account_id: Option<String>,
    pub region: String,
    #[serde(flatten)]
    pub item: T,
}

impl<T: Serialize> Located<T> {
    /// A table row: the place (account id, region) in front of `cells`.
    pub fn row(&self, cells: impl IntoIterator<Item = String>) -> Vec<String> {
        [
            self.account_id.clone().unwrap_or_default(),
            self.region.clone(),
        ]
        .into_iter()
        .chain(cells)
        .collect()
    }
}

pub(crate) fn located<T: Serialize>(at: &Where, item: T) -> Located<T> {
    Located {
        account_id: at.account_id.clone(),
        region: at.region.clone(),
        item,
    }
}

/// The console URL of `target` at `at`; `None` when the URL needs the account and it is
/// unknown (only an image's does).
fn url_at(at: &Where, target: &ConsoleTarget) -> Option<String> {
    let account = at.account_id.as_deref().unwrap_or_default();
    if account.is_empty() && matches!(target, ConsoleTarget::Image { .. }) {
        return None;
    }
    Some(console_url(target, &at.region, account))
}

/// A service's JSON with its console URL at `at`.
fn service_json_at(at: &Where, s: &Service) -> ServiceJson {
    let mut json = ServiceJson::from(s);
    json.console_url = url_at(at, &ConsoleTarget::service(&s.cluster, &s.name));
    json
}

pub fn services_json(parts: &[(Where, Vec<Service>)]) -> Vec<Located<ServiceJson>> {
    parts
        .iter()
        .flat_map(|(at, services)| services.iter().map(|s| located(at, service_json_at(at, s))))
        .collect()
}

/// `services --json`: every service judged (its `why`).
pub fn judged_services_json(
    parts: &[(Where, ServicesListing)],
    now: DateTime<Utc>,
) -> Vec<Located<ServiceJson>> {
    parts
        .iter()
        .flat_map(|(at, listing)| {
            listing.services.iter().map(move |s| {
                let mut json = service_json_at(at, s)
                    .judged(listing.whys.get(&s.arn), now)
                    .with_alarms(listing.alarms.as_ref());
                mark_awaiting(std::iter::once(&mut json), &listing.awaiting, now);
                located(at, json)
            })
        })
        .collect()
}

pub fn tasks_json(parts: &[(Where, TaskListing)]) -> Vec<Located<TaskJson>> {
    parts
        .iter()
        .flat_map(|(at, l)| {
            let by_task = targets_by_task(&l.targets.targets, &l.tasks, &l.targets.instances);
            // Every group unread: unknown (`null`); otherwise what was read.
            let unread = l.targets.targets.is_empty() && !l.targets.errors.is_empty();
            l.tasks.iter().map(move |t| {
                let mut json = TaskJson::new(t, l.storage.get(&t.task_definition));
                let mine = by_task.get(&t.arn).map_or(&[][..], Vec::as_slice);
                set_target_health(&mut json, (!unread).then_some(mine));
                json.console_url = url_at(at, &ConsoleTarget::task(&t.cluster, &t.id));
                located(at, json)
            })
        })
        .collect()
}

pub fn snapshots_json(parts: &[(Where, Vec<UserTags>)]) -> Vec<Located<UserTagsJson>> {
    parts
        .iter()
        .flat_map(|(at, groups)| {
            groups.iter().map(|g| {
                let mut json = UserTagsJson::from(g);
                for tag in &mut json.tags {
                    tag.console_url =
                        url_at(at, &ConsoleTarget::image(&json.repository, &tag.tag.digest));
                }
                located(at, json)
            })
        })
        .collect()
}

/// A place that could not be read, as the JSON lists it.
#[derive(Debug, Serialize)]
pub struct FailureJson {
    pub account: String,
    pub account_id: Option<String>,
    /// `null` when the whole account failed.
    pub region: Option<String>,
    pub error: String,
}

impl From<&PlaceFailure> for FailureJson {
    fn from(f: &PlaceFailure) -> Self {
        Self {
            account: f.account.clone(),
            account_id: f.account_id.clone(),
            region: f.region.clone(),
            error: f.error.clone(),
        }
    }
}

/// The orphan totals of one place.
#[derive(Debug, Serialize)]
pub struct PlaceTotalsJson {
    #[serde(flatten)]
    pub at: Where,
    #[serde(flatten)]
    pub totals: TotalsJson,
}

/// `orphans --json`: the single-place shape (`volumes`, `snapshots`, `skipped`, `totals`)
/// with the place on every entry, plus `totals_by_place` and `failures`.
#[derive(Debug, Serialize)]
pub struct FleetOrphansJson {
    pub volumes: Vec<Located<super::json::OrphanVolumeJson>>,
    pub snapshots: Vec<Located<super::json::OrphanSnapshotJson>>,
    pub skipped: Vec<Located<super::json::SkippedJson>>,
    pub totals: TotalsJson,
    pub totals_by_place: Vec<PlaceTotalsJson>,
    pub failures: Vec<FailureJson>,
}

impl FleetOrphansJson {
    pub fn new(parts: &[(Where, OrphanReport)], failures: &[PlaceFailure]) -> Self {
        let mut out = Self {
            volumes: Vec::new(),
            snapshots: Vec::new(),
            skipped: Vec::new(),
            totals: TotalsJson::from(&OrphanTotals::default()),
            totals_by_place: Vec::new(),
            failures: failures.iter().map(FailureJson::from).collect(),
        };
        let mut all = OrphanTotals::default();
        for (at, report) in parts {
            let t = report.totals();
            all.volumes += t.volumes;
            all.snapshots += t.snapshots;
            all.size_gib += t.size_gib;
            all.monthly_cost_usd += t.monthly_cost_usd;
            out.totals_by_place.push(PlaceTotalsJson {
                at: at.clone(),
                totals: TotalsJson::from(&t),
            });
            let one = OrphansJson::from(report);
            out.volumes.extend(one.volumes.into_iter().map(|mut v| {
                v.console_url = url_at(at, &ConsoleTarget::volume(&v.volume_id));
                located(at, v)
            }));
            out.snapshots.extend(one.snapshots.into_iter().map(|mut s| {
                s.console_url = url_at(at, &ConsoleTarget::snapshot(&s.snapshot_id));
                located(at, s)
            }));
            out.skipped
                .extend(one.skipped.into_iter().map(|s| located(at, s)));
        }
        out.totals = TotalsJson::from(&all);
        out
    }

    /// The volumes and the snapshots of every place as one list in `by`'s order (the
    /// skipped stay per place).
    #[must_use]
    pub fn sorted(mut self, by: OrphanSort) -> Self {
        fn volume(v: &Located<super::json::OrphanVolumeJson>) -> OrphanKey<'_> {
            OrphanKey {
                monthly_cost_usd: v.item.monthly_cost_usd,
                size_gib: v.item.size_gib,
                age_days: v.item.age_days,
                id: &v.item.volume_id,
            }
        }
        fn snapshot(s: &Located<super::json::OrphanSnapshotJson>) -> OrphanKey<'_> {
            OrphanKey {
                monthly_cost_usd: s.item.monthly_cost_usd,
                size_gib: s.item.size_gib,
                age_days: s.item.age_days,
                id: &s.item.snapshot_id,
            }
        }
        self.volumes
            .sort_by(|a, b| by.compare(&volume(a), &volume(b)));
        self.snapshots
            .sort_by(|a, b| by.compare(&snapshot(a), &snapshot(b)));
        self
    }
}

/// Sets the task's `target_health` (`None`: the targets could not be read → `null`) and
/// pairs a failed-ELB-health-check stop hint with its target's reason.
fn set_target_health(json: &mut TaskJson, targets: Option<&[&TargetHealth]>) {
    json.target_health =
        Some(targets.map(|ts| ts.iter().map(|t| TargetHealthJson::from(*t)).collect()));
    let (Some(targets), Some(hint)) = (targets, json.stop_hint.as_ref()) else {
        return;
    };
    if json.stop_class == Some(StopClass::LoadBalancerHealthCheck.code()) {
        let paired = with_target_reason(
            StopDiagnosis {
                class: StopClass::LoadBalancerHealthCheck,
                hint: hint.clone(),
            },
            targets,
        );
        json.stop_hint = Some(paired.hint);
    }
}

#[cfg(test)]
mod console_url_tests {
    use super::*;
    use crate::model::Task;

    fn at(account_id: Option<&str>) -> Where {
        Where {
            account: "prod".into(),
            account_id: account_id.map(str::to_string),
            region: "eu-west-1".into(),
        }
    }

    #[test]
    fn listings_carry_the_console_url_of_their_place() {
        let service = Service {
            cluster: "shop".into(),
            name: "web".into(),
            ..Service::default()
        };
        let json =
            serde_json::to_value(services_json(&[(at(Some("111111111111")), vec![service])]))
                .expect("json");
        assert_eq!(
            json[0]["console_url"],
            "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/shop/services/web/health?region=eu-west-1"
        );
        let listing = TaskListing {
            tasks: vec![Task {
                id: "abc".into(),
                cluster: "shop".into(),
                ..Task::default()
            }],
            ..TaskListing::default()
        };
        let json = serde_json::to_value(tasks_json(&[(at(None), listing)])).expect("json");
        assert_eq!(
            json[0]["console_url"],
            "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/shop/tasks/abc/configuration?region=eu-west-1"
        );
    }
}
