//! `recover` against aws-smithy-mocks, for what moto cannot show (it drops services'
//! volume configurations): the UpdateService request keeps the managed volume's role, size
//! and type and changes only the snapshot id; the snapshot is created from the orphan,
//! tagged as a kept safety snapshot and awaited with progress (no real sleeping); a service
//! that reports no configuration gets a whole one for its task definition's volume
//! configured at launch; and every refusal (unknown origin, service gone, no managed EBS
//! volume, read-only mode) sends nothing.

use crate::asserts::assert_has;
use crate::ecs_volumes::managed_ebs_volume;
use crate::mocked::{EBS_ROLE as ROLE, MockAws, audited, block_on, configures_ebs_from};
use aws_sdk_ec2::config::retry::RetryConfig;
use aws_sdk_ec2::operation::create_snapshot::CreateSnapshotOutput;
use aws_sdk_ec2::operation::describe_snapshots::DescribeSnapshotsOutput;
use aws_sdk_ec2::operation::describe_volumes::DescribeVolumesOutput;
use aws_sdk_ec2::types::{SnapshotState, Tag, VolumeState, VolumeType};
use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
use aws_sdk_ecs::operation::describe_task_definition::DescribeTaskDefinitionOutput;
use aws_sdk_ecs::operation::list_clusters::ListClustersOutput;
use aws_sdk_ecs::operation::list_services::ListServicesOutput;
use aws_sdk_ecs::operation::update_service::UpdateServiceOutput;
use aws_sdk_ecs::types::{
    ContainerDefinition, Deployment, MountPoint, Service, ServiceVolumeConfiguration,
    TaskDefinition,
};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use ecsnap::aws::{AwsClients, OpsClients};
use ecsnap::ops::audit::read_entries;
use ecsnap::ops::guard::{Mutator, ReadOnly};
use ecsnap::ops::recover::{self, ConfigSource, RecoverOptions, RecoverProgress};
use ecsnap::ops::wait::FakeClock;

const TD: &str = "arn:aws:ecs:us-east-1:111122223333:task-definition/ledger:4";
const CLUSTER_ARN: &str = "arn:aws:ecs:us-east-1:111122223333:cluster/payments-prod";
const VOL: &str = "vol-0orphan000000001";

fn clients(ecs: &[&Rule], ec2: &[&Rule]) -> (AwsClients, OpsClients) {
    let ecs = mock_client!(aws_sdk_ecs, RuleMode::MatchAny, ecs, |c| c
        .retry_config(aws_sdk_ecs::config::retry::RetryConfig::disabled()));
    let ec2 = mock_client!(aws_sdk_ec2, RuleMode::MatchAny, ec2, |c| c
        .retry_config(RetryConfig::disabled()));
    MockAws {
        ecs,
        ec2,
        ..MockAws::default()
    }
    .clients_and_ops()
}

/// The orphan as DescribeVolumes answers it, with these tags.
fn volumes_rule(tags: &'static [(&'static str, &'static str)]) -> Rule {
    mock!(aws_sdk_ec2::Client::describe_volumes)
        .match_requests(|r| {
            r.filters()
                .iter()
                .any(|f| f.name() == Some("volume-id") && f.values() == [VOL])
        })
        .then_output(move || {
            let mut v = aws_sdk_ec2::types::Volume::builder()
                .volume_id(VOL)
                .size(50)
                .volume_type(VolumeType::Gp3)
                .state(VolumeState::Available);
            for (k, val) in tags {
                v = v.tags(Tag::builder().key(*k).value(*val).build());
            }
            DescribeVolumesOutput::builder().volumes(v.build()).build()
        })
}

const ECS_TAGS: &[(&str, &str)] = &[
    ("AmazonECSCreated", "true"),
    ("aws:ecs:clusterName", "payments-prod"),
    ("aws:ecs:serviceName", "ledger"),
];

fn config(snapshot: &str) -> ServiceVolumeConfiguration {
    managed_ebs_volume(ROLE, snapshot, 100)
}

fn service(deployment: &str, volume: Option<ServiceVolumeConfiguration>) -> Service {
    let mut d = Deployment::builder()
        .id(deployment)
        .status("PRIMARY")
        .task_definition(TD);
    if let Some(c) = volume {
        d = d.volume_configurations(c);
    }
    Service::builder()
        .service_name("ledger")
        .cluster_arn(CLUSTER_ARN)
        .status("ACTIVE")
        .task_definition(TD)
        .desired_count(2)
        .deployments(d.build())
        .build()
}

fn clusters_rule() -> Rule {
    mock!(aws_sdk_ecs::Client::list_clusters).then_output(|| {
        ListClustersOutput::builder()
            .cluster_arns(CLUSTER_ARN)
            .build()
    })
}

fn services_rule(volume: bool) -> Rule {
    mock!(aws_sdk_ecs::Client::describe_services).then_output(move || {
        DescribeServicesOutput::builder()
            .services(service(
                "ecs-svc/1",
                volume.then(|| config("snap-0previous")),
            ))
            .build()
    })
}

/// The task definition: a volume configured at launch (or a plain bind mount).
fn task_definition_rule(configured_at_launch: bool) -> Rule {
    mock!(aws_sdk_ecs::Client::describe_task_definition).then_output(move || {
        let volume = aws_sdk_ecs::types::Volume::builder().name("data");
        let volume = if configured_at_launch {
            volume.configured_at_launch(true)
        } else {
            volume.host(
                aws_sdk_ecs::types::HostVolumeProperties::builder()
                    .source_path("/srv")
                    .build(),
            )
        };
        DescribeTaskDefinitionOutput::builder()
            .task_definition(
                TaskDefinition::builder()
                    .task_definition_arn(TD)
                    .family("ledger")
                    .revision(4)
                    .volumes(volume.build())
                    .container_definitions(
                        ContainerDefinition::builder()
                            .name("app")
                            .image("ledger:4")
                            .mount_points(
                                MountPoint::builder()
                                    .source_volume("data")
                                    .container_path("/var/lib/ledger")
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .build()
    })
}

/// CreateSnapshot of the orphan, answered only when it carries the safety tags.
fn create_snapshot_rule() -> Rule {
    mock!(aws_sdk_ec2::Client::create_snapshot)
        .match_requests(|r| {
            let tags: Vec<(&str, &str)> = r
                .tag_specifications()
                .iter()
                .flat_map(aws_sdk_ec2::types::TagSpecification::tags)
                .map(|t| (t.key().unwrap_or(""), t.value().unwrap_or("")))
                .collect();
            r.volume_id() == Some(VOL)
                && tags.contains(&("ecsnap:source-volume", VOL))
                && tags.contains(&("ecsnap:recover-for", "payments-prod/ledger"))
                && tags
                    .iter()
                    .any(|(k, v)| *k == "ecsnap:retain-until" && !v.is_empty())
        })
        .then_output(|| {
            CreateSnapshotOutput::builder()
                .snapshot_id("snap-0new")
                .volume_id(VOL)
                .state(SnapshotState::Pending)
                .build()
        })
}

/// The snapshot is pending twice (with progress), then completed.
fn snapshot_state_rule() -> Rule {
    let snap = |state: SnapshotState, progress: &str| {
        DescribeSnapshotsOutput::builder()
            .snapshots(
                aws_sdk_ec2::types::Snapshot::builder()
                    .snapshot_id("snap-0new")
                    .volume_id(VOL)
                    .state(state)
                    .progress(progress)
                    .build(),
            )
            .build()
    };
    mock!(aws_sdk_ec2::Client::describe_snapshots)
        .match_requests(|r| r.snapshot_ids() == ["snap-0new"])
        .sequence()
        .output(move || snap(SnapshotState::Pending, "40%"))
        .times(2)
        .output(move || snap(SnapshotState::Completed, "100%"))
        .repeatedly()
        .build()
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z")
        .expect("time")
        .to_utc()
}

/// What executing a recovery did: its result, the progress it reported, and the fake
/// clock's sleeps.
struct Recovery {
    result: ecsnap::Result<recover::Recovered>,
    seen: Vec<RecoverProgress>,
    sleeps: Vec<std::time::Duration>,
}

/// `plan` executed through `mutator`, waiting at most 30 minutes on a fake clock.
fn recover_through(mutator: &Mutator, plan: &recover::RecoverPlan) -> Recovery {
    let clock = FakeClock::default();
    let mut seen = Vec::new();
    let result = block_on(recover::execute(
        mutator,
        plan,
        &clock,
        &RecoverOptions::new(30, now()),
        &mut |p| seen.push(p.clone()),
    ));
    Recovery {
        result,
        seen,
        sleeps: clock.sleeps(),
    }
}

#[test]
fn recover_snapshots_the_orphan_then_changes_only_the_snapshot_id() {
    let volumes = volumes_rule(ECS_TAGS);
    let clusters = clusters_rule();
    let described = services_rule(true);
    let create = create_snapshot_rule();
    let state = snapshot_state_rule();
    // Only a request keeping the role, size and type and naming the new snapshot is
    // answered; anything else finds no rule and fails the recover.
    let updated = mock!(aws_sdk_ecs::Client::update_service)
        .match_requests(|r| {
            r.cluster() == Some("payments-prod")
                && r.service() == Some("ledger")
                && configures_ebs_from(r, "snap-0new", 100)
                && r.task_definition().is_none()
                && r.force_new_deployment().is_none()
        })
        .then_output(|| {
            UpdateServiceOutput::builder()
                .service(service("ecs-svc/2", Some(config("snap-0new"))))
                .build()
        });
    let (aws, ops) = clients(
        &[&clusters, &described, &updated],
        &[&volumes, &create, &state],
    );
    let plan = block_on(recover::plan(&aws, VOL, None, Some("111122223333"))).expect("plan");
    assert_eq!(plan.service.cluster, "payments-prod");
    assert_eq!(plan.service.name, "ledger");
    assert_eq!(plan.managed.name, "data");
    assert_eq!(plan.managed.size_gib, Some(100));
    assert_eq!(plan.managed.volume_type.as_deref(), Some("gp3"));
    assert_eq!(
        plan.managed.from_snapshot.as_deref(),
        Some("snap-0previous")
    );
    assert_eq!(plan.managed.source, ConfigSource::Service);
    assert_eq!(create.num_calls(), 0, "planning sends nothing");

    let (mutator, _dir, log) = audited(ops, None);
    let Recovery {
        result,
        seen,
        sleeps,
    } = recover_through(&mutator, &plan);
    let done = result.expect("recovered");
    assert_eq!(done.snapshot_id, "snap-0new");
    assert_eq!(done.started.deployment_id.as_deref(), Some("ecs-svc/2"));
    assert_eq!(create.num_calls(), 1);
    assert_eq!(state.num_calls(), 3, "pending, pending, completed");
    assert_eq!(updated.num_calls(), 1);
    // Waited with the fake clock: two polls' worth of sleep, no real time.
    assert_eq!(sleeps.len(), 2);
    let texts: Vec<String> = seen.iter().map(RecoverProgress::text).collect();
    assert_eq!(texts[0], "snapshot snap-0new started");
    assert!(texts[1].contains("pending 40%"), "{texts:?}");
    assert!(texts[3].contains("completed 100%"), "{texts:?}");
    assert_eq!(
        seen.last(),
        Some(&RecoverProgress::UpdatingService("snap-0new".into()))
    );
    // Both mutations are in the audit log, each intent with its result.
    let entries = read_entries(&log).expect("audit");
    let actions: Vec<(&str, &str)> = entries
        .iter()
        .filter(|e| e.is_result())
        .map(|e| (e.action.as_str(), e.result.as_str()))
        .collect();
    assert_eq!(
        actions,
        [("ec2:CreateSnapshot", "ok"), ("ecs:UpdateService", "ok")]
    );
}

#[test]
fn a_service_without_a_reported_configuration_gets_one_for_its_launch_volume() {
    let volumes = volumes_rule(ECS_TAGS);
    let clusters = clusters_rule();
    let described = services_rule(false);
    let td = task_definition_rule(true);
    let create = create_snapshot_rule();
    let state = snapshot_state_rule();
    let updated = mock!(aws_sdk_ecs::Client::update_service)
        .match_requests(|r| configures_ebs_from(r, "snap-0new", 50))
        .then_output(|| {
            UpdateServiceOutput::builder()
                .service(service("ecs-svc/2", Some(config("snap-0new"))))
                .build()
        });
    let (aws, ops) = clients(
        &[&clusters, &described, &td, &updated],
        &[&volumes, &create, &state],
    );
    let plan = block_on(recover::plan(&aws, VOL, None, Some("111122223333"))).expect("plan");
    assert_eq!(
        plan.managed.source,
        ConfigSource::TaskDefinition {
            role_arn: ROLE.into()
        }
    );
    assert_eq!(plan.managed.size_gib, Some(50), "the orphan's size");
    let (mutator, _dir, _log) = audited(ops, None);
    let done = recover_through(&mutator, &plan).result.expect("recovered");
    assert_eq!(done.snapshot_id, "snap-0new");
    assert_eq!(updated.num_calls(), 1);
}

/// The plan is refused (exit 5) with `want` in the reason, and nothing is sent.
fn assert_refused(ecs: &[&Rule], volume_tags: &'static [(&'static str, &'static str)], want: &str) {
    let volumes = volumes_rule(volume_tags);
    let create = create_snapshot_rule();
    let (aws, _ops) = clients(ecs, &[&volumes, &create]);
    let err = block_on(recover::plan(&aws, VOL, None, Some("111122223333"))).expect_err("refused");
    assert_eq!(err.exit_code(), 5, "{err}");
    let text = err.to_string();
    assert!(text.contains(want), "{want:?} in {text}");
    assert_has(&text, "Nothing was sent");
    assert_eq!(create.num_calls(), 0);
}

#[test]
fn a_volume_whose_origin_is_unknown_is_refused() {
    assert_refused(&[], &[("Name", "db-scratch")], "origin is unknown");
    // ECS created it, but the tags do not say for which service.
    assert_refused(&[], &[("AmazonECSCreated", "true")], "created by ECS");
}

#[test]
fn a_service_that_no_longer_exists_is_refused() {
    let clusters = clusters_rule();
    let none = mock!(aws_sdk_ecs::Client::describe_services)
        .then_output(|| DescribeServicesOutput::builder().build());
    let names = mock!(aws_sdk_ecs::Client::list_services).then_output(|| {
        ListServicesOutput::builder()
            .service_arns("arn:aws:ecs:us-east-1:111122223333:service/payments-prod/api")
            .build()
    });
    assert_refused(&[&clusters, &none, &names], ECS_TAGS, "no longer exists");
    // A cluster that is gone too.
    let other = mock!(aws_sdk_ecs::Client::list_clusters).then_output(|| {
        ListClustersOutput::builder()
            .cluster_arns("arn:aws:ecs:us-east-1:111122223333:cluster/search-staging")
            .build()
    });
    assert_refused(&[&other], ECS_TAGS, "no longer exists");
    // An INACTIVE (deleted) service.
    let inactive = mock!(aws_sdk_ecs::Client::describe_services).then_output(|| {
        let mut s = service("ecs-svc/1", Some(config("snap-0previous")));
        s.status = Some("INACTIVE".into());
        DescribeServicesOutput::builder().services(s).build()
    });
    assert_refused(&[&clusters, &inactive], ECS_TAGS, "INACTIVE");
}

#[test]
fn a_service_without_a_managed_ebs_volume_is_refused() {
    let clusters = clusters_rule();
    let described = services_rule(false);
    let td = task_definition_rule(false);
    assert_refused(
        &[&clusters, &described, &td],
        ECS_TAGS,
        "has no managed EBS volume",
    );
}

#[test]
fn read_only_mode_sends_nothing() {
    let volumes = volumes_rule(ECS_TAGS);
    let clusters = clusters_rule();
    let described = services_rule(true);
    let create = create_snapshot_rule();
    let updated = mock!(aws_sdk_ecs::Client::update_service)
        .then_output(|| UpdateServiceOutput::builder().build());
    let (aws, ops) = clients(&[&clusters, &described, &updated], &[&volumes, &create]);
    let plan = block_on(recover::plan(&aws, VOL, None, None)).expect("plan");
    let (mutator, _dir, log) = audited(ops, Some(ReadOnly("read-only mode is on".into())));
    let err = recover_through(&mutator, &plan)
        .result
        .expect_err("refused");
    assert_eq!(err.exit_code(), 5, "{err}");
    assert_eq!(create.num_calls(), 0);
    assert_eq!(updated.num_calls(), 0);
    assert!(read_entries(&log).expect("audit").is_empty());
}

/// DescribeServices answering the service with awsvpc subnets (and its volume).
fn awsvpc_services_rule() -> Rule {
    mock!(aws_sdk_ecs::Client::describe_services).then_output(|| {
        let mut s = service("ecs-svc/1", Some(config("snap-0previous")));
        s.network_configuration = Some(
            aws_sdk_ecs::types::NetworkConfiguration::builder()
                .awsvpc_configuration(
                    aws_sdk_ecs::types::AwsVpcConfiguration::builder()
                        .subnets("subnet-a")
                        .subnets("subnet-b")
                        .build()
                        .expect("awsvpc"),
                )
                .build(),
        );
        DescribeServicesOutput::builder().services(s).build()
    })
}

/// The zones of the service's subnets in the plan (issue 26, item 6): one DescribeSubnets
/// call naming the service's subnets; a volume outside those zones is warned about; a
/// denied DescribeSubnets leaves a plan that says zones were not checked, naming the
/// permission, and the plan is still made.
#[test]
fn recover_states_the_subnets_zones_or_that_they_were_not_checked() {
    let volumes = volumes_rule(ECS_TAGS);
    let clusters = clusters_rule();
    let described = awsvpc_services_rule();
    let subnets = mock!(aws_sdk_ec2::Client::describe_subnets)
        .match_requests(|r| r.subnet_ids() == ["subnet-a", "subnet-b"])
        .then_output(|| {
            let subnet = |id: &str, zone: &str| {
                aws_sdk_ec2::types::Subnet::builder()
                    .subnet_id(id)
                    .availability_zone(zone)
                    .build()
            };
            aws_sdk_ec2::operation::describe_subnets::DescribeSubnetsOutput::builder()
                .subnets(subnet("subnet-a", "us-east-1a"))
                .subnets(subnet("subnet-b", "us-east-1b"))
                .build()
        });
    let (aws, _ops) = clients(&[&clusters, &described], &[&volumes, &subnets]);
    let plan = block_on(recover::plan(&aws, VOL, None, Some("111122223333"))).expect("plan");
    assert_eq!(subnets.num_calls(), 1);
    let ecsnap::analysis::zones::ZoneCheck::Checked { subnet_zones, .. } = &plan.zones else {
        panic!("zones checked: {:?}", plan.zones);
    };
    assert_eq!(subnet_zones, &["us-east-1a", "us-east-1b"]);

    let denied = crate::answers::failing!(
        aws_sdk_ec2::Client::describe_subnets,
        403,
        "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not \
         authorized to perform this operation. User is not authorized to perform: \
         ec2:DescribeSubnets</Message></Error></Errors></Response>"
    );
    let (aws, _ops) = clients(&[&clusters, &described], &[&volumes, &denied]);
    let plan = block_on(recover::plan(&aws, VOL, None, Some("111122223333"))).expect("plan");
    let text = plan.zones.lines().join("\n");
    assert!(
        matches!(
            plan.zones,
            ecsnap::analysis::zones::ZoneCheck::NotChecked { .. }
        ),
        "{:?}",
        plan.zones
    );
    assert_has(&text, "zones were not checked");
    assert_has(&text, "ec2:DescribeSubnets");
}
