//! End to end against moto: every `rollback` journey, read back through the SDK. The
//! commands in sequence on the demo fleet (the revision before, a revision by number, an
//! older image tag; then redeploy, wait and restore-user on the same fleet, each checked in
//! AWS and in the audit log); a revision whose image was deleted from ECR refused (exit 5,
//! the image named, the service left as it was) unless `--force`; and a rollback over two
//! regions acting in the one that has the service and refusing when both have it.

use crate::harness::{create_cluster, create_service, register_bridge};
use serde_json::Value;

use crate::diff::{CLUSTER, REPO, SERVICE, seeded_shop};
use crate::emulator::{
    Aws, Scenario, audit_entries, block_on, described_service, digest_of, ecsnap,
    ecsnap_anywhere as ecsnap_at, json_of, on_service, output_of, restore_alice,
    service_task_definition, start_emulator, stderr_of, tags_of,
};
use crate::fleet_actions::{EAST, HOME_ACCOUNT, WEST, ecs_in};
use ecsnap::ops::audit::AuditEntry;

/// The ids of the service's deployments, newest first as ECS lists them.
fn deployment_ids(aws: &Aws, cluster: &str, service: &str) -> Vec<String> {
    described_service(&aws.ecs, cluster, service)
        .map(|s| {
            s.deployments()
                .iter()
                .filter_map(|d| d.id().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn image_of(aws: &Aws, task_definition: &str) -> String {
    let out = block_on(
        aws.ecs
            .describe_task_definition()
            .task_definition(task_definition)
            .send(),
    )
    .expect("describe task definition");
    out.task_definition()
        .and_then(|t| t.container_definitions().first())
        .and_then(|c| c.image())
        .unwrap_or_default()
        .to_string()
}

// An end-to-end scenario: each step depends on the one before; it reads top to bottom.
#[expect(
    clippy::too_many_lines,
    reason = "the actions in sequence on one fleet, each read back through the SDK"
)]
#[test]
fn rollback_redeploy_wait_and_restore_user() {
    let t = Scenario::seeded();
    let registry = format!("{}.dkr.ecr.us-east-1.amazonaws.com", t.fleet.account);

    // Default: the revision before what the service runs.
    let out = json_of(
        t.ecsnap()
            .arg("--json")
            .args(on_service("rollback", "payments-prod", "api"))
            .args(["--yes", "--wait", "--timeout", "30s"]),
    );
    assert_eq!(out["wait"]["status"], "stable");
    let td = service_task_definition(&t.aws, "payments-prod", "api");
    assert!(td.ends_with("task-definition/api:1"), "{td}");

    // To a revision by number.
    let out = output_of(
        t.ecsnap()
            .args(on_service("rollback", "payments-prod", "api"))
            .args(["--to-revision", "2", "--yes"]),
    );
    assert!(out.status.success(), "{}", stderr_of(&out));
    let td = service_task_definition(&t.aws, "payments-prod", "api");
    assert!(td.ends_with("task-definition/api:2"), "{td}");

    // To an older image tag: a new revision with only the image changed.
    let out = json_of(
        t.ecsnap()
            .arg("--json")
            .args(on_service("rollback", "payments-prod", "ledger"))
            .args(["--image-tag", "2026.11.1", "--yes"]),
    );
    let td = service_task_definition(&t.aws, "payments-prod", "ledger");
    assert_eq!(out["registered_task_definition"], td.as_str());
    assert!(td.ends_with("task-definition/ledger:3"), "{td}");
    assert_eq!(
        image_of(&t.aws, &td),
        format!("{registry}/ledger:2026.11.1")
    );

    // Redeploy: a new deployment; waiting on a service that never converges times out.
    let worker_td = service_task_definition(&t.aws, "payments-prod", "worker");
    let before = deployment_ids(&t.aws, "payments-prod", "worker");
    assert!(!before.is_empty(), "worker has a deployment");
    let out = output_of(
        t.ecsnap()
            .args(on_service("redeploy", "payments-prod", "worker"))
            .args(["--yes", "--wait", "--timeout", "0s"]),
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    // Read back: a new deployment (moto gives the forced one a new id), same revision.
    let after = deployment_ids(&t.aws, "payments-prod", "worker");
    assert!(
        after.first().is_some_and(|id| !before.contains(id)),
        "a new deployment: {before:?} -> {after:?}"
    );
    assert_eq!(
        service_task_definition(&t.aws, "payments-prod", "worker"),
        worker_td,
        "a redeploy keeps the revision"
    );
    let out = output_of(
        t.ecsnap()
            .args(on_service("wait", "payments-prod", "notifier"))
            .args(["--timeout", "0"]),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));

    // A deleted service has left ACTIVE: the wait fails with 3.
    block_on(
        t.aws
            .ecs
            .delete_service()
            .cluster("search-staging")
            .service("crawler")
            .force(true)
            .send(),
    )
    .expect("delete service");
    let out = output_of(
        t.ecsnap()
            .args(on_service("wait", "search-staging", "crawler"))
            .args(["--timeout", "0"]),
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));

    // Restore a user: the resume tag now points at the older image.
    let want = digest_of(&t.aws, "workspaces", "alice-20261120T0815");
    assert_ne!(digest_of(&t.aws, "workspaces", "alice-latest"), want);
    let alice = || {
        json_of(t.ecsnap().args([
            "--json",
            "snapshots",
            "--repository",
            "workspaces",
            "--user",
            "alice",
        ]))[0]
            .clone()
    };
    let before = alice();
    assert_eq!(before["resume_points_at"], "alice-20261122T0930");
    let out = json_of(
        t.ecsnap()
            .arg("--json")
            .args(restore_alice("alice-20261120T0815"))
            .arg("--yes"),
    );
    assert_eq!(digest_of(&t.aws, "workspaces", "alice-latest"), want);
    assert_eq!(out["after_digest"], want.as_deref().unwrap_or_default());
    assert_eq!(out["changed"], true);
    // The older tag itself is still there.
    assert!(tags_of(&t.aws.ecr, "workspaces").contains("alice-20261120T0815"));
    // The listing says where the resume tag points now; the same images, the same total
    // (each image once, however it is tagged).
    let after = alice();
    assert_eq!(after["resume_points_at"], "alice-20261120T0815");
    assert_eq!(after["resume_digest"], want.as_deref().unwrap_or_default());
    assert_eq!(after["total_bytes"], before["total_bytes"]);
    // Again to the same tag: it says so and exits 0 without asking (no --yes, no terminal)
    // and sends nothing (the audit below has one PutImage).
    let out = output_of(t.ecsnap().args(restore_alice("alice-20261120T0815")));
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("alice-latest already points at alice-20261120T0815; nothing to do"),
        "{out:?}"
    );

    let actions: Vec<String> = audit_entries(t.home.path())
        .iter()
        .filter(|e| e.result == "ok")
        .map(|e| e.action.clone())
        .collect();
    assert_eq!(
        actions,
        [
            "ecs:UpdateService",
            "ecs:UpdateService",
            "ecs:RegisterTaskDefinition",
            "ecs:UpdateService",
            "ecs:UpdateService",
            "ecr:PutImage",
        ]
    );
    let last = audit_entries(t.home.path()).pop().expect("an entry");
    assert_eq!(last.resource_ids, ["workspaces:alice-latest"]);
    // The rollbacks' and the restore's lines name what they replaced.
    let replaced: Vec<String> = audit_entries(t.home.path())
        .iter()
        .filter(|e| e.result == "ok")
        .filter_map(|e| e.replaced.clone())
        .collect();
    assert_eq!(replaced.len(), 4, "{replaced:?}");
    assert!(
        replaced[0].ends_with("task-definition/api:2"),
        "{replaced:?}"
    );
    assert!(
        replaced[1].ends_with("task-definition/api:1"),
        "{replaced:?}"
    );
    assert!(
        replaced[2].contains("task-definition/ledger:") && replaced[2].contains("/ledger:"),
        "{replaced:?}"
    );
    assert!(
        replaced[3].starts_with("workspaces:alice-latest -> sha256:"),
        "{replaced:?}"
    );
}

#[test]
fn rollback_to_a_revision_whose_image_was_deleted_is_refused_unless_forced() {
    let (emulator, aws, uri) = seeded_shop();
    let endpoint = emulator.endpoint();
    let home = tempfile::tempdir().expect("tempdir");
    block_on(
        aws.ecr
            .batch_delete_image()
            .repository_name(REPO)
            .image_ids(
                aws_sdk_ecr::types::ImageIdentifier::builder()
                    .image_tag("v1")
                    .build(),
            )
            .send(),
    )
    .expect("batch delete image");
    let before = service_task_definition(&aws, CLUSTER, SERVICE);
    assert!(before.ends_with("task-definition/storefront:2"), "{before}");

    let rollback = |extra: &[&str]| {
        let mut cmd = ecsnap(&endpoint, home.path());
        cmd.args(on_service("rollback", CLUSTER, SERVICE))
            .args(["--to-revision", "1", "--yes"])
            .args(extra)
            .stdin(std::process::Stdio::null());
        cmd.output().expect("ecsnap runs")
    };

    let refused = rollback(&[]);
    let err = stderr_of(&refused);
    assert_eq!(refused.status.code(), Some(5), "{err}");
    assert!(err.contains(&format!("{uri}:v1")), "names the image: {err}");
    assert_eq!(
        service_task_definition(&aws, CLUSTER, SERVICE),
        before,
        "nothing was sent"
    );
    let audit = crate::emulator::audit_entries(home.path());
    assert!(audit.is_empty(), "no mutation was logged: {audit:?}");

    // The image that still exists passes the check: v2 is fine, the default target
    // (revision 1) is not.
    let default_target = {
        let mut cmd = ecsnap(&endpoint, home.path());
        cmd.args(on_service("rollback", CLUSTER, SERVICE))
            .arg("--dry-run");
        cmd.output().expect("ecsnap runs")
    };
    assert_eq!(
        default_target.status.code(),
        Some(5),
        "{}",
        stderr_of(&default_target)
    );

    let forced = rollback(&["--force"]);
    assert!(forced.status.success(), "{}", stderr_of(&forced));
    let after = service_task_definition(&aws, CLUSTER, SERVICE);
    assert!(after.ends_with("task-definition/storefront:1"), "{after}");
}

fn register(ecs: &aws_sdk_ecs::Client, image: &str) -> String {
    let container = aws_sdk_ecs::types::ContainerDefinition::builder()
        .name("web")
        .image(image)
        .memory(128)
        .build();
    block_on(register_bridge(ecs, "fleetweb", container))
}

/// Cluster `fleetshop` with service `web` running revision 2 of `fleetweb`.
fn seed_service(ecs: &aws_sdk_ecs::Client) -> (String, String) {
    block_on(create_cluster(ecs, "fleetshop"));
    let first = register(ecs, "public.ecr.aws/nginx/nginx:1.26");
    let second = register(ecs, "public.ecr.aws/nginx/nginx:1.27");
    block_on(create_service(ecs, "fleetshop", "web", &second, 1));
    (first, second)
}

fn runs(ecs: &aws_sdk_ecs::Client) -> String {
    block_on(
        ecs.describe_services()
            .cluster("fleetshop")
            .services("web")
            .send(),
    )
    .expect("describe services")
    .services()
    .first()
    .and_then(|s| s.task_definition())
    .unwrap_or_default()
    .to_string()
}

#[test]
fn rollback_acts_in_the_one_region_with_the_service_and_refuses_when_both_have_it() {
    let emulator = start_emulator();
    let endpoint = emulator.endpoint();
    let home = tempfile::tempdir().expect("home");
    let west = ecs_in(&endpoint, WEST);
    let east = ecs_in(&endpoint, EAST);
    let (west_first, west_second) = seed_service(&west);
    let regions = format!("{EAST},{WEST}");
    let rollback = [
        "--region",
        &regions,
        "rollback",
        "--cluster",
        "fleetshop",
        "--service",
        "web",
        "--yes",
        "--json",
    ];

    // Only eu-west-1 has it: the rollback happens there.
    let out = output_of(ecsnap_at(&endpoint, home.path()).args(rollback));
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "fleetshop/web is in default ({HOME_ACCOUNT}) · {WEST}"
        )),
        "{stderr}"
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["region"], WEST);
    assert_eq!(json["account_id"], HOME_ACCOUNT);
    assert_eq!(json["from_task_definition"], west_second.as_str());
    assert_eq!(runs(&west), west_first);
    let updates: Vec<AuditEntry> = audit_entries(home.path())
        .into_iter()
        .filter(|e| e.is_result() && e.action == "ecs:UpdateService")
        .collect();
    assert_eq!(updates.len(), 1, "{updates:?}");
    assert_eq!(updates[0].region, WEST);
    assert_eq!(updates[0].account.as_deref(), Some(HOME_ACCOUNT));

    // Nowhere: a not-found error naming the places searched.
    let out = output_of(
        ecsnap_at(&endpoint, home.path())
            .args(["--region", &regions])
            .args(on_service("redeploy", "fleetshop", "api"))
            .arg("--yes"),
    );
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("not found in any of the 2 places searched")
            && stderr.contains(EAST)
            && stderr.contains(WEST),
        "{stderr}"
    );

    // Both regions have it: refused (exit 2), nothing changes anywhere.
    let (_, east_second) = seed_service(&east);
    let lines = audit_entries(home.path()).len();
    let out = output_of(ecsnap_at(&endpoint, home.path()).args(rollback));
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("exists in 2 places") && stderr.contains("--region"),
        "{stderr}"
    );
    assert_eq!(runs(&west), west_first);
    assert_eq!(runs(&east), east_second);
    assert_eq!(audit_entries(home.path()).len(), lines);
}
