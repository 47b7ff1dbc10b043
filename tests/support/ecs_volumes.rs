//! An ECS service's managed EBS volume configuration as the tests build it: the e2e
//! harness sends it to the emulator in CreateService, the mock harness answers it in
//! DescribeServices.

use aws_sdk_ecs::types::{ServiceManagedEbsVolumeConfiguration, ServiceVolumeConfiguration};

/// The managed EBS volume `data`: `gib` GiB of gp3 created from `snapshot`, ECS acting as
/// `role_arn`.
pub fn managed_ebs_volume(role_arn: &str, snapshot: &str, gib: i32) -> ServiceVolumeConfiguration {
    let ebs = ServiceManagedEbsVolumeConfiguration::builder()
        .role_arn(role_arn)
        .snapshot_id(snapshot)
        .size_in_gib(gib)
        .volume_type("gp3")
        .build()
        .expect("managed EBS volume");
    ServiceVolumeConfiguration::builder()
        .name("data")
        .managed_ebs_volume(ebs)
        .build()
        .expect("volume configuration")
}
