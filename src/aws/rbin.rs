//! Recycle Bin adapter: the region's retention rules (ListRules, then GetRule for each
//! rule's tags, exclusions and status), which say whether a deletion can be recovered and
//! for how long. An emulator without Recycle Bin answers `Unsupported`.

use async_trait::async_trait;
use aws_sdk_rbin::Client;
use aws_sdk_rbin::types::{ResourceTag, ResourceType, RetentionPeriod};

use super::api::RecycleBinApi;
use super::classify::CallContext;
use super::convert::text;
use crate::error::Result;
use crate::model::{RetentionRule, RuleTag};

/// ListRules answers at most 100 rules a page.
const RULES_PAGE: i32 = 100;

pub struct RecycleBinAdapter {
    client: Client,
    ctx: CallContext,
}

impl RecycleBinAdapter {
    pub fn new(client: Client, ctx: CallContext) -> Self {
        Self { client, ctx }
    }

    async fn rule(&self, id: &str) -> Result<RetentionRule> {
        let out = self
            .client
            .get_rule()
            .identifier(id)
            .send()
            .await
            .map_err(self.ctx.err_newer("rbin:GetRule"))?;
        Ok(RetentionRule {
            id: text(out.identifier()),
            description: out
                .description()
                .filter(|d| !d.is_empty())
                .map(str::to_string),
            resource_type: out
                .resource_type()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
            retention_days: days(out.retention_period()),
            resource_tags: tags(out.resource_tags()),
            exclude_tags: tags(out.exclude_resource_tags()),
            status: out
                .status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        })
    }
}

/// The retention period in days (the only unit Recycle Bin has).
fn days(period: Option<&RetentionPeriod>) -> i64 {
    period.map_or(0, |p| i64::from(p.retention_period_value()))
}

fn tags(tags: &[ResourceTag]) -> Vec<RuleTag> {
    tags.iter()
        .map(|t| RuleTag {
            key: t.resource_tag_key().to_string(),
            value: t.resource_tag_value().map(str::to_string),
        })
        .collect()
}

#[async_trait]
impl RecycleBinApi for RecycleBinAdapter {
    async fn list_rules(&self, resource_type: &str) -> Result<Vec<RetentionRule>> {
        let summaries: Vec<aws_sdk_rbin::types::RuleSummary> = self
            .client
            .list_rules()
            .resource_type(ResourceType::from(resource_type))
            .max_results(RULES_PAGE)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(self.ctx.err_newer("rbin:ListRules"))?;
        let ids: Vec<String> = summaries
            .iter()
            .filter_map(|s| s.identifier().map(str::to_string))
            .collect();
        futures::future::try_join_all(ids.iter().map(|id| self.rule(id))).await
    }
}
