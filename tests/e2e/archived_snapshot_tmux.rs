//! End to end in tmux: the console's rollback picker refuses an archived EBS snapshot. The
//! emulator runs the demo's helper (`src/demo/dynamics.py`), which answers the managed EBS
//! volume configuration on DescribeServices' deployments (moto drops it), so the picker's
//! EBS-snapshot mode lists the service volume's snapshots. One of them is archived through
//! the SDK (ModifySnapshotTier); confirming it is refused, and the service is read back
//! unchanged with no UpdateService received and no audit line; `t` offers its restore.
//!
//! Needs tmux and the emulator's virtualenv (see `console_tmux.rs`).

use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification};
use aws_sdk_ecs::types::ServiceVolumeConfiguration;

use crate::ecs_volumes::managed_ebs_volume;

use crate::asserts::assert_has;
use crate::emulator::{
    Aws, assert_no_audit_log, block_on, described_service, moving_emulator, sdk,
};
use crate::storage_states::{archive, tier_of};
use crate::tmux::{FIRST_SCREEN, SCREEN, Tmux, console_command, require_tmux};

const CLUSTER: &str = "vault-prod";
const SERVICE: &str = "ledger";

/// A snapshot of `volume`, tagged with the service the way ECS tags what it manages.
fn snapshot_of(ec2: &aws_sdk_ec2::Client, volume: &str, description: &str) -> String {
    let tags = TagSpecification::builder()
        .resource_type(ResourceType::Snapshot)
        .tags(
            Tag::builder()
                .key("aws:ecs:clusterName")
                .value(CLUSTER)
                .build(),
        )
        .tags(
            Tag::builder()
                .key("aws:ecs:serviceName")
                .value(SERVICE)
                .build(),
        )
        .build();
    let out = block_on(
        ec2.create_snapshot()
            .volume_id(volume)
            .description(description)
            .tag_specifications(tags)
            .send(),
    )
    .expect("snapshot");
    out.snapshot_id().expect("snapshot id").to_string()
}

const ROLE: &str = "arn:aws:iam::123456789012:role/ecsInfrastructureRole";

/// The service's managed EBS volume `data`, 30 GiB created from `snapshot`.
pub(crate) fn volume_from(snapshot: &str) -> ServiceVolumeConfiguration {
    managed_ebs_volume(ROLE, snapshot, 30)
}

/// The snapshots the managed EBS volumes of `s`'s PRIMARY deployment start from.
pub(crate) fn primary_snapshots(s: &aws_sdk_ecs::types::Service) -> Vec<String> {
    let primary = s
        .deployments()
        .iter()
        .find(|d| d.status() == Some("PRIMARY"))
        .expect("a PRIMARY deployment");
    primary
        .volume_configurations()
        .iter()
        .filter_map(|v| v.managed_ebs_volume()?.snapshot_id().map(str::to_string))
        .collect()
}

/// What a rollback would change, as DescribeServices answers: (task definition, deployment
/// ids, the PRIMARY deployment's volume snapshots).
fn service_state(aws: &Aws) -> (String, Vec<String>, Vec<String>) {
    let s = described_service(&aws.ecs, CLUSTER, SERVICE).expect("the service");
    (
        s.task_definition().unwrap_or_default().to_string(),
        s.deployments()
            .iter()
            .filter_map(|d| d.id().map(str::to_string))
            .collect(),
        primary_snapshots(&s),
    )
}

/// The picker's row of snapshot `id` (its size shown).
fn row<'a>(screen: &'a str, id: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(id) && l.contains(" GiB "))
        .unwrap_or_else(|| panic!("a row for {id}:\n{screen}"))
}

#[test]
fn the_picker_refuses_an_archived_snapshot_in_tmux_and_sends_nothing() {
    require_tmux("the archived-snapshot picker end-to-end test");
    let emulator = moving_emulator(&ecsnap::demo::Dynamics::default());
    let endpoint = emulator.endpoint();
    let aws = sdk(&endpoint);
    let vol = crate::recover::orphan(
        &aws.ec2,
        &[
            ("AmazonECSCreated", "true"),
            ("aws:ecs:clusterName", CLUSTER),
            ("aws:ecs:serviceName", SERVICE),
        ],
    );
    let kept = snapshot_of(&aws.ec2, &vol, "ledger nightly");
    let cold = snapshot_of(&aws.ec2, &vol, "ledger before the migration");
    archive(&aws.ec2, &cold);
    assert_eq!(tier_of(&aws.ec2, &cold), ("archive".to_string(), false));
    crate::recover::seed_service_with(&aws.ecs, CLUSTER, Some(volume_from(&kept)));
    // The helper answers the volume configuration CreateService gave (moto drops it).
    let before = service_state(&aws);
    assert_eq!(before.2, [kept.as_str()], "{before:?}");

    let home = tempfile::tempdir().expect("temp home");
    let tmux = Tmux::start(&console_command(&endpoint, home.path(), ""), 120, 40);
    tmux.wait("the services", FIRST_SCREEN, |s| s.contains("Services (1)"));
    tmux.keys(&["R"]);
    tmux.wait_for(&format!("Roll back {CLUSTER}/{SERVICE}"), SCREEN);
    // Revisions → image tags → EBS snapshots.
    tmux.keys(&["i"]);
    tmux.keys(&["i"]);
    let screen = tmux.wait("the volume's snapshots", SCREEN, |s| {
        s.contains(&format!("Volume data starts from {kept}")) && s.contains(&cold)
    });
    let archived = row(&screen, &cold);
    assert!(
        archived.contains(&format!("▶ {cold}"))
            && archived.contains("✗ archived — restore first (up to 72 h)"),
        "the archived snapshot highlighted and marked:\n{screen}"
    );
    let standard = row(&screen, &kept);
    assert!(
        standard.contains("✓ completed") && standard.contains("(in use now)"),
        "{screen}"
    );
    assert_has(
        &screen,
        "Cannot confirm: the snapshot is archived · t restores it",
    );

    // Confirming is refused, and nothing reaches ECS.
    tmux.keys(&["y"]);
    let screen = tmux.wait_for("nothing was sent", SCREEN);
    assert_has(&screen, &format!("{cold} is archived — restore first"));
    assert_eq!(service_state(&aws), before, "the service is unchanged");
    let calls = emulator.demo_calls().expect("the helper's call log");
    let updates = calls
        .iter()
        .filter(|c| c["operation"] == "UpdateService")
        .count();
    assert_eq!(updates, 0, "no UpdateService was received: {calls:?}");
    assert!(
        calls.iter().any(|c| c["operation"] == "CreateService"),
        "the call log records ECS requests: {calls:?}"
    );
    assert_no_audit_log(home.path());

    // t offers the restore (RestoreSnapshotTier), planned, not sent.
    tmux.keys(&["t"]);
    // The title shows at once; the plan once it is built (reads only).
    let title = format!("Restore snapshot {cold} from the archive tier");
    let screen = tmux.wait("the restore plan", SCREEN, |s| {
        s.contains(&title) && !s.contains("building the plan")
    });
    assert_has(&screen, "up to 72 h");
    tmux.keys(&["Escape"]);
    tmux.wait("the restore plan to close", SCREEN, |s| {
        !s.contains("from the archive tier")
    });
    assert_eq!(tier_of(&aws.ec2, &cold), ("archive".to_string(), false));
    assert_no_audit_log(home.path());
    tmux.keys(&["q"]);
    tmux.wait_for("ECSNAP-EXITED-0", SCREEN);
}
