//! Where a resource is in the AWS console: one pure function per kind of resource, from its
//! names and the region and account it lives in. The host follows the partition
//! (`console.aws.amazon.com`, `console.amazonaws.cn`, `console.amazonaws-us-gov.com`);
//! every path segment taken from AWS data is percent-encoded. Also the ARNs ecsnap builds
//! for resources its model keeps by id only (EBS volumes and snapshots), and the region and
//! account read back out of an ARN.

use std::fmt::Write as _;

/// A resource the console can show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsoleTarget {
    Service {
        cluster: String,
        service: String,
    },
    Task {
        cluster: String,
        task_id: String,
    },
    /// A service's deployment; `id` is the deployment's id (or the service deployment's
    /// last ARN segment).
    Deployment {
        cluster: String,
        service: String,
        id: String,
    },
    LogStream {
        group: String,
        stream: String,
    },
    Volume {
        id: String,
    },
    Snapshot {
        id: String,
    },
    /// An ECR image by digest.
    Image {
        repository: String,
        digest: String,
    },
}

impl ConsoleTarget {
    /// What it is, as a message names it.
    pub fn kind(&self) -> &'static str {
        match self {
            ConsoleTarget::Service { .. } => "service",
            ConsoleTarget::Task { .. } => "task",
            ConsoleTarget::Deployment { .. } => "deployment",
            ConsoleTarget::LogStream { .. } => "log stream",
            ConsoleTarget::Volume { .. } => "volume",
            ConsoleTarget::Snapshot { .. } => "snapshot",
            ConsoleTarget::Image { .. } => "image",
        }
    }
}

/// The AWS partition of a region.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// `https://REGION.console.aws.amazon.com` (its partition's domain).
fn console_origin(region: &str) -> String {
    let domain = match partition(region) {
        "aws-cn" => "console.amazonaws.cn",
        "aws-us-gov" => "console.amazonaws-us-gov.com",
        _ => "console.aws.amazon.com",
    };
    format!("https://{region}.{domain}")
}

/// Percent-encodes everything but the unreserved characters (RFC 3986).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// CloudWatch's own fragment encoding: encoded twice, `%` written `$`
/// (`/ecs/app` → `$252Fecs$252Fapp`).
fn cloudwatch_encode(text: &str) -> String {
    encode(&encode(text)).replace('%', "$")
}

/// The console URL of `target` in `region` of `account`.
pub fn console_url(target: &ConsoleTarget, region: &str, account: &str) -> String {
    let origin = console_origin(region);
    let r = encode(region);
    match target {
        ConsoleTarget::Service { cluster, service } => format!(
            "{origin}/ecs/v2/clusters/{}/services/{}/health?region={r}",
            encode(cluster),
            encode(service)
        ),
        ConsoleTarget::Task { cluster, task_id } => format!(
            "{origin}/ecs/v2/clusters/{}/tasks/{}/configuration?region={r}",
            encode(cluster),
            encode(task_id)
        ),
        ConsoleTarget::Deployment {
            cluster,
            service,
            id,
        } => format!(
            "{origin}/ecs/v2/clusters/{}/services/{}/deployments/{}?region={r}",
            encode(cluster),
            encode(service),
            encode(id)
        ),
        ConsoleTarget::LogStream { group, stream } => format!(
            "{origin}/cloudwatch/home?region={r}#logsV2:log-groups/log-group/{}/log-events/{}",
            cloudwatch_encode(group),
            cloudwatch_encode(stream)
        ),
        ConsoleTarget::Volume { id } => {
            format!(
                "{origin}/ec2/home?region={r}#VolumeDetails:volumeId={}",
                encode(id)
            )
        }
        ConsoleTarget::Snapshot { id } => format!(
            "{origin}/ec2/home?region={r}#SnapshotDetails:snapshotId={}",
            encode(id)
        ),
        ConsoleTarget::Image { repository, digest } => format!(
            "{origin}/ecr/repositories/private/{}/{}/_/image/{}/details?region={r}",
            encode(account),
            encode(repository),
            encode(digest)
        ),
    }
}

/// The ARN of an EBS volume.
pub fn volume_arn(region: &str, account: &str, id: &str) -> String {
    format!(
        "arn:{}:ec2:{region}:{account}:volume/{id}",
        partition(region)
    )
}

/// The ARN of an EBS snapshot (snapshot ARNs carry no account).
pub fn snapshot_arn(region: &str, id: &str) -> String {
    format!("arn:{}:ec2:{region}::snapshot/{id}", partition(region))
}

/// The region of an ARN (`arn:aws:ecs:REGION:ACCOUNT:…`), when it names one.
pub fn arn_region(arn: &str) -> Option<&str> {
    arn.split(':').nth(3).filter(|r| !r.is_empty())
}

/// The account of an ARN, when it names one.
pub fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "123456789012";

    #[test]
    fn service_and_task_urls_name_region_cluster_and_id() {
        let s = ConsoleTarget::Service {
            cluster: "payments-prod".into(),
            service: "ledger".into(),
        };
        assert_eq!(
            console_url(&s, "eu-west-1", ACCOUNT),
            "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/payments-prod/services/ledger/health?region=eu-west-1"
        );
        let t = ConsoleTarget::Task {
            cluster: "payments-prod".into(),
            task_id: "0f3c2a1b".into(),
        };
        assert_eq!(
            console_url(&t, "us-east-1", ACCOUNT),
            "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/payments-prod/tasks/0f3c2a1b/configuration?region=us-east-1"
        );
    }

    #[test]
    fn deployment_url_names_the_service_and_deployment() {
        let d = ConsoleTarget::Deployment {
            cluster: "c".into(),
            service: "api".into(),
            id: "ecs-svc/123".into(),
        };
        assert_eq!(
            console_url(&d, "us-west-2", ACCOUNT),
            "https://us-west-2.console.aws.amazon.com/ecs/v2/clusters/c/services/api/deployments/ecs-svc%2F123?region=us-west-2"
        );
    }

    #[test]
    fn log_stream_url_uses_cloudwatch_encoding() {
        let l = ConsoleTarget::LogStream {
            group: "/ecs/ledger".into(),
            stream: "ecs/app/0f3c".into(),
        };
        assert_eq!(
            console_url(&l, "ap-southeast-2", ACCOUNT),
            "https://ap-southeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-southeast-2#logsV2:log-groups/log-group/$252Fecs$252Fledger/log-events/ecs$252Fapp$252F0f3c"
        );
    }

    #[test]
    fn volume_snapshot_and_image_urls() {
        let v = ConsoleTarget::Volume {
            id: "vol-0abc".into(),
        };
        assert_eq!(
            console_url(&v, "eu-central-1", ACCOUNT),
            "https://eu-central-1.console.aws.amazon.com/ec2/home?region=eu-central-1#VolumeDetails:volumeId=vol-0abc"
        );
        let s = ConsoleTarget::Snapshot {
            id: "snap-0def".into(),
        };
        assert_eq!(
            console_url(&s, "us-east-2", ACCOUNT),
            "https://us-east-2.console.aws.amazon.com/ec2/home?region=us-east-2#SnapshotDetails:snapshotId=snap-0def"
        );
        let i = ConsoleTarget::Image {
            repository: "team/workspaces".into(),
            digest: "sha256:ab12".into(),
        };
        assert_eq!(
            console_url(&i, "us-east-1", "210987654321"),
            "https://us-east-1.console.aws.amazon.com/ecr/repositories/private/210987654321/team%2Fworkspaces/_/image/sha256%3Aab12/details?region=us-east-1"
        );
    }

    #[test]
    fn other_partitions_have_their_own_console() {
        let v = ConsoleTarget::Volume { id: "vol-1".into() };
        assert!(
            console_url(&v, "cn-north-1", ACCOUNT)
                .starts_with("https://cn-north-1.console.amazonaws.cn/")
        );
        assert!(
            console_url(&v, "us-gov-west-1", ACCOUNT)
                .starts_with("https://us-gov-west-1.console.amazonaws-us-gov.com/")
        );
        assert_eq!(
            volume_arn("cn-north-1", ACCOUNT, "vol-1"),
            "arn:aws-cn:ec2:cn-north-1:123456789012:volume/vol-1"
        );
        assert_eq!(
            snapshot_arn("us-east-1", "snap-1"),
            "arn:aws:ec2:us-east-1::snapshot/snap-1"
        );
    }

    #[test]
    fn hostile_names_cannot_leave_their_segment() {
        let s = ConsoleTarget::Service {
            cluster: "a/../b?x=1#y".into(),
            service: "s p".into(),
        };
        let url = console_url(&s, "us-east-1", ACCOUNT);
        assert!(
            url.contains("/clusters/a%2F..%2Fb%3Fx%3D1%23y/services/s%20p/"),
            "{url}"
        );
    }

    #[test]
    fn arn_parts() {
        let arn = "arn:aws:ecs:eu-west-1:123456789012:task/c/abc";
        assert_eq!(arn_region(arn), Some("eu-west-1"));
        assert_eq!(arn_account(arn), Some(ACCOUNT));
        assert_eq!(arn_region("abc"), None);
    }
}
