//! Recycle Bin in a cleanup, against aws-smithy-mocks (moto has no `rbin`): each planned
//! snapshot deletion says whether a retention rule keeps it recoverable (a tag-level rule,
//! a region-level rule with exclusion tags) or that it is permanent, in the plan, its JSON
//! and the count the confirmation shows; a denied ListRules keeps the plan and says the
//! Recycle Bin was not checked, naming `rbin:ListRules`.

use std::sync::{Arc, Mutex};

use aws_sdk_ec2::operation::describe_images::DescribeImagesOutput;
use aws_sdk_ec2::operation::describe_launch_templates::DescribeLaunchTemplatesOutput;
use aws_sdk_ec2::operation::describe_locked_snapshots::DescribeLockedSnapshotsOutput;
use aws_sdk_ec2::operation::describe_snapshots::DescribeSnapshotsOutput;
use aws_sdk_ec2::operation::describe_volumes::DescribeVolumesOutput;
use aws_sdk_rbin::operation::get_rule::{GetRuleOutput, builders::GetRuleOutputBuilder};
use aws_sdk_rbin::operation::list_rules::ListRulesOutput;
use aws_sdk_rbin::types::{
    ResourceTag, ResourceType, RetentionPeriod, RetentionPeriodUnit, RuleStatus, RuleSummary,
};
use aws_smithy_mocks::{Rule, mock};
use ecsnap::analysis::recycle_bin::Recovery;
use ecsnap::aws::AwsClients;
use ecsnap::ops::cleanup::CleanupPlan;
use ecsnap::output::actions::CleanupJson;

use crate::answers::{failing, orphaned_snapshot};
use crate::mocked::{MockAws, no_retry_client};
use crate::snapshot_locks::plan;

/// Three orphaned snapshots: one of team data, one marked scratch, one plain; no locks.
fn ec2() -> aws_sdk_ec2::Client {
    let rules = [
        mock!(aws_sdk_ec2::Client::describe_volumes)
            .then_output(|| DescribeVolumesOutput::builder().build()),
        mock!(aws_sdk_ec2::Client::describe_snapshots).then_output(|| {
            DescribeSnapshotsOutput::builder()
                .snapshots(orphaned_snapshot("snap-team", &[("team", "data")]))
                .snapshots(orphaned_snapshot("snap-scratch", &[("scratch", "yes")]))
                .snapshots(orphaned_snapshot("snap-plain", &[]))
                .build()
        }),
        mock!(aws_sdk_ec2::Client::describe_images)
            .then_output(|| DescribeImagesOutput::builder().build()),
        mock!(aws_sdk_ec2::Client::describe_launch_templates)
            .then_output(|| DescribeLaunchTemplatesOutput::builder().build()),
        mock!(aws_sdk_ec2::Client::describe_locked_snapshots)
            .then_output(|| DescribeLockedSnapshotsOutput::builder().build()),
    ];
    let refs: Vec<&Rule> = rules.iter().collect();
    no_retry_client!(aws_sdk_ec2, &refs)
}

fn tag(key: &str, value: &str) -> ResourceTag {
    ResourceTag::builder()
        .resource_tag_key(key)
        .resource_tag_value(value)
        .build()
        .expect("tag")
}

fn days(n: i32) -> RetentionPeriod {
    RetentionPeriod::builder()
        .retention_period_value(n)
        .retention_period_unit(RetentionPeriodUnit::Days)
        .build()
        .expect("period")
}

/// An available retention rule `id` keeping EBS snapshots `retention_days` days.
fn snapshot_rule(id: &str, retention_days: i32) -> GetRuleOutputBuilder {
    GetRuleOutput::builder()
        .identifier(id)
        .resource_type(ResourceType::EbsSnapshot)
        .retention_period(days(retention_days))
        .status(RuleStatus::Available)
}

/// GetRule answering `rule` when asked for its identifier.
fn rule_read(rule: GetRuleOutput) -> Rule {
    let id = rule.identifier().unwrap_or_default().to_string();
    mock!(aws_sdk_rbin::Client::get_rule)
        .match_requests(move |r| r.identifier() == Some(id.as_str()))
        .then_output(move || rule.clone())
}

/// ListRules for snapshots (recording the resource type asked for) naming `ids`, and
/// GetRule answering a tag-level rule `team-data` (14 days) and a region-level rule
/// `region-all` (7 days) that excludes `scratch=yes`.
fn rbin(ids: &'static [&'static str], asked: &Arc<Mutex<Vec<String>>>) -> aws_sdk_rbin::Client {
    let asked = Arc::clone(asked);
    let list = mock!(aws_sdk_rbin::Client::list_rules)
        .match_requests(move |r| {
            if let Ok(mut a) = asked.lock() {
                a.push(
                    r.resource_type()
                        .map(|t| t.as_str().to_string())
                        .unwrap_or_default(),
                );
            }
            true
        })
        .then_output(move || {
            let mut out = ListRulesOutput::builder();
            for id in ids {
                out = out.rules(RuleSummary::builder().identifier(*id).build());
            }
            out.build()
        });
    let team = rule_read(
        snapshot_rule("team-data", 14)
            .resource_tags(tag("team", "data"))
            .build(),
    );
    let region = rule_read(
        snapshot_rule("region-all", 7)
            .exclude_resource_tags(tag("scratch", "yes"))
            .build(),
    );
    no_retry_client!(aws_sdk_rbin, &[&list, &team, &region])
}

fn clients(rbin: aws_sdk_rbin::Client) -> AwsClients {
    MockAws {
        ec2: ec2(),
        rbin,
        ..MockAws::in_region("eu-west-1")
    }
    .clients_and_ops()
    .0
}

fn recovery_of<'a>(plan: &'a CleanupPlan, id: &str) -> Option<&'a Recovery> {
    plan.items
        .iter()
        .find(|i| i.id == id)
        .and_then(|i| i.recycle_bin.as_ref())
}

#[tokio::test]
async fn each_deletion_says_recoverable_by_which_rule_or_permanent() {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let aws = clients(rbin(&["team-data", "region-all"], &asked));
    let plan = plan(&aws).await;
    assert_eq!(
        asked.lock().expect("asked").as_slice(),
        ["EBS_SNAPSHOT"],
        "ListRules asked for snapshot rules only"
    );
    assert_eq!(
        recovery_of(&plan, "snap-team")
            .map(Recovery::describe)
            .as_deref(),
        Some("recoverable for 14 days (rule team-data)"),
        "the tag-level rule outlasts the region-level one"
    );
    assert_eq!(
        recovery_of(&plan, "snap-plain")
            .map(Recovery::describe)
            .as_deref(),
        Some("recoverable for 7 days (rule region-all)")
    );
    assert_eq!(
        recovery_of(&plan, "snap-scratch"),
        Some(&Recovery::Permanent),
        "the exclusion tag keeps the region-level rule off it"
    );
    assert_eq!(plan.permanent_count(), 1);
    assert!(plan.notes.is_empty(), "{:?}", plan.notes);
    let json = serde_json::to_value(CleanupJson::new(&plan, true, None)).expect("json");
    let by_id = |id: &str| {
        json["items"]
            .as_array()
            .and_then(|a| a.iter().find(|i| i["id"] == id))
            .map(|i| i["recycle_bin"].clone())
    };
    assert_eq!(
        by_id("snap-team"),
        Some(serde_json::json!({"rule": "team-data", "retention_days": 14}))
    );
    assert_eq!(by_id("snap-scratch"), Some(serde_json::Value::Null));
    assert_eq!(json["totals"]["permanent"], 1);
}

#[tokio::test]
async fn no_rule_makes_every_deletion_permanent() {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let aws = clients(rbin(&[], &asked));
    let plan = plan(&aws).await;
    assert_eq!(plan.items.len(), 3);
    assert!(
        plan.items
            .iter()
            .all(|i| i.recycle_bin == Some(Recovery::Permanent)),
        "{:?}",
        plan.items
    );
    assert_eq!(plan.permanent_count(), 3);
}

#[tokio::test]
async fn a_denied_list_rules_keeps_the_plan_and_names_the_permission() {
    let body = r#"{"__type":"AccessDeniedException","message":"User is not authorized to perform: rbin:ListRules"}"#;
    let denied = failing!(aws_sdk_rbin::Client::list_rules, 400, body, repeatedly);
    let aws = clients(no_retry_client!(aws_sdk_rbin, &[&denied]));
    let plan = plan(&aws).await;
    assert_eq!(plan.items.len(), 3, "the plan stands");
    assert!(plan.items.iter().all(|i| i.recycle_bin.is_none()));
    assert!(
        plan.notes
            .iter()
            .any(|n| n.starts_with("Recycle Bin not checked (rbin:ListRules)")),
        "{:?}",
        plan.notes
    );
    // Unknown counts as permanent: the confirmation does not promise a way back.
    assert_eq!(plan.permanent_count(), 3);
}
