//! The emulator harness, for the `e2e` test binary and the console's tmux tests: a moto
//! server per test binary (installed into a virtualenv under the target dir on first use,
//! on a free loopback port), the demo fleet seeded through the SDK, and the real `ecsnap`
//! binary pointed at it with fake credentials.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

use ecsnap::demo::{DemoFleet, Emulator, seed};

/// Where the test emulator lives: `<target dir>/moto-venv`.
pub fn moto_venv() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    target.join("moto-venv")
}

/// A fresh emulator for tests that change state.
pub fn start_emulator() -> Emulator {
    let emulator = Emulator::start(&moto_venv(), &mut |m: &str| eprintln!("{m}"))
        .unwrap_or_else(|e| panic!("starting moto for the tests: {e}"));
    emulator
        .pin_task_status()
        .unwrap_or_else(|e| panic!("pinning task status: {e}"));
    emulator
}

/// A fresh emulator whose demo services move on their own as `dynamics` says (steps,
/// bake, failures), task status pinned.
pub fn moving_emulator(dynamics: &ecsnap::demo::Dynamics) -> Emulator {
    let emulator = Emulator::start_with(
        &moto_venv(),
        &mut |m: &str| eprintln!("{m}"),
        Some(dynamics),
    )
    .expect("the demo emulator starts");
    emulator.pin_task_status().expect("task status pinned");
    emulator
}

pub use crate::runtime::block_on;

/// A fresh emulator with the demo fleet seeded.
pub fn seeded_emulator() -> (Emulator, DemoFleet) {
    let emulator = start_emulator();
    let fleet = block_on(seed(&emulator.endpoint()))
        .unwrap_or_else(|e| panic!("seeding the demo fleet: {e}"));
    (emulator, fleet)
}

/// A test's own emulator with the demo fleet seeded, the SDK on it and a private HOME for
/// the binary: what a journey that changes AWS starts from. The emulator runs as long as
/// this lives.
pub struct Scenario {
    /// Kept for its lifetime: the emulator stops when it is dropped.
    _emulator: Emulator,
    pub fleet: DemoFleet,
    pub endpoint: String,
    pub aws: Aws,
    pub home: tempfile::TempDir,
}

impl Scenario {
    /// A fresh seeded emulator, the SDK clients on it and an empty HOME.
    pub fn seeded() -> Self {
        let (emulator, fleet) = seeded_emulator();
        let endpoint = emulator.endpoint();
        let aws = sdk(&endpoint);
        let home = tempfile::tempdir().expect("tempdir");
        Self {
            _emulator: emulator,
            fleet,
            endpoint,
            aws,
            home,
        }
    }

    /// The real binary on this emulator with this HOME.
    pub fn ecsnap(&self) -> Command {
        ecsnap(&self.endpoint, self.home.path())
    }
}

/// One seeded emulator shared by the read-only tests of a test binary. It stops when the
/// test binary exits (the emulator's supervisor watches its stdin).
pub fn shared_fleet() -> &'static (Emulator, DemoFleet) {
    static SHARED: OnceLock<(Emulator, DemoFleet)> = OnceLock::new();
    SHARED.get_or_init(seeded_emulator)
}

/// The real binary, pointed at `endpoint` with fake credentials and a private HOME, so no
/// user config, profile or log is touched.
pub fn ecsnap(endpoint: &str, home: &std::path::Path) -> Command {
    let mut cmd = ecsnap_anywhere(endpoint, home);
    cmd.args(["--region", "us-east-1"]);
    cmd
}

/// The real binary with a cleared environment and a private HOME, its XDG folders under
/// it: nothing of the user's is read or written. The caller adds what AWS needs.
pub fn isolated_ecsnap(home: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ecsnap"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_DATA_HOME", home.join("data"));
    cmd
}

/// Like [`ecsnap`] without `--region` (`AWS_REGION` is us-east-1): the test says where.
pub fn ecsnap_anywhere(endpoint: &str, home: &std::path::Path) -> Command {
    let mut cmd = isolated_ecsnap(home);
    cmd.env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args(["--endpoint-url", endpoint]);
    cmd
}

/// Each item of a JSON list as `row` reads it; panics showing the value when it is no list.
pub fn json_rows<'a, T, C: FromIterator<T>>(
    list: &'a serde_json::Value,
    row: impl FnMut(&'a serde_json::Value) -> T,
) -> C {
    list.as_array()
        .unwrap_or_else(|| panic!("a JSON list: {list}"))
        .iter()
        .map(row)
        .collect()
}

/// The string at `v[key]`, empty when there is none.
pub fn text(v: &serde_json::Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

/// Runs a command and parses its stdout as JSON; panics with stderr when it fails.
pub fn json_of(cmd: &mut Command) -> serde_json::Value {
    let out = cmd.output().expect("ecsnap runs");
    assert!(
        out.status.success(),
        "ecsnap failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// The emulator's SDK configuration in `region`, in its home account or, with `role`, in
/// the account of the role (assumed through STS as ecsnap does; moto maps the
/// credentials to the role's account).
pub fn sdk_config_in(endpoint: &str, region: &str, role: Option<&str>) -> aws_config::SdkConfig {
    let base = block_on(ecsnap::demo::fleet::emulator_config(endpoint));
    let conf = base
        .clone()
        .into_builder()
        .region(aws_config::Region::new(region.to_string()))
        .build();
    let Some(role) = role else {
        return conf;
    };
    let sts = aws_sdk_sts::Client::new(&base);
    let out = block_on(
        sts.assume_role()
            .role_arn(role)
            .role_session_name("seed")
            .send(),
    )
    .expect("assume role");
    let c = out.credentials().expect("credentials");
    let creds = aws_sdk_ec2::config::Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        None,
        "assumed",
    );
    conf.into_builder()
        .credentials_provider(aws_sdk_ec2::config::SharedCredentialsProvider::new(creds))
        .build()
}

/// SDK clients on the emulator (us-east-1, its home account), to read AWS back.
pub struct Aws {
    pub ecs: aws_sdk_ecs::Client,
    pub ecr: aws_sdk_ecr::Client,
    pub ec2: aws_sdk_ec2::Client,
}

/// The SDK clients on the emulator at `endpoint`.
pub fn sdk(endpoint: &str) -> Aws {
    let conf = block_on(ecsnap::demo::fleet::emulator_config(endpoint));
    Aws {
        ecs: aws_sdk_ecs::Client::new(&conf),
        ecr: aws_sdk_ecr::Client::new(&conf),
        ec2: aws_sdk_ec2::Client::new(&conf),
    }
}

/// `cluster/service` as ECS describes it, if it has it.
pub fn described_service(
    ecs: &aws_sdk_ecs::Client,
    cluster: &str,
    service: &str,
) -> Option<aws_sdk_ecs::types::Service> {
    let out = block_on(
        ecs.describe_services()
            .cluster(cluster)
            .services(service)
            .send(),
    )
    .expect("describe services");
    out.services().first().cloned()
}

/// The task definition `cluster/service` runs, as ECS says.
pub fn service_task_definition(aws: &Aws, cluster: &str, service: &str) -> String {
    described_service(&aws.ecs, cluster, service)
        .and_then(|s| s.task_definition().map(str::to_string))
        .unwrap_or_default()
}

/// The ids of the EBS volumes one DescribeVolumes lists (the emulator's fleets fit a page).
pub fn volume_ids(ec2: &aws_sdk_ec2::Client) -> std::collections::BTreeSet<String> {
    let out = block_on(ec2.describe_volumes().send()).expect("volumes");
    out.volumes()
        .iter()
        .filter_map(|v| v.volume_id().map(str::to_string))
        .collect()
}

/// The ids of the account's own EBS snapshots one DescribeSnapshots lists.
pub fn snapshot_ids(ec2: &aws_sdk_ec2::Client) -> std::collections::BTreeSet<String> {
    let out =
        block_on(ec2.describe_snapshots().owner_ids("self").send()).expect("describe snapshots");
    out.snapshots()
        .iter()
        .filter_map(|s| s.snapshot_id().map(str::to_string))
        .collect()
}

/// EC2 tags as (key, value) pairs, collected as the caller needs (a map, a list).
pub fn tag_pairs<C: FromIterator<(String, String)>>(tags: &[aws_sdk_ec2::types::Tag]) -> C {
    tags.iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Every tag of repository `repo`'s images.
pub fn tags_of(ecr: &aws_sdk_ecr::Client, repo: &str) -> std::collections::BTreeSet<String> {
    let out = block_on(ecr.describe_images().repository_name(repo).send()).expect("images");
    out.image_details()
        .iter()
        .flat_map(|d| d.image_tags().iter().cloned())
        .collect()
}

/// Runs the binary with nothing on stdin (a question reads end of file); its output.
pub fn output_of(cmd: &mut Command) -> Output {
    cmd.stdin(std::process::Stdio::null())
        .output()
        .expect("ecsnap runs")
}

/// (action, result) of every result line of an audit log, in order.
pub fn result_lines(entries: &[ecsnap::ops::audit::AuditEntry]) -> Vec<(&str, &str)> {
    entries
        .iter()
        .filter(|e| e.is_result())
        .map(|e| (e.action.as_str(), e.result.as_str()))
        .collect()
}

/// Every service of every cluster with the task definition it runs, as ECS says:
/// `cluster/service` → task definition ARN.
pub fn all_task_definitions(aws: &Aws) -> std::collections::BTreeMap<String, String> {
    let clusters = block_on(aws.ecs.list_clusters().send()).expect("list clusters");
    let mut out = std::collections::BTreeMap::new();
    for cluster in clusters.cluster_arns() {
        let arns = block_on(aws.ecs.list_services().cluster(cluster).send())
            .expect("list services")
            .service_arns()
            .to_vec();
        // DescribeServices takes up to 10 at a time.
        for chunk in arns.chunks(10) {
            let described = block_on(
                aws.ecs
                    .describe_services()
                    .cluster(cluster)
                    .set_services(Some(chunk.to_vec()))
                    .send(),
            )
            .expect("describe services");
            for s in described.services() {
                let name = cluster.rsplit('/').next().unwrap_or_default();
                out.insert(
                    format!("{name}/{}", s.service_name().unwrap_or_default()),
                    s.task_definition().unwrap_or_default().to_string(),
                );
            }
        }
    }
    out
}

/// The digest `repo:tag` points at, if the tag exists.
pub fn digest_of(aws: &Aws, repo: &str, tag: &str) -> Option<String> {
    let out = block_on(aws.ecr.describe_images().repository_name(repo).send()).expect("images");
    out.image_details()
        .iter()
        .find(|d| d.image_tags().iter().any(|t| t == tag))
        .and_then(|d| d.image_digest().map(str::to_string))
}

/// `command --cluster cluster --service service`, as command-line words.
pub fn on_service<'a>(command: &'a str, cluster: &'a str, service: &'a str) -> [&'a str; 5] {
    [command, "--cluster", cluster, "--service", service]
}

/// `restore-user` of the demo fleet's alice to `tag`, as command-line words.
pub fn restore_alice(tag: &str) -> [&str; 7] {
    [
        "restore-user",
        "--repository",
        "workspaces",
        "--user",
        "alice",
        "--tag",
        tag,
    ]
}

/// The demo fleet's three oldest workspace tags of each user: what an image cleanup that
/// keeps the newest three removes.
pub fn oldest_workspace_tags() -> std::collections::BTreeSet<String> {
    ["alice", "bob", "carol"]
        .iter()
        .flat_map(|u| {
            ["20261115T0800", "20261116T0815", "20261118T1830"]
                .iter()
                .map(move |t| format!("{u}-{t}"))
        })
        .collect()
}

/// Where the real binary keeps its audit log under a test's HOME.
pub fn audit_log_path(home: &std::path::Path) -> PathBuf {
    home.join("state/ecsnap/audit.log")
}

/// The entries of the audit log under `home`. A missing log fails the test: "nothing was
/// sent" must read an empty log, never a log that is not there (written elsewhere, or not
/// at all); [`assert_no_audit_log`] says when there should be none.
pub fn audit_entries(home: &std::path::Path) -> Vec<ecsnap::ops::audit::AuditEntry> {
    let path = audit_log_path(home);
    ecsnap::ops::audit::read_entries(&path)
        .unwrap_or_else(|e| panic!("the audit log {}: {e}", path.display()))
}

/// Asserts that nothing opened an audit log under `home` (refused before any session).
pub fn assert_no_audit_log(home: &std::path::Path) {
    let path = audit_log_path(home);
    assert!(
        !path.exists(),
        "an audit log was opened at {}",
        path.display()
    );
}

/// The process's stderr as text.
pub fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
