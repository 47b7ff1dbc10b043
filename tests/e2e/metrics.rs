//! `ecsnap metrics` run as the real binary against moto: metric data put through the SDK
//! (PutMetricData, past timestamps within the last hour) for a cluster with Container
//! Insights (CPU, memory and EBS filesystem utilised against reserved) and one with only
//! AWS/ECS's percentages, read back by `metrics --json` value by value — every metric as
//! put, and the sparkline's points as the percent of the limit — with the cluster without
//! Container Insights named with the command that turns it on.

use crate::harness::{create_cluster, create_service, registered};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

use crate::asserts::assert_has;
use crate::emulator::{block_on, ecsnap, json_of, start_emulator};
use ecsnap::demo::fleet::emulator_config;
use ecsnap::demo::metrics::{datum, task_datum};

const INSIGHTS_CLUSTER: &str = "metrics-insights-e2e";
const BASIC_CLUSTER: &str = "metrics-basic-e2e";
const LEDGER: &str = "ledger-m";
const API: &str = "api-m";
/// Minutes ago of each seeded point, oldest first.
const MINUTES_AGO: [i64; 5] = [50, 40, 30, 20, 10];
const MEMORY_USED: [f64; 5] = [128.0, 256.0, 384.0, 448.0, 512.0];
const EBS_USED: [f64; 5] = [5.0, 6.0, 7.5, 9.0, 10.0];
const BASIC_CPU: [f64; 5] = [12.5, 20.0, 33.0, 41.0, 8.0];

/// The seeded times: whole minutes, oldest first.
fn times(now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let minute = now.timestamp() - now.timestamp().rem_euclid(60);
    MINUTES_AGO
        .iter()
        .map(|m| DateTime::from_timestamp(minute - m * 60, 0).unwrap_or_default())
        .collect()
}

async fn seed(endpoint: &str, at: &[DateTime<Utc>]) {
    let conf = emulator_config(endpoint).await;
    let ecs = aws_sdk_ecs::Client::new(&conf);
    let cw = aws_sdk_cloudwatch::Client::new(&conf);
    for (cluster, service) in [(INSIGHTS_CLUSTER, LEDGER), (BASIC_CLUSTER, API)] {
        create_cluster(&ecs, cluster).await;
        let arn = registered(
            ecs.register_task_definition()
                .family(service)
                .container_definitions(
                    aws_sdk_ecs::types::ContainerDefinition::builder()
                        .name("app")
                        .image("registry.example/app:1")
                        .memory(512)
                        .build(),
                ),
        )
        .await;
        create_service(&ecs, cluster, service, &arn, 1).await;
    }
    let mut insights = Vec::new();
    let mut basic = Vec::new();
    for (i, t) in at.iter().enumerate() {
        let d = |name: &str, v: f64| datum(name, INSIGHTS_CLUSTER, LEDGER, *t, v);
        insights.extend([
            d("CpuUtilized", 64.0),
            d("CpuReserved", 256.0),
            d("MemoryUtilized", MEMORY_USED[i]),
            d("MemoryReserved", 512.0),
            d("EBSFilesystemUtilized", EBS_USED[i]),
            d("EBSFilesystemSize", 20.0),
        ]);
        basic.push(datum(
            "CPUUtilization",
            BASIC_CLUSTER,
            API,
            *t,
            BASIC_CPU[i],
        ));
        basic.push(datum("MemoryUtilization", BASIC_CLUSTER, API, *t, 50.0));
    }
    for (namespace, data) in [("ECS/ContainerInsights", insights), ("AWS/ECS", basic)] {
        cw.put_metric_data()
            .namespace(namespace)
            .set_metric_data(Some(data))
            .send()
            .await
            .expect("put metric data");
    }
}

fn stamp(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// (timestamp, value) of each point of a JSON list.
fn points(v: &Value) -> Vec<(String, f64)> {
    v.as_array()
        .unwrap_or_else(|| panic!("no points: {v}"))
        .iter()
        .map(|p| {
            (
                p["timestamp"].as_str().unwrap_or_default().to_string(),
                p["value"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect()
}

fn expected(at: &[DateTime<Utc>], values: &[f64]) -> Vec<(String, f64)> {
    at.iter().zip(values).map(|(t, v)| (stamp(t), *v)).collect()
}

/// The metric `name` of a service's JSON, as answered.
fn raw<'a>(service: &'a Value, name: &str) -> &'a Value {
    service["metrics"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["metric_name"] == name))
        .map_or_else(|| panic!("{name} missing from {service}"), |m| &m["points"])
}

#[test]
fn metric_data_put_through_the_sdk_reads_back_as_the_sparklines_points() {
    let emulator = start_emulator();
    let endpoint = emulator.endpoint();
    let at = times(Utc::now());
    block_on(seed(&endpoint, &at));
    let home = tempfile::tempdir().expect("tempdir");

    let json = json_of(ecsnap(&endpoint, home.path()).args([
        "metrics",
        "--cluster",
        INSIGHTS_CLUSTER,
        "--json",
    ]));
    assert_eq!(json["period_seconds"], 60);
    let services = json["services"].as_array().expect("services");
    assert_eq!(services.len(), 1, "{json}");
    let ledger = &services[0];
    assert_eq!(ledger["cluster"], INSIGHTS_CLUSTER);
    assert_eq!(ledger["service_name"], LEDGER);
    assert_eq!(ledger["source"], "container_insights");
    // Every metric as put.
    assert_eq!(
        points(raw(ledger, "MemoryUtilized")),
        expected(&at, &MEMORY_USED)
    );
    assert_eq!(
        points(raw(ledger, "EBSFilesystemUtilized")),
        expected(&at, &EBS_USED)
    );
    assert_eq!(
        points(raw(ledger, "CpuReserved")),
        expected(&at, &[256.0; 5])
    );
    // The sparklines' points: percent of what was reserved.
    assert_eq!(
        points(&ledger["memory"]["points"]),
        expected(&at, &[25.0, 50.0, 75.0, 87.5, 100.0])
    );
    assert_eq!(ledger["memory"]["limit"], 512.0);
    assert_eq!(ledger["memory"]["limit_unit"], "MiB");
    assert_eq!(ledger["memory"]["max_percent"], 100.0);
    assert_eq!(ledger["memory"]["min_percent"], 25.0);
    assert_eq!(points(&ledger["cpu"]["points"]), expected(&at, &[25.0; 5]));
    assert_eq!(
        points(&ledger["ebs_filesystem"]["points"]),
        expected(&at, &[25.0, 30.0, 37.5, 45.0, 50.0])
    );
    assert_eq!(ledger["ebs_filesystem"]["limit"], 20.0);
    assert_eq!(json["container_insights_off"], serde_json::json!([]));

    // A cluster without Container Insights: AWS/ECS's percentages, and how to turn it on.
    let json = json_of(ecsnap(&endpoint, home.path()).args([
        "metrics",
        "--cluster",
        BASIC_CLUSTER,
        "--service",
        API,
        "--json",
    ]));
    let api = &json["services"][0];
    assert_eq!(api["service_name"], API);
    assert_eq!(api["source"], "aws_ecs");
    assert_eq!(points(&api["cpu"]["points"]), expected(&at, &BASIC_CPU));
    assert_eq!(api["cpu"]["limit"], Value::Null);
    assert_eq!(api["ebs_filesystem"], Value::Null);
    assert_eq!(
        json["container_insights_off"],
        serde_json::json!([{
            "cluster": BASIC_CLUSTER,
            "enable_with": format!(
                "aws ecs update-cluster-settings --cluster {BASIC_CLUSTER} \
                 --settings name=containerInsights,value=enhanced"
            ),
        }])
    );

    // As text: a sparkline per utilisation, the last and highest percent.
    let out = ecsnap(&endpoint, home.path())
        .args(["metrics", "--cluster", INSIGHTS_CLUSTER])
        .output()
        .expect("ecsnap runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert_has(&text, &format!("{INSIGHTS_CLUSTER}/{LEDGER}"));
    assert_has(&text, "100% (max 100%)");
    drop(emulator);
}

/// The task-metrics test's cluster and its service (two tasks).
const CLUSTER: &str = "metrics-tasks-e2e";
const SERVICE: &str = "shop-m";

/// [`SERVICE`] with two tasks, only the first with task-level metrics at `at`: the task ids.
async fn seed_shop(endpoint: &str, at: &[DateTime<Utc>]) -> Vec<String> {
    let conf = emulator_config(endpoint).await;
    let ecs = aws_sdk_ecs::Client::new(&conf);
    create_cluster(&ecs, CLUSTER).await;
    let td = ecsnap::demo::fleet::register_container(
        &ecs,
        "shop task definition",
        SERVICE,
        aws_sdk_ecs::types::ContainerDefinition::builder()
            .name("app")
            .image("registry.example/shop:1")
            .memory(512)
            .build(),
    )
    .await
    .expect("task definition");
    create_service(&ecs, CLUSTER, SERVICE, &td, 2).await;
    let arns = ecsnap::demo::fleet::run_tasks(&ecs, CLUSTER, &td, &format!("service:{SERVICE}"), 2)
        .await
        .expect("tasks");
    let ids: Vec<String> = arns
        .iter()
        .map(|a| ecsnap::model::arn_name(a).to_string())
        .collect();
    let data: Vec<_> = at
        .iter()
        .zip(MEMORY_USED)
        .flat_map(|(t, used)| {
            let d = |name: &str, v: f64| task_datum(name, (CLUSTER, SERVICE, &ids[0]), *t, v);
            [
                d("CpuUtilized", 128.0),
                d("CpuReserved", 256.0),
                d("MemoryUtilized", used),
                d("MemoryReserved", 512.0),
            ]
        })
        .collect();
    aws_sdk_cloudwatch::Client::new(&conf)
        .put_metric_data()
        .namespace("ECS/ContainerInsights")
        .set_metric_data(Some(data))
        .send()
        .await
        .expect("put metric data");
    ids
}

/// `metrics --tasks`: a service's two tasks, only the first with task-level metrics
/// (Container Insights with enhanced observability: ClusterName, TaskDefinitionFamily,
/// TaskId) put through the SDK; `--json` gives each task its own series, the other one
/// `none`.
#[test]
fn task_metrics_put_through_the_sdk_read_back_per_task() {
    let emulator = start_emulator();
    let endpoint = emulator.endpoint();
    let at = times(Utc::now());
    let ids = block_on(seed_shop(&endpoint, &at));
    let home = tempfile::tempdir().expect("tempdir");
    let json = json_of(ecsnap(&endpoint, home.path()).args([
        "metrics",
        "--cluster",
        CLUSTER,
        "--service",
        SERVICE,
        "--tasks",
        "--json",
    ]));
    let tasks = json["services"][0]["tasks"].as_array().expect("tasks");
    assert_eq!(tasks.len(), 2, "{json}");
    let of = |id: &str| {
        tasks
            .iter()
            .find(|t| t["task_id"] == id)
            .unwrap_or_else(|| panic!("task {id} missing from {json}"))
    };
    let measured = of(&ids[0]);
    assert_eq!(measured["task_definition_family"], SERVICE);
    assert_eq!(measured["source"], "container_insights");
    assert_eq!(
        points(raw(measured, "MemoryUtilized")),
        expected(&at, &MEMORY_USED)
    );
    assert_eq!(
        points(&measured["memory"]["points"]),
        expected(&at, &[25.0, 50.0, 75.0, 87.5, 100.0])
    );
    assert_eq!(
        points(&measured["cpu"]["points"]),
        expected(&at, &[50.0; 5])
    );
    assert_eq!(measured["ebs_filesystem"], Value::Null);
    let quiet = of(&ids[1]);
    assert_eq!(quiet["source"], "none", "{quiet}");
    assert_eq!(quiet["memory"]["points"], serde_json::json!([]));
    // Without --tasks, no `tasks` key.
    let plain = json_of(ecsnap(&endpoint, home.path()).args([
        "metrics",
        "--cluster",
        CLUSTER,
        "--service",
        SERVICE,
        "--json",
    ]));
    assert!(plain["services"][0].get("tasks").is_none(), "{plain}");
    // As text: a row per task.
    let out = ecsnap(&endpoint, home.path())
        .args(["metrics", "--cluster", CLUSTER, "--tasks"])
        .output()
        .expect("ecsnap runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert_has(&text, &ids[0]);
    assert_has(&text, "100% (max 100%)");
    drop(emulator);
}
