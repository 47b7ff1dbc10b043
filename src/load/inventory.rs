//! Everything the four listings show, loaded at once: what a console opening on the whole
//! account needs. Each piece is fetched once and shared (the clusters, services and tasks
//! feed both their own listings and the in-use markers of the snapshot tags), and the ECS,
//! ECR and EC2 reads run side by side, each with its own bounded concurrency.

use chrono::{DateTime, Utc};

use super::ecs::{cluster_names, services_tasks_in_use};
use super::orphans::{load_ec2_state, orphans_of};
use super::snapshots::images_in;
use crate::analysis::orphans::{OrphanFilter, OrphanReport};
use crate::analysis::tags::{UserTags, attach_resume_tags, group_by_user};
use crate::aws::AwsClients;
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::model::{Service, Task};

/// The account's full picture, as the `services`, `tasks`, `snapshots` and `orphans`
/// listings would show it.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    /// Sorted by cluster and name.
    pub services: Vec<Service>,
    /// Running and recently stopped tasks, cluster by cluster (sorted), each cluster's
    /// live first, newest first.
    pub tasks: Vec<Task>,
    pub snapshot_groups: Vec<UserTags>,
    pub orphans: OrphanReport,
    /// The account id from STS; `None` when it could not be read (snapshots are then not
    /// narrowed by owner).
    pub account: Option<String>,
}

/// Loads the whole inventory. Orphans use no minimum age.
pub async fn load_inventory(
    aws: &AwsClients,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<Inventory> {
    load_inventory_of(aws, settings, now, None).await
}

/// Like [`load_inventory`], for an account whose id is already known (a fleet place's,
/// asked once when it was connected): `Some` skips the GetCallerIdentity of each load.
/// Fails with the first read that failed (see [`load_inventory_parts`] to keep the rest).
pub async fn load_inventory_of(
    aws: &AwsClients,
    settings: &Settings,
    now: DateTime<Utc>,
    known_account: Option<String>,
) -> Result<Inventory> {
    let parts = load_inventory_parts(aws, settings, now, known_account).await;
    match parts.failed.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(parts.inventory),
    }
}

/// An inventory with what answered, and the reads that did not: the ECS listing (services,
/// tasks and what is in use), the ECR images, the EC2 reads (orphans). `report` shows a
/// place's services even when its EC2 answer was bad, and names the read that failed.
#[derive(Debug, Default)]
pub struct InventoryParts {
    pub inventory: Inventory,
    /// Each failed read, naming its operation (e.g. `ec2:DescribeVolumes`).
    pub failed: Vec<Error>,
}

/// Loads every part of the inventory side by side; a part that fails is left empty and
/// its error kept, the others are kept whole.
pub async fn load_inventory_parts(
    aws: &AwsClients,
    settings: &Settings,
    now: DateTime<Utc>,
    known_account: Option<String>,
) -> InventoryParts {
    let ecs = async {
        let clusters = cluster_names(aws).await?;
        services_tasks_in_use(aws, &clusters).await
    };
    let images = async {
        let names: Vec<String> = aws
            .ecr
            .list_repositories()
            .await?
            .into_iter()
            .map(|r| r.name)
            .collect();
        images_in(aws, &names).await
    };
    // The EC2 reads wait for the account id (one GetCallerIdentity unless a fleet place
    // already knows it) so that the snapshots are narrowed on the server; they are off
    // the critical path, which is the ECS chain.
    let account_and_ec2 = async {
        let account = match known_account {
            Some(known) => Some(known),
            None => match aws.sts.caller_identity().await {
                Ok(id) => Some(id.account),
                Err(e) => {
                    tracing::warn!("caller identity unknown, snapshots not narrowed by owner: {e}");
                    None
                }
            },
        };
        let ec2 = load_ec2_state(aws, account.as_deref()).await;
        (account, ec2)
    };
    let (ecs, images, (account, ec2)) = futures::join!(ecs, images, account_and_ec2);
    let mut failed = Vec::new();
    let (services, tasks, in_use) = ecs.unwrap_or_else(|e| {
        failed.push(e);
        Default::default()
    });
    let images = images.unwrap_or_else(|e| {
        failed.push(e);
        Vec::new()
    });
    let orphans = match ec2 {
        Ok(ec2) => orphans_of(
            aws,
            settings,
            account.as_deref(),
            OrphanFilter::default(),
            now,
            &ec2,
        ),
        Err(e) => {
            failed.push(e);
            OrphanReport::default()
        }
    };
    let snapshot_groups = attach_resume_tags(
        group_by_user(&images, &settings.tag_pattern, &in_use),
        &settings.resume_tag,
    );
    InventoryParts {
        inventory: Inventory {
            services,
            tasks,
            snapshot_groups,
            orphans,
            account,
        },
        failed,
    }
}
