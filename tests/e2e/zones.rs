//! End to end against moto: every volume says where it lives. Orphaned volumes in two
//! zones carry EC2's `AvailabilityZone` in `orphans --json`, `report --json` and the text
//! report's ZONE column; `recover`'s plan names the orphan's zone and says that ECS creates
//! the new volume in each task's zone. The zones are compared with DescribeVolumes.

use std::collections::BTreeMap;

use crate::emulator::{block_on, ecsnap, json_of, sdk, start_emulator, stderr_of};
use crate::recover::{orphan, seed_service};
use serde_json::Value;

/// volume id → zone, as `key` of `v` lists them (`volumes` of orphans / report).
fn zones_listed(v: &Value) -> BTreeMap<String, String> {
    v["volumes"]
        .as_array()
        .expect("volumes")
        .iter()
        .map(|x| {
            let item = if x.get("item").is_some() {
                &x["item"]
            } else {
                x
            };
            (
                item["volume_id"].as_str().expect("volume_id").to_string(),
                item["availability_zone"]
                    .as_str()
                    .unwrap_or("(missing)")
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn orphans_report_and_recover_name_each_volume_s_zone() {
    let emulator = start_emulator();
    let endpoint = emulator.endpoint();
    let aws = sdk(&endpoint);
    let mut want: BTreeMap<String, String> = BTreeMap::new();
    for az in ["us-east-1a", "us-east-1b", "us-east-1b"] {
        let id = block_on(aws.ec2.create_volume().availability_zone(az).size(2).send())
            .expect("volume")
            .volume_id()
            .expect("id")
            .to_string();
        want.insert(id, az.to_string());
    }
    // What the AWS CLI would answer (`aws ec2 describe-volumes`): the same zones.
    let described: BTreeMap<String, String> = block_on(aws.ec2.describe_volumes().send())
        .expect("describe")
        .volumes()
        .iter()
        .map(|v| {
            (
                v.volume_id().unwrap_or_default().to_string(),
                v.availability_zone().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(described, want);
    let home = tempfile::tempdir().expect("home");

    let orphans = json_of(ecsnap(&endpoint, home.path()).args(["--json", "orphans"]));
    assert_eq!(zones_listed(&orphans), want, "{orphans}");

    let report = json_of(ecsnap(&endpoint, home.path()).args(["report", "--json"]));
    assert_eq!(zones_listed(&report["orphans"]), want, "{report}");

    let out = ecsnap(&endpoint, home.path())
        .args(["report"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("ZONE"), "{text}");
    for (id, az) in &want {
        let row = text
            .lines()
            .find(|l| l.contains(id.as_str()))
            .unwrap_or_else(|| panic!("no row for {id}:\n{text}"));
        assert!(row.contains(az.as_str()), "{row}");
    }

    // recover's plan: the orphan's zone, and where ECS puts the new volume.
    seed_service(&aws.ecs, "zoned-prod");
    let vol = orphan(
        &aws.ec2,
        &[
            ("AmazonECSCreated", "true"),
            ("aws:ecs:clusterName", "zoned-prod"),
            ("aws:ecs:serviceName", "ledger"),
        ],
    );
    let plan = json_of(ecsnap(&endpoint, home.path()).args([
        "--json",
        "recover",
        "--volume",
        &vol,
        "--dry-run",
    ]));
    assert_eq!(plan["volume_availability_zone"], "us-east-1a", "{plan}");
    let summary = plan["summary"].as_str().expect("summary");
    assert!(summary.contains("in us-east-1a"), "{summary}");
    assert!(
        summary.contains("ECS creates the new volume in the zone of each task it starts"),
        "{summary}"
    );
}
