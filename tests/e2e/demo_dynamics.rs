//! End to end: the demo emulator's rollout dynamics (moto under ecsnap's Python helper),
//! read back through the SDK with fast timings. The failing `checkout` rollout: its tasks
//! are killed for out of memory as ECS reports it (stopCode, stoppedReason, exit code 137
//! and the container's reason), they log to CloudWatch Logs under the awslogs stream
//! names, the rollout turns FAILED with its event; then a rollback to the good revision
//! starts a new PRIMARY deployment at once (in UpdateService's answer), drains the old one
//! and is COMPLETED with running == desired.

use std::time::{Duration, Instant};

use crate::emulator::{block_on, moto_venv};
use aws_sdk_ecs::types::{DesiredStatus, Service};
use ecsnap::demo::failing::{CLUSTER, LOG_GROUP, SERVICE, STREAM_PREFIX, seed_failing_rollout};
use ecsnap::demo::fleet::emulator_config;
use ecsnap::demo::{Dynamics, Emulator, seed};

fn fast() -> Dynamics {
    Dynamics {
        step: Duration::from_millis(500),
        oom_after: Duration::from_secs(1),
        fail_after: Duration::from_secs(5),
        ..Dynamics::default()
    }
}

async fn describe(ecs: &aws_sdk_ecs::Client) -> Service {
    ecs.describe_services()
        .cluster(CLUSTER)
        .services(SERVICE)
        .send()
        .await
        .expect("describe services")
        .services()
        .first()
        .cloned()
        .expect("the checkout service")
}

/// Polls the service until `ok` holds (the emulator moves in real time); panics with the
/// last answer at the deadline.
async fn until(
    ecs: &aws_sdk_ecs::Client,
    what: &str,
    timeout: Duration,
    ok: impl Fn(&Service) -> bool,
) -> Service {
    let deadline = Instant::now() + timeout;
    loop {
        let s = describe(ecs).await;
        if ok(&s) {
            return s;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {:?}",
            s.deployments()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn rollout(s: &Service) -> Vec<(String, String, String)> {
    s.deployments()
        .iter()
        .map(|d| {
            (
                d.status().unwrap_or_default().to_string(),
                d.task_definition()
                    .unwrap_or_default()
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                d.rollout_state()
                    .map(|r| r.as_str().to_string())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

// One scenario, step by step: each step depends on the one before.
#[allow(clippy::too_many_lines)]
#[test]
fn the_failing_rollout_fails_with_oom_and_logs_then_a_rollback_completes() {
    let emulator =
        Emulator::start_with(&moto_venv(), &mut |m: &str| eprintln!("{m}"), Some(&fast()))
            .expect("the demo emulator starts");
    emulator.pin_task_status().expect("task status pinned");
    block_on(async {
        seed(&emulator.endpoint()).await.expect("demo fleet");
        let seeded = seed_failing_rollout(&emulator.endpoint())
            .await
            .expect("the failing rollout");
        let conf = emulator_config(&emulator.endpoint()).await;
        let ecs = aws_sdk_ecs::Client::new(&conf);
        let logs = aws_sdk_cloudwatchlogs::Client::new(&conf);

        // Right after the UpdateService: a new PRIMARY is rolling out the bad revision.
        let s = describe(&ecs).await;
        assert_eq!(
            rollout(&s),
            vec![
                ("PRIMARY".into(), "checkout:3".into(), "IN_PROGRESS".into()),
                ("ACTIVE".into(), "checkout:2".into(), "COMPLETED".into()),
            ]
        );

        // The circuit breaker marks it FAILED; the old deployment keeps its two tasks.
        let s = until(&ecs, "the rollout to fail", Duration::from_secs(30), |s| {
            s.deployments()
                .first()
                .and_then(|d| d.rollout_state())
                .is_some_and(|r| r.as_str() == "FAILED")
        })
        .await;
        let failed = &s.deployments()[0];
        assert!(failed.failed_tasks() >= 1, "{failed:?}");
        assert_eq!(failed.running_count(), 0);
        assert_eq!(s.running_count(), 2, "the good revision keeps serving");
        assert!(
            s.events()
                .first()
                .and_then(|e| e.message())
                .is_some_and(|m| m.contains("deployment failed")),
            "{:?}",
            s.events().first()
        );

        // Its tasks stopped as ECS reports an out-of-memory kill.
        let stopped = ecs
            .list_tasks()
            .cluster(CLUSTER)
            .desired_status(DesiredStatus::Stopped)
            .send()
            .await
            .expect("list stopped tasks");
        let tasks = ecs
            .describe_tasks()
            .cluster(CLUSTER)
            .set_tasks(Some(stopped.task_arns().to_vec()))
            .send()
            .await
            .expect("describe tasks");
        let oom: Vec<_> = tasks
            .tasks()
            .iter()
            .filter(|t| t.task_definition_arn() == Some(seeded.bad()))
            .collect();
        assert!(!oom.is_empty(), "tasks of the bad revision stopped");
        for t in &oom {
            assert_eq!(t.group(), Some("service:checkout"));
            assert_eq!(
                t.stopped_reason(),
                Some("Essential container in task exited")
            );
            assert_eq!(
                t.stop_code().map(aws_sdk_ecs::types::TaskStopCode::as_str),
                Some("EssentialContainerExited")
            );
            let c = &t.containers()[0];
            assert_eq!(c.exit_code(), Some(137));
            assert_eq!(
                c.reason(),
                Some("OutOfMemoryError: Container killed due to memory usage")
            );
        }

        // Each task logged to its awslogs stream, the last lines before the kill included.
        let id = oom[0]
            .task_arn()
            .and_then(|a| a.rsplit('/').next())
            .unwrap_or_default();
        let events = logs
            .get_log_events()
            .log_group_name(LOG_GROUP)
            .log_stream_name(format!("{STREAM_PREFIX}/app/{id}"))
            .send()
            .await
            .expect("the task's log stream");
        let lines: Vec<&str> = events.events().iter().filter_map(|e| e.message()).collect();
        assert!(
            lines
                .first()
                .is_some_and(|l| l.starts_with("starting checkout")),
            "{lines:?}"
        );
        assert!(
            lines.iter().any(|l| l.contains("out of memory")),
            "{lines:?}"
        );

        // The rollback: UpdateService answers with the new PRIMARY already in place.
        let answer = ecs
            .update_service()
            .cluster(CLUSTER)
            .service(SERVICE)
            .task_definition(seeded.good())
            .send()
            .await
            .expect("update service");
        let primary = answer
            .service()
            .and_then(|s| s.deployments().first())
            .cloned()
            .expect("a deployment");
        assert_eq!(primary.status(), Some("PRIMARY"));
        assert_eq!(primary.task_definition(), Some(seeded.good()));
        assert_eq!(
            primary
                .rollout_state()
                .map(aws_sdk_ecs::types::DeploymentRolloutState::as_str),
            Some("IN_PROGRESS")
        );
        let started = Instant::now();
        let s = until(
            &ecs,
            "the rollback to complete",
            Duration::from_secs(20),
            |s| rollout(s) == vec![("PRIMARY".into(), "checkout:2".into(), "COMPLETED".into())],
        )
        .await;
        assert!(started.elapsed() < Duration::from_secs(20));
        assert_eq!(s.deployments()[0].id(), primary.id());
        assert_eq!((s.running_count(), s.desired_count()), (2, 2));
        let messages: Vec<&str> = s.events().iter().filter_map(|e| e.message()).collect();
        assert!(
            messages[0].contains("has reached a steady state"),
            "{messages:?}"
        );
        // The seeded tasks of the old deployment were drained (stopped by the scheduler).
        let drained = ecs
            .describe_tasks()
            .cluster(CLUSTER)
            .set_tasks(Some(seeded.tasks.clone()))
            .send()
            .await
            .expect("describe the seeded tasks");
        for t in drained.tasks() {
            assert_eq!(t.last_status(), Some("STOPPED"), "{t:?}");
            assert!(
                t.stopped_reason()
                    .is_some_and(|r| r.starts_with("Scaling activity initiated by")),
                "{t:?}"
            );
        }
    });
}

#[test]
fn without_dynamics_the_emulator_is_plain_moto() {
    // The other end-to-end tests rely on it: UpdateService adds no deployment.
    let emulator = crate::emulator::start_emulator();
    block_on(async {
        seed(&emulator.endpoint()).await.expect("demo fleet");
        let conf = emulator_config(&emulator.endpoint()).await;
        let ecs = aws_sdk_ecs::Client::new(&conf);
        let answer = ecs
            .update_service()
            .cluster("payments-prod")
            .service("worker")
            .task_definition("worker:1")
            .send()
            .await
            .expect("update service");
        let deployments = answer
            .service()
            .map(Service::deployments)
            .unwrap_or_default();
        assert_eq!(deployments.len(), 1, "{deployments:?}");
        assert_ne!(
            deployments[0]
                .task_definition()
                .unwrap_or_default()
                .rsplit('/')
                .next(),
            Some("worker:1")
        );
    });
}
