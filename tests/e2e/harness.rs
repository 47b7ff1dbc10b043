//! What many e2e tests share: an empty emulator with the SDK and a private HOME (the
//! unseeded twin of `Scenario`), the console opened on a seeded scenario in tmux, running
//! the binary to the exit code a test expects, the files a test writes (AWS config and
//! credentials, a stand-in session-manager-plugin), and the SDK calls that seed what a
//! test reads (a cluster, a task definition, a service, a volume, an orphaned snapshot).

use std::process::{Command, Output};

use crate::tmux::{Tmux, console_on_demo_fleet, require_tmux};
use aws_sdk_ecs::operation::register_task_definition::builders::RegisterTaskDefinitionFluentBuilder;
use ecsnap::demo::Emulator;

use crate::emulator::{
    Aws, Scenario, block_on, ecsnap, ecsnap_anywhere, sdk, start_emulator, stderr_of,
};

/// A test's own empty emulator, the SDK on it and a private HOME for the binary. The
/// emulator runs as long as this lives.
pub struct Fresh {
    /// Kept for its lifetime: the emulator stops when it is dropped.
    _emulator: Emulator,
    pub endpoint: String,
    pub aws: Aws,
    pub home: tempfile::TempDir,
}

impl Fresh {
    /// A fresh emulator with nothing in it.
    pub fn start() -> Self {
        let emulator = start_emulator();
        let endpoint = emulator.endpoint();
        let aws = sdk(&endpoint);
        Self {
            _emulator: emulator,
            endpoint,
            aws,
            home: tempfile::tempdir().expect("home"),
        }
    }

    /// The real binary on this emulator with this HOME.
    pub fn ecsnap(&self) -> Command {
        ecsnap(&self.endpoint, self.home.path())
    }

    /// The real binary on this emulator with this HOME, no `--region` given.
    pub fn anywhere(&self) -> Command {
        ecsnap_anywhere(&self.endpoint, self.home.path())
    }
}

/// Runs `cmd` (nothing on stdin) and asserts it exits with `code`, showing its stderr
/// when not; its output.
#[track_caller]
pub fn output_at_exit(cmd: &mut Command, code: i32) -> Output {
    let out = cmd.output().expect("runs");
    assert_eq!(out.status.code(), Some(code), "{}", stderr_of(&out));
    out
}

/// Like [`output_at_exit`], for a test that reads only what the binary said on stderr.
#[track_caller]
pub fn stderr_at_exit(cmd: &mut Command, code: i32) -> String {
    stderr_of(&output_at_exit(cmd, code))
}

/// Like [`output_at_exit`], for a test that reads what the binary printed on stdout.
#[track_caller]
pub fn stdout_at_exit(cmd: &mut Command, code: i32) -> String {
    String::from_utf8_lossy(&output_at_exit(cmd, code).stdout).into_owned()
}

/// Creates the ECS cluster `name`.
pub async fn create_cluster(ecs: &aws_sdk_ecs::Client, name: &str) {
    ecs.create_cluster()
        .cluster_name(name)
        .send()
        .await
        .expect("create cluster");
}

/// Sends a task definition registration; the ARN of the revision registered.
pub async fn registered(request: RegisterTaskDefinitionFluentBuilder) -> String {
    request
        .send()
        .await
        .expect("register the task definition")
        .task_definition()
        .and_then(|t| t.task_definition_arn())
        .expect("task definition arn")
        .to_string()
}

/// Creates `cluster/service` running `desired` tasks of `task_definition`.
pub async fn create_service(
    ecs: &aws_sdk_ecs::Client,
    cluster: &str,
    service: &str,
    task_definition: &str,
    desired: i32,
) {
    ecs.create_service()
        .cluster(cluster)
        .service_name(service)
        .task_definition(task_definition)
        .desired_count(desired)
        .send()
        .await
        .expect("create service");
}

/// `tags` as the tag specification of a `kind` resource being created.
fn tagged(
    kind: aws_sdk_ec2::types::ResourceType,
    tags: &[(&str, &str)],
) -> aws_sdk_ec2::types::TagSpecification {
    tags.iter()
        .fold(
            aws_sdk_ec2::types::TagSpecification::builder().resource_type(kind),
            |spec, (k, v)| spec.tags(aws_sdk_ec2::types::Tag::builder().key(*k).value(*v).build()),
        )
        .build()
}

/// A new available volume of `gib` GiB in `az` carrying `tags`; its id.
pub fn new_volume(ec2: &aws_sdk_ec2::Client, az: &str, gib: i32, tags: &[(&str, &str)]) -> String {
    let mut req = ec2.create_volume().availability_zone(az).size(gib);
    if !tags.is_empty() {
        req = req.tag_specifications(tagged(aws_sdk_ec2::types::ResourceType::Volume, tags));
    }
    block_on(req.send())
        .expect("create volume")
        .volume_id()
        .expect("volume id")
        .to_string()
}

/// A snapshot carrying `tags` of a new 4 GiB volume in `az` that is then deleted: an
/// orphaned snapshot; its id.
pub fn orphan_snapshot_in(ec2: &aws_sdk_ec2::Client, az: &str, tags: &[(&str, &str)]) -> String {
    let vol = new_volume(ec2, az, 4, &[]);
    let mut req = ec2.create_snapshot().volume_id(&vol);
    if !tags.is_empty() {
        req = req.tag_specifications(tagged(aws_sdk_ec2::types::ResourceType::Snapshot, tags));
    }
    let snap = block_on(req.send()).expect("create snapshot");
    block_on(ec2.delete_volume().volume_id(&vol).send()).expect("delete volume");
    snap.snapshot_id().expect("snapshot id").to_string()
}

/// Writes `text` as the file `name` in a test's HOME (its `aws-config` or
/// `aws-credentials`); the file's path.
pub fn home_file(home: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = home.join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    path
}

/// A seeded scenario with the console open on it in tmux at 120×40, its services listed, for
/// the test `what` (which fails saying what to install when tmux is missing): the tmux
/// session and the first screen.
pub fn console_on_scenario(what: &str) -> (Scenario, Tmux, String) {
    require_tmux(what);
    let t = Scenario::seeded();
    let (tmux, screen) = console_on_demo_fleet(&t.endpoint, t.home.path());
    (t, tmux, screen)
}

/// Writes an executable stand-in `session-manager-plugin` into `dir/bin`, the shell script
/// `script` makes from the file it records to (`dir/<record>`): (the bin folder, that file).
pub fn stand_in_plugin(
    dir: &std::path::Path,
    record: &str,
    script: impl FnOnce(&std::path::Path) -> String,
) -> (std::path::PathBuf, std::path::PathBuf) {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).expect("bin dir");
    let record = dir.join(record);
    let plugin = bin.join("session-manager-plugin");
    std::fs::write(&plugin, script(&record)).expect("write the stand-in");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    (bin, record)
}

/// Registers a revision of `family` with bridge networking that runs `container`; its ARN.
pub async fn register_bridge(
    ecs: &aws_sdk_ecs::Client,
    family: &str,
    container: aws_sdk_ecs::types::ContainerDefinition,
) -> String {
    registered(
        ecs.register_task_definition()
            .family(family)
            .network_mode(aws_sdk_ecs::types::NetworkMode::Bridge)
            .container_definitions(container),
    )
    .await
}
