//! Task-level metrics against aws-smithy-mocks: the tasks' queries asked of
//! `ECS/ContainerInsights` with ClusterName, TaskDefinitionFamily and TaskId in one
//! GetMetricData call (83 tasks fill one call), each answer landing on its own task id as
//! utilised over reserved; without enhanced observability every task comes back `NoData`
//! with no error.

use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
use aws_sdk_cloudwatch::primitives::DateTime as SdkTime;
use aws_sdk_cloudwatch::types::MetricDataResult;
use aws_smithy_mocks::{Rule, mock};
use chrono::{DateTime, TimeZone, Utc};
use ecsnap::analysis::metrics::{INSIGHTS, MetricSource};
use ecsnap::analysis::task_metrics::{TaskKey, any_task_data};
use ecsnap::aws::AwsClients;
use ecsnap::load::load_task_metrics;
use ecsnap::load::task_metrics::TASKS_PER_CALL;

use crate::mocked::{MockAws, no_retry_client};

fn at(minute: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000, 0)
        .single()
        .unwrap_or_default()
        + chrono::Duration::minutes(minute)
}

fn result(id: &str, values: &[f64]) -> MetricDataResult {
    let mut r = MetricDataResult::builder().id(id);
    for (i, v) in values.iter().enumerate() {
        let t = at(i64::try_from(i).unwrap_or_default());
        r = r.timestamps(SdkTime::from_secs(t.timestamp())).values(*v);
    }
    r.build()
}

fn cloudwatch(rules: &[&Rule]) -> AwsClients {
    MockAws {
        cloudwatch: no_retry_client!(aws_sdk_cloudwatch, rules.iter().copied()),
        ..MockAws::in_region("eu-west-1")
    }
    .clients_and_ops()
    .0
}

fn tasks(n: usize) -> Vec<TaskKey> {
    (0..n)
        .map(|i| TaskKey {
            family: "checkout".into(),
            task_id: format!("task{i:02}"),
        })
        .collect()
}

/// The dimensions of query `i` of a request.
fn dimensions(
    r: &aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataInput,
    i: usize,
) -> Vec<(String, String)> {
    r.metric_data_queries()[i]
        .metric_stat()
        .and_then(|s| s.metric())
        .map(|m| {
            m.dimensions()
                .iter()
                .map(|d| {
                    (
                        d.name().unwrap_or_default().to_string(),
                        d.value().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn task_metrics_answered_land_on_each_task_id() {
    // Two tasks: 6 queries each (q0…q5 for task00, q6…q11 for task01), all Container
    // Insights with the task's dimensions.
    let rule = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(|r| {
            r.metric_data_queries().len() == 12
                && r.metric_data_queries().iter().all(|q| {
                    q.metric_stat()
                        .and_then(|s| s.metric())
                        .and_then(|m| m.namespace())
                        == Some(INSIGHTS)
                })
                && dimensions(r, 7)
                    == [
                        ("ClusterName".to_string(), "payments-prod".to_string()),
                        ("TaskDefinitionFamily".to_string(), "checkout".to_string()),
                        ("TaskId".to_string(), "task01".to_string()),
                    ]
        })
        .then_output(|| {
            GetMetricDataOutput::builder()
                // task00: CPU 64 of 256, memory 128 then 256 of 512.
                .metric_data_results(result("q0", &[64.0, 64.0]))
                .metric_data_results(result("q1", &[256.0, 256.0]))
                .metric_data_results(result("q2", &[128.0, 256.0]))
                .metric_data_results(result("q3", &[512.0, 512.0]))
                // task01: memory at its limit, an EBS filesystem half full.
                .metric_data_results(result("q8", &[256.0, 256.0]))
                .metric_data_results(result("q9", &[256.0, 256.0]))
                .metric_data_results(result("q10", &[10.0, 10.0]))
                .metric_data_results(result("q11", &[20.0, 20.0]))
                .build()
        });
    let aws = cloudwatch(&[&rule]);
    let metrics = load_task_metrics(&aws, "payments-prod", &tasks(2), at(0), at(60))
        .await
        .expect("read");
    assert_eq!(rule.num_calls(), 1);
    let values = |u: &ecsnap::analysis::metrics::Usage| -> Vec<f64> {
        u.points.iter().map(|p| p.value).collect()
    };
    assert_eq!(metrics[0].task.task_id, "task00");
    assert_eq!(metrics[0].metrics.source, MetricSource::ContainerInsights);
    assert_eq!(values(&metrics[0].metrics.cpu), vec![25.0, 25.0]);
    assert_eq!(values(&metrics[0].metrics.memory), vec![25.0, 50.0]);
    assert!(metrics[0].metrics.ebs.is_none());
    assert_eq!(metrics[1].task.task_id, "task01");
    assert_eq!(values(&metrics[1].metrics.memory), vec![100.0, 100.0]);
    assert_eq!(metrics[1].metrics.memory.limit, Some(256.0));
    let ebs = metrics[1].metrics.ebs.as_ref().expect("EBS filesystem");
    assert_eq!(values(ebs), vec![50.0, 50.0]);
    assert!(any_task_data(&metrics));
}

#[tokio::test]
async fn without_enhanced_observability_every_task_has_no_data_and_no_error() {
    // 83 tasks: 498 queries, one call; CloudWatch answers every query empty.
    let rule = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(|r| r.metric_data_queries().len() == TASKS_PER_CALL * 6)
        .then_output(|| {
            GetMetricDataOutput::builder()
                .metric_data_results(result("q0", &[]))
                .build()
        });
    let aws = cloudwatch(&[&rule]);
    let metrics = load_task_metrics(
        &aws,
        "search-staging",
        &tasks(TASKS_PER_CALL),
        at(0),
        at(60),
    )
    .await
    .expect("no data is no error");
    assert_eq!(rule.num_calls(), 1);
    assert_eq!(TASKS_PER_CALL, 83);
    assert_eq!(metrics.len(), 83);
    assert!(
        metrics
            .iter()
            .all(|m| m.metrics.source == MetricSource::NoData)
    );
    assert!(!any_task_data(&metrics));
}
