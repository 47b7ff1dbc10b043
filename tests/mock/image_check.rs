//! Rollback targets checked before they are offered, against aws-smithy-mocks: which
//! images of a revision still exist in ECR (BatchGetImage in batches of at most 100, a
//! repository that is gone, a denied check that does not block, images outside ECR that
//! cannot be checked), and the picker's revisions carrying that check and their diff
//! against what runs.

use std::sync::{Arc, Mutex};

use crate::answers::failing;
use crate::mocked::clients;
use crate::service_revisions::change_lines;
use aws_sdk_ecr::operation::batch_get_image::BatchGetImageOutput;
use aws_sdk_ecr::types::{Image as EcrImage, ImageFailure, ImageFailureCode, ImageIdentifier};
use aws_sdk_ecs::operation::describe_task_definition::DescribeTaskDefinitionOutput;
use aws_sdk_ecs::operation::list_task_definitions::ListTaskDefinitionsOutput;
use aws_sdk_ecs::types::{ContainerDefinition, KeyValuePair, TaskDefinition};
use aws_smithy_mocks::mock;
use ecsnap::Error;
use ecsnap::load::load_image_presence;
use ecsnap::model::ImagePresence;
use ecsnap::ops::rollback;

/// The mocked clients' region is eu-west-1.
const REGISTRY: &str = "111122223333.dkr.ecr.eu-west-1.amazonaws.com";
const TD: &str = "arn:aws:ecs:eu-west-1:111122223333:task-definition/shop";

/// BatchGetImage that knows every tag but `gone-*` ones, recording each call's size.
fn ecr_without_gone_tags(sizes: Arc<Mutex<Vec<usize>>>) -> aws_smithy_mocks::Rule {
    mock!(aws_sdk_ecr::Client::batch_get_image).then_compute_output(move |req| {
        sizes.lock().expect("sizes").push(req.image_ids().len());
        let mut out = BatchGetImageOutput::builder();
        for id in req.image_ids() {
            let tag = id.image_tag().unwrap_or_default();
            if tag.starts_with("gone-") {
                out = out.failures(
                    ImageFailure::builder()
                        .image_id(ImageIdentifier::builder().image_tag(tag).build())
                        .failure_code(ImageFailureCode::ImageNotFound)
                        .failure_reason("Requested image not found")
                        .build(),
                );
            } else {
                out = out.images(
                    EcrImage::builder()
                        .image_id(id.clone())
                        .image_manifest("{}")
                        .build(),
                );
            }
        }
        out.build()
    })
}

#[tokio::test]
async fn images_are_checked_in_batches_of_at_most_100() {
    let sizes = Arc::new(Mutex::new(Vec::new()));
    let rule = ecr_without_gone_tags(Arc::clone(&sizes));
    let aws = clients(&[], &[&rule], &[]);
    let mut images: Vec<String> = (0..149).map(|i| format!("{REGISTRY}/shop:v{i}")).collect();
    images.push(format!("{REGISTRY}/shop:gone-1"));
    images.push("nginx:1.27".into());
    images.push("111122223333.dkr.ecr.us-west-2.amazonaws.com/shop:v1".into());
    let found = load_image_presence(&aws, &images).await;

    let mut calls = sizes.lock().expect("sizes").clone();
    calls.sort_unstable();
    assert_eq!(
        calls,
        [50, 100],
        "150 ECR images of one repository: two calls"
    );
    assert_eq!(found[&format!("{REGISTRY}/shop:v7")], ImagePresence::Exists);
    assert_eq!(
        found[&format!("{REGISTRY}/shop:gone-1")],
        ImagePresence::Deleted("ImageNotFound: Requested image not found".into())
    );
    assert_eq!(found["nginx:1.27"], ImagePresence::NotEcr);
    assert!(
        matches!(
            &found["111122223333.dkr.ecr.us-west-2.amazonaws.com/shop:v1"],
            ImagePresence::Unchecked(why) if why.contains("us-west-2")
        ),
        "another region cannot be asked from this one"
    );
    assert_eq!(found.len(), images.len());
}

#[tokio::test]
async fn a_repository_that_is_gone_means_every_image_of_it_is_deleted() {
    let rule = failing!(
        aws_sdk_ecr::Client::batch_get_image,
        400,
        r#"{"__type":"RepositoryNotFoundException","message":"The repository with name 'shop' does not exist"}"#,
        repeatedly
    );
    let aws = clients(&[], &[&rule], &[]);
    let images = [format!("{REGISTRY}/shop:v1"), format!("{REGISTRY}/shop:v2")];
    let found = load_image_presence(&aws, &images).await;
    for image in &images {
        assert!(
            matches!(&found[image], ImagePresence::Deleted(why) if why.contains("repository shop does not exist")),
            "{image}: {:?}",
            found[image]
        );
    }
}

#[tokio::test]
async fn a_check_that_is_denied_does_not_block_and_names_the_permission() {
    let rule = failing!(
        aws_sdk_ecr::Client::batch_get_image,
        400,
        r#"{"__type":"AccessDeniedException","message":"User is not authorized to perform: ecr:BatchGetImage"}"#,
        repeatedly
    );
    let aws = clients(&[], &[&rule], &[]);
    let image = format!("{REGISTRY}/shop:v1");
    let found = load_image_presence(&aws, std::slice::from_ref(&image)).await;
    assert!(
        matches!(&found[&image], ImagePresence::Unchecked(why) if why.contains("ecr:BatchGetImage")),
        "{:?}",
        found[&image]
    );
}

fn task_definition(revision: i32, tag: &str, log_level: &str) -> TaskDefinition {
    TaskDefinition::builder()
        .task_definition_arn(format!("{TD}:{revision}"))
        .family("shop")
        .revision(revision)
        .container_definitions(
            ContainerDefinition::builder()
                .name("app")
                .image(format!("{REGISTRY}/shop:{tag}"))
                .environment(
                    KeyValuePair::builder()
                        .name("LOG_LEVEL")
                        .value(log_level)
                        .build(),
                )
                .environment(KeyValuePair::builder().name("API_TOKEN").value(tag).build())
                .build(),
        )
        .build()
}

#[tokio::test]
async fn the_picker_marks_deleted_images_and_diffs_each_revision_against_what_runs() {
    let list = mock!(aws_sdk_ecs::Client::list_task_definitions).then_output(|| {
        ListTaskDefinitionsOutput::builder()
            .task_definition_arns(format!("{TD}:1"))
            .task_definition_arns(format!("{TD}:2"))
            .task_definition_arns(format!("{TD}:3"))
            .build()
    });
    let describe =
        mock!(aws_sdk_ecs::Client::describe_task_definition).then_compute_output(|req| {
            let td = match req.task_definition().unwrap_or_default() {
                a if a.ends_with(":3") => task_definition(3, "v3", "debug"),
                a if a.ends_with(":2") => task_definition(2, "v2", "info"),
                _ => task_definition(1, "gone-v1", "info"),
            };
            DescribeTaskDefinitionOutput::builder()
                .task_definition(td)
                .build()
        });
    let sizes = Arc::new(Mutex::new(Vec::new()));
    let ecr = ecr_without_gone_tags(Arc::clone(&sizes));
    let aws = clients(&[&list, &describe], &[&ecr], &[]);
    let current = format!("{TD}:3");
    let revisions = rollback::offer_revisions(&aws, &current, 25)
        .await
        .expect("revisions");
    assert_eq!(
        *sizes.lock().expect("sizes"),
        [3],
        "one call for the three images"
    );
    let by_rev = |n: i32| {
        revisions
            .iter()
            .find(|r| r.revision == n)
            .expect("revision listed")
    };
    assert!(
        by_rev(3).changes.is_empty(),
        "what runs has nothing to change"
    );
    assert!(by_rev(2).deleted_images().is_empty());
    let lines = change_lines(&by_rev(2).changes);
    assert_eq!(
        lines,
        [
            "app image: shop:v3 → shop:v2".to_string(),
            "app environment API_TOKEN: •••• → ••••".to_string(),
            "app environment LOG_LEVEL: debug → info".to_string(),
        ]
    );
    assert_eq!(by_rev(1).deleted_images().len(), 1);

    // Revision 1 is refused (exit 5) and names the image, unless forced.
    let refused = rollback::plan_offered(
        "c",
        "shop",
        &current,
        rollback::Offered::Revision(by_rev(1)),
    );
    match refused {
        Err(e @ Error::Refused(_)) => {
            assert_eq!(e.exit_code(), 5);
            assert!(e.to_string().contains("shop:gone-v1"), "{e}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let forced = rollback::plan_offered_with(
        "c",
        "shop",
        &current,
        rollback::Offered::Revision(by_rev(1)),
        true,
    )
    .expect("forced plan");
    assert!(
        forced.summary().contains("to shop:1"),
        "{}",
        forced.summary()
    );
}
