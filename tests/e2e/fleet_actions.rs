//! End to end against moto: the actions over several places. Orphans are seeded in two
//! regions (and two accounts: moto maps assumed-role credentials to the role's account);
//! `cleanup` must delete exactly those, read back per region and account through the SDK,
//! with the audit lines carrying each place's account and region; a production account
//! needs the typed confirmation and a read-only one is refused. (The rollback over two
//! regions is in `rollback.rs`.)

use crate::asserts::assert_has;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use crate::emulator::{
    block_on, ecsnap_anywhere as ecsnap_at, json_of, sdk_config_in, start_emulator, stderr_of,
};
use crate::harness::{new_volume, orphan_snapshot_in, output_at_exit};
use ecsnap::ops::audit::AuditEntry;
use serde_json::Value;

pub(crate) const HOME_ACCOUNT: &str = "123456789012";
const OTHER_ACCOUNT: &str = "111122223333";
pub(crate) const EAST: &str = "us-east-1";
pub(crate) const WEST: &str = "eu-west-1";

fn role(account: &str) -> String {
    format!("arn:aws:iam::{account}:role/ecsnap-admin")
}

fn ec2_in(endpoint: &str, region: &str, role: Option<&str>) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(&sdk_config_in(endpoint, region, role))
}

pub(crate) fn ecs_in(endpoint: &str, region: &str) -> aws_sdk_ecs::Client {
    aws_sdk_ecs::Client::new(&sdk_config_in(endpoint, region, None))
}

/// An available volume, protected with `ecsnap:keep` when asked; returns its id.
fn volume(ec2: &aws_sdk_ec2::Client, az: &str, keep: bool) -> String {
    let tags: &[(&str, &str)] = if keep { &[("ecsnap:keep", "yes")] } else { &[] };
    new_volume(ec2, az, 4, tags)
}

fn volumes(ec2: &aws_sdk_ec2::Client) -> BTreeSet<String> {
    block_on(ec2.describe_volumes().send())
        .expect("describe volumes")
        .volumes()
        .iter()
        .filter_map(|v| v.volume_id().map(str::to_string))
        .collect()
}

fn snapshots(ec2: &aws_sdk_ec2::Client) -> BTreeSet<String> {
    block_on(ec2.describe_snapshots().owner_ids("self").send())
        .expect("describe snapshots")
        .snapshots()
        .iter()
        .filter_map(|s| s.snapshot_id().map(str::to_string))
        .collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).to_string()).collect()
}

fn audit(home: &Path) -> Vec<AuditEntry> {
    crate::emulator::audit_entries(home)
}

/// (account, region, resource id) of every `ok` result line of `action`.
fn audited(home: &Path, action: &str) -> BTreeSet<(String, String, String)> {
    audit(home)
        .into_iter()
        .filter(|e| e.is_result() && e.action == action && e.result == "ok")
        .flat_map(|e| {
            let account = e.account.clone().unwrap_or_default();
            e.resource_ids
                .iter()
                .map(|id| (account.clone(), e.region.clone(), id.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn placed(account: &str, region: &str, id: &str) -> (String, String, String) {
    (account.into(), region.into(), id.into())
}

/// One id in each region of the home account.
fn in_both_regions(east: &str, west: &str) -> BTreeSet<(String, String, String)> {
    [
        placed(HOME_ACCOUNT, EAST, east),
        placed(HOME_ACCOUNT, WEST, west),
    ]
    .into_iter()
    .collect()
}

/// (account_id, region, id) of each entry of a JSON list.
fn listed(entries: &Value) -> BTreeSet<(String, String, String)> {
    entries
        .as_array()
        .expect("a list")
        .iter()
        .map(|i| {
            placed(
                i["account_id"].as_str().expect("account_id"),
                i["region"].as_str().expect("region"),
                i["id"].as_str().expect("id"),
            )
        })
        .collect()
}

fn run(cmd: &mut std::process::Command) -> Output {
    cmd.output().expect("ecsnap runs")
}

#[test]
fn cleanup_across_two_regions_deletes_exactly_their_orphans() {
    let emulator = start_emulator();
    let endpoint = emulator.endpoint();
    let home = tempfile::tempdir().expect("home");
    let east = ec2_in(&endpoint, EAST, None);
    let west = ec2_in(&endpoint, WEST, None);
    let east_vol = volume(&east, "us-east-1a", false);
    let west_vol = volume(&west, "eu-west-1a", false);
    let east_kept = volume(&east, "us-east-1a", true);
    let west_kept = volume(&west, "eu-west-1a", true);
    let east_snap = orphan_snapshot_in(&east, "us-east-1a", &[]);
    let west_snap = orphan_snapshot_in(&west, "eu-west-1a", &[]);
    let regions = format!("{EAST},{WEST}");

    // The dry run: one plan, both places, nothing sent, no audit line.
    let dry = json_of(ecsnap_at(&endpoint, home.path()).args([
        "--region",
        &regions,
        "cleanup",
        "--volumes",
        "--dry-run",
        "--json",
    ]));
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["totals"]["to_execute"], 2, "{dry}");
    assert_eq!(listed(&dry["items"]), in_both_regions(&east_vol, &west_vol));
    assert!(
        dry["totals_by_place"]
            .as_array()
            .expect("places")
            .iter()
            .all(|p| p["preflight_done"] == true)
    );
    assert!(volumes(&east).contains(&east_vol) && volumes(&west).contains(&west_vol));
    assert!(
        audit(home.path()).is_empty(),
        "a dry run wrote the audit log"
    );

    // The cleanup: exactly the two orphans go, the protected ones stay.
    let out = output_at_exit(
        ecsnap_at(&endpoint, home.path()).args([
            "--region",
            &regions,
            "cleanup",
            "--volumes",
            "--yes",
            "--json",
        ]),
        0,
    );
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains(&format!("── default ({HOME_ACCOUNT}) · {WEST} ──")),
        "{stderr}"
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["summary"]["done"], 2, "{json}");
    assert_eq!(
        listed(&json["results"]),
        in_both_regions(&east_vol, &west_vol)
    );
    assert_eq!(volumes(&east), set(&[&east_kept]));
    assert_eq!(volumes(&west), set(&[&west_kept]));
    assert_eq!(
        audited(home.path(), "ec2:DeleteVolume"),
        in_both_regions(&east_vol, &west_vol)
    );
    // Every line (intent and result) says where it acted.
    assert!(
        audit(home.path())
            .iter()
            .all(|e| e.account.as_deref() == Some(HOME_ACCOUNT)
                && (e.region == EAST || e.region == WEST))
    );

    // Snapshots the same way.
    let json = json_of(ecsnap_at(&endpoint, home.path()).args([
        "--region",
        &regions,
        "cleanup",
        "--snapshots",
        "--yes",
        "--json",
    ]));
    assert_eq!(json["summary"]["done"], 2, "{json}");
    assert!(!snapshots(&east).contains(&east_snap));
    assert!(!snapshots(&west).contains(&west_snap));
    assert_eq!(
        audited(home.path(), "ec2:DeleteSnapshot"),
        in_both_regions(&east_snap, &west_snap)
    );
}

/// A `[fleet]` of the home account and another one, each assumed through its role.
fn fleet_config(home: &Path, home_marks: &str, other_marks: &str) -> String {
    let path = home.join(format!(
        "fleet-{}.toml",
        home_marks.len() + other_marks.len()
    ));
    std::fs::write(
        &path,
        format!(
            "[fleet]\nregions = [\"{EAST}\", \"{WEST}\"]\naccounts = [\n  \
             {{ name = \"home\", role_arn = \"{}\"{home_marks} }},\n  \
             {{ name = \"other\", role_arn = \"{}\"{other_marks} }},\n]\n",
            role(HOME_ACCOUNT),
            role(OTHER_ACCOUNT)
        ),
    )
    .expect("config");
    path.to_str().expect("utf-8").to_string()
}

#[test]
fn a_production_account_needs_the_typed_confirmation_and_a_read_only_one_is_refused() {
    let emulator = start_emulator();
    let endpoint = emulator.endpoint();
    let home = tempfile::tempdir().expect("home");
    let other_role = role(OTHER_ACCOUNT);
    let clients = [
        (HOME_ACCOUNT, EAST, ec2_in(&endpoint, EAST, None)),
        (HOME_ACCOUNT, WEST, ec2_in(&endpoint, WEST, None)),
        (
            OTHER_ACCOUNT,
            EAST,
            ec2_in(&endpoint, EAST, Some(&other_role)),
        ),
        (
            OTHER_ACCOUNT,
            WEST,
            ec2_in(&endpoint, WEST, Some(&other_role)),
        ),
    ];
    let seeded: Vec<(String, String, String)> = clients
        .iter()
        .map(|(account, region, ec2)| {
            placed(account, region, &volume(ec2, &format!("{region}a"), false))
        })
        .collect();
    let state =
        || -> Vec<BTreeSet<String>> { clients.iter().map(|(_, _, ec2)| volumes(ec2)).collect() };
    let before = state();
    assert!(before.iter().all(|v| v.len() == 1), "{before:?}");

    // A production account in the plan: no terminal and no --yes → refused, nothing sent.
    let config = fleet_config(home.path(), "", ", production = true");
    let out =
        run(ecsnap_at(&endpoint, home.path()).args(["--config", &config, "cleanup", "--volumes"]));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{stdout}{stderr}");
    assert!(
        stdout.contains("Plan: delete 4 volumes in 4 places of 2 accounts")
            && stdout.contains(&format!(
                "── !! PRODUCTION !! other ({OTHER_ACCOUNT}) · {EAST} ──"
            ))
            && stdout.contains("!! PRODUCTION !! a production account is in the plan"),
        "{stdout}"
    );
    assert_has(&stderr, "not confirmed");
    assert_eq!(state(), before, "a refused confirmation changed something");
    assert!(audit(home.path()).is_empty());

    // The home account read-only: its places are refused, the other account's cleaned.
    let config = fleet_config(home.path(), ", read_only = true", ", production = true");
    let out = output_at_exit(
        ecsnap_at(&endpoint, home.path()).args([
            "--config",
            &config,
            "cleanup",
            "--volumes",
            "--yes",
            "--json",
        ]),
        5,
    );
    let stderr = stderr_of(&out);
    assert_has(&stderr, "REFUSED: account home");
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["summary"]["done"], 2, "{json}");
    assert_eq!(json["summary"]["skipped"], 2, "{json}");
    let after = state();
    assert_eq!(after[0], before[0]);
    assert_eq!(after[1], before[1]);
    assert!(after[2].is_empty() && after[3].is_empty(), "{after:?}");
    let refused: Vec<&Value> = json["totals_by_place"]
        .as_array()
        .expect("places")
        .iter()
        .filter(|p| p["refused"].is_string())
        .collect();
    assert_eq!(refused.len(), 2);
    assert!(refused.iter().all(|p| p["account_id"] == HOME_ACCOUNT));
    assert_eq!(
        audited(home.path(), "ec2:DeleteVolume"),
        seeded[2..].iter().cloned().collect()
    );
}
