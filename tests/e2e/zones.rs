//! End to end against moto: every volume says where it lives. Orphaned volumes in two
//! zones carry EC2's `AvailabilityZone` in `orphans --json`, `report --json` and the text
//! report's ZONE column; `recover`'s plan names the orphan's zone and says that ECS creates
//! the new volume in each task's zone. The zones are compared with DescribeVolumes.

use crate::harness::{Fresh, output_at_exit};
use std::collections::BTreeMap;

use crate::emulator::{block_on, json_of};
use crate::recover::{orphan, seed_service};
use serde_json::Value;

/// volume id → zone, as `key` of `v` lists them (`volumes` of orphans / report).
fn zones_listed(v: &Value) -> BTreeMap<String, String> {
    v["volumes"]
        .as_array()
        .expect("volumes")
        .iter()
        .map(|x| {
            let item = if x.get("item").is_some() {
                &x["item"]
            } else {
                x
            };
            (
                item["volume_id"].as_str().expect("volume_id").to_string(),
                item["availability_zone"]
                    .as_str()
                    .unwrap_or("(missing)")
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn orphans_report_and_recover_name_each_volume_s_zone() {
    let t = Fresh::start();
    let mut want: BTreeMap<String, String> = BTreeMap::new();
    for az in ["us-east-1a", "us-east-1b", "us-east-1b"] {
        let id = block_on(
            t.aws
                .ec2
                .create_volume()
                .availability_zone(az)
                .size(2)
                .send(),
        )
        .expect("volume")
        .volume_id()
        .expect("id")
        .to_string();
        want.insert(id, az.to_string());
    }
    // What the AWS CLI would answer (`aws ec2 describe-volumes`): the same zones.
    let described: BTreeMap<String, String> = block_on(t.aws.ec2.describe_volumes().send())
        .expect("describe")
        .volumes()
        .iter()
        .map(|v| {
            (
                v.volume_id().unwrap_or_default().to_string(),
                v.availability_zone().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(described, want);

    let orphans = json_of(t.ecsnap().args(["--json", "orphans"]));
    assert_eq!(zones_listed(&orphans), want, "{orphans}");

    let report = json_of(t.ecsnap().args(["report", "--json"]));
    assert_eq!(zones_listed(&report["orphans"]), want, "{report}");

    let out = output_at_exit(t.ecsnap().args(["report"]), 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("ZONE"), "{text}");
    for (id, az) in &want {
        let row = text
            .lines()
            .find(|l| l.contains(id.as_str()))
            .unwrap_or_else(|| panic!("no row for {id}:\n{text}"));
        assert!(row.contains(az.as_str()), "{row}");
    }

    // recover's plan: the orphan's zone, and where ECS puts the new volume.
    seed_service(&t.aws.ecs, "zoned-prod");
    let vol = orphan(
        &t.aws.ec2,
        &[
            ("AmazonECSCreated", "true"),
            ("aws:ecs:clusterName", "zoned-prod"),
            ("aws:ecs:serviceName", "ledger"),
        ],
    );
    let plan = json_of(
        t.ecsnap()
            .args(["--json", "recover", "--volume", &vol, "--dry-run"]),
    );
    assert_eq!(plan["volume_availability_zone"], "us-east-1a", "{plan}");
    let summary = plan["summary"].as_str().expect("summary");
    assert!(summary.contains("in us-east-1a"), "{summary}");
    assert!(
        summary.contains("ECS creates the new volume in the zone of each task it starts"),
        "{summary}"
    );
}

/// Subnets in us-east-1a and us-east-1b, and a security group of their VPC.
fn two_zone_subnets(ec2: &aws_sdk_ec2::Client) -> (Vec<String>, String) {
    let vpc = block_on(ec2.create_vpc().cidr_block("10.9.0.0/16").send()).expect("vpc");
    let vpc_id = vpc.vpc().and_then(|v| v.vpc_id()).expect("vpc id");
    let group = block_on(
        ec2.create_security_group()
            .group_name("ledger")
            .description("ledger tasks")
            .vpc_id(vpc_id)
            .send(),
    )
    .expect("security group")
    .group_id()
    .expect("group id")
    .to_string();
    let subnets = [("10.9.1.0/24", "us-east-1a"), ("10.9.2.0/24", "us-east-1b")]
        .iter()
        .map(|(cidr, az)| {
            block_on(
                ec2.create_subnet()
                    .vpc_id(vpc_id)
                    .cidr_block(*cidr)
                    .availability_zone(*az)
                    .send(),
            )
            .expect("subnet")
            .subnet()
            .and_then(|s| s.subnet_id())
            .expect("subnet id")
            .to_string()
        })
        .collect();
    (subnets, group)
}

/// An awsvpc `ledger` service in `cluster` running in `subnets`.
fn seed_awsvpc_service(
    ecs: &aws_sdk_ecs::Client,
    cluster: &str,
    (subnets, group): &(Vec<String>, String),
) {
    use aws_sdk_ecs::types::{AwsVpcConfiguration, NetworkConfiguration, NetworkMode};
    let network = NetworkConfiguration::builder()
        .awsvpc_configuration(
            AwsVpcConfiguration::builder()
                .set_subnets(Some(subnets.clone()))
                .security_groups(group)
                .build()
                .expect("awsvpc"),
        )
        .build();
    crate::recover::seed_service_in(ecs, cluster, NetworkMode::Awsvpc, Some(network));
}

#[test]
fn recover_states_the_subnets_zones_and_warns_about_a_volume_in_a_third() {
    let t = Fresh::start();
    let subnets = two_zone_subnets(&t.aws.ec2);
    seed_awsvpc_service(&t.aws.ecs, "subnet-prod", &subnets);
    let tags = [
        ("AmazonECSCreated", "true"),
        ("aws:ecs:clusterName", "subnet-prod"),
        ("aws:ecs:serviceName", "ledger"),
    ];
    let mut spec = aws_sdk_ec2::types::TagSpecification::builder()
        .resource_type(aws_sdk_ec2::types::ResourceType::Volume);
    for (k, v) in tags {
        spec = spec.tags(aws_sdk_ec2::types::Tag::builder().key(k).value(v).build());
    }
    let far = block_on(
        t.aws
            .ec2
            .create_volume()
            .availability_zone("us-east-1c")
            .size(8)
            .tag_specifications(spec.build())
            .send(),
    )
    .expect("volume")
    .volume_id()
    .expect("id")
    .to_string();
    let near = orphan(&t.aws.ec2, &tags);

    let plan = json_of(
        t.ecsnap()
            .args(["--json", "recover", "--volume", &far, "--dry-run"]),
    );
    assert_eq!(plan["zones"]["status"], "checked", "{plan}");
    assert_eq!(plan["zones"]["volume_zone"], "us-east-1c", "{plan}");
    assert_eq!(
        plan["zones"]["subnet_zones"],
        serde_json::json!(["us-east-1a", "us-east-1b"]),
        "{plan}"
    );
    let warning = plan["zones"]["warning"].as_str().expect("a warning");
    assert!(
        warning.starts_with(
            "warning: the volume's zone us-east-1c is not among the service's subnets' zones \
             (us-east-1a, us-east-1b)"
        ),
        "{warning}"
    );
    let out = t
        .ecsnap()
        .args(["recover", "--volume", &far, "--dry-run"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("the service's subnets are in us-east-1a, us-east-1b; a snapshot-based restore lets ECS create the volume in each task's zone"),
        "{text}"
    );
    assert!(
        text.contains("warning: the volume's zone us-east-1c"),
        "{text}"
    );

    // A volume in one of the subnets' zones: the zones, no warning.
    let plan = json_of(
        t.ecsnap()
            .args(["--json", "recover", "--volume", &near, "--dry-run"]),
    );
    assert_eq!(plan["zones"]["volume_zone"], "us-east-1a", "{plan}");
    assert_eq!(plan["zones"]["warning"], serde_json::Value::Null, "{plan}");
}
