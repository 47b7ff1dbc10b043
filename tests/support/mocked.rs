//! Clients whose every call is answered by aws-smithy-mocks rules, for the `mock` test
//! binary: [`MockAws`] builds the read side (`AwsClients`) and the write side
//! (`OpsClients`) from the same SDK clients in one place ([`MockAws::clients_and_ops`]),
//! [`audited`] the one guarded `Mutator` writing its audit log into a temporary directory
//! ([`ok_entry`] and [`ok_actions`] read that log back).
//! A service given no client answers nothing (any call to it fails: no rule matches).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use aws_smithy_mocks::{Rule, RuleMode, mock_client};
use ecsnap::aws::{
    AwsClients, CallContext, CloudWatchAdapter, Ec2Adapter, Ec2OpsAdapter, EcrAdapter,
    EcrOpsAdapter, EcsAdapter, EcsOpsAdapter, ElbAdapter, IdentityApi, LogsAdapter, OpsClients,
    RecycleBinAdapter, SsmOpsAdapter, StsAdapter,
};
use ecsnap::model::CallerIdentity;
use ecsnap::ops::audit::{Actor, AuditEntry, AuditLog, read_entries};
use ecsnap::ops::guard::{Mutator, ReadOnly};

/// A mocked SDK client of crate `$krate` answering `$rules` (any order), with retries off so
/// an error rule is answered once.
macro_rules! no_retry_client {
    ($krate:ident, $rules:expr) => {
        aws_smithy_mocks::mock_client!($krate, aws_smithy_mocks::RuleMode::MatchAny, $rules, |c| c
            .retry_config($krate::config::retry::RetryConfig::disabled()))
    };
}
pub(crate) use no_retry_client;

/// The role ECS uses for the mocked services' managed EBS volumes.
pub const EBS_ROLE: &str = "arn:aws:iam::111122223333:role/ecsInfrastructureRole";

/// Whether UpdateService request `r` configures exactly one managed EBS volume, `data`,
/// created from `snapshot` with [`EBS_ROLE`], `gib` GiB and gp3.
pub fn configures_ebs_from(
    r: &aws_sdk_ecs::operation::update_service::UpdateServiceInput,
    snapshot: &str,
    gib: i32,
) -> bool {
    let configs = r.volume_configurations();
    let ebs = configs.first().and_then(|c| c.managed_ebs_volume());
    configs.len() == 1
        && configs[0].name() == "data"
        && ebs.is_some_and(|e| {
            e.snapshot_id() == Some(snapshot)
                && e.role_arn() == EBS_ROLE
                && e.size_in_gib() == Some(gib)
                && e.volume_type() == Some("gp3")
        })
}

/// Whether the UpdateService request sets the first volume's initialization rate to `rate`.
pub fn initializes_at(
    r: &aws_sdk_ecs::operation::update_service::UpdateServiceInput,
    rate: i32,
) -> bool {
    r.volume_configurations()
        .first()
        .and_then(|c| c.managed_ebs_volume())
        .and_then(
            aws_sdk_ecs::types::ServiceManagedEbsVolumeConfiguration::volume_initialization_rate,
        )
        == Some(rate)
}

/// (id, reason) of each skipped resource, collected as the caller needs (a list, a map).
pub fn skip_reasons<'a, C: FromIterator<(&'a str, &'a str)>>(
    skipped: &'a [ecsnap::model::Skipped],
) -> C {
    skipped
        .iter()
        .map(|s| (s.id.as_str(), s.reason.as_str()))
        .collect()
}

/// Why resource `id` was skipped (fails the test when it was not).
#[track_caller]
pub fn skip_reason<'a>(skipped: &'a [ecsnap::model::Skipped], id: &str) -> &'a str {
    skipped.iter().find(|s| s.id == id).map_or_else(
        || panic!("{id} is not skipped: {skipped:?}"),
        |s| s.reason.as_str(),
    )
}

/// (id, status) of each cleanup result, in order.
pub fn statuses(
    results: &[ecsnap::ops::cleanup::ItemResult],
) -> Vec<(&str, ecsnap::ops::cleanup::ItemStatus)> {
    results.iter().map(|r| (r.id.as_str(), r.status)).collect()
}

/// No rules: a client that answers nothing.
pub fn no_rules() -> &'static [&'static Rule] {
    &[]
}

/// A Recycle Bin with no retention rules (ListRules answers none): every EBS deletion a
/// plan makes reads as permanent. The default of [`MockAws`].
pub fn no_retention_rules() -> aws_sdk_rbin::Client {
    let none = aws_smithy_mocks::mock!(aws_sdk_rbin::Client::list_rules)
        .then_output(|| aws_sdk_rbin::operation::list_rules::ListRulesOutput::builder().build());
    mock_client!(aws_sdk_rbin, RuleMode::MatchAny, [&none])
}

/// An identity that answers `identity` without a request (the STS side of the tests).
pub struct FixedIdentity(pub CallerIdentity);

#[async_trait]
impl IdentityApi for FixedIdentity {
    async fn caller_identity(&self) -> ecsnap::Result<CallerIdentity> {
        Ok(self.0.clone())
    }
}

/// The SDK clients of one mocked place, and where its adapters say they are.
pub struct MockAws {
    pub ecs: aws_sdk_ecs::Client,
    pub ecr: aws_sdk_ecr::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub elb: aws_sdk_elasticloadbalancingv2::Client,
    pub rbin: aws_sdk_rbin::Client,
    pub ssm: Option<aws_sdk_ssm::Client>,
    pub sts: Arc<dyn IdentityApi>,
    /// The adapters' call context (labels their errors).
    pub ctx: CallContext,
    /// `AwsClients::region`.
    pub region: String,
}

impl Default for MockAws {
    /// Every service answers nothing (Recycle Bin: no rules); the identity is the default one (no account); the
    /// adapters carry no region and the clients say `us-east-1`.
    fn default() -> Self {
        Self {
            ecs: mock_client!(aws_sdk_ecs, RuleMode::MatchAny, no_rules()),
            ecr: mock_client!(aws_sdk_ecr, RuleMode::MatchAny, no_rules()),
            ec2: mock_client!(aws_sdk_ec2, RuleMode::MatchAny, no_rules()),
            logs: mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, no_rules()),
            cloudwatch: mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, no_rules()),
            elb: mock_client!(
                aws_sdk_elasticloadbalancingv2,
                RuleMode::MatchAny,
                no_rules()
            ),
            rbin: no_retention_rules(),
            ssm: None,
            sts: Arc::new(FixedIdentity(CallerIdentity::default())),
            ctx: CallContext::default(),
            region: "us-east-1".into(),
        }
    }
}

impl MockAws {
    /// Every service answers nothing, and the adapters and clients are in `region`.
    pub fn in_region(region: &str) -> Self {
        Self {
            ctx: CallContext {
                region: region.into(),
                endpoint: None,
                profile: None,
            },
            region: region.into(),
            ..Self::default()
        }
    }

    /// The read side and the write side over the same SDK clients.
    pub fn clients_and_ops(self) -> (AwsClients, OpsClients) {
        let ctx = self.ctx;
        let aws = AwsClients {
            ecs: Arc::new(EcsAdapter::new(self.ecs.clone(), ctx.clone())),
            ecr: Arc::new(EcrAdapter::new(self.ecr.clone(), ctx.clone())),
            ec2: Arc::new(Ec2Adapter::new(self.ec2.clone(), ctx.clone())),
            sts: self.sts,
            logs: Arc::new(LogsAdapter::new(self.logs, ctx.clone())),
            cloudwatch: Arc::new(CloudWatchAdapter::new(self.cloudwatch, ctx.clone())),
            elb: Arc::new(ElbAdapter::new(self.elb, ctx.clone())),
            rbin: Arc::new(RecycleBinAdapter::new(self.rbin, ctx.clone())),
            region: self.region,
            endpoint: None,
            task_definitions: None,
        };
        let ops = OpsClients::new(
            Arc::new(EcsOpsAdapter::new(self.ecs, ctx.clone())),
            Arc::new(EcrOpsAdapter::new(self.ecr, ctx.clone())),
            Arc::new(Ec2OpsAdapter::new(self.ec2, ctx.clone())),
        );
        let ops = match self.ssm {
            Some(ssm) => ops.with_ssm(Arc::new(SsmOpsAdapter::new(ssm, ctx))),
            None => ops,
        };
        (aws, ops)
    }
}

/// Both sides' clients in `region` where only ECS answers, by `rules` (any order,
/// retries off: an error rule is answered once).
pub fn ecs_only(region: &str, rules: &[&Rule]) -> (AwsClients, OpsClients) {
    MockAws {
        ecs: no_retry_client!(aws_sdk_ecs, rules.iter().copied()),
        ..MockAws::in_region(region)
    }
    .clients_and_ops()
}

/// Both sides' clients in `region` where only EC2 answers, by `rules` (any order,
/// retries off: an error rule is answered once).
pub fn ec2_only(region: &str, rules: &[&Rule]) -> (AwsClients, OpsClients) {
    MockAws {
        ec2: no_retry_client!(aws_sdk_ec2, rules.iter().copied()),
        ..MockAws::in_region(region)
    }
    .clients_and_ops()
}

/// Read-side clients in eu-west-1 answered by the `ecs`, `ecr` and `ec2` rules (STS
/// answers nothing).
pub fn clients(ecs: &[&Rule], ecr: &[&Rule], ec2: &[&Rule]) -> AwsClients {
    clients_with_logs(ecs, ecr, ec2, &[])
}

/// Read-side clients in eu-west-1 answered by the `ecs`, `ecr`, `ec2` and CloudWatch Logs
/// rules (STS answers nothing).
pub fn clients_with_logs(
    ecs: &[&Rule],
    ecr: &[&Rule],
    ec2: &[&Rule],
    logs: &[&Rule],
) -> AwsClients {
    let place = MockAws::in_region("eu-west-1");
    let sts = StsAdapter::new(
        mock_client!(aws_sdk_sts, RuleMode::MatchAny, no_rules()),
        place.ctx.clone(),
    );
    MockAws {
        ecs: mock_client!(aws_sdk_ecs, RuleMode::MatchAny, ecs.iter().copied()),
        ecr: mock_client!(aws_sdk_ecr, RuleMode::MatchAny, ecr.iter().copied()),
        ec2: mock_client!(aws_sdk_ec2, RuleMode::MatchAny, ec2.iter().copied()),
        logs: mock_client!(
            aws_sdk_cloudwatchlogs,
            RuleMode::MatchAny,
            logs.iter().copied()
        ),
        sts: Arc::new(sts),
        cloudwatch: no_alarms(),
        ..place
    }
    .clients_and_ops()
    .0
}

/// A CloudWatch client whose DescribeAlarms answers no alarm, however often it is asked
/// (the listings read the place's alarms beside the services).
pub fn no_alarms() -> aws_sdk_cloudwatch::Client {
    let none = aws_smithy_mocks::mock!(aws_sdk_cloudwatch::Client::describe_alarms)
        .sequence()
        .output(|| {
            aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput::builder().build()
        })
        .repeatedly()
        .build();
    mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&none])
}

/// A `Mutator` over `ops` writing its audit log into a temporary directory (kept alive by
/// the caller), with the default actor; the log's path comes back to be read.
pub fn audited(
    ops: OpsClients,
    read_only: Option<ReadOnly>,
) -> (Mutator, tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("audit.log");
    let mutator = Mutator::new(
        ops,
        read_only,
        Arc::new(AuditLog::open(&log).expect("audit log")),
        Actor::default(),
    );
    (mutator, dir, log)
}

/// The first `ok` result line of `action` in the audit log at `log` (fails the test
/// when there is none).
#[track_caller]
pub fn ok_entry(log: &Path, action: &str) -> AuditEntry {
    let entries = read_entries(log).expect("audit");
    entries
        .iter()
        .find(|e| e.action == action && e.result == "ok")
        .cloned()
        .unwrap_or_else(|| panic!("no ok {action} in the audit log: {entries:?}"))
}

/// The actions of the audit log's `ok` result lines at `log`, in order.
pub fn ok_actions(log: &Path) -> Vec<String> {
    read_entries(log)
        .expect("audit")
        .into_iter()
        .filter(|e| e.is_result() && e.result == "ok")
        .map(|e| e.action)
        .collect()
}

pub use crate::runtime::block_on;
