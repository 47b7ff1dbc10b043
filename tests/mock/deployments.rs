//! Service deployments and revisions against aws-smithy-mocks (moto implements none of
//! them): the history newest first with every status, pagination of
//! ListServiceDeployments, the describes batched at 20, a hook awaiting action and one
//! expired, ROLLBACK_FAILED followed to the end, AccessDenied naming each IAM action, an
//! endpoint without the operations answering `Unsupported`, and StopServiceDeployment /
//! ContinueServiceDeployment sent with the right fields — or not at all in read-only mode
//! and when nothing is in flight (the mocks count the requests).

use crate::asserts::assert_has;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::answers::{
    clusters_listed, failing, in_turn, no_service_deployments_operation, service_deployments_page,
};
use crate::mocked::{MockAws, audited, no_retry_client, ok_actions, ok_entry};
use aws_sdk_ecs::operation::continue_service_deployment::ContinueServiceDeploymentOutput;
use aws_sdk_ecs::operation::describe_service_deployments::DescribeServiceDeploymentsOutput;
use aws_sdk_ecs::operation::describe_service_revisions::DescribeServiceRevisionsOutput;
use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
use aws_sdk_ecs::operation::list_service_deployments::ListServiceDeploymentsOutput;
use aws_sdk_ecs::operation::stop_service_deployment::StopServiceDeploymentOutput;
use aws_sdk_ecs::primitives::DateTime;
use aws_sdk_ecs::types as sdk;
use aws_smithy_mocks::{Rule, mock};
use ecsnap::analysis::deployments::{FollowVerdict, Goal};
use ecsnap::aws::{AwsClients, CallContext, OpsClients, is_unsupported};
use ecsnap::error::{AwsErrorKind, Error, exit};
use ecsnap::load::load_deployment_history;
use ecsnap::model::{LifecycleHookAction, ServiceDeploymentStatus};
use ecsnap::ops::audit::read_entries;
use ecsnap::ops::guard::ReadOnly;
use ecsnap::ops::wait::FakeClock;
use ecsnap::ops::{continue_deployment, follow_deployment, stop_deployment};
use ecsnap::tui::run::deployment_action::send_and_follow;
use ecsnap::tui::state::deployment_action::EcsAct;
use ecsnap::tui::state::msg::DialogAnswer;

const CLUSTER_ARN: &str = "arn:aws:ecs:eu-west-1:123456789012:cluster/payments";
const SERVICE_ARN: &str = "arn:aws:ecs:eu-west-1:123456789012:service/payments/api";
/// 2026-12-06T12:00:00Z: the plans' `now`.
const NOW: i64 = 1_796_990_400;

fn deployment_arn(id: &str) -> String {
    format!("arn:aws:ecs:eu-west-1:123456789012:service-deployment/payments/api/{id}")
}

fn revision_arn(id: &str) -> String {
    format!("arn:aws:ecs:eu-west-1:123456789012:service-revision/payments/api/{id}")
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(NOW, 0).expect("valid")
}

/// A deployment `id` from revision r-`id`-old to r-`id`, created `age` seconds before NOW.
fn deployment(id: &str, status: sdk::ServiceDeploymentStatus, age: i64) -> sdk::ServiceDeployment {
    sdk::ServiceDeployment::builder()
        .service_deployment_arn(deployment_arn(id))
        .service_arn(SERVICE_ARN)
        .cluster_arn(CLUSTER_ARN)
        .status(status)
        .created_at(DateTime::from_secs(NOW - age))
        .source_service_revisions(
            sdk::ServiceRevisionSummary::builder()
                .arn(revision_arn(&format!("{id}-old")))
                .running_task_count(2)
                .requested_task_count(2)
                .build(),
        )
        .target_service_revision(
            sdk::ServiceRevisionSummary::builder()
                .arn(revision_arn(id))
                .running_task_count(1)
                .requested_task_count(2)
                .pending_task_count(1)
                .build(),
        )
        .build()
}

/// A canary deployment paused at a PAUSE hook that expires `expires_in` seconds after NOW.
fn paused(id: &str, expires_in: i64) -> sdk::ServiceDeployment {
    let mut d = deployment(id, sdk::ServiceDeploymentStatus::InProgress, 300);
    d.lifecycle_stage = Some(sdk::ServiceDeploymentLifecycleStage::PostTestTrafficShift);
    d.deployment_configuration = Some(
        sdk::DeploymentConfiguration::builder()
            .strategy(sdk::DeploymentStrategy::Canary)
            .bake_time_in_minutes(5)
            .build(),
    );
    d.lifecycle_hook_details = Some(vec![
        sdk::DeploymentLifecycleHookDetail::builder()
            .hook_id("hook-pause-1")
            .target_type(sdk::DeploymentLifecycleHookTargetType::from("PAUSE"))
            .status(sdk::DeploymentLifecycleHookStatus::AwaitingAction)
            .expires_at(DateTime::from_secs(NOW + expires_in))
            .timeout_action(sdk::DeploymentLifecycleHookAction::Rollback)
            .build(),
    ]);
    d
}

/// A revision with one image by digest and one managed EBS volume from a snapshot.
fn revision(arn: &str) -> sdk::ServiceRevision {
    let n = arn.rsplit('/').next().unwrap_or_default();
    sdk::ServiceRevision::builder()
        .service_revision_arn(arn)
        .task_definition(format!(
            "arn:aws:ecs:eu-west-1:123456789012:task-definition/api-{n}:1"
        ))
        .container_images(
            sdk::ContainerImage::builder()
                .container_name("app")
                .image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:v1")
                .image_digest(format!("sha256:{n}"))
                .build(),
        )
        .volume_configurations(
            sdk::ServiceVolumeConfiguration::builder()
                .name("data")
                .managed_ebs_volume(
                    sdk::ServiceManagedEbsVolumeConfiguration::builder()
                        .snapshot_id(format!("snap-{n}"))
                        .role_arn("arn:aws:iam::123456789012:role/ecs-infra")
                        .build()
                        .expect("role arn"),
                )
                .build()
                .expect("name"),
        )
        .build()
}

/// The ACTIVE `api` service, as DescribeServices starts describing it.
fn api_service() -> sdk::builders::ServiceBuilder {
    sdk::Service::builder()
        .service_arn(SERVICE_ARN)
        .cluster_arn(CLUSTER_ARN)
        .service_name("api")
        .status("ACTIVE")
}

fn service_rules() -> [Rule; 2] {
    let clusters = clusters_listed(&[CLUSTER_ARN]);
    let services = mock!(aws_sdk_ecs::Client::describe_services).then_output(|| {
        DescribeServicesOutput::builder()
            .services(api_service().build())
            .build()
    });
    [clusters, services]
}

/// ListServiceDeployments answering `ids`, one page.
fn listed(ids: &'static [&'static str]) -> Rule {
    mock!(aws_sdk_ecs::Client::list_service_deployments).then_output(move || page(ids, None))
}

/// A ListServiceDeployments page of deployments `ids`, pointing to page `next` if any.
fn page(ids: &[&str], next: Option<&str>) -> ListServiceDeploymentsOutput {
    service_deployments_page(ids.iter().map(|id| deployment_arn(id)), next)
}

/// DescribeServiceDeployments answering from `known` (by ARN), in the order asked.
fn described(known: Vec<sdk::ServiceDeployment>) -> Rule {
    let by_arn: HashMap<String, sdk::ServiceDeployment> = known
        .into_iter()
        .map(|d| {
            (
                d.service_deployment_arn().unwrap_or_default().to_string(),
                d,
            )
        })
        .collect();
    mock!(aws_sdk_ecs::Client::describe_service_deployments)
        .match_requests(|r| r.service_deployment_arns().len() <= 20)
        .then_compute_output(move |r| {
            let mut out = DescribeServiceDeploymentsOutput::builder();
            for arn in r.service_deployment_arns() {
                if let Some(d) = by_arn.get(arn) {
                    out = out.service_deployments(d.clone());
                }
            }
            out.build()
        })
}

/// DescribeServiceRevisions answering every ARN asked (at most 20 a call).
fn revisions_rule() -> Rule {
    mock!(aws_sdk_ecs::Client::describe_service_revisions)
        .match_requests(|r| r.service_revision_arns().len() <= 20)
        .then_compute_output(|r| {
            let mut out = DescribeServiceRevisionsOutput::builder();
            for arn in r.service_revision_arns() {
                out = out.service_revisions(revision(arn));
            }
            out.build()
        })
}

fn stop_rule() -> Rule {
    mock!(aws_sdk_ecs::Client::stop_service_deployment)
        .match_requests(|r| {
            r.stop_type() == Some(&sdk::StopServiceDeploymentStopType::Rollback)
                && r.service_deployment_arn().is_some()
        })
        .then_compute_output(|r| {
            StopServiceDeploymentOutput::builder()
                .set_service_deployment_arn(r.service_deployment_arn().map(str::to_string))
                .build()
        })
}

fn continue_rule(action: sdk::DeploymentLifecycleHookAction) -> Rule {
    mock!(aws_sdk_ecs::Client::continue_service_deployment)
        .match_requests(move |r| r.action() == Some(&action) && r.hook_id() == Some("hook-pause-1"))
        .then_compute_output(|r| {
            ContinueServiceDeploymentOutput::builder()
                .set_service_deployment_arn(r.service_deployment_arn().map(str::to_string))
                .build()
        })
}

fn place(rules: &[&Rule], endpoint: Option<&str>) -> (AwsClients, OpsClients) {
    MockAws {
        ecs: no_retry_client!(aws_sdk_ecs, rules.iter().copied()),
        ctx: CallContext {
            region: "eu-west-1".into(),
            endpoint: endpoint.map(str::to_string),
            profile: None,
        },
        ..MockAws::in_region("eu-west-1")
    }
    .clients_and_ops()
}

const EVERY_STATUS: &[&str] = &[
    "d-pending",
    "d-progress",
    "d-successful",
    "d-stop-requested",
    "d-stopped",
    "d-rb-requested",
    "d-rb-progress",
    "d-rb-successful",
    "d-rb-failed",
];

#[tokio::test]
async fn the_history_has_every_status_newest_first_with_revisions_in_one_call() {
    use sdk::ServiceDeploymentStatus as S;
    let statuses = [
        S::Pending,
        S::InProgress,
        S::Successful,
        S::StopRequested,
        S::Stopped,
        S::RollbackRequested,
        S::RollbackInProgress,
        S::RollbackSuccessful,
        S::RollbackFailed,
    ];
    // Listed oldest first on purpose: the loader sorts newest first.
    let known: Vec<sdk::ServiceDeployment> = EVERY_STATUS
        .iter()
        .zip(statuses)
        .enumerate()
        .map(|(i, (id, s))| deployment(id, s, 10_000 - i as i64 * 100))
        .collect();
    let list = listed(EVERY_STATUS);
    let describe = described(known);
    let revisions = revisions_rule();
    let [clusters, services] = service_rules();
    let (aws, _) = place(&[&clusters, &services, &list, &describe, &revisions], None);
    let h = load_deployment_history(&aws, "payments", "api", None)
        .await
        .expect("history");
    let got: Vec<&str> = h.deployments.iter().map(|d| d.status.as_str()).collect();
    assert_eq!(
        got,
        [
            "ROLLBACK_FAILED",
            "ROLLBACK_SUCCESSFUL",
            "ROLLBACK_IN_PROGRESS",
            "ROLLBACK_REQUESTED",
            "STOPPED",
            "STOP_REQUESTED",
            "SUCCESSFUL",
            "IN_PROGRESS",
            "PENDING",
        ]
    );
    assert!(
        h.deployments
            .iter()
            .all(|d| !matches!(d.status, ServiceDeploymentStatus::Other(_)))
    );
    assert_eq!(describe.num_calls(), 1);
    assert_eq!(revisions.num_calls(), 1, "18 revisions: one call of 20");
    let target = h.deployments[0].target_revision.clone().expect("target");
    let r = h.revision(&target.arn).expect("described");
    assert_eq!(r.images[0].digest.as_deref(), Some("sha256:d-rb-failed"));
    assert_eq!(
        r.volumes[0].snapshot_id.as_deref(),
        Some("snap-d-rb-failed")
    );
    // The JSON names the digest and snapshot under the target revision.
    let json = serde_json::to_value(ecsnap::output::deployments::DeploymentsJson::new(
        "payments", "api", &h,
    ))
    .expect("json");
    assert_eq!(json["deployments"][0]["status"], "ROLLBACK_FAILED");
    assert_eq!(
        json["deployments"][0]["target_revision"]["images"][0]["digest"],
        "sha256:d-rb-failed"
    );
    assert_eq!(
        json["deployments"][0]["target_revision"]["volumes"][0]["snapshot_id"],
        "snap-d-rb-failed"
    );
    assert!(json["revisions_error"].is_null());
}

#[tokio::test]
async fn list_service_deployments_follows_next_token_and_sends_since() {
    let since = DateTime::from_secs(NOW - 7 * 86_400);
    let first = mock!(aws_sdk_ecs::Client::list_service_deployments)
        .match_requests(move |r| {
            r.next_token().is_none()
                && r.max_results() == Some(100)
                && r.created_at().and_then(|c| c.after()) == Some(&since)
                && r.cluster() == Some("payments")
                && r.service() == Some("api")
        })
        .then_output(|| page(&["a"], Some("page-2")));
    let second = mock!(aws_sdk_ecs::Client::list_service_deployments)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_output(|| page(&["b"], None));
    let (aws, _) = place(&[&first, &second], None);
    let arns = aws
        .ecs
        .list_service_deployments(
            "payments",
            "api",
            chrono::DateTime::from_timestamp(NOW - 7 * 86_400, 0),
            &[],
        )
        .await
        .expect("two pages");
    assert_eq!(arns, [deployment_arn("a"), deployment_arn("b")]);
    assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
}

#[tokio::test]
async fn describes_are_batched_at_twenty() {
    let ids: Vec<String> = (0..45).map(|i| format!("d{i:02}")).collect();
    let known: Vec<sdk::ServiceDeployment> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| deployment(id, sdk::ServiceDeploymentStatus::Successful, i as i64))
        .collect();
    let describe = described(known);
    let revisions = revisions_rule();
    let (aws, _) = place(&[&describe, &revisions], None);
    let arns: Vec<String> = ids.iter().map(|i| deployment_arn(i)).collect();
    let got = aws
        .ecs
        .describe_service_deployments(&arns)
        .await
        .expect("batched");
    assert_eq!(got.len(), 45);
    assert_eq!(describe.num_calls(), 3, "45 ARNs: 20 + 20 + 5");
    let rev_arns: Vec<String> = ids.iter().map(|i| revision_arn(i)).collect();
    let revs = aws
        .ecs
        .describe_service_revisions(&rev_arns)
        .await
        .expect("batched");
    assert_eq!(revs.len(), 45);
    assert_eq!(revisions.num_calls(), 3);
    assert_eq!(revs[44].arn, revision_arn("d44"), "order is kept");
}

const DENIED: &str = r#"{"__type":"AccessDeniedException","message":"User: arn:aws:iam::123456789012:user/ana is not authorized to perform this action"}"#;

#[tokio::test]
async fn access_denied_names_each_iam_action() {
    let list = failing!(aws_sdk_ecs::Client::list_service_deployments, 400, DENIED);
    let describe = failing!(
        aws_sdk_ecs::Client::describe_service_deployments,
        400,
        DENIED
    );
    let revisions = failing!(aws_sdk_ecs::Client::describe_service_revisions, 400, DENIED);
    let stop = failing!(aws_sdk_ecs::Client::stop_service_deployment, 400, DENIED);
    let cont = failing!(
        aws_sdk_ecs::Client::continue_service_deployment,
        400,
        DENIED
    );
    let (aws, ops) = place(&[&list, &describe, &revisions, &stop, &cont], None);
    let arn = [deployment_arn("d1")];
    let errors: Vec<(&str, Error)> = vec![
        (
            "ecs:ListServiceDeployments",
            aws.ecs
                .list_service_deployments("payments", "api", None, &[])
                .await
                .expect_err("denied"),
        ),
        (
            "ecs:DescribeServiceDeployments",
            aws.ecs
                .describe_service_deployments(&arn)
                .await
                .expect_err("denied"),
        ),
        (
            "ecs:DescribeServiceRevisions",
            aws.ecs
                .describe_service_revisions(&[revision_arn("r1")])
                .await
                .expect_err("denied"),
        ),
    ];
    let (mutator, _dir, _log) = audited(ops, None);
    let stopped = mutator
        .stop_service_deployment_rollback(&arn[0])
        .await
        .expect_err("denied");
    let continued = mutator
        .continue_service_deployment(
            &arn[0],
            Some("hook-pause-1"),
            &LifecycleHookAction::Continue,
        )
        .await
        .expect_err("denied");
    for (action, err) in errors.into_iter().chain([
        ("ecs:StopServiceDeployment", stopped),
        ("ecs:ContinueServiceDeployment", continued),
    ]) {
        let text = err.to_string();
        assert!(text.contains(&format!("`{action}`")), "{action}: {text}");
        assert!(
            matches!(&err, Error::Aws(a) if a.kind == AwsErrorKind::AccessDenied),
            "{err:?}"
        );
    }
}

#[tokio::test]
async fn an_endpoint_without_the_operations_answers_unsupported() {
    // An older endpoint's JSON answer.
    let unknown = no_service_deployments_operation();
    let (aws, _) = place(&[&unknown], None);
    let err = aws
        .ecs
        .list_service_deployments("payments", "api", None, &[])
        .await
        .expect_err("unknown operation");
    assert!(is_unsupported(&err), "{err:?}");
    assert!(err.to_string().contains("is not supported"), "{err}");
    // moto's answer to an operation it lacks: an HTML 500 page, from an --endpoint-url.
    let page = "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n";
    // DescribeServiceRevisions answered by that page, at `endpoint`.
    let page_from = async |endpoint| {
        let rule = mock!(aws_sdk_ecs::Client::describe_service_revisions)
            .sequence()
            .http_response(move || {
                aws_sdk_ecs::config::http::HttpResponse::new(
                    500u16.try_into().expect("a status code"),
                    page.into(),
                )
            })
            .build();
        let (aws, _) = place(&[&rule], endpoint);
        aws.ecs
            .describe_service_revisions(&[revision_arn("r1")])
            .await
            .expect_err("500")
    };
    let err = page_from(Some("http://127.0.0.1:5000")).await;
    assert!(is_unsupported(&err), "{err:?}");
    assert!(
        err.to_string().contains("ecs:DescribeServiceRevisions"),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("it answered HTTP 500 with an HTML page"),
        "{err}"
    );
    assert!(!err.to_string().contains("proxy"), "{err}");
    // The same page from AWS itself (no --endpoint-url) stays a strange answer: a proxy's.
    let err = page_from(None).await;
    assert!(!is_unsupported(&err), "{err:?}");
}

#[tokio::test]
async fn stop_deployment_rolls_back_the_one_in_flight_and_is_audited() {
    let [clusters, services] = service_rules();
    let list = mock!(aws_sdk_ecs::Client::list_service_deployments)
        .match_requests(|r| {
            r.status()
                == [
                    sdk::ServiceDeploymentStatus::Pending,
                    sdk::ServiceDeploymentStatus::InProgress,
                ]
        })
        .then_output(|| page(&["d7"], None));
    let describe = described(vec![deployment(
        "d7",
        sdk::ServiceDeploymentStatus::InProgress,
        60,
    )]);
    let revisions = revisions_rule();
    let stop = stop_rule();
    let (aws, ops) = place(
        &[&clusters, &services, &list, &describe, &revisions, &stop],
        None,
    );
    let plan = stop_deployment::plan(&aws, "payments", "api", now())
        .await
        .expect("a plan");
    assert_eq!(plan.deployment.arn, deployment_arn("d7"));
    assert_eq!(
        plan.back_to.as_deref(),
        Some(revision_arn("d7-old").as_str())
    );
    assert!(
        plan.summary().contains("api-d7:1 → api-d7-old:1"),
        "{}",
        plan.summary()
    );
    assert_eq!(stop.num_calls(), 0, "planning sends nothing");
    let (mutator, _dir, log) = audited(ops, None);
    let arn = stop_deployment::execute(&mutator, &plan)
        .await
        .expect("stopped");
    assert_eq!(arn, deployment_arn("d7"));
    assert_eq!(stop.num_calls(), 1);
    let result = ok_entry(&log, "ecs:StopServiceDeployment");
    assert_eq!(result.resource_ids, [deployment_arn("d7")]);
    assert_eq!(result.detail.as_deref(), Some("stopType ROLLBACK"));
}

#[tokio::test]
async fn nothing_in_flight_and_read_only_send_no_stop_or_continue() {
    let [clusters, services] = service_rules();
    let list = listed(&[]);
    let stop = stop_rule();
    let cont = continue_rule(sdk::DeploymentLifecycleHookAction::Continue);
    let (aws, ops) = place(&[&clusters, &services, &list, &stop, &cont], None);
    let err = stop_deployment::plan(&aws, "payments", "api", now())
        .await
        .expect_err("nothing in flight");
    assert_eq!(err.exit_code(), exit::REFUSED, "{err}");
    let err = plan_continue(&aws, LifecycleHookAction::Continue)
        .await
        .expect_err("nothing awaits");
    assert_eq!(err.exit_code(), exit::REFUSED, "{err}");
    // Read-only: the Mutator refuses before anything is sent.
    let (mutator, _dir, log) = audited(ops, Some(ReadOnly("read-only mode is on".into())));
    let refused = mutator
        .stop_service_deployment_rollback(&deployment_arn("d7"))
        .await
        .expect_err("read-only");
    assert_eq!(refused.exit_code(), exit::REFUSED);
    let refused = mutator
        .continue_service_deployment(
            &deployment_arn("d7"),
            Some("hook-pause-1"),
            &LifecycleHookAction::Continue,
        )
        .await
        .expect_err("read-only");
    assert_eq!(refused.exit_code(), exit::REFUSED);
    assert_eq!((stop.num_calls(), cont.num_calls()), (0, 0));
    let entries = read_entries(&log).unwrap_or_default();
    assert!(entries.is_empty(), "{entries:?}");
}

/// The plan to answer the hook awaiting action on payments/api with `action`, now.
async fn plan_continue(
    aws: &AwsClients,
    action: LifecycleHookAction,
) -> ecsnap::Result<continue_deployment::ContinuePlan> {
    continue_deployment::plan(aws, "payments", "api", action, now()).await
}

fn paused_place(
    expires_in: i64,
    action: sdk::DeploymentLifecycleHookAction,
) -> (AwsClients, OpsClients, Vec<Arc<Rule>>) {
    let [clusters, services] = service_rules();
    let list = listed(&["d9"]);
    let describe = described(vec![paused("d9", expires_in)]);
    let revisions = revisions_rule();
    let cont = continue_rule(action);
    let rules = [clusters, services, list, describe, revisions, cont].map(Arc::new);
    let refs: Vec<&Rule> = rules.iter().map(AsRef::as_ref).collect();
    let (aws, ops) = place(&refs, None);
    (aws, ops, rules.to_vec())
}

#[tokio::test]
async fn a_hook_awaiting_action_is_continued_or_rolled_back_with_its_hook_id() {
    for (action, sdk_action) in [
        (
            LifecycleHookAction::Continue,
            sdk::DeploymentLifecycleHookAction::Continue,
        ),
        (
            LifecycleHookAction::Rollback,
            sdk::DeploymentLifecycleHookAction::Rollback,
        ),
    ] {
        let (aws, ops, rules) = paused_place(420, sdk_action);
        let plan = plan_continue(&aws, action.clone()).await.expect("a plan");
        let summary = plan.summary();
        assert_has(&summary, "hook hook-pause-1 is AWAITING_ACTION");
        assert_has(&summary, "7m00s left, then ROLLBACK by itself");
        assert_has(&summary, "canary · POST_TEST_TRAFFIC_SHIFT");
        assert_eq!(
            plan.target().map(|r| r.images[0].digest.clone()),
            Some(Some("sha256:d9".to_string()))
        );
        let (mutator, _dir, log) = audited(ops, None);
        continue_deployment::execute(&mutator, &plan)
            .await
            .expect("sent");
        assert_eq!(rules[5].num_calls(), 1, "{action}");
        let entries = read_entries(&log).expect("audit");
        assert!(
            entries
                .iter()
                .any(|e| e.action == "ecs:ContinueServiceDeployment"
                    && e.result == "ok"
                    && e.detail.as_deref()
                        == Some(&format!("action {action}, hook hook-pause-1") as &str)),
            "{entries:?}"
        );
    }
}

#[tokio::test]
async fn an_expired_hook_is_refused_and_nothing_is_sent() {
    let (aws, _ops, rules) = paused_place(-30, sdk::DeploymentLifecycleHookAction::Continue);
    let err = plan_continue(&aws, LifecycleHookAction::Continue)
        .await
        .expect_err("expired");
    assert_eq!(err.exit_code(), exit::REFUSED);
    let text = err.to_string();
    assert_has(&text, "expired 30s ago");
    assert_has(&text, "ROLLBACK");
    assert_eq!(rules[5].num_calls(), 0);
}

/// DescribeServiceDeployments answering `statuses` in turn for deployment d7.
fn followed(statuses: Vec<sdk::ServiceDeploymentStatus>) -> Rule {
    let looks = statuses.into_iter().map(|s| {
        let mut d = deployment("d7", s, 60);
        d.status_reason = Some("tasks failed their health checks".into());
        d.lifecycle_stage = Some(sdk::ServiceDeploymentLifecycleStage::ScaleUp);
        DescribeServiceDeploymentsOutput::builder()
            .service_deployments(d)
            .build()
    });
    in_turn(
        mock!(aws_sdk_ecs::Client::describe_service_deployments),
        looks,
    )
}

#[tokio::test]
async fn a_stopped_deployment_is_followed_to_rollback_successful_or_failed() {
    use sdk::ServiceDeploymentStatus as S;
    for (last, want_reached) in [(S::RollbackSuccessful, true), (S::RollbackFailed, false)] {
        let rule = followed(vec![S::RollbackRequested, S::RollbackInProgress, last]);
        let (aws, _) = place(&[&rule], None);
        let clock = FakeClock::default();
        let mut seen = Vec::new();
        let outcome = follow_deployment::follow_deployment(
            aws.ecs.as_ref(),
            &clock,
            &deployment_arn("d7"),
            Goal::RolledBack,
            None,
            (Duration::from_mins(10), Duration::from_secs(5)),
            &mut |d| seen.push(d.status.to_string()),
        )
        .await
        .expect("followed");
        assert_eq!(outcome.polls, 3);
        assert_eq!(clock.sleeps().len(), 2);
        assert_eq!(seen.len(), 3);
        if want_reached {
            assert_eq!(outcome.verdict, FollowVerdict::Reached);
            assert_eq!(outcome.summary(), "ROLLBACK_SUCCESSFUL");
        } else {
            assert_eq!(
                outcome.verdict,
                FollowVerdict::Failed(format!(
                    "deployment {} is ROLLBACK_FAILED at stage SCALE_UP: tasks failed their \
                     health checks",
                    deployment_arn("d7")
                ))
            );
        }
    }
}

#[tokio::test]
async fn denied_revisions_leave_the_history_whole_and_say_why() {
    let list = listed(&["d1"]);
    let describe = described(vec![deployment(
        "d1",
        sdk::ServiceDeploymentStatus::Successful,
        60,
    )]);
    let revisions = mock!(aws_sdk_ecs::Client::describe_service_revisions)
        .sequence()
        .http_status(400, Some(DENIED.to_string()))
        .build();
    let (aws, _) = place(&[&list, &describe, &revisions], None);
    let h = load_deployment_history(&aws, "payments", "api", None)
        .await
        .expect("the history without revisions");
    assert_eq!(h.deployments.len(), 1);
    assert_eq!(h.deployments[0].status, ServiceDeploymentStatus::Successful);
    let json = serde_json::to_value(ecsnap::output::deployments::DeploymentsJson::new(
        "payments", "api", &h,
    ))
    .expect("json");
    let why = json["revisions_error"].as_str().unwrap_or_default();
    assert!(why.contains("`ecs:DescribeServiceRevisions`"), "{json}");
    assert!(json["deployments"][0]["target_revision"]["task_definition"].is_null());
    let text = ecsnap::output::deployments::deployments_text("payments", "api", &h, now());
    assert_has(&text, "service revisions not described");
}

// ---- the console's deployment dialog, as its runner sends it -----------------------

/// The console's deployment runner at payments: StopServiceDeployment (ROLLBACK) and
/// ContinueServiceDeployment (`hook_action` on hook-pause-1) answered, deployments described
/// from `known`, and a session (read-only or not) auditing into `dir`.
struct ConsoleRig {
    stop: Rule,
    cont: Rule,
    desc: Rule,
    aws: AwsClients,
    session: ecsnap::ops::session::LazySession,
    dir: tempfile::TempDir,
}

fn console_rig(
    hook_action: sdk::DeploymentLifecycleHookAction,
    known: Vec<sdk::ServiceDeployment>,
    read_only: bool,
) -> ConsoleRig {
    let (stop, cont, desc) = (stop_rule(), continue_rule(hook_action), described(known));
    let (aws, ops) = place(&[&stop, &cont, &desc], None);
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = ecsnap::config::Settings {
        read_only,
        ..ecsnap::config::Settings::default()
    };
    let session = ecsnap::ops::session::LazySession::new(
        aws.clone(),
        ops,
        settings,
        dir.path().join("audit.log"),
    )
    .with_identity(ecsnap::model::CallerIdentity {
        account: "123456789012".into(),
        arn: "arn:aws:iam::123456789012:user/ana".into(),
    });
    ConsoleRig {
        stop,
        cont,
        desc,
        aws,
        session,
        dir,
    }
}

/// The console's two acts on payments/api: stop deployment d-live (in flight), and
/// `action` at the paused hook of d-paused.
fn console_acts(action: LifecycleHookAction) -> [EcsAct; 2] {
    [
        EcsAct::Stop(
            stop_deployment::plan_for("payments", "api", &[live("d-live", false)], &[], now())
                .expect("in flight"),
        ),
        EcsAct::Hook(
            continue_deployment::plan_for(
                "payments",
                "api",
                &[live("d-paused", true)],
                action,
                Vec::new(),
                now(),
            )
            .expect("paused"),
        ),
    ]
}

/// The model deployment `id` in flight, paused at hook-pause-1 when `paused`.
fn live(id: &str, paused: bool) -> ecsnap::model::ServiceDeployment {
    ecsnap::model::ServiceDeployment {
        arn: deployment_arn(id),
        status: ServiceDeploymentStatus::InProgress,
        hooks: if paused {
            vec![ecsnap::model::LifecycleHookDetail {
                hook_id: Some("hook-pause-1".into()),
                target_type: Some("PAUSE".into()),
                status: ecsnap::model::LifecycleHookStatus::AwaitingAction,
                expires_at: Some(now() + chrono::Duration::minutes(10)),
                timeout_action: Some(LifecycleHookAction::Rollback),
                target_arn: None,
            }]
        } else {
            Vec::new()
        },
        ..ecsnap::model::ServiceDeployment::default()
    }
}

fn last_answer(msg: ecsnap::tui::state::msg::Msg) -> ecsnap::tui::state::msg::DialogAnswer {
    match msg {
        ecsnap::tui::state::msg::Msg::Dialog { generation, answer } => {
            assert_eq!(generation, 7, "the dialog's generation");
            answer
        }
        other => panic!("a dialog answer: {other:?}"),
    }
}

#[tokio::test]
async fn the_console_sends_exactly_stop_rollback_and_continue_with_its_hook_then_follows() {
    // ECS has got where each was sent by the first look (no wait between looks).
    let rig = console_rig(
        sdk::DeploymentLifecycleHookAction::Continue,
        vec![
            deployment(
                "d-live",
                sdk::ServiceDeploymentStatus::RollbackSuccessful,
                60,
            ),
            deployment("d-paused", sdk::ServiceDeploymentStatus::Successful, 60),
        ],
        false,
    );
    let (stop, cont) = (&rig.stop, &rig.cont);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let [stop_plan, hook_plan] = console_acts(LifecycleHookAction::Continue);

    let last = last_answer(send_and_follow(&rig.aws, &rig.session, 7, &stop_plan, &tx).await);
    assert!(
        matches!(&last, DialogAnswer::DeploymentFollowed(Ok(s)) if s == "ROLLBACK_SUCCESSFUL"),
        "{last:?}"
    );
    assert_eq!(stop.num_calls(), 1, "one StopServiceDeployment ROLLBACK");
    assert_eq!(cont.num_calls(), 0);

    let last = last_answer(send_and_follow(&rig.aws, &rig.session, 7, &hook_plan, &tx).await);
    assert!(
        matches!(&last, DialogAnswer::DeploymentFollowed(Ok(s)) if s == "SUCCESSFUL"),
        "{last:?}"
    );
    assert_eq!(
        cont.num_calls(),
        1,
        "one ContinueServiceDeployment CONTINUE naming hook-pause-1"
    );
    assert_eq!(stop.num_calls(), 1);
    // Sent, then a look, for each.
    let mut sent = 0;
    while let Ok(msg) = rx.try_recv() {
        if matches!(last_answer(msg), DialogAnswer::DeploymentSent(Ok(_))) {
            sent += 1;
        }
    }
    assert_eq!(sent, 2);
    assert_eq!(
        ok_actions(&rig.dir.path().join("audit.log")),
        ["ecs:StopServiceDeployment", "ecs:ContinueServiceDeployment"]
    );
}

#[tokio::test]
async fn the_console_in_read_only_sends_neither_stop_nor_continue() {
    let rig = console_rig(
        sdk::DeploymentLifecycleHookAction::Rollback,
        Vec::new(),
        true,
    );
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    for plan in &console_acts(LifecycleHookAction::Rollback) {
        let last = last_answer(send_and_follow(&rig.aws, &rig.session, 7, plan, &tx).await);
        assert!(
            matches!(&last, DialogAnswer::DeploymentSent(Err(e)) if e.contains("read-only")),
            "{last:?}"
        );
    }
    assert_eq!(
        (
            rig.stop.num_calls(),
            rig.cont.num_calls(),
            rig.desc.num_calls()
        ),
        (0, 0, 0),
        "nothing was sent"
    );
}

#[tokio::test]
async fn the_rollback_pickers_ecs_row_rolls_back_at_the_paused_hook() {
    let [clusters, services] = service_rules();
    let list = listed(&["d-paused"]);
    // The offer is planned at the clock's now: a hook that expires in a year is live.
    let desc = described(vec![paused("d-paused", 365 * 24 * 3600)]);
    let revs = revisions_rule();
    let (aws, _ops) = place(&[&clusters, &services, &list, &desc, &revs], None);
    let offer = ecsnap::tui::run::deployment_action::ecs_offer(&aws, "payments", "api")
        .await
        .expect("offered");
    let Some(act) = offer else {
        panic!("a deployment is paused: ECS's row is offered");
    };
    let EcsAct::Hook(p) = act.as_ref() else {
        panic!("at a paused hook, ROLLBACK on the hook: {act:?}");
    };
    assert_eq!(p.action, LifecycleHookAction::Rollback);
    assert_eq!(p.hook.hook_id.as_deref(), Some("hook-pause-1"));
}

#[tokio::test]
async fn describe_services_reads_the_strategy_bake_time_and_hooks_for_detail() {
    let services = mock!(aws_sdk_ecs::Client::describe_services).then_output(|| {
        DescribeServicesOutput::builder()
            .services(
                api_service()
                    .deployment_configuration(
                        sdk::DeploymentConfiguration::builder()
                            .strategy(sdk::DeploymentStrategy::Canary)
                            .bake_time_in_minutes(10)
                            .canary_configuration(
                                sdk::CanaryConfiguration::builder()
                                    .canary_percent(10.0)
                                    .canary_bake_time_in_minutes(5)
                                    .build(),
                            )
                            .lifecycle_hooks(
                                sdk::DeploymentLifecycleHook::builder()
                                    .target_type(sdk::DeploymentLifecycleHookTargetType::from(
                                        "PAUSE",
                                    ))
                                    .lifecycle_stages(
                                        sdk::DeploymentLifecycleHookStage::PostTestTrafficShift,
                                    )
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .build()
    });
    let (aws, _ops) = place(&[&services], None);
    let found = aws
        .ecs
        .describe_services("payments", &["api".to_string()])
        .await
        .expect("described");
    let d = found[0].deploy_settings.as_ref().expect("deploy settings");
    assert_eq!(
        d.strategy
            .as_ref()
            .map(ecsnap::model::DeploymentStrategy::as_str),
        Some("CANARY")
    );
    assert_eq!(
        (d.bake_time_minutes, d.step_percent, d.step_bake_minutes),
        (Some(10), Some(10.0), Some(5))
    );
    assert_eq!(d.hooks.len(), 1);
    assert_eq!(d.hooks[0].target_type.as_deref(), Some("PAUSE"));
    assert_eq!(d.hooks[0].stages, ["POST_TEST_TRAFFIC_SHIFT"]);
}
