//! End to end against moto: what a rollback, a restore or the audit needs survives
//! cleanup. The weekly pair (`cleanup --volumes --snapshot-first --yes`, then
//! `cleanup --snapshots --yes`) keeps the safety snapshots it just took; snapshots a launch
//! template, DLM or AWS Backup need are skipped; `orphans --json` shows ecsnap's own
//! "unattached since" and `--unattached-days` filters by it. State is read back through
//! the SDK.

use crate::asserts::assert_has;
use std::collections::BTreeSet;

use crate::emulator::{Scenario, block_on, ecsnap, json_of, tag_pairs};
use crate::harness::orphan_snapshot_in;
use chrono::{Days, Utc};
use serde_json::Value;

fn snapshot_tags(ec2: &aws_sdk_ec2::Client, id: &str) -> Option<Vec<(String, String)>> {
    let out = block_on(ec2.describe_snapshots().owner_ids("self").send()).expect("snapshots");
    out.snapshots()
        .iter()
        .find(|s| s.snapshot_id() == Some(id))
        .map(|s| tag_pairs(s.tags()))
}

fn ids(v: &Value, key: &str, id: &str) -> BTreeSet<String> {
    v[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x[id].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn reason_of<'a>(v: &'a Value, id: &str) -> Option<&'a str> {
    v["skipped"]
        .as_array()?
        .iter()
        .find(|s| s["id"] == id)
        .and_then(|s| s["reason"].as_str())
}

/// `cleanup --json` with `args`, the clock at `now`.
fn cleanup_at(t: &Scenario, now: &str, args: &[&str]) -> Value {
    json_of(
        t.ecsnap()
            .env("ECSNAP_NOW", now)
            .args(["--json", "cleanup"])
            .args(args),
    )
}

// An end-to-end scenario: each step depends on the one before; it reads top to bottom.
#[expect(
    clippy::too_many_lines,
    reason = "one weekly pair of runs, each kept snapshot asserted"
)]
#[test]
fn the_weekly_pair_keeps_safety_snapshots_and_what_others_need() {
    let t = Scenario::seeded();
    let ec2 = &t.aws.ec2;
    // One clock for ecsnap and the test (`ECSNAP_NOW`): a run across midnight UTC computes
    // the same retain-until date on both sides.
    let now = Utc::now();
    let clock = now.to_rfc3339();

    // 1. Volumes, snapshot first.
    let volumes = cleanup_at(&t, &clock, &["--volumes", "--snapshot-first", "--yes"]);
    let results = volumes["results"].as_array().expect("results");
    assert_eq!(results.len(), t.fleet.orphan_volumes.len(), "{volumes}");
    let until = now
        .date_naive()
        .checked_add_days(Days::new(30))
        .expect("date")
        .format("%Y-%m-%d")
        .to_string();
    let mut safety: Vec<(String, String)> = Vec::new();
    for r in results {
        assert_eq!(r["status"], "done", "{r}");
        let snap = r["snapshot_id"]
            .as_str()
            .expect("a safety snapshot")
            .to_string();
        let vol = r["id"].as_str().expect("volume").to_string();
        let tags = snapshot_tags(ec2, &snap).expect("safety snapshot exists");
        assert!(
            tags.contains(&("ecsnap:source-volume".to_string(), vol.clone())),
            "{tags:?}"
        );
        assert!(
            tags.contains(&("ecsnap:retain-until".to_string(), until.clone())),
            "{tags:?}"
        );
        safety.push((snap, vol));
    }

    // Snapshots others need, orphaned but for that.
    let dlm = orphan_snapshot_in(
        ec2,
        "us-east-1a",
        &[("aws:dlm:lifecycle-policy-id", "policy-0123abcd")],
    );
    let backup = orphan_snapshot_in(
        ec2,
        "us-east-1a",
        &[("aws:backup:source-resource", "vol-0backup")],
    );
    let in_template = orphan_snapshot_in(ec2, "us-east-1a", &[]);
    let template = block_on(
        ec2.create_launch_template()
            .launch_template_name("ecs-workers")
            .launch_template_data(
                aws_sdk_ec2::types::RequestLaunchTemplateData::builder()
                    .block_device_mappings(
                        aws_sdk_ec2::types::LaunchTemplateBlockDeviceMappingRequest::builder()
                            .device_name("/dev/xvdb")
                            .ebs(
                                aws_sdk_ec2::types::LaunchTemplateEbsBlockDeviceRequest::builder()
                                    .snapshot_id(&in_template)
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .send(),
    )
    .expect("launch template");
    let template_id = template
        .launch_template()
        .and_then(|t| t.launch_template_id())
        .expect("template id")
        .to_string();
    // A newer version without the snapshot: the old version still needs it.
    block_on(
        ec2.create_launch_template_version()
            .launch_template_id(&template_id)
            .launch_template_data(
                aws_sdk_ec2::types::RequestLaunchTemplateData::builder()
                    .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro)
                    .build(),
            )
            .send(),
    )
    .expect("second version");

    // 2. Snapshots.
    let snapshots = cleanup_at(&t, &clock, &["--snapshots", "--yes"]);
    let planned = ids(&snapshots, "items", "id");
    assert_eq!(
        planned,
        t.fleet
            .orphan_snapshots
            .iter()
            .cloned()
            .collect::<BTreeSet<_>>(),
        "only the fleet's plain orphans: {snapshots}"
    );
    for (snap, vol) in &safety {
        assert!(snapshot_tags(ec2, snap).is_some(), "{snap} survived");
        assert_eq!(
            reason_of(&snapshots, snap),
            Some(format!("kept until {until}: safety snapshot of {vol}").as_str())
        );
    }
    for (snap, want) in [
        (
            &dlm,
            "managed by DLM policy policy-0123abcd: its retention removes it".to_string(),
        ),
        (
            &backup,
            "managed by AWS Backup (source vol-0backup): its retention removes it".to_string(),
        ),
        (
            &in_template,
            format!("used by launch template {template_id} (ecs-workers)"),
        ),
    ] {
        assert!(snapshot_tags(ec2, snap).is_some(), "{snap} survived");
        assert_eq!(reason_of(&snapshots, snap), Some(want.as_str()));
    }
    for snap in &t.fleet.orphan_snapshots {
        assert!(snapshot_tags(ec2, snap).is_none(), "{snap} was deleted");
    }

    // 3. After the retain-until date the safety snapshots are ordinary orphans.
    let later = (now + chrono::Duration::days(31)).to_rfc3339();
    let after = cleanup_at(&t, &later, &["--snapshots", "--dry-run"]);
    let planned = ids(&after, "items", "id");
    for (snap, _) in &safety {
        assert!(
            planned.contains(snap),
            "{snap} offered after its date: {after}"
        );
    }
    assert!(!planned.contains(&dlm) && !planned.contains(&in_template));
}

/// An `orphans --json` listing that keeps no volume, each of `volumes` skipped saying `why`.
fn none_kept(listing: &Value, volumes: &[String], why: &str) {
    assert!(listing["volumes"].as_array().expect("volumes").is_empty());
    for vol in volumes {
        let reason = reason_of(listing, vol).expect("skipped with a reason");
        assert_has(reason, why);
    }
}

#[test]
fn orphans_json_shows_unattached_since_and_filters_by_it() {
    let t = Scenario::seeded();
    let fleet = &t.fleet;
    let first = json_of(t.ecsnap().args(["--json", "orphans"]));
    let vols = first["volumes"].as_array().expect("volumes");
    assert_eq!(vols.len(), fleet.orphan_volumes.len());
    for v in vols {
        assert!(v.get("seen_available_since").is_some(), "{v}");
        assert!(
            v["seen_available_since"].is_null(),
            "first run: unknown: {v}"
        );
    }
    // The sightings are kept in the emulator's own file, apart from real data.
    let state = t.home.path().join("state/ecsnap");
    assert!(state.join("volumes-seen-emulator.json").exists());
    assert!(!state.join("volumes-seen.json").exists());

    // Ten days later: known since the first run; --unattached-days 7 keeps them all.
    let later = (Utc::now() + chrono::Duration::days(10)).to_rfc3339();
    let second = json_of(t.ecsnap().env("ECSNAP_NOW", &later).args([
        "--json",
        "orphans",
        "--unattached-days",
        "7",
    ]));
    let vols = second["volumes"].as_array().expect("volumes");
    assert_eq!(vols.len(), fleet.orphan_volumes.len(), "{second}");
    for v in vols {
        let since = v["seen_available_since"].as_str().expect("known now");
        let since = chrono::DateTime::parse_from_rfc3339(since).expect("RFC 3339");
        assert!((Utc::now() - since.with_timezone(&Utc)).num_minutes() < 10);
    }
    // --unattached-days 30: none is kept, and each says why.
    let strict = json_of(t.ecsnap().env("ECSNAP_NOW", &later).args([
        "--json",
        "orphans",
        "--unattached-days",
        "30",
    ]));
    none_kept(
        &strict,
        &fleet.orphan_volumes,
        "seen unattached only 10 days",
    );
    // A new HOME (no sightings): unknown is not kept, and says so.
    let fresh = tempfile::tempdir().expect("tempdir");
    let unknown = json_of(ecsnap(&t.endpoint, fresh.path()).args([
        "--json",
        "orphans",
        "--unattached-days",
        "1",
    ]));
    none_kept(&unknown, &fleet.orphan_volumes, "unattached since unknown");
}
