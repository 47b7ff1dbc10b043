//! End to end against moto: storage in the states AWS keeps it. moto has no
//! DescribeLockedSnapshots, like an older endpoint: a snapshot cleanup still plans and says
//! that locks were not checked, naming the permission. State is read back through the SDK.

use crate::emulator::{block_on, ecsnap, json_of, sdk, start_emulator};

/// A snapshot of a volume that is then deleted: an orphaned snapshot.
pub(crate) fn orphan_snapshot(ec2: &aws_sdk_ec2::Client) -> String {
    let vol = block_on(
        ec2.create_volume()
            .availability_zone("us-east-1a")
            .size(4)
            .send(),
    )
    .expect("volume");
    let vol_id = vol.volume_id().expect("volume id").to_string();
    let snap = block_on(ec2.create_snapshot().volume_id(&vol_id).send()).expect("snapshot");
    block_on(ec2.delete_volume().volume_id(&vol_id).send()).expect("volume deleted");
    snap.snapshot_id().expect("snapshot id").to_string()
}

#[test]
fn a_snapshot_cleanup_where_locks_cannot_be_read_says_so() {
    let emulator = start_emulator();
    let endpoint = emulator.endpoint();
    let aws = sdk(&endpoint);
    let snap = orphan_snapshot(&aws.ec2);
    let home = tempfile::tempdir().expect("home");
    let plan = json_of(ecsnap(&endpoint, home.path()).args([
        "--json",
        "cleanup",
        "--snapshots",
        "--dry-run",
    ]));
    let items: Vec<&str> = plan["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["id"].as_str())
        .collect();
    assert_eq!(items, [snap.as_str()], "{plan}");
    let note = plan["notes"][0].as_str().expect("a note");
    assert!(note.starts_with("locks were not checked: "), "{note}");
    assert!(note.contains("ec2:DescribeLockedSnapshots"), "{note}");
    // A dry run: the snapshot is still there.
    let left = block_on(aws.ec2.describe_snapshots().owner_ids("self").send()).expect("read");
    assert!(
        left.snapshots()
            .iter()
            .any(|s| s.snapshot_id() == Some(snap.as_str()))
    );
}
