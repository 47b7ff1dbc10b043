//! Zones in a restore plan: an EBS volume lives in one availability zone, a task runs in
//! one of its service's subnets' zones, and a snapshot is regional. `recover` and the
//! EBS-snapshot rollback state the volume's zone and the service's subnets' zones, explain
//! that a snapshot-based restore lets ECS create the volume in each task's zone, and warn
//! when the volume's zone is not among the subnets' zones (no task of the service could
//! ever attach that volume itself).

use serde::Serialize;

/// What a plan knows about zones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ZoneCheck {
    /// The service's subnets' zones (sorted, without repeats) and the volume's zone.
    Checked {
        volume_zone: Option<String>,
        subnet_zones: Vec<String>,
    },
    /// The service has no awsvpc subnets (bridge or host networking): nothing to compare.
    NoSubnets { volume_zone: Option<String> },
    /// DescribeSubnets failed (no `ec2:DescribeSubnets` permission, …): why.
    NotChecked {
        volume_zone: Option<String>,
        error: String,
    },
}

impl ZoneCheck {
    /// From DescribeSubnets' answer: each subnet's zone, or why it could not be read.
    pub fn of(
        volume_zone: Option<&str>,
        subnets: &[String],
        answer: std::result::Result<Vec<(String, String)>, String>,
    ) -> Self {
        let volume_zone = volume_zone.map(str::to_string);
        if subnets.is_empty() {
            return Self::NoSubnets { volume_zone };
        }
        match answer {
            Ok(pairs) => {
                let mut subnet_zones: Vec<String> = pairs.into_iter().map(|(_, z)| z).collect();
                subnet_zones.sort();
                subnet_zones.dedup();
                Self::Checked {
                    volume_zone,
                    subnet_zones,
                }
            }
            Err(error) => Self::NotChecked { volume_zone, error },
        }
    }

    /// The warning when the volume's zone is not among the subnets' zones.
    pub fn warning(&self) -> Option<String> {
        let Self::Checked {
            volume_zone: Some(zone),
            subnet_zones,
        } = self
        else {
            return None;
        };
        (!subnet_zones.is_empty() && !subnet_zones.contains(zone)).then(|| {
            format!(
                "warning: the volume's zone {zone} is not among the service's subnets' zones \
                 ({}): no task of the service runs there, so the volume itself can never be \
                 attached to one; its data comes back only through a snapshot",
                subnet_zones.join(", ")
            )
        })
    }

    /// The plan's lines: the subnets' zones and how the restore places the volume, the
    /// warning, or that zones were not checked.
    pub fn lines(&self) -> Vec<String> {
        const PLACED: &str = "a snapshot-based restore lets ECS create the volume in each \
                              task's zone";
        let mut out = match self {
            Self::Checked { subnet_zones, .. } => vec![format!(
                "the service's subnets are in {}; {PLACED}",
                if subnet_zones.is_empty() {
                    "no zone EC2 named".to_string()
                } else {
                    subnet_zones.join(", ")
                }
            )],
            Self::NoSubnets { .. } => vec![format!(
                "the service has no awsvpc subnets, so there are no subnet zones to compare; \
                 {PLACED}"
            )],
            Self::NotChecked { error, .. } => vec![format!(
                "zones were not checked: the service's subnets could not be read \
                 (ec2:DescribeSubnets): {error}"
            )],
        };
        out.extend(self.warning());
        out
    }
}

#[cfg(test)]
#[expect(
    clippy::unnecessary_wraps,
    reason = "answer() stands for DescribeSubnets' Result"
)]
mod tests {
    use super::*;

    fn subnets() -> Vec<String> {
        vec!["subnet-a".into(), "subnet-b".into(), "subnet-c".into()]
    }

    fn pairs() -> Vec<(String, String)> {
        vec![
            ("subnet-a".into(), "us-east-1b".into()),
            ("subnet-b".into(), "us-east-1a".into()),
            ("subnet-c".into(), "us-east-1a".into()),
        ]
    }

    fn answer() -> std::result::Result<Vec<(String, String)>, String> {
        Ok(pairs())
    }

    #[test]
    fn zones_are_compared_and_a_volume_outside_them_is_warned_about() {
        let inside = ZoneCheck::of(Some("us-east-1a"), &subnets(), answer());
        assert_eq!(
            inside.lines(),
            [
                "the service's subnets are in us-east-1a, us-east-1b; a snapshot-based restore \
              lets ECS create the volume in each task's zone"
            ]
        );
        assert_eq!(inside.warning(), None);
        let outside = ZoneCheck::of(Some("us-east-1c"), &subnets(), answer());
        let lines = outside.lines();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines[1].starts_with(
                "warning: the volume's zone us-east-1c is not among the service's subnets' \
                 zones (us-east-1a, us-east-1b)"
            ),
            "{lines:?}"
        );
    }

    #[test]
    fn no_subnets_or_no_permission_say_so() {
        let bridge = ZoneCheck::of(Some("us-east-1a"), &[], answer());
        assert!(bridge.lines()[0].contains("no awsvpc subnets"));
        assert_eq!(bridge.warning(), None);
        let denied = ZoneCheck::of(
            Some("us-east-1a"),
            &subnets(),
            Err("AccessDenied: not authorized to perform ec2:DescribeSubnets".into()),
        );
        let lines = denied.lines();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].starts_with("zones were not checked: "),
            "{lines:?}"
        );
        assert!(lines[0].contains("ec2:DescribeSubnets"), "{lines:?}");
    }
}
