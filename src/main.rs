//! The `ecsnap` binary: parse arguments, set up logging to a file, run, map errors to
//! exit codes. A panic anywhere (the console's worker tasks included) restores the
//! terminal, is logged with its backtrace and exits with `exit::PANIC` (101).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;

use clap::Parser;
use ecsnap::cli::Cli;
use ecsnap::error::exit;
use ecsnap::model::escape::escape_text;

/// Logs to `ecsnap.log` in the state dir; returns its path, `None` when it cannot be opened.
fn init_logging() -> Option<PathBuf> {
    let dir = ecsnap::config::state_dir();
    // Private to the user: the state dir 0700, the log 0600 (never widened).
    ecsnap::ops::audit::ensure_private_dir(&dir).ok()?;
    let path = dir.join("ecsnap.log");
    let file = ecsnap::ops::audit::open_private_append(&path).ok()?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("ECSNAP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("ecsnap=info,warn"));
    tracing_subscriber::fmt()
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(path)
}

/// On a panic on any thread: the terminal back (if the console has it), the message,
/// place and backtrace to the log, one line on stderr naming the log, and exit 101 — a
/// panic in a tokio task would otherwise be swallowed and leave the panes loading forever.
fn install_panic_hook(log: Option<PathBuf>) {
    std::panic::set_hook(Box::new(move |info| {
        ecsnap::tui::restore_terminal_if_owned();
        // A panic's message may carry AWS data: shown escaped, like every error.
        let message = escape_text(info.payload_as_str().unwrap_or("(no message)"));
        let location = info
            .location()
            .map_or_else(|| "an unknown place".to_string(), ToString::to_string);
        let thread = std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .to_string();
        let backtrace = std::backtrace::Backtrace::force_capture();
        let mut stderr = std::io::stderr().lock();
        if let Some(log) = &log {
            tracing::error!(
                "panic on thread {thread} at {location}: {message}\nbacktrace:\n{backtrace}"
            );
            let _ = writeln!(
                stderr,
                "error: ecsnap crashed (a bug): {message} at {location}. The backtrace is in {}; \
                 please report it.",
                log.display()
            );
        } else {
            let _ = writeln!(
                stderr,
                "error: ecsnap crashed (a bug): {message} at {location} (thread {thread}); \
                 please report it.\nbacktrace:\n{backtrace}"
            );
        }
        let _ = stderr.flush();
        std::process::exit(exit::PANIC);
    }));
}

/// Writes to stderr, ignoring a closed one (after a hang-up `eprintln!` would panic).
fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
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
    let log = init_logging();
    install_panic_hook(log);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            say(&format!("error: cannot start the async runtime: {e}"));
            return ExitCode::from(exit::ERROR as u8);
        }
    };
    let code = match runtime.block_on(ecsnap::commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            tracing::error!("{e}");
            // AWS error messages echo user data: shown escaped, never interpreted.
            say(&escape_text(&format!("error: {e}")));
            e.exit_code()
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
