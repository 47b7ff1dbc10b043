//! Services whose deployments CodeDeploy or an external controller owns: rollback and
//! redeploy refuse at planning, naming the controller and what to do instead, and send no
//! mutating request (aws-smithy-mocks counts the calls).

use crate::asserts::assert_has;
use crate::mocked::clients;
use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
use aws_sdk_ecs::operation::list_clusters::ListClustersOutput;
use aws_sdk_ecs::operation::update_service::UpdateServiceOutput;
use aws_sdk_ecs::types::{DeploymentController, DeploymentControllerType, Service};
use aws_smithy_mocks::{Rule, mock};
use ecsnap::error::{Error, exit};
use ecsnap::ops::{redeploy, rollback};

fn fleet(controller: DeploymentControllerType) -> [Rule; 3] {
    let clusters = mock!(aws_sdk_ecs::Client::list_clusters).then_output(|| {
        ListClustersOutput::builder()
            .cluster_arns("arn:aws:ecs:eu-west-1:1:cluster/payments")
            .build()
    });
    let services = mock!(aws_sdk_ecs::Client::describe_services).then_output(move || {
        DescribeServicesOutput::builder()
            .services(
                Service::builder()
                    .cluster_arn("arn:aws:ecs:eu-west-1:1:cluster/payments")
                    .service_name("ledger")
                    .status("ACTIVE")
                    .task_definition("arn:aws:ecs:eu-west-1:1:task-definition/ledger:3")
                    .deployment_controller(
                        DeploymentController::builder()
                            .r#type(controller.clone())
                            .build()
                            .expect("a controller type"),
                    )
                    .build(),
            )
            .build()
    });
    let update = mock!(aws_sdk_ecs::Client::update_service)
        .then_output(|| UpdateServiceOutput::builder().build());
    [clusters, services, update]
}

#[tokio::test]
async fn code_deploy_services_are_refused_before_any_request() {
    let [clusters, services, update] = fleet(DeploymentControllerType::CodeDeploy);
    let aws = clients(&[&clusters, &services, &update], &[], &[]);
    let err = rollback::plan(
        &aws,
        "payments",
        "ledger",
        &rollback::RollbackTarget::Previous,
    )
    .await
    .expect_err("refused");
    let text = err.to_string();
    assert!(matches!(err, Error::Usage(_)), "{err:?}");
    assert_eq!(err.exit_code(), exit::USAGE);
    assert_has(&text, "CODE_DEPLOY");
    assert!(
        text.contains("CodeDeploy"),
        "says what to do instead: {text}"
    );
    assert_has(&text, "Nothing was sent");
    let err = redeploy::plan(&aws, "payments", "ledger")
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("cannot redeploy"), "{err}");
    assert_eq!(update.num_calls(), 0, "no UpdateService");
}

#[tokio::test]
async fn external_controllers_are_refused_and_ecs_ones_are_not() {
    let [clusters, services, update] = fleet(DeploymentControllerType::External);
    let aws = clients(&[&clusters, &services, &update], &[], &[]);
    let err = redeploy::plan(&aws, "payments", "ledger")
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("EXTERNAL"), "{err}");
    let [clusters, services, update] = fleet(DeploymentControllerType::Ecs);
    let aws = clients(&[&clusters, &services, &update], &[], &[]);
    let plan = redeploy::plan(&aws, "payments", "ledger")
        .await
        .expect("ECS deploys it");
    assert_eq!(plan.service.name, "ledger");
    assert_eq!(update.num_calls(), 0);
}
