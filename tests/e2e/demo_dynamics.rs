//! End to end: the demo emulator's rollout dynamics (moto under ecsnap's Python helper),
//! read back through the SDK with fast timings. The failing `checkout` rollout: its tasks
//! are killed for out of memory as ECS reports it (stopCode, stoppedReason, exit code 137
//! and the container's reason), they log to CloudWatch Logs under the awslogs stream
//! names, the rollout turns FAILED with its event; then a rollback to the good revision
//! starts a new PRIMARY deployment at once (in UpdateService's answer), drains the old one
//! and is COMPLETED with running == desired. Scaling and StopTask move tasks as ECS's
//! service scheduler does (started, replaced, the surplus stopped with the scheduler's
//! stop code), with counts that agree with the tasks listed; the demo fleet's volumes,
//! snapshots and image tags read back with the ages the demo sets. DescribeServices
//! answers the managed EBS volume configuration on the PRIMARY deployment as CreateService
//! and UpdateService set it (moto drops it).

use std::time::{Duration, Instant};

use std::collections::BTreeSet;

use crate::emulator::{block_on, ecsnap, json_of, moving_emulator};
use aws_sdk_ecs::types::{DesiredStatus, Service, Task};
use chrono::{DateTime, Utc};
use ecsnap::demo::ages::backdate;
use ecsnap::demo::failing::{CLUSTER, LOG_GROUP, SERVICE, STREAM_PREFIX, seed_failing_rollout};
use ecsnap::demo::fleet::{CAPACITY_UNAVAILABLE, SeedTimes, StuckService, emulator_config};
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
#[expect(
    clippy::too_many_lines,
    reason = "one rollout followed from failure to rollback, each step read back"
)]
#[test]
fn the_failing_rollout_fails_with_oom_and_logs_then_a_rollback_completes() {
    let emulator = moving_emulator(&fast());
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
        let (oom, never_started): (Vec<_>, Vec<_>) = tasks
            .tasks()
            .iter()
            .filter(|t| t.task_definition_arn() == Some(seeded.bad()))
            .partition(|t| t.started_at().is_some());
        assert!(!oom.is_empty(), "tasks of the bad revision ran and stopped");
        // A replacement still PENDING when the circuit breaker trips is stopped by the
        // scheduler, as ECS does; how many there are depends on the emulator's clock.
        for t in &never_started {
            assert_eq!(t.stopped_reason(), Some("Deployment failed"), "{t:?}");
            assert_eq!(
                t.stop_code().map(aws_sdk_ecs::types::TaskStopCode::as_str),
                Some("ServiceSchedulerInitiated")
            );
        }
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

        // ecsnap agrees: `services --json` says why (the OOM kills counted, exit 137, the
        // verdict), and `events` finds the failure event among every service's.
        let home = tempfile::tempdir().expect("home");
        let listed = json_of(ecsnap(&emulator.endpoint(), home.path()).args([
            "services",
            "--cluster",
            CLUSTER,
            "--json",
        ]));
        let checkout = listed
            .as_array()
            .and_then(|l| l.iter().find(|s| s["service_name"] == SERVICE))
            .cloned()
            .expect("checkout listed");
        let why = &checkout["why"];
        let recent_oom = oom
            .iter()
            .filter(|t| {
                t.stopped_at()
                    .is_some_and(|at| at.secs() >= Utc::now().timestamp() - 15 * 60)
            })
            .count();
        assert_eq!(why["stopped"][0]["class"], "out_of_memory", "{why}");
        assert_eq!(why["stopped"][0]["count"], recent_oom, "{why}");
        assert_eq!(why["stopped"][0]["exit_code"], 137, "{why}");
        assert_eq!(
            why["verdict"].as_str(),
            failed.rollout_state_reason(),
            "{why}"
        );
        let feed = json_of(ecsnap(&emulator.endpoint(), home.path()).args([
            "events",
            "--grep",
            "DEPLOYMENT FAILED",
            "--json",
        ]));
        let first = feed.as_array().and_then(|l| l.first()).expect("an event");
        assert_eq!(first["service_name"], SERVICE);
        assert_eq!(
            first["message"].as_str(),
            s.events().first().and_then(|e| e.message())
        );

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

fn seconds(t: Option<&aws_sdk_ec2::primitives::DateTime>) -> Option<i64> {
    t.map(aws_sdk_ec2::primitives::DateTime::secs)
}

/// One demo emulator with fast dynamics and the fleet seeded.
fn moving_fleet(step: Duration) -> (Emulator, ecsnap::demo::DemoFleet) {
    let emulator = moving_emulator(&Dynamics { step, ..fast() });
    let fleet = block_on(seed(&emulator.endpoint())).expect("demo fleet");
    (emulator, fleet)
}

const API: (&str, &str) = ("payments-prod", "api");

async fn api_service(ecs: &aws_sdk_ecs::Client) -> Service {
    ecs.describe_services()
        .cluster(API.0)
        .services(API.1)
        .send()
        .await
        .expect("describe services")
        .services()
        .first()
        .cloned()
        .expect("the api service")
}

/// The service's tasks as the console's Tasks pane reads them: ListTasks (desired status
/// RUNNING) and DescribeTasks, kept to the service's group.
async fn api_tasks(ecs: &aws_sdk_ecs::Client) -> Vec<Task> {
    let arns = ecs
        .list_tasks()
        .cluster(API.0)
        .desired_status(DesiredStatus::Running)
        .send()
        .await
        .expect("list tasks")
        .task_arns()
        .to_vec();
    if arns.is_empty() {
        return Vec::new();
    }
    ecs.describe_tasks()
        .cluster(API.0)
        .set_tasks(Some(arns))
        .send()
        .await
        .expect("describe tasks")
        .tasks()
        .iter()
        .filter(|t| t.group() == Some("service:api"))
        .cloned()
        .collect()
}

fn running(tasks: &[Task]) -> BTreeSet<String> {
    tasks
        .iter()
        .filter(|t| t.last_status() == Some("RUNNING"))
        .filter_map(|t| t.task_arn().map(str::to_string))
        .collect()
}

/// Polls until `ok` holds for the service and its tasks. At every poll where two reads of
/// the service around the tasks' read agree, the counts must be the tasks': running ==
/// tasks RUNNING, pending == the others listed (the scale watch and the Tasks pane agree).
async fn until_tasks(
    ecs: &aws_sdk_ecs::Client,
    what: &str,
    ok: impl Fn(&Service, &[Task]) -> bool,
) -> (Service, Vec<Task>) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let before = api_service(ecs).await;
        let tasks = api_tasks(ecs).await;
        let after = api_service(ecs).await;
        let counts = |s: &Service| (s.running_count(), s.pending_count());
        if counts(&before) == counts(&after) {
            let up = i32::try_from(running(&tasks).len()).unwrap_or_default();
            let listed = i32::try_from(tasks.len()).unwrap_or_default();
            assert_eq!(
                counts(&after),
                (up, listed - up),
                "counts disagree with the tasks listed: {:?}",
                tasks.iter().map(Task::last_status).collect::<Vec<_>>()
            );
            if ok(&after, &tasks) {
                return (after, tasks);
            }
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: service {:?}, tasks {:?}",
            (
                after.desired_count(),
                after.running_count(),
                after.pending_count()
            ),
            tasks.iter().map(Task::last_status).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn messages(s: &Service) -> Vec<String> {
    s.events()
        .iter()
        .filter_map(|e| e.message().map(str::to_string))
        .collect()
}

// One scenario, step by step: each step depends on the one before.
#[expect(
    clippy::too_many_lines,
    reason = "scale up, stop, scale down in one run of the emulator, each step read back"
)]
#[test]
fn scale_and_stop_start_and_stop_tasks_as_the_service_scheduler_does() {
    let (emulator, _fleet) = moving_fleet(Duration::from_millis(300));
    block_on(async {
        let conf = emulator_config(&emulator.endpoint()).await;
        let ecs = aws_sdk_ecs::Client::new(&conf);
        let seeded = running(&api_tasks(&ecs).await);
        assert_eq!(seeded.len(), 2);

        // Scale 2 → 3: no new deployment; the answer does not claim the third task yet.
        let answer = ecs
            .update_service()
            .cluster(API.0)
            .service(API.1)
            .desired_count(3)
            .send()
            .await
            .expect("scale to 3");
        let s = answer.service().cloned().expect("the service");
        assert_eq!((s.desired_count(), s.running_count()), (3, 2));
        assert_eq!(s.deployments().len(), 1, "scaling starts no deployment");
        let primary = s.deployments()[0].id().unwrap_or_default().to_string();
        let (s, tasks) = until_tasks(&ecs, "3 running tasks", |s, t| {
            running(t).len() == 3 && s.running_count() == 3
        })
        .await;
        assert_eq!((s.running_count(), s.pending_count()), (3, 0));
        let d = &s.deployments()[0];
        assert_eq!(d.id(), Some(primary.as_str()));
        assert_eq!((d.desired_count(), d.running_count()), (3, 3));
        let started: Vec<&Task> = tasks
            .iter()
            .filter(|t| !seeded.contains(t.task_arn().unwrap_or_default()))
            .collect();
        assert_eq!(started.len(), 1);
        assert_eq!(started[0].started_by(), Some(primary.as_str()));
        let new_id = started[0]
            .task_arn()
            .and_then(|a| a.rsplit('/').next())
            .unwrap_or_default()
            .to_string();
        let events = messages(&s);
        assert!(
            events
                .iter()
                .any(|m| m.contains(&format!("has started 1 tasks: (task {new_id})"))),
            "{events:?}"
        );
        assert!(
            events[0].contains("has reached a steady state"),
            "{events:?}"
        );

        // StopTask: ECS's stop code for the user, and the scheduler starts a replacement.
        let victim = seeded.iter().next().cloned().unwrap_or_default();
        let stopped = ecs
            .stop_task()
            .cluster(API.0)
            .task(&victim)
            .reason("stopped from the e2e test")
            .send()
            .await
            .expect("stop task");
        let t = stopped.task().expect("the stopped task");
        assert_eq!(t.last_status(), Some("STOPPED"));
        assert_eq!(
            t.stop_code().map(aws_sdk_ecs::types::TaskStopCode::as_str),
            Some("UserInitiated")
        );
        let before: BTreeSet<String> = running(&tasks);
        let (s, tasks) = until_tasks(&ecs, "a replacement task", |s, t| {
            let now = running(t);
            now.len() == 3 && !now.contains(&victim) && s.running_count() == 3
        })
        .await;
        let replacement: Vec<String> = running(&tasks).difference(&before).cloned().collect();
        assert_eq!(replacement.len(), 1, "{replacement:?}");
        let replacement_id = replacement[0].rsplit('/').next().unwrap_or_default();
        assert!(
            messages(&s)
                .iter()
                .any(|m| m.contains(&format!("has started 1 tasks: (task {replacement_id})"))),
            "{:?}",
            messages(&s)
        );

        // Scale 3 → 1: the surplus is stopped by the scheduler, with its stop code.
        let before = running(&tasks);
        ecs.update_service()
            .cluster(API.0)
            .service(API.1)
            .desired_count(1)
            .send()
            .await
            .expect("scale to 1");
        let (s, tasks) = until_tasks(&ecs, "1 running task", |s, t| {
            running(t).len() == 1 && s.running_count() == 1
        })
        .await;
        assert_eq!(
            (
                s.deployments()[0].desired_count(),
                s.deployments()[0].running_count()
            ),
            (1, 1)
        );
        let surplus: Vec<String> = before.difference(&running(&tasks)).cloned().collect();
        assert_eq!(surplus.len(), 2, "{surplus:?}");
        let described = ecs
            .describe_tasks()
            .cluster(API.0)
            .set_tasks(Some(surplus))
            .send()
            .await
            .expect("describe the surplus");
        assert_eq!(described.tasks().len(), 2);
        for t in described.tasks() {
            assert_eq!(t.last_status(), Some("STOPPED"), "{t:?}");
            assert_eq!(
                t.stop_code().map(aws_sdk_ecs::types::TaskStopCode::as_str),
                Some("ServiceSchedulerInitiated"),
                "{t:?}"
            );
            assert_eq!(
                t.stopped_reason(),
                Some(format!("Scaling activity initiated by (deployment {primary})").as_str())
            );
        }
        assert!(
            messages(&s)
                .iter()
                .any(|m| m.contains("has stopped 2 running tasks")),
            "{:?}",
            messages(&s)
        );

        // A service nobody touched keeps the seeded story: `worker` is not steady (its
        // crashed task, stopped while seeding, belongs to no deployment: not replaced).
        let worker = ecs
            .describe_services()
            .cluster(API.0)
            .services("worker")
            .send()
            .await
            .expect("describe worker")
            .services()
            .first()
            .cloned()
            .expect("the worker service");
        assert_eq!((worker.desired_count(), worker.running_count()), (3, 2));
        assert!(
            !messages(&worker).iter().any(|m| m.contains("has started")),
            "{:?}",
            messages(&worker)
        );
    });
}

fn age_days(t: DateTime<Utc>) -> i64 {
    (Utc::now() - t).num_days()
}

/// The ids the seed set times for.
fn ids(set: &[(String, DateTime<Utc>)]) -> Vec<String> {
    set.iter().map(|(id, _)| id.clone()).collect()
}

/// Every resource the seed set a time for was read back (`read`: id, seconds) with it.
fn assert_times_as_set<'a>(
    read: impl Iterator<Item = (&'a str, Option<i64>)>,
    set: &[(String, DateTime<Utc>)],
) {
    let read: Vec<(&str, Option<i64>)> = read.collect();
    assert_eq!(read.len(), set.len());
    for (id, got) in read {
        let want = set
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, t)| t.timestamp());
        assert_eq!(got, want, "{id}");
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "every seeded resource's time read back, then the listing that uses them"
)]
#[test]
fn the_demo_fleet_has_realistic_ages_read_back_through_the_apis() {
    let (emulator, fleet) = moving_fleet(Duration::from_secs(2));
    let rollout = block_on(seed_failing_rollout(&emulator.endpoint())).expect("the rollout");
    backdate(&emulator, &fleet, Some(&rollout)).expect("the ages are set");
    let times = &fleet.times;
    assert_eq!(
        times.volumes.len(),
        fleet.orphan_volumes.len() + fleet.protected_volumes.len() + fleet.in_use_volumes.len()
    );
    block_on(async {
        let conf = emulator_config(&emulator.endpoint()).await;
        let ec2 = aws_sdk_ec2::Client::new(&conf);
        let ecr = aws_sdk_ecr::Client::new(&conf);

        // Volumes: CreateTime as set, orphans from days to months old.
        let out = ec2
            .describe_volumes()
            .set_volume_ids(Some(ids(&times.volumes)))
            .send()
            .await
            .expect("describe volumes");
        let read = out
            .volumes()
            .iter()
            .map(|v| (v.volume_id().unwrap_or_default(), seconds(v.create_time())));
        assert_times_as_set(read, &times.volumes);
        let orphan_days: Vec<i64> = times
            .volumes
            .iter()
            .filter(|(id, _)| fleet.orphan_volumes.contains(id))
            .map(|(_, t)| age_days(*t))
            .collect();
        assert!(orphan_days.iter().any(|d| *d <= 3), "{orphan_days:?}");
        assert!(orphan_days.iter().any(|d| *d >= 120), "{orphan_days:?}");

        // Snapshots: StartTime as set.
        let out = ec2
            .describe_snapshots()
            .set_snapshot_ids(Some(ids(&times.snapshots)))
            .send()
            .await
            .expect("describe snapshots");
        let read = out
            .snapshots()
            .iter()
            .map(|s| (s.snapshot_id().unwrap_or_default(), seconds(s.start_time())));
        assert_times_as_set(read, &times.snapshots);

        // Tags: pushed when set; a user's tag when its name says.
        let pushed = times.images.iter().chain(rollout.pushed.iter());
        for (repo, tag, at) in pushed {
            let out = ecr
                .describe_images()
                .repository_name(repo)
                .image_ids(
                    aws_sdk_ecr::types::ImageIdentifier::builder()
                        .image_tag(tag)
                        .build(),
                )
                .send()
                .await
                .expect("describe images");
            let got = out
                .image_details()
                .first()
                .and_then(|d| seconds(d.image_pushed_at()));
            assert_eq!(got, Some(at.timestamp()), "{repo}:{tag}");
            if let Some(named) = ecsnap::demo::fleet::tag_time(tag) {
                assert_eq!(
                    named.min(Utc::now()),
                    *at,
                    "{tag} pushed when its name says"
                );
            }
        }
        assert!(
            times
                .images
                .iter()
                .any(|(_, t, _)| t == "alice-20261115T0800")
        );
    });

    // ecsnap reads the ages as from AWS: --min-age 30 lists exactly the older orphans.
    let home = tempfile::tempdir().expect("a temp dir");
    let out = crate::emulator::json_of(
        crate::emulator::ecsnap(&emulator.endpoint(), home.path()).args([
            "orphans",
            "--min-age",
            "30",
            "--json",
        ]),
    );
    let ids = |key: &str, id: &str| -> BTreeSet<String> {
        out[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v[id].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let older = |all: &[String], times: &[(String, DateTime<Utc>)]| -> BTreeSet<String> {
        times
            .iter()
            .filter(|(id, t)| all.contains(id) && age_days(*t) >= 30)
            .map(|(id, _)| id.clone())
            .collect()
    };
    let want_volumes = older(&fleet.orphan_volumes, &times.volumes);
    assert!(
        !want_volumes.is_empty() && want_volumes.len() < fleet.orphan_volumes.len(),
        "some orphans are younger than 30 days, some older"
    );
    assert_eq!(ids("volumes", "volume_id"), want_volumes);
    assert_eq!(
        ids("snapshots", "snapshot_id"),
        older(&fleet.orphan_snapshots, &times.snapshots)
    );
    for v in out["volumes"].as_array().into_iter().flatten() {
        assert!(v["age_days"].as_i64().is_some_and(|d| d >= 30), "{v}");
    }

    // `--sort age`: oldest first, volumes and snapshots alike, as the demo dated them.
    let by_age = crate::emulator::json_of(
        crate::emulator::ecsnap(&emulator.endpoint(), home.path())
            .args(["orphans", "--sort", "age", "--json"]),
    );
    let listed = |key: &str, id: &str| -> Vec<String> {
        by_age[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v[id].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let oldest_first = |all: &[String], times: &[(String, DateTime<Utc>)]| -> Vec<String> {
        let mut dated: Vec<&(String, DateTime<Utc>)> =
            times.iter().filter(|(id, _)| all.contains(id)).collect();
        dated.sort_by_key(|(_, t)| *t);
        dated.into_iter().map(|(id, _)| id.clone()).collect()
    };
    assert_eq!(
        listed("volumes", "volume_id"),
        oldest_first(&fleet.orphan_volumes, &times.volumes)
    );
    assert_eq!(
        listed("snapshots", "snapshot_id"),
        oldest_first(&fleet.orphan_snapshots, &times.snapshots)
    );
}

#[test]
fn describe_services_answers_the_volume_configuration_as_created_and_updated() {
    use crate::archived_snapshot_tmux::{primary_snapshots, volume_from};
    use crate::emulator::{described_service, sdk};
    let emulator = moving_emulator(&Dynamics::default());
    let aws = sdk(&emulator.endpoint());
    let read = || described_service(&aws.ecs, "vault-prod", "ledger").expect("the service");
    crate::recover::seed_service_with(&aws.ecs, "vault-prod", Some(volume_from("snap-0aaa")));
    assert_eq!(primary_snapshots(&read()), ["snap-0aaa"]);

    // A new configuration: the new PRIMARY carries it, in UpdateService's answer already.
    let out = block_on(
        aws.ecs
            .update_service()
            .cluster("vault-prod")
            .service("ledger")
            .volume_configurations(volume_from("snap-0bbb"))
            .force_new_deployment(true)
            .send(),
    )
    .expect("update service");
    assert_eq!(
        primary_snapshots(out.service().expect("the service")),
        ["snap-0bbb"]
    );
    assert_eq!(primary_snapshots(&read()), ["snap-0bbb"]);

    // An update that does not name the volumes keeps them (ECS keeps what it was given).
    block_on(
        aws.ecs
            .update_service()
            .cluster("vault-prod")
            .service("ledger")
            .desired_count(2)
            .send(),
    )
    .expect("scale");
    assert_eq!(primary_snapshots(&read()), ["snap-0bbb"]);
}

/// The helper answers what moto lacks for a cleanup plan, as AWS does in an account
/// without either: no snapshot is locked (DescribeLockedSnapshots) and the region has no
/// Recycle Bin rule (ListRules), read through the SDK; so the demo's cleanup plan checks
/// both — no "not checked" note, every planned deletion permanent.
#[test]
fn the_demo_answers_no_snapshot_locks_and_no_recycle_bin_rules() {
    let (emulator, _fleet) = moving_fleet(Duration::from_hours(1));
    let endpoint = emulator.endpoint();
    block_on(async {
        let conf = emulator_config(&endpoint).await;
        let locked = aws_sdk_ec2::Client::new(&conf)
            .describe_locked_snapshots()
            .send()
            .await
            .expect("DescribeLockedSnapshots answers");
        assert!(locked.snapshots().is_empty(), "{locked:?}");
        let rules = aws_sdk_rbin::Client::new(&conf)
            .list_rules()
            .resource_type(aws_sdk_rbin::types::ResourceType::EbsSnapshot)
            .send()
            .await
            .expect("ListRules answers");
        assert!(rules.rules().is_empty(), "{rules:?}");
    });
    let home = tempfile::tempdir().expect("home");
    let plan = json_of(ecsnap(&endpoint, home.path()).args([
        "--json",
        "cleanup",
        "--snapshots",
        "--dry-run",
    ]));
    let notes = plan["notes"].to_string();
    assert!(!notes.contains("not checked"), "{notes}");
    let items = plan["items"].as_array().map_or(0, Vec::len);
    assert!(items > 0, "{plan}");
    assert_eq!(plan["totals"]["permanent"], items, "{plan}");
}

/// The `(service NAME) …` capacity events DescribeServices answers for `name`, newest
/// first, with their times.
async fn capacity_events(
    ecs: &aws_sdk_ecs::Client,
    name: &str,
) -> Vec<aws_sdk_ecs::primitives::DateTime> {
    let want = format!("(service {name}) {CAPACITY_UNAVAILABLE}");
    ecs.describe_services()
        .cluster("payments-prod")
        .services(name)
        .send()
        .await
        .expect("describe services")
        .services()
        .first()
        .map(|s| {
            s.events()
                .iter()
                .filter(|e| e.message() == Some(want.as_str()))
                .filter_map(|e| e.created_at().copied())
                .collect()
        })
        .unwrap_or_default()
}

/// The demo's `worker` (2 of 3 running, its crashed task never replaced) says why: ECS's
/// "unable to place a task … Capacity is unavailable" every three minutes since 13 minutes
/// before the demo started — and on while the service stays stuck.
#[test]
fn the_stuck_worker_says_why_every_few_minutes() {
    let (emulator, fleet) = moving_fleet(Duration::from_millis(500));
    backdate(&emulator, &fleet, None).expect("the ages and the stuck worker are set");
    block_on(async {
        let conf = emulator_config(&emulator.endpoint()).await;
        let ecs = aws_sdk_ecs::Client::new(&conf);
        let posted = capacity_events(&ecs, "worker").await;
        assert_eq!(posted.len(), 5, "{posted:?}");
        let gaps: Vec<i64> = posted
            .windows(2)
            .map(|w| w[0].secs() - w[1].secs())
            .collect();
        assert_eq!(gaps, vec![180; 4]);
        let since = fleet.times.stuck.first().map(|s| s.since.timestamp());
        assert_eq!(
            posted.last().map(aws_sdk_ecs::primitives::DateTime::secs),
            since
        );
        // Another service the emulator is told is stuck, every second from now: the helper
        // keeps posting the event while nothing moves the service.
        let stuck = ecsnap::demo::DemoFleet {
            account: fleet.account.clone(),
            times: SeedTimes {
                stuck: vec![StuckService {
                    cluster: "payments-prod".into(),
                    service: "notifier".into(),
                    message: CAPACITY_UNAVAILABLE.into(),
                    since: Utc::now(),
                    every: chrono::Duration::seconds(1),
                }],
                ..SeedTimes::default()
            },
            ..ecsnap::demo::DemoFleet::default()
        };
        backdate(&emulator, &stuck, None).expect("the notifier is stuck");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let posted = capacity_events(&ecs, "notifier").await;
            if posted.len() >= 3 {
                break;
            }
            assert!(Instant::now() < deadline, "{posted:?}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert_eq!(capacity_events(&ecs, "worker").await.len(), 5);
    });
}
