//! End to end: `ecsnap lifecycle` against moto. A repository with per-user snapshot tags,
//! a resume tag, a service running alice's oldest snapshot and one whose previous revision
//! ran bob's older one; a lifecycle policy put through the SDK; `lifecycle --json` must
//! name exactly the expiring tags and the warnings. `--suggest --apply` puts a policy that GetLifecyclePolicy reads back; in
//! read-only mode nothing is sent. (moto's StartLifecyclePolicyPreview answers 500:
//! ecsnap evaluates policies itself. Push times are "now": age rules use ECSNAP_NOW.)

use crate::asserts::assert_has;
use crate::harness::{
    create_cluster, create_service, output_at_exit, register_bridge, stderr_at_exit,
};
use std::collections::BTreeSet;

use crate::emulator::{block_on, ecsnap, json_of, json_rows, start_emulator, stderr_of, text};
use aws_sdk_ecs::types::ContainerDefinition;
use chrono::{Duration, SecondsFormat, Utc};
use ecsnap::demo::Emulator;
use ecsnap::demo::fleet::emulator_config;
use ecsnap::ops::audit::read_entries;
use serde_json::Value;
use std::process::Command;

const REPO: &str = "ws";

/// A manifest of its own for each seed, so images do not collapse into one digest.
fn manifest(seed: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let d = |salt: u64| format!("sha256:{:064x}", u128::from(h ^ salt));
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":1000,"digest":"{}"}},"layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":5000,"digest":"{}"}}]}}"#,
        d(1),
        d(2)
    )
}

/// A test's own emulator with the repository seeded, and a private HOME for the binary.
struct Fleet {
    /// Kept for its lifetime: the emulator stops when it is dropped.
    _emulator: Emulator,
    endpoint: String,
    ecr: aws_sdk_ecr::Client,
    home: tempfile::TempDir,
}

impl Fleet {
    /// A fresh emulator, seeded.
    fn start() -> Self {
        seed(start_emulator())
    }

    /// The real binary on this emulator with this HOME.
    fn ecsnap(&self) -> Command {
        ecsnap(&self.endpoint, self.home.path())
    }
}

/// `--json lifecycle --repository REPO` then `args`, run by `cmd`; its JSON.
fn lifecycle_json(cmd: &mut Command, args: &[&str]) -> Value {
    json_of(
        cmd.args(["--json", "lifecycle", "--repository", REPO])
            .args(args),
    )
}

/// The read-only apply of a suggested policy, refused before any request.
const READ_ONLY_APPLY: [&str; 7] = [
    "--read-only",
    "lifecycle",
    "--repository",
    REPO,
    "--suggest",
    "--apply",
    "--yes",
];

/// Pushes alice's four snapshots (the resume tag on her 2nd oldest), bob's two (a service
/// runs the older one) and a tag of no user, oldest first, into `emulator`.
fn seed(emulator: Emulator) -> Fleet {
    let endpoint = emulator.endpoint();
    let conf = block_on(emulator_config(&endpoint));
    let ecr = aws_sdk_ecr::Client::new(&conf);
    let ecs = aws_sdk_ecs::Client::new(&conf);
    block_on(async {
        ecr.create_repository()
            .repository_name(REPO)
            .send()
            .await
            .expect("create repository");
        let mut registry = String::new();
        for tag in [
            "alice-20261101T0800",
            "alice-20261102T0800",
            "alice-20261103T0800",
            "alice-20261104T0800",
            "bob-20261101T0800",
            "bob-20261102T0800",
            "base-2026.11",
        ] {
            ecr.put_image()
                .repository_name(REPO)
                .image_tag(tag)
                .image_manifest(manifest(tag))
                .send()
                .await
                .expect("put image");
        }
        ecr.put_image()
            .repository_name(REPO)
            .image_tag("alice-latest")
            .image_manifest(manifest("alice-20261102T0800"))
            .send()
            .await
            .expect("put resume tag");
        let repos = ecr
            .describe_repositories()
            .send()
            .await
            .expect("describe repositories");
        if let Some(uri) = repos
            .repositories()
            .first()
            .and_then(|r| r.repository_uri())
        {
            registry = uri.rsplit_once('/').map_or(uri, |(r, _)| r).to_string();
        }
        create_cluster(&ecs, "lifecycle-c1").await;
        // alicesvc runs alice's oldest snapshot; bobsvc's revision 2 runs bob's newest, so
        // his older one is a rollback target (revision 1), not in use.
        let register = |family: &'static str, tag: &'static str| {
            let image = format!("{registry}/{REPO}:{tag}");
            let ecs = ecs.clone();
            async move {
                register_bridge(
                    &ecs,
                    family,
                    ContainerDefinition::builder()
                        .name("main")
                        .image(image)
                        .memory(256)
                        .build(),
                )
                .await
            }
        };
        let alice = register("alicesvc", "alice-20261101T0800").await;
        register("bobsvc", "bob-20261101T0800").await;
        let bob = register("bobsvc", "bob-20261102T0800").await;
        for (name, td) in [("alicesvc", alice), ("bobsvc", bob)] {
            create_service(&ecs, "lifecycle-c1", name, &td, 1).await;
        }
    });
    Fleet {
        _emulator: emulator,
        endpoint,
        ecr,
        home: tempfile::tempdir().expect("tempdir"),
    }
}

fn put_policy(fleet: &Fleet, repo: &str, text: &str) {
    block_on(
        fleet
            .ecr
            .put_lifecycle_policy()
            .repository_name(repo)
            .lifecycle_policy_text(text)
            .send(),
    )
    .expect("put lifecycle policy");
}

fn policy_of(fleet: &Fleet, repo: &str) -> Option<String> {
    block_on(
        fleet
            .ecr
            .get_lifecycle_policy()
            .repository_name(repo)
            .send(),
    )
    .ok()
    .and_then(|o| o.lifecycle_policy_text().map(str::to_string))
}

/// `tags` as the set [`tags_in`] reads.
fn tag_set(tags: &[&str]) -> BTreeSet<String> {
    tags.iter().map(|t| (*t).to_string()).collect()
}

fn tags_in(v: &Value, key: &str) -> BTreeSet<String> {
    v[key]
        .as_array()
        .expect("an array")
        .iter()
        .map(|e| e["tag"].as_str().unwrap_or("<untagged>").to_string())
        .collect()
}

const POLICY: &str = r#"{"rules":[
  {"rulePriority":1,"description":"alice keeps 2","selection":{"tagStatus":"tagged",
   "tagPatternList":["alice-*"],"countType":"imageCountMoreThan","countNumber":2},
   "action":{"type":"expire"}},
  {"rulePriority":2,"description":"bob keeps 1","selection":{"tagStatus":"tagged",
   "tagPrefixList":["bob-"],"countType":"imageCountMoreThan","countNumber":1},
   "action":{"type":"expire"}}]}"#;

#[test]
fn the_preview_names_exactly_the_expiring_tags_and_the_warnings() {
    let fleet = Fleet::start();

    // No policy yet: a state, not an error.
    let none = lifecycle_json(&mut fleet.ecsnap(), &[]);
    assert_eq!(none["repository"], REPO);
    assert_eq!(none["policy_present"], false);
    assert!(none["expires"].as_array().is_some_and(Vec::is_empty));

    put_policy(&fleet, REPO, POLICY);
    let v = lifecycle_json(&mut fleet.ecsnap(), &[]);
    assert_eq!(v["policy_present"], true);
    assert_eq!(v["rules"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["rules"][0]["tag_pattern_list"][0], "alice-*");
    assert_eq!(v["rules"][0]["expires"], 2);
    assert_eq!(v["rules"][1]["expires"], 1);
    let expected: BTreeSet<String> = tag_set(&[
        "alice-20261101T0800",
        "alice-20261102T0800",
        "alice-latest",
        "bob-20261101T0800",
    ]);
    assert_eq!(tags_in(&v, "expires"), expected, "{v:#}");
    for e in v["expires"].as_array().expect("expires") {
        let user = if e["tag"].as_str().is_some_and(|t| t.starts_with("bob")) {
            ("bob", 2)
        } else {
            ("alice", 1)
        };
        assert_eq!(e["user"], user.0, "{e}");
        assert_eq!(e["rule_priority"], user.1, "{e}");
        assert!(
            e["digest"]
                .as_str()
                .is_some_and(|d| d.starts_with("sha256:"))
        );
    }
    let warnings: BTreeSet<(String, String, i64)> = json_rows(&v["warnings"], |w| {
        (
            text(w, "tag"),
            text(w, "kind"),
            w["rule_priority"].as_i64().unwrap_or_default(),
        )
    });
    let want: BTreeSet<(String, String, i64)> = [
        ("alice-latest", "resume_target", 1),
        ("alice-20261102T0800", "newest_tag", 1),
        ("alice-20261101T0800", "in_use", 1),
        ("bob-20261101T0800", "rollback_target", 2),
        ("bob-20261101T0800", "newest_tag", 2),
    ]
    .iter()
    .map(|(t, k, p)| ((*t).to_string(), (*k).to_string(), *p))
    .collect();
    assert_eq!(warnings, want, "{v:#}");

    // The text form says the same, warnings included.
    let out = output_at_exit(fleet.ecsnap().args(["lifecycle", "--repository", REPO]), 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_has(&text, "WARNINGS (5)");
    assert_has(&text, "alice-latest");
}

#[test]
fn age_rules_expire_by_the_tool_clock() {
    let fleet = Fleet::start();
    // Nothing is old by moto's clock (pushes are "now"); 40 days on, bob's are.
    put_policy(
        &fleet,
        REPO,
        r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged",
        "tagPatternList":["bob-*"],"countType":"sinceImagePushed","countUnit":"days",
        "countNumber":30},"action":{"type":"expire"}}]}"#,
    );
    let today = lifecycle_json(&mut fleet.ecsnap(), &[]);
    assert!(today["expires"].as_array().is_some_and(Vec::is_empty));
    assert_eq!(
        tags_in(&today, "upcoming"),
        tag_set(&["bob-20261101T0800", "bob-20261102T0800"])
    );
    let later = (Utc::now() + Duration::days(40)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let aged = lifecycle_json(fleet.ecsnap().env("ECSNAP_NOW", &later), &[]);
    assert_eq!(
        tags_in(&aged, "expires"),
        tag_set(&["bob-20261101T0800", "bob-20261102T0800"])
    );
    assert!(aged["upcoming"].as_array().is_some_and(Vec::is_empty));
}

#[test]
fn read_only_refuses_apply_before_any_request() {
    let fleet = Fleet::start();
    // Read-only: refused (exit 5) before any request, nothing put.
    let stderr = stderr_at_exit(fleet.ecsnap().args(READ_ONLY_APPLY), 5);
    assert!(stderr.contains("read-only"), "{stderr}");
    assert_eq!(policy_of(&fleet, REPO), None);
    // Not even a connection: the same refusal against an endpoint nobody listens on.
    output_at_exit(
        ecsnap("http://127.0.0.1:9", fleet.home.path()).args(READ_ONLY_APPLY),
        5,
    );
    assert!(!fleet.home.path().join("state/ecsnap/audit.log").exists());
}

#[test]
fn suggest_apply_puts_the_policy_the_sdk_reads_back() {
    let fleet = Fleet::start();

    // Suggest alone prints the policy on stdout and changes nothing.
    let out = output_at_exit(
        fleet.ecsnap().args([
            "lifecycle",
            "--repository",
            REPO,
            "--suggest",
            "--keep",
            "2",
        ]),
        0,
    );
    let printed: Value = serde_json::from_slice(&out.stdout).expect("the policy is JSON");
    assert!(
        stderr_of(&out).contains("cannot express"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(policy_of(&fleet, REPO), None);

    let v = lifecycle_json(
        &mut fleet.ecsnap(),
        &["--suggest", "--keep", "2", "--apply", "--yes"],
    );
    assert_eq!(v["applied"], true);
    assert_eq!(v["policy"], printed);
    let patterns: Vec<(&str, i64)> = json_rows(&v["policy"]["rules"], |r| {
        (
            r["selection"]["tagPatternList"][0]
                .as_str()
                .unwrap_or_default(),
            r["selection"]["countNumber"].as_i64().unwrap_or_default(),
        )
    });
    assert_eq!(
        patterns,
        [
            ("alice-latest", 1),
            ("bob-latest", 1),
            ("alice-*", 2),
            ("bob-*", 2)
        ]
    );
    // The preview shown first: alice's oldest goes; her resume target is kept by its rule.
    assert_eq!(
        tags_in(&v["preview"], "expires"),
        tag_set(&["alice-20261101T0800"])
    );
    // … and alicesvc runs it: the one warning, shown before anything is put.
    let warnings: Vec<(&str, &str)> = json_rows(&v["preview"]["warnings"], |w| {
        (
            w["tag"].as_str().unwrap_or_default(),
            w["kind"].as_str().unwrap_or_default(),
        )
    });
    assert_eq!(warnings, [("alice-20261101T0800", "in_use")]);

    // Read back through the SDK: the policy ECR holds is the one printed.
    let stored = policy_of(&fleet, REPO).expect("a policy is in place");
    let stored: Value = serde_json::from_str(&stored).expect("stored policy is JSON");
    assert_eq!(stored, v["policy"]);
    // And ecsnap's own preview of what is in place agrees.
    let now = lifecycle_json(&mut fleet.ecsnap(), &[]);
    assert_eq!(tags_in(&now, "expires"), tag_set(&["alice-20261101T0800"]));
    let entries =
        read_entries(&fleet.home.path().join("state/ecsnap/audit.log")).expect("audit log");
    let puts: Vec<&str> = entries
        .iter()
        .filter(|e| e.action == "ecr:PutLifecyclePolicy")
        .map(|e| e.action.as_str())
        .collect();
    assert!(!puts.is_empty(), "no audit line for the put");
}

/// `--suggest --archive-after 30d --apply`: a transition rule per user ("archive after 30
/// days unpulled"), then an expire rule on the archived ones, put through the SDK and read
/// back; the preview says what it archives, 40 days on. Plain moto rejects transition
/// rules, so this runs on the demo's emulator, whose helper widens moto's policy schema to
/// ECR's.
#[test]
fn suggest_archive_after_puts_transition_rules_the_sdk_reads_back() {
    let emulator = ecsnap::demo::Emulator::start_with(
        &crate::emulator::moto_venv(),
        &mut |m: &str| eprintln!("{m}"),
        Some(&ecsnap::demo::Dynamics::default()),
    )
    .expect("the demo's emulator");
    let fleet = seed(emulator);
    let later = (Utc::now() + Duration::days(40)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let v = lifecycle_json(
        fleet.ecsnap().env("ECSNAP_NOW", &later),
        &["--suggest", "--archive-after", "30d", "--apply", "--yes"],
    );
    assert_eq!(v["applied"], true, "{v}");
    assert_eq!(v["archive_after_days"], 30);
    assert_eq!(v["expire_archived_after_days"], 90);
    let rules: Vec<(String, String, String, i64)> = json_rows(&v["policy"]["rules"], |r| {
        (
            r["selection"]["tagPatternList"][0]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            r["selection"]["countType"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            r["action"]["type"].as_str().unwrap_or_default().to_string(),
            r["selection"]["countNumber"].as_i64().unwrap_or_default(),
        )
    });
    let rule = |p: &str, c: &str, a: &str, n: i64| (p.to_string(), c.to_string(), a.to_string(), n);
    assert_eq!(
        rules,
        [
            rule("alice-latest", "imageCountMoreThan", "expire", 1),
            rule("bob-latest", "imageCountMoreThan", "expire", 1),
            rule("alice-*", "sinceImagePulled", "transition", 30),
            rule("alice-*", "sinceImageTransitioned", "expire", 90),
            rule("bob-*", "sinceImagePulled", "transition", 30),
            rule("bob-*", "sinceImageTransitioned", "expire", 90),
        ]
    );
    assert!(
        v["cannot_express"]
            .as_array()
            .expect("notes")
            .iter()
            .any(|c| c
                .as_str()
                .unwrap_or_default()
                .contains("billed per GB like standard")),
        "{v}"
    );
    // Never pulled, pushed 40 days before: every snapshot tag but alice's resume target.
    assert_eq!(
        tags_in(&v["preview"], "archives"),
        tag_set(&[
            "alice-20261101T0800",
            "alice-20261103T0800",
            "alice-20261104T0800",
            "bob-20261101T0800",
            "bob-20261102T0800",
        ])
    );
    assert!(tags_in(&v["preview"], "expires").is_empty());
    let warned: Vec<(String, String)> = json_rows(&v["preview"]["warnings"], |w| {
        (
            w["tag"].as_str().unwrap_or_default().to_string(),
            format!(
                "{}/{}",
                w["action"].as_str().unwrap_or_default(),
                w["kind"].as_str().unwrap_or_default()
            ),
        )
    });
    assert!(
        warned.contains(&("alice-20261101T0800".into(), "archive/in_use".into())),
        "alicesvc runs it: {warned:?}"
    );

    // Read back through the SDK: ECR holds the policy printed, transition rules included.
    let stored = policy_of(&fleet, REPO).expect("a policy is in place");
    let stored: Value = serde_json::from_str(&stored).expect("stored policy is JSON");
    assert_eq!(stored, v["policy"]);
    assert_eq!(
        stored["rules"][2]["action"]["targetStorageClass"],
        "archive"
    );
    assert_eq!(stored["rules"][3]["selection"]["storageClass"], "archive");
    // ecsnap's preview of the policy in place evaluates the transitions (nothing is "not
    // evaluated").
    let now = lifecycle_json(fleet.ecsnap().env("ECSNAP_NOW", &later), &[]);
    assert_eq!(
        tags_in(&now, "archives"),
        tags_in(&v["preview"], "archives")
    );
    assert_eq!(now["problems"], serde_json::json!([]), "{now}");
    assert_eq!(now["rules"][2]["archives"], 3, "{now}");
}
