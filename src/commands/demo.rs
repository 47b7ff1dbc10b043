//! `ecsnap demo`: start the local emulator (with its rollout dynamics unless
//! `ECSNAP_DEMO_DYNAMICS=off`), seed the demo fleet, the failing `checkout` rollout and the
//! `gateway` canary deployment paused at a lifecycle hook, the load-balanced `storefront` with
//! one unhealthy target, and
//! open the console on it (or, when stdin/stdout are not terminals, print the listings); the
//! emulator is stopped on exit and on Ctrl-C.

use super::listings::{orphans_text, services_table, snapshots_text};
use super::print::print_text;
use crate::analysis::orphans::{OrphanFilter, OrphanSort};
use crate::aws::{AwsClients, ConnectOptions, connect_with_ops};
use crate::cli::{DemoArgs, GlobalArgs};
use crate::config::{Settings, now};
use crate::demo::ages::{backdate, backdate_route_cache};
use crate::demo::balanced::{self, report_unhealthy, seed_balanced_service};
use crate::demo::canary::{self, seed_paused_canary};
use crate::demo::failing::{CLUSTER, SERVICE, seed_failing_rollout};
use crate::demo::fleet::{REGION, emulator_credentials};
use crate::demo::{Dynamics, Emulator, seed};
use crate::error::{Error, Result, exit};
use crate::load;

pub(super) async fn run(args: DemoArgs, global: &GlobalArgs, settings: &Settings) -> Result<i32> {
    use std::io::IsTerminal;
    let DemoArgs { serve } = args;
    let console = !serve && std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    eprintln_escaped!("ecsnap demo: starting a local AWS emulator (moto) on 127.0.0.1…");
    let dynamics = Dynamics::from_env()?;
    let moving = dynamics.is_some();
    let emulator = tokio::task::spawn_blocking(move || {
        Emulator::start_with(
            &Emulator::default_venv(),
            &mut |m: &str| eprintln_escaped!("{m}"),
            dynamics.as_ref(),
        )
    })
    .await
    .map_err(|e| Error::Emulator(format!("start-up task failed: {e}")))??;
    let work = async {
        emulator.pin_task_status()?;
        eprintln_escaped!(
            "ecsnap demo: seeding the demo fleet at {}…",
            emulator.endpoint()
        );
        let fleet = seed(&emulator.endpoint()).await?;
        let balanced = seed_balanced_service(&emulator.endpoint()).await?;
        seed_decoration(&emulator.endpoint(), &fleet.services, &balanced).await;
        let mut greeting = None;
        if moving {
            // Only with the dynamics: on plain moto the rollout would never move, and only
            // the helper can set realistic ages (moto stamps everything "now").
            let rollout = seed_failing_rollout(&emulator.endpoint()).await?;
            backdate(&emulator, &fleet, Some(&rollout))?;
            // Only the helper can say a target is unhealthy (moto reads them all healthy).
            report_unhealthy(&emulator, &balanced)?;
            // The ledger's nightly snapshot seeds the gateway's managed EBS volume.
            let snapshot = fleet
                .live_volume_snapshots
                .first()
                .cloned()
                .unwrap_or_default();
            let canary = seed_paused_canary(&emulator.endpoint(), &snapshot).await?;
            // Seeded after the fleet's times were set: a day old too, not "now".
            backdate_route_cache(&emulator, &fleet, &canary.route_cache)?;
            let story = story(crate::model::arn_name(rollout.bad()));
            eprintln_escaped!("ecsnap demo: {story}");
            greeting = Some(story);
        }
        let (aws, ops) = connect_with_ops(&ConnectOptions {
            profile: None,
            region: Some(REGION.into()),
            endpoint_url: Some(emulator.endpoint()),
            credentials: Some(emulator_credentials()),
            // A fresh emulator each run: its ARNs mean nothing to the next one.
            cache_task_definitions: false,
            assume_role: None,
            timeouts: crate::aws::Timeouts::from(&settings.network),
        })
        .await?;
        if console {
            // The emulator is dropped (and stopped) when this returns.
            // Boxed: the console's state is large for a future on the stack.
            Box::pin(crate::tui::run(
                aws,
                ops,
                settings.clone(),
                &crate::tui::ConsoleOptions {
                    greeting,
                    ..super::connect::console_options(global)
                },
            ))
            .await?;
            return Ok(exit::OK);
        }
        show(&aws, settings).await?;
        if serve {
            eprintln_escaped!(
                "\nThe emulator keeps running until Ctrl-C. Point ecsnap at it from another shell:\n  \
                 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test ecsnap --region {REGION} \
                 --endpoint-url {} services",
                emulator.endpoint()
            );
            std::future::pending::<()>().await;
        }
        Ok::<_, Error>(exit::OK)
    };
    tokio::select! {
        result = work => result,
        _ = tokio::signal::ctrl_c() => {
            eprintln_escaped!("\necsnap demo: stopping the emulator");
            Ok(exit::OK)
        }
    }
}

/// The metrics (services' and the storefront's tasks'), and the alarms: decoration, so a
/// failed put leaves the sparklines empty, not the demo.
async fn seed_decoration(
    endpoint: &str,
    services: &[(String, String)],
    balanced: &crate::demo::balanced::BalancedService,
) {
    let mut measured = services.to_vec();
    measured.push((balanced::CLUSTER.into(), balanced::SERVICE.into()));
    if let Err(e) = crate::demo::metrics::seed_metrics(endpoint, &measured, now()).await {
        tracing::warn!("demo metrics not seeded: {e}");
        eprintln_escaped!("ecsnap demo: no metrics for the sparklines ({e})");
    }
    let storefront: Vec<String> = balanced
        .tasks
        .iter()
        .map(|(arn, _)| crate::model::arn_name(arn).to_string())
        .collect();
    if let Err(e) = crate::demo::metrics::seed_task_metrics(
        endpoint,
        (balanced::CLUSTER, balanced::SERVICE),
        &storefront,
        now(),
    )
    .await
    {
        tracing::warn!("demo task metrics not seeded: {e}");
    }
    if let Err(e) = crate::demo::metrics::seed_alarms(endpoint).await {
        tracing::warn!("demo alarms not seeded: {e}");
        eprintln_escaped!("ecsnap demo: no alarms ({e})");
    }
}

async fn show(aws: &AwsClients, settings: &Settings) -> Result<()> {
    let services = load::load_services(aws, None).await?;
    let groups = load::load_snapshot_groups(aws, settings, None, None).await?;
    let orphans = load::load_orphans(aws, settings, None, OrphanFilter::default(), now())
        .await?
        .sorted(OrphanSort::Cost);
    print_text(&format!(
        "== Services ==\n{}\n== Snapshots ==\n{}== Orphans ==\n{}",
        services_table(&services),
        snapshots_text(&groups),
        orphans_text(&orphans)
    ))?;
    Ok(())
}

/// The demo's 3am story in one line: printed before the console opens and shown on its
/// status line until the first key, where the user is looking.
fn story(bad_revision: &str) -> String {
    format!(
        "{CLUSTER}/{SERVICE}: {bad_revision} will fail; R then rolls it back · {}/{}: a \
         canary waits for you",
        canary::CLUSTER,
        canary::SERVICE,
    )
}
