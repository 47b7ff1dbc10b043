//! The ECR adapter's GetLifecyclePolicy / PutLifecyclePolicy against aws-smithy-mocks:
//! no policy is a state (`None`), a denied read names `ecr:GetLifecyclePolicy`, and the
//! put sends the text as given. (moto's StartLifecyclePolicyPreview answers 500, so
//! ecsnap never calls it: policies are evaluated locally.)

use crate::answers::failing;
use crate::asserts::assert_has;
use aws_sdk_ecr::operation::get_lifecycle_policy::{
    GetLifecyclePolicyError, GetLifecyclePolicyOutput,
};
use aws_sdk_ecr::operation::put_lifecycle_policy::PutLifecyclePolicyOutput;
use aws_sdk_ecr::types::error::LifecyclePolicyNotFoundException;
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use ecsnap::aws::{CallContext, EcrAdapter, EcrApi, EcrOps, EcrOpsAdapter};
use ecsnap::error::{AwsErrorKind, Error};

fn ctx() -> CallContext {
    CallContext {
        region: "eu-west-1".into(),
        endpoint: None,
        profile: None,
    }
}

#[tokio::test]
async fn a_missing_policy_is_none_and_a_present_one_is_its_text() {
    let missing = mock!(aws_sdk_ecr::Client::get_lifecycle_policy)
        .match_requests(|r| r.repository_name() == Some("empty"))
        .then_error(|| {
            GetLifecyclePolicyError::LifecyclePolicyNotFoundException(
                LifecyclePolicyNotFoundException::builder()
                    .message("Lifecycle policy does not exist")
                    .build(),
            )
        });
    let present = mock!(aws_sdk_ecr::Client::get_lifecycle_policy)
        .match_requests(|r| r.repository_name() == Some("ws"))
        .then_output(|| {
            GetLifecyclePolicyOutput::builder()
                .repository_name("ws")
                .lifecycle_policy_text(r#"{"rules":[]}"#)
                .build()
        });
    let client = mock_client!(aws_sdk_ecr, RuleMode::MatchAny, [&missing, &present]);
    let adapter = EcrAdapter::new(client, ctx());
    assert_eq!(
        adapter
            .get_lifecycle_policy("empty")
            .await
            .expect("a state"),
        None
    );
    let got = adapter
        .get_lifecycle_policy("ws")
        .await
        .expect("read")
        .expect("a policy");
    assert_eq!(got.repository, "ws");
    assert_eq!(got.text, r#"{"rules":[]}"#);
}

#[tokio::test]
async fn a_denied_read_names_the_permission() {
    let body = r#"{"__type":"AccessDeniedException","message":"User is not authorized to perform: ecr:GetLifecyclePolicy"}"#;
    let denied = failing!(aws_sdk_ecr::Client::get_lifecycle_policy, 400, body);
    let client = mock_client!(aws_sdk_ecr, RuleMode::MatchAny, [&denied]);
    let err = EcrAdapter::new(client, ctx())
        .get_lifecycle_policy("ws")
        .await
        .expect_err("denied");
    let Error::Aws(aws) = &err else {
        panic!("an AWS error: {err}")
    };
    assert_eq!(aws.kind, AwsErrorKind::AccessDenied);
    let text = err.to_string();
    assert_has(&text, "ecr:GetLifecyclePolicy");
    assert_has(&text, "eu-west-1");
}

#[tokio::test]
async fn the_put_sends_the_text_as_given() {
    let text = r#"{"rules":[{"rulePriority":1}]}"#;
    let put = mock!(aws_sdk_ecr::Client::put_lifecycle_policy)
        .match_requests(move |r| {
            r.repository_name() == Some("ws") && r.lifecycle_policy_text() == Some(text)
        })
        .then_output(|| PutLifecyclePolicyOutput::builder().build());
    let client = mock_client!(aws_sdk_ecr, RuleMode::MatchAny, [&put]);
    EcrOpsAdapter::new(client, ctx())
        .put_lifecycle_policy("ws", text)
        .await
        .expect("put");
    assert_eq!(put.num_calls(), 1);
}
