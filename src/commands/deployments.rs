//! `ecsnap deployments`: a service's deployment history as ECS records it (90 days),
//! newest first — status, reason, strategy and stage, source → target revision with
//! images by digest and EBS snapshots, task counts, circuit breaker, alarms, rollback,
//! hooks and times — as a table or JSON (`output::deployments`). Reads only; one place.

use super::print::{print_json, print_text};
use crate::cli::{DeploymentsArgs, GlobalArgs, ServiceTarget};
use crate::error::Result;
use crate::load::load_deployment_history;
use crate::ops::find_service;
use crate::output::deployments::{DeploymentsJson, deployments_text};

pub(super) async fn run(args: DeploymentsArgs, global: &GlobalArgs) -> Result<i32> {
    let DeploymentsArgs {
        target: ServiceTarget { cluster, service },
        since,
    } = args;
    let aws = super::connect::connect_from(global).await?;
    let now = crate::config::now();
    let since = crate::cli::since_time(since, now);
    let s = find_service(&aws, &cluster, &service).await?;
    let history = load_deployment_history(&aws, &s.cluster, &s.name, since).await?;
    if global.json {
        return print_json(&DeploymentsJson::new(&s.cluster, &s.name, &history));
    }
    print_text(&deployments_text(&s.cluster, &s.name, &history, now))
}
