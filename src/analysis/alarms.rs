//! A service's CloudWatch alarms, picked from the account's: its deployment alarms
//! (`deploymentConfiguration.alarms`) by name, and every alarm on a metric with its ECS
//! dimensions (`ClusterName` = its cluster and `ServiceName` = its name). Those in ALARM
//! first. Pure.

use crate::model::{Alarm, Service};

/// The alarms of `service` among `all`: in ALARM first, then by name, each once.
pub fn service_alarms(service: &Service, all: &[Alarm]) -> Vec<Alarm> {
    let deployment: &[String] = service
        .deployment_alarms
        .as_ref()
        .map_or(&[], |a| a.names.as_slice());
    let mut mine: Vec<Alarm> = all
        .iter()
        .filter(|a| {
            deployment.contains(&a.name)
                || (a.has_dimension("ClusterName", &service.cluster)
                    && a.has_dimension("ServiceName", &service.name))
        })
        .cloned()
        .collect();
    mine.sort_by(|a, b| {
        b.is_firing()
            .cmp(&a.is_firing())
            .then_with(|| a.name.cmp(&b.name))
    });
    mine.dedup_by(|a, b| a.name == b.name);
    mine
}

/// Whether any of `alarms` is in ALARM.
pub fn any_firing(alarms: &[Alarm]) -> bool {
    alarms.iter().any(Alarm::is_firing)
}

/// `alarm checkout-5xx in ALARM` (and `+ N more` when several are).
pub fn firing_line(alarms: &[Alarm]) -> Option<String> {
    let firing: Vec<&Alarm> = alarms.iter().filter(|a| a.is_firing()).collect();
    let first = firing.first()?;
    let more = match firing.len() {
        1 => String::new(),
        n => format!(" (+{} more)", n - 1),
    };
    Some(format!("alarm {} in ALARM{more}", first.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DeploymentAlarms;

    fn alarm(name: &str, state: &str, dims: &[(&str, &str)]) -> Alarm {
        Alarm {
            name: name.into(),
            state: state.into(),
            reason: None,
            namespace: Some("AWS/ECS".into()),
            dimensions: dims
                .iter()
                .map(|(n, v)| ((*n).to_string(), (*v).to_string()))
                .collect(),
            updated_at: None,
        }
    }

    #[test]
    fn picks_deployment_alarms_and_those_on_the_services_dimensions() {
        let service = Service {
            cluster: "payments-prod".into(),
            name: "checkout".into(),
            deployment_alarms: Some(DeploymentAlarms {
                names: vec!["checkout-deploy".into()],
                enable: true,
                rollback: true,
            }),
            ..Service::default()
        };
        let all = vec![
            alarm(
                "checkout-cpu",
                "OK",
                &[
                    ("ClusterName", "payments-prod"),
                    ("ServiceName", "checkout"),
                ],
            ),
            alarm("checkout-deploy", "OK", &[]),
            alarm(
                "checkout-5xx",
                "ALARM",
                &[
                    ("ClusterName", "payments-prod"),
                    ("ServiceName", "checkout"),
                ],
            ),
            // Same service name in another cluster, and a cluster-wide alarm: not its own.
            alarm(
                "other-cluster",
                "ALARM",
                &[("ClusterName", "payments-dev"), ("ServiceName", "checkout")],
            ),
            alarm("cluster-cpu", "ALARM", &[("ClusterName", "payments-prod")]),
        ];
        let names: Vec<String> = service_alarms(&service, &all)
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(names, ["checkout-5xx", "checkout-cpu", "checkout-deploy"]);
        let mine = service_alarms(&service, &all);
        assert!(any_firing(&mine));
        assert_eq!(
            firing_line(&mine).as_deref(),
            Some("alarm checkout-5xx in ALARM")
        );
        assert_eq!(firing_line(&mine[1..]), None);
    }
}
