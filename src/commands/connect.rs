//! How the global flags reach AWS (`connect_options`, `connect_from`) and what they ask of
//! the console (`console_options`).

use crate::aws::{AwsClients, ConnectOptions, connect};
use crate::cli::GlobalArgs;
use crate::error::Result;

pub(crate) async fn connect_from(global: &GlobalArgs) -> Result<AwsClients> {
    connect(&connect_options(global)).await
}

/// How the global flags ask to reach AWS.
pub(crate) fn connect_options(global: &GlobalArgs) -> ConnectOptions {
    ConnectOptions {
        profile: global.profile.clone(),
        region: global.region.clone(),
        endpoint_url: global.endpoint_url.clone(),
        credentials: None,
        cache_task_definitions: !global.no_cache,
        assume_role: None,
        timeouts: crate::aws::Timeouts::from(&global.network),
    }
}

pub(crate) fn console_options(global: &GlobalArgs) -> crate::tui::ConsoleOptions {
    crate::tui::ConsoleOptions {
        profile: global.profile.clone(),
        no_color: global.no_color,
        greeting: None,
    }
}
