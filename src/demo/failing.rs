//! The demo's 3am story: `payments-prod/checkout` runs a good revision with two tasks, and a
//! new revision that halves the container's memory is being rolled out. With the emulator's
//! rollout dynamics on (see [`super::dynamics`]) its tasks start, log to CloudWatch Logs, are
//! killed for out of memory (exit 137) and, after about a minute, the circuit breaker marks
//! the rollout FAILED; rolling back to the previous revision converges in seconds.
//!
//! Seeded only by `ecsnap demo` (and its end-to-end test), on top of the demo fleet: the
//! other end-to-end tests keep the fleet they know.

use aws_sdk_ecs::types::{
    ContainerDefinition, DeploymentCircuitBreaker, DeploymentConfiguration, KeyValuePair,
    LogConfiguration, LogDriver,
};

use chrono::{DateTime, Duration, Utc};

use super::fleet::{
    REGION, create_repository, emulator_account, emulator_config, manifest, register_container,
    run_tasks, sdk, seed_err,
};
use crate::error::Result;

pub const CLUSTER: &str = "payments-prod";
pub const SERVICE: &str = "checkout";
pub const REPOSITORY: &str = "checkout";
pub const LOG_GROUP: &str = "/ecs/payments-prod/checkout";
pub const STREAM_PREFIX: &str = "checkout";
/// Image tag and memory (MiB) of each revision, oldest first: the last one cannot hold
/// its working set (`dynamics::WORKING_SET_MIB`) and is killed for out of memory.
pub const REVISIONS: [(&str, i32); 3] =
    [("2026.11.3", 512), ("2026.11.4", 512), ("2026.12.0", 256)];
/// How long before the demo each revision's image was pushed, in minutes (12 days, 6 days,
/// 40 minutes: the bad one was pushed just before its rollout).
const PUSHED_MINUTES_AGO: [i64; 3] = [12 * 24 * 60, 6 * 24 * 60, 40];
const DESIRED: i32 = 2;

/// What was seeded: the revisions' ARNs, oldest first (the service runs the second and is
/// rolling out the third).
#[derive(Debug, Clone, Default)]
pub struct FailingRollout {
    pub revisions: Vec<String>,
    /// The two tasks of the good revision that keep serving.
    pub tasks: Vec<String>,
    /// When each revision's image was pushed (repository, tag, time): the bad one shortly
    /// before its rollout, the others days before (set by the demo, see `super::ages`).
    pub pushed: Vec<(String, String, DateTime<Utc>)>,
}

impl FailingRollout {
    /// The good revision a rollback goes back to.
    pub fn good(&self) -> &str {
        self.revisions.get(1).map_or("", String::as_str)
    }

    /// The revision whose rollout fails.
    pub fn bad(&self) -> &str {
        self.revisions.last().map_or("", String::as_str)
    }
}

fn container(registry: &str, tag: &str, memory: i32) -> Result<ContainerDefinition> {
    let logs = LogConfiguration::builder()
        .log_driver(LogDriver::Awslogs)
        .options("awslogs-group", LOG_GROUP)
        .options("awslogs-region", REGION)
        .options("awslogs-stream-prefix", STREAM_PREFIX)
        .build()
        .map_err(|e| seed_err("log configuration")(e.to_string()))?;
    Ok(ContainerDefinition::builder()
        .name("app")
        .image(format!("{registry}/{REPOSITORY}:{tag}"))
        .memory(memory)
        .essential(true)
        .environment(
            KeyValuePair::builder()
                .name("CATALOGUE_CACHE")
                .value("warm")
                .build(),
        )
        .log_configuration(logs)
        .build())
}

/// When each revision's image was pushed, `now` being the demo's start.
fn pushed_times(now: DateTime<Utc>) -> Vec<(String, String, DateTime<Utc>)> {
    REVISIONS
        .iter()
        .zip(PUSHED_MINUTES_AGO)
        .map(|((tag, _), minutes)| {
            (
                REPOSITORY.to_string(),
                (*tag).to_string(),
                now - Duration::minutes(minutes),
            )
        })
        .collect()
}

/// Seeds the failing rollout into an emulator that holds the demo fleet (the cluster
/// exists) and starts it: the last step is the UpdateService the dynamics pick up.
pub async fn seed_failing_rollout(endpoint: &str) -> Result<FailingRollout> {
    let conf = emulator_config(endpoint).await;
    let ecs = aws_sdk_ecs::Client::new(&conf);
    let ecr = aws_sdk_ecr::Client::new(&conf);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&conf);
    let account = emulator_account(&conf).await?;
    let registry = create_repository(&ecr, &account, REPOSITORY).await?;
    for (i, (tag, _)) in REVISIONS.iter().enumerate() {
        sdk!(
            "ecr checkout tag",
            ecr.put_image()
                .repository_name(REPOSITORY)
                .image_tag(*tag)
                .image_manifest(manifest(
                    &format!("checkout-{tag}"),
                    120_000_000 + i as i64 * 2_000_000
                ))
                .send()
        );
    }
    sdk!(
        "logs group",
        logs.create_log_group().log_group_name(LOG_GROUP).send()
    );
    let mut rollout = FailingRollout {
        pushed: pushed_times(Utc::now()),
        ..FailingRollout::default()
    };
    for (tag, memory) in REVISIONS {
        rollout.revisions.push(
            register_container(
                &ecs,
                "ecs checkout task definition",
                SERVICE,
                container(&registry, tag, memory)?,
            )
            .await?,
        );
    }
    let breaker = DeploymentCircuitBreaker::builder()
        .enable(true)
        .rollback(false)
        .build();
    sdk!(
        "ecs checkout service",
        ecs.create_service()
            .cluster(CLUSTER)
            .service_name(SERVICE)
            .task_definition(rollout.good())
            .desired_count(DESIRED)
            .deployment_configuration(
                DeploymentConfiguration::builder()
                    .deployment_circuit_breaker(breaker)
                    .build()
            )
            .send()
    );
    rollout.tasks = run_tasks(
        &ecs,
        CLUSTER,
        rollout.good(),
        &format!("service:{SERVICE}"),
        DESIRED,
    )
    .await?;
    sdk!(
        "ecs checkout rollout",
        ecs.update_service()
            .cluster(CLUSTER)
            .service(SERVICE)
            .task_definition(rollout.bad())
            .send()
    );
    Ok(rollout)
}
