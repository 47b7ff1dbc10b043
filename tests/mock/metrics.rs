//! Service metrics against aws-smithy-mocks: Container Insights' EBS filesystem metrics
//! judged as a percent of the filesystem's size, more than 500 queries split into
//! GetMetricData calls of at most 500 (each answer landing on its own service), every page
//! of an answer read, and a missing permission naming `cloudwatch:GetMetricData`. Task
//! level: the tasks' queries asked of `ECS/ContainerInsights` with ClusterName,
//! TaskDefinitionFamily and TaskId in one call (83 tasks fill one), each answer landing on
//! its own task id; without enhanced observability every task is `NoData`, no error.

use aws_sdk_cloudwatch::error::ErrorMetadata;
use aws_sdk_cloudwatch::operation::get_metric_data::{GetMetricDataError, GetMetricDataOutput};
use aws_sdk_cloudwatch::primitives::DateTime as SdkTime;
use aws_sdk_cloudwatch::types::MetricDataResult;
use aws_smithy_mocks::{Rule, mock};
use chrono::{DateTime, TimeZone, Utc};
use ecsnap::analysis::metrics::{INSIGHTS, MetricSource};
use ecsnap::analysis::task_metrics::{TaskKey, any_task_data};
use ecsnap::aws::AwsClients;
use ecsnap::load::task_metrics::TASKS_PER_CALL;
use ecsnap::load::{load_metrics, load_task_metrics};

use crate::asserts::assert_has;
use crate::mocked::{MockAws, no_retry_client};

fn at(minute: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000, 0)
        .single()
        .unwrap_or_default()
        + chrono::Duration::minutes(minute)
}

/// One query's answer: `values` a minute apart from minute 0.
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

fn services(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| ("payments-prod".to_string(), format!("svc{i}")))
        .collect()
}

#[tokio::test]
async fn container_insights_ebs_filesystem_is_a_percent_of_its_size() {
    // Every query of the one service is asked of Container Insights or AWS/ECS with its
    // cluster and service; the adapter's ids are q0…q7 in the loader's order.
    let rule = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(|r| {
            let q = r.metric_data_queries();
            q.len() == 8
                && q.iter().all(|q| {
                    let m = q.metric_stat().and_then(|s| s.metric());
                    let dims: Vec<_> = m
                        .map(|m| {
                            m.dimensions()
                                .iter()
                                .map(|d| (d.name(), d.value()))
                                .collect()
                        })
                        .unwrap_or_default();
                    dims == [
                        (Some("ClusterName"), Some("payments-prod")),
                        (Some("ServiceName"), Some("ledger")),
                    ]
                })
                && q[4]
                    .metric_stat()
                    .and_then(|s| s.metric())
                    .and_then(|m| m.namespace())
                    == Some(INSIGHTS)
        })
        .then_output(|| {
            GetMetricDataOutput::builder()
                .metric_data_results(result("q0", &[64.0, 128.0]))
                .metric_data_results(result("q1", &[256.0, 256.0]))
                .metric_data_results(result("q2", &[256.0, 384.0]))
                .metric_data_results(result("q3", &[512.0, 512.0]))
                .metric_data_results(result("q4", &[10.0, 15.0]))
                .metric_data_results(result("q5", &[20.0, 20.0]))
                .build()
        });
    let aws = cloudwatch(&[&rule]);
    let metrics = load_metrics(
        &aws,
        &[("payments-prod".into(), "ledger".into())],
        at(0),
        at(60),
    )
    .await
    .expect("read");
    assert_eq!(rule.num_calls(), 1);
    let m = &metrics[0];
    assert_eq!(m.source, MetricSource::ContainerInsights);
    let values = |u: &ecsnap::analysis::metrics::Usage| -> Vec<f64> {
        u.points.iter().map(|p| p.value).collect()
    };
    let ebs = m.ebs.as_ref().expect("EBS filesystem metrics");
    assert_eq!(values(ebs), vec![50.0, 75.0]);
    assert_eq!(ebs.limit, Some(20.0));
    assert_eq!(ebs.unit, "GB");
    assert_eq!(values(&m.cpu), vec![25.0, 50.0]);
    assert_eq!(values(&m.memory), vec![50.0, 75.0]);
    assert_eq!(ebs.points[1].timestamp, at(1));
}

#[tokio::test]
async fn more_than_500_queries_are_split_and_answers_land_on_their_service() {
    // 70 services × 8 queries = 560: one call of 500 and one of 60. Each call's first
    // query answers: service 0's CpuUtilized and, in the second call (query 500 of all),
    // service 62's EBSFilesystemUtilized (62 × 8 + 4 = 500).
    let answer = || {
        GetMetricDataOutput::builder()
            .metric_data_results(result("q0", &[7.0]))
            .build()
    };
    let full = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(|r| r.metric_data_queries().len() == 500)
        .then_output(answer);
    let rest = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(|r| r.metric_data_queries().len() == 60)
        .then_output(answer);
    let aws = cloudwatch(&[&full, &rest]);
    let metrics = load_metrics(&aws, &services(70), at(0), at(60))
        .await
        .expect("read");
    assert_eq!((full.num_calls(), rest.num_calls()), (1, 1));
    assert_eq!(metrics.len(), 70);
    let names = |i: usize| -> Vec<String> {
        metrics[i]
            .raw
            .iter()
            .map(|r| r.metric_name.clone())
            .collect()
    };
    assert_eq!(names(0), vec!["CpuUtilized".to_string()]);
    assert_eq!(names(62), vec!["EBSFilesystemUtilized".to_string()]);
    assert_eq!(metrics[62].service, "svc62");
    assert!((1..70).filter(|i| *i != 62).all(|i| names(i).is_empty()));
}

#[tokio::test]
async fn every_page_of_an_answer_is_read() {
    let first = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| {
            GetMetricDataOutput::builder()
                .metric_data_results(result("q6", &[11.0]))
                .next_token("page2")
                .build()
        });
    let second = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(|r| r.next_token() == Some("page2"))
        .then_output(|| {
            let later = MetricDataResult::builder()
                .id("q6")
                .timestamps(SdkTime::from_secs(at(1).timestamp()))
                .values(13.0)
                .build();
            GetMetricDataOutput::builder()
                .metric_data_results(later)
                .build()
        });
    let aws = cloudwatch(&[&first, &second]);
    let metrics = load_metrics(&aws, &services(1), at(0), at(60))
        .await
        .expect("read");
    assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
    let m = &metrics[0];
    assert_eq!(
        m.source,
        MetricSource::Basic,
        "AWS/ECS only: no Container Insights"
    );
    let cpu: Vec<f64> = m.cpu.points.iter().map(|p| p.value).collect();
    assert_eq!(cpu, vec![11.0, 13.0]);
}

#[tokio::test]
async fn a_missing_permission_names_cloudwatch_get_metric_data() {
    let denied = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_error(|| {
        GetMetricDataError::generic(
            ErrorMetadata::builder()
                .code("AccessDenied")
                .message("User: arn:aws:iam::123456789012:user/ana is not authorized to perform: cloudwatch:GetMetricData")
                .build(),
        )
    });
    let aws = cloudwatch(&[&denied]);
    let err = load_metrics(&aws, &services(3), at(0), at(60))
        .await
        .expect_err("denied");
    let text = err.to_string();
    assert_has(&text, "cloudwatch:GetMetricData");
    assert_has(&text, "eu-west-1");
    assert!(
        matches!(&err, ecsnap::Error::Aws(a) if a.kind == ecsnap::error::AwsErrorKind::AccessDenied),
        "{err:?}"
    );
    assert_eq!(denied.num_calls(), 1);
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
