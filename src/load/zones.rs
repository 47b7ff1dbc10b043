//! The zones of a service's subnets for a restore plan (`analysis::zones`): one
//! DescribeSubnets call; a failure (no `ec2:DescribeSubnets` permission) is kept as the
//! plan's "zones were not checked" line, never an error.

use crate::analysis::zones::ZoneCheck;
use crate::aws::AwsClients;
use crate::model::Service;

/// The zone check of `service`'s subnets against `volume_zone`.
pub async fn load_zone_check(
    aws: &AwsClients,
    service: &Service,
    volume_zone: Option<&str>,
) -> ZoneCheck {
    let answer = if service.subnets.is_empty() {
        Ok(Vec::new())
    } else {
        aws.ec2
            .describe_subnet_zones(&service.subnets)
            .await
            .map_err(|e| e.to_string())
    };
    ZoneCheck::of(volume_zone, &service.subnets, answer)
}
