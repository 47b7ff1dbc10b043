//! Snapshot lineage (the Orphans detail) against aws-smithy-mocks: a snapshot's source
//! volume (gone) and the volumes created from it, asked with DescribeVolumes' `snapshot-id`
//! filter; a volume's origin snapshot and the snapshots taken of it; the DLM / Backup
//! policies named by tags.

use crate::mocked::clients;
use crate::runtime::block_on;
use aws_sdk_ec2::operation::describe_snapshots::DescribeSnapshotsOutput;
use aws_sdk_ec2::operation::describe_volumes::{
    DescribeVolumesError, DescribeVolumesInput, DescribeVolumesOutput,
};
use aws_sdk_ec2::types::{Snapshot, SnapshotState, Tag, Volume, VolumeState};
use aws_smithy_mocks::{RuleBuilder, mock};
use ecsnap::load::load_lineage;
use ecsnap::model::ResourceKind;

fn snapshot(id: &str, volume: &str, tags: &[(&str, &str)]) -> Snapshot {
    let mut s = Snapshot::builder()
        .snapshot_id(id)
        .volume_id(volume)
        .state(SnapshotState::Completed)
        .volume_size(20);
    for (k, v) in tags {
        s = s.tags(Tag::builder().key(*k).value(*v).build());
    }
    s.build()
}

fn own_snapshots() -> DescribeSnapshotsOutput {
    DescribeSnapshotsOutput::builder()
        .snapshots(snapshot(
            "snap-0dlm",
            "vol-0gone",
            &[("aws:dlm:lifecycle-policy-id", "policy-0abc")],
        ))
        .snapshots(snapshot("snap-0of1", "vol-0live", &[]))
        .snapshots(snapshot(
            "snap-0of2",
            "vol-0live",
            &[(
                "aws:backup:source-resource",
                "arn:aws:ec2:eu-west-1:1:volume/vol-0live",
            )],
        ))
        .build()
}

fn volume(id: &str, from: Option<&str>, state: VolumeState) -> Volume {
    Volume::builder()
        .volume_id(id)
        .set_snapshot_id(from.map(str::to_string))
        .state(state)
        .size(20)
        .build()
}

/// DescribeVolumes asked with filter `name` = `value` (and nothing else).
fn volumes_where(
    name: &'static str,
    value: &'static str,
) -> RuleBuilder<DescribeVolumesInput, DescribeVolumesOutput, DescribeVolumesError> {
    mock!(aws_sdk_ec2::Client::describe_volumes).match_requests(move |r| {
        r.filters()
            .iter()
            .any(|f| f.name() == Some(name) && f.values() == [value])
    })
}

#[test]
fn a_snapshot_lists_its_gone_volume_and_the_volumes_made_from_it() {
    let snapshots = mock!(aws_sdk_ec2::Client::describe_snapshots).then_output(own_snapshots);
    // Only the `snapshot-id` filter is answered with the volumes made from it.
    let made = volumes_where("snapshot-id", "snap-0dlm").then_output(|| {
        DescribeVolumesOutput::builder()
            .volumes(volume("vol-0a", Some("snap-0dlm"), VolumeState::InUse))
            .volumes(volume("vol-0b", Some("snap-0dlm"), VolumeState::Available))
            .build()
    });
    // The source volume is gone: the `volume-id` filter finds nothing.
    let source = volumes_where("volume-id", "vol-0gone")
        .then_output(|| DescribeVolumesOutput::builder().build());
    let aws = clients(&[], &[], &[&snapshots, &made, &source]);
    let lineage =
        block_on(load_lineage(&aws, ResourceKind::Snapshot, "snap-0dlm")).expect("lineage");
    assert_eq!(made.num_calls(), 1);
    assert_eq!(source.num_calls(), 1);
    let lines = lineage.lines();
    assert_eq!(lines[0], "taken of volume vol-0gone (gone)");
    assert_eq!(lines[1], "volumes created from it (2):");
    let ids: Vec<&str> = lineage.made.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), 2);
    assert!(
        ids.contains(&"vol-0a") && ids.contains(&"vol-0b"),
        "{ids:?}"
    );
    assert_eq!(
        lines.last().map(String::as_str),
        Some("managed by DLM policy policy-0abc")
    );
}

#[test]
fn a_volume_lists_its_origin_snapshot_and_the_snapshots_taken_of_it() {
    let snapshots = mock!(aws_sdk_ec2::Client::describe_snapshots).then_output(own_snapshots);
    let this = volumes_where("volume-id", "vol-0live").then_output(|| {
        DescribeVolumesOutput::builder()
            .volumes(volume(
                "vol-0live",
                Some("snap-0dlm"),
                VolumeState::Available,
            ))
            .build()
    });
    let aws = clients(&[], &[], &[&snapshots, &this]);
    let lineage = block_on(load_lineage(&aws, ResourceKind::Volume, "vol-0live")).expect("lineage");
    let lines = lineage.lines();
    assert_eq!(lines[0], "created from snapshot snap-0dlm (completed)");
    assert_eq!(lines[1], "snapshots taken of it (2):");
    let ids: Vec<&str> = lineage.made.iter().map(|r| r.id.as_str()).collect();
    assert!(
        ids.contains(&"snap-0of1") && ids.contains(&"snap-0of2"),
        "{ids:?}"
    );
    // An unknown volume is an error naming it.
    let none = mock!(aws_sdk_ec2::Client::describe_volumes)
        .then_output(|| DescribeVolumesOutput::builder().build());
    let aws = clients(&[], &[], &[&snapshots, &none]);
    let err = block_on(load_lineage(&aws, ResourceKind::Volume, "vol-0nope")).expect_err("gone");
    assert!(err.to_string().contains("vol-0nope"), "{err}");
}
