//! `ecsnap cleanup`: orphaned EBS volumes or snapshots, or old per-user ECR images, deleted
//! through the one action flow (`flow::run_action`): one cleanup at a time per account and
//! region (`ops::lock`), plan and DryRun preflight, one confirmation with the count, then
//! per-resource results as they land. Ctrl-C: no new request starts, what is in flight
//! gets `IN_FLIGHT_GRACE`, the report says what landed, exit 130. Over several places
//! (`--snapshots --archive` included): `cleanup/fleet.rs`.

mod fleet;
mod marks;
mod request;

use super::flow::{Ask, run_action};
use super::session::open_session;
use crate::analysis::orphans::OrphanFilter;
use crate::cli::{CleanupArgs, CleanupWhat, GlobalArgs};
use crate::config::Settings;
use crate::error::Result;
use crate::model::ResourceKind;
use request::CleanupRequest;

pub(super) async fn run(args: CleanupArgs, global: &GlobalArgs, settings: Settings) -> Result<i32> {
    let CleanupArgs {
        what,
        min_age,
        unattached_days,
        snapshot_first,
        dry_run,
        yes,
        no_wait,
        mark,
        after,
        marked,
        archive,
    } = args;
    if archive && !what.snapshots {
        return Err(crate::error::Error::Usage(
            "--archive applies to --snapshots (ModifySnapshotTier moves snapshots to the \
             archive tier)"
                .into(),
        ));
    }
    if mark || marked {
        if super::fleet::is_fleet(global, &settings) {
            return Err(crate::error::Error::Usage(
                "--mark and --marked work on one account and region at a time".into(),
            ));
        }
        let target = target_of(what);
        let what = if mark {
            "cleanup --mark"
        } else {
            "cleanup --marked"
        };
        let s = open_session(global, settings, what, dry_run).await?;
        let ask = Ask {
            dry_run,
            yes,
            json: global.json,
        };
        let filter = OrphanFilter::from_days(min_age, unattached_days);
        return if mark {
            let req = marks::MarkRequest {
                target,
                filter,
                after_days: after.unwrap_or(30),
                dry_run,
                no_wait,
            };
            run_action(&s, &req, ask).await
        } else {
            let req = marks::MarkedRequest {
                target,
                dry_run,
                no_wait,
            };
            run_action(&s, &req, ask).await
        };
    }
    let req = CleanupRequest {
        target: target_of(what),
        filter: OrphanFilter::from_days(min_age, unattached_days),
        snapshot_first,
        archive,
        dry_run,
        yes,
        no_wait,
    };
    if super::fleet::is_fleet(global, &settings) {
        return fleet::run(global, settings, req, global.json).await;
    }
    let s = open_session(global, settings, &req.what(), req.dry_run).await?;
    let ask = Ask {
        dry_run,
        yes,
        json: global.json,
    };
    run_action(&s, &req, ask).await
}

fn target_of(what: CleanupWhat) -> ResourceKind {
    if what.volumes {
        ResourceKind::Volume
    } else if what.snapshots {
        ResourceKind::Snapshot
    } else {
        ResourceKind::Image
    }
}
