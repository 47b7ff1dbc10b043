//! EC2 adapter: EBS volumes, the account's snapshots, the account's AMIs.

use async_trait::async_trait;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::Filter;

use super::api::{Ec2Api, by_token, in_batches};
use super::classify::CallContext;
use super::convert::{ec2_tags, owned, text, time};
use crate::error::{AwsError, Result};
use crate::model::{Ami, LaunchTemplate, Snapshot, SnapshotLock, Volume};

/// The largest page DescribeVolumes / DescribeSnapshots / DescribeImages return.
const PAGE: i32 = 1000;

pub struct Ec2Adapter {
    client: Client,
    ctx: CallContext,
}

impl Ec2Adapter {
    pub fn new(client: Client, ctx: CallContext) -> Self {
        Self { client, ctx }
    }

    /// Every volume matching all of `filters` (every volume: `None`), every page.
    async fn volumes_where(&self, filters: Option<Vec<Filter>>) -> Result<Vec<Volume>> {
        let vols: Vec<aws_sdk_ec2::types::Volume> = self
            .client
            .describe_volumes()
            .set_filters(filters)
            .max_results(PAGE)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(self.ctx.err("ec2:DescribeVolumes"))?;
        Ok(vols.iter().map(volume).collect())
    }
}

/// The snapshot `snapshot_id` as DescribeSnapshots answers it (`None`: the answer does not
/// hold it). The reads and the actions (`ec2_ops`) both ask this way.
pub(super) async fn snapshot_by_id(
    client: &Client,
    ctx: &CallContext,
    snapshot_id: &str,
) -> std::result::Result<Option<aws_sdk_ec2::types::Snapshot>, AwsError> {
    let out = client
        .describe_snapshots()
        .snapshot_ids(snapshot_id)
        .send()
        .await
        .map_err(ctx.err("ec2:DescribeSnapshots"))?;
    let mut snapshots = out.snapshots().iter();
    Ok(snapshots
        .find(|s| s.snapshot_id() == Some(snapshot_id))
        .cloned())
}

/// The largest page DescribeLaunchTemplates / DescribeLaunchTemplateVersions return.
const TEMPLATE_PAGE: i32 = 200;

/// A filter values list takes at most 200 values.
const FILTER_VALUES_MAX: usize = 200;

fn filter(name: &str, values: Vec<String>) -> Filter {
    Filter::builder()
        .name(name)
        .set_values(Some(values))
        .build()
}

/// The snapshot ids one DescribeLockedSnapshots request names.
const LOCK_IDS_MAX: usize = 200;

/// The largest page DescribeLockedSnapshots returns.
const LOCK_PAGE: i32 = 1000;

#[async_trait]
impl Ec2Api for Ec2Adapter {
    async fn describe_snapshot(&self, snapshot_id: &str) -> Result<Option<Snapshot>> {
        match snapshot_by_id(&self.client, &self.ctx, snapshot_id).await {
            Ok(found) => Ok(found.as_ref().map(snapshot)),
            Err(e) if e.code.as_deref() == Some("InvalidSnapshot.NotFound") => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn describe_locked_snapshots(
        &self,
        snapshot_ids: &[String],
    ) -> Result<Vec<SnapshotLock>> {
        in_batches(snapshot_ids, LOCK_IDS_MAX, |chunk| async move {
            // The SDK has no paginator for this call.
            by_token(|token| {
                let chunk = chunk.clone();
                async move {
                    let out = self
                        .client
                        .describe_locked_snapshots()
                        .set_snapshot_ids(Some(chunk))
                        .max_results(LOCK_PAGE)
                        .set_next_token(token)
                        .send()
                        .await
                        .map_err(self.ctx.err("ec2:DescribeLockedSnapshots"))?;
                    let locks = out
                        .snapshots()
                        .iter()
                        .map(|l| SnapshotLock {
                            snapshot_id: text(l.snapshot_id()),
                            state: l
                                .lock_state()
                                .map(|s| s.as_str().to_string())
                                .unwrap_or_default(),
                            expires_on: time(l.lock_expires_on()),
                        })
                        .collect();
                    Ok((locks, out.next_token().map(str::to_string)))
                }
            })
            .await
        })
        .await
    }

    async fn describe_volume_initialization(
        &self,
        volume_ids: &[String],
    ) -> Result<Vec<crate::model::VolumeInitialization>> {
        if volume_ids.is_empty() {
            return Ok(Vec::new());
        }
        by_token(|token| async move {
            let out = self
                .client
                .describe_volume_status()
                .set_volume_ids(Some(volume_ids.to_vec()))
                .set_next_token(token)
                .send()
                .await
                .map_err(self.ctx.err("ec2:DescribeVolumeStatus"))?;
            let found = out
                .volume_statuses()
                .iter()
                .filter_map(|s| {
                    let d = s.initialization_status_details()?;
                    Some(crate::model::VolumeInitialization {
                        volume_id: text(s.volume_id()),
                        initialization_type: d
                            .initialization_type()
                            .map(|t| t.as_str().to_string()),
                        progress: d.progress(),
                        estimated_seconds_left: d.estimated_time_to_complete_in_seconds(),
                    })
                })
                .collect();
            Ok((found, out.next_token().map(str::to_string)))
        })
        .await
    }

    async fn describe_subnet_zones(&self, subnet_ids: &[String]) -> Result<Vec<(String, String)>> {
        if subnet_ids.is_empty() {
            return Ok(Vec::new());
        }
        let out = self
            .client
            .describe_subnets()
            .set_subnet_ids(Some(subnet_ids.to_vec()))
            .send()
            .await
            .map_err(self.ctx.err("ec2:DescribeSubnets"))?;
        Ok(out
            .subnets()
            .iter()
            .filter_map(|s| {
                Some((
                    s.subnet_id()?.to_string(),
                    s.availability_zone()?.to_string(),
                ))
            })
            .collect())
    }

    async fn enabled_regions(&self) -> Result<Vec<String>> {
        let out = self
            .client
            .describe_regions()
            .send()
            .await
            .map_err(self.ctx.err("ec2:DescribeRegions"))?;
        let mut regions: Vec<String> = out
            .regions()
            .iter()
            .filter(|r| {
                // AWS lists only enabled regions without AllRegions; an emulator may list
                // all of them, so an explicit `not-opted-in` is left out too.
                r.opt_in_status() != Some("not-opted-in")
            })
            .filter_map(|r| r.region_name().map(str::to_string))
            .collect();
        regions.sort();
        regions.dedup();
        Ok(regions)
    }

    async fn describe_volumes(&self) -> Result<Vec<Volume>> {
        self.volumes_where(None).await
    }

    async fn describe_volumes_matching(
        &self,
        ids: &[String],
        tags: &[(String, String)],
    ) -> Result<Vec<Volume>> {
        let by_id = async {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            // A `volume-id` filter, not VolumeIds: an id that is gone is left out instead
            // of failing the call. Filters take at most 200 values.
            let pages = in_batches(ids, FILTER_VALUES_MAX, |chunk| {
                self.volumes_where(Some(vec![filter("volume-id", chunk)]))
            });
            pages.await
        };
        let by_tags = async {
            if tags.is_empty() {
                return Ok(Vec::new());
            }
            let filters = tags
                .iter()
                .map(|(k, v)| filter(&format!("tag:{k}"), vec![v.clone()]))
                .collect();
            self.volumes_where(Some(filters)).await
        };
        let (mut found, tagged) = futures::try_join!(by_id, by_tags)?;
        for v in tagged {
            if !found.iter().any(|f| f.id == v.id) {
                found.push(v);
            }
        }
        Ok(found)
    }

    async fn describe_volumes_from_snapshot(&self, snapshot_id: &str) -> Result<Vec<Volume>> {
        self.volumes_where(Some(vec![filter(
            "snapshot-id",
            vec![snapshot_id.to_string()],
        )]))
        .await
    }

    async fn describe_own_snapshots(&self, account: Option<&str>) -> Result<Vec<Snapshot>> {
        let snaps: Vec<aws_sdk_ec2::types::Snapshot> = self
            .client
            .describe_snapshots()
            .owner_ids("self")
            .set_filters(account.map(|a| vec![filter("owner-id", vec![a.to_string()])]))
            .max_results(PAGE)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(self.ctx.err("ec2:DescribeSnapshots"))?;
        Ok(snaps.iter().map(snapshot).collect())
    }

    async fn describe_own_amis(&self) -> Result<Vec<Ami>> {
        let images: Vec<aws_sdk_ec2::types::Image> = self
            .client
            .describe_images()
            .owners("self")
            // Disabled AMIs still hold their snapshots (re-enabling needs them); AWS leaves
            // them out unless asked.
            .include_disabled(true)
            .max_results(PAGE)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(self.ctx.err("ec2:DescribeImages"))?;
        Ok(images.iter().map(ami).collect())
    }

    async fn describe_launch_templates(&self) -> Result<Vec<LaunchTemplate>> {
        use futures::{StreamExt, TryStreamExt, stream};
        let templates: Vec<aws_sdk_ec2::types::LaunchTemplate> = self
            .client
            .describe_launch_templates()
            .max_results(TEMPLATE_PAGE)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(self.ctx.err("ec2:DescribeLaunchTemplates"))?;
        // No `Versions`: every version of the template, not only $Latest / $Default.
        let versions_of = |id: String| async move {
            let versions: Vec<aws_sdk_ec2::types::LaunchTemplateVersion> = self
                .client
                .describe_launch_template_versions()
                .launch_template_id(&id)
                .max_results(TEMPLATE_PAGE)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(self.ctx.err("ec2:DescribeLaunchTemplateVersions"))?;
            let mut snapshot_ids: Vec<String> = Vec::new();
            for snap in versions
                .iter()
                .filter_map(|v| v.launch_template_data())
                .flat_map(aws_sdk_ec2::types::ResponseLaunchTemplateData::block_device_mappings)
                .filter_map(|m| m.ebs()?.snapshot_id())
                .filter(|s| !s.is_empty())
            {
                if !snapshot_ids.iter().any(|s| s == snap) {
                    snapshot_ids.push(snap.to_string());
                }
            }
            Ok::<_, crate::error::Error>(snapshot_ids)
        };
        stream::iter(templates)
            .map(|t| async move {
                let id = text(t.launch_template_id());
                let snapshot_ids = versions_of(id.clone()).await?;
                Ok(LaunchTemplate {
                    id,
                    name: owned(t.launch_template_name()),
                    snapshot_ids,
                })
            })
            .buffered(super::api::MAX_CONCURRENCY)
            .try_collect()
            .await
    }
}

fn volume(v: &aws_sdk_ec2::types::Volume) -> Volume {
    Volume {
        id: text(v.volume_id()),
        size_gib: v.size().unwrap_or_default(),
        volume_type: v
            .volume_type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        state: v.state().map(|s| s.as_str().into()).unwrap_or_default(),
        create_time: time(v.create_time()),
        availability_zone: owned(v.availability_zone()),
        snapshot_id: owned(v.snapshot_id()),
        tags: ec2_tags(v.tags()),
        attached_to: v
            .attachments()
            .iter()
            .filter_map(|a| owned(a.instance_id()).or_else(|| owned(a.associated_resource())))
            .collect(),
    }
}

fn ami(i: &aws_sdk_ec2::types::Image) -> Ami {
    Ami {
        id: text(i.image_id()),
        name: owned(i.name()),
        state: i.state().map(|s| s.as_str().to_string()),
        snapshot_ids: i
            .block_device_mappings()
            .iter()
            .filter_map(|m| m.ebs()?.snapshot_id().map(str::to_string))
            .collect(),
    }
}

fn snapshot(s: &aws_sdk_ec2::types::Snapshot) -> Snapshot {
    Snapshot {
        id: text(s.snapshot_id()),
        volume_id: owned(s.volume_id()),
        size_gib: s.volume_size().unwrap_or_default(),
        state: s.state().map(|st| st.as_str().into()).unwrap_or_default(),
        start_time: time(s.start_time()),
        owner_id: owned(s.owner_id()),
        description: owned(s.description()),
        tags: ec2_tags(s.tags()),
        storage_tier: s.storage_tier().map(|t| t.as_str().to_lowercase()),
        restore_expiry_time: time(s.restore_expiry_time()),
    }
}
