//! Load-balancer target health of a service (or every service of a cluster): the target
//! groups from the services' `loadBalancers`, DescribeTargetHealth for each (side by
//! side), and — only when a target is an EC2 instance — the cluster's container instances,
//! so [`crate::analysis::targets`] can map each target to its task.

use futures::{StreamExt, stream};

use crate::aws::{AwsClients, MAX_CONCURRENCY};
use crate::model::{ContainerInstance, Service, TargetHealth};

/// What the load balancers say of a cluster's (or a service's) tasks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceTargets {
    /// The target groups read, in the services' order.
    pub target_groups: Vec<String>,
    pub targets: Vec<TargetHealth>,
    /// The cluster's container instances (read only when a target is an instance).
    pub instances: Vec<ContainerInstance>,
    /// Each read that failed, naming its IAM action (`elasticloadbalancing:DescribeTargetHealth` …).
    pub errors: Vec<String>,
}

impl ServiceTargets {
    /// Whether any service read has a target group.
    pub fn has_groups(&self) -> bool {
        !self.target_groups.is_empty()
    }

    /// One line for every failed read (`None` when all answered).
    pub fn error_line(&self) -> Option<String> {
        (!self.errors.is_empty()).then(|| self.errors.join("; "))
    }
}

/// The target groups of `services`, each once, in order.
pub fn target_groups_of(services: &[Service]) -> Vec<String> {
    let mut groups: Vec<String> = Vec::new();
    for arn in services
        .iter()
        .flat_map(|s| &s.load_balancers)
        .filter_map(|lb| lb.target_group_arn.clone())
    {
        if !groups.contains(&arn) {
            groups.push(arn);
        }
    }
    groups
}

/// The health of every target of `target_groups` (one DescribeTargetHealth each, up to
/// [`MAX_CONCURRENCY`] at once) and, when one is an EC2 instance, `cluster`'s container
/// instances. A group that cannot be read is named in `errors`; the others still count.
pub async fn load_targets(
    aws: &AwsClients,
    cluster: &str,
    target_groups: &[String],
) -> ServiceTargets {
    let answers: Vec<(String, crate::error::Result<Vec<TargetHealth>>)> =
        stream::iter(target_groups.to_vec())
            .map(|arn| async move {
                let answer = aws.elb.describe_target_health(&arn).await;
                (arn, answer)
            })
            .buffered(MAX_CONCURRENCY)
            .collect()
            .await;
    let mut read = ServiceTargets {
        target_groups: target_groups.to_vec(),
        ..ServiceTargets::default()
    };
    for (arn, answer) in answers {
        match answer {
            Ok(targets) => read.targets.extend(targets),
            Err(e) => {
                let line = format!("target health of {arn}: {e}");
                // One permission problem fails every group alike: say it once.
                if !read.errors.iter().any(|l| l.ends_with(&e.to_string())) {
                    read.errors.push(line);
                }
            }
        }
    }
    if read.targets.iter().any(|t| t.target_id.starts_with("i-")) {
        match aws.ecs.describe_container_instances(cluster).await {
            Ok(instances) => read.instances = instances,
            Err(e) => read
                .errors
                .push(format!("container instances of {cluster}: {e}")),
        }
    }
    read
}

/// The target health of `services` (of one cluster): nothing is asked when none has a
/// target group.
pub async fn load_service_targets(
    aws: &AwsClients,
    cluster: &str,
    services: &[Service],
) -> ServiceTargets {
    let groups = target_groups_of(services);
    if groups.is_empty() {
        return ServiceTargets::default();
    }
    load_targets(aws, cluster, &groups).await
}

/// The target health of one service, or of every service of `cluster`: the services are
/// described first (their `loadBalancers`). A failure to describe them is an error line.
pub async fn load_cluster_targets(
    aws: &AwsClients,
    cluster: &str,
    service: Option<&str>,
) -> ServiceTargets {
    let services = match service {
        Some(name) => {
            aws.ecs
                .describe_services(cluster, &[name.to_string()])
                .await
        }
        None => super::ecs::load_services(aws, Some(cluster)).await,
    };
    match services {
        Ok(services) => load_service_targets(aws, cluster, &services).await,
        Err(e) => ServiceTargets {
            errors: vec![format!("target groups of {cluster}: {e}")],
            ..ServiceTargets::default()
        },
    }
}
