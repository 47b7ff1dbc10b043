//! Realistic ages for the demo fleet. moto stamps everything it creates "now" and its API
//! cannot backdate, so every orphan would be `0d` old and every tag pushed minutes ago. The
//! demo's emulator helper (`dynamics.py`, which runs moto's server in its own process)
//! answers one private request, `POST /ecsnap-demo/backdate`, that sets volumes'
//! CreateTime, snapshots' StartTime and ECR images' imagePushedAt in moto's backend from a
//! map of resource id (or repository and tag) to a time, and the service events ECS would
//! have posted for a service stuck on capacity. The demo sends it once, right
//! after seeding, with the times the seeding chose ([`super::fleet::SeedTimes`]), and once
//! more for the gateway's route-cache snapshot, seeded with the canary after that.
//!
//! Why a private request rather than a tag the helper reads: it is applied before the
//! first listing (the call returns when done, no race with a background loop), it leaves
//! nothing in what AWS answers (a marker tag would show among the resources' tags, and ECR
//! images carry no tags), and a resource that does not exist is an error, not silence.
//! ecsnap itself learns nothing: it reads the times through the ordinary APIs, as from
//! AWS. Plain moto (the other end-to-end tests, `ECSNAP_DEMO_DYNAMICS=off`) keeps its own
//! times.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use super::Emulator;
use super::failing::FailingRollout;
use super::fleet::{DemoFleet, REGION};
use super::route_cache::RouteCache;
use crate::error::Result;

/// The private path the helper answers (never an AWS API's).
pub const BACKDATE_PATH: &str = "/ecsnap-demo/backdate";

fn rfc3339(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The request body: the fleet's times and, when seeded, the failing rollout's pushes.
pub fn backdate_body(fleet: &DemoFleet, rollout: Option<&FailingRollout>) -> String {
    let times = &fleet.times;
    let map = |pairs: &[(String, DateTime<Utc>)]| -> Map<String, Value> {
        pairs
            .iter()
            .map(|(id, t)| (id.clone(), Value::String(rfc3339(t))))
            .collect()
    };
    let images: Vec<Value> = times
        .images
        .iter()
        .chain(rollout.map_or(&[][..], |r| r.pushed.as_slice()))
        .map(|(repository, tag, t)| {
            json!({"repository": repository, "tag": tag, "pushedAt": rfc3339(t)})
        })
        .collect();
    let stuck: Vec<Value> = times
        .stuck
        .iter()
        .map(|s| {
            json!({
                "cluster": s.cluster,
                "service": s.service,
                "message": s.message,
                "since": rfc3339(&s.since),
                "everySeconds": s.every.num_seconds(),
            })
        })
        .collect();
    json!({
        "account": fleet.account,
        "region": REGION,
        "volumes": map(&times.volumes),
        "snapshots": map(&times.snapshots),
        "images": images,
        "stuck": stuck,
    })
    .to_string()
}

/// The request body for the gateway's route-cache snapshot (seeded with the canary, after
/// the fleet's times were set): taken with the ledger's nightly snapshot, a day ago.
/// `None` when no snapshot was seeded.
pub fn route_cache_body(fleet: &DemoFleet, route_cache: &RouteCache) -> Option<String> {
    if route_cache.snapshot.is_empty() {
        return None;
    }
    let nightly = fleet.live_volume_snapshots.first();
    let at = fleet
        .times
        .snapshots
        .iter()
        .find(|(id, _)| Some(id) == nightly)
        .map_or_else(
            || crate::config::now() - chrono::Duration::days(1),
            |(_, t)| *t,
        );
    Some(
        json!({
            "account": fleet.account,
            "region": REGION,
            "snapshots": {route_cache.snapshot.as_str(): rfc3339(&at)},
        })
        .to_string(),
    )
}

/// Backdates the gateway's route-cache snapshot in the demo's emulator (see
/// [`route_cache_body`]).
pub fn backdate_route_cache(
    emulator: &Emulator,
    fleet: &DemoFleet,
    route_cache: &RouteCache,
) -> Result<()> {
    match route_cache_body(fleet, route_cache) {
        Some(body) => emulator.post(BACKDATE_PATH, &body),
        None => Ok(()),
    }
}

/// Sets the seeded resources' times in the demo's emulator (which must run the helper).
pub fn backdate(
    emulator: &Emulator,
    fleet: &DemoFleet,
    rollout: Option<&FailingRollout>,
) -> Result<()> {
    emulator.post(BACKDATE_PATH, &backdate_body(fleet, rollout))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::fleet::{CAPACITY_UNAVAILABLE, SeedTimes, StuckService, tag_time};

    #[test]
    fn the_body_names_every_time_in_rfc3339() {
        let at = tag_time("alice-20261115T0800").unwrap_or_default();
        assert_eq!(rfc3339(&at), "2026-11-15T08:00:00Z");
        let fleet = DemoFleet {
            account: "123456789012".into(),
            times: SeedTimes {
                volumes: vec![("vol-1".into(), at)],
                snapshots: vec![("snap-1".into(), at)],
                images: vec![("workspaces".into(), "alice-20261115T0800".into(), at)],
                stuck: vec![StuckService {
                    cluster: "payments-prod".into(),
                    service: "worker".into(),
                    message: CAPACITY_UNAVAILABLE.into(),
                    since: at,
                    every: chrono::Duration::minutes(3),
                }],
            },
            ..DemoFleet::default()
        };
        let body: Value = serde_json::from_str(&backdate_body(&fleet, None)).unwrap_or_default();
        assert_eq!(body["volumes"]["vol-1"], "2026-11-15T08:00:00Z");
        assert_eq!(body["snapshots"]["snap-1"], "2026-11-15T08:00:00Z");
        assert_eq!(body["images"][0]["tag"], "alice-20261115T0800");
        assert_eq!(body["stuck"][0]["since"], "2026-11-15T08:00:00Z");
        assert_eq!(body["stuck"][0]["everySeconds"], 180);
        assert_eq!(body["region"], REGION);
        assert!(super::super::dynamics::SCRIPT.contains(BACKDATE_PATH));
    }

    #[test]
    fn the_route_cache_snapshot_is_as_old_as_the_ledgers_nightly() {
        let at = tag_time("alice-20261115T0800").unwrap_or_default();
        let fleet = DemoFleet {
            account: "123456789012".into(),
            times: SeedTimes {
                snapshots: vec![("snap-ledger".into(), at)],
                ..SeedTimes::default()
            },
            live_volume_snapshots: vec!["snap-ledger".into()],
            ..DemoFleet::default()
        };
        let route_cache = RouteCache {
            volumes: vec!["vol-gw".into()],
            snapshot: "snap-gw".into(),
        };
        let body: Value =
            serde_json::from_str(&route_cache_body(&fleet, &route_cache).unwrap_or_default())
                .unwrap_or_default();
        assert_eq!(body["snapshots"]["snap-gw"], "2026-11-15T08:00:00Z");
        assert_eq!(body["region"], REGION);
        assert_eq!(body["account"], "123456789012");
        assert!(route_cache_body(&fleet, &RouteCache::default()).is_none());
    }
}
