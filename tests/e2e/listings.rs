//! The listing commands, run as the real binary against moto seeded with the demo fleet:
//! the ids in their JSON must be exactly the ones the fleet put in each category.

use crate::asserts::assert_has;
use crate::harness::output_at_exit;
use std::collections::BTreeSet;

use crate::emulator::{ecsnap, json_of, json_rows, on_service, shared_fleet, stderr_of, text};
use serde_json::Value;

fn home() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temp dir")
}

fn strings(v: &Value, key: &str) -> BTreeSet<String> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x[key].as_str().unwrap_or_default().to_string())
        .collect()
}

fn set<'a>(items: impl IntoIterator<Item = &'a String>) -> BTreeSet<String> {
    items.into_iter().cloned().collect()
}

#[test]
fn services_json_lists_every_service_and_marks_the_not_steady_one() {
    let (emu, fleet) = shared_fleet();
    let home = home();
    let v = json_of(ecsnap(&emu.endpoint(), home.path()).args(["services", "--json"]));
    let got: BTreeSet<(String, String)> =
        json_rows(&v, |s| (text(s, "cluster"), text(s, "service_name")));
    assert_eq!(got, fleet.services.iter().cloned().collect());
    let not_steady: BTreeSet<(String, String)> = v
        .as_array()
        .expect("array")
        .iter()
        .filter(|s| s["steady"] == Value::Bool(false))
        .map(|s| {
            (
                s["cluster"].as_str().unwrap_or_default().to_string(),
                s["service_name"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(not_steady, fleet.not_steady.iter().cloned().collect());
    // Each service links to its page in the AWS console of its region.
    for s in v.as_array().expect("array") {
        let url = format!(
            "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/{}/services/{}/health?region=us-east-1",
            text(s, "cluster"),
            text(s, "service_name")
        );
        assert_eq!(s["console_url"], Value::String(url), "{s}");
    }
    // `steadiness` is a plain word, no symbol, and agrees with `steady`; so in `report`.
    let report = json_of(ecsnap(&emu.endpoint(), home.path()).args(["report", "--json"]));
    let listed = v.as_array().expect("array").iter();
    for s in listed.chain(report["services"].as_array().expect("services")) {
        let word = s["steadiness"].as_str().unwrap_or_default();
        assert!(
            ["failed", "rolling", "degraded", "steady"].contains(&word),
            "{s}"
        );
        assert_eq!(s["steady"] == Value::Bool(true), word == "steady", "{s}");
    }
    // `why`: null for a steady service, an object for one that is not (read through the
    // same emulator: its stopped tasks, none of them failed here).
    for s in v.as_array().expect("array") {
        let why = s.get("why").expect("services --json always carries why");
        if s["steady"] == Value::Bool(true) {
            assert!(why.is_null(), "{s}");
        } else {
            assert!(
                why["summary"].as_str().is_some_and(|t| !t.is_empty()),
                "{s}"
            );
            assert!(why["stopped"].is_array(), "{s}");
        }
    }
    assert!(
        report["services"]
            .as_array()
            .expect("services")
            .iter()
            .all(|s| s.get("why").is_none()),
        "the report does not judge services: no why key"
    );
    for s in v.as_array().expect("array") {
        let deployments = s["deployments"].as_array().expect("deployments");
        assert!(!deployments.is_empty(), "{s}");
        assert!(
            s["task_definition"]
                .as_str()
                .unwrap_or_default()
                .contains(":task-definition/")
        );
    }
    let one = json_of(ecsnap(&emu.endpoint(), home.path()).args([
        "services",
        "--cluster",
        "search-staging",
        "--json",
    ]));
    assert_eq!(one.as_array().map(Vec::len), Some(4));
    assert!(
        one.as_array()
            .expect("array")
            .iter()
            .all(|s| s["cluster"] == "search-staging")
    );
}

#[test]
fn services_table_puts_the_not_steady_service_on_top() {
    let (emu, fleet) = shared_fleet();
    let home = home();
    let out = output_at_exit(ecsnap(&emu.endpoint(), home.path()).arg("services"), 0);
    let text = String::from_utf8_lossy(&out.stdout);
    let first_row = text.lines().nth(1).expect("a data row");
    let (_, service) = &fleet.not_steady[0];
    assert!(first_row.contains(service.as_str()), "{text}");
    assert!(
        first_row.contains("ROLLING") || first_row.contains("DEGRADED"),
        "{text}"
    );
}

#[test]
fn tasks_json_lists_live_and_stopped_tasks_of_one_service() {
    let (emu, fleet) = shared_fleet();
    let home = home();
    let v = json_of(
        ecsnap(&emu.endpoint(), home.path())
            .args(on_service("tasks", "payments-prod", "worker"))
            .arg("--json"),
    );
    let want: BTreeSet<String> = fleet
        .tasks
        .iter()
        .filter(|(c, s, _, _)| c == "payments-prod" && s == "worker")
        .map(|(_, _, arn, _)| arn.clone())
        .collect();
    assert_eq!(want.len(), 3, "two live, one stopped");
    assert_eq!(strings(&v, "task_arn"), want);
    for t in v.as_array().expect("array") {
        let url = text(t, "console_url");
        assert!(
            url.starts_with(
                "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/payments-prod/tasks/"
            ) && url.contains(&text(t, "task_id")),
            "{url}"
        );
    }
    let stopped: Vec<&Value> = v
        .as_array()
        .expect("array")
        .iter()
        .filter(|t| t["desired_status"] == "STOPPED")
        .collect();
    assert_eq!(stopped.len(), 1);
    assert!(
        stopped[0]["stopped_reason"]
            .as_str()
            .unwrap_or_default()
            .contains("OutOfMemoryError")
    );
    for t in v.as_array().expect("array") {
        assert_eq!(t["service_name"], "worker");
        assert_eq!(t["cluster"], "payments-prod");
        assert!(t["volumes"].is_array());
        let arn = t["task_arn"].as_str().unwrap_or_default();
        assert!(arn.ends_with(t["task_id"].as_str().unwrap_or("-")));
    }
}

#[test]
fn snapshots_json_groups_tags_per_user_newest_first_with_in_use() {
    let (emu, fleet) = shared_fleet();
    let home = home();
    let v = json_of(ecsnap(&emu.endpoint(), home.path()).args(["snapshots", "--json"]));
    let groups = v.as_array().expect("array");
    for user in ecsnap::demo::fleet::USERS {
        let g = groups
            .iter()
            .find(|g| g["user"] == user && g["repository"] == "workspaces")
            .unwrap_or_else(|| panic!("a group for {user}"));
        let tags: Vec<&str> = g["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .map(|t| t["tag"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(tags.len(), 6, "{user}: {tags:?}");
        let mut sorted = tags.clone();
        sorted.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(tags, sorted, "newest first");
        // The resume tag is the user's, on her newest tag; its image counts once.
        assert_eq!(g["resume_tag"], format!("{user}-latest"));
        assert_eq!(g["resume_points_at"], tags[0]);
        assert_eq!(g["resume_digest"], g["tags"][0]["digest"]);
        let sizes: i64 = g["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .map(|t| t["size_bytes"].as_i64().unwrap_or_default())
            .sum();
        assert_eq!(g["total_bytes"].as_i64(), Some(sizes), "{user}");
        for t in g["tags"].as_array().expect("tags") {
            assert!(t["size_bytes"].as_i64().unwrap_or_default() > 0);
            assert!(
                t["digest"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("sha256:")
            );
            assert!(t["pushed_at"].as_str().unwrap_or_default().ends_with('Z'));
        }
    }
    let in_use: BTreeSet<(String, String)> = groups
        .iter()
        .filter(|g| !g["user"].is_null())
        .flat_map(|g| {
            let repo = g["repository"].as_str().unwrap_or_default().to_string();
            g["tags"]
                .as_array()
                .expect("tags")
                .iter()
                .filter(|t| t["in_use"] == Value::Bool(true))
                .map(move |t| {
                    (
                        repo.clone(),
                        t["tag"].as_str().unwrap_or_default().to_string(),
                    )
                })
        })
        .collect();
    let want_in_use: BTreeSet<(String, String)> = fleet
        .in_use_tags
        .iter()
        .filter(|(repo, _)| repo == "workspaces")
        .cloned()
        .collect();
    assert_eq!(in_use, want_in_use);
    let others: BTreeSet<(String, String)> = groups
        .iter()
        .filter(|g| g["user"].is_null())
        .flat_map(|g| {
            let repo = g["repository"].as_str().unwrap_or_default().to_string();
            g["tags"].as_array().expect("tags").iter().map(move |t| {
                (
                    repo.clone(),
                    t["tag"].as_str().unwrap_or_default().to_string(),
                )
            })
        })
        .collect();
    // Every tag of no user but the users' resume tags, which are with their users.
    let want_others: BTreeSet<(String, String)> = fleet
        .other_tags
        .iter()
        .filter(|(_, t)| !t.ends_with("-latest"))
        .cloned()
        .collect();
    assert_eq!(others, want_others);

    let alice = json_of(ecsnap(&emu.endpoint(), home.path()).args([
        "snapshots",
        "--repository",
        "workspaces",
        "--user",
        "alice",
        "--json",
    ]));
    assert_eq!(alice.as_array().map(Vec::len), Some(1));
    assert_eq!(alice[0]["user"], "alice");
}

#[test]
fn orphans_json_is_exactly_the_orphans_with_the_rest_skipped() {
    let (emu, fleet) = shared_fleet();
    let home = home();
    let v = json_of(ecsnap(&emu.endpoint(), home.path()).args(["orphans", "--json"]));
    assert_eq!(
        strings(&v["volumes"], "volume_id"),
        set(&fleet.orphan_volumes)
    );
    assert_eq!(
        strings(&v["snapshots"], "snapshot_id"),
        set(&fleet.orphan_snapshots)
    );
    let skipped = strings(&v["skipped"], "id");
    let want_skipped: BTreeSet<String> = fleet
        .protected_volumes
        .iter()
        .chain(&fleet.protected_snapshots)
        .chain(&fleet.ami_snapshots)
        .cloned()
        .collect();
    assert_eq!(skipped, want_skipped);
    for s in v["skipped"].as_array().expect("skipped") {
        let id = s["id"].as_str().unwrap_or_default();
        let reason = s["reason"].as_str().unwrap_or_default();
        let kind = s["kind"].as_str().unwrap_or_default();
        if fleet.ami_snapshots.iter().any(|a| a == id) {
            assert_eq!(kind, "snapshot");
            assert_has(reason, "ami-");
        } else if id.starts_with("vol-") {
            assert_eq!(kind, "volume");
            assert_has(reason, "ecsnap:keep");
        }
    }
    let listed: BTreeSet<String> = strings(&v["volumes"], "volume_id");
    for vol in &fleet.in_use_volumes {
        assert!(!listed.contains(vol), "in-use {vol} is no orphan");
    }
    for snap in &fleet.live_volume_snapshots {
        assert!(!strings(&v["snapshots"], "snapshot_id").contains(snap));
        assert!(!skipped.contains(snap));
    }
    for vol in v["volumes"].as_array().expect("volumes") {
        assert_eq!(vol["state"], "available");
        assert!(vol["monthly_cost_usd"].as_f64().unwrap_or_default() > 0.0);
        assert!(vol["tags"].is_object());
        let id = vol["volume_id"].as_str().unwrap_or_default().to_string();
        if fleet.ecs_created_orphans.contains(&id) {
            assert!(
                vol["reason"].as_str().unwrap_or_default().contains("ECS")
                    || vol["origin"].as_str().unwrap_or_default().contains("ECS"),
                "{vol}"
            );
        }
    }
    let totals = &v["totals"];
    assert_eq!(
        totals["volumes"].as_u64(),
        Some(fleet.orphan_volumes.len() as u64)
    );
    assert_eq!(
        totals["snapshots"].as_u64(),
        Some(fleet.orphan_snapshots.len() as u64)
    );
    let sum: f64 = v["volumes"]
        .as_array()
        .expect("volumes")
        .iter()
        .chain(v["snapshots"].as_array().expect("snapshots"))
        .map(|x| x["monthly_cost_usd"].as_f64().unwrap_or_default())
        .sum();
    let total = totals["monthly_cost_usd"].as_f64().unwrap_or_default();
    assert!((sum - total).abs() < 0.011, "{sum} vs {total}");
}

/// `orphans` lists the most expensive first: `monthly_cost_usd` never rises down the list,
/// a tie goes to the larger size, then the id; `--sort id` and `--sort size` reorder it.
#[test]
fn orphans_are_listed_by_monthly_cost_highest_first() {
    let (emu, _) = shared_fleet();
    let home = home();
    let rows = |args: &[&str], key: &str, id: &str| -> Vec<(f64, i64, String)> {
        let v = json_of(ecsnap(&emu.endpoint(), home.path()).args(args));
        v[key]
            .as_array()
            .expect("an array")
            .iter()
            .map(|x| {
                (
                    x["monthly_cost_usd"].as_f64().expect("cost"),
                    x["size_gib"].as_i64().expect("size"),
                    x[id].as_str().expect("id").to_string(),
                )
            })
            .collect()
    };
    for (key, id) in [("volumes", "volume_id"), ("snapshots", "snapshot_id")] {
        let got = rows(&["orphans", "--json"], key, id);
        assert!(got.len() > 2, "{key}: {got:?}");
        for pair in got.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            let in_order =
                b.0.total_cmp(&a.0)
                    .then(b.1.cmp(&a.1))
                    .then(a.2.cmp(&b.2))
                    .is_lt();
            assert!(in_order, "{key} by cost: {a:?} before {b:?} in {got:?}");
        }
        let mut by_id: Vec<String> = got.iter().map(|r| r.2.clone()).collect();
        by_id.sort();
        let ids = rows(&["orphans", "--sort", "id", "--json"], key, id);
        assert_eq!(ids.iter().map(|r| r.2.clone()).collect::<Vec<_>>(), by_id);
        let sizes = rows(&["orphans", "--sort", "size", "--json"], key, id);
        assert!(sizes.windows(2).all(|p| p[0].1 >= p[1].1), "{sizes:?}");
    }
    // The report's orphan section (JSON) is in the same order.
    let report = json_of(ecsnap(&emu.endpoint(), home.path()).args(["report", "--json"]));
    let report_ids: Vec<String> = report["orphans"]["volumes"]
        .as_array()
        .expect("volumes")
        .iter()
        .map(|x| x["volume_id"].as_str().unwrap_or_default().to_string())
        .collect();
    let listed: Vec<String> = rows(&["orphans", "--json"], "volumes", "volume_id")
        .into_iter()
        .map(|r| r.2)
        .collect();
    assert_eq!(report_ids, listed);
}

#[test]
fn min_age_uses_creation_time_against_the_clock() {
    let (emu, fleet) = shared_fleet();
    let home = home();
    // Everything was created moments ago: a minimum age of one day leaves nothing ...
    let now =
        json_of(ecsnap(&emu.endpoint(), home.path()).args(["orphans", "--min-age", "1", "--json"]));
    assert_eq!(now["totals"]["volumes"], 0);
    assert_eq!(now["totals"]["snapshots"], 0);
    // ... and a clock ten days ahead makes all of it ten days old.
    let later = chrono::Utc::now() + chrono::Duration::days(10);
    let v = json_of(
        ecsnap(&emu.endpoint(), home.path())
            .env("ECSNAP_NOW", later.to_rfc3339())
            .args(["orphans", "--min-age", "7", "--json"]),
    );
    assert_eq!(
        strings(&v["volumes"], "volume_id"),
        set(&fleet.orphan_volumes)
    );
    assert!(
        v["volumes"]
            .as_array()
            .expect("volumes")
            .iter()
            .all(|x| x["age_days"].as_i64() >= Some(9))
    );
}

#[test]
fn unknown_names_are_errors_with_close_names() {
    let (emu, _) = shared_fleet();
    let home = home();
    let cases: [(&[&str], &str); 4] = [
        (
            &["services", "--cluster", "payments"],
            "did you mean: payments-prod",
        ),
        (
            &["tasks", "--cluster", "payments-prod", "--service", "ledgr"],
            "did you mean: ledger",
        ),
        (
            &["snapshots", "--repository", "workspace"],
            "did you mean: workspaces",
        ),
        (&["snapshots", "--user", "alicia"], "did you mean: alice"),
    ];
    for (args, needle) in cases {
        let out = ecsnap(&emu.endpoint(), home.path())
            .args(args)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr_of(&out);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "nothing on stdout for {args:?}");
    }
}

#[test]
fn an_unreachable_endpoint_names_the_url_and_region() {
    let home = home();
    // Nothing listens on port 1 (a port bound and let go can be given to another test's
    // server meanwhile).
    let url = "http://127.0.0.1:1".to_string();
    let out = ecsnap(&url, home.path())
        .arg("services")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    assert_has(&err, &url);
    assert_has(&err, "us-east-1");
    assert_has(&err, "ecs:ListClusters");
}

#[test]
fn usage_and_config_errors_have_their_exit_codes() {
    let (emu, _) = shared_fleet();
    let home = home();
    let out = ecsnap(&emu.endpoint(), home.path())
        .arg("tasks")
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "missing --cluster is a usage error"
    );

    let config = home.path().join("bad.toml");
    std::fs::write(&config, "[snapshots]\nkeep_newest = \"three\"\n").expect("write");
    let out = ecsnap(&emu.endpoint(), home.path())
        .arg("--config")
        .arg(&config)
        .arg("services")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    assert!(
        err.contains(&config.display().to_string()) && err.contains("keep_newest"),
        "{err}"
    );
}
