//! Why each service that is not steady is where it is: its recently stopped tasks, read
//! for those services only (a steady fleet costs no call), and judged by
//! [`crate::analysis::why`]. The Services listing, its JSON and the console use it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use futures::{StreamExt, stream};

use super::alarms::{ServiceAlarms, alarms_by_service, load_alarms};
use super::awaiting::{AwaitingAction, load_awaiting_action};
use crate::analysis::health::steadiness;
use crate::analysis::why::{Why, why, with_alarms};
use crate::aws::{AwsClients, MAX_CONCURRENCY, TaskStatusFilter};
use crate::error::Result;
use crate::model::{Alarm, Service, Task};

/// The judgement of every service not steady, by service ARN.
pub type Whys = HashMap<String, Why>;

/// The services of a listing, why those not steady are not, and (when asked) the
/// deployments among them waiting for a person.
#[derive(Debug, Clone)]
pub struct ServicesListing {
    pub services: Vec<Service>,
    /// The judgement of every service not steady or with an alarm in ALARM.
    pub whys: Whys,
    pub awaiting: Vec<AwaitingAction>,
    /// Each service's CloudWatch alarms, or why they could not be read.
    pub alarms: ServiceAlarms,
}

/// The services (of one cluster or all), the why of each one not steady and, with
/// `awaiting`, the deployments awaiting action (read side by side with the whys).
pub async fn load_services_listing(
    aws: &AwsClients,
    cluster: Option<&str>,
    now: DateTime<Utc>,
    awaiting: bool,
) -> Result<ServicesListing> {
    // The alarms are the place's, not the services': listed while the services are.
    let (services, all_alarms) =
        tokio::join!(super::ecs::load_services(aws, cluster), load_alarms(aws));
    let services = services?;
    let (whys, awaiting) = tokio::join!(load_whys(aws, &services, now), async {
        if awaiting {
            load_awaiting_action(aws, &services).await
        } else {
            Vec::new()
        }
    });
    let alarms = all_alarms.map(|all| alarms_by_service(&services, &all));
    Ok(ServicesListing {
        whys: whys_with_alarms(whys, &services, alarms.as_ref().ok()),
        services,
        awaiting,
        alarms,
    })
}

/// `whys` with each service's alarms in ALARM added (a steady service with one gets a why
/// of its own).
pub fn whys_with_alarms(
    mut whys: Whys,
    services: &[Service],
    alarms: Option<&HashMap<String, Vec<Alarm>>>,
) -> Whys {
    let Some(alarms) = alarms else {
        return whys;
    };
    for service in services {
        let Some(mine) = alarms.get(&service.arn) else {
            continue;
        };
        let judged = with_alarms(whys.remove(&service.arn), service, mine);
        if let Some(judged) = judged {
            whys.insert(service.arn.clone(), judged);
        }
    }
    whys
}

/// For every service in `services` that is not steady: its stopped tasks (one ListTasks
/// and one DescribeTasks, the services read side by side), judged. A service whose tasks
/// cannot be read is judged without them, and its why says why they are missing.
pub async fn load_whys(aws: &AwsClients, services: &[Service], now: DateTime<Utc>) -> Whys {
    // Owned, so the futures borrow nothing but the clients (a stream of futures over
    // borrowed items does not satisfy the console's spawned task).
    let not_steady: Vec<Service> = services
        .iter()
        .filter(|s| !steadiness(s).is_steady())
        .cloned()
        .collect();
    let judged: Vec<Option<(String, Why)>> = stream::iter(not_steady)
        .map(|service| judge(aws, service, now))
        .buffer_unordered(MAX_CONCURRENCY)
        .collect()
        .await;
    judged.into_iter().flatten().collect()
}

/// One service judged, by its ARN (`None` when it turns out steady).
async fn judge(aws: &AwsClients, service: Service, now: DateTime<Utc>) -> Option<(String, Why)> {
    let judged = match stopped_tasks(aws, &service).await {
        Ok(tasks) => why(&service, &tasks, now),
        Err(e) => why(&service, &[], now).map(|mut w| {
            w.stops_error = Some(e.to_string());
            w
        }),
    };
    judged.map(|w| (service.arn, w))
}

/// The service's recently stopped tasks (ECS keeps them about an hour).
async fn stopped_tasks(aws: &AwsClients, service: &Service) -> Result<Vec<Task>> {
    let arns = aws
        .ecs
        .list_tasks(
            &service.cluster,
            Some(&service.name),
            TaskStatusFilter::Stopped,
        )
        .await?;
    if arns.is_empty() {
        return Ok(Vec::new());
    }
    aws.ecs.describe_tasks(&service.cluster, &arns).await
}
