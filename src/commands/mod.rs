//! The subcommands: `run` sends each `cli::Command` variant, with its one `Args` struct, to
//! the file of that command, which destructures it once. Listings load through `load/`
//! and print a table or JSON; actions go through the one flow in `flow.rs` (plan → show →
//! dry run → confirm → execute → report) in a `session.rs` session. Everything
//! they write goes through `print_text` / `print_json` (stdout) or `eprintln_escaped!` /
//! `eprint_escaped!` (stderr), which escape what a terminal would act on.

#[macro_use]
mod print;

mod audit;
mod cleanup;
mod connect;
mod demo;
mod deployment_action;
mod deployments;
mod diff;
mod events;
mod exec;
mod fleet;
mod fleet_service;
mod flow;
mod hydration;
mod interrupts;
mod lifecycle;
mod listings;
pub mod logs;
mod metrics;
mod port_forward;
mod recover;
mod redeploy;
pub mod report;
mod restore_image;
mod restore_snapshot;
mod restore_user;
mod rollback;
mod scale;
mod session;
mod stop_task;
pub mod terminal;
pub mod wait;

use crate::cli::{Cli, Command, GlobalArgs};
use crate::config::{Overrides, Settings};
use crate::error::{Error, Result, exit};

use connect::{connect_options, console_options};
use flow::run_in_session;

/// Runs a parsed command line; returns the process exit code.
pub async fn run(mut cli: Cli) -> Result<i32> {
    // Completions and the man page need no config and no AWS: a broken config file must
    // not stop the shell from loading its completions.
    match &cli.command {
        Some(Command::Completions(args)) => return terminal::completions(args.shell),
        Some(Command::Man) => return terminal::man(),
        Some(Command::Names(args)) => return terminal::names(args),
        _ => {}
    }
    let settings = Settings::load(&Overrides {
        config: cli.global.config.clone(),
        profile: cli.global.profile.clone(),
        read_only: cli.global.read_only,
    })?;
    crate::cli::check_endpoint_env(cli.global.endpoint_url.as_deref())?;
    cli.global.network = settings.network;
    let Some(command) = cli.command else {
        return Box::pin(console(&cli.global, settings)).await;
    };
    let global = &cli.global;
    if let Some(what) = one_place_only(&command)
        && fleet::is_fleet(global, &settings)
    {
        return Err(Error::Usage(format!(
            "{what} works on one account and region for now: give one --profile and one \
             --region (several, `all` and [fleet] serve the console, the listings, `report`, \
             `cleanup`, `rollback`, `redeploy` and `wait`)"
        )));
    }
    match command {
        Command::Services(args) => listings::services(args, global, &settings).await,
        Command::Tasks(args) => listings::tasks(args, global, &settings).await,
        Command::Snapshots(args) => listings::snapshots(args, global, &settings).await,
        Command::Orphans(args) => listings::orphans(args, global, &settings).await,
        Command::Report(args) => report::run(args, global, &settings).await,
        Command::Demo(args) => Box::pin(demo::run(args, global, &settings)).await,
        Command::Audit(args) => audit::run(&args, global.json),
        Command::Cleanup(args) => Box::pin(cleanup::run(args, global, settings)).await,
        Command::Rollback(args) => Box::pin(rollback::run(args, global, settings)).await,
        Command::Redeploy(args) => Box::pin(redeploy::run(args, global, settings)).await,
        Command::Wait(args) => Box::pin(wait::run(args, global, settings)).await,
        Command::RestoreUser(args) => Box::pin(restore_user::run(args, global, settings)).await,
        Command::Recover(args) => {
            run_in_session(global, settings, "recover", &args, args.confirm).await
        }
        Command::Diff(args) => diff::run(args, global).await,
        Command::Lifecycle(args) => Box::pin(lifecycle::run(args, global, settings)).await,
        Command::Logs(args) => logs::run_command(args, global).await,
        Command::Exec(args) => Box::pin(exec::run(args, global, settings)).await,
        Command::PortForward(args) => Box::pin(port_forward::run(args, global, settings)).await,
        Command::Scale(args) => {
            run_in_session(global, settings, "scale", &args, args.confirm).await
        }
        Command::StopTask(args) => {
            run_in_session(global, settings, "stop-task", &args, args.confirm).await
        }
        Command::Deployments(args) => deployments::run(args, global).await,
        Command::Events(args) => events::run(args, global).await,
        Command::Metrics(args) => metrics::run(args, global).await,
        Command::Continue(args) => {
            run_in_session(global, settings, "continue", &args, args.confirm).await
        }
        Command::RestoreSnapshot(args) => {
            Box::pin(restore_snapshot::run(args, global, settings)).await
        }
        Command::RestoreImage(args) => Box::pin(restore_image::run(args, global, settings)).await,
        Command::Completions(args) => terminal::completions(args.shell),
        Command::Man => terminal::man(),
        Command::Names(args) => terminal::names(&args),
    }
}

/// The commands that work on one account and region only (refused, exit 2, when the flags
/// or the config name several), by the name their refusal gives; `None`: the command
/// works over several places too, or on none (`demo`, `audit`), or says so itself
/// (`restore-user`). Every command is listed, so a new one must choose.
fn one_place_only(command: &Command) -> Option<&'static str> {
    match command {
        Command::Diff(_) => Some("diff"),
        Command::RestoreSnapshot(_) => Some("restore-snapshot"),
        Command::RestoreImage(_) => Some("restore-image"),
        Command::Lifecycle(_) => Some("lifecycle"),
        Command::Deployments(_) => Some("deployments"),
        Command::Events(_) => Some("events"),
        Command::Metrics(_) => Some("metrics"),
        Command::Continue(_) => Some("continue"),
        Command::Logs(_) => Some("logs"),
        Command::Exec(_) | Command::PortForward(_) | Command::Scale(_) | Command::StopTask(_) => {
            Some("a task action")
        }
        Command::Services(_)
        | Command::Tasks(_)
        | Command::Snapshots(_)
        | Command::Orphans(_)
        | Command::Report(_)
        | Command::Demo(_)
        | Command::Audit(_)
        | Command::Cleanup(_)
        | Command::Rollback(_)
        | Command::Redeploy(_)
        | Command::Wait(_)
        | Command::RestoreUser(_)
        | Command::Recover(_)
        | Command::Completions(_)
        | Command::Man
        | Command::Names(_) => None,
    }
}

/// Opens the console: on the one place the flags name, or on every place of several
/// (each connected as the listings do; a place that fails is listed in the panes).
async fn console(global: &GlobalArgs, settings: Settings) -> Result<i32> {
    if fleet::is_fleet(global, &settings) {
        // The console opens as soon as one account has places to show; the others' join
        // as each answers. When none can be reached it does not open: each place is
        // named, exit 1.
        let (mut connecting, accounts) = fleet::connect_places_streamed(global, &settings);
        let first = match fleet::first_places(&mut connecting).await {
            Ok(first) => first,
            Err(failed) => return Ok(fleet::finish(0, &failed)),
        };
        // Boxed: the console's state is large for a future on the stack.
        Box::pin(crate::tui::run_places(
            (first, connecting),
            accounts,
            global.endpoint_url.clone(),
            settings,
            &console_options(global),
        ))
        .await?;
        return Ok(exit::OK);
    }
    let (aws, ops) = crate::aws::connect_with_ops(&connect_options(global)).await?;
    Box::pin(crate::tui::run(
        aws,
        ops,
        settings,
        &console_options(global),
    ))
    .await?;
    Ok(exit::OK)
}
