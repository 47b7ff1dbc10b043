//! Cleanup execution and the read-only guard against aws-smithy-mocks: a throttled delete
//! mid-bulk leaves an exact per-resource report and stops new deletes (no retry storm);
//! re-checks at execution time skip what became unsafe; a DryRun-denied resource is never
//! sent; read-only mode sends nothing at all. Also the EBS-snapshot rollback, which moto
//! cannot show (it drops services' volume configurations): UpdateService carries the
//! primary deployment's volume configuration with only the snapshot changed.

use crate::mocked::{
    EBS_ROLE, audited, block_on, configures_ebs_from, ec2_only, ecs_only, initializes_at, statuses,
};
use aws_sdk_ec2::Client;
use aws_sdk_ec2::operation::delete_volume::DeleteVolumeOutput;
use aws_sdk_ec2::operation::describe_volumes::DescribeVolumesOutput;
use aws_sdk_ec2::types::{Volume, VolumeState};
use aws_smithy_mocks::mock;
use ecsnap::aws::{AwsClients, Preflight};
use ecsnap::model::ResourceKind;
use ecsnap::ops::audit::{read_entries, read_log};
use ecsnap::ops::cleanup::{
    CleanupItem, CleanupPlan, ExecuteOptions, ItemResult, ItemStatus, execute,
};
use ecsnap::ops::guard::{Mutator, ReadOnly};
use ecsnap::ops::wait::FakeClock;

const THROTTLED: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error>\
    <Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error>\
    </Errors><RequestID>r-1</RequestID></Response>";

/// A 10 GiB volume `id` in `state`, as DescribeVolumes answers it.
pub(crate) fn volume(id: &str, state: VolumeState) -> Volume {
    Volume::builder()
        .volume_id(id)
        .size(10)
        .state(state)
        .build()
}

/// DescribeVolumes' answer listing 10 GiB volumes `ids`, every one available.
pub(crate) fn available(ids: &[&str]) -> DescribeVolumesOutput {
    DescribeVolumesOutput::builder()
        .set_volumes(Some(
            ids.iter()
                .map(|id| volume(id, VolumeState::Available))
                .collect(),
        ))
        .build()
}

/// Cleanup `plan` executed through `mutator` with the default settings, a fake clock and
/// `opts`; each result goes to `heard` as it comes.
pub(crate) async fn execute_plan(
    aws: &AwsClients,
    mutator: &Mutator,
    plan: &CleanupPlan,
    opts: &ExecuteOptions,
    heard: &mut (dyn FnMut(&ItemResult) + Send),
) -> Vec<ItemResult> {
    let settings = ecsnap::config::Settings::default();
    execute(
        aws,
        mutator,
        &settings,
        plan,
        &FakeClock::default(),
        opts,
        heard,
    )
    .await
    .expect("executes")
}

/// Execution options sending one request at a time.
pub(crate) fn one_at_a_time() -> ExecuteOptions {
    ExecuteOptions {
        concurrency: 1,
        ..ExecuteOptions::default()
    }
}

/// (ids, phase, result) of every audit line at `path` (all of which parse).
pub(crate) fn audit_lines(path: &std::path::Path) -> Vec<(String, String, String)> {
    let (entries, bad) = read_log(path).expect("audit log");
    assert_eq!(bad, 0, "every audit line parses");
    entries
        .into_iter()
        .map(|e| (e.resource_ids.join(","), e.phase, e.result))
        .collect()
}

/// The audit lines of requests sent one at a time: for each (id, result), its intent
/// line (`pending`) and then its result line.
pub(crate) fn paired(results: &[(&str, &str)]) -> Vec<(String, String, String)> {
    results
        .iter()
        .flat_map(|(id, result)| [line(id, "intent", "pending"), line(id, "result", result)])
        .collect()
}

/// An expected audit line of [`audit_lines`].
pub(crate) fn line(id: &str, phase: &str, result: &str) -> (String, String, String) {
    (id.into(), phase.into(), result.into())
}

/// A 10 GiB available volume of a cleanup plan, with `preflight`'s answer.
fn volume_item(id: &str, preflight: Preflight) -> CleanupItem {
    crate::fixtures::cleanup_volume(id, 10.0, 0.8, preflight)
}

/// A plan deleting these 10 GiB volumes, each allowed by the preflight.
pub(crate) fn volume_plan(ids: &[&str]) -> CleanupPlan {
    let items = ids
        .iter()
        .map(|id| volume_item(id, Preflight::Allowed))
        .collect();
    CleanupPlan {
        preflight_done: true,
        ..CleanupPlan::new(ResourceKind::Volume, items, 3)
    }
}

/// An intent line before each of the three requests, its result after (one at a time).
fn assert_paired_audit(log: &std::path::Path) {
    assert_eq!(
        audit_lines(log),
        paired(&[("vol-1", "ok"), ("vol-2", "ok"), ("vol-3", "failed")])
    );
    assert!(ecsnap::ops::audit::unanswered(&read_entries(log).expect("audit")).is_empty());
}

#[test]
fn a_throttled_delete_mid_bulk_stops_new_deletes_and_reports_each_resource() {
    let described = mock!(Client::describe_volumes).then_output(|| {
        DescribeVolumesOutput::builder()
            .volumes(volume("vol-1", VolumeState::Available))
            .volumes(volume("vol-2", VolumeState::Available))
            .volumes(volume("vol-3", VolumeState::Available))
            .volumes(volume("vol-4", VolumeState::Available))
            .volumes(volume("vol-5", VolumeState::InUse))
            .volumes(volume("vol-6", VolumeState::Available))
            .build()
    });
    let deleted_ok = mock!(Client::delete_volume)
        .match_requests(|r| matches!(r.volume_id(), Some("vol-1" | "vol-2" | "vol-4" | "vol-6")))
        .then_output(|| DeleteVolumeOutput::builder().build());
    let throttled = mock!(Client::delete_volume)
        .match_requests(|r| r.volume_id() == Some("vol-3"))
        .sequence()
        .http_status(503, Some(THROTTLED.into()))
        .repeatedly()
        .build();
    let (aws, ops) = ec2_only("us-east-1", &[&described, &deleted_ok, &throttled]);
    let (mutator, _dir, log) = audited(ops, None);
    let mut plan = volume_plan(&["vol-1", "vol-2", "vol-3", "vol-4", "vol-5"]);
    plan.items.push(volume_item(
        "vol-6",
        Preflight::Denied("not allowed to ec2:DeleteVolume".into()),
    ));
    let mut heard = Vec::new();
    let results = block_on(execute_plan(
        &aws,
        &mutator,
        &plan,
        &one_at_a_time(),
        &mut |r: &ItemResult| heard.push(r.id.clone()),
    ));
    let got = statuses(&results);
    assert_eq!(
        got,
        [
            ("vol-1", ItemStatus::Done),
            ("vol-2", ItemStatus::Done),
            ("vol-3", ItemStatus::Failed),
            ("vol-4", ItemStatus::Skipped),
            ("vol-5", ItemStatus::Skipped),
            ("vol-6", ItemStatus::Failed),
        ]
    );
    let detail = |i: usize| results[i].detail.clone().unwrap_or_default();
    assert!(detail(2).contains("throttled"), "{}", detail(2));
    assert!(
        detail(3).contains("not attempted") && detail(3).contains("vol-3"),
        "{}",
        detail(3)
    );
    assert!(
        detail(4).contains("in-use") && detail(4).contains("re-checked"),
        "{}",
        detail(4)
    );
    assert!(detail(5).contains("DryRun"), "{}", detail(5));
    assert_eq!(heard.len(), 6, "progress for every resource");
    // Exactly three deletes were sent: two done, one throttled; none after it.
    assert_eq!(deleted_ok.num_calls(), 2);
    assert_eq!(throttled.num_calls(), 1);
    assert_paired_audit(&log);
}

#[test]
fn read_only_mode_sends_no_mutating_request() {
    let delete = mock!(Client::delete_volume).then_output(|| DeleteVolumeOutput::builder().build());
    let snapshot = mock!(Client::create_snapshot).then_output(|| {
        aws_sdk_ec2::operation::create_snapshot::CreateSnapshotOutput::builder().build()
    });
    let (_aws, ops) = ec2_only("us-east-1", &[&delete, &snapshot]);
    let (mutator, _dir, log) = audited(
        ops,
        Some(ReadOnly("read-only mode is on (--read-only)".into())),
    );
    let err = block_on(mutator.delete_volume("vol-1")).expect_err("refused");
    assert_eq!(err.exit_code(), 5);
    assert!(err.to_string().contains("ec2:DeleteVolume"), "{err}");
    let err = block_on(mutator.create_snapshot("vol-1", "x", &[])).expect_err("refused");
    assert_eq!(err.exit_code(), 5);
    let err =
        block_on(mutator.update_service("c", "s", &ecsnap::aws::ServiceChange::ForceNewDeployment))
            .expect_err("refused");
    assert_eq!(err.exit_code(), 5);
    let err = block_on(mutator.retag("repo", "sha256:x", "alice-latest")).expect_err("refused");
    assert_eq!(err.exit_code(), 5);
    let err = block_on(mutator.delete_images("repo", &["sha256:x".into()])).expect_err("refused");
    assert_eq!(err.exit_code(), 5);
    // DryRun checks are not sent either.
    assert!(matches!(
        block_on(mutator.preflight_delete_volume("vol-1")),
        Preflight::Failed(_)
    ));
    assert_eq!(delete.num_calls(), 0);
    assert_eq!(snapshot.num_calls(), 0);
    assert!(read_entries(&log).expect("audit").is_empty());
}

#[test]
fn an_ebs_snapshot_rollback_changes_only_the_volume_snapshot() {
    use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
    use aws_sdk_ecs::operation::update_service::UpdateServiceOutput;
    use aws_sdk_ecs::types::{
        Deployment, Service, ServiceManagedEbsVolumeConfiguration, ServiceVolumeConfiguration,
    };
    use ecsnap::ops::rollback::{RollbackChange, RollbackPlan};

    const TD: &str = "arn:aws:ecs:us-east-1:111122223333:task-definition/workspaces:2";
    fn service(deployment_id: &str, snapshot: &str) -> Service {
        let ebs = ServiceManagedEbsVolumeConfiguration::builder()
            .role_arn(EBS_ROLE)
            .snapshot_id(snapshot)
            .size_in_gib(100)
            .volume_type("gp3")
            .build()
            .expect("managed EBS volume");
        let config = ServiceVolumeConfiguration::builder()
            .name("data")
            .managed_ebs_volume(ebs)
            .build()
            .expect("volume configuration");
        Service::builder()
            .service_name("workspaces")
            .cluster_arn("arn:aws:ecs:us-east-1:111122223333:cluster/search-staging")
            .status("ACTIVE")
            .task_definition(TD)
            .desired_count(1)
            .deployments(
                Deployment::builder()
                    .id(deployment_id)
                    .status("PRIMARY")
                    .task_definition(TD)
                    .volume_configurations(config)
                    .build(),
            )
            .build()
    }
    let described = mock!(aws_sdk_ecs::Client::describe_services).then_output(|| {
        DescribeServicesOutput::builder()
            .services(service("ecs-svc/1", "snap-0old"))
            .build()
    });
    // Only a request keeping the role, size and type and naming the new snapshot is answered;
    // anything else finds no rule and fails the rollback.
    let updated = mock!(aws_sdk_ecs::Client::update_service)
        .match_requests(|r| {
            configures_ebs_from(r, "snap-0new", 100)
                && initializes_at(r, 300)
                && r.task_definition().is_none()
                && r.force_new_deployment().is_none()
        })
        .then_output(|| {
            UpdateServiceOutput::builder()
                .service(service("ecs-svc/2", "snap-0new"))
                .build()
        });
    let (_aws, ops) = ecs_only("us-east-1", &[&described, &updated]);
    let (mutator, _dir, log) = audited(ops, None);
    let plan = RollbackPlan {
        service: ecsnap::model::ClusterService::new("search-staging", "workspaces"),
        current: TD.into(),
        change: RollbackChange::EbsSnapshot {
            volume: "data".into(),
            from_snapshot: Some("snap-0old".into()),
            to_snapshot: "snap-0new".into(),
            note: None,
        },
        initialization: Some(ecsnap::ops::rollback::Initialization {
            size_gib: 100,
            rate_mibps: Some(300),
        }),
        zones: None,
    };

    let started = block_on(ecsnap::ops::rollback::execute(&mutator, &plan)).expect("rolled back");
    assert_eq!(updated.num_calls(), 1);
    assert_eq!(started.deployment_id.as_deref(), Some("ecs-svc/2"));
    assert_eq!(started.task_definition, TD);
    let entries = read_entries(&log).expect("audit");
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(entries[0].is_intent() && entries[1].is_result());
    assert_eq!(entries[0].op, entries[1].op);
    assert_eq!(entries[1].action, "ecs:UpdateService");
    assert_eq!(entries[1].result, "ok");
    let said = format!("{:?} {:?}", entries[1].resource_ids, entries[1].detail);
    assert!(
        said.contains("snap-0new"),
        "the audit names the snapshot: {said}"
    );
    // And what it replaced: the snapshot the volume came from before.
    assert_eq!(
        entries[1].replaced.as_deref(),
        Some(format!("volume data from snapshot snap-0old ({TD})").as_str())
    );
}
