//! The demo's metrics: the last hour of CPU and memory for every demo service, put through
//! PutMetricData with past timestamps. `payments-prod` reports Container Insights
//! (utilised against reserved, EBS filesystems for `ledger` and `gateway`), where
//! `checkout`'s memory climbs to its limit before each out-of-memory kill since its bad
//! revision rolled out; `search-staging` has only ECS's basic percentages, so the console
//! says Container Insights is off there and how to turn it on. Two alarms on ECS dimensions
//! go with them: checkout's memory alarm in ALARM, ledger's in OK. The load-balanced
//! `storefront`'s two tasks have their own (task-level) CPU and memory as well.
//!
//! A point every two minutes: moto scans every stored point for each period of each query,
//! so a denser hour would slow each refresh of the demo down.

use aws_sdk_cloudwatch::primitives::DateTime as SdkTime;
use aws_sdk_cloudwatch::types::{Dimension, MetricDatum};
use chrono::{DateTime, Utc};

use super::fleet::{emulator_config, sdk, seed_err};
use crate::analysis::metrics::{BASIC, INSIGHTS};
use crate::error::Result;

/// The cluster that reports Container Insights.
const INSIGHTS_CLUSTER: &str = "payments-prod";
/// Services with a managed EBS volume: their filesystem fills slowly.
const EBS_SERVICES: [&str; 2] = ["ledger", "gateway"];
/// The service killed for out of memory, and when its bad revision rolled out.
const OOM_SERVICE: &str = "checkout";
const OOM_SINCE_MINUTES: i64 = 40;
/// Minutes between points, and how many.
const STEP: i64 = 2;
const POINTS: i64 = 30;

/// CPU and memory percent of a plain service at point `i` (its `seed` varies the level).
fn steady_levels(seed: usize, i: i64) -> (f64, f64) {
    let base = 12.0 + (seed % 5) as f64 * 7.0;
    let wobble = ((i + seed as i64) % 7) as f64 * 1.5;
    (base + wobble, 35.0 + (seed % 4) as f64 * 9.0 + wobble / 2.0)
}

/// `checkout`'s memory (MiB used, MiB reserved) `minutes_ago`: half its 512 MiB before
/// the bad revision, then climbing to its 256 MiB limit and dropping at each kill.
fn checkout_memory(minutes_ago: i64) -> (f64, f64) {
    if minutes_ago > OOM_SINCE_MINUTES {
        return (270.0 + (minutes_ago % 3) as f64 * 6.0, 512.0);
    }
    let phase = (OOM_SINCE_MINUTES - minutes_ago) % 8;
    // Never above the limit: the kill happens there.
    ((150.0 + phase as f64 * 18.0).min(256.0), 256.0)
}

/// A service's metric dimensions as ECS reports them: ClusterName and ServiceName (the
/// end-to-end tests' alarms use them too).
pub fn service_dimensions(cluster: &str, service: &str) -> Vec<Dimension> {
    vec![
        Dimension::builder()
            .name("ClusterName")
            .value(cluster)
            .build(),
        Dimension::builder()
            .name("ServiceName")
            .value(service)
            .build(),
    ]
}

/// One point of a service's metric (dimensions ClusterName, ServiceName), for PutMetricData
/// (the end-to-end tests seed theirs with it too).
pub fn datum(
    name: &str,
    cluster: &str,
    service: &str,
    at: DateTime<Utc>,
    value: f64,
) -> MetricDatum {
    point(name, service_dimensions(cluster, service), at, value)
}

/// One point of a task's metric as Container Insights with enhanced observability
/// publishes it (dimensions ClusterName, TaskDefinitionFamily, TaskId).
pub fn task_datum(
    name: &str,
    (cluster, family, task_id): (&str, &str, &str),
    at: DateTime<Utc>,
    value: f64,
) -> MetricDatum {
    let dimensions = [
        ("ClusterName", cluster),
        ("TaskDefinitionFamily", family),
        ("TaskId", task_id),
    ]
    .into_iter()
    .map(|(n, v)| Dimension::builder().name(n).value(v).build())
    .collect();
    point(name, dimensions, at, value)
}

fn point(name: &str, dimensions: Vec<Dimension>, at: DateTime<Utc>, value: f64) -> MetricDatum {
    MetricDatum::builder()
        .metric_name(name)
        .set_dimensions(Some(dimensions))
        .timestamp(SdkTime::from_secs(at.timestamp()))
        .value(value)
        .build()
}

/// The last hour of each of `task_ids`' own CPU and memory (enhanced observability) in
/// `cluster`, tasks of `family`: the storefront's two, the second busier than the first.
/// Only a few tasks: every stored point slows each of moto's GetMetricData answers.
pub async fn seed_task_metrics(
    endpoint: &str,
    (cluster, family): (&str, &str),
    task_ids: &[String],
    now: DateTime<Utc>,
) -> Result<()> {
    let conf = emulator_config(endpoint).await;
    let cw = aws_sdk_cloudwatch::Client::new(&conf);
    let now = DateTime::from_timestamp(now.timestamp() - now.timestamp().rem_euclid(60), 0)
        .unwrap_or(now);
    let mut data = Vec::new();
    for (seed, id) in task_ids.iter().enumerate() {
        for i in 0..POINTS {
            let at = now - chrono::Duration::minutes((POINTS - i) * STEP);
            let (cpu, mem) = steady_levels(seed * 3 + 1, i);
            let d = |name: &str, v: f64| task_datum(name, (cluster, family, id), at, v);
            data.extend([
                d("CpuUtilized", 256.0 * cpu / 100.0),
                d("CpuReserved", 256.0),
                d("MemoryUtilized", 512.0 * mem / 100.0),
                d("MemoryReserved", 512.0),
            ]);
        }
    }
    for chunk in data.chunks(1000) {
        sdk!(
            "cloudwatch put task metric data",
            cw.put_metric_data()
                .namespace(INSIGHTS)
                .set_metric_data(Some(chunk.to_vec()))
                .send()
        );
    }
    Ok(())
}

/// One service's hour: Container Insights metrics in `payments-prod`, ECS's basic ones
/// elsewhere; `seed` varies the levels.
fn service_data(
    cluster: &str,
    service: &str,
    seed: usize,
    now: DateTime<Utc>,
) -> (String, Vec<MetricDatum>) {
    let insights = cluster == INSIGHTS_CLUSTER;
    let mut data = Vec::new();
    let minute = now.timestamp() - now.timestamp().rem_euclid(60);
    let now = DateTime::from_timestamp(minute, 0).unwrap_or(now);
    for i in 0..POINTS {
        let minutes_ago = (POINTS - i) * STEP;
        let at = now - chrono::Duration::minutes(minutes_ago);
        let (cpu, mem) = steady_levels(seed, i);
        let d = |name: &str, value: f64| datum(name, cluster, service, at, value);
        if !insights {
            data.push(d("CPUUtilization", cpu));
            data.push(d("MemoryUtilization", mem));
            continue;
        }
        let (used, reserved) = if service == OOM_SERVICE {
            checkout_memory(minutes_ago)
        } else {
            (512.0 * mem / 100.0, 512.0)
        };
        data.push(d("CpuUtilized", 256.0 * cpu / 100.0));
        data.push(d("CpuReserved", 256.0));
        data.push(d("MemoryUtilized", used));
        data.push(d("MemoryReserved", reserved));
        if EBS_SERVICES.contains(&service) {
            data.push(d("EBSFilesystemUtilized", 11.0 + i as f64 * 0.1));
            data.push(d("EBSFilesystemSize", 20.0));
        }
    }
    let namespace = if insights { INSIGHTS } else { BASIC };
    (namespace.to_string(), data)
}

/// Puts the last hour of metrics of `services` ((cluster, service) pairs) and of the
/// demo's `checkout` and `gateway`.
pub async fn seed_metrics(
    endpoint: &str,
    services: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<()> {
    let conf = emulator_config(endpoint).await;
    let cw = aws_sdk_cloudwatch::Client::new(&conf);
    let mut all: Vec<(String, String)> = services.to_vec();
    for extra in [OOM_SERVICE, "gateway"] {
        let pair = (INSIGHTS_CLUSTER.to_string(), extra.to_string());
        if !all.contains(&pair) {
            all.push(pair);
        }
    }
    for (seed, (cluster, service)) in all.iter().enumerate() {
        let (namespace, data) = service_data(cluster, service, seed, now);
        // PutMetricData takes at most 1,000 data a call.
        for chunk in data.chunks(1000) {
            sdk!(
                "cloudwatch put metric data",
                cw.put_metric_data()
                    .namespace(&namespace)
                    .set_metric_data(Some(chunk.to_vec()))
                    .send()
            );
        }
    }
    Ok(())
}

/// The demo's alarms on ECS dimensions: `checkout`'s memory alarm in ALARM (its memory
/// at the limit before each kill) and `ledger`'s, quiet, in OK.
pub async fn seed_alarms(endpoint: &str) -> Result<()> {
    use aws_sdk_cloudwatch::types::{ComparisonOperator, StateValue, Statistic};
    let conf = emulator_config(endpoint).await;
    let cw = aws_sdk_cloudwatch::Client::new(&conf);
    let alarms = [
        (
            OOM_SERVICE,
            StateValue::Alarm,
            "Threshold Crossed: 3 out of the last 3 datapoints were greater than the \
             threshold (240.0). The most recent datapoints which crossed the threshold: \
             [256.0, 256.0, 252.0].",
        ),
        (
            "ledger",
            StateValue::Ok,
            "Threshold Crossed: no datapoints were greater than the threshold (240.0).",
        ),
    ];
    for (service, state, reason) in alarms {
        let name = format!("{service}-memory-high");
        sdk!(
            "cloudwatch put metric alarm",
            cw.put_metric_alarm()
                .alarm_name(&name)
                .namespace(INSIGHTS)
                .metric_name("MemoryUtilized")
                .set_dimensions(Some(service_dimensions(INSIGHTS_CLUSTER, service)))
                .statistic(Statistic::Maximum)
                .period(60)
                .evaluation_periods(3)
                .threshold(240.0)
                .comparison_operator(ComparisonOperator::GreaterThanThreshold)
                .send()
        );
        sdk!(
            "cloudwatch set alarm state",
            cw.set_alarm_state()
                .alarm_name(&name)
                .state_value(state)
                .state_reason(reason)
                .send()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkout_climbs_to_its_limit_after_the_bad_rollout() {
        let before = checkout_memory(50);
        assert!((before.1 - 512.0).abs() < f64::EPSILON);
        assert!(before.0 / before.1 < 0.6);
        let during: Vec<f64> = (0..=OOM_SINCE_MINUTES)
            .rev()
            .map(|m| checkout_memory(m).0 / checkout_memory(m).1)
            .collect();
        assert!(during.iter().any(|r| (*r - 1.0).abs() < f64::EPSILON));
        assert!(during.iter().all(|r| *r <= 1.0));
    }
}
