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
    pub fn service(cluster: &str, service: &str) -> Self {
        Self::Service {
            cluster: cluster.to_string(),
            service: service.to_string(),
        }
    }

    pub fn task(cluster: &str, task_id: &str) -> Self {
        Self::Task {
            cluster: cluster.to_string(),
            task_id: task_id.to_string(),
        }
    }

    pub fn deployment(cluster: &str, service: &str, id: &str) -> Self {
        Self::Deployment {
            cluster: cluster.to_string(),
            service: service.to_string(),
            id: id.to_string(),
        }
    }

    pub fn log_stream(group: &str, stream: &str) -> Self {
        Self::LogStream {
            group: group.to_string(),
            stream: stream.to_string(),
        }
    }

    pub fn volume(id: &str) -> Self {
        Self::Volume { id: id.to_string() }
    }

    pub fn snapshot(id: &str) -> Self {
        Self::Snapshot { id: id.to_string() }
    }

    pub fn image(repository: &str, digest: &str) -> Self {
        Self::Image {
            repository: repository.to_string(),
            digest: digest.to_string(),
        }
    }

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
    fn each_kind_has_its_page_with_region_names_and_ids_encoded() {
        // (target, region, account, URL)
        let cases = [
            (
                ConsoleTarget::service("payments-prod", "ledger"),
                "eu-west-1",
                ACCOUNT,
                "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/payments-prod/services/ledger/health?region=eu-west-1",
            ),
            (
                ConsoleTarget::task("payments-prod", "0f3c2a1b"),
                "us-east-1",
                ACCOUNT,
                "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/payments-prod/tasks/0f3c2a1b/configuration?region=us-east-1",
            ),
            (
                ConsoleTarget::deployment("c", "api", "ecs-svc/123"),
                "us-west-2",
                ACCOUNT,
                "https://us-west-2.console.aws.amazon.com/ecs/v2/clusters/c/services/api/deployments/ecs-svc%2F123?region=us-west-2",
            ),
            // CloudWatch's own encoding.
            (
                ConsoleTarget::log_stream("/ecs/ledger", "ecs/app/0f3c"),
                "ap-southeast-2",
                ACCOUNT,
                "https://ap-southeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-southeast-2#logsV2:log-groups/log-group/$252Fecs$252Fledger/log-events/ecs$252Fapp$252F0f3c",
            ),
            (
                ConsoleTarget::volume("vol-0abc"),
                "eu-central-1",
                ACCOUNT,
                "https://eu-central-1.console.aws.amazon.com/ec2/home?region=eu-central-1#VolumeDetails:volumeId=vol-0abc",
            ),
            (
                ConsoleTarget::snapshot("snap-0def"),
                "us-east-2",
                ACCOUNT,
                "https://us-east-2.console.aws.amazon.com/ec2/home?region=us-east-2#SnapshotDetails:snapshotId=snap-0def",
            ),
            (
                ConsoleTarget::image("team/workspaces", "sha256:ab12"),
                "us-east-1",
                "210987654321",
                "https://us-east-1.console.aws.amazon.com/ecr/repositories/private/210987654321/team%2Fworkspaces/_/image/sha256%3Aab12/details?region=us-east-1",
            ),
        ];
        for (target, region, account, want) in &cases {
            assert_eq!(console_url(target, region, account), *want, "{target:?}");
        }
    }

    #[test]
    fn other_partitions_have_their_own_console() {
        let v = ConsoleTarget::volume("vol-1");
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
        let s = ConsoleTarget::service("a/../b?x=1#y", "s p");
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
