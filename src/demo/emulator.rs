//! Runs the moto server on a free loopback port, installing it into a virtualenv on first
//! use. The server is stopped when the `Emulator` is dropped.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use super::dynamics::{CONFIG_ENV, Dynamics, SCRIPT};
use super::install::install_once;
use crate::error::{Error, Result};

pub const MOTO_VERSION: &str = "5.2.5";

/// Fixed running count moto reports for every service (it never converges by itself).
pub const DEMO_SERVICE_RUNNING: &str = "2";

/// The environment the emulator runs with: no public AMIs, fixed service running counts.
const SERVER_ENV: [(&str, &str); 2] = [
    ("MOTO_EC2_LOAD_DEFAULT_AMIS", "false"),
    ("MOTO_ECS_SERVICE_RUNNING", DEMO_SERVICE_RUNNING),
];

/// Runs the server (the Python arguments after its own: plain moto, or the demo's
/// [`super::dynamics`] helper) as a child and kills it when our end of its stdin closes, so
/// the server never outlives ecsnap or a test binary, however they exit.
const SUPERVISOR: &str = "import subprocess, sys, threading\n\
p = subprocess.Popen([sys.executable] + sys.argv[1:])\n\
def watch():\n    sys.stdin.read()\n    p.kill()\n\
threading.Thread(target=watch, daemon=True).start()\n\
sys.exit(p.wait())\n";

const READY_TIMEOUT: Duration = Duration::from_secs(90);
const START_ATTEMPTS: usize = 4;

pub struct Emulator {
    child: Child,
    /// Held open for the server's lifetime; closing it stops the server.
    lifeline: Option<ChildStdin>,
    port: u16,
    log: PathBuf,
}

impl Emulator {
    /// The virtualenv used by `ecsnap demo`: `$ECSNAP_MOTO_VENV`, else the data dir.
    pub fn default_venv() -> PathBuf {
        std::env::var_os("ECSNAP_MOTO_VENV")
            .filter(|v| !v.is_empty())
            .map_or_else(
                || crate::config::data_dir().join(format!("moto-{MOTO_VERSION}")),
                PathBuf::from,
            )
    }

    /// Makes sure moto is installed in `venv`; `progress` hears about a first-time install.
    /// Safe to call from several threads and processes at once: one installs (into a
    /// temporary directory renamed into place when complete), the others wait for it and
    /// use its install; a half-made `venv` is replaced (see [`super::install`]).
    pub fn ensure_installed(venv: &Path, progress: &mut dyn FnMut(&str)) -> Result<PathBuf> {
        let dir = install_once(venv, MOTO_VERSION, progress, &mut |tmp, progress| {
            install_moto(tmp, venv, progress)
        })?;
        Ok(dir.join("bin").join("python"))
    }

    /// Installs (if needed) and starts plain moto on a free port; waits until it answers.
    pub fn start(venv: &Path, progress: &mut dyn FnMut(&str)) -> Result<Self> {
        Self::start_with(venv, progress, None)
    }

    /// As [`Emulator::start`]; with `dynamics`, moto runs inside the demo's helper that
    /// moves rollouts and writes task logs (see [`super::dynamics`]).
    pub fn start_with(
        venv: &Path,
        progress: &mut dyn FnMut(&str),
        dynamics: Option<&Dynamics>,
    ) -> Result<Self> {
        let python = Self::ensure_installed(venv, progress)?;
        let mut last_error = String::new();
        for _ in 0..START_ATTEMPTS {
            let port = free_port()?;
            let log = std::env::temp_dir().join(format!("ecsnap-moto-{port}.log"));
            let log_file = std::fs::File::create(&log)
                .map_err(|e| Error::io(format!("creating {}", log.display()), e))?;
            let port_text = port.to_string();
            let server: Vec<&str> = match dynamics {
                None => vec!["-m", "moto.server", "-H", "127.0.0.1", "-p", &port_text],
                Some(_) => vec!["-c", SCRIPT, &port_text],
            };
            let mut command = Command::new(&python);
            command
                .args(["-c", SUPERVISOR])
                .args(&server)
                .envs(SERVER_ENV);
            if let Some(d) = dynamics {
                command.env(CONFIG_ENV, d.to_json());
            }
            let mut child = command
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(log_file)
                .spawn()
                .map_err(|e| Error::io(format!("starting {}", python.display()), e))?;
            let lifeline = child.stdin.take();
            let mut emulator = Emulator {
                child,
                lifeline,
                port,
                log,
            };
            match emulator.wait_ready() {
                Ok(()) => return Ok(emulator),
                Err(e) => last_error = e,
            }
        }
        Err(Error::Emulator(format!(
            "moto did not start after {START_ATTEMPTS} attempts: {last_error}"
        )))
    }

    fn wait_ready(&mut self) -> std::result::Result<(), String> {
        let deadline = Instant::now() + READY_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("server exited ({status}): {}", self.log_tail()));
            }
            if http(self.port, "GET", "/moto-api/data.json", "").is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!(
            "no answer within {READY_TIMEOUT:?}: {}",
            self.log_tail()
        ))
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(5)..].join(" | ")
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Clears all emulated state.
    pub fn reset(&self) -> Result<()> {
        self.post("/moto-api/reset", "")
    }

    /// Keeps ECS task statuses where they are (moto advances them on every describe).
    pub fn pin_task_status(&self) -> Result<()> {
        self.post(
            "/moto-api/state-manager/set-transition",
            r#"{"model_name":"ecs::task","transition":{"progression":"manual","times":1000000000}}"#,
        )
    }

    /// The ECS operations the demo's helper received, oldest first (`GET
    /// /ecsnap-demo/calls`: `[{"operation", "request", "at"}]`, `request` the JSON body of
    /// the service-deployment operations, CreateService and UpdateService, else null).
    /// Only with the dynamics; tests read back what was sent.
    pub fn demo_calls(&self) -> Result<Vec<serde_json::Value>> {
        let path = "/ecsnap-demo/calls";
        let response = http(self.port, "GET", path, "")
            .map_err(|e| Error::Emulator(format!("GET {path}: {e}")))?;
        let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        let value: serde_json::Value = serde_json::from_str(body)
            .map_err(|e| Error::Emulator(format!("GET {path}: {e}: {body:.200}")))?;
        Ok(value["calls"].as_array().cloned().unwrap_or_default())
    }

    /// POSTs `body` to `path`; an answer other than 2xx is an error with its status line
    /// and body.
    pub(crate) fn post(&self, path: &str, body: &str) -> Result<()> {
        let response = http(self.port, "POST", path, body)
            .map_err(|e| Error::Emulator(format!("POST {path}: {e}")))?;
        if response.starts_with("HTTP/1.1 2") || response.starts_with("HTTP/1.0 2") {
            Ok(())
        } else {
            let answer = response
                .split_once("\r\n\r\n")
                .map_or("", |(_, b)| b.trim());
            Err(Error::Emulator(format!(
                "POST {path}: {} {}",
                response.lines().next().unwrap_or_default(),
                answer.chars().take(300).collect::<String>()
            )))
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // Closing the lifeline makes the supervisor stop moto and exit; kill it if it lingers.
        drop(self.lifeline.take());
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// Creates a virtualenv in `tmp` and installs moto into it. The directory is renamed
/// afterwards: only `bin/python -m …` is used, which works from the new place (the console
/// scripts in `bin/` keep the old path in their first line and are not used).
fn install_moto(tmp: &Path, venv: &Path, progress: &mut dyn FnMut(&str)) -> Result<()> {
    progress(&format!(
        "installing the local AWS emulator (moto {MOTO_VERSION}) into {} — first run only, \
         about a minute",
        venv.display()
    ));
    let system_python = std::env::var("ECSNAP_PYTHON").unwrap_or_else(|_| "python3".into());
    run_step(
        Command::new(&system_python).args(["-m", "venv"]).arg(tmp),
        &format!("{system_python} -m venv (is python3 with venv installed?)"),
    )?;
    progress("  virtualenv ready; downloading moto[server] from PyPI…");
    run_step(
        Command::new(tmp.join("bin").join("python")).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("moto[server]=={MOTO_VERSION}"),
        ]),
        "pip install moto[server] (is PyPI reachable?)",
    )?;
    progress("  emulator installed");
    Ok(())
}

fn run_step(cmd: &mut Command, what: &str) -> Result<()> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::Emulator(format!("{what}: {e}")))?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
    Err(Error::Emulator(format!(
        "{what} failed ({}): {}",
        out.status,
        tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
    )))
}

/// A port that was free a moment ago (the OS picks it; the caller retries on collision).
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| Error::io("finding a free loopback port", e))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| Error::io("finding a free loopback port", e))
}

/// A minimal HTTP/1.1 exchange with a server on 127.0.0.1; returns the raw response.
pub fn http(port: u16, method: &str, path: &str, body: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    if response.starts_with("HTTP/") {
        Ok(response)
    } else {
        Err(std::io::Error::other("not an HTTP response"))
    }
}
