//! The one service an action names: its cluster and its name, said once for the plans,
//! their summaries, questions, audit targets and JSON.

use serde::Serialize;

use super::ecs::Service;

/// A service by cluster and name. Its JSON is `cluster` and `service`, flattened into the
/// objects that carry it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ClusterService {
    pub cluster: String,
    /// The service's name (`service` in JSON).
    #[serde(rename = "service")]
    pub name: String,
}

impl ClusterService {
    pub fn new(cluster: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            cluster: cluster.into(),
            name: name.into(),
        }
    }

    /// The service as DescribeServices answered: its cluster and name.
    pub fn of(service: &Service) -> Self {
        Self::new(&service.cluster, &service.name)
    }

    /// `cluster/service`, as summaries, questions and audit targets name it.
    pub fn label(&self) -> String {
        format!("{}/{}", self.cluster, self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::ClusterService;

    #[test]
    fn label_and_json_name_cluster_then_service() {
        let t = ClusterService::new("prod", "api");
        assert_eq!(t.label(), "prod/api");
        assert_eq!(
            serde_json::to_string(&t).ok().as_deref(),
            Some(r#"{"cluster":"prod","service":"api"}"#)
        );
    }
}
