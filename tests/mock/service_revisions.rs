//! Service revisions in the rollback picker against aws-smithy-mocks (moto has none): the
//! revisions of the deployment history offered with their diff against what runs,
//! including a tag pushed again since ("same tag, different digest"); a rollback to one
//! sends one UpdateService with its task definition *and* its managed EBS volume
//! configuration; pinning registers a copy with `image@sha256:…` first; read-only sends
//! nothing; denied and unsupported calls, and revisions ECS does not describe, say why.

use std::collections::HashMap;

use crate::answers::{UNKNOWN_OPERATION, clusters_listed, failing};
use crate::asserts::{assert_has, assert_has_all};
use crate::mocked::{MockAws, audited, no_retry_client, ok_actions, ok_entry};
use aws_sdk_ecr::operation::describe_images::DescribeImagesOutput;
use aws_sdk_ecs::operation::describe_service_deployments::DescribeServiceDeploymentsOutput;
use aws_sdk_ecs::operation::describe_service_revisions::DescribeServiceRevisionsOutput;
use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
use aws_sdk_ecs::operation::describe_task_definition::DescribeTaskDefinitionOutput;
use aws_sdk_ecs::operation::list_service_deployments::ListServiceDeploymentsOutput;
use aws_sdk_ecs::operation::register_task_definition::RegisterTaskDefinitionOutput;
use aws_sdk_ecs::operation::update_service::UpdateServiceOutput;
use aws_sdk_ecs::primitives::DateTime;
use aws_sdk_ecs::types as sdk;
use aws_smithy_mocks::{Rule, mock};
use ecsnap::aws::{AwsClients, CallContext, OpsClients};
use ecsnap::error::Error;
use ecsnap::ops::guard::ReadOnly;
use ecsnap::ops::rollback::{self, RollbackChange, RollbackTarget};
use ecsnap::ops::rollback_revision::{offer_for, why_unavailable};

const CLUSTER_ARN: &str = "arn:aws:ecs:eu-west-1:123456789012:cluster/payments";
const SERVICE_ARN: &str = "arn:aws:ecs:eu-west-1:123456789012:service/payments/api";
const REPO: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api";
const NOW: i64 = 1_796_990_400;
const DENIED: &str = r#"{"__type":"AccessDeniedException","message":"User: arn:aws:iam::123456789012:user/ana is not authorized to perform this action"}"#;

fn td(name: &str) -> String {
    format!("arn:aws:ecs:eu-west-1:123456789012:task-definition/{name}")
}

fn rev_arn(id: &str) -> String {
    format!("arn:aws:ecs:eu-west-1:123456789012:service-revision/payments/api/{id}")
}

/// The service: runs api:7 with volume `data` from snap-new.
fn service() -> sdk::Service {
    sdk::Service::builder()
        .service_arn(SERVICE_ARN)
        .cluster_arn(CLUSTER_ARN)
        .service_name("api")
        .status("ACTIVE")
        .task_definition(td("api:7"))
        .deployments(
            sdk::Deployment::builder()
                .id("ecs-svc/7")
                .status("PRIMARY")
                .task_definition(td("api:7"))
                .volume_configurations(volume("snap-new"))
                .build(),
        )
        .build()
}

fn volume(snapshot: &str) -> sdk::ServiceVolumeConfiguration {
    sdk::ServiceVolumeConfiguration::builder()
        .name("data")
        .managed_ebs_volume(
            sdk::ServiceManagedEbsVolumeConfiguration::builder()
                .snapshot_id(snapshot)
                .size_in_gib(20)
                .role_arn("arn:aws:iam::123456789012:role/ecs-infra")
                .build()
                .expect("role arn"),
        )
        .build()
        .expect("name")
}

/// Revision `id`: task definition `api:N`, image `api:TAG` resolved to `digest`, volume
/// `data` from `snapshot`.
fn revision(id: &str, n: u32, tag: &str, digest: &str, snapshot: &str) -> sdk::ServiceRevision {
    sdk::ServiceRevision::builder()
        .service_revision_arn(rev_arn(id))
        .service_arn(SERVICE_ARN)
        .cluster_arn(CLUSTER_ARN)
        .task_definition(td(&format!("api:{n}")))
        .container_images(
            sdk::ContainerImage::builder()
                .container_name("app")
                .image(format!("{REPO}:{tag}"))
                .image_digest(digest)
                .build(),
        )
        .volume_configurations(volume(snapshot))
        .load_balancers(
            sdk::LoadBalancer::builder()
                .target_group_arn("arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/api/1")
                .container_name("app")
                .container_port(8080)
                .build(),
        )
        .build()
}

fn revisions() -> HashMap<String, sdk::ServiceRevision> {
    [
        revision("r2", 7, "v2", "sha256:cccccccccccccccc", "snap-new"),
        revision("r1", 6, "v1", "sha256:aaaaaaaaaaaaaaaa", "snap-old"),
        revision("r0", 5, "v0", "sha256:0000000000000000", "snap-0"),
    ]
    .into_iter()
    .map(|r| (r.service_revision_arn().unwrap_or_default().to_string(), r))
    .collect()
}

/// d2 (newest): r1 → r2; d1: r0 → r1.
fn deployment(id: &str, from: &str, to: &str, age: i64) -> sdk::ServiceDeployment {
    sdk::ServiceDeployment::builder()
        .service_deployment_arn(format!("{SERVICE_ARN}/{id}"))
        .service_arn(SERVICE_ARN)
        .cluster_arn(CLUSTER_ARN)
        .status(sdk::ServiceDeploymentStatus::Successful)
        .created_at(DateTime::from_secs(NOW - age))
        .source_service_revisions(
            sdk::ServiceRevisionSummary::builder()
                .arn(rev_arn(from))
                .build(),
        )
        .target_service_revision(
            sdk::ServiceRevisionSummary::builder()
                .arn(rev_arn(to))
                .build(),
        )
        .build()
}

/// The ECS reads: the cluster, the service, its history and its revisions (`described`:
/// whether DescribeServiceRevisions answers them or reports them all as failures).
fn reads(described: bool) -> Vec<Rule> {
    let clusters = clusters_listed(&[CLUSTER_ARN]);
    let services = mock!(aws_sdk_ecs::Client::describe_services).then_output(|| {
        DescribeServicesOutput::builder()
            .services(service())
            .build()
    });
    let list = mock!(aws_sdk_ecs::Client::list_service_deployments).then_output(|| {
        ListServiceDeploymentsOutput::builder()
            .service_deployments(
                sdk::ServiceDeploymentBrief::builder()
                    .service_deployment_arn(format!("{SERVICE_ARN}/d2"))
                    .build(),
            )
            .service_deployments(
                sdk::ServiceDeploymentBrief::builder()
                    .service_deployment_arn(format!("{SERVICE_ARN}/d1"))
                    .build(),
            )
            .build()
    });
    let describe = mock!(aws_sdk_ecs::Client::describe_service_deployments).then_output(|| {
        DescribeServiceDeploymentsOutput::builder()
            .service_deployments(deployment("d1", "r0", "r1", 3600))
            .service_deployments(deployment("d2", "r1", "r2", 60))
            .build()
    });
    let revs = mock!(aws_sdk_ecs::Client::describe_service_revisions)
        .match_requests(|r| r.service_revision_arns().len() <= 20)
        .then_compute_output(move |r| {
            let known = revisions();
            let mut out = DescribeServiceRevisionsOutput::builder();
            for arn in r.service_revision_arns() {
                out = match known.get(arn) {
                    Some(rev) if described => out.service_revisions(rev.clone()),
                    _ => out.failures(sdk::Failure::builder().arn(arn).reason("MISSING").build()),
                };
            }
            out.build()
        });
    vec![clusters, services, list, describe, revs]
}

/// ECR: `api:v1` was pushed again (now bbbb…); v2 and v0 point where they did.
fn ecr_images() -> Rule {
    mock!(aws_sdk_ecr::Client::describe_images).then_output(|| {
        let image = |tag: &str, digest: &str| {
            aws_sdk_ecr::types::ImageDetail::builder()
                .repository_name("api")
                .image_tags(tag)
                .image_digest(digest)
                .build()
        };
        DescribeImagesOutput::builder()
            .image_details(image("v2", "sha256:cccccccccccccccc"))
            .image_details(image("v1", "sha256:bbbbbbbbbbbbbbbb"))
            .image_details(image("v0", "sha256:0000000000000000"))
            .build()
    })
}

fn place(ecs: &[&Rule], ecr: &[&Rule]) -> (AwsClients, OpsClients) {
    MockAws {
        ecs: no_retry_client!(aws_sdk_ecs, ecs.iter().copied()),
        ecr: no_retry_client!(aws_sdk_ecr, ecr.iter().copied()),
        ctx: CallContext {
            region: "eu-west-1".into(),
            endpoint: None,
            profile: None,
        },
        ..MockAws::in_region("eu-west-1")
    }
    .clients_and_ops()
}

/// The one-line description of each change, in order.
pub(crate) fn change_lines(changes: &[ecsnap::analysis::diff::FieldChange]) -> Vec<String> {
    changes
        .iter()
        .map(ecsnap::analysis::diff::FieldChange::line)
        .collect()
}

#[tokio::test]
async fn the_revisions_of_the_history_are_offered_with_their_diff_and_a_moved_tag() {
    let ecs = reads(true);
    let ecr = ecr_images();
    let rules: Vec<&Rule> = ecs.iter().collect();
    let (aws, _) = place(&rules, &[&ecr]);
    let choices = offer_for(&aws, "payments", "api").await.expect("offered");
    let ids: Vec<&str> = choices
        .iter()
        .map(ecsnap::ops::rollback_revision::RevisionChoice::id)
        .collect();
    assert_eq!(ids, ["r2", "r1", "r0"], "newest deployment first");
    assert!(choices[0].current, "r2 is what runs");
    assert!(!choices[1].current && !choices[2].current);
    let r1 = &choices[1];
    assert_eq!(r1.moved.len(), 1, "{:?}", r1.moved);
    assert_eq!(r1.moved[0].tag, "v1");
    assert_eq!(
        r1.moved[0].pinned(),
        format!("{REPO}@sha256:aaaaaaaaaaaaaaaa")
    );
    assert!(choices[2].moved.is_empty(), "v0 points where it did");
    let lines = change_lines(&r1.changes);
    assert_eq!(
        lines,
        [
            "task_definition: api:7 → api:6",
            "app image: api:v2@sha256:cccccccccccc → api:v1@sha256:aaaaaaaaaaaa",
            "app tag pushed again v1: ran sha256:aaaaaaaaaaaa → now sha256:bbbbbbbbbbbb",
            "snapshot_id data: snap-new → snap-old",
        ]
    );
    // One ListServiceDeployments, one DescribeServiceDeployments, one
    // DescribeServiceRevisions for the three revisions, one ECR listing: no
    // DescribeTaskDefinition at all.
    assert_eq!(ecs[2].num_calls(), 1);
    assert_eq!(ecs[3].num_calls(), 1);
    assert_eq!(ecs[4].num_calls(), 1);
    assert_eq!(ecr.num_calls(), 1);
}

/// Revision `n` of task definition family `api`.
fn api_revision(n: i32) -> sdk::builders::TaskDefinitionBuilder {
    sdk::TaskDefinition::builder()
        .family("api")
        .revision(n)
        .task_definition_arn(td(&format!("api:{n}")))
}

/// The rollback plan of payments/api to service revision `which`, pinning digests or not.
async fn plan_revision(
    aws: &AwsClients,
    which: &str,
    pin: bool,
) -> ecsnap::Result<rollback::RollbackPlan> {
    let target = RollbackTarget::ServiceRevision {
        which: which.into(),
        pin,
    };
    rollback::plan(aws, "payments", "api", &target).await
}

/// Both sides' clients over the history's reads (`reads(true)`) and `extra` ECS rules,
/// ECR answering by `ecr`.
fn history_place(ecr: &Rule, extra: &[&Rule]) -> (AwsClients, OpsClients) {
    let ecs = reads(true);
    let mut rules: Vec<&Rule> = ecs.iter().collect();
    rules.extend(extra);
    place(&rules, &[ecr])
}

/// UpdateService must carry `task_definition` and volume `data` from `snapshot`.
fn update_rule(task_definition: &'static str, snapshot: &'static str) -> Rule {
    mock!(aws_sdk_ecs::Client::update_service)
        .match_requests(move |r| {
            r.task_definition() == Some(task_definition)
                && r.volume_configurations().len() == 1
                && r.volume_configurations()[0]
                    .managed_ebs_volume()
                    .and_then(|v| v.snapshot_id())
                    == Some(snapshot)
        })
        .then_output(|| UpdateServiceOutput::builder().service(service()).build())
}

#[tokio::test]
async fn a_rollback_restores_the_task_definition_and_the_volume_in_one_update() {
    let ecr = ecr_images();
    let td6: &'static str = Box::leak(td("api:6").into_boxed_str());
    let update = update_rule(td6, "snap-old");
    let register = mock!(aws_sdk_ecs::Client::register_task_definition)
        .then_output(|| RegisterTaskDefinitionOutput::builder().build());
    let (aws, ops) = history_place(&ecr, &[&update, &register]);
    let plan = plan_revision(&aws, "1", false).await.expect("planned");
    let RollbackChange::ServiceRevision(r) = &plan.change else {
        panic!("a service-revision rollback: {plan:?}");
    };
    assert_eq!(r.revision_arn, rev_arn("r1"));
    // The plan says the tag moved and offers to pin.
    assert_has_all(
        &plan.summary(),
        &[
            "volume data from snapshot snap-new -> snap-old",
            "tag v1 was pushed again",
            "--pin-digests",
        ],
    );
    // Read-only: refused before any request.
    let (m, _dir, _log) = audited(ops.clone(), Some(ReadOnly("read-only mode is on".into())));
    let err = rollback::execute(&m, &plan).await.expect_err("read-only");
    assert!(matches!(err, Error::Refused(_)), "{err:?}");
    assert_eq!(err.exit_code(), ecsnap::error::exit::REFUSED);
    assert_eq!(update.num_calls(), 0);
    // Sent: one UpdateService with both, no registration.
    let (m, _dir, log) = audited(ops, None);
    let started = rollback::execute(&m, &plan).await.expect("sent");
    assert_eq!(started.task_definition, td6);
    assert_eq!(update.num_calls(), 1);
    assert_eq!(register.num_calls(), 0);
    let done = ok_entry(&log, "ecs:UpdateService");
    let detail = done.detail.as_deref().unwrap_or_default();
    assert_has(detail, "volume data from snapshot snap-old");
}

#[tokio::test]
async fn pinning_registers_a_copy_with_the_digest_the_revision_ran() {
    let ecr = ecr_images();
    let describe_td = mock!(aws_sdk_ecs::Client::describe_task_definition)
        .match_requests(|r| r.task_definition() == Some(td("api:6").as_str()))
        .then_output(|| {
            DescribeTaskDefinitionOutput::builder()
                .task_definition(
                    api_revision(6)
                        .container_definitions(
                            sdk::ContainerDefinition::builder()
                                .name("app")
                                .image(format!("{REPO}:v1"))
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
    let pinned = format!("{REPO}@sha256:aaaaaaaaaaaaaaaa");
    let register = mock!(aws_sdk_ecs::Client::register_task_definition)
        .match_requests(move |r| {
            r.family() == Some("api")
                && r.container_definitions()
                    .iter()
                    .any(|c| c.image() == Some(pinned.as_str()))
        })
        .then_output(|| {
            RegisterTaskDefinitionOutput::builder()
                .task_definition(api_revision(8).build())
                .build()
        });
    let td8: &'static str = Box::leak(td("api:8").into_boxed_str());
    let update = update_rule(td8, "snap-old");
    let (aws, ops) = history_place(&ecr, &[&describe_td, &register, &update]);
    let plan = plan_revision(&aws, &rev_arn("r1"), true)
        .await
        .expect("planned");
    assert!(
        plan.summary()
            .contains("pinned: registers a copy with api@sha256:aaaaaaaaaaaa"),
        "{}",
        plan.summary()
    );
    let json = ecsnap::output::actions::RolloutJson::rollback(&plan, true);
    assert_eq!(
        json.pinned_images,
        [format!("{REPO}@sha256:aaaaaaaaaaaaaaaa")]
    );
    assert_eq!(
        json.service_revision_arn.as_deref(),
        Some(rev_arn("r1").as_str())
    );
    assert!(
        json.task_definition.is_none(),
        "a new revision is registered"
    );
    let (m, _dir, log) = audited(ops, None);
    let started = rollback::execute(&m, &plan).await.expect("sent");
    assert_eq!(register.num_calls(), 1, "one registration with the digest");
    assert_eq!(
        update.num_calls(),
        1,
        "then one UpdateService to it, with the volume"
    );
    assert_eq!(started.task_definition, td8);
    assert_eq!(
        ok_actions(&log),
        ["ecs:RegisterTaskDefinition", "ecs:UpdateService"]
    );
}

#[tokio::test]
async fn what_runs_is_refused_and_an_unknown_revision_lists_the_ones_there_are() {
    let ecr = ecr_images();
    let (aws, _) = history_place(&ecr, &[]);
    let err = plan_revision(&aws, "r2", false)
        .await
        .expect_err("runs already");
    assert!(
        err.to_string().contains("already runs service revision r2"),
        "{err}"
    );
    let err = plan_revision(&aws, "7", false).await.expect_err("no 7th");
    assert!(err.to_string().contains("1 (r1), 2 (r0)"), "{err}");
}

#[tokio::test]
async fn denied_unsupported_or_undescribed_revisions_say_why() {
    // ListServiceDeployments denied: the line names the IAM action.
    let ecs = reads(true);
    // The reads with `first` in place of their ListServiceDeployments answer (the third).
    let instead = |first| {
        let mut rules: Vec<&Rule> = vec![first];
        rules.extend(
            ecs.iter()
                .enumerate()
                .filter(|(i, _)| *i != 2)
                .map(|(_, r)| r),
        );
        place(&rules, &[]).0
    };
    let denied = failing!(aws_sdk_ecs::Client::list_service_deployments, 400, DENIED);
    let aws = instead(&denied);
    let err = offer_for(&aws, "payments", "api")
        .await
        .expect_err("denied");
    let why = why_unavailable(&err);
    assert_has_all(
        &why,
        &[
            "ecs:ListServiceDeployments",
            "task-definition revisions only",
        ],
    );
    // An endpoint without the operation.
    let unknown = failing!(
        aws_sdk_ecs::Client::list_service_deployments,
        400,
        UNKNOWN_OPERATION
    );
    let aws = instead(&unknown);
    let err = offer_for(&aws, "payments", "api")
        .await
        .expect_err("unsupported");
    assert!(why_unavailable(&err).contains("2024-10-25"), "{err}");
    // Revisions ECS does not describe (deployments before 2024-10-25).
    let ecs = reads(false);
    let rules: Vec<&Rule> = ecs.iter().collect();
    let (aws, _) = place(&rules, &[]);
    let err = offer_for(&aws, "payments", "api").await.expect_err("none");
    assert!(why_unavailable(&err).contains("since 2024-10-25"), "{err}");
}

/// ECR: the digest r1 ran (aaaa…, its tag v1 pushed again since) went to ECR archive.
fn ecr_images_r1_archived() -> Rule {
    mock!(aws_sdk_ecr::Client::describe_images).then_output(|| {
        let image = |tag: Option<&str>, digest: &str, status: &str| {
            aws_sdk_ecr::types::ImageDetail::builder()
                .repository_name("api")
                .set_image_tags(tag.map(|t| vec![t.to_string()]))
                .image_digest(digest)
                .image_status(aws_sdk_ecr::types::ImageStatus::from(status))
                .build()
        };
        DescribeImagesOutput::builder()
            .image_details(image(Some("v2"), "sha256:cccccccccccccccc", "ACTIVE"))
            .image_details(image(Some("v1"), "sha256:bbbbbbbbbbbbbbbb", "ACTIVE"))
            .image_details(image(None, "sha256:aaaaaaaaaaaaaaaa", "ARCHIVED"))
            .image_details(image(Some("v0"), "sha256:0000000000000000", "ACTIVE"))
            .build()
    })
}

#[tokio::test]
async fn a_revision_whose_image_is_archived_is_refused_with_the_restore_offered() {
    let ecr = ecr_images_r1_archived();
    let td6: &'static str = Box::leak(td("api:6").into_boxed_str());
    let update = update_rule(td6, "snap-old");
    let (aws, _ops) = history_place(&ecr, &[&update]);
    let choices = offer_for(&aws, "payments", "api").await.expect("offered");
    let archived = choices[1]
        .archived
        .as_ref()
        .expect("r1's image is archived");
    assert_eq!(archived.repository, "api");
    assert_eq!(
        archived.reference, "sha256:aaaaaaaaaaaaaaaa",
        "the digest it ran"
    );
    assert!(choices[0].archived.is_none() && choices[2].archived.is_none());
    let err = plan_revision(&aws, "1", false).await.expect_err("refused");
    assert!(matches!(err, Error::Refused(_)), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("api:sha256:aaaaaaaaaaaaaaaa is in ECR archive")
            && text.contains("ecsnap restore-image --repository api"),
        "{text}"
    );
    assert_eq!(update.num_calls(), 0, "nothing was sent");
}
