//! End to end: `--read-only` refuses every action command against moto with the demo
//! fleet before any request (exit 5, the same with nothing listening), and AWS read back
//! through the SDK shows nothing changed: volumes, snapshots, a resume tag, what a service
//! runs; no audit line. The action journeys are in `cleanup.rs` and `rollback.rs`.

use crate::emulator::{
    Scenario, audit_entries, digest_of, ecsnap, json_of, output_of, restore_alice,
    service_task_definition, snapshot_ids, stderr_of, volume_ids,
};

#[test]
fn read_only_refuses_before_any_request() {
    let t = Scenario::seeded();
    let volumes = volume_ids(&t.aws.ec2);
    let snapshots = snapshot_ids(&t.aws.ec2);
    let alice = digest_of(&t.aws, "workspaces", "alice-latest");
    let api = service_task_definition(&t.aws, "payments-prod", "api");

    let restore: Vec<&str> = restore_alice("alice-20261115T0800")
        .into_iter()
        .chain(["--yes"])
        .collect();
    let attempts: [&[&str]; 6] = [
        &["cleanup", "--volumes", "--yes"],
        &["cleanup", "--snapshots", "--yes"],
        &["cleanup", "--images", "--yes"],
        &[
            "rollback",
            "--cluster",
            "payments-prod",
            "--service",
            "api",
            "--yes",
        ],
        &[
            "redeploy",
            "--cluster",
            "payments-prod",
            "--service",
            "api",
            "--yes",
        ],
        &restore,
    ];
    for args in attempts {
        let out = output_of(t.ecsnap().arg("--read-only").args(args));
        assert_eq!(out.status.code(), Some(5), "{args:?}: {}", stderr_of(&out));
        assert!(stderr_of(&out).contains("read-only"), "{}", stderr_of(&out));
        // The same refusal with nothing listening: no request is needed to refuse.
        let mut cmd = ecsnap("http://127.0.0.1:9", t.home.path());
        let out = output_of(cmd.arg("--read-only").args(args));
        assert_eq!(out.status.code(), Some(5), "{args:?}: {}", stderr_of(&out));
    }
    // From the config file: `read_only = true` for the profile.
    let config = t.home.path().join("ecsnap.toml");
    std::fs::write(&config, "[profiles.default]\nread_only = true\n").expect("config");
    let out =
        output_of(
            t.ecsnap()
                .arg("--config")
                .arg(&config)
                .args(["cleanup", "--volumes", "--yes"]),
        );
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    // A dry run is still allowed in read-only mode.
    let plan =
        json_of(
            t.ecsnap()
                .args(["--read-only", "--json", "cleanup", "--volumes", "--dry-run"]),
        );
    assert!(!plan["items"].as_array().expect("items").is_empty());
    assert_eq!(plan["preflight_done"], false);

    assert_eq!(volume_ids(&t.aws.ec2), volumes);
    assert_eq!(snapshot_ids(&t.aws.ec2), snapshots);
    assert_eq!(digest_of(&t.aws, "workspaces", "alice-latest"), alice);
    assert_eq!(service_task_definition(&t.aws, "payments-prod", "api"), api);
    assert!(audit_entries(t.home.path()).is_empty());
}
