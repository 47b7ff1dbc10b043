//! In-use detection from service revisions against aws-smithy-mocks: where
//! DescribeServiceRevisions answers, a service's images come from its current revisions (20
//! per call) instead of one DescribeTaskDefinition per revision; where it is denied or
//! unknown, one failed call per place and the task-definition path as before. Either way
//! the image a service runs is protected and a cleanup never plans it. The call counts of
//! a first run at 10 and 1,000 services are the figures in docs/performance.md ("In-use
//! images from service revisions").

use crate::mocked::{MockAws, no_retry_client, no_rules, skip_reasons};
use crate::safety::{plan_images, workspaces_ecr};
use aws_sdk_ecs::operation::describe_service_revisions::DescribeServiceRevisionsOutput;
use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
use aws_sdk_ecs::operation::describe_task_definition::DescribeTaskDefinitionOutput;
use aws_sdk_ecs::operation::list_clusters::ListClustersOutput;
use aws_sdk_ecs::operation::list_services::ListServicesOutput;
use aws_sdk_ecs::operation::list_tasks::ListTasksOutput;
use aws_sdk_ecs::types as sdk;
use aws_smithy_mocks::{Rule, mock};
use ecsnap::aws::AwsClients;
use ecsnap::config::Settings;
use ecsnap::model::Image;
use ecsnap::ops::cleanup;

const REGISTRY: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
const ARN: &str = "arn:aws:ecs:us-east-1:123456789012";

/// How the place answers DescribeServiceRevisions.
#[derive(Clone, Copy, PartialEq)]
enum Revisions {
    Answered,
    Denied,
    /// An older endpoint: `UnknownOperationException`.
    Unknown,
}

fn td(name: &str, rev: u32) -> String {
    format!("{ARN}:task-definition/{name}:{rev}")
}

fn revision_arn(cluster: &str, name: &str) -> String {
    format!("{ARN}:service-revision/{cluster}/{name}/r1")
}

/// The image a service's definition names: `studio:3` runs alice's oldest tag (`a1` in
/// `workspaces_ecr`), `studio:4` pins `a2` by digest, any other `svcN:1` its own tag
/// (`app:svcN-1`).
fn image_of(task_definition: &str) -> String {
    if task_definition.ends_with("/studio:3") {
        format!("{REGISTRY}/ws:alice-20261101T0800")
    } else if task_definition.ends_with("/studio:4") {
        format!("{REGISTRY}/ws@sha256:a2")
    } else {
        let name = task_definition.rsplit('/').next().unwrap_or_default();
        format!("{REGISTRY}/app:{}", name.replace(':', "-"))
    }
}

/// The rules of one ECS place: `clusters`, each with `per_cluster` services (`svcN`, each
/// running `svcN:1`, its current revision naming it), or the one service `studio` when
/// `per_cluster` is 0: its current revision runs `studio:3` while a deployment of
/// `studio:4` starts (no revision of it is current yet). Pages of 100 services.
struct Place {
    list_clusters: Rule,
    list_services: Rule,
    describe_services: Rule,
    list_tasks: Rule,
    describe_task_definition: Rule,
    describe_service_revisions: Rule,
}

impl Place {
    fn new(clusters: &[&'static str], per_cluster: usize, revisions: Revisions) -> Self {
        let names: Vec<String> = clusters
            .iter()
            .map(|c| format!("{ARN}:cluster/{c}"))
            .collect();
        let list_clusters = mock!(aws_sdk_ecs::Client::list_clusters).then_output(move || {
            ListClustersOutput::builder()
                .set_cluster_arns(Some(names.clone()))
                .build()
        });
        let list_services = list_services_rule(per_cluster);
        let describe_services = describe_services_rule();
        let list_tasks = mock!(aws_sdk_ecs::Client::list_tasks)
            .then_output(|| ListTasksOutput::builder().build());
        let describe_task_definition = describe_task_definition_rule();
        let describe_service_revisions = describe_service_revisions_rule(revisions);
        Self {
            list_clusters,
            list_services,
            describe_services,
            list_tasks,
            describe_task_definition,
            describe_service_revisions,
        }
    }

    fn clients(&self, ecr: aws_sdk_ecr::Client) -> AwsClients {
        let rules = [
            &self.list_clusters,
            &self.list_services,
            &self.describe_services,
            &self.list_tasks,
            &self.describe_task_definition,
            &self.describe_service_revisions,
        ];
        MockAws {
            ecs: no_retry_client!(aws_sdk_ecs, rules),
            ecr,
            ec2: no_retry_client!(aws_sdk_ec2, no_rules()),
            ..MockAws::default()
        }
        .clients_and_ops()
        .0
    }

    /// ECS calls by operation, in the order of the docs' table.
    fn calls(&self) -> [usize; 6] {
        [
            self.list_clusters.num_calls(),
            self.list_services.num_calls(),
            self.describe_services.num_calls(),
            self.list_tasks.num_calls(),
            self.describe_service_revisions.num_calls(),
            self.describe_task_definition.num_calls(),
        ]
    }
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-30T12:00:00Z")
        .expect("time")
        .to_utc()
}

fn ws(digest: &str) -> Image {
    Image {
        repository: "ws".into(),
        digest: digest.into(),
        ..Image::default()
    }
}

/// The image cleanup plan of the `studio` place (no rollback targets kept, so only being
/// in use keeps `a1` and `a2`, alice's two oldest images).
async fn plan_studio(aws: &AwsClients) -> cleanup::CleanupPlan {
    let settings = Settings {
        keep_revisions: 0,
        ..Settings::default()
    };
    plan_images(aws, &settings).await.expect("plans")
}

#[tokio::test]
async fn the_image_a_service_runs_is_protected_from_its_revisions() {
    let place = Place::new(&["c1"], 0, Revisions::Answered);
    let aws = place.clients(no_retry_client!(aws_sdk_ecr, no_rules()));
    let in_use = ecsnap::load::load_in_use(&aws).await.expect("in use");
    assert!(
        in_use.image_in_use(&ws("sha256:a1")),
        "studio:3's digest, from its revision"
    );
    assert!(in_use.image_in_use(&ws("sha256:a2")), "studio:4, described");
    assert_eq!(place.describe_service_revisions.num_calls(), 1);
    assert_eq!(
        place.describe_task_definition.num_calls(),
        1,
        "only studio:4, which no current revision covers, is described"
    );
    let aws = place.clients(workspaces_ecr());
    let plan = plan_studio(&aws).await;
    let ids: Vec<&str> = plan.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["ws@sha256:a3"], "a1 and a2 run: never planned");
    let skipped: Vec<(&str, &str)> = skip_reasons(&plan.skipped);
    assert!(
        skipped
            .iter()
            .any(|(id, why)| *id == "ws@sha256:a1" && why.contains("in use")),
        "{skipped:?}"
    );
}

#[tokio::test]
async fn denied_or_unknown_revisions_fall_back_to_task_definitions_and_still_protect() {
    for refused in [Revisions::Denied, Revisions::Unknown] {
        let place = Place::new(&["c1"], 0, refused);
        let aws = place.clients(workspaces_ecr());
        let plan = plan_studio(&aws).await;
        let ids: Vec<&str> = plan.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["ws@sha256:a3"], "a1 and a2 run: never planned");
        assert_eq!(place.describe_service_revisions.num_calls(), 1);
        assert_eq!(
            place.describe_task_definition.num_calls(),
            2,
            "studio:3 and studio:4 described"
        );
        // The refusal is remembered for the run: the next plan asks nothing of it.
        let again = plan_studio(&aws).await;
        assert_eq!(again.items.len(), 1);
        assert_eq!(
            place.describe_service_revisions.num_calls(),
            1,
            "asked once a run"
        );
    }
}

#[tokio::test]
async fn a_denied_place_is_asked_once_however_many_ask_at_once() {
    let place = Place::new(&["c1"], 0, Revisions::Denied);
    let aws = place.clients(no_retry_client!(aws_sdk_ecr, no_rules()));
    // Four clusters' services arriving together, 45 revisions each (three batches).
    let arns = |c: usize| -> Vec<String> {
        (0..45)
            .map(|i| revision_arn(&format!("c{c}"), &format!("svc{i:04}")))
            .collect()
    };
    let (one, two, three, four) = (arns(1), arns(2), arns(3), arns(4));
    let answers = futures::join!(
        aws.ecs.describe_service_revisions(&one),
        aws.ecs.describe_service_revisions(&two),
        aws.ecs.describe_service_revisions(&three),
        aws.ecs.describe_service_revisions(&four),
    );
    for answer in [answers.0, answers.1, answers.2, answers.3] {
        let e = answer.expect_err("denied");
        assert!(
            e.to_string().contains("ecs:DescribeServiceRevisions"),
            "{e}"
        );
    }
    assert_eq!(
        place.describe_service_revisions.num_calls(),
        1,
        "one failed call"
    );
}

#[tokio::test]
async fn what_the_revisions_said_is_cached_and_the_next_run_asks_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("task-definitions.json");
    let cached = |aws: &mut AwsClients| {
        aws.task_definitions = Some(std::sync::Arc::new(
            ecsnap::cache::TaskDefinitionCache::open(path.clone(), now()),
        ));
    };
    let first = Place::new(&["c1"], 10, Revisions::Answered);
    let mut aws = first.clients(no_retry_client!(aws_sdk_ecr, no_rules()));
    cached(&mut aws);
    ecsnap::load::load_in_use(&aws).await.expect("in use");
    assert_eq!(first.calls()[4..], [1, 0], "one DescribeServiceRevisions");
    // The next run (a new process: new clients, the cache read back from disk).
    let next = Place::new(&["c1"], 10, Revisions::Answered);
    let mut aws = next.clients(no_retry_client!(aws_sdk_ecr, no_rules()));
    cached(&mut aws);
    let in_use = ecsnap::load::load_in_use(&aws).await.expect("in use");
    assert_eq!(
        next.calls()[4..],
        [0, 0],
        "every definition known: nothing asked"
    );
    let pinned = Image {
        repository: "app".into(),
        digest: "sha256:a1".into(),
        ..Image::default()
    };
    assert!(
        in_use.image_in_use(&pinned),
        "the digest pin came back from the cache"
    );
}

/// A first run's ECS calls (nothing cached) reading what is in use, at `services`
/// services in one cluster: (with revisions, revisions denied).
async fn first_run_calls(services: usize) -> ([usize; 6], [usize; 6]) {
    let mut out = Vec::new();
    for revisions in [Revisions::Answered, Revisions::Denied] {
        let place = Place::new(&["c1"], services, revisions);
        let aws = place.clients(no_retry_client!(aws_sdk_ecr, no_rules()));
        let in_use = ecsnap::load::load_in_use(&aws).await.expect("in use");
        assert!(!in_use.is_empty());
        out.push(place.calls());
    }
    (out[0], out[1])
}

#[tokio::test]
async fn a_first_run_describes_revisions_20_at_a_time_instead_of_each_definition() {
    // [ListClusters, ListServices, DescribeServices, ListTasks, DescribeServiceRevisions,
    //  DescribeTaskDefinition]
    assert_eq!(
        first_run_calls(10).await,
        ([1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 10])
    );
    assert_eq!(
        first_run_calls(1000).await,
        ([1, 10, 100, 1, 50, 0], [1, 10, 100, 1, 1, 1000])
    );
}

/// ListServices: `per_cluster` services `svcN`, or `studio` alone; pages of 100.
fn list_services_rule(per_cluster: usize) -> Rule {
    mock!(aws_sdk_ecs::Client::list_services).then_compute_output(move |r| {
        let cluster = r.cluster().unwrap_or_default().to_string();
        let services: Vec<String> = if per_cluster == 0 {
            vec!["studio".into()]
        } else {
            (0..per_cluster).map(|i| format!("svc{i:04}")).collect()
        };
        let from: usize = r.next_token().and_then(|t| t.parse().ok()).unwrap_or(0);
        let page = services.iter().skip(from).take(100);
        let mut out = ListServicesOutput::builder().set_service_arns(Some(
            page.map(|s| format!("{ARN}:service/{cluster}/{s}"))
                .collect(),
        ));
        if from + 100 < services.len() {
            out = out.next_token((from + 100).to_string());
        }
        out.build()
    })
}

/// DescribeServices: each service asked, with its current revision.
fn describe_services_rule() -> Rule {
    mock!(aws_sdk_ecs::Client::describe_services).then_compute_output(|r| {
        let cluster = r.cluster().unwrap_or_default().to_string();
        let services = r.services().iter().map(|arn| {
            let name = arn.rsplit('/').next().unwrap_or_default();
            let running = if name == "studio" {
                td(name, 3)
            } else {
                td(name, 1)
            };
            let mut s = sdk::Service::builder()
                .service_name(name)
                .cluster_arn(format!("{ARN}:cluster/{cluster}"))
                .status("ACTIVE")
                .current_service_revisions(
                    sdk::ServiceCurrentRevisionSummary::builder()
                        .arn(revision_arn(&cluster, name))
                        .build(),
                );
            if name == "studio" {
                s = s
                    .task_definition(td(name, 4))
                    .deployments(
                        sdk::Deployment::builder()
                            .status("PRIMARY")
                            .task_definition(td(name, 4))
                            .build(),
                    )
                    .deployments(
                        sdk::Deployment::builder()
                            .status("ACTIVE")
                            .task_definition(running)
                            .build(),
                    );
            } else {
                s = s.task_definition(running.clone()).deployments(
                    sdk::Deployment::builder()
                        .status("PRIMARY")
                        .task_definition(running)
                        .build(),
                );
            }
            s.build()
        });
        DescribeServicesOutput::builder()
            .set_services(Some(services.collect()))
            .build()
    })
}

/// DescribeTaskDefinition: the definition asked, its one container running `image_of`.
fn describe_task_definition_rule() -> Rule {
    mock!(aws_sdk_ecs::Client::describe_task_definition).then_compute_output(|r| {
        let arn = r.task_definition().unwrap_or_default().to_string();
        DescribeTaskDefinitionOutput::builder()
            .task_definition(
                sdk::TaskDefinition::builder()
                    .task_definition_arn(&arn)
                    .container_definitions(
                        sdk::ContainerDefinition::builder()
                            .name("app")
                            .image(image_of(&arn))
                            .build(),
                    )
                    .build(),
            )
            .build()
    })
}

/// DescribeServiceRevisions as the place answers it.
fn describe_service_revisions_rule(revisions: Revisions) -> Rule {
    match revisions {
        Revisions::Answered => mock!(aws_sdk_ecs::Client::describe_service_revisions)
            .then_compute_output(|r| {
                let found = r.service_revision_arns().iter().map(|arn| {
                    // …:service-revision/CLUSTER/NAME/r1
                    let mut parts = arn.rsplit('/').skip(1);
                    let name = parts.next().unwrap_or_default();
                    let definition = if name == "studio" {
                        td(name, 3)
                    } else {
                        td(name, 1)
                    };
                    sdk::ServiceRevision::builder()
                        .service_revision_arn(arn)
                        .task_definition(&definition)
                        .container_images(
                            sdk::ContainerImage::builder()
                                .container_name("app")
                                .image(image_of(&definition))
                                .image_digest("sha256:a1")
                                .build(),
                        )
                        .build()
                });
                DescribeServiceRevisionsOutput::builder()
                    .set_service_revisions(Some(found.collect()))
                    .build()
            }),
        refused => {
            let body = if refused == Revisions::Denied {
                r#"{"__type":"AccessDeniedException","message":"not authorized to perform: ecs:DescribeServiceRevisions"}"#
            } else {
                r#"{"__type":"UnknownOperationException"}"#
            };
            mock!(aws_sdk_ecs::Client::describe_service_revisions)
                .sequence()
                .http_status(400, Some(body.to_string()))
                .repeatedly()
                .build()
        }
    }
}
