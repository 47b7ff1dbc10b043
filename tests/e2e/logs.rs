//! `ecsnap logs` run as the real binary against moto: a task definition with the awslogs
//! driver (and a splunk sidecar), a service's tasks and a stopped standalone task, their log
//! streams filled with PutLogEvents through the SDK first. `--json` must return exactly the
//! events put: by task, by service (merged by time), one container, since a time; the
//! sidecar says where its logs go; a missing log group is named.

use crate::asserts::assert_has;
use crate::harness::{create_cluster, create_service, registered};
use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::emulator::{block_on, ecsnap, start_emulator, stderr_of};
use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use aws_sdk_ecs::types::{
    ContainerDefinition, LaunchType, LogConfiguration, LogDriver, NetworkMode,
};
use ecsnap::demo::Emulator;
use ecsnap::demo::fleet::emulator_config;
use serde_json::Value;

const CLUSTER: &str = "logs-e2e-cluster";
const SERVICE: &str = "ledger-logs";
const GROUP: &str = "/ecs/ledger-logs";

/// One seeded event: (task id, container, epoch ms, message).
type Seeded = (String, String, i64, String);

struct LogsFleet {
    emulator: Emulator,
    /// The service's two tasks.
    service_tasks: Vec<String>,
    /// A task outside any service, stopped.
    standalone: String,
    /// A task whose awslogs group was never created.
    no_group: String,
    events: Vec<Seeded>,
    /// When the oldest event happened (epoch ms); every event is a second apart or more.
    base_ms: i64,
}

fn task_id(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or_default().to_string()
}

async fn register(ecs: &aws_sdk_ecs::Client, family: &str, group: &str) -> String {
    let awslogs = LogConfiguration::builder()
        .log_driver(LogDriver::Awslogs)
        .options("awslogs-group", group)
        .options("awslogs-stream-prefix", "ecs")
        .options("awslogs-region", "us-east-1")
        .build()
        .expect("log configuration");
    let splunk = LogConfiguration::builder()
        .log_driver(LogDriver::Splunk)
        .options("splunk-url", "https://splunk.example:8088")
        .build()
        .expect("log configuration");
    registered(
        ecs.register_task_definition()
            .family(family)
            .network_mode(NetworkMode::Bridge)
            .container_definitions(
                ContainerDefinition::builder()
                    .name("app")
                    .image("registry.example/ledger:1")
                    .memory(256)
                    .essential(true)
                    .log_configuration(awslogs)
                    .build(),
            )
            .container_definitions(
                ContainerDefinition::builder()
                    .name("audit")
                    .image("registry.example/audit:1")
                    .memory(64)
                    .essential(false)
                    .log_configuration(splunk)
                    .build(),
            ),
    )
    .await
}

async fn run_tasks(ecs: &aws_sdk_ecs::Client, td: &str, group: &str, count: i32) -> Vec<String> {
    ecs.run_task()
        .cluster(CLUSTER)
        .task_definition(td)
        .launch_type(LaunchType::Fargate)
        .group(group)
        .count(count)
        .send()
        .await
        .expect("run tasks")
        .tasks()
        .iter()
        .filter_map(|t| t.task_arn().map(task_id))
        .collect()
}

async fn seed(endpoint: &str) -> (Vec<String>, String, String, Vec<Seeded>, i64) {
    let conf = emulator_config(endpoint).await;
    let ecs = aws_sdk_ecs::Client::new(&conf);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&conf);
    create_cluster(&ecs, CLUSTER).await;
    let td = register(&ecs, "ledger-logs", GROUP).await;
    create_service(&ecs, CLUSTER, SERVICE, &td, 2).await;
    let service_tasks = run_tasks(&ecs, &td, &format!("service:{SERVICE}"), 2).await;
    assert_eq!(service_tasks.len(), 2);
    let standalone = run_tasks(&ecs, &td, "family:ledger-logs", 1)
        .await
        .remove(0);
    let lost_td = register(&ecs, "lost-logs", "/ecs/never-created").await;
    let no_group = run_tasks(&ecs, &lost_td, "family:lost-logs", 1)
        .await
        .remove(0);

    logs.create_log_group()
        .log_group_name(GROUP)
        .send()
        .await
        .expect("log group");
    // Ten minutes ago, then a second or more apart; the two service tasks interleave.
    let base_ms = chrono::Utc::now().timestamp_millis() - 600_000;
    let mut events: Vec<Seeded> = Vec::new();
    let plan: Vec<(&String, Vec<(i64, &str)>)> = vec![
        (
            &service_tasks[0],
            vec![
                (0, "starting ledger"),
                (20_000, "listening on :8080"),
                (400_000, "ERROR transfer failed: timeout"),
                (560_000, "GET /healthz 200"),
            ],
        ),
        (
            &service_tasks[1],
            vec![
                (10_000, "starting ledger"),
                (30_000, "listening on :8080"),
                (500_000, "WARN slow query (2310 ms)"),
            ],
        ),
        (
            &standalone,
            vec![
                (5_000, "one-off migration started"),
                (6_000, "migration done"),
            ],
        ),
    ];
    for (task, lines) in plan {
        let stream = format!("ecs/app/{task}");
        logs.create_log_stream()
            .log_group_name(GROUP)
            .log_stream_name(&stream)
            .send()
            .await
            .expect("log stream");
        let mut put = logs
            .put_log_events()
            .log_group_name(GROUP)
            .log_stream_name(&stream);
        for (offset, message) in &lines {
            put = put.log_events(
                InputLogEvent::builder()
                    .timestamp(base_ms + offset)
                    .message(*message)
                    .build()
                    .expect("an event"),
            );
            events.push((
                task.clone(),
                "app".into(),
                base_ms + offset,
                (*message).into(),
            ));
        }
        put.send().await.expect("put log events");
    }
    // The standalone task has stopped since: its logs are still read.
    ecs.stop_task()
        .cluster(CLUSTER)
        .task(&standalone)
        .reason("Essential container in task exited")
        .send()
        .await
        .expect("stop the standalone task");
    (service_tasks, standalone, no_group, events, base_ms)
}

fn fleet() -> &'static LogsFleet {
    static FLEET: OnceLock<LogsFleet> = OnceLock::new();
    FLEET.get_or_init(|| {
        let emulator = start_emulator();
        let (service_tasks, standalone, no_group, events, base_ms) =
            block_on(seed(&emulator.endpoint()));
        LogsFleet {
            emulator,
            service_tasks,
            standalone,
            no_group,
            events,
            base_ms,
        }
    })
}

fn home() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temp dir")
}

/// Runs `ecsnap logs …`; returns the JSON lines and stderr.
fn logs_json(args: &[&str]) -> (Vec<Value>, String) {
    let f = fleet();
    let home = home();
    let out = ecsnap(&f.emulator.endpoint(), home.path())
        .args(["--json", "logs", "--cluster", CLUSTER])
        .args(args)
        .output()
        .expect("ecsnap runs");
    let stderr = stderr_of(&out);
    assert!(
        out.status.success(),
        "ecsnap logs {args:?} failed: {stderr}"
    );
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    (lines, stderr)
}

/// What the JSON lines say: (task id, container, epoch ms, message), in output order.
fn seen(lines: &[Value]) -> Vec<Seeded> {
    lines
        .iter()
        .map(|v| {
            let keys: Vec<&String> = v.as_object().expect("an object").keys().collect();
            assert_eq!(
                keys,
                ["timestamp", "task_id", "container", "message"],
                "{v}"
            );
            let at = chrono::DateTime::parse_from_rfc3339(v["timestamp"].as_str().expect("time"))
                .expect("RFC 3339")
                .timestamp_millis();
            (
                v["task_id"].as_str().expect("task").to_string(),
                v["container"].as_str().expect("container").to_string(),
                at,
                v["message"].as_str().expect("message").to_string(),
            )
        })
        .collect()
}

fn seeded_of(tasks: &[&String]) -> Vec<Seeded> {
    let mut want: Vec<Seeded> = fleet()
        .events
        .iter()
        .filter(|e| tasks.contains(&&e.0))
        .cloned()
        .collect();
    want.sort_by_key(|e| e.2);
    want
}

#[test]
fn logs_of_a_task_are_exactly_the_events_put() {
    let f = fleet();
    let (lines, stderr) = logs_json(&["--task", &f.service_tasks[0]]);
    assert_eq!(seen(&lines), seeded_of(&[&f.service_tasks[0]]));
    assert!(
        stderr.contains("audit logs with the splunk driver")
            && stderr.contains("https://splunk.example:8088"),
        "the sidecar says where its logs go: {stderr}"
    );
    let (lines, _) = logs_json(&["--task", &f.standalone]);
    assert_eq!(
        seen(&lines),
        seeded_of(&[&f.standalone]),
        "a stopped standalone task"
    );
}

#[test]
fn logs_of_a_service_merge_its_tasks_by_time() {
    let f = fleet();
    let (lines, _) = logs_json(&["--service", SERVICE]);
    let got = seen(&lines);
    let want = seeded_of(&[&f.service_tasks[0], &f.service_tasks[1]]);
    assert_eq!(got, want);
    let per_task: BTreeMap<&str, usize> = got.iter().fold(BTreeMap::new(), |mut m, e| {
        *m.entry(e.0.as_str()).or_default() += 1;
        m
    });
    assert_eq!(per_task.get(f.service_tasks[0].as_str()), Some(&4));
    assert_eq!(per_task.get(f.service_tasks[1].as_str()), Some(&3));
    assert!(!per_task.contains_key(f.standalone.as_str()));
}

#[test]
fn since_and_container_narrow_the_lines() {
    let f = fleet();
    // The last three minutes: base is ten minutes before seeding, so the cut falls just
    // after 7 minutes past base (the events at 8m20s and 9m20s are in, 6m40s is out).
    let (lines, _) = logs_json(&["--service", SERVICE, "--since", "3m"]);
    let want: Vec<Seeded> = seeded_of(&[&f.service_tasks[0], &f.service_tasks[1]])
        .into_iter()
        .filter(|e| e.2 >= f.base_ms + 450_000)
        .collect();
    assert_eq!(want.len(), 2);
    assert_eq!(seen(&lines), want);
    let (lines, stderr) = logs_json(&["--service", SERVICE, "--container", "audit"]);
    assert!(lines.is_empty(), "{lines:?}");
    assert_has(&stderr, "splunk");
}

#[test]
fn a_missing_log_group_is_named_and_an_unknown_container_lists_the_others() {
    let f = fleet();
    let home = home();
    // `ecsnap logs --cluster CLUSTER <args>` fails (exit 1); its stderr.
    let failed = |args: &[&str]| {
        let out = ecsnap(&f.emulator.endpoint(), home.path())
            .args(["logs", "--cluster", CLUSTER])
            .args(args)
            .output()
            .expect("ecsnap runs");
        assert_eq!(out.status.code(), Some(1));
        stderr_of(&out)
    };
    let stderr = failed(&["--task", &f.no_group]);
    assert_has(&stderr, "log group `/ecs/never-created` not found");
    assert_has(&stderr, "logs:GetLogEvents");
    let stderr = failed(&["--service", SERVICE, "--container", "nope"]);
    assert_has(&stderr, "container `nope` not found");
    assert_has(&stderr, "app, audit");
}
