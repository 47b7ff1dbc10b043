//! `ecsnap demo` without a terminal: starts its own emulator (with the rollout dynamics),
//! seeds the fleet, the failing rollout, the paused canary and the load-balanced storefront, prints the listings, and leaves no server behind.

use crate::asserts::assert_has;
use std::process::Command;

#[test]
fn demo_prints_the_seeded_fleet_and_stops_its_emulator() {
    let home = tempfile::tempdir().expect("a temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_ecsnap"))
        .arg("demo")
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("ECSNAP_MOTO_VENV", crate::emulator::moto_venv())
        // The rollout fails an hour later, not a minute: the listing below is printed
        // before that however slow the machine (no race with the demo's clock).
        .env("ECSNAP_DEMO_FAIL_AFTER", "3600")
        .env_remove("AWS_PROFILE")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("demo runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_has(&stderr, "seeding the demo fleet");
    let services: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("== Services"))
        .skip(2)
        .take_while(|l| !l.is_empty())
        .collect();
    // The demo fleet's eight services, the demo's failing `checkout` rollout, on top
    // (still rolling: it fails an hour later here), the `gateway` canary deploying and the
    // load-balanced `storefront`.
    assert_eq!(services.len(), 11, "{stdout}");
    assert!(
        services.iter().any(|r| r.contains("storefront")),
        "{stdout}"
    );
    for (row, name) in services.iter().zip(["checkout", "gateway", "worker"]) {
        assert!(row.contains(name) && row.contains("ROLLING"), "{stdout}");
    }
    assert_has(
        &stderr,
        "payments-prod/checkout: checkout:3 will fail; R then rolls it back · \
         payments-prod/gateway: a canary waits for you",
    );
    assert!(stdout.contains("workspaces / alice  (6 tags"), "{stdout}");
    assert_has(&stdout, "12 orphaned volumes, 3 orphaned snapshots");
    assert_has(&stdout, "backs AMI ami-");
    let endpoint = stderr
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .map(|w| w.trim_end_matches('…').to_string())
        .expect("the endpoint is printed");
    let port = endpoint.rsplit(':').next().unwrap_or_default().to_string();
    assert!(
        std::net::TcpStream::connect(format!("127.0.0.1:{port}")).is_err(),
        "the emulator at {endpoint} was stopped"
    );
}
