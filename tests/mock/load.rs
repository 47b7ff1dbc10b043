//! What `load/` serves the console and the commands, against aws-smithy-mocks: the
//! service's volumes read with filters (never the whole account), the service's snapshots,
//! unique bytes from manifests, and the rollback picker's choices from `ops::rollback`.

use crate::mocked::clients;
use aws_sdk_ec2::operation::describe_snapshots::DescribeSnapshotsOutput;
use aws_sdk_ec2::operation::describe_volumes::{DescribeVolumesInput, DescribeVolumesOutput};
use aws_sdk_ec2::types::{
    Snapshot as Ec2Snapshot, SnapshotState, Tag, Volume as Ec2Volume, VolumeState,
};
use aws_sdk_ecr::operation::batch_get_image::BatchGetImageOutput;
use aws_sdk_ecr::types::Image as EcrImage;
use aws_sdk_ecs::operation::describe_task_definition::DescribeTaskDefinitionOutput;
use aws_sdk_ecs::operation::describe_tasks::DescribeTasksOutput;
use aws_sdk_ecs::operation::list_clusters::ListClustersOutput;
use aws_sdk_ecs::operation::list_services::ListServicesOutput;
use aws_sdk_ecs::operation::list_task_definitions::ListTaskDefinitionsOutput;
use aws_sdk_ecs::operation::list_tasks::ListTasksOutput;
use aws_sdk_ecs::types::{
    Attachment, ContainerDefinition, KeyValuePair, Task as EcsTask, TaskDefinition,
};
use aws_smithy_mocks::{Rule, mock};
use ecsnap::load;
use ecsnap::ops::rollback;

const CLUSTER: &str = "payments";
const SERVICE: &str = "ledger";

fn tag(k: &str, v: &str) -> Tag {
    Tag::builder().key(k).value(v).build()
}

fn volume(id: &str, tags: &[(&str, &str)]) -> Ec2Volume {
    let mut b = Ec2Volume::builder()
        .volume_id(id)
        .size(20)
        .volume_type("gp3".into())
        .state(VolumeState::InUse);
    for (k, v) in tags {
        b = b.tags(tag(k, v));
    }
    b.build()
}

/// The filter values a DescribeVolumes request sets for `name`.
fn filter_values(r: &DescribeVolumesInput, name: &str) -> Vec<String> {
    r.filters()
        .iter()
        .filter(|f| f.name() == Some(name))
        .flat_map(|f| f.values().iter().cloned())
        .collect()
}

/// The ECS side of one cluster with one service and one task with an EBS attachment.
struct EcsFleet {
    clusters: Rule,
    services: Rule,
    tasks: Rule,
    describe: Rule,
    /// DescribeServices (for its target groups: none).
    described: Rule,
}

impl EcsFleet {
    /// The clients of this fleet's ECS and of `ec2` (ECR answers nothing).
    fn clients(&self, ec2: &[&Rule]) -> ecsnap::aws::AwsClients {
        clients(
            &[
                &self.clusters,
                &self.services,
                &self.tasks,
                &self.describe,
                &self.described,
            ],
            &[],
            ec2,
        )
    }
}

/// The ids of the volumes `load_service_tasks` found for the service, sorted, and how
/// many tasks it listed.
async fn service_volume_ids(aws: &ecsnap::aws::AwsClients) -> (usize, Vec<String>) {
    let st = load::load_service_tasks(aws, CLUSTER, SERVICE)
        .await
        .expect("tasks and volumes");
    let mut ids: Vec<String> = st
        .volumes
        .expect("volumes")
        .into_iter()
        .map(|v| v.id)
        .collect();
    ids.sort();
    (st.tasks.len(), ids)
}

/// Task t1 of the service, RUNNING with EBS volume `volume` attached.
fn running_with_ebs(volume: &str) -> aws_sdk_ecs::types::builders::TaskBuilder {
    EcsTask::builder()
        .task_arn(format!("arn:aws:ecs:eu-west-1:1:task/{CLUSTER}/t1"))
        .group(format!("service:{SERVICE}"))
        .last_status("RUNNING")
        .desired_status("RUNNING")
        .attachments(
            Attachment::builder()
                .r#type("AmazonElasticBlockStorage")
                .details(
                    KeyValuePair::builder()
                        .name("volumeId")
                        .value(volume)
                        .build(),
                )
                .build(),
        )
}

/// DescribeTasks answering `task`.
fn tasks_described(task: EcsTask) -> Rule {
    mock!(aws_sdk_ecs::Client::describe_tasks)
        .then_output(move || DescribeTasksOutput::builder().tasks(task.clone()).build())
}

fn ecs_fleet(attached: &'static str) -> EcsFleet {
    EcsFleet {
        clusters: mock!(aws_sdk_ecs::Client::list_clusters).then_output(|| {
            ListClustersOutput::builder()
                .cluster_arns(format!("arn:aws:ecs:eu-west-1:1:cluster/{CLUSTER}"))
                .build()
        }),
        services: mock!(aws_sdk_ecs::Client::list_services).then_output(|| {
            ListServicesOutput::builder()
                .service_arns(format!(
                    "arn:aws:ecs:eu-west-1:1:service/{CLUSTER}/{SERVICE}"
                ))
                .build()
        }),
        tasks: mock!(aws_sdk_ecs::Client::list_tasks).then_output(|| {
            ListTasksOutput::builder()
                .task_arns(format!("arn:aws:ecs:eu-west-1:1:task/{CLUSTER}/t1"))
                .build()
        }),
        described: mock!(aws_sdk_ecs::Client::describe_services)
            .sequence()
            .output(|| {
                aws_sdk_ecs::operation::describe_services::DescribeServicesOutput::builder().build()
            })
            .repeatedly()
            .build(),
        describe: tasks_described(running_with_ebs(attached).build()),
    }
}

#[tokio::test]
async fn service_volumes_are_read_by_tags_and_ids_never_the_whole_account() {
    let fleet = ecs_fleet("vol-attached");
    let tagged = mock!(aws_sdk_ec2::Client::describe_volumes)
        .match_requests(|r| !filter_values(r, "tag:aws:ecs:serviceName").is_empty())
        .then_output(|| {
            DescribeVolumesOutput::builder()
                .volumes(volume(
                    "vol-tagged",
                    &[
                        ("aws:ecs:clusterName", CLUSTER),
                        ("aws:ecs:serviceName", SERVICE),
                    ],
                ))
                .build()
        });
    let by_id = mock!(aws_sdk_ec2::Client::describe_volumes)
        .match_requests(|r| filter_values(r, "volume-id") == ["vol-attached"])
        .then_output(|| {
            DescribeVolumesOutput::builder()
                .volumes(volume("vol-attached", &[]))
                .build()
        });
    let everything = mock!(aws_sdk_ec2::Client::describe_volumes)
        .match_requests(|r| r.filters().is_empty())
        .then_output(|| DescribeVolumesOutput::builder().build());
    let aws = fleet.clients(&[&tagged, &by_id, &everything]);
    let (tasks, ids) = service_volume_ids(&aws).await;
    assert_eq!(tasks, 1);
    assert_eq!(ids, ["vol-attached", "vol-tagged"]);
    assert_eq!(tagged.num_calls(), 1, "one query by the service's tags");
    assert_eq!(
        by_id.num_calls(),
        1,
        "one query for the attached id the tags missed"
    );
    assert_eq!(
        everything.num_calls(),
        0,
        "never every volume of the account"
    );
}

#[tokio::test]
async fn an_attached_volume_the_tags_found_costs_no_second_query() {
    let fleet = ecs_fleet("vol-tagged");
    let tagged = mock!(aws_sdk_ec2::Client::describe_volumes)
        .match_requests(|r| {
            filter_values(r, "tag:aws:ecs:serviceName") == [SERVICE]
                && filter_values(r, "tag:aws:ecs:clusterName") == [CLUSTER]
        })
        .then_output(|| {
            DescribeVolumesOutput::builder()
                .volumes(volume("vol-tagged", &[("aws:ecs:serviceName", SERVICE)]))
                .build()
        });
    let other = mock!(aws_sdk_ec2::Client::describe_volumes)
        .then_output(|| DescribeVolumesOutput::builder().build());
    let aws = fleet.clients(&[&tagged, &other]);
    let (_, ids) = service_volume_ids(&aws).await;
    assert_eq!(ids, ["vol-tagged"]);
    assert_eq!(tagged.num_calls(), 1);
    assert_eq!(other.num_calls(), 0);
}

fn snapshot(
    id: &str,
    volume: &str,
    state: SnapshotState,
    day: i64,
    tags: &[(&str, &str)],
) -> Ec2Snapshot {
    let mut b = Ec2Snapshot::builder()
        .snapshot_id(id)
        .volume_id(volume)
        .volume_size(20)
        .state(state)
        .start_time(aws_sdk_ec2::primitives::DateTime::from_secs(
            1_790_000_000 + day * 86_400,
        ));
    for (k, v) in tags {
        b = b.tags(tag(k, v));
    }
    b.build()
}

#[tokio::test]
async fn service_snapshots_are_the_completed_ones_of_its_volumes_newest_first() {
    let volumes = mock!(aws_sdk_ec2::Client::describe_volumes)
        .match_requests(|r| filter_values(r, "tag:aws:ecs:serviceName") == [SERVICE])
        .then_output(|| {
            DescribeVolumesOutput::builder()
                .volumes(volume(
                    "vol-live",
                    &[
                        ("aws:ecs:clusterName", CLUSTER),
                        ("aws:ecs:serviceName", SERVICE),
                    ],
                ))
                .build()
        });
    let snapshots = mock!(aws_sdk_ec2::Client::describe_snapshots).then_output(|| {
        DescribeSnapshotsOutput::builder()
            .snapshots(snapshot(
                "snap-old",
                "vol-live",
                SnapshotState::Completed,
                1,
                &[],
            ))
            .snapshots(snapshot(
                "snap-new",
                "vol-live",
                SnapshotState::Completed,
                3,
                &[],
            ))
            .snapshots(snapshot(
                "snap-pending",
                "vol-live",
                SnapshotState::Pending,
                4,
                &[],
            ))
            .snapshots(snapshot(
                "snap-tagged",
                "vol-gone",
                SnapshotState::Completed,
                2,
                &[
                    ("aws:ecs:serviceName", SERVICE),
                    ("aws:ecs:clusterName", CLUSTER),
                ],
            ))
            .snapshots(snapshot(
                "snap-other-cluster",
                "vol-gone",
                SnapshotState::Completed,
                5,
                &[
                    ("aws:ecs:serviceName", SERVICE),
                    ("aws:ecs:clusterName", "search"),
                ],
            ))
            .snapshots(snapshot(
                "snap-unrelated",
                "vol-x",
                SnapshotState::Completed,
                6,
                &[],
            ))
            .build()
    });
    let aws = clients(&[], &[], &[&volumes, &snapshots]);
    let found = load::load_service_snapshots(&aws, CLUSTER, SERVICE)
        .await
        .expect("snapshots");
    let ids: Vec<&str> = found.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["snap-new", "snap-tagged", "snap-old"]);
    assert_eq!(volumes.num_calls(), 1);
}

fn manifest(layers: &[(&str, i64)]) -> String {
    let layers: Vec<String> = layers
        .iter()
        .map(|(d, s)| format!(r#"{{"digest":"{d}","size":{s}}}"#))
        .collect();
    format!(
        r#"{{"schemaVersion":2,"config":{{"digest":"sha256:c","size":1}},"layers":[{}]}}"#,
        layers.join(",")
    )
}

/// BatchGetImage of `digest` answered by a manifest of these layers (digest, size).
fn manifest_rule(digest: &'static str, layers: &'static [(&'static str, i64)]) -> Rule {
    mock!(aws_sdk_ecr::Client::batch_get_image)
        .match_requests(move |r| {
            r.image_ids().first().and_then(|i| i.image_digest()) == Some(digest)
        })
        .then_output(move || {
            BatchGetImageOutput::builder()
                .images(EcrImage::builder().image_manifest(manifest(layers)).build())
                .build()
        })
}

#[tokio::test]
async fn unique_bytes_count_the_layers_no_other_image_shares() {
    let mine = manifest_rule("sha256:mine", &[("sha256:base", 1000), ("sha256:own", 300)]);
    let theirs = manifest_rule(
        "sha256:theirs",
        &[("sha256:base", 1000), ("sha256:other", 50)],
    );
    let aws = clients(&[], &[&mine, &theirs], &[]);
    let mut seen = Vec::new();
    let bytes = load::load_unique_bytes(
        &aws,
        "ws",
        &["sha256:mine".to_string()],
        &["sha256:theirs".to_string()],
        &mut |done, total| seen.push((done, total)),
    )
    .await
    .expect("unique bytes");
    assert_eq!(bytes, 300);
    assert_eq!(seen, [(1, 2), (2, 2)]);
}

fn task_definition(family: &str, revision: i32, image: &str) -> TaskDefinition {
    TaskDefinition::builder()
        .task_definition_arn(format!(
            "arn:aws:ecs:eu-west-1:1:task-definition/{family}:{revision}"
        ))
        .family(family)
        .revision(revision)
        .container_definitions(
            ContainerDefinition::builder()
                .name("app")
                .image(image)
                .build(),
        )
        .build()
}

#[tokio::test]
async fn the_picker_offers_revisions_newest_first_and_preselects_the_one_before_what_runs() {
    let list = mock!(aws_sdk_ecs::Client::list_task_definitions).then_output(|| {
        ListTaskDefinitionsOutput::builder()
            .task_definition_arns("arn:aws:ecs:eu-west-1:1:task-definition/ledger:1")
            .task_definition_arns("arn:aws:ecs:eu-west-1:1:task-definition/ledger:3")
            .task_definition_arns("arn:aws:ecs:eu-west-1:1:task-definition/ledger:2")
            .task_definition_arns("arn:aws:ecs:eu-west-1:1:task-definition/ledger-api:9")
            .build()
    });
    let describe = mock!(aws_sdk_ecs::Client::describe_task_definition).then_output(|| {
        DescribeTaskDefinitionOutput::builder()
            .task_definition(task_definition("ledger", 0, "repo/ledger:v1"))
            .build()
    });
    let aws = clients(&[&list, &describe], &[], &[]);
    let current = "arn:aws:ecs:eu-west-1:1:task-definition/ledger:3";
    let revisions = rollback::offer_revisions(&aws, current, 25)
        .await
        .expect("revisions");
    let numbers: Vec<(i32, bool)> = revisions.iter().map(|r| (r.revision, r.current)).collect();
    assert_eq!(
        numbers,
        [(3, true), (2, false), (1, false)],
        "the family only"
    );
    assert_eq!(describe.num_calls(), 3);
    let pre = rollback::default_revision(&revisions, current);
    assert_eq!(revisions[pre].revision, 2);
    let plan = rollback::plan_offered(
        CLUSTER,
        SERVICE,
        current,
        rollback::Offered::Revision(&revisions[pre]),
    )
    .expect("a plan");
    assert!(
        plan.summary().contains("ledger:3 to ledger:2"),
        "{}",
        plan.summary()
    );
    assert!(
        rollback::plan_offered(
            CLUSTER,
            SERVICE,
            current,
            rollback::Offered::Revision(&revisions[0])
        )
        .is_err(),
        "what runs cannot be chosen"
    );
}

/// `tasks --json`: a task's EBS volume is in the task's zone (ECS creates and attaches it
/// there), read from DescribeTasks' `availabilityZone`.
#[tokio::test]
async fn a_task_s_ebs_volume_carries_the_task_s_zone_in_tasks_json() {
    let fleet = ecs_fleet("vol-unused");
    let describe = tasks_described(
        running_with_ebs("vol-zoned")
            .availability_zone("eu-west-1b")
            .build(),
    );
    let fleet = EcsFleet { describe, ..fleet };
    let aws = fleet.clients(&[]);
    let listing = load::load_task_listing(&aws, CLUSTER, Some(SERVICE))
        .await
        .expect("tasks");
    let json = ecsnap::output::fleet::tasks_json(&[(
        ecsnap::output::fleet::Where {
            account: "default".into(),
            account_id: None,
            region: "eu-west-1".into(),
        },
        listing,
    )]);
    let v = serde_json::to_value(&json).expect("json");
    let vols = v[0]["volumes"].as_array().expect("volumes");
    assert_eq!(vols.len(), 1, "{v}");
    assert_eq!(vols[0]["volume_id"], "vol-zoned", "{v}");
    assert_eq!(vols[0]["kind"], "ebs", "{v}");
    assert_eq!(vols[0]["availability_zone"], "eu-west-1b", "{v}");
}
