//! The emulator, seeded once per fleet (and kept between runs with `--keep`): one moto
//! server per region, as AWS serves each region apart (`--regions N` starts N of them and
//! seeds the same fleet into each, its own region in its own server).

use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{AnyResult, Fleet, REGIONS, benches_dir};

/// One moto process, serving one region.
struct Moto {
    port: u16,
    /// Its process id, for its CPU time (a reused server has no `child`).
    pid: u32,
    child: Option<Child>,
}

/// The servers of one fleet, one per region, in `REGIONS` order.
pub struct Server {
    motos: Vec<Moto>,
    pub seed_secs: f64,
    pub reused: bool,
    keep: bool,
}

impl Server {
    /// `accounts`: seed the fleet into each of these accounts (through AssumeRole) instead
    /// of the default one.
    pub fn get(
        fleet: &Fleet,
        regions: usize,
        accounts: &[String],
        moto_python: &Path,
        venv: &Path,
        state_dir: &Path,
        keep: bool,
    ) -> AnyResult<Self> {
        let state = state_dir.join(match (regions, accounts.len()) {
            (1, 0) => format!("{}.moto", fleet.name),
            (_, 0) => format!("{}-{regions}r.moto", fleet.name),
            (_, a) => format!("{}-{a}a-{regions}r.moto", fleet.name),
        });
        if keep && let Some(server) = Self::reuse(&state, regions) {
            eprintln!(
                "[{}] reusing the seeded server(s) on port(s) {:?}",
                fleet.name,
                server.ports()
            );
            return Ok(server);
        }
        let mut server = Server {
            motos: Vec::new(),
            seed_secs: 0.0,
            reused: false,
            keep,
        };
        for _ in 0..regions {
            let port = free_port()?;
            let mut cmd = Command::new(moto_python);
            // moto's server with its quadratic EC2 tag lookup indexed (see moto_server.py).
            cmd.arg(benches_dir().join("moto_server.py"))
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .envs([
                    ("MOTO_EC2_LOAD_DEFAULT_AMIS", "false"),
                    ("MOTO_ECS_SERVICE_RUNNING", "2"),
                ])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            if keep {
                // Its own process group: a Ctrl-C of this run does not stop a kept server.
                cmd.process_group(0);
            }
            let child = cmd.spawn()?;
            server.motos.push(Moto {
                port,
                pid: child.id(),
                child: Some(child),
            });
        }
        for port in server.ports() {
            wait_ready(port)?;
            // moto advances task statuses on every DescribeTasks: pin them so runs agree.
            http(
                port,
                "POST",
                "/moto-api/state-manager/set-transition",
                r#"{"model_name":"ecs::task","transition":{"progression":"manual","times":1000000000}}"#,
            )?;
        }
        eprintln!(
            "[{}] seeding {} clusters, {} services, {} images, {} volumes into {regions} \
             region(s), one server each…",
            fleet.name, fleet.clusters, fleet.services, fleet.images, fleet.volumes
        );
        let start = Instant::now();
        seed(fleet, &server.ports(), venv, &REGIONS[..regions], accounts)?;
        server.seed_secs = start.elapsed().as_secs_f64();
        eprintln!("[{}] seeded in {:.1} s", fleet.name, server.seed_secs);
        if keep {
            let mut text = format!("{:.1}\n", server.seed_secs);
            for m in &server.motos {
                let _ = writeln!(text, "{} {}", m.port, m.pid);
            }
            std::fs::write(&state, text)?;
        }
        Ok(server)
    }

    /// Each region's server port, in `REGIONS` order.
    pub fn ports(&self) -> Vec<u16> {
        self.motos.iter().map(|m| m.port).collect()
    }

    /// CPU seconds (user + system) every region's moto has used so far, summed; `None` if
    /// one is unreadable.
    pub fn cpu_secs(&self) -> Option<f64> {
        self.motos.iter().map(|m| cpu_secs(m.pid)).sum()
    }

    fn reuse(state: &Path, regions: usize) -> Option<Self> {
        let text = std::fs::read_to_string(state).ok()?;
        let mut lines = text.lines();
        let seed_secs: f64 = lines.next()?.trim().parse().ok()?;
        let mut motos = Vec::new();
        for line in lines {
            let mut parts = line.split_whitespace();
            let port: u16 = parts.next()?.parse().ok()?;
            let pid: u32 = parts.next()?.parse().ok()?;
            let alive = Path::new(&format!("/proc/{pid}")).exists()
                && http(port, "GET", "/moto-api/reset-auth", "").is_ok();
            if !alive {
                return None;
            }
            motos.push(Moto {
                port,
                pid,
                child: None,
            });
        }
        (motos.len() == regions).then_some(Server {
            motos,
            seed_secs,
            reused: true,
            keep: true,
        })
    }
}

/// CPU seconds (user + system) a process has used so far; `None` if unreadable.
fn cpu_secs(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the parenthesised command name: state is 3rd, utime 14th, stime 15th.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // USER_HZ is 100 on Linux.
    Some(ticks / 100.0)
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.keep {
            return;
        }
        for child in self.motos.iter_mut().filter_map(|m| m.child.as_mut()) {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Seeds the fleet into each region's server, the regions side by side (one seeding
/// process each, which seeds every account of `accounts` one after another).
fn seed(
    fleet: &Fleet,
    ports: &[u16],
    venv: &Path,
    regions: &[&str],
    accounts: &[String],
) -> AnyResult<()> {
    let children: Vec<Child> = regions
        .iter()
        .zip(ports)
        .map(|(region, port)| {
            Command::new(venv.join("bin/python"))
                .arg(benches_dir().join("fleet_seed.py"))
                .arg(format!("http://127.0.0.1:{port}"))
                .args(
                    [
                        fleet.clusters,
                        fleet.services,
                        fleet.images,
                        fleet.volumes,
                        fleet.repositories,
                        fleet.users,
                    ]
                    .map(|n| n.to_string()),
                )
                .arg(region)
                .args((!accounts.is_empty()).then(|| accounts.join(",")))
                .spawn()
        })
        .collect::<Result<_, _>>()?;
    for (mut child, region) in children.into_iter().zip(regions) {
        let status = child.wait()?;
        if !status.success() {
            return Err(format!("seeding {region} failed: {status}").into());
        }
    }
    Ok(())
}

fn free_port() -> AnyResult<u16> {
    let l = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(l.local_addr()?.port())
}

fn wait_ready(port: u16) -> AnyResult<()> {
    let deadline = Instant::now() + Duration::from_secs(90);
    while Instant::now() < deadline {
        if http(port, "GET", "/moto-api/reset-auth", "").is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!("moto on port {port} did not answer within 90 s").into())
}

/// One HTTP/1.1 exchange with moto itself (not through the proxy, so it is not counted).
fn http(port: u16, method: &str, path: &str, body: &str) -> AnyResult<String> {
    Ok(ecsnap::demo::emulator::http(port, method, path, body)?)
}
