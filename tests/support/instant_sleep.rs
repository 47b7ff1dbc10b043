//! Mocked clients that never really wait: [`InstantSleep`], a fake clock whose sleep
//! returns at once and moves the clock forward by the delay (so backoff and the adaptive
//! rate limiter see time pass), remembering every delay asked; [`instant_client!`], a
//! mocked SDK client with ecsnap's retry config on that clock; [`with_nothing_else`], the
//! `AwsClients` of an ECS, ECR and EC2 adapter whose other services answer nothing.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_sdk_ecs::config::{AsyncSleep, Sleep};
use aws_smithy_async::time::TimeSource;
use aws_smithy_mocks::Rule;
use ecsnap::aws::{
    AwsClients, CallContext, CloudWatchAdapter, Ec2Adapter, EcrAdapter, EcsAdapter, ElbAdapter,
    LogsAdapter, RecycleBinAdapter, StsAdapter,
};

/// The region every instant client is in.
pub const REGION: &str = "eu-west-1";

/// A fake clock: sleeping returns at once and moves the clock forward by the delay.
#[derive(Debug, Clone)]
pub struct InstantSleep {
    pub slept: Arc<Mutex<Vec<Duration>>>,
    now: Arc<Mutex<SystemTime>>,
}

impl Default for InstantSleep {
    fn default() -> Self {
        Self {
            slept: Arc::default(),
            now: Arc::new(Mutex::new(
                SystemTime::UNIX_EPOCH + Duration::from_hours(500_000),
            )),
        }
    }
}

impl AsyncSleep for InstantSleep {
    fn sleep(&self, duration: Duration) -> Sleep {
        if let Ok(mut v) = self.slept.lock() {
            v.push(duration);
        }
        if let Ok(mut now) = self.now.lock() {
            *now += duration;
        }
        Sleep::new(std::future::ready(()))
    }
}

impl TimeSource for InstantSleep {
    fn now(&self) -> SystemTime {
        self.now.lock().map_or(SystemTime::UNIX_EPOCH, |n| *n)
    }
}

impl InstantSleep {
    /// How many delays were asked.
    #[allow(
        dead_code,
        reason = "the e2e harness's robustness tests do not count the delays"
    )]
    pub fn count(&self) -> usize {
        self.slept.lock().map(|v| v.len()).unwrap_or_default()
    }
}

/// A mocked SDK client of crate `$krate` answering `$rules` (any order) in [`REGION`],
/// with ecsnap's retry config and `$sleep` (an [`InstantSleep`]) as its sleep and clock.
macro_rules! instant_client {
    ($krate:ident, $sleep:expr, $rules:expr) => {{
        let sleep = $sleep.clone();
        aws_smithy_mocks::mock_client!(
            $krate,
            aws_smithy_mocks::RuleMode::MatchAny,
            $rules,
            move |c| c
                .retry_config(ecsnap::aws::retry_config())
                .region($krate::config::Region::new($crate::instant_sleep::REGION))
                .sleep_impl($krate::config::SharedAsyncSleep::new(sleep.clone()))
                .time_source(sleep.clone())
        )
    }};
}
pub(crate) use instant_client;

/// The clients of these ECS, ECR and EC2 adapters, every other service an instant client
/// that answers nothing, all in `ctx`'s region and endpoint.
pub fn with_nothing_else(
    (ecs, ecr, ec2): (EcsAdapter, EcrAdapter, Ec2Adapter),
    ctx: &CallContext,
) -> AwsClients {
    let sleep = InstantSleep::default();
    let none: [&Rule; 0] = [];
    // An adapter of crate `$krate` whose client answers nothing.
    macro_rules! answering_nothing {
        ($adapter:ident, $krate:ident) => {
            Arc::new($adapter::new(
                instant_client!($krate, sleep, none),
                ctx.clone(),
            ))
        };
    }
    AwsClients {
        ecs: Arc::new(ecs),
        ecr: Arc::new(ecr),
        ec2: Arc::new(ec2),
        sts: answering_nothing!(StsAdapter, aws_sdk_sts),
        logs: answering_nothing!(LogsAdapter, aws_sdk_cloudwatchlogs),
        cloudwatch: answering_nothing!(CloudWatchAdapter, aws_sdk_cloudwatch),
        elb: answering_nothing!(ElbAdapter, aws_sdk_elasticloadbalancingv2),
        rbin: answering_nothing!(RecycleBinAdapter, aws_sdk_rbin),
        region: ctx.region.clone(),
        endpoint: ctx.endpoint.clone(),
        task_definitions: None,
    }
}
