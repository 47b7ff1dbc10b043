//! Builds the SDK clients from the standard AWS chain (env, profiles, SSO, assume-role)
//! plus `--profile`, `--region` and `--endpoint-url`.

use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};

use super::api::{AwsClients, OpsClients};
use super::classify::CallContext;
use super::cloudwatch::CloudWatchAdapter;
use super::ec2::Ec2Adapter;
use super::ec2_ops::Ec2OpsAdapter;
use super::ecr::EcrAdapter;
use super::ecr_ops::EcrOpsAdapter;
use super::ecs::EcsAdapter;
use super::ecs_ops::EcsOpsAdapter;
use super::elb::ElbAdapter;
use super::logs::LogsAdapter;
use super::rbin::RecycleBinAdapter;
use super::ssm_ops::SsmOpsAdapter;
use super::sts::StsAdapter;
use crate::cache::TaskDefinitionCache;
use crate::config::NetworkSettings;
use crate::error::{AwsError, AwsErrorKind, Error, Result};

#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// Fixed credentials instead of the default chain (the local emulator's fake ones).
    pub credentials: Option<aws_sdk_ecs::config::Credentials>,
    /// Keep task-definition images in the on-disk cache (`crate::cache`). Only honoured
    /// against real AWS: with an endpoint override (an emulator) the cache stays off.
    pub cache_task_definitions: bool,
    /// Act as this role (STS AssumeRole with the credentials the rest resolves to).
    pub assume_role: Option<AssumeRole>,
    /// When to give up on a silent endpoint (`[network]` in the config).
    pub timeouts: Timeouts,
}

/// When a call gives up on an endpoint that does not answer (`[network]` in the config,
/// docs/errors.md): `connect` to open the connection, `read` for the answer of one
/// attempt, `operation` for the whole call with its retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub read: Duration,
    pub operation: Duration,
}

impl Timeouts {
    /// One attempt: connecting, then waiting for the answer.
    pub fn attempt(&self) -> Duration {
        self.connect + self.read
    }
}

impl From<&NetworkSettings> for Timeouts {
    fn from(n: &NetworkSettings) -> Self {
        Self {
            connect: Duration::from_secs(n.connect_timeout_secs),
            read: Duration::from_secs(n.read_timeout_secs),
            operation: Duration::from_secs(n.operation_timeout_secs),
        }
    }
}

/// A hung endpoint is given up within 30 s a call, retries included.
impl Default for Timeouts {
    fn default() -> Self {
        Self::from(&NetworkSettings::default())
    }
}

/// A role to assume for one account of the fleet (`[fleet] accounts` in the config).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssumeRole {
    pub role_arn: String,
    pub external_id: Option<String>,
    /// Default: `ecsnap`.
    pub session_name: Option<String>,
}

/// Adaptive retries: throttling slows the client down instead of failing the load.
pub fn retry_config() -> RetryConfig {
    RetryConfig::adaptive()
        .with_max_attempts(5)
        .with_initial_backoff(Duration::from_millis(200))
        .with_max_backoff(Duration::from_secs(10))
}

/// Retries for mutations: a few, so a throttled or failing bulk action stops soon and
/// reports per resource instead of hammering the API.
pub fn mutation_retry_config() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(500))
        .with_max_backoff(Duration::from_secs(5))
}

/// The SDK's timeouts from ecsnap's: an attempt may take a connect and a read; the
/// whole call, retries included, never longer than `operation` (nor shorter than one
/// attempt).
fn timeout_config(t: &Timeouts) -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(t.connect)
        .read_timeout(t.read)
        .operation_attempt_timeout(t.attempt())
        .operation_timeout(t.operation.max(t.attempt()))
        .build()
}

/// The on-disk task-definition cache, when asked for and talking to real AWS.
fn task_definition_cache(
    opts: &ConnectOptions,
    endpoint: Option<&str>,
) -> Option<Arc<TaskDefinitionCache>> {
    if !opts.cache_task_definitions || endpoint.is_some() {
        return None;
    }
    let path = TaskDefinitionCache::default_path()?;
    Some(Arc::new(TaskDefinitionCache::open(
        path,
        crate::config::now(),
    )))
}

/// The SDK configuration the options ask for: profile, region, endpoint, fixed
/// credentials, and with `assume_role` credentials from STS AssumeRole made with those.
pub(super) async fn sdk_config(opts: &ConnectOptions) -> aws_config::SdkConfig {
    let loader = || {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(super::budget::place_http_client())
            .retry_config(retry_config())
            .timeout_config(timeout_config(&opts.timeouts));
        if let Some(profile) = &opts.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(region) = &opts.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(url) = &opts.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some(creds) = &opts.credentials {
            loader = loader.credentials_provider(creds.clone());
        }
        loader
    };
    let Some(role) = &opts.assume_role else {
        return loader().load().await;
    };
    let base = loader().load().await;
    let mut provider = aws_config::sts::AssumeRoleProvider::builder(role.role_arn.clone())
        .session_name(role.session_name.clone().unwrap_or_else(|| "ecsnap".into()))
        .configure(&base);
    if let Some(id) = &role.external_id {
        provider = provider.external_id(id.clone());
    }
    let held = HeldRoleCredentials {
        inner: provider.build().await,
        held: tokio::sync::Mutex::new(None),
    };
    loader().credentials_provider(held).load().await
}

/// An assumed role's credentials, asked of STS once and kept until they are about to
/// expire (then asked again). The SDK clients resolve credentials on their own; with this
/// the first of them to ask waits for the one AssumeRole and the rest take its answer —
/// and the fleet reads the account id from that same answer (`AssumedRoleUser.Arn`, which
/// the SDK keeps as the credentials' account id) instead of asking GetCallerIdentity.
#[derive(Debug)]
struct HeldRoleCredentials {
    inner: aws_config::sts::AssumeRoleProvider,
    held: tokio::sync::Mutex<Option<aws_credential_types::Credentials>>,
}

/// Credentials this close to their expiry are renewed before use.
const RENEW_BEFORE_EXPIRY: Duration = Duration::from_mins(5);

impl aws_credential_types::provider::ProvideCredentials for HeldRoleCredentials {
    fn provide_credentials<'a>(
        &'a self,
    ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideCredentials::new(async move {
            // Held across the call: concurrent first requests make one AssumeRole.
            let mut held = self.held.lock().await;
            let fresh = |c: &aws_credential_types::Credentials| {
                c.expiry().is_none_or(|at| {
                    at.duration_since(std::time::SystemTime::now())
                        .is_ok_and(|left| left > RENEW_BEFORE_EXPIRY)
                })
            };
            if let Some(c) = held.as_ref().filter(|c| fresh(c)) {
                return Ok(c.clone());
            }
            let c = self.inner.provide_credentials().await?;
            *held = Some(c.clone());
            Ok(c)
        })
    }
}

/// The account and ARN of the role `conf`'s credentials assume, from AssumeRole's own
/// answer (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`): no GetCallerIdentity.
pub(super) async fn assumed_identity(
    conf: &aws_config::SdkConfig,
    role: &AssumeRole,
) -> std::result::Result<crate::model::CallerIdentity, String> {
    use aws_credential_types::provider::ProvideCredentials;
    let refused = |why: String| {
        format!(
            "the role {} could not be assumed (sts:AssumeRole): {why}",
            role.role_arn
        )
    };
    let provider = conf
        .credentials_provider()
        .ok_or_else(|| refused("no credentials to assume it with".into()))?;
    let creds = provider.provide_credentials().await.map_err(|e| {
        refused(
            aws_sdk_sts::error::DisplayErrorContext(&e)
                .to_string()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        )
    })?;
    let account = creds
        .account_id()
        .map(|a| a.as_str().to_string())
        .ok_or_else(|| refused("its answer named no account".into()))?;
    Ok(crate::model::CallerIdentity {
        arn: assumed_role_arn(&role.role_arn, &account, role.session_name.as_deref()),
        account,
    })
}

/// `arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION`, what AssumeRole answers as the
/// assumed role user for `role_arn` (`arn:PARTITION:iam::ACCOUNT:role/PATH/ROLE`).
fn assumed_role_arn(role_arn: &str, account: &str, session: Option<&str>) -> String {
    let partition = role_arn.split(':').nth(1).unwrap_or("aws");
    let role = role_arn.rsplit('/').next().unwrap_or(role_arn);
    let session = session.unwrap_or("ecsnap");
    format!("arn:{partition}:sts::{account}:assumed-role/{role}/{session}")
}

/// Resolves credentials and region once and builds every read adapter.
pub async fn connect(opts: &ConnectOptions) -> Result<AwsClients> {
    Ok(connect_with_ops(opts).await?.0)
}

/// Like `connect`, plus the action adapters (for `ops::guard::Mutator`), which share the
/// credentials and region but retry less.
pub async fn connect_with_ops(opts: &ConnectOptions) -> Result<(AwsClients, OpsClients)> {
    check_profile_files(opts).await?;
    clients_from(&sdk_config(opts).await, opts)
}

/// Reads the AWS profile files as the SDK will, so that what goes wrong there is said as
/// itself instead of as its consequence ("no AWS region is set", "no AWS credentials"):
/// a syntax error names the file and the line; a `--profile` that is in neither file names
/// both files and the profiles they have. A syntax error is only tolerated (logged) when
/// nothing needs the files: no profile named, the region and the keys in the environment.
pub async fn check_profile_files(opts: &ConnectOptions) -> Result<()> {
    let (config, credentials) = super::credentials::aws_profile_paths();
    #[allow(
        clippy::default_trait_access,
        reason = "the default `ProfileFiles`, whose type lives in a crate ecsnap does not name"
    )]
    let loaded = aws_config::profile::load(
        &aws_types::os_shim_internal::Fs::real(),
        &aws_types::os_shim_internal::Env::real(),
        &Default::default(),
        None,
    )
    .await;
    let set = match loaded {
        Ok(set) => set,
        Err(e) => {
            // The parse error (its file and line) or the read error is the source.
            let cause = std::error::Error::source(&e).map(ToString::to_string);
            let text = match cause {
                Some(c) if e.to_string().starts_with("could not parse") => c,
                Some(c) => format!("{e}: {c}"),
                None => e.to_string(),
            };
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let path = if text.contains(&credentials) {
                credentials.clone()
            } else {
                config.clone()
            };
            let why = format!(
                "{text} — the AWS SDK reads no profile, region or keys from it until that is fixed"
            );
            let env = |v: &str| std::env::var(v).is_ok_and(|x| !x.is_empty());
            let region_elsewhere =
                opts.region.is_some() || env("AWS_REGION") || env("AWS_DEFAULT_REGION");
            let keys_elsewhere = opts.credentials.is_some() || env("AWS_ACCESS_KEY_ID");
            if opts.profile.is_none() && region_elsewhere && keys_elsewhere {
                tracing::warn!("AWS profile files unreadable, not needed for this run: {why}");
                return Ok(());
            }
            return Err(Error::Config {
                path: path.into(),
                message: why,
            });
        }
    };
    let Some(wanted) = opts.profile.as_deref() else {
        return Ok(());
    };
    if set.get_profile(wanted).is_some() {
        return Ok(());
    }
    let mut names: Vec<&str> = set.profiles().collect();
    names.sort_unstable();
    let close = names
        .iter()
        .map(|n| {
            (
                strsim::damerau_levenshtein(&n.to_lowercase(), &wanted.to_lowercase()),
                *n,
            )
        })
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, n)| format!(" Did you mean `{n}`?"))
        .unwrap_or_default();
    let known = if names.is_empty() {
        "they define no profiles".to_string()
    } else {
        format!("the profiles there: {}", names.join(", "))
    };
    Err(Error::Config {
        path: config.clone().into(),
        message: format!(
            "the profile `{wanted}` is not in {config} or {credentials} ({known}).{close} Pass \
             one of those with --profile, or add it with `aws configure --profile {wanted}` \
             (or `aws configure sso`)"
        ),
    })
}

/// A retry partition of one place's client of `service`, its own. The SDK keeps the
/// adaptive retries' rate limiter and the retry token bucket per partition, process-wide,
/// and names the default one by service and region: every account's ECS client in
/// us-east-1 would share one, and one throttled account would slow (and drain the retry
/// tokens of) every other account there. AWS throttles each account in each region on its
/// own; with a partition per client, a throttled place slows down alone.
pub fn place_retry_partition(
    service: &str,
    region: &str,
) -> aws_sdk_ecs::config::retry::RetryPartition {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    aws_sdk_ecs::config::retry::RetryPartition::new(format!("{service}-{region}-{n}"))
}

/// Every adapter over one resolved SDK configuration (its region and credentials).
pub(super) fn clients_from(
    conf: &aws_config::SdkConfig,
    opts: &ConnectOptions,
) -> Result<(AwsClients, OpsClients)> {
    // One place, one set of clients: their requests share the place's bound (and the
    // process-wide budget); its adaptive retries slow this place alone when throttled.
    let conf = &conf
        .to_builder()
        .http_client(super::budget::place_http_client())
        .build();
    let Some(region) = conf.region().map(ToString::to_string) else {
        return Err(AwsError {
            action: "config",
            region: String::new(),
            endpoint: opts.endpoint_url.clone(),
            kind: AwsErrorKind::NoRegion,
            code: None,
            message: String::new(),
        }
        .into());
    };
    let ctx = CallContext {
        region: region.clone(),
        endpoint: conf.endpoint_url().map(str::to_string),
        profile: opts
            .profile
            .clone()
            .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty())),
    };
    // Each SDK has its own client and config builder types: macros, not functions.
    macro_rules! read_client {
        ($sdk:ident, $name:literal) => {
            $sdk::Client::from_conf(
                $sdk::config::Builder::from(conf)
                    .retry_partition(place_retry_partition($name, &region))
                    .build(),
            )
        };
    }
    macro_rules! read_adapter {
        ($adapter:ident, $sdk:ident, $name:literal) => {
            Arc::new($adapter::new(read_client!($sdk, $name), ctx.clone()))
        };
    }
    macro_rules! mutation_client {
        ($sdk:ident) => {
            $sdk::Client::from_conf(
                $sdk::config::Builder::from(conf)
                    .retry_config(mutation_retry_config())
                    .retry_partition(place_retry_partition(stringify!($sdk), &region))
                    .build(),
            )
        };
    }
    let ops = OpsClients::new(
        Arc::new(EcsOpsAdapter::new(
            mutation_client!(aws_sdk_ecs),
            ctx.clone(),
        )),
        Arc::new(EcrOpsAdapter::new(
            mutation_client!(aws_sdk_ecr),
            ctx.clone(),
        )),
        Arc::new(Ec2OpsAdapter::new(
            mutation_client!(aws_sdk_ec2),
            ctx.clone(),
        )),
    )
    .with_ssm(Arc::new(SsmOpsAdapter::new(
        mutation_client!(aws_sdk_ssm),
        ctx.clone(),
    )))
    .with_role_credentials(
        opts.assume_role
            .as_ref()
            .and_then(|_| conf.credentials_provider()),
    );
    let clients = AwsClients {
        ecs: read_adapter!(EcsAdapter, aws_sdk_ecs, "ecs"),
        ecr: read_adapter!(EcrAdapter, aws_sdk_ecr, "ecr"),
        ec2: read_adapter!(Ec2Adapter, aws_sdk_ec2, "ec2"),
        sts: read_adapter!(StsAdapter, aws_sdk_sts, "sts"),
        logs: read_adapter!(LogsAdapter, aws_sdk_cloudwatchlogs, "logs"),
        cloudwatch: read_adapter!(CloudWatchAdapter, aws_sdk_cloudwatch, "cloudwatch"),
        elb: read_adapter!(ElbAdapter, aws_sdk_elasticloadbalancingv2, "elb"),
        rbin: read_adapter!(RecycleBinAdapter, aws_sdk_rbin, "rbin"),
        task_definitions: task_definition_cache(opts, ctx.endpoint.as_deref()),
        region,
        endpoint: ctx.endpoint,
    };
    Ok((clients, ops))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_silent_endpoint_is_given_up_within_the_operation_timeout() {
        let t = Timeouts::default();
        let c = timeout_config(&t);
        assert_eq!(c.connect_timeout(), Some(Duration::from_secs(5)));
        assert_eq!(c.read_timeout(), Some(Duration::from_secs(20)));
        assert_eq!(c.operation_attempt_timeout(), Some(Duration::from_secs(25)));
        assert_eq!(c.operation_timeout(), Some(Duration::from_secs(30)));
        // Never shorter than one attempt, whatever the config says.
        let short = Timeouts {
            connect: Duration::from_secs(2),
            read: Duration::from_secs(3),
            operation: Duration::from_secs(1),
        };
        assert_eq!(
            timeout_config(&short).operation_timeout(),
            Some(Duration::from_secs(5))
        );
    }

    #[test]
    fn an_assumed_role_is_named_as_assume_role_answers_it() {
        assert_eq!(
            assumed_role_arn(
                "arn:aws:iam::111122223333:role/ops/ecsnap-read",
                "111122223333",
                None
            ),
            "arn:aws:sts::111122223333:assumed-role/ecsnap-read/ecsnap"
        );
        assert_eq!(
            assumed_role_arn(
                "arn:aws-cn:iam::444455556666:role/reader",
                "444455556666",
                Some("weekly")
            ),
            "arn:aws-cn:sts::444455556666:assumed-role/reader/weekly"
        );
    }

    #[test]
    fn the_task_definition_cache_is_only_used_against_real_aws() {
        let on = ConnectOptions {
            cache_task_definitions: true,
            ..ConnectOptions::default()
        };
        let off = ConnectOptions::default();
        // Against an emulator ARNs repeat between servers: never cached.
        assert!(task_definition_cache(&on, Some("http://127.0.0.1:5000")).is_none());
        assert!(task_definition_cache(&off, None).is_none());
        // Real AWS: on whenever there is somewhere to keep it.
        assert_eq!(
            task_definition_cache(&on, None).is_some(),
            TaskDefinitionCache::default_path().is_some()
        );
    }
}
