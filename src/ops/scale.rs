//! Scale a service: plan (desired count from → to), then UpdateService with the new
//! desiredCount through the `Mutator`; the caller may then wait for stability.

use super::find_service;
use super::guard::Mutator;
use crate::aws::{AwsClients, ServiceChange};
use crate::error::{Error, Result};
use crate::model::Service;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalePlan {
    pub cluster: String,
    pub service: String,
    pub from: i32,
    pub to: i32,
    pub running: i32,
}

impl ScalePlan {
    pub fn summary(&self) -> String {
        format!(
            "scale {}/{} from {} to {} desired ({} running now)",
            self.cluster, self.service, self.from, self.to, self.running
        )
    }

    /// Already at the desired count: nothing to send.
    pub fn is_noop(&self) -> bool {
        self.from == self.to
    }
}

/// The plan from a service already read (the console's `+` / `-`).
pub fn plan_for(service: &Service, desired: i32) -> Result<ScalePlan> {
    if desired < 0 {
        return Err(Error::Usage(format!(
            "desired count {desired} is negative: {}/{} stays at {}",
            service.cluster, service.name, service.desired_count
        )));
    }
    Ok(ScalePlan {
        cluster: service.cluster.clone(),
        service: service.name.clone(),
        from: service.desired_count,
        to: desired,
        running: service.running_count,
    })
}

pub async fn plan(
    aws: &AwsClients,
    cluster: &str,
    service: &str,
    desired: i32,
) -> Result<ScalePlan> {
    let s = find_service(aws, cluster, service).await?;
    plan_for(&s, desired)
}

/// UpdateService with the desired count; the service as ECS answered.
pub async fn execute(mutator: &Mutator, plan: &ScalePlan) -> Result<Service> {
    mutator
        .update_service(
            &plan.cluster,
            &plan.service,
            &ServiceChange::DesiredCount(plan.to),
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_from_the_current_count() {
        let s = Service {
            cluster: "prod".into(),
            name: "api".into(),
            desired_count: 2,
            running_count: 1,
            ..Service::default()
        };
        let p = plan_for(&s, 5).expect("plan");
        assert_eq!((p.from, p.to, p.running), (2, 5, 1));
        assert_eq!(
            p.summary(),
            "scale prod/api from 2 to 5 desired (1 running now)"
        );
        assert!(!p.is_noop());
        assert!(plan_for(&s, 2).expect("plan").is_noop());
        assert!(plan_for(&s, -1).is_err());
    }
}
