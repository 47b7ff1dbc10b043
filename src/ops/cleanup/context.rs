//! Where and when a cleanup plan is made: the place's clients, the settings, the account
//! and the time, one value every planner takes.

use chrono::{DateTime, Utc};

use crate::analysis::orphans::{OrphanFilter, OrphanReport};
use crate::aws::AwsClients;
use crate::config::Settings;
use crate::error::Result;
use crate::load::load_orphans;

/// What every cleanup planner reads with: the clients of one place, its settings, the
/// account's id (`None` when STS could not say) and the time the plan is made at.
#[derive(Clone, Copy)]
pub struct PlanContext<'a> {
    pub aws: &'a AwsClients,
    pub settings: &'a Settings,
    pub account: Option<&'a str>,
    pub now: DateTime<Utc>,
}

impl<'a> PlanContext<'a> {
    pub fn new(
        aws: &'a AwsClients,
        settings: &'a Settings,
        account: Option<&'a str>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            aws,
            settings,
            account,
            now,
        }
    }

    /// The orphaned volumes and snapshots the rules find here (`load::load_orphans`).
    pub async fn orphans(&self, filter: OrphanFilter) -> Result<OrphanReport> {
        load_orphans(self.aws, self.settings, self.account, filter, self.now).await
    }
}
