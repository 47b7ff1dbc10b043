//! A small, deterministic, realistic fleet seeded through the SDK into the emulator: two
//! clusters, eight services (one not steady: stuck on capacity), tasks, three users' snapshot tags with in-use
//! images, orphaned volumes (protected and ECS-created among them) and snapshots (one
//! AMI-backed, one of a live volume). It returns the ids of what it made, by category, so
//! tests can check ecsnap's answers against what must be true.

use aws_config::BehaviorVersion;
use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification, VolumeType};
use aws_sdk_ecs::types::{ContainerDefinition, LaunchType, NetworkMode};
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};

use crate::error::{Error, Result};

pub const REGION: &str = "us-east-1";
pub const USERS: [&str; 3] = ["alice", "bob", "carol"];
pub const SNAPSHOT_REPOSITORY: &str = "workspaces";
/// Six snapshot times per user, oldest first.
const SNAPSHOT_TIMES: [&str; 6] = [
    "20261115T0800",
    "20261116T0815",
    "20261118T1830",
    "20261120T0815",
    "20261121T2200",
    "20261122T0930",
];

/// Tag pairs for a resource.
type Tags<'a> = &'a [(&'a str, &'a str)];

/// When the seeded resources would have been made in a real account: the demo sets these
/// times in its emulator (moto stamps everything "now"; see [`super::ages`]), the other
/// end-to-end tests leave moto's. Absolute times, computed when the fleet is seeded.
#[derive(Debug, Clone, Default)]
pub struct SeedTimes {
    /// (volume id, CreateTime)
    pub volumes: Vec<(String, DateTime<Utc>)>,
    /// (snapshot id, StartTime)
    pub snapshots: Vec<(String, DateTime<Utc>)>,
    /// (repository, tag, imagePushedAt); a tag sharing its image with another (a user's
    /// `-latest`) is not listed: the image's time is its first tag's.
    pub images: Vec<(String, String, DateTime<Utc>)>,
    /// Services ECS cannot place a task for: the event it posts every few minutes.
    pub stuck: Vec<StuckService>,
}

/// A service ECS cannot place a task for (the demo's `worker`, 2 of 3 on Fargate): ECS posts
/// [`CAPACITY_UNAVAILABLE`] every `every` since `since`, as it retries.
#[derive(Debug, Clone)]
pub struct StuckService {
    pub cluster: String,
    pub service: String,
    /// The event's text after `(service NAME) `.
    pub message: String,
    pub since: DateTime<Utc>,
    pub every: Duration,
}

/// ECS's service event when Fargate has no capacity for a task it tries to place.
pub const CAPACITY_UNAVAILABLE: &str = "was unable to place a task. Reason: Capacity is \
    unavailable at this time. Please try again later or in a different availability zone. \
    For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.";

impl SeedTimes {
    /// `days` before `now`.
    fn days_ago(now: DateTime<Utc>, days: i64) -> DateTime<Utc> {
        now - Duration::days(days)
    }

    /// A push time a tag's name dates, never later than an hour before `now` (a clock set
    /// before the demo's story).
    fn named(now: DateTime<Utc>, at: DateTime<Utc>) -> DateTime<Utc> {
        at.min(now - Duration::hours(1))
    }
}

/// The push time a user's snapshot tag names (`alice-20261115T0800` → 2026-11-15 08:00 UTC).
pub fn tag_time(tag: &str) -> Option<DateTime<Utc>> {
    let stamp = tag.rsplit('-').next()?;
    NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M")
        .ok()
        .map(|t| t.and_utc())
}

/// A UTC time the demo's story names (`utc(2026, 11, 2, 9)`).
fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .unwrap_or_default()
}

/// What the seeding created, by the category it must land in.
#[derive(Debug, Clone, Default)]
pub struct DemoFleet {
    pub account: String,
    pub clusters: Vec<String>,
    /// (cluster, service)
    pub services: Vec<(String, String)>,
    pub not_steady: Vec<(String, String)>,
    /// Tasks per (cluster, service): (task ARN, live?)
    pub tasks: Vec<(String, String, String, bool)>,
    pub orphan_volumes: Vec<String>,
    pub protected_volumes: Vec<String>,
    pub in_use_volumes: Vec<String>,
    pub ecs_created_orphans: Vec<String>,
    pub orphan_snapshots: Vec<String>,
    pub protected_snapshots: Vec<String>,
    pub ami_snapshots: Vec<String>,
    pub live_volume_snapshots: Vec<String>,
    /// (repository, tag) pairs that services or live tasks use.
    pub in_use_tags: Vec<(String, String)>,
    /// (repository, tag) pairs that match no user.
    pub other_tags: Vec<(String, String)>,
    /// Realistic creation and push times for what was seeded (applied by the demo only).
    pub times: SeedTimes,
}

/// SDK config for the emulator: its endpoint, static fake credentials, us-east-1.
pub async fn emulator_config(endpoint: &str) -> aws_config::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(emulator_credentials())
        .load()
        .await
}

/// The emulator accepts any credentials; these fixed fake ones keep the user's real
/// credentials out of the demo and the tests.
pub fn emulator_credentials() -> aws_sdk_ecs::config::Credentials {
    aws_sdk_ecs::config::Credentials::new("test", "test", None, None, "ecsnap-emulator")
}

pub(super) fn seed_err(step: &str) -> impl Fn(String) -> Error + '_ {
    move |e| Error::Emulator(format!("seeding the demo fleet ({step}): {e}"))
}

macro_rules! sdk {
    ($step:expr, $call:expr) => {
        $call
            .await
            .map_err(|e| {
                use aws_sdk_ecs::error::ProvideErrorMetadata;
                match (e.code(), e.message()) {
                    (Some(code), Some(message)) => format!("{code}: {message}"),
                    _ => aws_sdk_ecs::error::DisplayErrorContext(e).to_string(),
                }
            })
            .map_err(seed_err($step))?
    };
}
pub(super) use sdk;

/// The account the emulator answers as (moto's default when it names none).
pub(super) async fn emulator_account(conf: &aws_config::SdkConfig) -> Result<String> {
    let sts = aws_sdk_sts::Client::new(conf);
    Ok(sdk!("sts", sts.get_caller_identity().send())
        .account()
        .unwrap_or("123456789012")
        .to_string())
}

/// The ECR registry host of `account` in the emulator's region.
pub(super) fn registry(account: &str) -> String {
    format!("{account}.dkr.ecr.{REGION}.amazonaws.com")
}

/// Creates the ECR repository `name`; the registry host of `account` it is in.
pub(super) async fn create_repository(
    ecr: &aws_sdk_ecr::Client,
    account: &str,
    name: &str,
) -> Result<String> {
    sdk!(
        "ecr repository",
        ecr.create_repository().repository_name(name).send()
    );
    Ok(registry(account))
}

/// The ARN of the task definition a RegisterTaskDefinition answered with (empty when none).
pub(super) fn registered_arn(
    out: &aws_sdk_ecs::operation::register_task_definition::RegisterTaskDefinitionOutput,
) -> String {
    out.task_definition()
        .and_then(|t| t.task_definition_arn())
        .unwrap_or_default()
        .to_string()
}

/// The id (or ARN) `id` reads off the first of `items` a create call answered with; empty
/// when it answered none.
pub(super) fn first_id<T>(items: &[T], id: impl Fn(&T) -> Option<&str>) -> String {
    items.first().and_then(id).unwrap_or_default().to_string()
}

fn tags(pairs: &[(&str, &str)], kind: ResourceType) -> TagSpecification {
    let mut spec = TagSpecification::builder().resource_type(kind);
    for (k, v) in pairs {
        spec = spec.tags(Tag::builder().key(*k).value(*v).build());
    }
    spec.build()
}

/// A manifest unique to `seed`, whose config size sets the image size moto reports.
pub(super) fn manifest(seed: &str, size: i64) -> String {
    let digest = |salt: &str| {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in seed.bytes().chain(salt.bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("sha256:{h:016x}{h:016x}{h:016x}{h:016x}")
    };
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":{size},"digest":"{}"}},"layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":{size},"digest":"{}"}}]}}"#,
        digest("config"),
        digest("layer")
    )
}

/// Seeds the fleet into an emptied emulator at `endpoint`.
pub async fn seed(endpoint: &str) -> Result<DemoFleet> {
    let conf = emulator_config(endpoint).await;
    let ecs = aws_sdk_ecs::Client::new(&conf);
    let ecr = aws_sdk_ecr::Client::new(&conf);
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let mut fleet = DemoFleet {
        account: emulator_account(&conf).await?,
        ..DemoFleet::default()
    };
    let registry = registry(&fleet.account);
    let now = Utc::now();
    seed_images(&ecr, &mut fleet, now).await?;
    seed_ecs(&ecs, &registry, &mut fleet).await?;
    // The worker's crashed task was never replaced: Fargate had no capacity, and ECS has
    // said so every three minutes since.
    fleet.times.stuck.push(StuckService {
        cluster: "payments-prod".into(),
        service: "worker".into(),
        message: CAPACITY_UNAVAILABLE.into(),
        since: now - Duration::minutes(13),
        every: Duration::minutes(3),
    });
    seed_ebs(&ec2, &mut fleet, now).await?;
    Ok(fleet)
}

async fn seed_images(
    ecr: &aws_sdk_ecr::Client,
    fleet: &mut DemoFleet,
    now: DateTime<Utc>,
) -> Result<()> {
    for repo in [SNAPSHOT_REPOSITORY, "api", "ledger"] {
        sdk!(
            "ecr repository",
            ecr.create_repository().repository_name(repo).send()
        );
    }
    let put = |repo: &'static str, tag: String, body: String| {
        ecr.put_image()
            .repository_name(repo)
            .image_tag(tag)
            .image_manifest(body)
            .send()
    };
    for (ui, user) in USERS.iter().enumerate() {
        for (ti, ts) in SNAPSHOT_TIMES.iter().enumerate() {
            let tag = format!("{user}-{ts}");
            let size = 310_000_000 + (ui as i64) * 97_000_000 + (ti as i64) * 23_500_000;
            sdk!(
                "ecr user tag",
                put(SNAPSHOT_REPOSITORY, tag.clone(), manifest(&tag, size))
            );
            // Pushed when its name says.
            if let Some(at) = tag_time(&tag) {
                fleet.times.images.push((
                    SNAPSHOT_REPOSITORY.into(),
                    tag.clone(),
                    SeedTimes::named(now, at),
                ));
            }
        }
        // The resume tag points at the newest snapshot.
        let newest = format!("{user}-{}", SNAPSHOT_TIMES[5]);
        let size = 310_000_000 + (ui as i64) * 97_000_000 + 5 * 23_500_000;
        sdk!(
            "ecr resume tag",
            put(
                SNAPSHOT_REPOSITORY,
                format!("{user}-latest"),
                manifest(&newest, size)
            )
        );
        fleet
            .other_tags
            .push((SNAPSHOT_REPOSITORY.into(), format!("{user}-latest")));
    }
    sdk!(
        "ecr base tag",
        put(
            SNAPSHOT_REPOSITORY,
            "base-2026.11".into(),
            manifest("base", 250_000_000)
        )
    );
    fleet
        .other_tags
        .push((SNAPSHOT_REPOSITORY.into(), "base-2026.11".into()));
    fleet.times.images.push((
        SNAPSHOT_REPOSITORY.into(),
        "base-2026.11".into(),
        SeedTimes::named(now, utc(2026, 11, 2, 9)),
    ));
    // api releases: weeks apart, the release candidate a few days ago.
    for (i, (tag, days)) in [("v1.4.0", 75), ("v1.5.0", 33), ("v1.6.0-rc1", 4)]
        .iter()
        .enumerate()
    {
        sdk!(
            "ecr api tag",
            put(
                "api",
                (*tag).to_string(),
                manifest(tag, 88_000_000 + i as i64 * 1_000_000)
            )
        );
        fleet.other_tags.push(("api".into(), (*tag).to_string()));
        fleet.times.images.push((
            "api".into(),
            (*tag).to_string(),
            SeedTimes::days_ago(now, *days),
        ));
    }
    for (tag, day) in [("2026.11.1", 5), ("2026.11.2", 19)] {
        sdk!(
            "ecr ledger tag",
            put("ledger", tag.to_string(), manifest(tag, 140_000_000))
        );
        fleet.other_tags.push(("ledger".into(), tag.to_string()));
        fleet.times.images.push((
            "ledger".into(),
            tag.to_string(),
            SeedTimes::named(now, utc(2026, 11, day, 14)),
        ));
    }
    Ok(())
}

struct ServiceSpec {
    cluster: &'static str,
    name: &'static str,
    desired: i32,
    /// (repository, tag) of each revision, oldest first; the service runs the last.
    revisions: &'static [(&'static str, &'static str)],
}

const SERVICES: [ServiceSpec; 8] = [
    ServiceSpec {
        cluster: "payments-prod",
        name: "api",
        desired: 2,
        revisions: &[("api", "v1.4.0"), ("api", "v1.5.0")],
    },
    ServiceSpec {
        cluster: "payments-prod",
        name: "ledger",
        desired: 2,
        revisions: &[("ledger", "2026.11.1"), ("ledger", "2026.11.2")],
    },
    ServiceSpec {
        cluster: "payments-prod",
        name: "worker",
        desired: 3,
        revisions: &[("api", "v1.5.0"), ("api", "v1.6.0-rc1")],
    },
    ServiceSpec {
        cluster: "payments-prod",
        name: "notifier",
        desired: 2,
        revisions: &[("api", "v1.5.0")],
    },
    ServiceSpec {
        cluster: "search-staging",
        name: "indexer",
        desired: 2,
        revisions: &[("api", "v1.5.0")],
    },
    ServiceSpec {
        cluster: "search-staging",
        name: "query",
        desired: 2,
        revisions: &[("api", "v1.5.0")],
    },
    ServiceSpec {
        cluster: "search-staging",
        name: "crawler",
        desired: 2,
        revisions: &[("api", "v1.4.0")],
    },
    ServiceSpec {
        cluster: "search-staging",
        name: "workspaces",
        desired: 2,
        revisions: &[
            ("workspaces", "bob-20261121T2200"),
            ("workspaces", "bob-20261122T0930"),
        ],
    },
];

async fn register(
    ecs: &aws_sdk_ecs::Client,
    family: &str,
    image: String,
    secret_env: bool,
) -> Result<String> {
    let mut container = ContainerDefinition::builder()
        .name("app")
        .image(image)
        .memory(512)
        .essential(true)
        .environment(
            aws_sdk_ecs::types::KeyValuePair::builder()
                .name("LOG_LEVEL")
                .value("info")
                .build(),
        );
    if secret_env {
        container = container.environment(
            aws_sdk_ecs::types::KeyValuePair::builder()
                .name("DB_PASSWORD")
                .value("demo-not-a-real-password")
                .build(),
        );
    }
    register_container(ecs, "ecs task definition", family, container.build()).await
}

/// Registers a task definition of one container in `family` (bridge network, as every
/// demo task runs); its ARN. `step` names it in a seeding error.
pub async fn register_container(
    ecs: &aws_sdk_ecs::Client,
    step: &str,
    family: &str,
    container: ContainerDefinition,
) -> Result<String> {
    let out = sdk!(
        step,
        ecs.register_task_definition()
            .family(family)
            .network_mode(NetworkMode::Bridge)
            .container_definitions(container)
            .send()
    );
    Ok(registered_arn(&out))
}

/// Starts `count` tasks of `task_definition` in `group` (`service:NAME` for a service's,
/// as ECS's scheduler starts them: `started_by` its deployment); their ARNs.
pub async fn run_tasks(
    ecs: &aws_sdk_ecs::Client,
    cluster: &str,
    task_definition: &str,
    group: &str,
    count: i32,
) -> Result<Vec<String>> {
    let out = sdk!(
        "ecs run task",
        ecs.run_task()
            .cluster(cluster)
            .task_definition(task_definition)
            .launch_type(LaunchType::Fargate)
            .group(group)
            .started_by("ecs-svc/demo")
            .count(count)
            .send()
    );
    Ok(out
        .tasks()
        .iter()
        .filter_map(|t| t.task_arn().map(str::to_string))
        .collect())
}

async fn seed_ecs(ecs: &aws_sdk_ecs::Client, registry: &str, fleet: &mut DemoFleet) -> Result<()> {
    for cluster in ["payments-prod", "search-staging"] {
        sdk!(
            "ecs cluster",
            ecs.create_cluster().cluster_name(cluster).send()
        );
        fleet.clusters.push(cluster.to_string());
    }
    for spec in &SERVICES {
        let mut arn = String::new();
        for (repo, tag) in spec.revisions {
            arn = register(
                ecs,
                spec.name,
                format!("{registry}/{repo}:{tag}"),
                spec.name == "ledger",
            )
            .await?;
        }
        let (repo, tag) = spec.revisions[spec.revisions.len() - 1];
        fleet.in_use_tags.push((repo.to_string(), tag.to_string()));
        sdk!(
            "ecs service",
            ecs.create_service()
                .cluster(spec.cluster)
                .service_name(spec.name)
                .task_definition(&arn)
                .desired_count(spec.desired)
                .send()
        );
        fleet.services.push((spec.cluster.into(), spec.name.into()));
        if spec.desired.to_string() != super::emulator::DEMO_SERVICE_RUNNING {
            fleet
                .not_steady
                .push((spec.cluster.into(), spec.name.into()));
        }
        let group = format!("service:{}", spec.name);
        for task in run_tasks(ecs, spec.cluster, &arn, &group, spec.desired.min(2)).await? {
            fleet
                .tasks
                .push((spec.cluster.into(), spec.name.into(), task, true));
        }
    }
    // A worker task that crashed.
    let worker_td = format!("{registry}/api:v1.6.0-rc1");
    let crashed_td = register(ecs, "worker", worker_td, false).await?;
    for task in run_tasks(ecs, "payments-prod", &crashed_td, "service:worker", 1).await? {
        sdk!(
            "ecs stop task",
            ecs.stop_task()
                .cluster("payments-prod")
                .task(&task)
                .reason("Essential container in task exited: OutOfMemoryError: Container killed due to memory usage")
                .send()
        );
        fleet
            .tasks
            .push(("payments-prod".into(), "worker".into(), task, false));
    }
    // An interactive session of alice's, on an older snapshot, outside any service.
    let session_tag = format!("alice-{}", SNAPSHOT_TIMES[3]);
    let session_td = register(
        ecs,
        "session",
        format!("{registry}/{SNAPSHOT_REPOSITORY}:{session_tag}"),
        false,
    )
    .await?;
    run_tasks(ecs, "search-staging", &session_td, "family:session", 1).await?;
    fleet
        .in_use_tags
        .push((SNAPSHOT_REPOSITORY.into(), session_tag));
    Ok(())
}

async fn create_volume(
    ec2: &aws_sdk_ec2::Client,
    size: i32,
    kind: VolumeType,
    tag_pairs: &[(&str, &str)],
) -> Result<String> {
    let out = sdk!(
        "ec2 volume",
        ec2.create_volume()
            .availability_zone(format!("{REGION}a"))
            .size(size)
            .set_iops(matches!(kind, VolumeType::Io1 | VolumeType::Io2).then_some(3000))
            .volume_type(kind)
            .set_tag_specifications(
                (!tag_pairs.is_empty()).then(|| vec![tags(tag_pairs, ResourceType::Volume)])
            )
            .send()
    );
    Ok(out.volume_id().unwrap_or_default().to_string())
}

/// The demo's ECS container host (its root volume is in use): the first instance there
/// is, else one started now.
pub(super) async fn container_host(ec2: &aws_sdk_ec2::Client) -> Result<String> {
    let described = sdk!("ec2 describe instances", ec2.describe_instances().send());
    let running = described
        .reservations()
        .iter()
        .flat_map(aws_sdk_ec2::types::Reservation::instances)
        .find_map(aws_sdk_ec2::types::Instance::instance_id);
    if let Some(id) = running {
        return Ok(id.to_string());
    }
    let run = sdk!(
        "ec2 instance",
        ec2.run_instances()
            .image_id("ami-12345678")
            .min_count(1)
            .max_count(1)
            .send()
    );
    Ok(first_id(
        run.instances(),
        aws_sdk_ec2::types::Instance::instance_id,
    ))
}

/// A gp3 volume of `size` GiB tagged `tag_pairs`, attached to `instance` at `device`: in
/// use, never an orphan.
pub(super) async fn in_use_volume(
    ec2: &aws_sdk_ec2::Client,
    (instance, device): (&str, &str),
    size: i32,
    tag_pairs: &[(&str, &str)],
) -> Result<String> {
    let id = create_volume(ec2, size, VolumeType::Gp3, tag_pairs).await?;
    sdk!(
        "ec2 attach",
        ec2.attach_volume()
            .volume_id(&id)
            .instance_id(instance)
            .device(device)
            .send()
    );
    Ok(id)
}

pub(super) async fn create_snapshot(
    ec2: &aws_sdk_ec2::Client,
    volume: &str,
    tag_pairs: &[(&str, &str)],
    description: &str,
) -> Result<String> {
    let out = sdk!(
        "ec2 snapshot",
        ec2.create_snapshot()
            .volume_id(volume)
            .description(description)
            .tag_specifications(tags(tag_pairs, ResourceType::Snapshot))
            .send()
    );
    Ok(out.snapshot_id().unwrap_or_default().to_string())
}

#[allow(
    clippy::too_many_lines,
    reason = "one list of the demo's volumes and snapshots, each with why it is there: read \
              top to bottom like the fleet description in the README"
)]
async fn seed_ebs(
    ec2: &aws_sdk_ec2::Client,
    fleet: &mut DemoFleet,
    now: DateTime<Utc>,
) -> Result<()> {
    let ago = |days| SeedTimes::days_ago(now, days);
    // An ECS container host; its root volume is in use.
    let instance = container_host(ec2).await?;
    // ECS-managed volumes of the ledger tasks, attached and in use.
    let ecs_tags = [
        ("AmazonECSCreated", "true"),
        ("aws:ecs:clusterName", "payments-prod"),
        ("aws:ecs:serviceName", "ledger"),
    ];
    for device in ["/dev/sdf", "/dev/sdg"] {
        let id = in_use_volume(ec2, (&instance, device), 50, &ecs_tags).await?;
        fleet.times.volumes.push((id.clone(), ago(34)));
        fleet.in_use_volumes.push(id);
    }
    let live = fleet.in_use_volumes[0].clone();
    let nightly = create_snapshot(
        ec2,
        &live,
        &[("Name", "ledger-nightly")],
        "nightly ledger backup",
    )
    .await?;
    fleet.times.snapshots.push((nightly.clone(), ago(1)));
    fleet.live_volume_snapshots.push(nightly);

    // Orphaned volumes: left behind by stopped tasks, deleted services and hand work; with
    // the days since each was created.
    let orphans: [(i32, VolumeType, Tags<'_>, i64); 12] = [
        (
            100,
            VolumeType::Gp3,
            &[
                ("AmazonECSCreated", "true"),
                ("aws:ecs:clusterName", "payments-prod"),
                ("aws:ecs:serviceName", "ledger"),
            ],
            3,
        ),
        (
            100,
            VolumeType::Gp3,
            &[
                ("AmazonECSCreated", "true"),
                ("aws:ecs:clusterName", "payments-prod"),
                ("aws:ecs:serviceName", "ledger"),
            ],
            12,
        ),
        (
            200,
            VolumeType::Gp3,
            &[
                ("AmazonECSManaged", "true"),
                ("aws:ecs:clusterName", "search-staging"),
                ("aws:ecs:serviceName", "reports"),
            ],
            45,
        ),
        (30, VolumeType::Gp2, &[("AmazonECSCreated", "true")], 120),
        (
            500,
            VolumeType::St1,
            &[("Name", "old-logs"), ("managed-by", "terraform")],
            200,
        ),
        (1000, VolumeType::Sc1, &[("Name", "cold-archive")], 300),
        (64, VolumeType::Io2, &[("Name", "db-scratch")], 8),
        (8, VolumeType::Gp2, &[("Name", "bastion-root-copy")], 60),
        (20, VolumeType::Gp3, &[("Name", "alice-scratch")], 21),
        (20, VolumeType::Gp3, &[("Name", "bob-scratch")], 2),
        (250, VolumeType::Gp3, &[("Name", "migration-2026-10")], 40),
        (16, VolumeType::Standard, &[], 90),
    ];
    for (i, (size, kind, tag_pairs, days)) in orphans.iter().enumerate() {
        let id = create_volume(ec2, *size, kind.clone(), tag_pairs).await?;
        fleet.times.volumes.push((id.clone(), ago(*days)));
        if i < 4 {
            fleet.ecs_created_orphans.push(id.clone());
        }
        fleet.orphan_volumes.push(id);
    }
    let hold = create_volume(
        ec2,
        300,
        VolumeType::Gp3,
        &[("Name", "compliance-hold"), ("ecsnap:keep", "legal")],
    )
    .await?;
    fleet.times.volumes.push((hold.clone(), ago(400)));
    fleet.protected_volumes.push(hold);

    // Snapshots whose volume is gone, with the days since each was taken.
    for (size, name, days) in [
        (100, "pre-upgrade", 75),
        (40, "ad-hoc", 16),
        (250, "migration-2026-10", 41),
    ] {
        let vol = create_volume(ec2, size, VolumeType::Gp3, &[]).await?;
        let snapshot = create_snapshot(ec2, &vol, &[("Name", name)], name).await?;
        fleet.times.snapshots.push((snapshot.clone(), ago(days)));
        fleet.orphan_snapshots.push(snapshot);
        sdk!(
            "ec2 delete volume",
            ec2.delete_volume().volume_id(&vol).send()
        );
    }
    let vol = create_volume(ec2, 60, VolumeType::Gp3, &[]).await?;
    let audit = create_snapshot(ec2, &vol, &[("ecsnap:keep", "true")], "quarterly audit").await?;
    fleet.times.snapshots.push((audit.clone(), ago(160)));
    fleet.protected_snapshots.push(audit);
    sdk!(
        "ec2 delete volume",
        ec2.delete_volume().volume_id(&vol).send()
    );

    // An AMI: its snapshot must never be offered for deletion.
    let image = sdk!(
        "ec2 register image",
        ec2.register_image()
            .name("ecs-host-golden-2026-11")
            .root_device_name("/dev/xvda")
            .send()
    );
    let ami_id = image.image_id().unwrap_or_default().to_string();
    let described = sdk!(
        "ec2 describe image",
        ec2.describe_images().image_ids(&ami_id).send()
    );
    for img in described.images() {
        for m in img.block_device_mappings() {
            if let Some(s) = m.ebs().and_then(|e| e.snapshot_id()) {
                fleet.times.snapshots.push((s.to_string(), ago(35)));
                fleet.ami_snapshots.push(s.to_string());
            }
        }
    }
    Ok(())
}
