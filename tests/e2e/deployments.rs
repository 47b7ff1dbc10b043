//! End to end against moto, which implements none of the service-deployment operations
//! (ListServiceDeployments, StopServiceDeployment, ContinueServiceDeployment … answer an
//! HTML 500): `deployments` and `rollback --stop-deployment` say the endpoint does not
//! support them (exit 1) instead of blaming a proxy, and send nothing that changes AWS;
//! in read-only mode `rollback --stop-deployment` and `continue` are refused (exit 5)
//! before any request, with no audit log opened. The request and answer shapes are tested
//! against aws-smithy-mocks (`tests/mock/deployments.rs`).

use crate::asserts::{assert_has, assert_lacks};
use std::process::{Command, Output};

use crate::emulator::{assert_no_audit_log, ecsnap, shared_fleet, stderr_of};

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(std::process::Stdio::null())
        .output()
        .expect("ecsnap runs")
}

#[test]
fn an_emulator_without_service_deployments_is_named_as_such() {
    let (emulator, fleet) = shared_fleet();
    let endpoint = emulator.endpoint();
    let (cluster, service) = fleet.services.first().cloned().expect("a service");
    let home = tempfile::tempdir().expect("tempdir");
    let out = run(ecsnap(&endpoint, home.path()).args([
        "deployments",
        "--cluster",
        &cluster,
        "--service",
        &service,
    ]));
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_has(
        &err,
        "ecs:ListServiceDeployments is not supported by the endpoint",
    );
    assert_lacks(&err, "proxy");

    let out = run(ecsnap(&endpoint, home.path()).args([
        "rollback",
        "--cluster",
        &cluster,
        "--service",
        &service,
        "--stop-deployment",
        "--yes",
    ]));
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_has(&err, "is not supported");
    // The plan failed before anything was sent: no mutation in the audit log.
    let sent: Vec<_> = crate::emulator::audit_entries(home.path())
        .into_iter()
        .filter(|e| e.action == "ecs:StopServiceDeployment")
        .collect();
    assert!(sent.is_empty(), "{sent:?}");
}

#[test]
fn read_only_refuses_stop_and_continue_before_any_request() {
    let (emulator, fleet) = shared_fleet();
    let endpoint = emulator.endpoint();
    let (cluster, service) = fleet.services.first().cloned().expect("a service");
    for args in [
        vec!["rollback", "--stop-deployment"],
        vec!["continue"],
        vec!["continue", "--rollback"],
    ] {
        let home = tempfile::tempdir().expect("tempdir");
        let out = run(ecsnap(&endpoint, home.path())
            .arg("--read-only")
            .args(&args)
            .args(["--cluster", &cluster, "--service", &service, "--yes"]));
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(5), "{args:?}: {err}");
        assert!(err.contains("read-only"), "{args:?}: {err}");
        assert_no_audit_log(home.path());
    }
}
