//! `rollback --ebs-snapshot … --wait` and `recover --wait`: once the rollout is stable,
//! each new volume's initialization on stderr until it is done (a line whenever one
//! changes), and said plainly first when no initialization rate was set.

use crate::analysis::hydration::NO_RATE_LINE;
use crate::aws::AwsClients;
use crate::cli::RolloutWait;
use crate::model::ClusterService;
use crate::ops::hydration::{HydrationOptions, VolumeHydration, follow_hydration};
use crate::ops::wait::SystemClock;
use crate::output::hydration::HydrationJson;

/// Follows the new volumes of `cluster`/`service`; the JSON entries (empty when the
/// progress could not be read: stderr says why).
pub(super) async fn follow_after_rollout(
    aws: &AwsClients,
    service: &ClusterService,
    rate_mibps: Option<i32>,
    wait: &RolloutWait,
) -> Vec<HydrationJson> {
    if rate_mibps.is_none() {
        eprintln_escaped!("{}: {NO_RATE_LINE}", service.label());
    }
    let clock = SystemClock::default();
    let mut shown: Vec<String> = Vec::new();
    let mut on_look = |looked: &[VolumeHydration]| {
        let lines: Vec<String> = looked.iter().map(VolumeHydration::line).collect();
        if lines != shown {
            for line in &lines {
                eprintln_escaped!("  hydration: {line}");
            }
            shown = lines;
        }
    };
    let opts = HydrationOptions {
        timeout: wait.timeout,
        interval: wait.interval,
    };
    let target = (service.cluster.as_str(), service.name.as_str());
    match follow_hydration(aws, &clock, target, opts, &mut on_look).await {
        Ok(outcome) => {
            if let Some(note) = &outcome.note {
                eprintln_escaped!("  hydration: {note}");
            }
            if outcome.timed_out {
                eprintln_escaped!(
                    "  hydration: still initializing after {}s; reads stay slow until it is done",
                    wait.timeout.as_secs()
                );
            }
            HydrationJson::list(&outcome)
        }
        Err(e) => {
            eprintln_escaped!("  hydration: the new volumes could not be read: {e}");
            Vec::new()
        }
    }
}
