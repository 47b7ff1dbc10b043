//! The stability poll loop against aws-smithy-mocks sequences, with a fake clock: stable,
//! FAILED, circuit-breaker rollback (by deployment and by event), timeout, throttled polls,
//! a service that leaves ACTIVE, and stopped tasks' reasons. Nothing sleeps.

use crate::asserts::assert_has;
use std::time::Duration;

use crate::answers::{in_turn, no_tasks};
use crate::mocked::no_retry_client;
use crate::runtime::block_on;
use aws_sdk_ecs::Client;
use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
use aws_sdk_ecs::operation::describe_tasks::DescribeTasksOutput;
use aws_sdk_ecs::operation::list_tasks::ListTasksOutput;
use aws_sdk_ecs::types::{Deployment, DeploymentRolloutState, Service, ServiceEvent, Task};
use aws_smithy_mocks::{Rule, mock};
use ecsnap::aws::{CallContext, EcsAdapter};
use ecsnap::ops::wait::{FakeClock, WaitOptions, WaitProgress, wait_for_stable};

const TD1: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition/api:1";
const TD2: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition/api:2";

fn dep(id: &str, status: &str, td: &str, rollout: DeploymentRolloutState, run: i32) -> Deployment {
    Deployment::builder()
        .id(id)
        .status(status)
        .task_definition(td)
        .desired_count(2)
        .running_count(run)
        .pending_count(2 - run)
        .rollout_state(rollout)
        .rollout_state_reason(format!("{id} says so"))
        .build()
}

fn answer(
    status: &str,
    deployments: Vec<Deployment>,
    events: &[(&str, &str)],
) -> DescribeServicesOutput {
    // The service's running count is its deployments' together, as ECS reports it (the
    // stability rule compares it with the desired count).
    let running: i32 = deployments.iter().map(Deployment::running_count).sum();
    let mut s = Service::builder()
        .service_name("api")
        .cluster_arn("arn:aws:ecs:us-east-1:123456789012:cluster/payments-prod")
        .status(status)
        .task_definition(TD2)
        .desired_count(2)
        .running_count(running)
        .set_deployments(Some(deployments));
    for (id, message) in events {
        s = s.events(ServiceEvent::builder().id(*id).message(*message).build());
    }
    DescribeServicesOutput::builder()
        .services(s.build())
        .build()
}

fn in_progress(run: i32) -> DescribeServicesOutput {
    answer(
        "ACTIVE",
        vec![
            dep(
                "d2",
                "PRIMARY",
                TD2,
                DeploymentRolloutState::InProgress,
                run,
            ),
            dep(
                "d1",
                "ACTIVE",
                TD1,
                DeploymentRolloutState::Completed,
                2 - run,
            ),
        ],
        &[("e0", "(service api) has reached a steady state.")],
    )
}

/// An ACTIVE service whose one deployment, the PRIMARY d2 on [`TD2`], is in `rollout`
/// with `run` tasks running, and whose newest events are `events`.
fn primary_only(
    rollout: DeploymentRolloutState,
    run: i32,
    events: &[(&str, &str)],
) -> DescribeServicesOutput {
    answer(
        "ACTIVE",
        vec![dep("d2", "PRIMARY", TD2, rollout, run)],
        events,
    )
}

fn completed() -> DescribeServicesOutput {
    primary_only(
        DeploymentRolloutState::Completed,
        2,
        &[("e0", "(service api) has reached a steady state.")],
    )
}

/// DescribeServices answering `answers`, one a poll, in order.
fn answering(answers: impl IntoIterator<Item = DescribeServicesOutput>) -> Rule {
    in_turn(mock!(Client::describe_services), answers)
}

const THROTTLED: &str = r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;

fn adapter(rules: &[&Rule]) -> EcsAdapter {
    let client = no_retry_client!(aws_sdk_ecs, rules.iter().copied());
    EcsAdapter::new(client, CallContext::default())
}

fn opts(timeout_secs: u64) -> WaitOptions {
    WaitOptions {
        timeout: Duration::from_secs(timeout_secs),
        interval: Duration::from_secs(5),
        deployment_id: Some("d2".into()),
        target_task_definition: Some(TD2.into()),
        ..WaitOptions::default()
    }
}

struct Run {
    outcome: ecsnap::Result<ecsnap::ops::wait::WaitOutcome>,
    progress: Vec<WaitProgress>,
    sleeps: Vec<Duration>,
}

/// The wait over a service polled by `polls`, whose tasks never change (none listed).
fn wait_polled(polls: &Rule, opts: &WaitOptions) -> Run {
    let tasks = no_tasks();
    wait(&adapter(&[polls, &tasks]), opts)
}

fn wait(adapter: &EcsAdapter, opts: &WaitOptions) -> Run {
    let clock = FakeClock::default();
    let mut progress = Vec::new();
    let outcome = block_on(wait_for_stable(
        adapter,
        &clock,
        "payments-prod",
        "api",
        opts,
        &mut |p: &WaitProgress| progress.push(p.clone()),
    ));
    Run {
        outcome,
        progress,
        sleeps: clock.sleeps(),
    }
}

#[test]
fn becomes_stable_when_the_primary_completes() {
    let polls = answering([in_progress(0), in_progress(1), completed()]);
    let run = wait_polled(&polls, &opts(600));
    let outcome = run.outcome.expect("no error");
    assert_eq!(outcome.verdict.word(), "stable");
    assert_eq!(outcome.polls, 3);
    assert_eq!(run.sleeps, [Duration::from_secs(5), Duration::from_secs(5)]);
    assert_eq!(outcome.elapsed, Duration::from_secs(10));
    assert_eq!(run.progress.len(), 3);
    assert_eq!(run.progress[1].deployments[0].running_count, 1);
    assert_eq!(polls.num_calls(), 3);
    assert!(outcome.into_result().is_ok());
}

/// After a scale-out (2 → 4 desired) the one deployment stays COMPLETED: `wait` waits for
/// the running count, as botocore's `services-stable` does (one deployment, running ==
/// desired), instead of calling it stable at once.
#[test]
fn after_a_scale_out_a_completed_rollout_waits_for_the_running_count() {
    let scaled = |running: i32| {
        let mut out = primary_only(
            DeploymentRolloutState::Completed,
            running,
            &[("e0", "(service api) has reached a steady state.")],
        );
        if let Some(s) = out.services.as_mut().and_then(|v| v.first_mut()) {
            s.desired_count = 4;
        }
        out
    };
    let polls = answering([scaled(2), scaled(3), scaled(4)]);
    let watch_nothing = WaitOptions {
        deployment_id: None,
        target_task_definition: None,
        ..opts(600)
    };
    let run = wait_polled(&polls, &watch_nothing);
    let outcome = run.outcome.expect("no error");
    assert_eq!(outcome.verdict.word(), "stable");
    assert_eq!(outcome.polls, 3, "2/4 and 3/4 are not stable");
    let words: Vec<&str> = run.progress.iter().map(|p| p.verdict.word()).collect();
    assert_eq!(words, ["in_progress", "in_progress", "stable"]);
}

#[test]
fn a_failed_rollout_fails_with_its_reason_and_exit_3() {
    let polls = answering([
        in_progress(0),
        primary_only(DeploymentRolloutState::Failed, 0, &[]),
    ]);
    let run = wait_polled(&polls, &opts(600));
    let outcome = run.outcome.expect("no error");
    assert_eq!(outcome.verdict.word(), "failed");
    assert!(
        outcome
            .verdict
            .reason()
            .is_some_and(|r| r.contains("d2 says so")),
        "{:?}",
        outcome.verdict
    );
    let err = outcome.into_result().expect_err("failed");
    assert_eq!(err.exit_code(), 3);
}

#[test]
fn circuit_breaker_rollback_is_a_failure() {
    // A newer deployment took over with the old task definition.
    let polls = answering([
        in_progress(0),
        answer(
            "ACTIVE",
            vec![
                dep("d3", "PRIMARY", TD1, DeploymentRolloutState::InProgress, 1),
                dep("d2", "ACTIVE", TD2, DeploymentRolloutState::InProgress, 0),
            ],
            &[],
        ),
    ]);
    let run = wait_polled(&polls, &opts(600));
    let verdict = run.outcome.expect("no error").verdict;
    assert_eq!(verdict.word(), "failed");
    assert!(
        verdict
            .reason()
            .is_some_and(|r| r.contains("rolled back") && r.contains("api:1"))
    );

    // Or only the events say so.
    let polls = answering([
        in_progress(0),
        primary_only(
            DeploymentRolloutState::InProgress,
            0,
            &[
                ("e2", "(service api) rolling back to deployment d1."),
                ("e0", "(service api) has reached a steady state."),
            ],
        ),
    ]);
    let run = wait_polled(&polls, &opts(600));
    let outcome = run.outcome.expect("no error");
    assert_eq!(outcome.verdict.word(), "failed");
    assert_eq!(run.progress[1].new_events.len(), 1, "only the new event");
    assert_eq!(outcome.events.len(), 1);
}

#[test]
fn times_out_at_the_deadline_with_exit_4() {
    let polls = mock!(Client::describe_services)
        .sequence()
        .output(|| in_progress(1))
        .repeatedly()
        .build();
    let run = wait_polled(&polls, &opts(60));
    let outcome = run.outcome.expect("no error");
    assert_eq!(outcome.verdict.word(), "timed_out");
    assert_eq!(outcome.polls, 13, "a poll at 0, 5, ..., 60 s");
    assert_eq!(run.sleeps.iter().sum::<Duration>(), Duration::from_mins(1));
    assert_eq!(outcome.into_result().expect_err("timed out").exit_code(), 4);
}

#[test]
fn throttled_polls_are_retried_by_the_loop_not_fatal() {
    let polls = mock!(Client::describe_services)
        .sequence()
        .http_status(400, Some(THROTTLED.into()))
        .times(2)
        .http_status(500, None)
        .output(completed)
        .build();
    let run = wait_polled(&polls, &opts(600));
    let outcome = run.outcome.expect("recovers");
    assert_eq!(outcome.verdict.word(), "stable");
    assert_eq!(polls.num_calls(), 4);
    let errors: Vec<bool> = run
        .progress
        .iter()
        .map(|p| p.poll_error.is_some())
        .collect();
    assert_eq!(errors, [true, true, true, false]);
    assert_has(
        run.progress[0].poll_error.as_deref().unwrap_or_default(),
        "throttled",
    );
}

#[test]
fn endless_throttling_gives_up_after_a_few_polls() {
    let polls = mock!(Client::describe_services)
        .sequence()
        .http_status(400, Some(THROTTLED.into()))
        .repeatedly()
        .build();
    let run = wait_polled(&polls, &opts(600));
    let err = run.outcome.expect_err("gives up");
    assert!(err.to_string().contains("throttled"), "{err}");
    assert_eq!(polls.num_calls(), 5, "max_poll_errors, no storm");
    assert_eq!(run.sleeps.len(), 4);
}

#[test]
fn a_draining_service_fails_the_wait() {
    let polls = answering([
        in_progress(1),
        answer(
            "DRAINING",
            vec![dep(
                "d2",
                "PRIMARY",
                TD2,
                DeploymentRolloutState::InProgress,
                1,
            )],
            &[],
        ),
    ]);
    let run = wait_polled(&polls, &opts(600));
    let verdict = run.outcome.expect("no error").verdict;
    assert_eq!(verdict.word(), "failed");
    assert_has(verdict.reason().unwrap_or_default(), "DRAINING");
}

#[test]
fn stopped_reasons_of_tasks_that_die_are_reported() {
    let polls = answering([in_progress(0), in_progress(1), completed()]);
    let old = "arn:aws:ecs:us-east-1:123456789012:task/payments-prod/old";
    let died = "arn:aws:ecs:us-east-1:123456789012:task/payments-prod/died";
    let listed = mock!(Client::list_tasks)
        .sequence()
        .output(move || ListTasksOutput::builder().task_arns(old).build())
        .output(move || {
            ListTasksOutput::builder()
                .task_arns(old)
                .task_arns(died)
                .build()
        })
        .repeatedly()
        .build();
    let described = mock!(Client::describe_tasks)
        .match_requests(move |r| r.tasks() == [died.to_string()])
        .then_output(move || {
            DescribeTasksOutput::builder()
                .tasks(
                    Task::builder()
                        .task_arn(died)
                        .group("service:api")
                        .task_definition_arn(TD2)
                        .last_status("STOPPED")
                        .desired_status("STOPPED")
                        .stopped_reason("Essential container in task exited: OutOfMemoryError")
                        .build(),
                )
                .build()
        });
    let run = wait(&adapter(&[&polls, &listed, &described]), &opts(600));
    let outcome = run.outcome.expect("no error");
    assert_eq!(outcome.stopped_tasks.len(), 1);
    assert_eq!(outcome.stopped_tasks[0].task_id, "died");
    assert_has(
        outcome.stopped_tasks[0]
            .reason
            .as_deref()
            .unwrap_or_default(),
        "OutOfMemoryError",
    );
    assert_eq!(run.progress[1].new_stopped_tasks.len(), 1);
    assert!(run.progress[2].new_stopped_tasks.is_empty());
    assert_eq!(described.num_calls(), 1);
}

/// A rollout so fast that it completed before the first poll: the events written since
/// the action (known from its answer) are new, not the first poll's baseline.
#[test]
fn events_written_between_the_action_and_the_first_poll_are_reported() {
    let polls = answering([primary_only(
        DeploymentRolloutState::Completed,
        2,
        &[
            ("e2", "(service api) has reached a steady state."),
            ("e1", "(service api) (deployment d2) deployment completed."),
            ("e0", "(service api) has started 2 tasks."),
        ],
    )]);
    // The action's answer had e0 only.
    let known = WaitOptions {
        known_events: Some(["e0".to_string()].into_iter().collect()),
        ..opts(600)
    };
    let run = wait_polled(&polls, &known);
    let outcome = run.outcome.expect("no error");
    assert_eq!(outcome.verdict.word(), "stable");
    let ids: Vec<&str> = outcome.events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["e2", "e1"]);
    // A wait with no action takes the first poll as the baseline: nothing is new.
    let polls = answering([completed()]);
    let run = wait_polled(&polls, &opts(600));
    assert!(run.outcome.expect("no error").events.is_empty());
}
