//! ECR archive, against aws-smithy-mocks (moto has no storage class, no pull time, no
//! UpdateImageStorageClass): each tag carries its storage class and last pull; a
//! resume-tag restore and an image-tag rollback to an archived image are refused with the
//! restore offered; `restore-image` sends UpdateImageStorageClass STANDARD for the tag's
//! digest and waits until ECR reports it ACTIVE; in read-only mode it sends nothing.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_ecr::operation::describe_images::DescribeImagesOutput;
use aws_sdk_ecr::operation::describe_repositories::DescribeRepositoriesOutput;
use aws_sdk_ecr::operation::update_image_storage_class::UpdateImageStorageClassOutput;
use aws_sdk_ecr::primitives::DateTime as SdkTime;
use aws_sdk_ecr::types::{ImageDetail, ImageStatus as SdkStatus, Repository, TargetStorageClass};
use aws_smithy_mocks::{Rule, mock};
use ecsnap::analysis::in_use::InUse;
use ecsnap::analysis::tags::{TagPattern, group_by_user};
use ecsnap::aws::{AwsClients, OpsClients};
use ecsnap::config::Settings;
use ecsnap::error::Error;
use ecsnap::model::ImageStatus;
use ecsnap::ops::guard::ReadOnly;
use ecsnap::ops::restore_image;
use ecsnap::ops::rollback::{ImageTags, Offered, TagChoice, plan_offered};
use ecsnap::ops::wait::FakeClock;

use crate::mocked::{MockAws, audited, no_retry_client};

const PULLED: i64 = 1_795_000_000;

fn detail(digest: &str, tag: &str, status: SdkStatus) -> ImageDetail {
    ImageDetail::builder()
        .repository_name("ws")
        .image_digest(digest)
        .image_tags(tag)
        .image_size_in_bytes(1_000)
        .image_status(status)
        .last_recorded_pull_time(SdkTime::from_secs(PULLED))
        .build()
}

/// `ws` with alice's old tag archived (then, read after read, `statuses` in turn; the
/// last repeats) and her newest standard; UpdateImageStorageClass recorded.
fn clients(
    statuses: &'static [SdkStatus],
    sent: &Arc<Mutex<Vec<String>>>,
) -> (AwsClients, OpsClients) {
    let repos = mock!(aws_sdk_ecr::Client::describe_repositories).then_output(|| {
        DescribeRepositoriesOutput::builder()
            .repositories(Repository::builder().repository_name("ws").build())
            .build()
    });
    let read = Arc::new(Mutex::new(0usize));
    let images = mock!(aws_sdk_ecr::Client::describe_images).then_output(move || {
        let n = read.lock().map(|mut r| {
            *r += 1;
            *r - 1
        });
        let at = n.unwrap_or(0).min(statuses.len() - 1);
        DescribeImagesOutput::builder()
            .image_details(detail(
                "sha256:old",
                "alice-20261101T0800",
                statuses[at].clone(),
            ))
            .image_details(detail(
                "sha256:new",
                "alice-20261120T0800",
                SdkStatus::Active,
            ))
            .build()
    });
    let sent = Arc::clone(sent);
    let update = mock!(aws_sdk_ecr::Client::update_image_storage_class)
        .match_requests(move |r| {
            if let Ok(mut s) = sent.lock() {
                s.push(format!(
                    "{}@{}:{}",
                    r.repository_name().unwrap_or_default(),
                    r.image_id()
                        .and_then(|i| i.image_digest())
                        .unwrap_or_default(),
                    r.target_storage_class()
                        .map(TargetStorageClass::as_str)
                        .unwrap_or_default()
                ));
            }
            true
        })
        .then_output(|| {
            UpdateImageStorageClassOutput::builder()
                .image_status(SdkStatus::Activating)
                .build()
        });
    let rules: [&Rule; 3] = [&repos, &images, &update];
    MockAws {
        ecr: no_retry_client!(aws_sdk_ecr, rules),
        ..MockAws::default()
    }
    .clients_and_ops()
}

#[tokio::test]
async fn each_tag_carries_its_storage_class_and_last_pull() {
    let sent = Arc::new(Mutex::new(Vec::new()));
    let (aws, _ops) = clients(&[SdkStatus::Archived], &sent);
    let images = aws.ecr.list_images("ws").await.expect("listed");
    let groups = group_by_user(&images, &TagPattern::default(), &InUse::default());
    let json = serde_json::to_value(&groups[0].tags).expect("json");
    let by_tag = |tag: &str| {
        json.as_array()
            .and_then(|a| a.iter().find(|t| t["tag"] == tag))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(by_tag("alice-20261101T0800")["storage_class"], "archive");
    assert_eq!(by_tag("alice-20261120T0800")["storage_class"], "standard");
    assert_eq!(
        by_tag("alice-20261101T0800")["last_pulled_at"],
        "2026-11-18T11:06:40Z"
    );
}

#[tokio::test]
async fn a_resume_tag_restore_to_an_archived_tag_is_refused_with_the_restore_offered() {
    let sent = Arc::new(Mutex::new(Vec::new()));
    let (aws, _ops) = clients(&[SdkStatus::Archived], &sent);
    let err = ecsnap::ops::restore_user::plan(
        &aws,
        &Settings::default(),
        "ws",
        "alice",
        "alice-20261101T0800",
    )
    .await
    .expect_err("refused");
    assert!(matches!(err, Error::Refused(_)), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("ws:alice-20261101T0800 is in ECR archive"),
        "{text}"
    );
    assert!(
        text.contains("ecsnap restore-image --repository ws --tag alice-20261101T0800"),
        "{text}"
    );
    // The standard one is planned as before.
    ecsnap::ops::restore_user::plan(
        &aws,
        &Settings::default(),
        "ws",
        "alice",
        "alice-20261120T0800",
    )
    .await
    .expect("a standard tag restores");
    assert!(sent.lock().expect("sent").is_empty());
}

#[test]
fn the_picker_refuses_an_archived_image_tag() {
    let image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/ws:alice-20261120T0800";
    let tags = ImageTags {
        container: "app".into(),
        image: image.into(),
        tags: vec![],
    };
    let choice = |status: ImageStatus| TagChoice {
        tag: "alice-20261101T0800".into(),
        pushed_at: None,
        status,
    };
    let archived = choice(ImageStatus::Archived);
    let err =
        plan_offered("c", "s", "td:1", Offered::ImageTag(&tags, &archived)).expect_err("refused");
    assert!(
        err.to_string().contains("restore-image --repository ws"),
        "{err}"
    );
    let standard = choice(ImageStatus::Active);
    plan_offered("c", "s", "td:1", Offered::ImageTag(&tags, &standard)).expect("planned");
}

#[tokio::test]
async fn restore_image_sends_standard_and_waits_until_pullable() {
    let sent = Arc::new(Mutex::new(Vec::new()));
    let (aws, ops) = clients(
        &[
            SdkStatus::Archived,
            SdkStatus::Activating,
            SdkStatus::Active,
        ],
        &sent,
    );
    let plan = restore_image::plan(&aws, "ws", "alice-20261101T0800")
        .await
        .expect("plan");
    assert_eq!(plan.digest, "sha256:old");
    let (mutator, _dir, _log) = audited(ops, None);
    let answered = restore_image::execute(&mutator, &plan).await.expect("sent");
    assert_eq!(answered, ImageStatus::Activating);
    assert_eq!(
        sent.lock().expect("sent").as_slice(),
        ["ws@sha256:old:STANDARD"]
    );
    let clock = FakeClock::default();
    let mut seen = Vec::new();
    let status = restore_image::wait_pullable(
        &aws,
        &plan,
        &clock,
        Duration::from_secs(10),
        Duration::from_mins(10),
        &mut |s| seen.push(s.storage_class().to_string()),
    )
    .await
    .expect("pullable");
    assert_eq!(status, ImageStatus::Active);
    assert_eq!(seen, ["restoring", "standard"]);
    assert_eq!(clock.sleeps(), [Duration::from_secs(10)]);
    // A standard tag is not restored.
    let err = restore_image::plan(&aws, "ws", "alice-20261120T0800")
        .await
        .expect_err("not archived");
    assert!(err.to_string().contains("not archived"), "{err}");
}

#[tokio::test]
async fn read_only_mode_sends_no_update_image_storage_class() {
    let sent = Arc::new(Mutex::new(Vec::new()));
    let (aws, ops) = clients(&[SdkStatus::Archived], &sent);
    let plan = restore_image::plan(&aws, "ws", "alice-20261101T0800")
        .await
        .expect("plan");
    let (mutator, _dir, _log) = audited(ops, Some(ReadOnly("read-only mode is on".into())));
    let err = restore_image::execute(&mutator, &plan)
        .await
        .expect_err("refused");
    assert!(matches!(err, Error::Refused(_)), "{err}");
    assert!(sent.lock().expect("sent").is_empty(), "nothing sent");
}
