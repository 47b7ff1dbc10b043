//! Index-safe image cleanup, against aws-smithy-mocks (ECR's media types, subjects and
//! index manifests as DescribeImages and BatchGetImage give them): a tagged manifest of an
//! index that is kept is skipped naming the index and never sent to BatchDeleteImage; an
//! old index goes with its untagged children and its untagged signature in one call, as
//! one item whose size is theirs.

use std::sync::{Arc, Mutex};

use aws_sdk_ecr::operation::batch_delete_image::BatchDeleteImageOutput;
use aws_sdk_ecr::operation::batch_get_image::BatchGetImageOutput;
use aws_sdk_ecr::operation::describe_images::DescribeImagesOutput;
use aws_sdk_ecr::operation::describe_repositories::DescribeRepositoriesOutput;
use aws_sdk_ecr::types::{Image, ImageDetail, ImageIdentifier, ImageStatusFilter, Repository};
use aws_sdk_ecs::operation::list_clusters::ListClustersOutput;
use aws_smithy_mocks::{Rule, mock};
use chrono::{TimeZone, Utc};
use ecsnap::analysis::image_links::OCI_INDEX;
use ecsnap::analysis::orphans::OrphanFilter;
use ecsnap::config::Settings;
use ecsnap::model::ResourceKind;
use ecsnap::ops::cleanup::{self, ExecuteOptions, ItemStatus};
use ecsnap::ops::wait::FakeClock;

use crate::mocked::{MockAws, audited, no_retry_client, skip_reasons};

const MIB: i64 = 1_048_576;

fn detail(digest: &str, tags: &[&str], media: &str, subject: Option<&str>) -> ImageDetail {
    let mut d = ImageDetail::builder()
        .repository_name("ws")
        .image_digest(digest)
        .image_manifest_media_type(media)
        .image_size_in_bytes(100 * MIB);
    for t in tags {
        d = d.image_tags(*t);
    }
    if let Some(s) = subject {
        d = d
            .subject_manifest_digest(s)
            .artifact_media_type("application/vnd.dev.cosign.artifact.sig.v1+json");
    }
    d.build()
}

fn index_of(children: &[&str]) -> String {
    let list: Vec<String> = children
        .iter()
        .map(|c| {
            format!(
                r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{c}","size":500}}"#
            )
        })
        .collect();
    format!(
        r#"{{"schemaVersion":2,"mediaType":"{OCI_INDEX}","manifests":[{}]}}"#,
        list.join(",")
    )
}

const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

/// Alice: her newest three tags are kept, the newest an index whose arm64 manifest also
/// carries her oldest tag; her fourth is an old index with two untagged manifests and an
/// untagged signature.
fn ecr(deleted: &Arc<Mutex<Vec<String>>>, asked_any: &Arc<Mutex<bool>>) -> aws_sdk_ecr::Client {
    let repos = mock!(aws_sdk_ecr::Client::describe_repositories).then_output(|| {
        DescribeRepositoriesOutput::builder()
            .repositories(Repository::builder().repository_name("ws").build())
            .build()
    });
    let asked_any = Arc::clone(asked_any);
    let images = mock!(aws_sdk_ecr::Client::describe_images)
        .match_requests(move |r| {
            let any = r
                .filter()
                .and_then(|f| f.image_status())
                .is_some_and(|s| *s == ImageStatusFilter::Any);
            if let Ok(mut a) = asked_any.lock() {
                *a = any;
            }
            true
        })
        .then_output(|| {
            DescribeImagesOutput::builder()
                .image_details(detail(
                    "sha256:inew",
                    &["alice-20261120T0800"],
                    OCI_INDEX,
                    None,
                ))
                .image_details(detail(
                    "sha256:a2",
                    &["alice-20261119T0800"],
                    MANIFEST,
                    None,
                ))
                .image_details(detail(
                    "sha256:a3",
                    &["alice-20261118T0800"],
                    MANIFEST,
                    None,
                ))
                .image_details(detail("sha256:amd", &[], MANIFEST, None))
                .image_details(detail(
                    "sha256:arm",
                    &["alice-20261101T0800"],
                    MANIFEST,
                    None,
                ))
                .image_details(detail(
                    "sha256:iold",
                    &["alice-20261102T0800"],
                    OCI_INDEX,
                    None,
                ))
                .image_details(detail("sha256:c1", &[], MANIFEST, None))
                .image_details(detail("sha256:c2", &[], MANIFEST, None))
                .image_details(detail("sha256:s1", &[], MANIFEST, Some("sha256:iold")))
                .build()
        });
    let manifest = |digest: &'static str, text: String| {
        mock!(aws_sdk_ecr::Client::batch_get_image)
            .match_requests(move |r| {
                r.image_ids()
                    .first()
                    .and_then(ImageIdentifier::image_digest)
                    == Some(digest)
            })
            .then_output(move || {
                BatchGetImageOutput::builder()
                    .images(
                        Image::builder()
                            .repository_name("ws")
                            .image_id(ImageIdentifier::builder().image_digest(digest).build())
                            .image_manifest(text.clone())
                            .build(),
                    )
                    .build()
            })
    };
    let new_index = manifest("sha256:inew", index_of(&["sha256:amd", "sha256:arm"]));
    let old_index = manifest("sha256:iold", index_of(&["sha256:c1", "sha256:c2"]));
    let delete = deletes(deleted);
    let rules: [&Rule; 5] = [&repos, &images, &new_index, &old_index, &delete];
    no_retry_client!(aws_sdk_ecr, rules)
}

/// BatchDeleteImage answering ok for the old unit, recording every digest it was sent.
fn deletes(deleted: &Arc<Mutex<Vec<String>>>) -> Rule {
    let deleted = Arc::clone(deleted);
    mock!(aws_sdk_ecr::Client::batch_delete_image)
        .match_requests(move |r| {
            if let Ok(mut d) = deleted.lock() {
                d.extend(
                    r.image_ids()
                        .iter()
                        .filter_map(|i| i.image_digest().map(str::to_string)),
                );
            }
            true
        })
        .then_output(|| {
            BatchDeleteImageOutput::builder()
                .image_ids(
                    ImageIdentifier::builder()
                        .image_digest("sha256:iold")
                        .build(),
                )
                .image_ids(ImageIdentifier::builder().image_digest("sha256:c1").build())
                .image_ids(ImageIdentifier::builder().image_digest("sha256:c2").build())
                .image_ids(ImageIdentifier::builder().image_digest("sha256:s1").build())
                .build()
        })
}

#[tokio::test]
async fn an_index_kept_keeps_its_manifests_and_an_old_index_goes_as_one_unit() {
    let deleted = Arc::new(Mutex::new(Vec::new()));
    let asked_any = Arc::new(Mutex::new(false));
    let no_clusters = mock!(aws_sdk_ecs::Client::list_clusters)
        .then_output(|| ListClustersOutput::builder().build());
    let (aws, ops) = MockAws {
        ecr: ecr(&deleted, &asked_any),
        ecs: no_retry_client!(aws_sdk_ecs, [&no_clusters]),
        ..MockAws::default()
    }
    .clients_and_ops();
    let settings = Settings::default();
    let now = Utc
        .with_ymd_and_hms(2026, 12, 6, 12, 0, 0)
        .single()
        .expect("now");
    let plan = cleanup::plan(
        cleanup::PlanContext::new(&aws, &settings, None, now),
        ResourceKind::Image,
        OrphanFilter::default(),
        false,
    )
    .await
    .expect("plan");
    assert!(
        *asked_any.lock().expect("asked"),
        "DescribeImages asks for every storage class (imageStatus ANY)"
    );
    let ids: Vec<&str> = plan.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["ws@sha256:iold"]);
    assert_eq!(
        plan.items[0].with_digests,
        ["sha256:c1", "sha256:c2", "sha256:s1"]
    );
    // Two manifests and the signature, 100 MiB each; not the index's own figure.
    assert!(
        (plan.items[0].size_gib - 300.0 / 1024.0).abs() < 1e-9,
        "{}",
        plan.items[0].size_gib
    );
    let skipped: Vec<(&str, &str)> = skip_reasons(&plan.skipped);
    assert_eq!(
        skipped,
        [(
            "ws@sha256:arm",
            "a manifest of image index ws@sha256:inew (alice-20261120T0800) which is kept"
        )]
    );

    let (mutator, _dir, _log) = audited(ops, None);
    let results = cleanup::execute(
        &aws,
        &mutator,
        &settings,
        &plan,
        &FakeClock::default(),
        &ExecuteOptions::default(),
        &mut |_| {},
    )
    .await
    .expect("executed");
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].status, ItemStatus::Done, "{:?}", results[0]);
    let sent = deleted.lock().expect("deleted").clone();
    assert_eq!(sent, ["sha256:iold", "sha256:c1", "sha256:c2", "sha256:s1"]);
    assert!(!sent.iter().any(|d| d == "sha256:arm" || d == "sha256:amd"));
}
