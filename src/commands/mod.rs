//! The subcommands: each loads through `load/`, then prints a table or JSON. Everything
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

pub mod actions;
mod audit;
mod demo;
mod diff;
mod fleet;
mod hands_on;
mod interrupts;
mod listings;
pub mod logs;
mod recover;
pub mod report;

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
    let one_place = |what: &str| -> Result<()> {
        if fleet::is_fleet(&cli.global, &settings) {
            return Err(Error::Usage(format!(
                "{what} works on one account and region for now: give one --profile and one \
                 --region (several, `all` and [fleet] serve the console, the listings, `report`, \
                 `cleanup`, `rollback`, `redeploy` and `wait`)"
            )));
        }
        Ok(())
    };
    let Some(command) = cli.command else {
        return Box::pin(console(&cli.global, settings)).await;
    };
    match command {
        Command::Demo { serve } => demo::run(&cli.global, &settings, serve).await,
        Command::Audit(args) => audit::run(&args, cli.global.json),
        recover @ Command::Recover { .. } => {
            Box::pin(recover::run_command(recover, &cli.global, settings)).await
        }
        Command::Diff {
            cluster,
            service,
            from_revision,
            to_revision,
        } => {
            one_place("diff")?;
            let aws = connect_from(&cli.global).await?;
            diff::run(
                &aws,
                &cluster,
                &service,
                (from_revision, to_revision),
                cli.global.json,
            )
            .await
        }
        // Several places: cleanup, rollback, redeploy and wait (actions::run_fleet).
        action @ (Command::Cleanup { .. }
        | Command::Rollback { .. }
        | Command::Redeploy { .. }
        | Command::RestoreUser { .. }
        | Command::Wait { .. }) => Box::pin(actions::run(action, &cli.global, settings)).await,
        lifecycle @ Command::Lifecycle { .. } => {
            one_place("lifecycle")?;
            Box::pin(actions::run_lifecycle(lifecycle, &cli.global, settings)).await
        }
        Command::Report { markdown } => report::run(markdown, &cli.global, &settings).await,
        Command::Logs {
            cluster,
            service,
            task,
            container,
            since,
            follow,
        } => {
            one_place("logs")?;
            let aws = connect_from(&cli.global).await?;
            let args = logs::LogsArgs {
                cluster,
                service,
                task,
                container,
                since,
                follow,
                json: cli.global.json,
            };
            logs::run(&aws, &args).await
        }
        hands @ (Command::Exec { .. }
        | Command::PortForward { .. }
        | Command::Scale { .. }
        | Command::StopTask { .. }) => {
            one_place("a task action")?;
            Box::pin(hands_on::run(hands, &cli.global, settings)).await
        }
        listing if fleet::is_fleet(&cli.global, &settings) => {
            fleet::run(listing, &cli.global, &settings).await
        }
        listing => {
            let aws = connect_from(&cli.global).await?;
            listings::run(listing, &aws, &settings, cli.global.json).await
        }
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
