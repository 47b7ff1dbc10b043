//! The demo's deployment waiting for a person: `payments-prod/gateway` deploys the 2026
//! way — a CANARY deployment (10 % of production traffic first) with a PAUSE lifecycle hook
//! at PRODUCTION_TRAFFIC_SHIFT that waits 15 minutes, then rolls back by itself
//! (`timeoutAction` ROLLBACK). Its service revisions carry the images by digest and a
//! managed EBS volume started from a snapshot. With the emulator's dynamics on (see
//! [`super::dynamics`]) the deployment goes through its lifecycle stages in a few seconds
//! and stops at the hook: ContinueServiceDeployment CONTINUE finishes it (traffic shift,
//! bake, clean-up, SUCCESSFUL); CONTINUE with ROLLBACK, StopServiceDeployment ROLLBACK or
//! the hook's timeout return the service to the running revision (ROLLBACK_SUCCESSFUL).
//! Its tasks' copies of the volume and their nightly snapshot ([`super::route_cache`])
//! give the rollback picker's EBS mode a snapshot to offer.
//!
//! Seeded only by `ecsnap demo` (and its end-to-end tests), on top of the demo fleet.

use aws_sdk_ecs::types::{
    CanaryConfiguration, ContainerDefinition, DeploymentCircuitBreaker, DeploymentConfiguration,
    DeploymentLifecycleHook, DeploymentLifecycleHookAction, DeploymentLifecycleHookStage,
    DeploymentLifecycleHookTargetType, DeploymentLifecycleHookTimeoutConfiguration,
    DeploymentStrategy, ServiceManagedEbsVolumeConfiguration, ServiceVolumeConfiguration,
};

use super::fleet::{
    create_repository, emulator_account, emulator_config, manifest, register_container, run_tasks,
    sdk, seed_err,
};
use super::route_cache::{RouteCache, seed_route_cache};
use crate::error::Result;

pub const CLUSTER: &str = "payments-prod";
pub const SERVICE: &str = "gateway";
pub const REPOSITORY: &str = "gateway";
/// The image tag of each revision, oldest first: the service runs the first and deploys
/// the second as a canary.
pub const TAGS: [&str; 2] = ["2026.12.1", "2026.12.2"];
/// The share of production traffic the canary takes first, in percent.
pub const CANARY_PERCENT: f64 = 10.0;
/// How long the PAUSE hook waits for a person before it rolls the deployment back.
pub const HOOK_TIMEOUT_MINUTES: i32 = 15;
/// The managed EBS volume's name in the service's volume configuration.
pub const VOLUME: &str = "route-cache";
/// The managed EBS volume's size.
const VOLUME_GIB: i32 = 50;
/// The role ECS would use to manage the volume (the emulator does not check it).
const INFRASTRUCTURE_ROLE: &str = "role/ecsInfrastructureRole";
const DESIRED: i32 = 2;

/// What was seeded: the revisions' task-definition ARNs (oldest first), the snapshot the
/// service's managed EBS volume starts from, and the volume's copies with their snapshot.
#[derive(Debug, Clone, Default)]
pub struct PausedCanary {
    pub revisions: Vec<String>,
    pub snapshot: String,
    /// The volume's copies in use by the running tasks and their nightly snapshot: what
    /// the rollback picker's EBS mode offers.
    pub route_cache: RouteCache,
}

impl PausedCanary {
    /// The revision the service runs (and a rollback returns to).
    pub fn running(&self) -> &str {
        self.revisions.first().map_or("", String::as_str)
    }

    /// The revision the canary deploys.
    pub fn canary(&self) -> &str {
        self.revisions.last().map_or("", String::as_str)
    }
}

fn deployment_configuration() -> DeploymentConfiguration {
    let pause = DeploymentLifecycleHook::builder()
        .target_type(DeploymentLifecycleHookTargetType::Pause)
        .lifecycle_stages(DeploymentLifecycleHookStage::ProductionTrafficShift)
        .timeout_configuration(
            DeploymentLifecycleHookTimeoutConfiguration::builder()
                .timeout_in_minutes(HOOK_TIMEOUT_MINUTES)
                .action(DeploymentLifecycleHookAction::Rollback)
                .build(),
        )
        .build();
    DeploymentConfiguration::builder()
        .strategy(DeploymentStrategy::Canary)
        .canary_configuration(
            CanaryConfiguration::builder()
                .canary_percent(CANARY_PERCENT)
                .canary_bake_time_in_minutes(5)
                .build(),
        )
        .bake_time_in_minutes(10)
        .lifecycle_hooks(pause)
        .deployment_circuit_breaker(
            DeploymentCircuitBreaker::builder()
                .enable(true)
                .rollback(true)
                .build(),
        )
        .build()
}

/// Seeds the canary into an emulator that holds the demo fleet (the cluster exists) and
/// starts it: the last step is the UpdateService the dynamics pick up. `snapshot` is the
/// EBS snapshot the service's managed volume starts from.
pub async fn seed_paused_canary(endpoint: &str, snapshot: &str) -> Result<PausedCanary> {
    let conf = emulator_config(endpoint).await;
    let ecs = aws_sdk_ecs::Client::new(&conf);
    let ecr = aws_sdk_ecr::Client::new(&conf);
    let account = emulator_account(&conf).await?;
    let registry = create_repository(&ecr, &account, REPOSITORY).await?;
    let mut canary = PausedCanary {
        snapshot: snapshot.to_string(),
        ..PausedCanary::default()
    };
    for (i, tag) in TAGS.iter().enumerate() {
        sdk!(
            "ecr gateway tag",
            ecr.put_image()
                .repository_name(REPOSITORY)
                .image_tag(*tag)
                .image_manifest(manifest(
                    &format!("gateway-{tag}"),
                    64_000_000 + i as i64 * 1_000_000
                ))
                .send()
        );
        let container = ContainerDefinition::builder()
            .name("app")
            .image(format!("{registry}/{REPOSITORY}:{tag}"))
            .memory(512)
            .essential(true)
            .build();
        canary.revisions.push(
            register_container(&ecs, "ecs gateway task definition", SERVICE, container).await?,
        );
    }
    let volume = ServiceVolumeConfiguration::builder()
        .name(VOLUME)
        .managed_ebs_volume(
            ServiceManagedEbsVolumeConfiguration::builder()
                .role_arn(format!("arn:aws:iam::{account}:{INFRASTRUCTURE_ROLE}"))
                .snapshot_id(snapshot)
                .size_in_gib(VOLUME_GIB)
                .volume_type("gp3")
                .build()
                .map_err(|e| seed_err("gateway volume")(e.to_string()))?,
        )
        .build()
        .map_err(|e| seed_err("gateway volume")(e.to_string()))?;
    sdk!(
        "ecs gateway service",
        ecs.create_service()
            .cluster(CLUSTER)
            .service_name(SERVICE)
            .task_definition(canary.running())
            .desired_count(DESIRED)
            .deployment_configuration(deployment_configuration())
            .volume_configurations(volume)
            .send()
    );
    run_tasks(
        &ecs,
        CLUSTER,
        canary.running(),
        &format!("service:{SERVICE}"),
        DESIRED,
    )
    .await?;
    let tasks = usize::try_from(DESIRED).unwrap_or_default();
    canary.route_cache = seed_route_cache(
        &aws_sdk_ec2::Client::new(&conf),
        (CLUSTER, SERVICE),
        tasks,
        VOLUME_GIB,
    )
    .await?;
    sdk!(
        "ecs gateway canary",
        ecs.update_service()
            .cluster(CLUSTER)
            .service(SERVICE)
            .task_definition(canary.canary())
            .send()
    );
    Ok(canary)
}
