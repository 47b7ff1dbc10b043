//! The demo's load-balanced service: `payments-prod/storefront` behind an Application Load
//! Balancer, its two awsvpc tasks registered by IP in the target group `storefront-tg`, and
//! one of them failing the load balancer's health checks (`Target.ResponseCodeMismatch`,
//! "Health checks failed with these codes: [503]"), so the Tasks pane's TG column shows one
//! task `✗ unhealthy` beside a healthy one and Detail shows the group's counts and the
//! reason.
//!
//! moto reads every registered target `healthy`: the unhealthy one is set through the demo
//! helper's private `POST /ecsnap-demo/target-health` (see `dynamics.py`), so it shows only
//! when the emulator runs the helper (the demo's default). ecsnap reads it back through
//! DescribeTargetHealth, as from AWS. Seeded only by `ecsnap demo` (and its end-to-end
//! tests), on top of the demo fleet.

use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, Compatibility, ContainerDefinition, LaunchType,
    LoadBalancer, NetworkConfiguration, NetworkMode, PortMapping,
};
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, ProtocolEnum, TargetDescription, TargetTypeEnum,
};
use serde_json::json;

use super::Emulator;
use super::fleet::{
    REGION, emulator_account, emulator_config, first_id, registered_arn, sdk, seed_err,
};
use crate::error::Result;

pub const CLUSTER: &str = "payments-prod";
pub const SERVICE: &str = "storefront";
pub const LOAD_BALANCER: &str = "storefront-alb";
pub const TARGET_GROUP: &str = "storefront-tg";
/// The container port the target group forwards to.
pub const PORT: i32 = 8080;
/// What the load balancer says of the failing task.
pub const UNHEALTHY_REASON: &str = "Target.ResponseCodeMismatch";
pub const UNHEALTHY_DESCRIPTION: &str = "Health checks failed with these codes: [503]";
/// The helper's private path that sets a target's health (never an AWS API's).
pub const TARGET_HEALTH_PATH: &str = "/ecsnap-demo/target-health";
/// As many tasks as the emulator reports running for every service (a steady service).
const DESIRED: i32 = 2;

/// What was seeded: the account, the target group and each task with its target IP.
#[derive(Debug, Clone, Default)]
pub struct BalancedService {
    pub account: String,
    pub target_group_arn: String,
    /// (task ARN, private IP), in the order they started.
    pub tasks: Vec<(String, String)>,
}

impl BalancedService {
    /// The task the load balancer reports unhealthy (the last one started).
    pub fn unhealthy(&self) -> Option<&(String, String)> {
        self.tasks.last()
    }

    /// The request body that marks [`BalancedService::unhealthy`]'s target unhealthy.
    pub fn unhealthy_body(&self) -> Option<String> {
        let (_, ip) = self.unhealthy()?;
        Some(
            json!({
                "account": self.account,
                "region": REGION,
                "targetGroupArn": self.target_group_arn,
                "targetId": ip,
                "state": "unhealthy",
                "reason": UNHEALTHY_REASON,
                "description": UNHEALTHY_DESCRIPTION,
            })
            .to_string(),
        )
    }
}

/// The default VPC's id, its subnets and a security group (the network the tasks and the
/// load balancer use).
async fn network(ec2: &aws_sdk_ec2::Client) -> Result<(String, Vec<String>, String)> {
    let vpcs = sdk!("ec2 vpcs", ec2.describe_vpcs().send());
    let vpc = vpcs
        .vpcs()
        .iter()
        .find(|v| v.is_default() == Some(true))
        .or_else(|| vpcs.vpcs().first())
        .and_then(|v| v.vpc_id())
        .ok_or_else(|| seed_err("ec2 vpcs")("the emulator has no VPC".into()))?
        .to_string();
    let subnets: Vec<String> = sdk!("ec2 subnets", ec2.describe_subnets().send())
        .subnets()
        .iter()
        .filter(|s| s.vpc_id() == Some(vpc.as_str()))
        .filter_map(|s| s.subnet_id().map(str::to_string))
        .collect();
    let group = sdk!("ec2 security groups", ec2.describe_security_groups().send())
        .security_groups()
        .iter()
        .find(|g| g.vpc_id() == Some(vpc.as_str()))
        .and_then(|g| g.group_id())
        .unwrap_or_default()
        .to_string();
    if subnets.is_empty() {
        return Err(seed_err("ec2 subnets")(format!("no subnet in {vpc}")));
    }
    Ok((vpc, subnets, group))
}

/// The load balancer, its target group (type `ip`, HTTP on [`PORT`]) and a listener on 80
/// forwarding to it: the target group's ARN.
async fn load_balancer(
    elb: &aws_sdk_elasticloadbalancingv2::Client,
    vpc: &str,
    subnets: &[String],
) -> Result<String> {
    let lb = sdk!(
        "elb load balancer",
        elb.create_load_balancer()
            .name(LOAD_BALANCER)
            .set_subnets(Some(subnets.to_vec()))
            .send()
    );
    let lb_arn = first_id(
        lb.load_balancers(),
        aws_sdk_elasticloadbalancingv2::types::LoadBalancer::load_balancer_arn,
    );
    let tg = sdk!(
        "elb target group",
        elb.create_target_group()
            .name(TARGET_GROUP)
            .protocol(ProtocolEnum::Http)
            .port(PORT)
            .vpc_id(vpc)
            .target_type(TargetTypeEnum::Ip)
            .health_check_path("/healthz")
            .send()
    );
    let tg_arn = first_id(
        tg.target_groups(),
        aws_sdk_elasticloadbalancingv2::types::TargetGroup::target_group_arn,
    );
    sdk!(
        "elb listener",
        elb.create_listener()
            .load_balancer_arn(&lb_arn)
            .protocol(ProtocolEnum::Http)
            .port(80)
            .default_actions(
                Action::builder()
                    .r#type(ActionTypeEnum::Forward)
                    .target_group_arn(&tg_arn)
                    .build()
            )
            .send()
    );
    Ok(tg_arn)
}

/// The Fargate task definition of the storefront (awsvpc, [`PORT`]): its ARN.
async fn register_storefront(ecs: &aws_sdk_ecs::Client) -> Result<String> {
    let container = ContainerDefinition::builder()
        .name("app")
        .image("public.ecr.aws/nginx/nginx:1.27")
        .memory(512)
        .essential(true)
        .port_mappings(PortMapping::builder().container_port(PORT).build())
        .build();
    let out = sdk!(
        "ecs storefront task definition",
        ecs.register_task_definition()
            .family(SERVICE)
            .network_mode(NetworkMode::Awsvpc)
            .requires_compatibilities(Compatibility::Fargate)
            .cpu("256")
            .memory("512")
            .container_definitions(container)
            .send()
    );
    Ok(registered_arn(&out))
}

/// Seeds the storefront into an emulator that holds the demo fleet (the cluster exists):
/// the load balancer, the service, its tasks (as the scheduler would start them) and their
/// targets, all healthy in moto's eyes. [`report_unhealthy`] then fails one.
pub async fn seed_balanced_service(endpoint: &str) -> Result<BalancedService> {
    let conf = emulator_config(endpoint).await;
    let ecs = aws_sdk_ecs::Client::new(&conf);
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&conf);
    let account = emulator_account(&conf).await?;
    let (vpc, subnets, group) = network(&ec2).await?;
    let target_group_arn = load_balancer(&elb, &vpc, &subnets).await?;
    let task_definition = register_storefront(&ecs).await?;
    let awsvpc = AwsVpcConfiguration::builder()
        .set_subnets(Some(subnets))
        .security_groups(group)
        .assign_public_ip(AssignPublicIp::Disabled)
        .build()
        .map_err(|e| seed_err("ecs storefront network")(e.to_string()))?;
    let network = NetworkConfiguration::builder()
        .awsvpc_configuration(awsvpc)
        .build();
    sdk!(
        "ecs storefront service",
        ecs.create_service()
            .cluster(CLUSTER)
            .service_name(SERVICE)
            .task_definition(&task_definition)
            .desired_count(DESIRED)
            .network_configuration(network.clone())
            .load_balancers(
                LoadBalancer::builder()
                    .target_group_arn(&target_group_arn)
                    .container_name("app")
                    .container_port(PORT)
                    .build()
            )
            .send()
    );
    let run = sdk!(
        "ecs storefront tasks",
        ecs.run_task()
            .cluster(CLUSTER)
            .task_definition(&task_definition)
            .count(DESIRED)
            .group(format!("service:{SERVICE}"))
            .started_by("ecs-svc/demo")
            .launch_type(LaunchType::Fargate)
            .network_configuration(network)
            .send()
    );
    let tasks: Vec<(String, String)> = run
        .tasks()
        .iter()
        .filter_map(|t| {
            let ip = t
                .attachments()
                .iter()
                .flat_map(aws_sdk_ecs::types::Attachment::details)
                .find(|kv| kv.name() == Some("privateIPv4Address"))
                .and_then(|kv| kv.value())?;
            Some((t.task_arn()?.to_string(), ip.to_string()))
        })
        .collect();
    let mut register = elb.register_targets().target_group_arn(&target_group_arn);
    for (_, ip) in &tasks {
        register = register.targets(TargetDescription::builder().id(ip).port(PORT).build());
    }
    sdk!("elb register targets", register.send());
    Ok(BalancedService {
        account,
        target_group_arn,
        tasks,
    })
}

/// Has the demo's helper report the last task's target unhealthy with its reason (the
/// emulator must run the helper: plain moto has no such path).
pub fn report_unhealthy(emulator: &Emulator, seeded: &BalancedService) -> Result<()> {
    match seeded.unhealthy_body() {
        Some(body) => emulator.post(TARGET_HEALTH_PATH, &body),
        None => Err(seed_err("elb target health")(
            "the storefront started no task with an IP".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_names_the_last_task_s_target_and_the_reason() {
        let seeded = BalancedService {
            account: "123456789012".into(),
            target_group_arn: "arn:tg".into(),
            tasks: vec![
                ("t1".into(), "10.0.0.1".into()),
                ("t2".into(), "10.0.0.2".into()),
            ],
        };
        let body: serde_json::Value =
            serde_json::from_str(&seeded.unhealthy_body().unwrap_or_default()).unwrap_or_default();
        assert_eq!(body["targetId"], "10.0.0.2");
        assert_eq!(body["targetGroupArn"], "arn:tg");
        assert_eq!(body["reason"], UNHEALTHY_REASON);
        assert_eq!(body["description"], UNHEALTHY_DESCRIPTION);
        assert!(super::super::dynamics::SCRIPT.contains(TARGET_HEALTH_PATH));
        assert!(BalancedService::default().unhealthy_body().is_none());
    }
}
