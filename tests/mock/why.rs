//! Why a service is not steady (`services --json` `why`, the console's line under the
//! Services table): the stopped tasks are read for the services not steady only, their
//! failures counted by class with their exit code, ECS's verdict and the last event kept.

use aws_sdk_ecs::Client;
use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
use aws_sdk_ecs::operation::describe_tasks::DescribeTasksOutput;
use aws_sdk_ecs::operation::list_clusters::ListClustersOutput;
use aws_sdk_ecs::operation::list_services::ListServicesOutput;
use aws_sdk_ecs::operation::list_tasks::ListTasksOutput;
use aws_sdk_ecs::primitives::DateTime as SdkTime;
use aws_sdk_ecs::types::{
    Container, Deployment, DeploymentRolloutState, DesiredStatus, Service, ServiceEvent, Task,
};
use aws_smithy_mocks::{Rule, mock};
use chrono::{TimeZone, Utc};
use ecsnap::load;
use ecsnap::output::fleet::{Where, judged_services_json};

use crate::answers::failing;
use crate::mocked::clients;

const CLUSTER: &str = "arn:aws:ecs:us-east-1:123456789012:cluster/payments-prod";
/// The clock of the test: 03:00 UTC.
const NOW: i64 = 1_796_526_000;

fn service(name: &str, rollout: DeploymentRolloutState, running: i32) -> Service {
    Service::builder()
        .service_name(name)
        .service_arn(format!(
            "arn:aws:ecs:us-east-1:123456789012:service/payments-prod/{name}"
        ))
        .cluster_arn(CLUSTER)
        .status("ACTIVE")
        .task_definition(format!(
            "arn:aws:ecs:us-east-1:123456789012:task-definition/{name}:7"
        ))
        .desired_count(2)
        .running_count(running)
        .deployments(
            Deployment::builder()
                .id(format!("ecs-svc/{name}"))
                .status("PRIMARY")
                .desired_count(2)
                .running_count(running)
                .rollout_state(rollout)
                .rollout_state_reason("ECS deployment circuit breaker: tasks failed to start.")
                .created_at(SdkTime::from_secs(NOW - 3 * 3600))
                .build(),
        )
        .events(
            ServiceEvent::builder()
                .id("e1")
                .created_at(SdkTime::from_secs(NOW - 120))
                .message(format!("(service {name}) has started 1 tasks"))
                .build(),
        )
        .build()
}

fn stopped(id: &str, seconds_ago: i64, reason: &str, exit: Option<i32>) -> Task {
    Task::builder()
        .task_arn(format!(
            "arn:aws:ecs:us-east-1:123456789012:task/payments-prod/{id}"
        ))
        .cluster_arn(CLUSTER)
        .group("service:checkout")
        .last_status("STOPPED")
        .desired_status("STOPPED")
        .stopped_at(SdkTime::from_secs(NOW - seconds_ago))
        .stopped_reason(reason)
        .containers(Container::builder().name("app").set_exit_code(exit).build())
        .build()
}

/// ListClusters answering the one cluster, ListServices its services `names`.
fn services_listed(names: &'static [&'static str]) -> [Rule; 2] {
    let clusters = mock!(Client::list_clusters)
        .then_output(|| ListClustersOutput::builder().cluster_arns(CLUSTER).build());
    let services = mock!(Client::list_services).then_output(move || {
        let arns = names
            .iter()
            .map(|name| format!("arn:aws:ecs:us-east-1:123456789012:service/payments-prod/{name}"));
        ListServicesOutput::builder()
            .set_service_arns(Some(arns.collect()))
            .build()
    });
    [clusters, services]
}

#[tokio::test]
async fn only_the_failing_service_is_read_and_its_stops_are_counted_by_class() {
    let [clusters, services] = services_listed(&["checkout", "ledger"]);
    let described = mock!(Client::describe_services).then_output(|| {
        DescribeServicesOutput::builder()
            .services(service("checkout", DeploymentRolloutState::Failed, 0))
            .services(service("ledger", DeploymentRolloutState::Completed, 2))
            .build()
    });
    let listed = mock!(Client::list_tasks)
        .match_requests(|r| {
            r.service_name() == Some("checkout")
                && r.desired_status() == Some(&DesiredStatus::Stopped)
        })
        .then_output(|| {
            ListTasksOutput::builder()
                .task_arns("arn:aws:ecs:us-east-1:123456789012:task/payments-prod/a")
                .task_arns("arn:aws:ecs:us-east-1:123456789012:task/payments-prod/b")
                .task_arns("arn:aws:ecs:us-east-1:123456789012:task/payments-prod/c")
                .build()
        });
    let tasks = mock!(Client::describe_tasks).then_output(|| {
        DescribeTasksOutput::builder()
            .tasks(stopped(
                "a",
                240,
                "Essential container in task exited",
                Some(137),
            ))
            .tasks(stopped(
                "b",
                60,
                "Essential container in task exited",
                Some(137),
            ))
            .tasks(stopped(
                "c",
                30,
                "Scaling activity initiated by (deployment ecs-svc/checkout)",
                None,
            ))
            .build()
    });
    let aws = clients(
        &[&clusters, &services, &described, &listed, &tasks],
        &[],
        &[],
    );
    let now = Utc.timestamp_opt(NOW, 0).single().expect("valid time");
    let listing = load::load_services_listing(&aws, None, now, false)
        .await
        .expect("listing");
    assert_eq!(listing.services.len(), 2);
    assert_eq!(listed.num_calls(), 1, "the steady ledger costs no call");
    assert_eq!(tasks.num_calls(), 1);

    let json = serde_json::to_value(judged_services_json(
        &[(
            Where {
                account: "default".into(),
                account_id: Some("123456789012".into()),
                region: "us-east-1".into(),
            },
            listing,
        )],
        now,
    ))
    .expect("json");
    let by_name = |name: &str| {
        json.as_array()
            .expect("a list")
            .iter()
            .find(|s| s["service_name"] == name)
            .cloned()
            .expect("listed")
    };
    assert_oom_why(&by_name("checkout")["why"]);
    let ledger = by_name("ledger");
    assert!(ledger.get("why").is_some_and(serde_json::Value::is_null));
}

/// checkout's `why`: two out-of-memory stops (the scale-in is no failure), the verdict and
/// the last event.
fn assert_oom_why(why: &serde_json::Value) {
    assert_eq!(why["stopped"][0]["class"], "out_of_memory");
    assert_eq!(why["stopped"][0]["count"], 2);
    assert_eq!(why["stopped"][0]["exit_code"], 137);
    assert_eq!(why["stopped"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        why["verdict"],
        "ECS deployment circuit breaker: tasks failed to start."
    );
    assert_eq!(
        why["last_event"]["message"],
        "(service checkout) has started 1 tasks"
    );
    assert!(
        why["summary"]
            .as_str()
            .is_some_and(|s| s.starts_with("2 tasks out of memory (exit 137) in 4m")),
        "{why}"
    );
}

#[tokio::test]
async fn a_service_whose_tasks_cannot_be_read_says_so_in_its_why() {
    let [clusters, services] = services_listed(&["checkout"]);
    let described = mock!(Client::describe_services).then_output(|| {
        DescribeServicesOutput::builder()
            .services(service("checkout", DeploymentRolloutState::Failed, 0))
            .build()
    });
    let denied = failing!(
        Client::list_tasks,
        400,
        r#"{"__type":"AccessDeniedException","message":"User is not authorized to perform: ecs:ListTasks"}"#
    );
    let aws = clients(&[&clusters, &services, &described, &denied], &[], &[]);
    let now = Utc.timestamp_opt(NOW, 0).single().expect("valid time");
    let listing = load::load_services_listing(&aws, None, now, false)
        .await
        .expect("the services still list");
    let why = listing
        .whys
        .values()
        .next()
        .expect("judged without its tasks");
    assert!(why.stops.is_empty());
    let headline = why.headline(now);
    assert!(
        headline.starts_with("stopped tasks unreadable ("),
        "{headline}"
    );
    assert!(headline.contains("ecs:ListTasks"), "{headline}");
}
