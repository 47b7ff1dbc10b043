//! `ecsnap events`: one feed of every service's events (of one cluster or all), newest
//! first, each naming its service; `--since` and `--grep` narrow it. Reads only: the
//! events DescribeServices already returns, so no call beyond the services listing.

use super::print::{print_json, print_text};
use crate::analysis::events::{FeedFilter, feed};
use crate::cli::{EventsArgs, GlobalArgs};
use crate::error::Result;
use crate::load::load_services;
use crate::output::events::{EventJson, events_text};

pub(super) async fn run(args: EventsArgs, global: &GlobalArgs) -> Result<i32> {
    let EventsArgs {
        cluster,
        since,
        grep,
    } = args;
    let aws = super::connect::connect_from(global).await?;
    let now = crate::config::now();
    let filter = FeedFilter {
        since: crate::cli::since_time(since, now),
        grep,
    };
    let services = load_services(&aws, cluster.as_deref()).await?;
    let events = feed(&services, &filter);
    if global.json {
        return print_json(&events.iter().map(EventJson::from).collect::<Vec<_>>());
    }
    print_text(&events_text(&events, now))
}
