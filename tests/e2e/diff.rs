//! End to end against moto: `ecsnap diff --json` reports exactly the fields two registered
//! revisions differ in (secret-looking values masked). The seeded shop serves
//! `rollback.rs` too (a rollback to a revision whose image was deleted).

use crate::harness::{create_cluster, create_service, registered};
use std::collections::BTreeSet;

use crate::emulator::{Aws, block_on, ecsnap, json_of, on_service, sdk, start_emulator};
use aws_sdk_ecs::types::{ContainerDefinition, KeyValuePair, NetworkMode, PortMapping, Secret};
use ecsnap::demo::Emulator;

pub(crate) const CLUSTER: &str = "diffshop-e2e";
pub(crate) const SERVICE: &str = "storefront";
pub(crate) const REPO: &str = "storefront-img";

fn manifest(seed: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let d = format!("sha256:{h:016x}{h:016x}{h:016x}{h:016x}");
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":1000,"digest":"{d}"}},"layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":1000,"digest":"{d}"}}]}}"#
    )
}

fn kv(name: &str, value: &str) -> KeyValuePair {
    KeyValuePair::builder().name(name).value(value).build()
}

/// One revision of the storefront family.
struct Rev {
    tag: &'static str,
    env: &'static [(&'static str, &'static str)],
    command: &'static [&'static str],
    port: i32,
    memory: i32,
    db_secret: &'static str,
    role: &'static str,
}

/// Revision 1 and 2 differ in: image, command, LOG_LEVEL, DB_PASSWORD (secret-looking),
/// FEATURE_X (only in 2), the port, the memory, the secret reference and the task role.
/// The same in both: the container name, essential, SERVICE_NAME, the execution role.
const REV1: Rev = Rev {
    tag: "v1",
    env: &[
        ("LOG_LEVEL", "info"),
        ("DB_PASSWORD", "first-pass"),
        ("SERVICE_NAME", "storefront"),
    ],
    command: &[],
    port: 8080,
    memory: 512,
    db_secret: "arn:aws:ssm:us-east-1:123456789012:parameter/db-v1",
    role: "arn:aws:iam::123456789012:role/storefront-v1",
};
const REV2: Rev = Rev {
    tag: "v2",
    env: &[
        ("LOG_LEVEL", "debug"),
        ("DB_PASSWORD", "second-pass"),
        ("SERVICE_NAME", "storefront"),
        ("FEATURE_X", "on"),
    ],
    command: &["serve", "--fast"],
    port: 9090,
    memory: 1024,
    db_secret: "arn:aws:ssm:us-east-1:123456789012:parameter/db-v2",
    role: "arn:aws:iam::123456789012:role/storefront-v2",
};

/// A fresh emulator with the shop seeded (see [`seed`]): the emulator, its clients and the
/// repository URI.
pub(crate) fn seeded_shop() -> (Emulator, Aws, String) {
    let emulator = start_emulator();
    let aws = sdk(&emulator.endpoint());
    let uri = seed(&aws);
    (emulator, aws, uri)
}

/// Repository with images v1 and v2, revisions 1 and 2, a service running 2. Returns the
/// repository URI.
fn seed(aws: &Aws) -> String {
    let repo = block_on(aws.ecr.create_repository().repository_name(REPO).send())
        .expect("create repository");
    let uri = repo
        .repository()
        .and_then(|r| r.repository_uri())
        .expect("repository uri")
        .to_string();
    for tag in ["v1", "v2"] {
        block_on(
            aws.ecr
                .put_image()
                .repository_name(REPO)
                .image_tag(tag)
                .image_manifest(manifest(tag))
                .send(),
        )
        .expect("put image");
    }
    block_on(create_cluster(&aws.ecs, CLUSTER));
    let mut arn = String::new();
    for rev in [REV1, REV2] {
        let mut c = ContainerDefinition::builder()
            .name("web")
            .image(format!("{uri}:{}", rev.tag))
            .memory(rev.memory)
            .essential(true)
            .port_mappings(
                PortMapping::builder()
                    .container_port(rev.port)
                    .host_port(rev.port)
                    .build(),
            )
            .secrets(
                Secret::builder()
                    .name("DB_URL")
                    .value_from(rev.db_secret)
                    .build()
                    .expect("secret"),
            );
        for (k, v) in rev.env {
            c = c.environment(kv(k, v));
        }
        for word in rev.command {
            c = c.command(*word);
        }
        arn = block_on(registered(
            aws.ecs
                .register_task_definition()
                .family(SERVICE)
                .network_mode(NetworkMode::Bridge)
                .task_role_arn(rev.role)
                .execution_role_arn("arn:aws:iam::123456789012:role/exec")
                .container_definitions(c.build()),
        ));
    }
    block_on(create_service(&aws.ecs, CLUSTER, SERVICE, &arn, 1));
    uri
}

/// (container, field, name, change, from, to) of each change, as a set.
type Row = (
    Option<String>,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);

fn rows(v: &serde_json::Value) -> BTreeSet<Row> {
    let s = |x: &serde_json::Value| x.as_str().map(str::to_string);
    v["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            let keys: BTreeSet<&str> = c
                .as_object()
                .expect("object")
                .keys()
                .map(String::as_str)
                .collect();
            let allowed: BTreeSet<&str> = ["container", "field", "name", "change", "from", "to"]
                .into_iter()
                .collect();
            assert!(keys.is_subset(&allowed), "unexpected keys in {c}");
            (
                s(&c["container"]),
                s(&c["field"]).expect("field"),
                s(&c["name"]),
                s(&c["change"]).expect("change"),
                s(&c["from"]),
                s(&c["to"]),
            )
        })
        .collect()
}

fn row(
    container: Option<&str>,
    field: &str,
    name: Option<&str>,
    change: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> Row {
    (
        container.map(str::to_string),
        field.to_string(),
        name.map(str::to_string),
        change.to_string(),
        from.map(str::to_string),
        to.map(str::to_string),
    )
}

// An end-to-end scenario with one table of the expected changes; it reads top to bottom.
#[expect(
    clippy::too_many_lines,
    reason = "one table of changed fields, each asserted in the JSON"
)]
#[test]
fn diff_json_reports_exactly_the_changed_fields() {
    let (emulator, _, uri) = seeded_shop();
    let endpoint = emulator.endpoint();
    let home = tempfile::tempdir().expect("tempdir");
    let web = Some("web");

    // From what runs (revision 2) to revision 1.
    let out = json_of(
        ecsnap(&endpoint, home.path())
            .arg("--json")
            .args(on_service("diff", CLUSTER, SERVICE))
            .args(["--to-revision", "1"]),
    );
    assert!(
        out["from_task_definition"]
            .as_str()
            .is_some_and(|a| a.ends_with("task-definition/storefront:2")),
        "{out}"
    );
    assert!(
        out["to_task_definition"]
            .as_str()
            .is_some_and(|a| a.ends_with("task-definition/storefront:1")),
        "{out}"
    );
    let v1 = format!("{uri}:v1");
    let v2 = format!("{uri}:v2");
    let want: BTreeSet<Row> = [
        row(
            None,
            "task_role_arn",
            None,
            "changed",
            Some(REV2.role),
            Some(REV1.role),
        ),
        row(web, "image", None, "changed", Some(&v2), Some(&v1)),
        row(web, "command", None, "removed", Some("serve --fast"), None),
        row(
            web,
            "environment",
            Some("DB_PASSWORD"),
            "changed",
            Some("••••"),
            Some("••••"),
        ),
        row(
            web,
            "environment",
            Some("FEATURE_X"),
            "removed",
            Some("on"),
            None,
        ),
        row(
            web,
            "environment",
            Some("LOG_LEVEL"),
            "changed",
            Some("debug"),
            Some("info"),
        ),
        row(
            web,
            "secrets",
            Some("DB_URL"),
            "changed",
            Some(REV2.db_secret),
            Some(REV1.db_secret),
        ),
        row(web, "memory", None, "changed", Some("1024"), Some("512")),
        row(
            web,
            "port_mappings",
            Some("8080/tcp"),
            "added",
            None,
            Some("8080/tcp"),
        ),
        row(
            web,
            "port_mappings",
            Some("9090/tcp"),
            "removed",
            Some("9090/tcp"),
            None,
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(rows(&out), want);
    let text = out.to_string();
    assert!(
        !text.contains("first-pass") && !text.contains("second-pass"),
        "a secret value leaked: {text}"
    );

    // Both sides named: the mirror image of the same changes.
    let back = json_of(
        ecsnap(&endpoint, home.path())
            .arg("--json")
            .args(on_service("diff", CLUSTER, SERVICE))
            .args(["--from-revision", "1", "--to-revision", "2"]),
    );
    let mirrored: BTreeSet<Row> = want
        .iter()
        .map(|(c, f, n, change, from, to)| {
            let change = match change.as_str() {
                "added" => "removed",
                "removed" => "added",
                other => other,
            };
            (
                c.clone(),
                f.clone(),
                n.clone(),
                change.to_string(),
                to.clone(),
                from.clone(),
            )
        })
        .collect();
    assert_eq!(rows(&back), mirrored);

    // What runs against itself: nothing.
    let same = json_of(
        ecsnap(&endpoint, home.path())
            .arg("--json")
            .args(on_service("diff", CLUSTER, SERVICE))
            .args(["--to-revision", "2"]),
    );
    assert_eq!(same["changes"], serde_json::json!([]));
}
