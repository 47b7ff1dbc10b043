//! End to end against moto: several regions and accounts in one run. moto keeps each
//! region's state apart on one port (the region comes from the request's signature) and
//! maps AssumeRole credentials to the role's account, so two regions × two accounts are
//! seeded through the SDK and every listed entry must carry the right `account_id` and
//! `region`. A profile that cannot be used fails in its own row while the rest list.

use crate::asserts::assert_has;
use std::collections::BTreeSet;

use crate::emulator::{json_of, json_rows, restore_alice, sdk_config_in, stderr_of, text};
use crate::harness::{Fresh, new_volume, output_at_exit, stderr_at_exit};
use serde_json::Value;

const HOME_ACCOUNT: &str = "123456789012";
const OTHER_ACCOUNT: &str = "111122223333";

/// An available (orphaned) volume in `az` of `region`, in the emulator's home account or,
/// with `role`, in the account of the role (assumed through STS as ecsnap does); its id.
fn orphan_in(t: &Fresh, region: &str, role: Option<&str>, az: &str) -> String {
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config_in(&t.endpoint, region, role));
    new_volume(&ec2, az, 3, &[])
}

/// The ids of the orphaned volumes listed, in order.
fn volume_ids(orphans: &Value) -> Vec<&str> {
    orphans["volumes"]
        .as_array()
        .expect("volumes")
        .iter()
        .filter_map(|v| v["volume_id"].as_str())
        .collect()
}

/// (account_id, region, volume_id) of each orphaned volume listed.
fn placed_volumes(orphans: &Value) -> BTreeSet<(String, String, String)> {
    orphans["volumes"]
        .as_array()
        .expect("volumes")
        .iter()
        .map(|v| {
            (
                v["account_id"].as_str().expect("account_id").to_string(),
                v["region"].as_str().expect("region").to_string(),
                v["volume_id"].as_str().expect("volume_id").to_string(),
            )
        })
        .collect()
}

/// Writes `text` to `~/.aws/<name>` in the test's HOME.
fn aws_file(t: &Fresh, name: &str, text: &str) {
    let dir = t.home.path().join(".aws");
    std::fs::create_dir_all(&dir).expect("aws dir");
    std::fs::write(dir.join(name), text).expect("aws file");
}

/// `command --json` over `profiles` in us-east-1, the credentials from the profiles only
/// (the environment's would serve every one).
fn on_profiles_only(t: &Fresh, profiles: &str, command: &str) -> std::process::Command {
    let mut cmd = t.anywhere();
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args([
            "--profile",
            profiles,
            "--region",
            "us-east-1",
            command,
            "--json",
        ]);
    cmd
}

fn role(account: &str) -> String {
    format!("arn:aws:iam::{account}:role/ecsnap-read")
}

#[test]
fn regions_and_accounts_list_in_one_run_each_entry_placed() {
    let t = Fresh::start();
    let east = orphan_in(&t, "us-east-1", None, "us-east-1a");
    let west = orphan_in(&t, "eu-west-1", None, "eu-west-1a");
    let other_role = role(OTHER_ACCOUNT);
    let other_east = orphan_in(&t, "us-east-1", Some(&other_role), "us-east-1b");
    let other_west = orphan_in(&t, "eu-west-1", Some(&other_role), "eu-west-1b");

    // Two regions of the default account: exactly its two volumes, each placed.
    let two_regions =
        json_of(
            t.anywhere()
                .args(["--region", "us-east-1,eu-west-1", "orphans", "--json"]),
        );
    let want: BTreeSet<(String, String, String)> = [
        (
            HOME_ACCOUNT.to_string(),
            "us-east-1".to_string(),
            east.clone(),
        ),
        (
            HOME_ACCOUNT.to_string(),
            "eu-west-1".to_string(),
            west.clone(),
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(placed_volumes(&two_regions), want);
    assert_eq!(two_regions["totals"]["volumes"], 2);
    assert_eq!(
        two_regions["totals_by_place"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(two_regions["failures"].as_array().map(Vec::len), Some(0));

    // Two accounts (one assumed) × two regions from the config: all four, each placed.
    let config = t.home.path().join("fleet.toml");
    std::fs::write(
        &config,
        format!(
            "[fleet]\nregions = [\"us-east-1\", \"eu-west-1\"]\naccounts = [\n  \
             {{ name = \"home\", role_arn = \"{}\" }},\n  \
             {{ name = \"other\", role_arn = \"{other_role}\", production = true }},\n]\n",
            role(HOME_ACCOUNT)
        ),
    )
    .expect("config");
    let config = config.to_str().expect("utf-8 path");
    let fleet = json_of(t.anywhere().args(["--config", config, "orphans", "--json"]));
    let mut want4 = want.clone();
    want4.insert((OTHER_ACCOUNT.into(), "us-east-1".into(), other_east.clone()));
    want4.insert((OTHER_ACCOUNT.into(), "eu-west-1".into(), other_west.clone()));
    assert_eq!(placed_volumes(&fleet), want4);
    assert_eq!(fleet["totals"]["volumes"], 4);

    // The report: the same four orphans, the places with the production mark kept.
    let report = json_of(t.anywhere().args(["--config", config, "report", "--json"]));
    assert_eq!(placed_volumes(&report["orphans"]), want4);
    let places: BTreeSet<(String, String, bool)> = json_rows(&report["places"], |p| {
        (
            text(p, "account_id"),
            text(p, "region"),
            p["production"].as_bool().unwrap_or_default(),
        )
    });
    assert_eq!(
        places,
        [
            (HOME_ACCOUNT.into(), "eu-west-1".into(), false),
            (HOME_ACCOUNT.into(), "us-east-1".into(), false),
            (OTHER_ACCOUNT.into(), "eu-west-1".into(), true),
            (OTHER_ACCOUNT.into(), "us-east-1".into(), true),
        ]
        .into_iter()
        .collect()
    );
    markdown_report_lists(&t, config, &other_west);
}

/// `report --markdown` over the fleet config: the per-place totals table, and `volume`'s
/// row with its ORIGIN / REASON as every listing shows it (no tags: why it is listed).
fn markdown_report_lists(t: &Fresh, config: &str, volume: &str) {
    let markdown = output_at_exit(
        t.anywhere()
            .args(["--config", config, "report", "--markdown"]),
        0,
    );
    let text = String::from_utf8_lossy(&markdown.stdout);
    assert!(text.starts_with("# ecsnap report"), "{text}");
    assert_has(
        &text,
        "| ACCOUNT | REGION | VOLUMES | SNAPSHOTS | GiB | $/MONTH |",
    );
    assert!(
        text.lines()
            .any(|l| l.contains(volume) && l.contains("available (attached to nothing)")),
        "{text}"
    );
}

/// `--region all` with no region configured anywhere (no AWS_REGION, no profile):
/// DescribeRegions is asked in us-east-1, every enabled region is read, and the volumes
/// of two regions come back placed.
#[test]
fn region_all_without_a_configured_region_asks_us_east_1() {
    let t = Fresh::start();
    let east = orphan_in(&t, "us-east-1", None, "us-east-1a");
    let west = orphan_in(&t, "eu-west-1", None, "eu-west-1a");
    let all = json_of(
        t.anywhere()
            .env_remove("AWS_REGION")
            .args(["--region", "all", "orphans", "--json"]),
    );
    let want: BTreeSet<(String, String, String)> = [
        (HOME_ACCOUNT.into(), "us-east-1".into(), east),
        (HOME_ACCOUNT.into(), "eu-west-1".into(), west),
    ]
    .into_iter()
    .collect();
    assert_eq!(placed_volumes(&all), want);
    assert_eq!(all["failures"].as_array().map(Vec::len), Some(0));
    assert!(
        all["totals_by_place"].as_array().map_or(0, Vec::len) > 2,
        "every enabled region is a place: {}",
        all["totals_by_place"]
    );
}

#[test]
fn a_profile_that_fails_is_listed_and_the_others_still_load() {
    let t = Fresh::start();
    let vol = orphan_in(&t, "us-east-1", None, "us-east-1a");
    aws_file(
        &t,
        "credentials",
        "[good]\naws_access_key_id = test\naws_secret_access_key = test\n",
    );
    let out = output_at_exit(&mut on_profiles_only(&t, "good,missing", "orphans"), 0);
    let stderr = stderr_of(&out);
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(volume_ids(&json), [vol.as_str()]);
    let failures = json["failures"].as_array().expect("failures");
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0]["account"], "missing");
    assert_has(&stderr, "account missing");

    // Every place failing is exit code 1, with each failure named.
    let stderr = stderr_at_exit(&mut on_profiles_only(&t, "missing,absent", "services"), 1);
    assert!(
        stderr.contains("account missing") && stderr.contains("account absent"),
        "{stderr}"
    );
}

#[test]
fn two_profiles_of_one_account_list_it_once() {
    let t = Fresh::start();
    let vol = orphan_in(&t, "us-east-1", None, "us-east-1a");
    // Both profiles resolve to the environment's credentials: one account, one region.
    // (A profile must exist in the AWS config to be named: both are, with no keys.)
    aws_file(
        &t,
        "config",
        "[profile a]\nregion = us-east-1\n[profile b]\nregion = us-east-1\n",
    );
    let json = json_of(t.anywhere().args([
        "--profile",
        "a,b",
        "--region",
        "us-east-1",
        "orphans",
        "--json",
    ]));
    assert_eq!(volume_ids(&json), [vol.as_str()]);
    assert_eq!(json["totals_by_place"].as_array().map(Vec::len), Some(1));
}

#[test]
fn a_single_place_listing_carries_its_account_and_region() {
    let t = Fresh::start();
    let vol = orphan_in(&t, "eu-west-1", None, "eu-west-1a");
    let json = json_of(
        t.anywhere()
            .args(["--region", "eu-west-1", "orphans", "--json"]),
    );
    let want: BTreeSet<(String, String, String)> = [(HOME_ACCOUNT.into(), "eu-west-1".into(), vol)]
        .into_iter()
        .collect();
    assert_eq!(placed_volumes(&json), want);
    // An action that works on one place refuses several before it sends anything.
    let stderr = stderr_at_exit(
        t.anywhere()
            .args(["--region", "all"])
            .args(restore_alice("alice-20261120T0815"))
            .arg("--dry-run"),
        2,
    );
    assert!(stderr.contains("one account and region"));
}
