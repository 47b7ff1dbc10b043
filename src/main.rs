//! The `ecsnap` binary: parse arguments, set up logging to a file, run, map errors to
//! exit codes.

use std::process::ExitCode;
use std::sync::Mutex;

use clap::Parser;
use ecsnap::cli::Cli;
use ecsnap::error::exit;
use ecsnap::model::escape::escape_text;

fn init_logging() {
    let dir = ecsnap::config::state_dir();
    // Private to the user: the state dir 0700, the log 0600 (never widened).
    if ecsnap::ops::audit::ensure_private_dir(&dir).is_err() {
        return;
    }
    let Ok(file) = ecsnap::ops::audit::open_private_append(&dir.join("ecsnap.log")) else {
        return;
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("ECSNAP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("ecsnap=info,warn"));
    let _ = tracing_subscriber::fmt()
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            return ExitCode::from(code as u8);
        }
    };
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::ERROR as u8);
        }
    };
    let code = match runtime.block_on(ecsnap::commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            tracing::error!("{e}");
            // AWS error messages echo user data: shown escaped, never interpreted.
            eprint!("{}", escape_text(&format!("error: {e}\n")));
            e.exit_code()
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
