//! Hostile data from AWS, end to end: values seeded through the SDK on moto (a stop reason
//! set by StopTask, environment values in a task definition, a log line put with
//! PutLogEvents, EC2 tags on orphaned volumes) carrying terminal control sequences
//! (clipboard write `ESC ]52`, clear screen `ESC [2J`, retitle `ESC ]0`), bidi overrides,
//! line breaks that would forge rows, Markdown links, HTML and pipes, and secrets. The real binary's text
//! output must hold no ESC, BEL or CR byte, show the escaped form, keep its row counts and
//! Markdown rows whole; `--json` must carry the exact values; no secret value is printed.

use crate::asserts::assert_has;
use crate::harness::{create_cluster, create_service, output_at_exit, register_bridge};
use std::collections::BTreeMap;
use std::process::Output;
use std::sync::OnceLock;

use crate::emulator::{block_on, ecsnap, json_rows, start_emulator, stderr_of};
use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification};
use aws_sdk_ecs::types::{
    ContainerDefinition, KeyValuePair, LaunchType, LogConfiguration, LogDriver,
};
use ecsnap::demo::Emulator;
use ecsnap::demo::fleet::emulator_config;
use serde_json::Value;

const CLUSTER: &str = "hostile-e2e";
const SERVICE: &str = "inkwell";
const GROUP: &str = "/ecs/inkwell";

/// Clipboard write, clear screen, retitle: what a neighbour with `ecs:StopTask` could send.
const STOP_REASON: &str =
    "OutOfMemory \u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{1b}]0;pwned\u{7} \u{202e}gnp.exe";
const STOP_REASON_SHOWN: &str =
    "OutOfMemory \\e]52;c;ZXZpbA==\\x07\\e[2J\\e]0;pwned\\x07 \\u{202e}gnp.exe";
const LOG_LINE: &str = "GET / 200 \u{1b}[2J\u{1b}]0;pwned\u{7}\rforged";
const LOG_LINE_SHOWN: &str = "GET / 200 \\e[2J\\e]0;pwned\\x07\\rforged";
/// A Name tag that would forge a table row and reverse the text after it. (EC2 answers in
/// XML, which cannot carry ESC or BEL, and reads a CR as a line feed: line breaks, tabs
/// and bidi overrides are what a tag can hold.)
const FORGING_NAME: &str = "scratch\nvol-0forged  1 GiB\tgp3  0d\u{202e}";
const FORGING_SHOWN: &str = "Name=scratch\\nvol-0forged  1 GiB\\tgp3  0d\\u{202e}";
/// A Name tag that would be a link, an image and two extra cells in Markdown.
const MARKDOWN_NAME: &str = "[click](http://evil) <img src=x> a|b `x`";

/// Revision 1 and 2 of the service's family: what changes, with secrets among it.
const ENV1: &[(&str, &str)] = &[
    ("GREETING", "hello"),
    ("PATH", "/usr/local/bin:/usr/bin"),
    ("MYSQL_PWD", "mysql-first-s3cret"),
    ("GITHUB_PAT", "ghp_firstTOKENvalue"),
    ("SENTRY_DSN", "https://pubkey1@sentry.example/1"),
    ("DATABASE_URL", "postgres://admin:hunter1@db/x"),
];
const ENV2: &[(&str, &str)] = &[
    ("GREETING", "hello \u{1b}]0;pwned\u{7}\u{1b}[2J"),
    ("PATH", "/opt/app/bin:/usr/bin"),
    ("MYSQL_PWD", "mysql-second-s3cret"),
    ("GITHUB_PAT", "ghp_secondTOKENvalue"),
    ("SENTRY_DSN", "https://pubkey2@sentry.example/2"),
    ("DATABASE_URL", "postgres://admin:hunter2@db/x"),
];
const SECRET_VALUES: &[&str] = &[
    "mysql-first-s3cret",
    "mysql-second-s3cret",
    "ghp_firstTOKENvalue",
    "ghp_secondTOKENvalue",
    "pubkey1",
    "pubkey2",
    "hunter1",
    "hunter2",
];

struct Hostile {
    emulator: Emulator,
    stopped_task: String,
    volumes: BTreeMap<String, String>,
}

fn task_id(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or_default().to_string()
}

async fn register(ecs: &aws_sdk_ecs::Client, env: &[(&str, &str)]) -> String {
    let awslogs = LogConfiguration::builder()
        .log_driver(LogDriver::Awslogs)
        .options("awslogs-group", GROUP)
        .options("awslogs-stream-prefix", "ecs")
        .options("awslogs-region", "us-east-1")
        .build()
        .expect("log configuration");
    let mut c = ContainerDefinition::builder()
        .name("app")
        .image("registry.example/inkwell:1")
        .memory(256)
        .essential(true)
        .log_configuration(awslogs);
    for (k, v) in env {
        c = c.environment(KeyValuePair::builder().name(*k).value(*v).build());
    }
    register_bridge(ecs, SERVICE, c.build()).await
}

async fn seed(endpoint: &str) -> (String, BTreeMap<String, String>) {
    let conf = emulator_config(endpoint).await;
    let ecs = aws_sdk_ecs::Client::new(&conf);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&conf);
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    create_cluster(&ecs, CLUSTER).await;
    let td1 = register(&ecs, ENV1).await;
    register(&ecs, ENV2).await;
    create_service(&ecs, CLUSTER, SERVICE, &td1, 1).await;
    let task = ecs
        .run_task()
        .cluster(CLUSTER)
        .task_definition(&td1)
        .launch_type(LaunchType::Fargate)
        .group(format!("service:{SERVICE}"))
        .send()
        .await
        .expect("run task")
        .tasks()
        .first()
        .and_then(|t| t.task_arn())
        .map(task_id)
        .expect("a task");
    ecs.stop_task()
        .cluster(CLUSTER)
        .task(&task)
        .reason(STOP_REASON)
        .send()
        .await
        .expect("stop the task with a hostile reason");

    logs.create_log_group()
        .log_group_name(GROUP)
        .send()
        .await
        .expect("log group");
    let stream = format!("ecs/app/{task}");
    logs.create_log_stream()
        .log_group_name(GROUP)
        .log_stream_name(&stream)
        .send()
        .await
        .expect("log stream");
    let now = chrono::Utc::now().timestamp_millis();
    logs.put_log_events()
        .log_group_name(GROUP)
        .log_stream_name(&stream)
        .log_events(
            InputLogEvent::builder()
                .timestamp(now - 60_000)
                .message("started")
                .build()
                .expect("an event"),
        )
        .log_events(
            InputLogEvent::builder()
                .timestamp(now - 30_000)
                .message(LOG_LINE)
                .build()
                .expect("an event"),
        )
        .send()
        .await
        .expect("put log events");

    let mut volumes = BTreeMap::new();
    for name in [FORGING_NAME, MARKDOWN_NAME] {
        let id = ec2
            .create_volume()
            .availability_zone("us-east-1a")
            .size(1)
            .tag_specifications(
                TagSpecification::builder()
                    .resource_type(ResourceType::Volume)
                    .tags(Tag::builder().key("Name").value(name).build())
                    .build(),
            )
            .send()
            .await
            .expect("create volume")
            .volume_id()
            .expect("a volume id")
            .to_string();
        volumes.insert(id, name.to_string());
    }
    (task, volumes)
}

fn hostile() -> &'static Hostile {
    static FLEET: OnceLock<Hostile> = OnceLock::new();
    FLEET.get_or_init(|| {
        let emulator = start_emulator();
        let (stopped_task, volumes) = block_on(seed(&emulator.endpoint()));
        Hostile {
            emulator,
            stopped_task,
            volumes,
        }
    })
}

/// Runs ecsnap with `args`; asserts success; returns (stdout, stderr).
fn run(args: &[&str]) -> (String, String) {
    let h = hostile();
    let home = tempfile::tempdir().expect("a temp dir");
    let out: Output = ecsnap(&h.emulator.endpoint(), home.path())
        .args(args)
        .output()
        .expect("ecsnap runs");
    let stderr = stderr_of(&out);
    assert!(out.status.success(), "ecsnap {args:?} failed: {stderr}");
    assert_inert(&out.stdout, &format!("stdout of {args:?}"));
    assert_inert(&out.stderr, &format!("stderr of {args:?}"));
    (String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

/// No byte or character a terminal would act on.
fn assert_inert(bytes: &[u8], what: &str) {
    let text = String::from_utf8_lossy(bytes);
    for (bad, name) in [(0x1b_u8, "ESC"), (0x07, "BEL"), (b'\r', "CR")] {
        assert!(!bytes.contains(&bad), "{what} holds a raw {name}:\n{text}");
    }
    for bidi in ['\u{202e}', '\u{2066}', '\u{200f}', '\u{9b}'] {
        assert!(!text.contains(bidi), "{what} holds {bidi:?}:\n{text}");
    }
}

fn json(args: &[&str]) -> Value {
    let h = hostile();
    let home = tempfile::tempdir().expect("a temp dir");
    let out = ecsnap(&h.emulator.endpoint(), home.path())
        .arg("--json")
        .args(args)
        .output()
        .expect("ecsnap runs");
    assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
    assert_inert(&out.stdout, &format!("stdout of --json {args:?}"));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn a_hostile_stop_reason_is_shown_escaped_and_kept_exact_in_json() {
    let h = hostile();
    let (text, _) = run(&["tasks", "--cluster", CLUSTER, "--service", SERVICE]);
    assert_has(&text, STOP_REASON_SHOWN);
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(&h.stopped_task))
        .collect();
    assert_eq!(rows.len(), 1, "one row for the task:\n{text}");
    assert!(rows[0].contains(STOP_REASON_SHOWN), "{text}");

    let v = json(&["tasks", "--cluster", CLUSTER, "--service", SERVICE]);
    let task = v
        .as_array()
        .expect("an array")
        .iter()
        .find(|t| t["task_id"] == h.stopped_task.as_str())
        .expect("the stopped task");
    assert_eq!(task["stopped_reason"], STOP_REASON);
}

#[test]
fn a_hostile_log_line_stays_one_escaped_line_and_exact_in_json() {
    let h = hostile();
    let (text, _) = run(&["logs", "--cluster", CLUSTER, "--task", &h.stopped_task]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "two events, two lines:\n{text}");
    assert!(lines[0].ends_with(" app started"), "{text}");
    assert!(
        lines[1].ends_with(&format!(" app {LOG_LINE_SHOWN}")),
        "{text}"
    );

    let home = tempfile::tempdir().expect("a temp dir");
    let out = output_at_exit(
        ecsnap(&h.emulator.endpoint(), home.path()).args([
            "--json",
            "logs",
            "--cluster",
            CLUSTER,
            "--task",
            &h.stopped_task,
        ]),
        0,
    );
    assert_inert(&out.stdout, "logs --json");
    let json_lines = String::from_utf8_lossy(&out.stdout);
    let messages: Vec<String> = json_lines
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("a JSON line");
            v["message"].as_str().expect("a message").to_string()
        })
        .collect();
    assert_eq!(messages, ["started", LOG_LINE]);
}

#[test]
fn hostile_tags_forge_no_orphan_rows_and_json_keeps_them_exact() {
    let h = hostile();
    let (text, _) = run(&["orphans"]);
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("vol-")).collect();
    assert_eq!(rows.len(), h.volumes.len(), "one row per volume:\n{text}");
    for id in h.volumes.keys() {
        assert_eq!(
            rows.iter().filter(|r| r.starts_with(id.as_str())).count(),
            1,
            "{text}"
        );
    }
    assert_has(&text, FORGING_SHOWN);
    assert_has(&text, &format!("Name={MARKDOWN_NAME}"));

    let v = json(&["orphans"]);
    let tags: BTreeMap<String, String> = json_rows(&v["volumes"], |vol| {
        (
            vol["volume_id"].as_str().expect("id").to_string(),
            vol["tags"]["Name"]
                .as_str()
                .expect("a Name tag")
                .to_string(),
        )
    });
    assert_eq!(&tags, &h.volumes);
}

#[test]
fn the_text_report_keeps_one_row_per_orphan() {
    let h = hostile();
    let (text, _) = run(&["report"]);
    let rows: Vec<&str> = text.lines().filter(|l| l.contains("vol-")).collect();
    assert_eq!(rows.len(), h.volumes.len(), "one row per volume:\n{text}");
    assert_has(&text, FORGING_SHOWN);
}

/// How many times `special` appears in Markdown `text` not backslash-escaped.
fn unescaped(text: &str, special: char) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in text.chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == special {
            count += 1;
        }
    }
    count
}

/// The `|` of a Markdown line that separate cells.
fn separators(line: &str) -> usize {
    unescaped(line, '|')
}

#[test]
fn the_markdown_report_keeps_rows_whole_and_links_and_html_inert() {
    let h = hostile();
    let (text, _) = run(&["report", "--markdown"]);
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("## Orphaned volumes"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    // Header, rule, one row per volume; eight columns (ZONE included): nine separators a line.
    assert_eq!(table.len(), 2 + h.volumes.len(), "{text}");
    for line in &table {
        assert_eq!(separators(line), 9, "{line}\nin\n{text}");
    }
    for id in h.volumes.keys() {
        assert_eq!(
            table.iter().filter(|l| l.contains(id.as_str())).count(),
            1,
            "{text}"
        );
    }
    assert_has(
        &text,
        "\\[click\\](http://evil) \\<img src=x\\> a\\|b \\`x\\`",
    );
    for special in ['[', ']', '<', '>', '`'] {
        assert_eq!(
            unescaped(&text, special),
            0,
            "a bare {special:?} in:\n{text}"
        );
    }
    assert_has(&text, "scratch\\\\nvol-0forged");
}

#[test]
fn diff_escapes_values_and_never_prints_a_secret() {
    let args = [
        "diff",
        "--cluster",
        CLUSTER,
        "--service",
        SERVICE,
        "--to-revision",
        "2",
    ];
    let (text, stderr) = run(&args);
    for secret in SECRET_VALUES {
        assert!(!text.contains(secret), "{secret} in:\n{text}");
        assert!(!stderr.contains(secret), "{secret} in:\n{stderr}");
    }
    assert_has(&text, "GREETING: hello → hello \\e]0;pwned\\x07\\e[2J");
    assert!(
        text.contains("PATH: /usr/local/bin:/usr/bin → /opt/app/bin:/usr/bin"),
        "PATH stays visible:\n{text}"
    );
    assert_has(
        &text,
        "DATABASE_URL: postgres://admin:••••@db/x → postgres://admin:••••@db/x",
    );
    for name in ["MYSQL_PWD", "GITHUB_PAT", "SENTRY_DSN"] {
        assert_has(&text, &format!("{name}: •••• → ••••"));
    }

    let v = json(&args);
    let body = v.to_string();
    for secret in SECRET_VALUES {
        assert!(!body.contains(secret), "{secret} in:\n{body}");
    }
    let change = |name: &str| {
        v["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} changed: {v}"))
            .clone()
    };
    assert_eq!(
        change("GREETING")["to"],
        ENV2[0].1,
        "JSON keeps the exact value"
    );
    assert_eq!(change("PATH")["to"], "/opt/app/bin:/usr/bin");
    assert_eq!(change("DATABASE_URL")["to"], "postgres://admin:••••@db/x");
    assert_eq!(change("MYSQL_PWD")["to"], "••••");
}

#[test]
fn an_error_echoing_a_hostile_name_is_printed_escaped() {
    let h = hostile();
    let home = tempfile::tempdir().expect("a temp dir");
    let out = ecsnap(&h.emulator.endpoint(), home.path())
        .args(["tasks", "--cluster", "nowhere\u{1b}]0;pwned\u{7}\u{1b}[2J"])
        .output()
        .expect("ecsnap runs");
    assert!(!out.status.success(), "an unknown cluster is an error");
    assert_inert(&out.stderr, "stderr of the error");
    let stderr = stderr_of(&out);
    assert_has(&stderr, "nowhere\\e]0;pwned\\x07\\e[2J");
}
