//! Orphaned volumes and snapshots of the account.

use chrono::{DateTime, Utc};

use crate::analysis::orphans::{OrphanReport, OrphanRules, find_orphans};
use crate::aws::AwsClients;
use crate::config::Settings;
use crate::error::Result;

/// Loads volumes, own snapshots and own AMIs at once and applies the orphan rules.
/// `account` (from STS) narrows snapshots to this account's when the API does not.
pub async fn load_orphans(
    aws: &AwsClients,
    settings: &Settings,
    account: Option<&str>,
    min_age_days: Option<i64>,
    now: DateTime<Utc>,
) -> Result<OrphanReport> {
    let (volumes, snapshots, amis) = futures::try_join!(
        aws.ec2.describe_volumes(),
        aws.ec2.describe_own_snapshots(),
        aws.ec2.describe_own_amis(),
    )?;
    let rules = orphan_rules(settings, account, min_age_days, now);
    Ok(find_orphans(&volumes, &snapshots, &amis, &rules))
}

/// The orphan rules as the settings set them.
pub(super) fn orphan_rules<'a>(
    settings: &'a Settings,
    account: Option<&'a str>,
    min_age_days: Option<i64>,
    now: DateTime<Utc>,
) -> OrphanRules<'a> {
    OrphanRules {
        protection_tag: &settings.protection_tag,
        min_age_days,
        account,
        prices: &settings.prices,
        now,
    }
}
