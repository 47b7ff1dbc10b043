//! The weekly report over many places at once (aws-smithy-mocks, a fake clock): one place
//! is throttled (ListClusters answers ThrottlingException three times), one is refused
//! (AccessDenied), one account could not be connected at all. Every other place is read
//! whole and never waits — its clients never back off, since each place's clients keep
//! their adaptive-retry state apart (`aws::place_retry_partition`) — the throttled place
//! is read whole after its retries, and the report lists the two failures by place.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_ecs::config::SharedAsyncSleep;
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use ecsnap::aws::fleet::{FleetTarget, Place, PlaceFailure};
use ecsnap::aws::{
    AwsClients, CallContext, Ec2Adapter, EcrAdapter, EcsAdapter, LogsAdapter,
    place_retry_partition, retry_config,
};
use ecsnap::config::{Marks, Settings};
use ecsnap::model::CallerIdentity;

use crate::instant_sleep::InstantSleep;
use crate::mocked::{FixedIdentity, MockAws, no_alarms};

/// A fake clock per place (`InstantSleep`: sleeping returns at once, moves the clock and
/// is counted).
type FakeClock = InstantSleep;

/// What the place's clients were asked to wait, sorted.
fn slept(clock: &FakeClock) -> Vec<Duration> {
    let mut v = clock.slept.lock().map(|v| v.clone()).unwrap_or_default();
    v.sort();
    v
}

const REGION: &str = "eu-west-1";
const THROTTLED: &str = r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;
const DENIED: &str = r#"{"__type":"AccessDeniedException","message":"User: arn:aws:sts::000000000007:assumed-role/ecsnap-read/ecsnap is not authorized to perform: ecs:ListClusters"}"#;

/// A client of `$krate` as each place's are built: the adaptive retries, its own retry
/// partition, and the place's fake clock.
macro_rules! place_client {
    ($krate:ident, $name:literal, $clock:expr, $rules:expr) => {{
        let clock = $clock.clone();
        mock_client!($krate, RuleMode::MatchAny, $rules, move |c| c
            .retry_config(retry_config())
            .retry_partition(place_retry_partition($name, REGION))
            .region($krate::config::Region::new(REGION))
            .sleep_impl(SharedAsyncSleep::new(clock.clone()))
            .time_source(clock.clone()))
    }};
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Mode {
    Answers,
    Throttled,
    Denied,
}

/// One place of the fleet: account `n` holds one cluster of three services and one
/// volume; its ECS rules (so a test can count its calls) and its clock come back too.
pub(crate) struct MockPlace {
    pub(crate) target: FleetTarget,
    pub(crate) list_clusters: Rule,
    clock: FakeClock,
}

pub(crate) fn account_id(n: usize) -> String {
    format!("{n:012}")
}

#[allow(
    clippy::too_many_lines,
    reason = "one place's every answer, read top to bottom: ECS, ECR, EC2, then the clients"
)]
pub(crate) fn mock_place(n: usize, mode: Mode) -> MockPlace {
    let id = account_id(n);
    let cluster_arn = format!("arn:aws:ecs:{REGION}:{id}:cluster/c{n}");
    let listed = {
        let cluster_arn = cluster_arn.clone();
        move || {
            aws_sdk_ecs::operation::list_clusters::ListClustersOutput::builder()
                .cluster_arns(cluster_arn.clone())
                .build()
        }
    };
    let list_clusters = match mode {
        Mode::Answers => mock!(aws_sdk_ecs::Client::list_clusters).then_output(listed),
        Mode::Throttled => mock!(aws_sdk_ecs::Client::list_clusters)
            .sequence()
            .http_status(400, Some(THROTTLED.to_string()))
            .times(3)
            .output(listed)
            .build(),
        Mode::Denied => mock!(aws_sdk_ecs::Client::list_clusters)
            .sequence()
            .http_status(400, Some(DENIED.to_string()))
            .repeatedly()
            .build(),
    };
    let list_services = {
        let id = id.clone();
        mock!(aws_sdk_ecs::Client::list_services).then_output(move || {
            let mut out = aws_sdk_ecs::operation::list_services::ListServicesOutput::builder();
            for s in ["api", "web", "worker"] {
                out = out.service_arns(format!("arn:aws:ecs:{REGION}:{id}:service/c{n}/{s}"));
            }
            out.build()
        })
    };
    let describe_services = {
        let (id, cluster_arn) = (id.clone(), cluster_arn.clone());
        mock!(aws_sdk_ecs::Client::describe_services).then_compute_output(move |r| {
            let mut out =
                aws_sdk_ecs::operation::describe_services::DescribeServicesOutput::builder();
            for arn in r.services() {
                let name = arn.rsplit('/').next().unwrap_or(arn);
                out = out.services(
                    aws_sdk_ecs::types::Service::builder()
                        .service_arn(arn)
                        .service_name(name)
                        .cluster_arn(&cluster_arn)
                        .status("ACTIVE")
                        .desired_count(1)
                        .running_count(1)
                        .task_definition(format!(
                            "arn:aws:ecs:{REGION}:{id}:task-definition/{name}:1"
                        ))
                        .build(),
                );
            }
            out.build()
        })
    };
    // The report looks for deployments awaiting action among services still deploying
    // (these have no deployment on record): none here.
    let list_deployments = mock!(aws_sdk_ecs::Client::list_service_deployments).then_output(|| {
        aws_sdk_ecs::operation::list_service_deployments::ListServiceDeploymentsOutput::builder()
            .build()
    });
    // The console's Services listing also asks each service's newest revisions: none here.
    let list_revisions = mock!(aws_sdk_ecs::Client::list_task_definitions).then_output(|| {
        aws_sdk_ecs::operation::list_task_definitions::ListTaskDefinitionsOutput::builder().build()
    });
    let list_tasks = mock!(aws_sdk_ecs::Client::list_tasks)
        .then_output(|| aws_sdk_ecs::operation::list_tasks::ListTasksOutput::builder().build());
    let describe_td =
        mock!(aws_sdk_ecs::Client::describe_task_definition).then_compute_output(|r| {
            aws_sdk_ecs::operation::describe_task_definition::DescribeTaskDefinitionOutput::builder(
            )
            .task_definition(
                aws_sdk_ecs::types::TaskDefinition::builder()
                    .task_definition_arn(r.task_definition().unwrap_or_default())
                    .container_definitions(
                        aws_sdk_ecs::types::ContainerDefinition::builder()
                            .name("app")
                            .image("public.ecr.aws/nginx/nginx:1")
                            .build(),
                    )
                    .build(),
            )
            .build()
        });
    let repositories = mock!(aws_sdk_ecr::Client::describe_repositories).then_output(|| {
        aws_sdk_ecr::operation::describe_repositories::DescribeRepositoriesOutput::builder().build()
    });
    let volumes = mock!(aws_sdk_ec2::Client::describe_volumes).then_output(move || {
        aws_sdk_ec2::operation::describe_volumes::DescribeVolumesOutput::builder()
            .volumes(
                aws_sdk_ec2::types::Volume::builder()
                    .volume_id(format!("vol-{n:017x}"))
                    .size(8)
                    .state(aws_sdk_ec2::types::VolumeState::Available)
                    .create_time(aws_sdk_ec2::primitives::DateTime::from_secs(1_700_000_000))
                    .build(),
            )
            .build()
    });
    let snapshots = mock!(aws_sdk_ec2::Client::describe_snapshots).then_output(|| {
        aws_sdk_ec2::operation::describe_snapshots::DescribeSnapshotsOutput::builder().build()
    });
    let amis = mock!(aws_sdk_ec2::Client::describe_images).then_output(|| {
        aws_sdk_ec2::operation::describe_images::DescribeImagesOutput::builder().build()
    });
    let templates = mock!(aws_sdk_ec2::Client::describe_launch_templates).then_output(|| {
        aws_sdk_ec2::operation::describe_launch_templates::DescribeLaunchTemplatesOutput::builder()
            .build()
    });
    let clock = FakeClock::default();
    let ctx = CallContext {
        region: REGION.into(),
        endpoint: None,
        profile: None,
    };
    let ecs = place_client!(
        aws_sdk_ecs,
        "ecs",
        clock,
        [
            &list_clusters,
            &list_services,
            &describe_services,
            &list_tasks,
            &describe_td,
            &list_deployments,
            &list_revisions
        ]
    );
    let ecr = place_client!(aws_sdk_ecr, "ecr", clock, [&repositories]);
    let ec2 = place_client!(
        aws_sdk_ec2,
        "ec2",
        clock,
        [&volumes, &snapshots, &amis, &templates]
    );
    let logs = place_client!(aws_sdk_cloudwatchlogs, "logs", clock, [] as [&Rule; 0]);
    let identity = CallerIdentity {
        account: id.clone(),
        arn: format!("arn:aws:sts::{id}:assumed-role/ecsnap-read/ecsnap"),
    };
    // The console's listings also read the place's alarms: none here.
    let (idle, ops) = MockAws {
        cloudwatch: no_alarms(),
        ..MockAws::in_region(REGION)
    }
    .clients_and_ops();
    let aws = AwsClients {
        ecs: Arc::new(EcsAdapter::new(ecs, ctx.clone())),
        ecr: Arc::new(EcrAdapter::new(ecr, ctx.clone())),
        ec2: Arc::new(Ec2Adapter::new(ec2, ctx.clone())),
        sts: Arc::new(FixedIdentity(identity.clone())),
        logs: Arc::new(LogsAdapter::new(logs, ctx)),
        cloudwatch: idle.cloudwatch,
        elb: idle.elb,
        rbin: idle.rbin,
        region: REGION.into(),
        endpoint: None,
        task_definitions: None,
    };
    MockPlace {
        target: FleetTarget {
            place: Place {
                account: format!("acct-{n:03}"),
                account_id: id,
                region: REGION.into(),
                marks: Marks::default(),
            },
            aws,
            ops,
            identity,
            profile: None,
        },
        list_clusters,
        clock,
    }
}

/// An account whose role could not be assumed, as connecting names it.
pub(crate) fn lost_account() -> PlaceFailure {
    PlaceFailure {
        account: "acct-lost".into(),
        account_id: None,
        region: None,
        error: "the role arn:aws:iam::999999999999:role/ecsnap-read could not be assumed \
                (sts:AssumeRole): connection refused"
            .into(),
    }
}

/// How many of the report's services are account `n`'s.
pub(crate) fn services_of(services: &[serde_json::Value], n: usize) -> usize {
    let id = account_id(n);
    services
        .iter()
        .filter(|s| s["account_id"].as_str() == Some(&id))
        .count()
}

const PLACES: usize = 24;
const THROTTLED_PLACE: usize = 5;
const DENIED_PLACE: usize = 17;

#[tokio::test]
async fn a_throttled_place_slows_alone_and_a_refused_one_is_listed_while_the_rest_complete() {
    let places: Vec<MockPlace> = (0..PLACES)
        .map(|n| {
            let mode = match n {
                THROTTLED_PLACE => Mode::Throttled,
                DENIED_PLACE => Mode::Denied,
                _ => Mode::Answers,
            };
            mock_place(n, mode)
        })
        .collect();
    let targets: Vec<FleetTarget> = places.iter().map(|p| p.target.clone()).collect();
    let unreachable = vec![lost_account()];
    let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).expect("time");
    let (report, failures) =
        ecsnap::commands::report::load_report(&targets, &unreachable, &Settings::default(), now)
            .await;

    // Every place that answered is in the report, whole: three services each (the
    // throttled one too, after its retries), and its volume among the orphans.
    let report = serde_json::to_value(&report).expect("json");
    let services = report["services"].as_array().expect("services");
    for n in (0..PLACES).filter(|n| *n != DENIED_PLACE) {
        assert_eq!(services_of(services, n), 3, "place {n}'s services");
    }
    assert_eq!(services.len(), 3 * (PLACES - 1));
    assert!(
        services
            .iter()
            .all(|s| s["account_id"].as_str() != Some(&account_id(DENIED_PLACE)))
    );
    let volumes = report["orphans"]["volumes"].as_array().expect("volumes");
    assert_eq!(volumes.len(), PLACES, "every place's EC2 read answered");

    // The report lists the refused place (naming the IAM action) and the lost account.
    let listed: Vec<(String, Option<String>)> = report["failures"]
        .as_array()
        .expect("failures")
        .iter()
        .map(|f| {
            (
                f["account"].as_str().unwrap_or_default().to_string(),
                f["region"].as_str().map(str::to_string),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("acct-lost".to_string(), None),
            (format!("acct-{DENIED_PLACE:03}"), Some(REGION.to_string())),
        ]
    );
    let denied = failures
        .iter()
        .find(|f| f.account == format!("acct-{DENIED_PLACE:03}"))
        .expect("the refused place");
    assert!(
        denied.error.contains("ecs:ListClusters"),
        "{}",
        denied.error
    );

    // The throttled place asked 4 times and backed off; every other place's clock was
    // asked for exactly what a quiet place's is (its calls' timeouts), nothing more: no
    // place waited for another's throttling.
    assert_eq!(places[THROTTLED_PLACE].list_clusters.num_calls(), 4);
    let quiet = slept(&places[0].clock);
    let backoffs = slept(&places[THROTTLED_PLACE].clock);
    assert!(
        backoffs.len() >= quiet.len() + 3,
        "backed off before each retry: {backoffs:?} against {quiet:?}"
    );
    for (n, p) in places.iter().enumerate() {
        if n == THROTTLED_PLACE || n == DENIED_PLACE {
            continue;
        }
        assert_eq!(slept(&p.clock), quiet, "place {n} waited only for itself");
        assert_eq!(
            p.list_clusters.num_calls(),
            1,
            "place {n}: one ListClusters"
        );
    }
}
