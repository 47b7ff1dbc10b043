//! Honest outcomes and an audit log that stops the run, against aws-smithy-mocks: a
//! delete answered NotFound is "already gone" (not a failure); a lost answer (a server
//! error, a retry that ends in NotFound) is re-read — gone is done "confirmed after a lost
//! answer", still there is failed, unreadable is unknown — and each is audited as such;
//! an audit write that fails mid-run sends nothing more and leaves only whole lines.

use crate::asserts::assert_has;
use std::sync::Arc;
use std::time::Duration;

use crate::cleanup::{
    audit_lines, available, execute_plan, line, one_at_a_time, paired, volume_plan,
};
use crate::mocked::{MockAws, audited, block_on, ec2_only, no_retry_client, statuses};
use aws_sdk_ec2::Client;
use aws_sdk_ec2::config::retry::RetryConfig;
use aws_sdk_ec2::config::{AsyncSleep, SharedAsyncSleep, Sleep};
use aws_sdk_ec2::operation::delete_volume::{
    DeleteVolumeError, DeleteVolumeInput, DeleteVolumeOutput,
};
use aws_sdk_ec2::operation::describe_volumes::{
    DescribeVolumesError, DescribeVolumesInput, DescribeVolumesOutput,
};
use aws_smithy_mocks::{Rule, RuleBuilder, RuleMode, mock, mock_client};
use ecsnap::aws::{AwsClients, OpsClients};
use ecsnap::ops::audit::{Actor, AuditLog, read_log};
use ecsnap::ops::cleanup::{ItemResult, ItemStatus};
use ecsnap::ops::guard::{Mutator, Settled};

fn ec2_error(code: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{code}</Code>\
         <Message>{code} for the test</Message></Error></Errors><RequestID>r-1</RequestID>\
         </Response>"
    )
}

/// Retries without waiting.
#[derive(Debug, Clone, Default)]
struct NoSleep;

impl AsyncSleep for NoSleep {
    fn sleep(&self, _duration: Duration) -> Sleep {
        Sleep::new(std::future::ready(()))
    }
}

/// A place where EC2 (retrying with no wait) and ECR answer by their rules, nothing else.
fn retrying(ec2: &[&Rule], ecr: &[&Rule]) -> (AwsClients, OpsClients) {
    MockAws {
        ec2: mock_client!(aws_sdk_ec2, RuleMode::MatchAny, ec2, |c| c
            .retry_config(RetryConfig::standard().with_max_attempts(3))
            .sleep_impl(SharedAsyncSleep::new(NoSleep))),
        ecr: no_retry_client!(aws_sdk_ecr, ecr.iter().copied()),
        ..MockAws::default()
    }
    .clients_and_ops()
}

/// The listing the executor re-checks against: every id `available`.
fn listed(ids: &'static [&'static str]) -> Rule {
    mock!(Client::describe_volumes)
        .match_requests(|r| r.volume_ids().is_empty())
        .then_output(move || available(ids))
}

/// The re-read of one volume after a lost answer.
fn reread(
    id: &'static str,
) -> RuleBuilder<DescribeVolumesInput, DescribeVolumesOutput, DescribeVolumesError> {
    mock!(Client::describe_volumes).match_requests(move |r| r.volume_ids() == [id.to_string()])
}

/// The delete of one volume.
fn delete(
    id: &'static str,
) -> RuleBuilder<DeleteVolumeInput, DeleteVolumeOutput, DeleteVolumeError> {
    mock!(Client::delete_volume).match_requests(move |r| r.volume_id() == Some(id))
}

/// The plan deleting `ids`, executed one at a time.
fn run(aws: &AwsClients, m: &Mutator, ids: &[&str]) -> Vec<ItemResult> {
    block_on(execute_plan(
        aws,
        m,
        &volume_plan(ids),
        &one_at_a_time(),
        &mut |_: &ItemResult| {},
    ))
}

#[test]
fn a_delete_answered_not_found_is_already_gone_not_a_failure() {
    let listing = listed(&["vol-1", "vol-2"]);
    let ok = delete("vol-1").then_output(|| DeleteVolumeOutput::builder().build());
    let gone = delete("vol-2")
        .sequence()
        .http_status(400, Some(ec2_error("InvalidVolume.NotFound")))
        .build();
    let (aws, ops) = ec2_only("us-east-1", &[&listing, &ok, &gone]);
    let (m, _dir, path) = audited(ops, None);
    let results = run(&aws, &m, &["vol-1", "vol-2"]);
    let got = statuses(&results);
    assert_eq!(
        got,
        [("vol-1", ItemStatus::Done), ("vol-2", ItemStatus::Skipped)]
    );
    let detail = results[1].detail.clone().unwrap_or_default();
    assert!(
        detail.contains("already gone") && detail.contains("InvalidVolume.NotFound"),
        "{detail}"
    );
    assert!(results.iter().all(|r| r.status != ItemStatus::Failed));
    assert_eq!(
        audit_lines(&path),
        paired(&[("vol-1", "ok"), ("vol-2", "gone")])
    );
}

#[test]
fn a_lost_answer_is_re_read_gone_is_done_there_is_failed_unreadable_is_unknown() {
    let listing = listed(&["vol-gone", "vol-next"]);
    let lost = mock!(Client::delete_volume)
        .match_requests(|r| matches!(r.volume_id(), Some("vol-gone" | "vol-there" | "vol-blind")))
        .sequence()
        .http_status(500, Some(ec2_error("InternalError")))
        .repeatedly()
        .build();
    let next = delete("vol-next").then_output(|| DeleteVolumeOutput::builder().build());
    let gone = reread("vol-gone")
        .sequence()
        .http_status(400, Some(ec2_error("InvalidVolume.NotFound")))
        .build();
    let there = reread("vol-there").then_output(|| available(&["vol-there"]));
    let blind = reread("vol-blind")
        .sequence()
        .http_status(403, Some(ec2_error("UnauthorizedOperation")))
        .repeatedly()
        .build();
    let (aws, ops) = ec2_only(
        "us-east-1",
        &[&listing, &lost, &next, &gone, &there, &blind],
    );
    let (m, _dir, path) = audited(ops, None);

    // Through the executor: confirmed is done, and the run goes on.
    let results = run(&aws, &m, &["vol-gone", "vol-next"]);
    let got = statuses(&results);
    assert_eq!(
        got,
        [
            ("vol-gone", ItemStatus::Done),
            ("vol-next", ItemStatus::Done)
        ]
    );
    let detail = results[0].detail.clone().unwrap_or_default();
    assert!(
        detail.starts_with("done (confirmed after a lost answer")
            && detail.contains("InternalError"),
        "{detail}"
    );
    assert_eq!(next.num_calls(), 1);

    // Still there: failed. Unreadable: unknown.
    let err = block_on(m.delete_volume("vol-there")).expect_err("still there is a failure");
    assert!(err.to_string().contains("InternalError"), "{err}");
    match block_on(m.delete_volume("vol-blind")).expect("settles") {
        Settled::Unknown { lost, reread } => {
            assert_has(&lost, "InternalError");
            assert_has(&reread, "ec2:DescribeVolumes");
        }
        other => panic!("expected unknown, got {other:?}"),
    }
    assert_eq!(
        audit_lines(&path),
        paired(&[
            ("vol-gone", "ok"),
            ("vol-next", "ok"),
            ("vol-there", "failed"),
            ("vol-blind", "unknown")
        ])
    );
    let (entries, _) = read_log(&path).expect("log");
    let confirmed = &entries[1];
    assert_has(
        confirmed.detail.as_deref().unwrap_or_default(),
        "confirmed after a lost answer",
    );
    assert_has(
        confirmed.error.as_deref().unwrap_or_default(),
        "InternalError",
    );
}

#[test]
fn an_unknown_outcome_stops_new_deletes() {
    // The endpoint loses the answer and cannot be read: nothing more is sent.
    let lost = delete("vol-blind")
        .sequence()
        .http_status(500, Some(ec2_error("InternalError")))
        .repeatedly()
        .build();
    let blind = reread("vol-blind")
        .sequence()
        .http_status(403, Some(ec2_error("UnauthorizedOperation")))
        .repeatedly()
        .build();
    let listing = listed(&["vol-blind", "vol-after"]);
    let after = delete("vol-after").then_output(|| DeleteVolumeOutput::builder().build());
    let (aws, ops) = ec2_only("us-east-1", &[&listing, &lost, &blind, &after]);
    let (m, _dir, path) = audited(ops, None);
    let results = run(&aws, &m, &["vol-blind", "vol-after"]);
    assert_eq!(results[0].status, ItemStatus::Failed);
    assert!(
        results[0]
            .detail
            .as_deref()
            .is_some_and(|d| d.starts_with("unknown: ")),
        "{:?}",
        results[0].detail
    );
    assert_eq!(results[1].status, ItemStatus::Skipped);
    assert_eq!(after.num_calls(), 0);
    assert_eq!(audit_lines(&path), paired(&[("vol-blind", "unknown")]));
}

#[test]
fn a_retried_delete_answered_not_found_is_confirmed_by_a_re_read() {
    // The first attempt's answer is a 503 (its outcome unknown to the SDK), the retry is
    // told the volume does not exist: the first attempt deleted it.
    let retried = delete("vol-1")
        .sequence()
        .http_status(503, Some(ec2_error("InternalError")))
        .http_status(400, Some(ec2_error("InvalidVolume.NotFound")))
        .build();
    let gone = reread("vol-1").then_output(|| DescribeVolumesOutput::builder().build());
    let (_aws, ops) = retrying(&[&retried, &gone], &[]);
    let (m, _dir, path) = audited(ops, None);
    match block_on(m.delete_volume("vol-1")).expect("settles") {
        Settled::Confirmed { lost } => assert!(lost.contains("after a retry"), "{lost}"),
        other => panic!("expected confirmed, got {other:?}"),
    }
    assert_eq!(retried.num_calls(), 2);
    assert_eq!(gone.num_calls(), 1);
    assert_eq!(audit_lines(&path), paired(&[("vol-1", "ok")]));
}

#[test]
fn an_image_already_gone_is_not_a_failure() {
    use aws_sdk_ecr::operation::batch_delete_image::BatchDeleteImageOutput;
    use aws_sdk_ecr::types::{ImageFailure, ImageFailureCode, ImageIdentifier};
    let deleted = mock!(aws_sdk_ecr::Client::batch_delete_image).then_output(|| {
        BatchDeleteImageOutput::builder()
            .image_ids(ImageIdentifier::builder().image_digest("sha256:b").build())
            .failures(
                ImageFailure::builder()
                    .image_id(ImageIdentifier::builder().image_digest("sha256:a").build())
                    .failure_code(ImageFailureCode::ImageNotFound)
                    .failure_reason("Requested image not found")
                    .build(),
            )
            .build()
    });
    let (_aws, ops) = retrying(&[], &[&deleted]);
    let (m, _dir, path) = audited(ops, None);
    let got =
        block_on(m.delete_images("ws", &["sha256:a".into(), "sha256:b".into()])).expect("answers");
    assert_eq!(
        got,
        [
            (
                "sha256:a".to_string(),
                Settled::AlreadyGone {
                    code: "ImageNotFound".into()
                }
            ),
            ("sha256:b".to_string(), Settled::Done),
        ]
    );
    assert_eq!(
        audit_lines(&path),
        [
            line("ws@sha256:a,ws@sha256:b", "intent", "pending"),
            line("ws@sha256:a", "result", "gone"),
            line("ws@sha256:b", "result", "ok"),
        ]
    );
}

#[test]
fn a_failed_audit_write_mid_run_sends_nothing_more_and_leaves_whole_lines() {
    let listing = listed(&["vol-1", "vol-2", "vol-3", "vol-4"]);
    let deletes =
        mock!(Client::delete_volume).then_output(|| DeleteVolumeOutput::builder().build());
    let (aws, ops) = ec2_only("us-east-1", &[&listing, &deletes]);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("audit.log");
    // vol-1's intent and result are written; vol-2's intent hits a full disk.
    let log = AuditLog::open_failing_after(&path, 2).expect("log");
    let m = Mutator::new(ops, None, Arc::new(log), Actor::default());
    let results = run(&aws, &m, &["vol-1", "vol-2", "vol-3", "vol-4"]);
    let got = statuses(&results);
    assert_eq!(
        got,
        [
            ("vol-1", ItemStatus::Done),
            ("vol-2", ItemStatus::Failed),
            ("vol-3", ItemStatus::Failed),
            ("vol-4", ItemStatus::Failed),
        ]
    );
    for r in &results[1..] {
        assert!(r.was_not_sent(), "{r:?}");
        let d = r.detail.clone().unwrap_or_default();
        assert_has(&d, "audit log could not be written");
    }
    // Only vol-1's delete was sent.
    assert_eq!(deletes.num_calls(), 1);
    // The half line the full disk left was cut: two whole lines remain.
    let text = std::fs::read_to_string(&path).expect("reads");
    assert!(text.ends_with('\n'), "{text:?}");
    assert_eq!(audit_lines(&path), paired(&[("vol-1", "ok")]));
}
