//! Volume initialization (hydration) read through DescribeVolumeStatus, against
//! aws-smithy-mocks (moto answers that call with HTTP 500): the progress sequence of a
//! volume initializing at a set rate read back as EC2 reports it, down to done; a volume
//! EC2 reports no initialization for is left out; an endpoint without the call is
//! `Unsupported` and reads as "initialization not reported".

use crate::mocked::{block_on, ec2_only};
use aws_sdk_ec2::operation::describe_volume_status::DescribeVolumeStatusOutput;
use aws_sdk_ec2::types::{InitializationStatusDetails, InitializationType, VolumeStatusItem};
use aws_smithy_mocks::{Rule, mock};
use ecsnap::analysis::hydration::progress_line;
use ecsnap::aws::AwsClients;

fn clients(rules: &[&Rule]) -> AwsClients {
    ec2_only("us-east-1", rules).0
}

pub(crate) fn status(id: &str, progress: i64, left: i64) -> VolumeStatusItem {
    VolumeStatusItem::builder()
        .volume_id(id)
        .initialization_status_details(
            InitializationStatusDetails::builder()
                .initialization_type(InitializationType::ProvisionedRate)
                .progress(progress)
                .estimated_time_to_complete_in_seconds(left)
                .build(),
        )
        .build()
}

/// DescribeVolumeStatus for `vol-new` at a set rate: 10 %, then 60 %, then done.
fn ten_sixty_done(with_other: bool) -> Rule {
    mock!(aws_sdk_ec2::Client::describe_volume_status)
        .match_requests(|r| r.volume_ids() == ["vol-new"])
        .sequence()
        .output(move || {
            let mut out =
                DescribeVolumeStatusOutput::builder().volume_statuses(status("vol-new", 10, 540));
            if with_other {
                // A volume without initialization details is left out.
                out =
                    out.volume_statuses(VolumeStatusItem::builder().volume_id("vol-other").build());
            }
            out.build()
        })
        .output(|| {
            DescribeVolumeStatusOutput::builder()
                .volume_statuses(status("vol-new", 60, 180))
                .build()
        })
        .output(|| {
            DescribeVolumeStatusOutput::builder()
                .volume_statuses(status("vol-new", 100, 0))
                .build()
        })
        .build()
}

#[test]
fn initialization_progress_is_read_until_done() {
    let polls = ten_sixty_done(true);
    let aws = clients(&[&polls]);
    let ids = vec!["vol-new".to_string()];
    let mut lines = Vec::new();
    for _ in 0..3 {
        let read = block_on(aws.ec2.describe_volume_initialization(&ids)).expect("read");
        assert_eq!(read.len(), 1, "{read:?}");
        assert_eq!(
            read[0].initialization_type.as_deref(),
            Some("provisioned-rate")
        );
        lines.push(progress_line("vol-new", read.first()));
    }
    assert_eq!(
        lines,
        [
            "vol-new: initializing at the set rate: 10%, about 9 min left",
            "vol-new: initializing at the set rate: 60%, about 3 min left",
            "vol-new: initialized",
        ]
    );
    assert_eq!(polls.num_calls(), 3);
}

#[test]
fn an_endpoint_without_volume_status_reads_as_not_reported() {
    // moto's answer: an HTTP 500 page.
    let broken = mock!(aws_sdk_ec2::Client::describe_volume_status)
        .sequence()
        .http_status(500, Some("<html>internal error</html>".into()))
        .repeatedly()
        .build();
    let aws = clients(&[&broken]);
    let err = block_on(
        aws.ec2
            .describe_volume_initialization(&["vol-new".to_string()]),
    )
    .expect_err("500");
    assert!(
        err.to_string().contains("ec2:DescribeVolumeStatus"),
        "{err}"
    );
    assert_eq!(
        progress_line("vol-new", None),
        "vol-new: initialization not reported"
    );
    // No ids: nothing is asked.
    let none = block_on(aws.ec2.describe_volume_initialization(&[])).expect("empty");
    assert!(none.is_empty());
    assert_eq!(broken.num_calls(), 1);
}

/// The service's ECS-managed volumes: `vol-new` in use by a new task, `vol-gone` left
/// `available` by a stopped one.
pub(crate) fn service_volumes() -> Rule {
    use aws_sdk_ec2::operation::describe_volumes::DescribeVolumesOutput;
    use aws_sdk_ec2::types::{Tag, Volume, VolumeState};
    let volume = |id: &str, state: VolumeState| {
        Volume::builder()
            .volume_id(id)
            .size(100)
            .state(state)
            .tags(
                Tag::builder()
                    .key("aws:ecs:clusterName")
                    .value("c1")
                    .build(),
            )
            .tags(
                Tag::builder()
                    .key("aws:ecs:serviceName")
                    .value("ledger")
                    .build(),
            )
            .build()
    };
    mock!(aws_sdk_ec2::Client::describe_volumes)
        .sequence()
        .output(move || {
            DescribeVolumesOutput::builder()
                .volumes(volume("vol-new", VolumeState::InUse))
                .volumes(volume("vol-gone", VolumeState::Available))
                .build()
        })
        .repeatedly()
        .build()
}

#[test]
fn after_the_rollout_the_new_volume_is_followed_10_60_done_with_the_wait_clock() {
    use ecsnap::ops::hydration::{HydrationOptions, follow_hydration};
    use ecsnap::ops::wait::{Clock, FakeClock};
    use std::time::Duration;
    let volumes = service_volumes();
    let polls = ten_sixty_done(false);
    let aws = clients(&[&volumes, &polls]);
    let clock = FakeClock::default();
    let opts = HydrationOptions {
        timeout: Duration::from_mins(10),
        interval: Duration::from_secs(5),
    };
    let mut looks: Vec<Vec<String>> = Vec::new();
    let mut on_look = |v: &[ecsnap::ops::hydration::VolumeHydration]| {
        looks.push(
            v.iter()
                .map(ecsnap::ops::hydration::VolumeHydration::line)
                .collect(),
        );
    };
    let outcome = block_on(follow_hydration(
        &aws,
        &clock,
        ("c1", "ledger"),
        opts,
        &mut on_look,
    ))
    .expect("followed");
    assert_eq!(
        looks,
        [
            vec!["vol-new: initializing at the set rate: 10%, about 9 min left".to_string()],
            vec!["vol-new: initializing at the set rate: 60%, about 3 min left".to_string()],
            vec!["vol-new: initialized".to_string()],
        ]
    );
    assert!(!outcome.timed_out);
    assert_eq!(outcome.note, None);
    assert_eq!(outcome.volumes.len(), 1, "only the volume in use");
    assert_eq!(clock.sleeps(), [Duration::from_secs(5); 2]);
    assert_eq!(clock.elapsed(), Duration::from_secs(10));
    assert_eq!(polls.num_calls(), 3);
    let json = ecsnap::output::hydration::HydrationJson::list(&outcome);
    assert_eq!(json[0].volume, "vol-new");
    assert_eq!(json[0].progress, Some(100));
    assert!(json[0].done);
}

#[test]
fn following_stops_at_the_timeout_and_an_endpoint_without_the_call_says_so() {
    use ecsnap::ops::hydration::{HydrationOptions, follow_hydration};
    use ecsnap::ops::wait::FakeClock;
    use std::time::Duration;
    let volumes = service_volumes();
    let slow = mock!(aws_sdk_ec2::Client::describe_volume_status)
        .sequence()
        .output(|| {
            DescribeVolumeStatusOutput::builder()
                .volume_statuses(status("vol-new", 10, 5400))
                .build()
        })
        .repeatedly()
        .build();
    let aws = clients(&[&volumes, &slow]);
    let clock = FakeClock::default();
    let opts = HydrationOptions {
        timeout: Duration::from_secs(20),
        interval: Duration::from_secs(5),
    };
    let outcome = block_on(follow_hydration(
        &aws,
        &clock,
        ("c1", "ledger"),
        opts,
        &mut |_| {},
    ))
    .expect("followed");
    assert!(outcome.timed_out);
    assert_eq!(slow.num_calls(), 5, "looks at 0, 5, 10, 15, 20 s");

    let volumes = service_volumes();
    let broken = mock!(aws_sdk_ec2::Client::describe_volume_status)
        .sequence()
        .http_status(500, Some("<html>internal error</html>".into()))
        .repeatedly()
        .build();
    let aws = clients(&[&volumes, &broken]);
    let outcome = block_on(follow_hydration(
        &aws,
        &FakeClock::default(),
        ("c1", "ledger"),
        opts,
        &mut |_| {},
    ))
    .expect("a note, not an error");
    let note = outcome.note.expect("a note");
    assert!(note.starts_with("initialization not reported: "), "{note}");
    assert!(note.contains("ec2:DescribeVolumeStatus"), "{note}");
    assert_eq!(
        outcome.volumes[0].line(),
        "vol-new: initialization not reported"
    );
}
