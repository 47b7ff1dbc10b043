//! End to end against moto through the real binary: `recover` of an orphan that ECS
//! created for a service (the snapshot is read back from EC2: taken of that volume, tagged
//! as a kept safety snapshot for the service), its refusals (read-only, unknown origin,
//! service gone, no managed EBS volume: exit 5, no snapshot made), and the task volumes of
//! every kind read back from `tasks --json` (moto keeps task definitions' `volumes`).
//!
//! moto drops services' volume configurations, so the service here has none and recover
//! takes the task definition's volume configured at launch; the UpdateService request of
//! a service that reports its configuration is asserted with aws-smithy-mocks
//! (`tests/recover_mock.rs`).

use crate::asserts::assert_has_all;
use crate::harness::{
    Fresh, create_cluster, create_service, register_bridge, registered, stderr_at_exit,
};
use std::collections::BTreeMap;

use crate::emulator::{
    Aws, block_on, ecsnap, json_of, json_rows, result_lines, stderr_of, tag_pairs, text,
};
use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification, VolumeType};
use aws_sdk_ecs::types::{
    ContainerDefinition, DockerVolumeConfiguration, EfsAuthorizationConfig,
    EfsAuthorizationConfigIam, EfsTransitEncryption, EfsVolumeConfiguration, EphemeralStorage,
    HostVolumeProperties, LaunchType, MountPoint, NetworkMode, Scope, ServiceVolumeConfiguration,
    Volume,
};

fn container(name: &str, mounts: &[(&str, &str, bool)]) -> ContainerDefinition {
    let mut c = ContainerDefinition::builder()
        .name(name)
        .image(format!("public.ecr.aws/docker/library/{name}:1"))
        .memory(256)
        .essential(true);
    for (volume, path, read_only) in mounts {
        c = c.mount_points(
            MountPoint::builder()
                .source_volume(*volume)
                .container_path(*path)
                .read_only(*read_only)
                .build(),
        );
    }
    c.build()
}

/// The cluster `cluster` with a service `ledger` whose task definition has a volume
/// configured at launch (`data`); the task definition's ARN.
pub(crate) fn seed_service(ecs: &aws_sdk_ecs::Client, cluster: &str) -> String {
    seed_ledger(ecs, cluster, NetworkMode::Bridge, None, None)
}

/// [`seed_service`], the service given `volume` as its managed EBS volume configuration
/// when there is one.
pub(crate) fn seed_service_with(
    ecs: &aws_sdk_ecs::Client,
    cluster: &str,
    volume: Option<ServiceVolumeConfiguration>,
) -> String {
    seed_ledger(ecs, cluster, NetworkMode::Bridge, None, volume)
}

/// The `ledger` service in `cluster` with its task definition's `mode`, and (awsvpc) its
/// network configuration; the task definition's ARN.
pub(crate) fn seed_service_in(
    ecs: &aws_sdk_ecs::Client,
    cluster: &str,
    mode: NetworkMode,
    network: Option<aws_sdk_ecs::types::NetworkConfiguration>,
) -> String {
    seed_ledger(ecs, cluster, mode, network, None)
}

/// The `ledger` service: its task definition's network `mode`, its network
/// configuration and its managed EBS volume configuration, each when given.
fn seed_ledger(
    ecs: &aws_sdk_ecs::Client,
    cluster: &str,
    mode: NetworkMode,
    network: Option<aws_sdk_ecs::types::NetworkConfiguration>,
    volume: Option<ServiceVolumeConfiguration>,
) -> String {
    block_on(create_cluster(ecs, cluster));
    let arn = block_on(registered(
        ecs.register_task_definition()
            .family("ledger")
            .network_mode(mode)
            .volumes(
                Volume::builder()
                    .name("data")
                    .configured_at_launch(true)
                    .build(),
            )
            .container_definitions(container("app", &[("data", "/var/lib/ledger", false)])),
    ));
    block_on(
        ecs.create_service()
            .cluster(cluster)
            .service_name("ledger")
            .task_definition(&arn)
            .desired_count(1)
            .set_volume_configurations(volume.map(|v| vec![v]))
            .set_network_configuration(network)
            .send(),
    )
    .expect("service");
    arn
}

/// An `available` volume with these tags.
pub(crate) fn orphan(ec2: &aws_sdk_ec2::Client, tags: &[(&str, &str)]) -> String {
    let mut spec = TagSpecification::builder().resource_type(ResourceType::Volume);
    for (k, v) in tags {
        spec = spec.tags(Tag::builder().key(*k).value(*v).build());
    }
    let out = block_on(
        ec2.create_volume()
            .availability_zone("us-east-1a")
            .size(30)
            .volume_type(VolumeType::Gp3)
            .tag_specifications(spec.build())
            .send(),
    )
    .expect("volume");
    out.volume_id().expect("volume id").to_string()
}

/// Every snapshot of the account: id → (source volume, tags).
fn snapshots(aws: &Aws) -> BTreeMap<String, (String, BTreeMap<String, String>)> {
    let out = block_on(aws.ec2.describe_snapshots().owner_ids("self").send()).expect("snapshots");
    out.snapshots()
        .iter()
        .map(|s| {
            (
                s.snapshot_id().unwrap_or_default().to_string(),
                (
                    s.volume_id().unwrap_or_default().to_string(),
                    tag_pairs(s.tags()),
                ),
            )
        })
        .collect()
}

#[test]
fn recover_snapshots_an_ecs_orphan_for_its_service() {
    let t = Fresh::start();
    seed_service(&t.aws.ecs, "vault-prod");
    let vol = orphan(
        &t.aws.ec2,
        &[
            ("AmazonECSCreated", "true"),
            ("aws:ecs:clusterName", "vault-prod"),
            ("aws:ecs:serviceName", "ledger"),
        ],
    );
    let before = snapshots(&t.aws);

    // A dry run shows the plan and sends nothing.
    let plan = json_of(
        t.ecsnap()
            .args(["--json", "recover", "--volume", &vol, "--dry-run"]),
    );
    assert_eq!(plan["dry_run"], true);
    assert_eq!(plan["cluster"], "vault-prod");
    assert_eq!(plan["service"], "ledger");
    assert_eq!(plan["volume_name"], "data");
    assert_eq!(plan["config_source"], "task_definition");
    assert_eq!(plan["size_gib"], 30);
    assert_eq!(snapshots(&t.aws), before);

    let out = json_of(
        t.ecsnap()
            .args(["--json", "recover", "--volume", &vol, "--yes"]),
    );
    let snap = out["snapshot_id"]
        .as_str()
        .expect("snapshot id")
        .to_string();
    assert!(snap.starts_with("snap-"), "{out}");
    assert_eq!(out["volume_id"], vol.as_str());
    // Read back from EC2: one new snapshot, of that volume, tagged as kept for the service.
    let after = snapshots(&t.aws);
    assert_eq!(after.len(), before.len() + 1);
    let (source, tags) = after.get(&snap).expect("the snapshot exists");
    assert_eq!(source, &vol);
    assert_eq!(tags.get("ecsnap:source-volume"), Some(&vol));
    assert_eq!(
        tags.get("ecsnap:recover-for").map(String::as_str),
        Some("vault-prod/ledger")
    );
    assert!(tags.contains_key("ecsnap:retain-until"), "{tags:?}");
    // The audit log has the snapshot and the UpdateService, both ok.
    let log = t.home.path().join("state/ecsnap/audit.log");
    let entries = ecsnap::ops::audit::read_entries(&log).expect("audit log");
    let done = result_lines(&entries);
    assert_eq!(
        done,
        [("ec2:CreateSnapshot", "ok"), ("ecs:UpdateService", "ok")]
    );
    // The snapshot is kept: even once the volume is gone, cleanup skips it until its
    // retain-until date.
    block_on(t.aws.ec2.delete_volume().volume_id(&vol).send()).expect("delete the volume");
    let orphans = json_of(t.ecsnap().args(["--json", "orphans"]));
    let skipped = orphans["skipped"].as_array().expect("skipped");
    assert!(
        skipped.iter().any(|s| s["id"] == snap.as_str()
            && s["reason"].as_str().unwrap_or("").contains("kept until")),
        "{orphans}"
    );
}

/// Runs `recover` and expects a refusal (exit 5) whose message has `want`.
fn refused(endpoint: &str, home: &std::path::Path, args: &[&str], want: &str) {
    let err = stderr_at_exit(ecsnap(endpoint, home).args(args), 5);
    assert!(err.contains(want), "{want:?} in {err}");
}

#[test]
fn recover_refusals_send_nothing() {
    let t = Fresh::start();
    seed_service(&t.aws.ecs, "vault-prod");
    // A cluster whose service has no volume configured at launch.
    block_on(create_cluster(&t.aws.ecs, "plain-dev"));
    let td = block_on(register_bridge(&t.aws.ecs, "web", container("web", &[])));
    block_on(create_service(&t.aws.ecs, "plain-dev", "web", &td, 1));
    let ecs_tags = |cluster: &'static str, service: &'static str| {
        vec![
            ("AmazonECSCreated", "true"),
            ("aws:ecs:clusterName", cluster),
            ("aws:ecs:serviceName", service),
        ]
    };
    let good = orphan(&t.aws.ec2, &ecs_tags("vault-prod", "ledger"));
    let unknown = orphan(&t.aws.ec2, &[("Name", "db-scratch")]);
    let gone = orphan(&t.aws.ec2, &ecs_tags("vault-prod", "ledger-old"));
    let plain = orphan(&t.aws.ec2, &ecs_tags("plain-dev", "web"));
    let h = t.home.path();
    let before = snapshots(&t.aws);

    refused(
        &t.endpoint,
        h,
        &["--read-only", "recover", "--volume", &good, "--yes"],
        "read-only",
    );
    refused(
        &t.endpoint,
        h,
        &["recover", "--volume", &unknown, "--yes"],
        "origin is unknown",
    );
    refused(
        &t.endpoint,
        h,
        &["recover", "--volume", &gone, "--yes"],
        "no longer exists",
    );
    refused(
        &t.endpoint,
        h,
        &["recover", "--volume", &plain, "--yes"],
        "has no managed EBS volume",
    );
    assert_eq!(snapshots(&t.aws), before, "no snapshot was taken");
    let entries = crate::emulator::audit_entries(h);
    assert!(entries.is_empty(), "nothing was sent: {entries:?}");
}

/// The cluster `storage-lab` with one task of a definition that has an EFS volume, a
/// bind mount with and one without a host path, and a Docker volume, mounted by two
/// containers, and 64 GiB of ephemeral storage.
fn seed_storage_lab(aws: &Aws) {
    block_on(create_cluster(&aws.ecs, "storage-lab"));
    let efs = EfsVolumeConfiguration::builder()
        .file_system_id("fs-0123456789abcdef0")
        .root_directory("/shared")
        .transit_encryption(EfsTransitEncryption::Enabled)
        .authorization_config(
            EfsAuthorizationConfig::builder()
                .access_point_id("fsap-0abc")
                .iam(EfsAuthorizationConfigIam::Enabled)
                .build(),
        )
        .build()
        .expect("efs");
    let arn = block_on(registered(
        aws.ecs
            .register_task_definition()
            .family("lab")
            .network_mode(NetworkMode::Bridge)
            .ephemeral_storage(EphemeralStorage::builder().size_in_gib(64).build())
            .volumes(
                Volume::builder()
                    .name("shared")
                    .efs_volume_configuration(efs)
                    .build(),
            )
            .volumes(
                Volume::builder()
                    .name("logs")
                    .host(
                        HostVolumeProperties::builder()
                            .source_path("/var/log/lab")
                            .build(),
                    )
                    .build(),
            )
            .volumes(Volume::builder().name("tmp").build())
            .volumes(
                Volume::builder()
                    .name("cache")
                    .docker_volume_configuration(
                        DockerVolumeConfiguration::builder()
                            .driver("local")
                            .scope(Scope::Shared)
                            .autoprovision(true)
                            .build(),
                    )
                    .build(),
            )
            .container_definitions(container(
                "app",
                &[
                    ("shared", "/srv/shared", true),
                    ("logs", "/logs", false),
                    ("cache", "/cache", false),
                ],
            ))
            .container_definitions(container("sidecar", &[("shared", "/in", false)])),
    ));
    block_on(
        aws.ecs
            .run_task()
            .cluster("storage-lab")
            .task_definition(&arn)
            .launch_type(LaunchType::Fargate)
            .group("family:lab")
            .count(1)
            .send(),
    )
    .expect("run task");
}

#[test]
fn tasks_json_shows_every_kind_of_volume_with_its_mount_points() {
    let t = Fresh::start();
    seed_storage_lab(&t.aws);
    let tasks = json_of(
        t.ecsnap()
            .args(["--json", "tasks", "--cluster", "storage-lab"]),
    );
    let task = &tasks.as_array().expect("tasks")[0];
    assert_eq!(task["ephemeral_storage_gib"], 64);
    let volumes = task["volumes"].as_array().expect("volumes");
    let by_name = |n: &str| {
        volumes
            .iter()
            .find(|v| v["name"] == n)
            .unwrap_or_else(|| panic!("volume {n} in {volumes:?}"))
    };
    let names: Vec<&str> = volumes.iter().filter_map(|v| v["name"].as_str()).collect();
    assert_eq!(names, ["shared", "logs", "tmp", "cache"]);

    let shared = by_name("shared");
    assert_eq!(shared["kind"], "efs");
    assert_eq!(shared["file_system_id"], "fs-0123456789abcdef0");
    assert_eq!(shared["access_point_id"], "fsap-0abc");
    assert_eq!(shared["root_directory"], "/shared");
    assert_eq!(shared["transit_encryption"], "ENABLED");
    assert_eq!(shared["iam"], "ENABLED");
    assert_eq!(shared["volume_id"], serde_json::Value::Null);
    let mounts: Vec<(String, String, bool)> = json_rows(&shared["mount_points"], |m| {
        (
            text(m, "container"),
            text(m, "container_path"),
            m["read_only"].as_bool().unwrap_or_default(),
        )
    });
    assert_eq!(
        mounts,
        [
            ("app".to_string(), "/srv/shared".to_string(), true),
            ("sidecar".to_string(), "/in".to_string(), false)
        ]
    );

    let logs = by_name("logs");
    assert_eq!(logs["kind"], "bind");
    assert_eq!(logs["host_path"], "/var/log/lab");
    assert_eq!(logs["mount_points"][0]["container_path"], "/logs");

    let tmp = by_name("tmp");
    assert_eq!(tmp["kind"], "bind");
    assert_eq!(tmp["host_path"], serde_json::Value::Null);
    assert_eq!(tmp["mount_points"].as_array().map(Vec::len), Some(0));

    let cache = by_name("cache");
    assert_eq!(cache["kind"], "docker");
    assert_eq!(cache["driver"], "local");
    assert_eq!(cache["scope"], "shared");
    assert_eq!(cache["autoprovision"], true);

    // The text listing names them too.
    let out = t
        .ecsnap()
        .args(["tasks", "--cluster", "storage-lab"])
        .output()
        .expect("ecsnap runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_has_all(
        &text,
        &[
            "lab:1 volumes (ephemeral storage 64 GiB):",
            "EFS fs-0123456789abcdef0",
            "bind mount of host path /var/log/lab",
            "Docker volume, driver local, scope shared, autoprovisioned",
            "app:/srv/shared (ro), sidecar:/in",
        ],
    );
}
