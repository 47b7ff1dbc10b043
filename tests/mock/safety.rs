//! Cleanup safety against aws-smithy-mocks: images that older task-definition revisions
//! (rollback targets) still reference are kept, and a denied read of the revisions stops
//! the plan; an interrupt during a bulk delete lets what is in flight finish and be
//! recorded (audit intent + result) while nothing new starts; an audit log that cannot be
//! written sends nothing.

use crate::answers::clusters_listed;
use crate::asserts::assert_has;
use std::sync::Arc;

use crate::cleanup::{audit_lines, available, execute_plan, paired, volume_plan};
use crate::mocked::{MockAws, audited, no_retry_client, no_rules, skip_reasons};
use aws_sdk_ec2::operation::delete_volume::DeleteVolumeOutput;
use aws_sdk_ecr::operation::describe_images::DescribeImagesOutput;
use aws_sdk_ecr::operation::describe_repositories::DescribeRepositoriesOutput;
use aws_sdk_ecr::types::{ImageDetail, Repository};
use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
use aws_sdk_ecs::operation::describe_task_definition::DescribeTaskDefinitionOutput;
use aws_sdk_ecs::operation::list_services::ListServicesOutput;
use aws_sdk_ecs::operation::list_task_definitions::ListTaskDefinitionsOutput;
use aws_sdk_ecs::operation::list_tasks::ListTasksOutput;
use aws_sdk_ecs::types::{ContainerDefinition, Deployment, TaskDefinition};
use aws_smithy_mocks::{Rule, mock};
use ecsnap::aws::{AwsClients, OpsClients};
use ecsnap::config::Settings;
use ecsnap::model::ResourceKind;
use ecsnap::ops::audit::unanswered;
use ecsnap::ops::audit::{Actor, AuditLog, read_entries};
use ecsnap::ops::cleanup::{self, CleanupPlan, ExecuteOptions, ItemResult, ItemStatus};
use ecsnap::ops::guard::Mutator;
use ecsnap::ops::interrupt::{Interrupt, NOT_STARTED};

fn clients(
    ecs: aws_sdk_ecs::Client,
    ecr: aws_sdk_ecr::Client,
    ec2: aws_sdk_ec2::Client,
) -> (AwsClients, OpsClients) {
    MockAws {
        ecs,
        ecr,
        ec2,
        ..MockAws::default()
    }
    .clients_and_ops()
}

const REGISTRY: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
const TD: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition";
const DENIED: &str = r#"{"__type":"AccessDeniedException","message":"User is not authorized to perform: ecs:ListTaskDefinitions"}"#;

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-30T12:00:00Z")
        .expect("time")
        .to_utc()
}

/// ECS with one ACTIVE service `studio` running `studio:3`; revisions 3, 2, 1 of the
/// family use alice's tags `…T0930` (newest), `20261101T0800` (the oldest) and a digest pin.
fn studio_ecs(deny_revisions: bool) -> (aws_sdk_ecs::Client, Vec<Rule>) {
    let image_of = |rev: &str| -> String {
        match rev {
            "3" => format!("{REGISTRY}/ws:alice-20261122T0930"),
            "2" => format!("{REGISTRY}/ws:alice-20261101T0800"),
            _ => format!("{REGISTRY}/ws@sha256:a2"),
        }
    };
    let mut rules = vec![
        clusters_listed(&["arn:aws:ecs:us-east-1:123456789012:cluster/c1"]),
        mock!(aws_sdk_ecs::Client::list_services).then_output(|| {
            ListServicesOutput::builder()
                .service_arns("arn:aws:ecs:us-east-1:123456789012:service/c1/studio")
                .build()
        }),
        mock!(aws_sdk_ecs::Client::describe_services).then_output(|| {
            DescribeServicesOutput::builder()
                .services(
                    aws_sdk_ecs::types::Service::builder()
                        .service_name("studio")
                        .cluster_arn("arn:aws:ecs:us-east-1:123456789012:cluster/c1")
                        .status("ACTIVE")
                        .task_definition(format!("{TD}/studio:3"))
                        .deployments(
                            Deployment::builder()
                                .status("PRIMARY")
                                .task_definition(format!("{TD}/studio:3"))
                                .build(),
                        )
                        .build(),
                )
                .build()
        }),
        mock!(aws_sdk_ecs::Client::list_tasks).then_output(|| ListTasksOutput::builder().build()),
    ];
    for rev in ["1", "2", "3"] {
        let image = image_of(rev);
        rules.push(
            mock!(aws_sdk_ecs::Client::describe_task_definition)
                .match_requests(move |r| {
                    r.task_definition()
                        .is_some_and(|t| t.ends_with(&format!("studio:{rev}")))
                })
                .then_output(move || {
                    DescribeTaskDefinitionOutput::builder()
                        .task_definition(
                            TaskDefinition::builder()
                                .task_definition_arn(format!("{TD}/studio:{rev}"))
                                .family("studio")
                                .revision(rev.parse().unwrap_or_default())
                                .container_definitions(
                                    ContainerDefinition::builder()
                                        .name("app")
                                        .image(image.clone())
                                        .build(),
                                )
                                .build(),
                        )
                        .build()
                }),
        );
    }
    // Last, so the tests can count its calls.
    rules.push(if deny_revisions {
        mock!(aws_sdk_ecs::Client::list_task_definitions)
            .sequence()
            .http_status(400, Some(DENIED.to_string()))
            .repeatedly()
            .build()
    } else {
        mock!(aws_sdk_ecs::Client::list_task_definitions).then_output(|| {
            ListTaskDefinitionsOutput::builder()
                .task_definition_arns(format!("{TD}/studio:1"))
                .task_definition_arns(format!("{TD}/studio:2"))
                .task_definition_arns(format!("{TD}/studio:3"))
                .build()
        })
    });
    let refs: Vec<&Rule> = rules.iter().collect();
    (no_retry_client!(aws_sdk_ecs, &refs), rules)
}

/// Alice's six snapshot tags in `ws` (one image each), plus `alice-latest` on the newest.
pub(crate) fn workspaces_ecr() -> aws_sdk_ecr::Client {
    let repos = mock!(aws_sdk_ecr::Client::describe_repositories).then_output(|| {
        DescribeRepositoriesOutput::builder()
            .repositories(Repository::builder().repository_name("ws").build())
            .build()
    });
    let images = mock!(aws_sdk_ecr::Client::describe_images).then_output(|| {
        let detail = |digest: &str, tags: &[&str]| {
            let mut d = ImageDetail::builder()
                .repository_name("ws")
                .image_digest(digest)
                .image_size_in_bytes(1_073_741_824);
            for t in tags {
                d = d.image_tags(*t);
            }
            d.build()
        };
        DescribeImagesOutput::builder()
            .image_details(detail("sha256:a1", &["alice-20261101T0800"]))
            .image_details(detail("sha256:a2", &["alice-20261102T0800"]))
            .image_details(detail("sha256:a3", &["alice-20261103T0800"]))
            .image_details(detail("sha256:a4", &["alice-20261120T0800"]))
            .image_details(detail("sha256:a5", &["alice-20261121T0800"]))
            .image_details(detail(
                "sha256:a6",
                &["alice-20261122T0930", "alice-latest"],
            ))
            .build()
    });
    no_retry_client!(aws_sdk_ecr, &[&repos, &images])
}

/// The studio's ECS (`studio_ecs`) and workspaces ECR, and the ECS rules to count calls.
fn studio_clients(deny_revisions: bool) -> (AwsClients, Vec<Rule>) {
    let (ecs, rules) = studio_ecs(deny_revisions);
    let (aws, _ops) = clients(
        ecs,
        workspaces_ecr(),
        no_retry_client!(aws_sdk_ec2, no_rules()),
    );
    (aws, rules)
}

/// The image cleanup plan, as `cleanup --images` makes it (no account, no filter).
pub(crate) async fn plan_images(
    aws: &AwsClients,
    settings: &Settings,
) -> ecsnap::error::Result<CleanupPlan> {
    cleanup::plan(
        cleanup::PlanContext::new(aws, settings, None, now()),
        ResourceKind::Image,
        ecsnap::analysis::orphans::OrphanFilter::default(),
        false,
    )
    .await
}

#[tokio::test]
async fn images_of_older_revisions_are_kept_as_rollback_targets() {
    let (aws, _rules) = studio_clients(false);
    let settings = Settings::default();
    let plan = plan_images(&aws, &settings).await.expect("plans");
    // Newest 3 kept (a4..a6); of a1..a3, a1 is studio:2's tag and a2 studio:1's digest pin.
    let ids: Vec<&str> = plan.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["ws@sha256:a3"]);
    let skipped: Vec<(&str, &str)> = skip_reasons(&plan.skipped);
    assert_eq!(
        skipped,
        [
            ("ws@sha256:a1", "rollback target: studio:2"),
            ("ws@sha256:a2", "rollback target: studio:1"),
        ]
    );
    // With two revisions kept, studio:1's pin is no longer a target.
    let settings = Settings {
        keep_revisions: 2,
        ..Settings::default()
    };
    let plan = plan_images(&aws, &settings).await.expect("plans");
    let ids: Vec<&str> = plan.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["ws@sha256:a2", "ws@sha256:a3"]);
}

#[tokio::test]
async fn a_denied_revision_listing_stops_the_plan_and_names_the_permission() {
    let (aws, rules) = studio_clients(true);
    let err = plan_images(&aws, &Settings::default())
        .await
        .expect_err("an incomplete picture plans nothing");
    let text = err.to_string();
    assert_has(&text, "`ecs:ListTaskDefinitions`");
    assert_has(&text, "denied");
    assert!(rules.last().is_some_and(|r| r.num_calls() >= 1));
}

const VOLUMES: [&str; 4] = ["vol-1", "vol-2", "vol-3", "vol-4"];

fn described() -> Rule {
    mock!(aws_sdk_ec2::Client::describe_volumes).then_output(|| available(&VOLUMES))
}

/// Clients where EC2 describes the volumes (`described`) and answers DeleteVolume with
/// `deletes`; ECS and ECR answer nothing.
fn deleting(deletes: &[&Rule]) -> (AwsClients, OpsClients) {
    let described = described();
    let mut ec2: Vec<&Rule> = vec![&described];
    ec2.extend(deletes);
    clients(
        no_retry_client!(aws_sdk_ecs, no_rules()),
        no_retry_client!(aws_sdk_ecr, no_rules()),
        no_retry_client!(aws_sdk_ec2, ec2),
    )
}

#[tokio::test]
async fn an_interrupt_lets_the_request_in_flight_finish_and_starts_nothing_new() {
    let interrupt = Interrupt::new();
    // The first delete is in flight when the interrupt comes (AWS is answering it).
    let first = {
        let interrupt = interrupt.clone();
        mock!(aws_sdk_ec2::Client::delete_volume)
            .match_requests(|r| r.volume_id() == Some("vol-1"))
            .then_output(move || {
                assert_eq!(interrupt.in_flight(), 1, "vol-1 counts as in flight");
                assert!(interrupt.trigger(), "the first interrupt");
                DeleteVolumeOutput::builder().build()
            })
    };
    let others = mock!(aws_sdk_ec2::Client::delete_volume)
        .match_requests(|r| r.volume_id() != Some("vol-1"))
        .then_output(|| DeleteVolumeOutput::builder().build());
    let (aws, ops) = deleting(&[&first, &others]);
    let (mutator, _dir, log) = audited(ops, None);
    let mutator = mutator.with_interrupt(interrupt.clone());
    let opts = ExecuteOptions {
        concurrency: 1,
        interrupt: interrupt.clone(),
        ..ExecuteOptions::default()
    };
    let mut heard = Vec::new();
    let results = execute_plan(
        &aws,
        &mutator,
        &volume_plan(&VOLUMES),
        &opts,
        &mut |r: &ItemResult| heard.push(r.id.clone()),
    )
    .await;
    let got: Vec<(&str, ItemStatus, &str)> = results
        .iter()
        .map(|r| (r.id.as_str(), r.status, r.detail.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        got,
        [
            ("vol-1", ItemStatus::Done, ""),
            ("vol-2", ItemStatus::Skipped, NOT_STARTED),
            ("vol-3", ItemStatus::Skipped, NOT_STARTED),
            ("vol-4", ItemStatus::Skipped, NOT_STARTED),
        ]
    );
    assert_eq!(heard.len(), 4, "every resource is reported");
    assert_eq!(first.num_calls(), 1);
    assert_eq!(others.num_calls(), 0, "nothing started after the interrupt");
    assert_eq!(interrupt.in_flight(), 0);
    assert!(!interrupt.is_mutating(), "the mutation phase ended");
    // The audit log has the intent and the result of the one request sent, paired.
    assert_eq!(audit_lines(&log), paired(&[("vol-1", "ok")]));
    let entries = read_entries(&log).expect("audit");
    assert_eq!(entries[0].op, entries[1].op);
    assert!(entries[0].op.is_some());
    assert!(unanswered(&entries).is_empty());
}

#[tokio::test]
async fn an_unwritable_audit_log_sends_nothing() {
    // /dev/full opens for writing and fails every write: the log that cannot be written.
    let audit = AuditLog::open(std::path::Path::new("/dev/full"))
        .expect("/dev/full opens (every write to it fails with ENOSPC)");
    let delete = mock!(aws_sdk_ec2::Client::delete_volume)
        .then_output(|| DeleteVolumeOutput::builder().build());
    let (aws, ops) = deleting(&[&delete]);
    let mutator = Mutator::new(ops, None, Arc::new(audit), Actor::default());
    let results = execute_plan(
        &aws,
        &mutator,
        &volume_plan(&["vol-1", "vol-2"]),
        &ExecuteOptions::default(),
        &mut |_: &ItemResult| {},
    )
    .await;
    assert_eq!(delete.num_calls(), 0, "no intent line, no request");
    for r in &results {
        assert_eq!(r.status, ItemStatus::Failed, "{r:?}");
        let detail = r.detail.as_deref().unwrap_or_default();
        assert!(
            detail.contains("audit log") && detail.contains("nothing was sent"),
            "{detail}"
        );
    }
}

#[tokio::test]
async fn an_interrupt_before_the_first_delete_sends_nothing() {
    let delete = mock!(aws_sdk_ec2::Client::delete_volume)
        .then_output(|| DeleteVolumeOutput::builder().build());
    let (aws, ops) = deleting(&[&delete]);
    let interrupt = Interrupt::new();
    interrupt.trigger();
    // Only the Mutator knows the interrupt: it refuses, and execute reports "not started".
    let (mutator, _dir, log) = audited(ops, None);
    let mutator = mutator.with_interrupt(interrupt);
    let results = execute_plan(
        &aws,
        &mutator,
        &volume_plan(&VOLUMES),
        &ExecuteOptions::default(),
        &mut |_: &ItemResult| {},
    )
    .await;
    assert!(
        results
            .iter()
            .all(|r| r.status == ItemStatus::Skipped && r.detail.as_deref() == Some(NOT_STARTED)),
        "{results:?}"
    );
    assert_eq!(delete.num_calls(), 0);
    assert!(read_entries(&log).expect("audit").is_empty());
}
