//! The subcommands: `run` sends each `cli::Command` variant, with its one `Args` struct, to
//! the file of that command, which destructures it once. Listings load through `load/`
//! and print a table or JSON; actions go through the one flow in `flow.rs` (plan → show →
//! dry run → confirm → execute → report) in a `session.rs` session. Everything
//! they write goes through `print_text` / `print_json` (stdout) or `eprintln_escaped!` /
//! `eprint_escaped!` (stderr), which escape what a terminal would act on.

/// `eprintln!` with the text escaped (`model::escape::escape_text`; line breaks kept).
macro_rules! eprintln_escaped {
    ($($arg:tt)*) => {
        $crate::commands::eprint_text(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprint!` with the text escaped (`model::escape::escape_text`; line breaks kept).
macro_rules! eprint_escaped {
    ($($arg:tt)*) => {
        $crate::commands::eprint_text(&format!($($arg)*))
    };
}

mod audit;
mod cleanup;
mod demo;
mod diff;
mod exec;
mod fleet;
mod fleet_service;
mod flow;
mod interrupts;
mod lifecycle;
mod listings;
pub mod logs;
mod port_forward;
mod recover;
mod redeploy;
pub mod report;
mod restore_user;
mod rollback;
mod scale;
mod session;
mod stop_task;
pub mod wait;

use std::io::Write;

use serde::Serialize;

use crate::aws::{AwsClients, ConnectOptions, connect};
use crate::cli::{Cli, Command, GlobalArgs};
use crate::config::{Overrides, Settings};
use crate::error::{Error, Result, exit};
use crate::model::escape::{escape_text, json_safe};

/// Runs a parsed command line; returns the process exit code.
pub async fn run(mut cli: Cli) -> Result<i32> {
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
        Command::Demo(args) => demo::run(args, global, &settings).await,
        Command::Audit(args) => audit::run(&args, global.json),
        Command::Cleanup(args) => Box::pin(cleanup::run(args, global, settings)).await,
        Command::Rollback(args) => Box::pin(rollback::run(args, global, settings)).await,
        Command::Redeploy(args) => Box::pin(redeploy::run(args, global, settings)).await,
        Command::Wait(args) => Box::pin(wait::run(args, global, settings)).await,
        Command::RestoreUser(args) => Box::pin(restore_user::run(args, global, settings)).await,
        Command::Recover(args) => Box::pin(recover::run(args, global, settings)).await,
        Command::Diff(args) => diff::run(args, global).await,
        Command::Lifecycle(args) => Box::pin(lifecycle::run(args, global, settings)).await,
        Command::Logs(args) => logs::run_command(args, global).await,
        Command::Exec(args) => Box::pin(exec::run(args, global, settings)).await,
        Command::PortForward(args) => Box::pin(port_forward::run(args, global, settings)).await,
        Command::Scale(args) => Box::pin(scale::run(args, global, settings)).await,
        Command::StopTask(args) => Box::pin(stop_task::run(args, global, settings)).await,
    }
}

/// The commands that work on one account and region only (refused, exit 2, when the flags
/// or the config name several), by the name their refusal gives; `None`: the command
/// works over several places too, or on none (`demo`, `audit`), or says so itself
/// (`restore-user`). Every command is listed, so a new one must choose.
fn one_place_only(command: &Command) -> Option<&'static str> {
    match command {
        Command::Diff(_) => Some("diff"),
        Command::Lifecycle(_) => Some("lifecycle"),
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
        | Command::Recover(_) => None,
    }
}

/// Opens the console: on the one place the flags name, or on every place of several
/// (each connected as the listings do; a place that fails is listed in the panes).
async fn console(global: &GlobalArgs, settings: Settings) -> Result<i32> {
    if fleet::is_fleet(global, &settings) {
        let (targets, failed) = fleet::connect_places(global, &settings).await;
        if targets.is_empty() {
            // Nothing to show: say why for every place, exit 1.
            return Ok(fleet::finish(0, &failed));
        }
        crate::tui::run_places(targets, failed, settings, &console_options(global)).await?;
        return Ok(exit::OK);
    }
    let (aws, ops) = crate::aws::connect_with_ops(&connect_options(global)).await?;
    crate::tui::run(aws, ops, settings, &console_options(global)).await?;
    Ok(exit::OK)
}

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
    }
}

/// Writes a value as pretty JSON to stdout, ending with a newline. The values are exact;
/// characters a terminal would act on are JSON-escaped (`model::escape::json_safe`).
pub(crate) fn print_json<T: Serialize>(value: &T) -> Result<i32> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::Usage(format!("cannot encode output as JSON: {e}")))?;
    write_stdout(&format!("{}\n", json_safe(&text)))
}

/// Writes text to stdout; a closed pipe (`| head`) is not an error. The last guard: any
/// control or bidi character left in it is escaped (`model::escape::escape_text`), line
/// breaks kept — the fields inside were escaped already, so no row is forged.
pub(crate) fn print_text(text: &str) -> Result<i32> {
    write_stdout(&escape_text(text))
}

/// Text escaped as `print_text` does, to stderr (a note, a warning, an error line).
pub(crate) fn eprint_text(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(escape_text(text).as_bytes());
}

fn write_stdout(text: &str) -> Result<i32> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(exit::OK),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(exit::OK),
        Err(e) => Err(Error::io("writing to stdout", e)),
    }
}
