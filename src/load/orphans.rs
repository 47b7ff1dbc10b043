//! Orphaned volumes and snapshots of the account.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::seen::{SeenScope, record};
use crate::analysis::locks::lock_reason;
use crate::analysis::orphans::{OrphanFilter, OrphanReport, OrphanRules, find_orphans};
use crate::analysis::seen::seen_before;
use crate::aws::AwsClients;
use crate::config::Settings;
use crate::error::Result;
use crate::model::{Ami, LaunchTemplate, Snapshot, Volume};

/// What the orphan rules read: volumes, own snapshots, own AMIs, launch templates.
pub(super) struct Ec2State {
    pub volumes: Vec<Volume>,
    pub snapshots: Vec<Snapshot>,
    pub amis: Vec<Ami>,
    pub launch_templates: Vec<LaunchTemplate>,
}

/// The four reads at once. `account`, when known, narrows the snapshots on the server
/// (see `Ec2Api::describe_own_snapshots`).
pub(super) async fn load_ec2_state(aws: &AwsClients, account: Option<&str>) -> Result<Ec2State> {
    let (volumes, snapshots, amis, launch_templates) = futures::try_join!(
        aws.ec2.describe_volumes(),
        aws.ec2.describe_own_snapshots(account),
        aws.ec2.describe_own_amis(),
        aws.ec2.describe_launch_templates(),
    )?;
    Ok(Ec2State {
        volumes,
        snapshots,
        amis,
        launch_templates,
    })
}

/// Loads volumes, own snapshots, own AMIs and launch templates at once, records which
/// volumes are `available` (ecsnap's own "unattached since"), and applies the orphan rules.
/// `account` (from STS) narrows snapshots to this account's when the API does not.
pub async fn load_orphans(
    aws: &AwsClients,
    settings: &Settings,
    account: Option<&str>,
    filter: OrphanFilter,
    now: DateTime<Utc>,
) -> Result<OrphanReport> {
    let state = load_ec2_state(aws, account).await?;
    Ok(orphans_of(aws, settings, account, filter, now, &state))
}

/// The Orphans pane's read: the orphans, with why each orphaned snapshot is locked
/// (DescribeLockedSnapshots). Locks are an addition: when the account cannot answer (no
/// `ec2:DescribeLockedSnapshots`, an endpoint without the call) the orphans show without
/// them.
pub async fn load_orphans_with_locks(
    aws: &AwsClients,
    settings: &Settings,
    account: Option<&str>,
    now: DateTime<Utc>,
) -> Result<OrphanReport> {
    let mut report = load_orphans(aws, settings, account, OrphanFilter::default(), now).await?;
    let ids: Vec<String> = report
        .snapshots
        .iter()
        .map(|s| s.snapshot.id.clone())
        .collect();
    if ids.is_empty() {
        return Ok(report);
    }
    match aws.ec2.describe_locked_snapshots(&ids).await {
        Ok(locks) => {
            report.locks = locks
                .iter()
                .filter(|l| lock_reason(l, now).is_some())
                .map(|l| (l.snapshot_id.clone(), l.clone()))
                .collect();
        }
        Err(e) => tracing::warn!("snapshot locks not read for the Orphans pane: {e}"),
    }
    Ok(report)
}

/// Records the sightings and applies the rules to loaded state.
pub(super) fn orphans_of(
    aws: &AwsClients,
    settings: &Settings,
    account: Option<&str>,
    filter: OrphanFilter,
    now: DateTime<Utc>,
    state: &Ec2State,
) -> OrphanReport {
    let since = record_sightings(aws, settings, account, &state.volumes, now);
    let mut rules = orphan_rules(settings, account, filter.min_age_days, now);
    rules.unattached_days = filter.unattached_days;
    rules.available_since = since.as_ref();
    find_orphans(
        &state.volumes,
        &state.snapshots,
        &state.amis,
        &state.launch_templates,
        &rules,
    )
}

/// `None` when sightings are not kept (no state file configured, as in library use).
fn record_sightings(
    aws: &AwsClients,
    settings: &Settings,
    account: Option<&str>,
    volumes: &[Volume],
    now: DateTime<Utc>,
) -> Option<HashMap<String, DateTime<Utc>>> {
    let file = settings.volumes_seen_file.as_deref()?;
    let scope = SeenScope::new(file, aws.endpoint.as_deref(), account, &aws.region);
    let since = record(&scope, volumes, now);
    // A console refreshes within one run: a volume this run saw first is still "first seen
    // now" (its start unknown), not "0 days", as the command line says on a first run.
    Some(seen_before(since, *RUN_START.get_or_init(|| now)))
}

/// When this process first recorded sightings: the start of this run.
static RUN_START: std::sync::OnceLock<DateTime<Utc>> = std::sync::OnceLock::new();

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
        unattached_days: None,
        available_since: None,
    }
}
