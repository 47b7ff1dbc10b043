//! Adapter behaviour the emulator cannot show (moto does not paginate or throttle):
//! nextToken followed to the end, batches at the API maxima, throttling survived through
//! the adaptive retry config, and errors that name the IAM action. aws-smithy-mocks with a
//! sleep that returns at once and records what it was asked to wait.

use crate::asserts::assert_has;
use std::sync::{Arc, Mutex};

use aws_sdk_ec2::operation::describe_volumes::DescribeVolumesOutput;
use aws_sdk_ecr::operation::describe_images::DescribeImagesOutput;
use aws_sdk_ecs::operation::list_clusters::ListClustersOutput;
use aws_smithy_mocks::{Rule, mock};
use ecsnap::aws::{
    AwsClients, CallContext, Ec2Adapter, Ec2Api, EcrAdapter, EcrApi, EcsAdapter, EcsApi,
    retry_config,
};
use ecsnap::error::{AwsErrorKind, Error};

use crate::answers::{clusters_listed, no_other_ec2, no_repositories};
use crate::instant_sleep::{InstantSleep, instant_client, with_nothing_else};

fn ctx() -> CallContext {
    CallContext {
        region: "eu-west-1".into(),
        endpoint: None,
        profile: None,
    }
}

fn ecs(rules: &[&Rule], sleep: &InstantSleep) -> EcsAdapter {
    EcsAdapter::new(
        instant_client!(aws_sdk_ecs, sleep, rules.iter().copied()),
        ctx(),
    )
}

fn ec2(rules: &[&Rule], sleep: &InstantSleep) -> Ec2Adapter {
    Ec2Adapter::new(
        instant_client!(aws_sdk_ec2, sleep, rules.iter().copied()),
        ctx(),
    )
}

fn ecr(rules: &[&Rule], sleep: &InstantSleep) -> EcrAdapter {
    EcrAdapter::new(
        instant_client!(aws_sdk_ecr, sleep, rules.iter().copied()),
        ctx(),
    )
}

fn clients(ecs_a: EcsAdapter, ecr_a: EcrAdapter, ec2_a: Ec2Adapter) -> AwsClients {
    with_nothing_else((ecs_a, ecr_a, ec2_a), &ctx())
}

const ECS_THROTTLE: &str = r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;

#[tokio::test]
async fn list_clusters_follows_next_token_to_the_end() {
    let first = mock!(aws_sdk_ecs::Client::list_clusters)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| {
            ListClustersOutput::builder()
                .cluster_arns("arn:aws:ecs:eu-west-1:1:cluster/a")
                .cluster_arns("arn:aws:ecs:eu-west-1:1:cluster/b")
                .next_token("page-2")
                .build()
        });
    let second = mock!(aws_sdk_ecs::Client::list_clusters)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_output(|| {
            ListClustersOutput::builder()
                .cluster_arns("arn:aws:ecs:eu-west-1:1:cluster/c")
                .next_token("page-3")
                .build()
        });
    let third = mock!(aws_sdk_ecs::Client::list_clusters)
        .match_requests(|r| r.next_token() == Some("page-3"))
        .then_output(|| ListClustersOutput::builder().build());
    let adapter = ecs(&[&first, &second, &third], &InstantSleep::default());
    let arns = adapter.list_clusters().await.expect("three pages");
    let names: Vec<&str> = arns.iter().map(|a| ecsnap::model::arn_name(a)).collect();
    assert_eq!(names, ["a", "b", "c"]);
    assert_eq!(
        (first.num_calls(), second.num_calls(), third.num_calls()),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn describe_services_is_batched_by_ten() {
    let rule = mock!(aws_sdk_ecs::Client::describe_services)
        .match_requests(|r| r.services().len() <= 10 && r.cluster() == Some("payments-prod"))
        .then_compute_output(|r| {
            let mut out =
                aws_sdk_ecs::operation::describe_services::DescribeServicesOutput::builder();
            for name in r.services() {
                out = out.services(
                    aws_sdk_ecs::types::Service::builder()
                        .service_name(name)
                        .cluster_arn("arn:aws:ecs:eu-west-1:1:cluster/payments-prod")
                        .status("ACTIVE")
                        .desired_count(2)
                        .running_count(2)
                        .build(),
                );
            }
            out.build()
        });
    let adapter = ecs(&[&rule], &InstantSleep::default());
    let names: Vec<String> = (0..25).map(|i| format!("svc-{i:02}")).collect();
    let services = adapter
        .describe_services("payments-prod", &names)
        .await
        .expect("batched");
    assert_eq!(services.len(), 25);
    assert_eq!(
        rule.num_calls(),
        3,
        "25 services need 3 calls of at most 10"
    );
    let got: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    let want: Vec<&str> = names.iter().map(String::as_str).collect();
    assert_eq!(got, want, "order is kept");
    assert!(services.iter().all(|s| s.cluster == "payments-prod"));
}

#[tokio::test]
async fn describe_tasks_is_batched_by_one_hundred() {
    let rule = mock!(aws_sdk_ecs::Client::describe_tasks)
        .match_requests(|r| r.tasks().len() <= 100)
        .then_compute_output(|r| {
            let mut out = aws_sdk_ecs::operation::describe_tasks::DescribeTasksOutput::builder();
            for arn in r.tasks() {
                out = out.tasks(
                    aws_sdk_ecs::types::Task::builder()
                        .task_arn(arn)
                        .last_status("RUNNING")
                        .desired_status("RUNNING")
                        .group("service:api")
                        .build(),
                );
            }
            out.build()
        });
    let adapter = ecs(&[&rule], &InstantSleep::default());
    let arns: Vec<String> = (0..250)
        .map(|i| format!("arn:aws:ecs:eu-west-1:1:task/c/{i:032x}"))
        .collect();
    let tasks = adapter.describe_tasks("c", &arns).await.expect("batched");
    assert_eq!(tasks.len(), 250);
    assert_eq!(rule.num_calls(), 3);
    assert_eq!(tasks[249].id, format!("{:032x}", 249));
    assert_eq!(tasks[0].service_name(), Some("api"));
}

#[tokio::test]
async fn ec2_volumes_paginate_with_the_largest_page() {
    let page = |ids: &'static [&'static str], token: Option<&'static str>| {
        move || {
            let mut out = DescribeVolumesOutput::builder();
            for id in ids {
                out = out.volumes(
                    aws_sdk_ec2::types::Volume::builder()
                        .volume_id(*id)
                        .size(10)
                        .state(aws_sdk_ec2::types::VolumeState::Available)
                        .build(),
                );
            }
            out.set_next_token(token.map(str::to_string)).build()
        }
    };
    let first = mock!(aws_sdk_ec2::Client::describe_volumes)
        .match_requests(|r| r.next_token().is_none() && r.max_results() == Some(1000))
        .then_output(page(&["vol-1", "vol-2"], Some("t2")));
    let second = mock!(aws_sdk_ec2::Client::describe_volumes)
        .match_requests(|r| r.next_token() == Some("t2"))
        .then_output(page(&["vol-3"], None));
    let adapter = ec2(&[&first, &second], &InstantSleep::default());
    let volumes = adapter.describe_volumes().await.expect("two pages");
    let ids: Vec<&str> = volumes.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(ids, ["vol-1", "vol-2", "vol-3"]);
}

#[tokio::test]
async fn ecr_images_paginate() {
    let first = mock!(aws_sdk_ecr::Client::describe_images)
        .match_requests(|r| r.next_token().is_none() && r.repository_name() == Some("ws"))
        .then_output(|| {
            DescribeImagesOutput::builder()
                .image_details(
                    aws_sdk_ecr::types::ImageDetail::builder()
                        .image_digest("sha256:a")
                        .image_tags("alice-20261120T0815")
                        .image_size_in_bytes(100)
                        .build(),
                )
                .next_token("n")
                .build()
        });
    let second = mock!(aws_sdk_ecr::Client::describe_images)
        .match_requests(|r| r.next_token() == Some("n"))
        .then_output(|| {
            DescribeImagesOutput::builder()
                .image_details(
                    aws_sdk_ecr::types::ImageDetail::builder()
                        .image_digest("sha256:b")
                        .build(),
                )
                .build()
        });
    let adapter = ecr(&[&first, &second], &InstantSleep::default());
    let images = adapter.list_images("ws").await.expect("two pages");
    assert_eq!(images.len(), 2);
    assert_eq!(images[0].tags, ["alice-20261120T0815"]);
    assert_eq!(images[0].size_bytes, 100);
    assert!(images[1].tags.is_empty(), "untagged image keeps no tags");
    assert_eq!(images[1].repository, "ws");
}

#[tokio::test]
async fn throttling_is_retried_with_backoff_and_survived() {
    let sleep = InstantSleep::default();
    let rule = mock!(aws_sdk_ecs::Client::list_clusters)
        .sequence()
        .http_status(400, Some(ECS_THROTTLE.to_string()))
        .times(2)
        .output(|| {
            ListClustersOutput::builder()
                .cluster_arns("arn:aws:ecs:eu-west-1:1:cluster/a")
                .build()
        })
        .build();
    let adapter = ecs(&[&rule], &sleep);
    let arns = adapter
        .list_clusters()
        .await
        .expect("survives two throttles");
    assert_eq!(arns.len(), 1);
    assert_eq!(rule.num_calls(), 3);
    assert!(
        sleep.count() >= 2,
        "backed off before each retry: {:?}",
        sleep.slept
    );
}

#[tokio::test]
async fn throttling_that_never_stops_ends_in_a_clear_error_without_a_retry_storm() {
    let sleep = InstantSleep::default();
    let rule = mock!(aws_sdk_ecs::Client::list_clusters)
        .sequence()
        .http_status(400, Some(ECS_THROTTLE.to_string()))
        .repeatedly()
        .build();
    let adapter = ecs(&[&rule], &sleep);
    let err = adapter.list_clusters().await.expect_err("gives up");
    let max = retry_config().max_attempts() as usize;
    assert_eq!(rule.num_calls(), max, "exactly the configured attempts");
    let Error::Aws(aws) = &err else {
        panic!("an AWS error: {err}")
    };
    assert_eq!(aws.kind, AwsErrorKind::Throttled);
    let text = err.to_string();
    assert!(
        text.contains("ecs:ListClusters") && text.contains("eu-west-1"),
        "{text}"
    );
}

/// ECS answers a family or revision that does not exist with a ClientException; the
/// adapter names the task definition instead of passing the bare exception on.
#[tokio::test]
async fn a_missing_task_definition_is_named() {
    let body = r#"{"__type":"ClientException","message":"Unable to describe task definition."}"#;
    let rule = mock!(aws_sdk_ecs::Client::describe_task_definition)
        .sequence()
        .http_status(400, Some(body.to_string()))
        .build();
    let adapter = ecs(&[&rule], &InstantSleep::default());
    let err = adapter
        .describe_task_definition("checkout:99")
        .await
        .expect_err("no such revision");
    assert!(
        matches!(&err, Error::NotFound { kind: "task definition", name, .. } if name == "checkout:99"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "task definition `checkout:99` not found in eu-west-1"
    );
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn access_denied_names_the_missing_permission() {
    let body = "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>r</RequestID></Response>";
    let rule = mock!(aws_sdk_ec2::Client::describe_snapshots)
        .sequence()
        .http_status(403, Some(body.to_string()))
        .build();
    let adapter = ec2(&[&rule], &InstantSleep::default());
    let err = adapter
        .describe_own_snapshots(None)
        .await
        .expect_err("denied");
    let text = err.to_string();
    assert_has(&text, "`ec2:DescribeSnapshots`");
    assert_has(&text, "eu-west-1");
    assert_eq!(rule.num_calls(), 1, "an access error is not retried");
}

#[tokio::test]
async fn a_known_account_narrows_snapshots_on_the_server() {
    use aws_sdk_ec2::types::Snapshot;
    let snap = |id: &str| {
        Snapshot::builder()
            .snapshot_id(id)
            .owner_id("111122223333")
            .build()
    };
    // Only a request carrying OwnerIds=self and exactly the owner-id filter is answered.
    let narrowed = mock!(aws_sdk_ec2::Client::describe_snapshots)
        .match_requests(|r| {
            let filters: Vec<(Option<&str>, &[String])> =
                r.filters().iter().map(|f| (f.name(), f.values())).collect();
            r.owner_ids() == ["self"]
                && filters == [(Some("owner-id"), &["111122223333".to_string()][..])]
        })
        .then_output(move || {
            aws_sdk_ec2::operation::describe_snapshots::DescribeSnapshotsOutput::builder()
                .snapshots(snap("snap-own"))
                .build()
        });
    let unnarrowed = mock!(aws_sdk_ec2::Client::describe_snapshots)
        .match_requests(|r| r.owner_ids() == ["self"] && r.filters().is_empty())
        .then_output(move || {
            aws_sdk_ec2::operation::describe_snapshots::DescribeSnapshotsOutput::builder()
                .snapshots(snap("snap-any"))
                .build()
        });
    let adapter = ec2(&[&narrowed, &unnarrowed], &InstantSleep::default());
    let ids = |v: Vec<ecsnap::model::Snapshot>| v.into_iter().map(|s| s.id).collect::<Vec<_>>();
    assert_eq!(
        ids(adapter
            .describe_own_snapshots(Some("111122223333"))
            .await
            .expect("narrowed")),
        ["snap-own"]
    );
    assert_eq!(
        ids(adapter
            .describe_own_snapshots(None)
            .await
            .expect("narrowed")),
        ["snap-any"]
    );
    assert_eq!((narrowed.num_calls(), unnarrowed.num_calls()), (1, 1));
}

#[tokio::test]
async fn loaders_batch_across_clusters_and_join_services() {
    let clusters = clusters_listed(&[
        "arn:aws:ecs:eu-west-1:1:cluster/payments-prod",
        "arn:aws:ecs:eu-west-1:1:cluster/search-staging",
    ]);
    let list_services = mock!(aws_sdk_ecs::Client::list_services).then_compute_output(|r| {
        let cluster = r.cluster().unwrap_or_default().to_string();
        let n = if cluster == "payments-prod" { 12 } else { 3 };
        let mut out = aws_sdk_ecs::operation::list_services::ListServicesOutput::builder();
        for i in 0..n {
            out = out.service_arns(format!(
                "arn:aws:ecs:eu-west-1:1:service/{cluster}/svc-{i:02}"
            ));
        }
        out.build()
    });
    let describe = mock!(aws_sdk_ecs::Client::describe_services)
        .match_requests(|r| r.services().len() <= 10)
        .then_compute_output(|r| {
            let cluster = r.cluster().unwrap_or_default();
            let mut out =
                aws_sdk_ecs::operation::describe_services::DescribeServicesOutput::builder();
            for arn in r.services() {
                out = out.services(
                    aws_sdk_ecs::types::Service::builder()
                        .service_arn(arn)
                        .service_name(ecsnap::model::arn_name(arn))
                        .cluster_arn(format!("arn:aws:ecs:eu-west-1:1:cluster/{cluster}"))
                        .status("ACTIVE")
                        .build(),
                );
            }
            out.build()
        });
    let sleep = InstantSleep::default();
    let aws = clients(
        ecs(&[&clusters, &list_services, &describe], &sleep),
        ecr(&[], &sleep),
        ec2(&[], &sleep),
    );
    let services = ecsnap::load::load_services(&aws, None)
        .await
        .expect("loads");
    assert_eq!(services.len(), 15);
    assert_eq!(describe.num_calls(), 3, "12 → 10 + 2, and 3 → one call");
    assert_eq!(services[0].cluster, "payments-prod");
    assert_eq!(services[14].cluster, "search-staging");

    // The console's loader hands over each cluster as it arrives, the first one first,
    // and ends with the same list.
    let mut parts = Vec::new();
    let progressive = ecsnap::load::load_services_progressively(&aws, |p| {
        parts.push((p.cluster.to_string(), p.services.len(), p.done, p.total));
    })
    .await
    .expect("loads");
    assert_eq!(
        parts,
        [
            ("payments-prod".to_string(), 12, 1, 2),
            ("search-staging".to_string(), 3, 2, 2)
        ]
    );
    let names = |v: &[ecsnap::model::Service]| -> Vec<String> {
        v.iter()
            .map(|s| format!("{}/{}", s.cluster, s.name))
            .collect()
    };
    assert_eq!(names(&progressive), names(&services));

    let err = ecsnap::load::load_services(&aws, Some("payments"))
        .await
        .expect_err("unknown cluster");
    assert_eq!(
        err.to_string(),
        "cluster `payments` not found in eu-west-1; did you mean: payments-prod?"
    );
}

// One fleet of odd answers from every service: one list reads better than several tests.
#[allow(
    clippy::too_many_lines,
    reason = "one table of odd AWS answers, each read back through the loaders"
)]
#[tokio::test]
async fn odd_aws_data_loads_without_panicking() {
    // Every optional field missing, an empty cluster, an image with no tags.
    let clusters = clusters_listed(&[
        "arn:aws:ecs:eu-west-1:1:cluster/odd",
        "arn:aws:ecs:eu-west-1:1:cluster/empty",
    ]);
    let list_services = mock!(aws_sdk_ecs::Client::list_services).then_compute_output(|r| {
        let mut out = aws_sdk_ecs::operation::list_services::ListServicesOutput::builder();
        if r.cluster() == Some("odd") {
            out = out.service_arns("arn:aws:ecs:eu-west-1:1:service/odd/bare");
        }
        out.build()
    });
    let describe = mock!(aws_sdk_ecs::Client::describe_services).then_output(|| {
        aws_sdk_ecs::operation::describe_services::DescribeServicesOutput::builder()
            .services(aws_sdk_ecs::types::Service::builder().build())
            .services(
                aws_sdk_ecs::types::Service::builder()
                    .deployments(aws_sdk_ecs::types::Deployment::builder().build())
                    .events(aws_sdk_ecs::types::ServiceEvent::builder().build())
                    .build(),
            )
            .build()
    });
    let volumes = mock!(aws_sdk_ec2::Client::describe_volumes).then_output(|| {
        DescribeVolumesOutput::builder()
            .volumes(aws_sdk_ec2::types::Volume::builder().build())
            .volumes(
                aws_sdk_ec2::types::Volume::builder()
                    .volume_id("vol-odd")
                    .state(aws_sdk_ec2::types::VolumeState::Available)
                    .tags(aws_sdk_ec2::types::Tag::builder().value("no key").build())
                    .build(),
            )
            .build()
    });
    let snapshots = mock!(aws_sdk_ec2::Client::describe_snapshots).then_output(|| {
        aws_sdk_ec2::operation::describe_snapshots::DescribeSnapshotsOutput::builder()
            .snapshots(aws_sdk_ec2::types::Snapshot::builder().build())
            .build()
    });
    let amis = mock!(aws_sdk_ec2::Client::describe_images).then_output(|| {
        aws_sdk_ec2::operation::describe_images::DescribeImagesOutput::builder()
            .images(
                aws_sdk_ec2::types::Image::builder()
                    .block_device_mappings(
                        aws_sdk_ec2::types::BlockDeviceMapping::builder().build(),
                    )
                    .build(),
            )
            .build()
    });
    let templates = mock!(aws_sdk_ec2::Client::describe_launch_templates).then_output(|| {
        aws_sdk_ec2::operation::describe_launch_templates::DescribeLaunchTemplatesOutput::builder()
            .build()
    });
    let sleep = InstantSleep::default();
    let aws = clients(
        ecs(&[&clusters, &list_services, &describe], &sleep),
        ecr(&[], &sleep),
        ec2(&[&volumes, &snapshots, &amis, &templates], &sleep),
    );
    let services = ecsnap::load::load_services(&aws, None)
        .await
        .expect("odd services load");
    assert_eq!(services.len(), 2);
    assert!(
        services
            .iter()
            .all(|s| s.name.is_empty() && s.desired_count == 0)
    );
    let settings = ecsnap::config::Settings::default();
    let report = ecsnap::load::load_orphans(
        &aws,
        &settings,
        None,
        ecsnap::analysis::orphans::OrphanFilter::default(),
        chrono::Utc::now(),
    )
    .await
    .expect("odd EC2 data loads");
    let ids: Vec<&str> = report
        .volumes
        .iter()
        .map(|v| v.volume.id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["vol-odd"],
        "the volume with no state is not called orphaned"
    );
    assert!(
        report.volumes[0].volume.tags.is_empty(),
        "a tag without a key is dropped"
    );
    assert_eq!(
        report.snapshots.len(),
        1,
        "a snapshot with no source volume is orphaned"
    );
    assert_eq!(
        report.snapshots[0].reason,
        "no source volume; no AMI uses it"
    );
}

/// In-use detection describes each task definition once; a later run reads the revision's
/// images from the on-disk cache and sends no DescribeTaskDefinition at all — and still sees
/// the sidecar image that only the definition names.
// Two runs over one seeded fleet, each step asserted in order: split, it reads worse.
#[allow(
    clippy::too_many_lines,
    reason = "a cold run then a warm one, with the calls of each counted"
)]
#[tokio::test]
async fn task_definitions_are_described_once_then_read_from_the_cache() {
    let td_arn = |family: &str, rev: u32| {
        format!("arn:aws:ecs:eu-west-1:111122223333:task-definition/{family}:{rev}")
    };
    let clusters = clusters_listed(&["arn:aws:ecs:eu-west-1:111122223333:cluster/prod"]);
    let list_services = mock!(aws_sdk_ecs::Client::list_services).then_output(|| {
        aws_sdk_ecs::operation::list_services::ListServicesOutput::builder()
            .service_arns("arn:aws:ecs:eu-west-1:111122223333:service/prod/api")
            .service_arns("arn:aws:ecs:eu-west-1:111122223333:service/prod/worker")
            .build()
    });
    let describe_services =
        mock!(aws_sdk_ecs::Client::describe_services).then_compute_output(move |r| {
            let mut out =
                aws_sdk_ecs::operation::describe_services::DescribeServicesOutput::builder();
            for arn in r.services() {
                let name = ecsnap::model::arn_name(arn);
                let current = td_arn(name, 3);
                out = out.services(
                    aws_sdk_ecs::types::Service::builder()
                        .service_arn(arn)
                        .service_name(name)
                        .cluster_arn("arn:aws:ecs:eu-west-1:111122223333:cluster/prod")
                        .status("ACTIVE")
                        .task_definition(&current)
                        .deployments(
                            aws_sdk_ecs::types::Deployment::builder()
                                .id(format!("ecs-svc/{name}"))
                                .status("PRIMARY")
                                .task_definition(&current)
                                .build(),
                        )
                        .build(),
                );
            }
            out.build()
        });
    let list_tasks = mock!(aws_sdk_ecs::Client::list_tasks)
        .then_output(|| aws_sdk_ecs::operation::list_tasks::ListTasksOutput::builder().build());
    let describe_td =
        mock!(aws_sdk_ecs::Client::describe_task_definition).then_compute_output(|r| {
            let arn = r.task_definition().unwrap_or_default().to_string();
            let family = ecsnap::model::arn_name(&arn)
                .split(':')
                .next()
                .unwrap_or_default()
                .to_string();
            let container = |name: &str, image: String| {
                aws_sdk_ecs::types::ContainerDefinition::builder()
                    .name(name)
                    .image(image)
                    .environment(
                        aws_sdk_ecs::types::KeyValuePair::builder()
                            .name("DB_PASSWORD")
                            .value("hunter2")
                            .build(),
                    )
                    .build()
            };
            let registry = "111122223333.dkr.ecr.eu-west-1.amazonaws.com";
            aws_sdk_ecs::operation::describe_task_definition::DescribeTaskDefinitionOutput::builder(
            )
            .task_definition(
                aws_sdk_ecs::types::TaskDefinition::builder()
                    .task_definition_arn(&arn)
                    .family(&family)
                    .revision(3)
                    .container_definitions(container(
                        "app",
                        format!("{registry}/ws:{family}-20261120T0815"),
                    ))
                    .container_definitions(container(
                        "sidecar",
                        format!("{registry}/agent:{family}-1"),
                    ))
                    .build(),
            )
            .build()
        });
    let rules = [
        &clusters,
        &list_services,
        &describe_services,
        &list_tasks,
        &describe_td,
    ];
    let sleep = InstantSleep::default();
    let mut aws = clients(ecs(&rules, &sleep), ecr(&[], &sleep), ec2(&[], &sleep));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("task-definitions.json");
    let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).expect("time");
    let image = |repository: &str, tag: &str| ecsnap::model::Image {
        repository: repository.into(),
        digest: format!("sha256:{tag}"),
        tags: vec![tag.into()],
        ..ecsnap::model::Image::default()
    };

    let mut seen = Vec::new();
    for run in 0..2 {
        // Each run opens the file afresh, as a new process would.
        aws.task_definitions = Some(Arc::new(ecsnap::cache::TaskDefinitionCache::open(
            path.clone(),
            now,
        )));
        let in_use = ecsnap::load::load_in_use(&aws).await.expect("loads");
        assert_eq!(
            describe_td.num_calls(),
            2,
            "run {run}: one DescribeTaskDefinition per definition, on the first run only"
        );
        seen.push(
            [
                image("ws", "api-20261120T0815"),
                image("agent", "worker-1"),
                image("ws", "bob-1"),
            ]
            .iter()
            .map(|i| in_use.image_in_use(i))
            .collect::<Vec<bool>>(),
        );
    }
    assert_eq!(seen, [[true, true, false], [true, true, false]]);
    let text = std::fs::read_to_string(&path).expect("cache written");
    assert!(
        !text.contains("hunter2") && !text.contains("DB_PASSWORD"),
        "environment values never reach the cache: {text}"
    );
}

#[tokio::test]
async fn enabled_regions_come_sorted_without_the_ones_not_opted_in() {
    use aws_sdk_ec2::operation::describe_regions::DescribeRegionsOutput;
    use aws_sdk_ec2::types::Region;
    let rule = mock!(aws_sdk_ec2::Client::describe_regions).then_output(|| {
        DescribeRegionsOutput::builder()
            .regions(
                Region::builder()
                    .region_name("us-east-1")
                    .opt_in_status("opt-in-not-required")
                    .build(),
            )
            .regions(
                Region::builder()
                    .region_name("af-south-1")
                    .opt_in_status("opted-in")
                    .build(),
            )
            .regions(
                Region::builder()
                    .region_name("me-south-1")
                    .opt_in_status("not-opted-in")
                    .build(),
            )
            .regions(Region::builder().region_name("eu-west-1").build())
            .build()
    });
    let adapter = ec2(&[&rule], &InstantSleep::default());
    let regions = adapter.enabled_regions().await.expect("regions");
    assert_eq!(regions, ["af-south-1", "eu-west-1", "us-east-1"]);
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn a_denied_region_list_names_ec2_describe_regions() {
    let body = "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not \
                authorized to perform this operation.</Message></Error></Errors><RequestID>r\
                </RequestID></Response>";
    let rule = mock!(aws_sdk_ec2::Client::describe_regions)
        .sequence()
        .http_status(403, Some(body.to_string()))
        .build();
    let adapter = ec2(&[&rule], &InstantSleep::default());
    let text = adapter
        .enabled_regions()
        .await
        .expect_err("denied")
        .to_string();
    assert_has(&text, "`ec2:DescribeRegions`");
}

/// The inventory describes each task definition a service (current or deployment) or a
/// live task runs — once, even when several name it, while the other clusters are still
/// being read — and none that only a stopped task ran.
#[allow(
    clippy::too_many_lines,
    reason = "one inventory and the calls it sends, counted per task definition"
)]
#[tokio::test]
async fn the_inventory_describes_every_task_definition_in_use_once() {
    let td = |name: &str| format!("arn:aws:ecs:eu-west-1:111122223333:task-definition/{name}");
    let cluster = |name: &str| format!("arn:aws:ecs:eu-west-1:111122223333:cluster/{name}");
    let clusters = mock!(aws_sdk_ecs::Client::list_clusters).then_output(move || {
        ListClustersOutput::builder()
            .cluster_arns(cluster("a"))
            .cluster_arns(cluster("b"))
            .build()
    });
    let list_services = mock!(aws_sdk_ecs::Client::list_services).then_compute_output(move |r| {
        let name = if r.cluster() == Some("a") {
            "api"
        } else {
            "worker"
        };
        aws_sdk_ecs::operation::list_services::ListServicesOutput::builder()
            .service_arns(format!(
                "arn:aws:ecs:eu-west-1:111122223333:service/{}/{name}",
                r.cluster().unwrap_or_default()
            ))
            .build()
    });
    let describe_services =
        mock!(aws_sdk_ecs::Client::describe_services).then_compute_output(move |r| {
            let in_a = r.cluster() == Some("a");
            // api rolls from :2 to :3; worker runs :1 (an older :0 task is still live).
            let (name, current, deployments) = if in_a {
                ("api", td("api:3"), vec![td("api:3"), td("api:2")])
            } else {
                ("worker", td("worker:1"), vec![td("worker:1")])
            };
            let mut service = aws_sdk_ecs::types::Service::builder()
                .service_arn(r.services()[0].clone())
                .service_name(name)
                .cluster_arn(cluster(r.cluster().unwrap_or_default()))
                .status("ACTIVE")
                .task_definition(current);
            for (i, arn) in deployments.into_iter().enumerate() {
                service = service.deployments(
                    aws_sdk_ecs::types::Deployment::builder()
                        .id(format!("ecs-svc/{name}-{i}"))
                        .status(if i == 0 { "PRIMARY" } else { "ACTIVE" })
                        .task_definition(arn)
                        .build(),
                );
            }
            aws_sdk_ecs::operation::describe_services::DescribeServicesOutput::builder()
                .services(service.build())
                .build()
        });
    let list_tasks = mock!(aws_sdk_ecs::Client::list_tasks).then_compute_output(|r| {
        let stopped = r.desired_status() == Some(&aws_sdk_ecs::types::DesiredStatus::Stopped);
        let ids: &[&str] = match (r.cluster(), stopped) {
            (Some("a"), false) => &["t1"],
            (Some("b"), false) => &["t2"],
            (Some("b"), true) => &["t3"],
            _ => &[],
        };
        let mut out = aws_sdk_ecs::operation::list_tasks::ListTasksOutput::builder();
        for id in ids {
            out = out.task_arns(format!("arn:aws:ecs:eu-west-1:111122223333:task/x/{id}"));
        }
        out.build()
    });
    let describe_tasks = mock!(aws_sdk_ecs::Client::describe_tasks).then_compute_output(move |r| {
        let mut out = aws_sdk_ecs::operation::describe_tasks::DescribeTasksOutput::builder();
        for arn in r.tasks() {
            let (definition, status, group) = match arn.rsplit('/').next() {
                Some("t1") => (td("api:3"), "RUNNING", "service:api"),
                Some("t2") => (td("worker:0"), "RUNNING", "service:worker"),
                _ => (td("old:9"), "STOPPED", "service:worker"),
            };
            out = out.tasks(
                aws_sdk_ecs::types::Task::builder()
                    .task_arn(arn)
                    .cluster_arn(cluster(r.cluster().unwrap_or_default()))
                    .task_definition_arn(definition)
                    .last_status(status)
                    .desired_status(status)
                    .group(group)
                    .build(),
            );
        }
        out.build()
    });
    let described: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = described.clone();
    let describe_td =
        mock!(aws_sdk_ecs::Client::describe_task_definition).then_compute_output(move |r| {
            let arn = r.task_definition().unwrap_or_default().to_string();
            seen.lock().expect("lock").push(arn.clone());
            aws_sdk_ecs::operation::describe_task_definition::DescribeTaskDefinitionOutput::builder(
            )
            .task_definition(
                aws_sdk_ecs::types::TaskDefinition::builder()
                    .task_definition_arn(&arn)
                    .container_definitions(
                        aws_sdk_ecs::types::ContainerDefinition::builder()
                            .name("app")
                            .image("111122223333.dkr.ecr.eu-west-1.amazonaws.com/ws:v1")
                            .build(),
                    )
                    .build(),
            )
            .build()
        });
    let repositories = no_repositories();
    let volumes = mock!(aws_sdk_ec2::Client::describe_volumes)
        .then_output(|| DescribeVolumesOutput::builder().build());
    let [snapshots, amis, templates] = no_other_ec2();
    let sleep = InstantSleep::default();
    let aws = clients(
        ecs(
            &[
                &clusters,
                &list_services,
                &describe_services,
                &list_tasks,
                &describe_tasks,
                &describe_td,
            ],
            &sleep,
        ),
        ecr(&[&repositories], &sleep),
        ec2(&[&volumes, &snapshots, &amis, &templates], &sleep),
    );
    let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).expect("time");
    let inventory = ecsnap::load::load_inventory_of(
        &aws,
        &ecsnap::config::Settings::default(),
        now,
        Some("111122223333".into()),
    )
    .await
    .expect("loads");
    assert_eq!(inventory.services.len(), 2);
    assert_eq!(inventory.tasks.len(), 3);
    let mut described = described.lock().expect("lock").clone();
    described.sort();
    assert_eq!(
        described,
        [td("api:2"), td("api:3"), td("worker:0"), td("worker:1")],
        "every revision a service or live task runs, once each; not the stopped task's"
    );
}
