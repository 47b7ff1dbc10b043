//! End to end against moto: load-balancer target health and CloudWatch alarms. A service
//! behind a target group with its awsvpc tasks registered by IP reads each task's target
//! (group, IP, port, state) in `tasks --json` `target_health`; alarms put through the SDK
//! on the service's ECS dimensions, one set to ALARM with SetAlarmState, come back in
//! `services --json` `alarms` with their state and reason, and the one in ALARM in `why`.
//! moto reads every registered target `healthy`: the unhealthy reasons are the mock tests',
//! and the demo's `storefront`, whose one failing target the demo's helper reports.

use crate::harness::{create_cluster, registered};
use std::collections::BTreeMap;

use aws_sdk_cloudwatch::types::{ComparisonOperator, StateValue, Statistic};
use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, Compatibility, ContainerDefinition, LaunchType,
    LoadBalancer, NetworkConfiguration, NetworkMode, PortMapping,
};
use aws_sdk_elasticloadbalancingv2::types::{TargetDescription, TargetTypeEnum};
use serde_json::Value;

use crate::emulator::{block_on, ecsnap, json_of, start_emulator};

const CLUSTER: &str = "health-prod";

/// An `ip` target group `web-tg` on port 8080 in `vpc`: its ARN.
fn web_target_group(elb: &aws_sdk_elasticloadbalancingv2::Client, vpc: &str) -> String {
    block_on(
        elb.create_target_group()
            .name("web-tg")
            .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
            .port(8080)
            .vpc_id(vpc)
            .target_type(TargetTypeEnum::Ip)
            .send(),
    )
    .expect("target group")
    .target_groups()[0]
        .target_group_arn()
        .expect("tg arn")
        .to_string()
}

/// The Fargate task definition `web` (awsvpc, port 8080): its ARN.
fn register_web(ecs: &aws_sdk_ecs::Client) -> String {
    block_on(registered(
        ecs.register_task_definition()
            .family("web")
            .network_mode(NetworkMode::Awsvpc)
            .requires_compatibilities(Compatibility::Fargate)
            .cpu("256")
            .memory("512")
            .container_definitions(
                ContainerDefinition::builder()
                    .name("app")
                    .image("public.ecr.aws/nginx/nginx:1.27")
                    .memory(256)
                    .port_mappings(PortMapping::builder().container_port(8080).build())
                    .build(),
            ),
    ))
}

/// A service `web` in [`CLUSTER`] behind a new `ip` target group, with `tasks` awsvpc tasks
/// registered in it by their ENI's IP: (target group ARN, task ARN → IP).
fn seed_web(conf: &aws_config::SdkConfig, tasks: i32) -> (String, BTreeMap<String, String>) {
    let ecs = aws_sdk_ecs::Client::new(conf);
    let ec2 = aws_sdk_ec2::Client::new(conf);
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(conf);
    let vpc = block_on(ec2.describe_vpcs().send()).expect("vpcs").vpcs()[0]
        .vpc_id()
        .expect("vpc id")
        .to_string();
    let subnet = block_on(ec2.describe_subnets().send())
        .expect("subnets")
        .subnets()[0]
        .subnet_id()
        .expect("subnet id")
        .to_string();
    let group = block_on(ec2.describe_security_groups().send())
        .expect("security groups")
        .security_groups()[0]
        .group_id()
        .expect("group id")
        .to_string();
    let tg = web_target_group(&elb, &vpc);
    block_on(create_cluster(&ecs, CLUSTER));
    let td = register_web(&ecs);
    let network = NetworkConfiguration::builder()
        .awsvpc_configuration(
            AwsVpcConfiguration::builder()
                .subnets(&subnet)
                .security_groups(&group)
                .assign_public_ip(AssignPublicIp::Disabled)
                .build()
                .expect("awsvpc"),
        )
        .build();
    block_on(
        ecs.create_service()
            .cluster(CLUSTER)
            .service_name("web")
            .task_definition(&td)
            .desired_count(tasks)
            .network_configuration(network.clone())
            .load_balancers(
                LoadBalancer::builder()
                    .target_group_arn(&tg)
                    .container_name("app")
                    .container_port(8080)
                    .build(),
            )
            .send(),
    )
    .expect("service");
    // moto starts no task for a service: run them as the service would (its group; Fargate,
    // as moto's EC2 launch type wants container instances).
    let run = block_on(
        ecs.run_task()
            .cluster(CLUSTER)
            .task_definition(&td)
            .count(tasks)
            .group("service:web")
            .launch_type(LaunchType::Fargate)
            .network_configuration(network)
            .send(),
    )
    .expect("run task");
    let mut ips = BTreeMap::new();
    for task in run.tasks() {
        let ip = task
            .attachments()
            .iter()
            .flat_map(aws_sdk_ecs::types::Attachment::details)
            .find(|kv| kv.name() == Some("privateIPv4Address"))
            .and_then(|kv| kv.value())
            .expect("the task's ENI has a private IP")
            .to_string();
        ips.insert(task.task_arn().expect("task arn").to_string(), ip);
    }
    let mut register = elb.register_targets().target_group_arn(&tg);
    for ip in ips.values() {
        register = register.targets(TargetDescription::builder().id(ip).port(8080).build());
    }
    block_on(register.send()).expect("register targets");
    (tg, ips)
}

#[test]
fn tasks_json_maps_each_registered_target_to_its_task() {
    let emulator = start_emulator();
    let endpoint = emulator.endpoint();
    let conf = block_on(ecsnap::demo::fleet::emulator_config(&endpoint));
    let (tg, ips) = seed_web(&conf, 2);
    // What the AWS CLI would answer: both IPs registered.
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&conf);
    let described = block_on(elb.describe_target_health().target_group_arn(&tg).send())
        .expect("describe target health");
    assert_eq!(described.target_health_descriptions().len(), 2);

    let home = tempfile::tempdir().expect("home");
    let tasks = json_of(ecsnap(&endpoint, home.path()).args([
        "--json",
        "tasks",
        "--cluster",
        CLUSTER,
        "--service",
        "web",
    ]));
    let rows = tasks.as_array().expect("tasks");
    assert_eq!(rows.len(), 2, "{tasks}");
    for row in rows {
        let arn = row["task_arn"].as_str().expect("arn");
        let targets = row["target_health"].as_array().expect("target_health");
        assert_eq!(targets.len(), 1, "{row}");
        let t = &targets[0];
        assert_eq!(t["target_id"], Value::from(ips[arn].as_str()), "{row}");
        assert_eq!(t["port"], 8080);
        assert_eq!(t["state"], "healthy");
        assert_eq!(t["target_group"], "web-tg");
        assert_eq!(t["target_group_arn"], Value::from(tg.as_str()));
        assert!(t["reason"].is_null(), "{t}");
    }
}

#[test]
fn alarms_in_alarm_come_back_in_services_json_and_the_why() {
    let emulator = start_emulator();
    let endpoint = emulator.endpoint();
    let conf = block_on(ecsnap::demo::fleet::emulator_config(&endpoint));
    seed_web(&conf, 1);
    let cw = aws_sdk_cloudwatch::Client::new(&conf);
    let put = |name: &str, service: &str| {
        block_on(
            cw.put_metric_alarm()
                .alarm_name(name)
                .namespace("AWS/ECS")
                .metric_name("CPUUtilization")
                .set_dimensions(Some(ecsnap::demo::metrics::service_dimensions(
                    CLUSTER, service,
                )))
                .statistic(Statistic::Average)
                .period(60)
                .evaluation_periods(1)
                .threshold(90.0)
                .comparison_operator(ComparisonOperator::GreaterThanThreshold)
                .send(),
        )
        .expect("put metric alarm");
    };
    put("web-cpu-high", "web");
    put("web-cpu-watch", "web");
    put("other-cpu-high", "other");
    let reason = "Threshold Crossed: 1 datapoint [97.5] was greater than the threshold (90.0).";
    block_on(
        cw.set_alarm_state()
            .alarm_name("web-cpu-high")
            .state_value(StateValue::Alarm)
            .state_reason(reason)
            .send(),
    )
    .expect("set alarm state");
    block_on(
        cw.set_alarm_state()
            .alarm_name("web-cpu-watch")
            .state_value(StateValue::Ok)
            .state_reason("fine")
            .send(),
    )
    .expect("set alarm state");

    let home = tempfile::tempdir().expect("home");
    let services =
        json_of(ecsnap(&endpoint, home.path()).args(["--json", "services", "--cluster", CLUSTER]));
    let web = services
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["service_name"] == "web")
        .expect("web listed");
    let alarms: Vec<(String, String, String)> = web["alarms"]
        .as_array()
        .expect("alarms")
        .iter()
        .map(|a| {
            (
                a["name"].as_str().expect("name").to_string(),
                a["state"].as_str().expect("state").to_string(),
                a["reason"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        alarms,
        [
            (
                "web-cpu-high".to_string(),
                "ALARM".to_string(),
                reason.to_string()
            ),
            (
                "web-cpu-watch".to_string(),
                "OK".to_string(),
                "fine".to_string()
            ),
        ],
        "{web}"
    );
    let why = &web["why"];
    assert!(!why.is_null(), "{web}");
    assert_eq!(why["alarms"][0]["name"], "web-cpu-high", "{why}");
    let summary = why["summary"].as_str().expect("summary");
    assert!(summary.contains("alarm web-cpu-high in ALARM"), "{summary}");
}

/// The demo's load-balanced `payments-prod/storefront` (on the demo's emulator helper, the
/// fleet seeded first): `tasks --json` maps both targets to their tasks, the one the helper
/// fails `unhealthy` with its reason and description, the other `healthy`.
#[test]
fn demo_storefront_reads_one_unhealthy_target_with_its_reason() {
    use ecsnap::demo::balanced::{
        self, UNHEALTHY_DESCRIPTION, UNHEALTHY_REASON, report_unhealthy, seed_balanced_service,
    };
    use ecsnap::demo::{Dynamics, Emulator, seed};

    let emulator = Emulator::start_with(
        &crate::emulator::moto_venv(),
        &mut |m: &str| eprintln!("{m}"),
        Some(&Dynamics::default()),
    )
    .expect("the demo emulator starts");
    emulator.pin_task_status().expect("task status pinned");
    let endpoint = emulator.endpoint();
    block_on(seed(&endpoint)).expect("demo fleet");
    let seeded = block_on(seed_balanced_service(&endpoint)).expect("the storefront");
    assert_eq!(seeded.tasks.len(), 2, "{seeded:?}");
    report_unhealthy(&emulator, &seeded).expect("one target failed");
    let (sick_task, sick_ip) = seeded.unhealthy().cloned().expect("a task");

    let home = tempfile::tempdir().expect("home");
    let tasks = json_of(ecsnap(&endpoint, home.path()).args([
        "--json",
        "tasks",
        "--cluster",
        balanced::CLUSTER,
        "--service",
        balanced::SERVICE,
    ]));
    let rows = tasks.as_array().expect("tasks");
    assert_eq!(rows.len(), 2, "{tasks}");
    let mut states = BTreeMap::new();
    for row in rows {
        let arn = row["task_arn"].as_str().expect("arn");
        let targets = row["target_health"].as_array().expect("target_health");
        assert_eq!(targets.len(), 1, "{row}");
        let t = &targets[0];
        assert_eq!(t["target_group"], balanced::TARGET_GROUP, "{t}");
        assert_eq!(t["port"], balanced::PORT, "{t}");
        assert_eq!(
            t["target_group_arn"],
            Value::from(seeded.target_group_arn.as_str())
        );
        if arn == sick_task {
            assert_eq!(t["target_id"], Value::from(sick_ip.as_str()), "{t}");
            assert_eq!(t["reason"], UNHEALTHY_REASON, "{t}");
            assert_eq!(t["description"], UNHEALTHY_DESCRIPTION, "{t}");
        } else {
            assert!(t["reason"].is_null(), "{t}");
        }
        states.insert(
            arn.to_string(),
            t["state"].as_str().unwrap_or("").to_string(),
        );
    }
    let unhealthy: Vec<&String> = states
        .iter()
        .filter(|(_, s)| s.as_str() == "unhealthy")
        .map(|(arn, _)| arn)
        .collect();
    assert_eq!(unhealthy, vec![&sick_task], "{states:?}");
    assert_eq!(
        states.values().filter(|s| s.as_str() == "healthy").count(),
        1,
        "{states:?}"
    );
}
