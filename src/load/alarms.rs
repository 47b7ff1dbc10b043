//! The CloudWatch alarms of the services in view: every alarm of the place listed once
//! (DescribeAlarms, 100 a page — one call for most accounts, whatever the number of
//! services), then picked per service by [`crate::analysis::alarms`].

use std::collections::HashMap;

use crate::analysis::alarms::service_alarms;
use crate::aws::AwsClients;
use crate::model::{Alarm, Service};

/// Each service's alarms by service ARN (services without any are left out), or why the
/// alarms could not be read (naming `cloudwatch:DescribeAlarms`).
pub type ServiceAlarms = Result<HashMap<String, Vec<Alarm>>, String>;

/// Every alarm of the place, or why they could not be read.
pub async fn load_alarms(aws: &AwsClients) -> Result<Vec<Alarm>, String> {
    aws.cloudwatch
        .describe_alarms()
        .await
        .map_err(|e| format!("alarms unreadable: {e}"))
}

/// `all` picked for each of `services`.
pub fn alarms_by_service(services: &[Service], all: &[Alarm]) -> HashMap<String, Vec<Alarm>> {
    services
        .iter()
        .filter_map(|s| {
            let mine = service_alarms(s, all);
            (!mine.is_empty()).then(|| (s.arn.clone(), mine))
        })
        .collect()
}
