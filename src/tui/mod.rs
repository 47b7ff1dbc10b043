//! The console: panes for services, tasks, snapshots and orphans over the same loaders the
//! commands use.
//!
//! State lives in `app` (one struct per pane in `panes`); keys become `Action`s through
//! the one table in `keymap`; load results come back as `Msg`s over one channel; `update`
//! is the only place state changes and returns the `Effect`s (loads) to start; `effects`
//! runs them on tokio tasks; `view` draws from `&AppState`. The UI task never awaits AWS.

pub mod action;
pub mod keymap;
pub mod run;
mod signals;
pub mod state;
pub mod theme;
pub mod update;
pub mod view;

use std::io::{Stdout, stdout};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once, PoisonError, TryLockError};
use std::time::Duration;

use crossterm::event::{self, Event as TermEvent, KeyEventKind};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc;

use crate::aws::{AwsClients, OpsClients};
use crate::config::Settings;
use crate::error::{Error, Result};
use run::runner::EffectRunner;
use state::app::{AppState, HeaderInfo};
use state::msg::Event;

/// How the console was asked to look.
#[derive(Debug, Clone, Default)]
pub struct ConsoleOptions {
    pub profile: Option<String>,
    /// `--no-color`; `NO_COLOR` is read here too.
    pub no_color: bool,
    /// A line shown on the status line when the console opens (the demo's 3am story),
    /// until the first key.
    pub greeting: Option<String>,
}

impl ConsoleOptions {
    pub fn color(&self) -> bool {
        !self.no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    }
}

/// Puts the terminal back: raw mode off, alternate screen left, cursor shown.
pub fn restore_terminal() {
    TERMINAL_OWNED.store(false, Ordering::SeqCst);
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), LeaveAlternateScreen, crossterm::cursor::Show);
}

/// The console has the terminal in raw mode on the alternate screen.
static TERMINAL_OWNED: AtomicBool = AtomicBool::new(false);

/// Held while a frame is drawn, and by a panic's restore: a frame is never drawn onto the
/// shell's screen after the terminal was given back.
static DRAWING: Mutex<()> = Mutex::new(());

/// Restores the terminal if the console owns it (and only once): for the binary's panic
/// hook, which runs on whichever thread panicked, before anything is printed. Waits a
/// moment for a frame being drawn on another thread (not for one on this thread: a panic
/// while drawing holds the lock itself).
pub fn restore_terminal_if_owned() {
    let deadline = std::time::Instant::now() + Duration::from_millis(250);
    let _drawing = loop {
        match DRAWING.try_lock() {
            Ok(g) => break Some(g),
            Err(TryLockError::Poisoned(p)) => break Some(p.into_inner()),
            Err(TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(TryLockError::WouldBlock) => break None,
        }
    };
    if TERMINAL_OWNED.swap(false, Ordering::SeqCst) {
        restore_terminal();
    }
}

/// Draws a frame unless the terminal was given back (a panic on another thread is ending
/// the process).
fn draw_frame(guard: &mut TerminalGuard, state: &AppState) -> std::io::Result<()> {
    let _drawing = DRAWING.lock().unwrap_or_else(PoisonError::into_inner);
    if !TERMINAL_OWNED.load(Ordering::SeqCst) {
        return Ok(());
    }
    guard.terminal.draw(|f| view::draw(f, state)).map(|_| ())
}

static PANIC_HOOK: Once = Once::new();

/// Chains a panic hook that restores the terminal before the previous hook prints.
fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_terminal_if_owned();
            previous(info);
        }));
    });
}

/// Owns the terminal while the console runs; restores it when dropped (normal exit, error
/// or unwinding).
struct TerminalGuard {
    terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl TerminalGuard {
    fn enter() -> Result<Self> {
        install_panic_hook();
        let io = |e| Error::io("setting up the terminal", e);
        enable_raw_mode().map_err(io)?;
        TERMINAL_OWNED.store(true, Ordering::SeqCst);
        let guard = |terminal| Self { terminal };
        if let Err(e) = execute!(stdout(), EnterAlternateScreen, crossterm::cursor::Hide) {
            restore_terminal();
            return Err(io(e));
        }
        match Terminal::new(CrosstermBackend::new(stdout())) {
            Ok(t) => Ok(guard(t)),
            Err(e) => {
                restore_terminal();
                Err(io(e))
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Reads terminal events on a plain thread (crossterm's reads block) and forwards them;
/// while `paused` (a plugin owns the terminal) it reads nothing.
fn spawn_input(
    tx: mpsc::UnboundedSender<std::io::Result<TermEvent>>,
    stop: Arc<AtomicBool>,
    paused: Arc<AtomicBool>,
) {
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            if paused.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
            match event::poll(Duration::from_millis(100)) {
                Ok(false) => {}
                Ok(true) => {
                    if tx.send(event::read()).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    let _ = tx.send(Err(e));
                    break;
                }
            }
        }
    });
}

/// Opens the console and runs it until the user quits.
pub async fn run(
    aws: AwsClients,
    ops: OpsClients,
    settings: Settings,
    opts: &ConsoleOptions,
) -> Result<()> {
    let header = HeaderInfo {
        profile: opts.profile.clone(),
        region: aws.region.clone(),
        account: None,
        account_error: None,
        endpoint: aws.endpoint.clone(),
    };
    let mut state = AppState::new(settings.clone(), header, opts.color(), crate::config::now());
    state.opener = run::terminal::opener_here();
    state.message.clone_from(&opts.greeting);
    let guard = TerminalGuard::enter()?;
    let (tx, rx) = mpsc::unbounded_channel();
    let runner = EffectRunner::new(aws, ops, settings.clone(), tx);
    drive(
        state,
        guard,
        runner,
        rx,
        run::places::PlacesJoining::none(settings),
    )
    .await
}

/// Opens the console on several places (`--region a,b|all`, `--profile a,b`, `[fleet]`)
/// once one account has a place to show (`connecting.0`, the news so far), before the
/// others have answered: `connecting.1` brings each account's places
/// (with its clients, its account name, id and region and its marks) as that account
/// answers, and the places that could not be connected (each pane lists them); then the
/// settled marks. Actions wait until every account has answered.
pub async fn run_places(
    connecting: (
        Vec<crate::aws::fleet::Connecting>,
        mpsc::UnboundedReceiver<crate::aws::fleet::Connecting>,
    ),
    accounts: usize,
    endpoint: Option<String>,
    settings: Settings,
    opts: &ConsoleOptions,
) -> Result<()> {
    let header = HeaderInfo {
        profile: opts.profile.clone(),
        region: String::new(),
        account: None,
        account_error: None,
        endpoint,
    };
    let mut state = AppState::new(settings.clone(), header, opts.color(), crate::config::now());
    state.opener = run::terminal::opener_here();
    state.places.connecting = Some((0, accounts));
    let guard = TerminalGuard::enter()?;
    let (tx, rx) = mpsc::unbounded_channel();
    let runner = EffectRunner::for_places(Vec::new(), settings.clone(), tx);
    let joining = run::places::PlacesJoining::new(connecting, settings);
    drive(state, guard, runner, rx, joining).await
}

/// Runs the console until the user quits: the first loads, then the event loop.
async fn drive(
    mut state: AppState,
    mut guard: TerminalGuard,
    mut runner: EffectRunner,
    mut rx: mpsc::UnboundedReceiver<state::msg::Msg>,
    mut joining: run::places::PlacesJoining,
) -> Result<()> {
    if let Ok(size) = guard.terminal.size() {
        update::app::update(
            &mut state,
            Event::Resize {
                width: size.width,
                height: size.height,
            },
        );
    }
    let (input_tx, mut input_rx) = mpsc::unbounded_channel();
    let stop = Arc::new(AtomicBool::new(false));
    let mut plugins = run::plugin::PluginRuns::new();
    spawn_input(input_tx, stop.clone(), plugins.input_paused());
    runner.run_all(update::app::init(&mut state));
    test_panic_trigger();
    let result = event_loop(
        &mut guard,
        &mut state,
        &mut runner,
        &mut rx,
        &mut input_rx,
        &mut plugins,
        &mut joining,
    )
    .await;
    stop.store(true, Ordering::Relaxed);
    // Port forwards end with the console.
    plugins.stop_all();
    drop(runner);
    drop(guard);
    result
}

type InputRx = mpsc::UnboundedReceiver<std::io::Result<TermEvent>>;

/// Debug builds only, for the end-to-end tests of the panic hook: `ECSNAP_TEST_PANIC=worker`
/// panics in a tokio worker task, `=ui` on the console's own task. Release builds ignore it.
fn test_panic_trigger() {
    if !cfg!(debug_assertions) {
        return;
    }
    match std::env::var("ECSNAP_TEST_PANIC").as_deref() {
        Ok("worker") => {
            tokio::spawn(async {
                panic!("ECSNAP_TEST_PANIC=worker: a test panic in a worker task")
            });
        }
        Ok("ui") => panic!("ECSNAP_TEST_PANIC=ui: a test panic on the console's task"),
        _ => {}
    }
}

async fn event_loop(
    guard: &mut TerminalGuard,
    state: &mut AppState,
    runner: &mut EffectRunner,
    rx: &mut mpsc::UnboundedReceiver<state::msg::Msg>,
    input_rx: &mut InputRx,
    plugins: &mut run::plugin::PluginRuns,
    joining: &mut run::places::PlacesJoining,
) -> Result<()> {
    let draw_err = |e| Error::io("drawing the console", e);
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut quit_signals = signals::QuitSignals::new();
    loop {
        draw_frame(guard, state).map_err(draw_err)?;
        let event = tokio::select! {
            input = input_rx.recv() => match input {
                None => return Err(Error::Usage("the terminal input closed".into())),
                Some(Err(e)) => return Err(Error::io("reading the terminal", e)),
                Some(Ok(TermEvent::Key(k))) if k.kind != KeyEventKind::Release => Event::Key(k),
                Some(Ok(TermEvent::Resize(width, height))) => Event::Resize { width, height },
                Some(Ok(_)) => continue,
            },
            Some(m) = rx.recv() => Event::Msg(m),
            news = joining.next() => Event::Msg(joining.apply(news, runner)),
            _ = tick.tick() => Event::Tick(crate::config::now()),
            name = quit_signals.next() => {
                tracing::warn!("{name}: closing the console");
                return Err(Error::Interrupted(format!(
                    "{name} received; the console closed"
                )));
            }
        };
        let effects = update::app::update(state, event);
        runner.run_all(effects);
        if state.quit {
            return Ok(());
        }
        if let Some(run) = state.foreground.take() {
            plugins.start(run, &mut guard.terminal, state).await;
        }
        plugins.reap(state);
    }
}
