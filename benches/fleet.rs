//! Fleet benchmark: ecsnap's full inventory against a boto3 and an AWS CLI inventory of the
//! same emulated account, side by side in one run (issue 6; docs/performance.md).
//!
//! ```text
//! cargo bench --bench fleet -- small medium large [--runs N] [--keep] [--skip-awscli]
//! ```
//!
//! For each fleet it starts moto (from `target/moto-venv`), seeds it concurrently through
//! boto3 (`fleet_seed.py`, timed and reported apart), puts a counting HTTP proxy on
//! 127.0.0.1 in front of it, then runs each contender as a child process through the proxy:
//!
//! - ecsnap: this binary re-run as `inventory ENDPOINT` (`load::load_inventory`: everything
//!   the four listing commands show, in memory); it reports its own peak RSS (`VmHWM`);
//! - ecsnap's first useful screen: `first-screen ENDPOINT`, a fresh process that connects
//!   and runs `load_services(aws, None)` for every cluster (the console's opening pane; the
//!   console itself is built elsewhere) — the time is from process start to services loaded;
//! - `baseline_boto3.py` (8 threads) and `baseline_awscli.sh` (AWS CLI v1, one call after
//!   another), from `target/bench-venv`, made on first use.
//!
//! Wall times are from spawn to exit, median of `--runs` (default 3; the AWS CLI runs
//! once). API calls are counted at the proxy per operation (`X-Amz-Target` for ECS/ECR,
//! `Action=` for EC2/STS). `--keep` leaves each seeded server running and records it in
//! `target/bench-fleet/`, so the next run with `--keep` reuses it instead of seeding again.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read as _;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ecsnap::aws::{ConnectOptions, connect};
use ecsnap::config::{Settings, now};
use ecsnap::demo::Emulator;
use ecsnap::demo::fleet::emulator_credentials;
use ecsnap::load::{load_inventory, load_services};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

type AnyResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// One fleet shape.
#[derive(Debug, Clone, Copy)]
struct Fleet {
    name: &'static str,
    clusters: usize,
    services: usize,
    images: usize,
    volumes: usize,
    repositories: usize,
    users: usize,
}

const FLEETS: [Fleet; 3] = [
    Fleet {
        name: "small",
        clusters: 3,
        services: 20,
        images: 300,
        volumes: 100,
        repositories: 3,
        users: 10,
    },
    Fleet {
        name: "medium",
        clusters: 8,
        services: 200,
        images: 4_000,
        volumes: 1_000,
        repositories: 8,
        users: 50,
    },
    Fleet {
        name: "large",
        clusters: 20,
        services: 1_000,
        images: 20_000,
        volumes: 5_000,
        repositories: 20,
        users: 200,
    },
];

fn main() -> ExitCode {
    // `cargo bench` appends `--bench`; it means nothing here.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let result = match (args.first().map(String::as_str), args.get(1)) {
        (Some("inventory"), Some(endpoint)) => child_inventory(endpoint),
        (Some("first-screen"), Some(endpoint)) => child_first_screen(endpoint),
        _ => driver(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fleet bench: {e}");
            ExitCode::FAILURE
        }
    }
}

// ---------------------------------------------------------------------------------------
// The ecsnap children.

fn runtime() -> AnyResult<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

async fn clients(endpoint: &str) -> AnyResult<ecsnap::aws::AwsClients> {
    Ok(connect(&ConnectOptions {
        profile: None,
        region: Some("us-east-1".into()),
        endpoint_url: Some(endpoint.to_string()),
        credentials: Some(emulator_credentials()),
    })
    .await?)
}

/// Peak resident set of this process, in KiB.
fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn child_inventory(endpoint: &str) -> AnyResult<()> {
    let start = Instant::now();
    let inv = runtime()?.block_on(async {
        let aws = clients(endpoint).await?;
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(
            load_inventory(&aws, &Settings::default(), now()).await?,
        )
    })?;
    let tags: usize = inv.snapshot_groups.iter().map(|g| g.tags.len()).sum();
    println!(
        "{{\"ms\": {}, \"services\": {}, \"tasks\": {}, \"tags\": {}, \"user_groups\": {}, \
         \"orphan_volumes\": {}, \"orphan_snapshots\": {}, \"skipped\": {}, \"vmhwm_kib\": {}}}",
        start.elapsed().as_millis(),
        inv.services.len(),
        inv.tasks.len(),
        tags,
        inv.snapshot_groups.len(),
        inv.orphans.volumes.len(),
        inv.orphans.snapshots.len(),
        inv.orphans.skipped.len(),
        vm_hwm_kib()
    );
    Ok(())
}

fn child_first_screen(endpoint: &str) -> AnyResult<()> {
    let start = Instant::now();
    let services = runtime()?.block_on(async {
        let aws = clients(endpoint).await?;
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(load_services(&aws, None).await?)
    })?;
    println!(
        "{{\"ms\": {}, \"services\": {}}}",
        start.elapsed().as_millis(),
        services.len()
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The driver.

struct Options {
    fleets: Vec<Fleet>,
    runs: usize,
    keep: bool,
    skip_awscli: bool,
}

fn parse_options(args: &[String]) -> AnyResult<Options> {
    let mut opts = Options {
        fleets: Vec::new(),
        runs: 3,
        keep: false,
        skip_awscli: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--keep" => opts.keep = true,
            "--skip-awscli" => opts.skip_awscli = true,
            "--runs" => {
                opts.runs = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or("--runs wants a positive number")?;
            }
            name => {
                let fleet = FLEETS.iter().find(|f| f.name == name).ok_or_else(|| {
                    format!(
                        "unknown argument {name:?}; fleets are small, medium, large; \
                         flags --runs N, --keep, --skip-awscli"
                    )
                })?;
                opts.fleets.push(*fleet);
            }
        }
    }
    if opts.fleets.is_empty() {
        opts.fleets.push(FLEETS[0]);
    }
    Ok(opts)
}

/// `target/`: `CARGO_TARGET_DIR`, else three levels above this binary
/// (`target/release/deps/fleet-…`).
fn target_dir() -> AnyResult<PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let exe = std::env::current_exe()?;
    exe.ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .ok_or_else(|| "cannot find the target directory".into())
}

fn benches_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches")
}

/// The bench-only virtualenv (boto3 + AWS CLI v1), made on first use.
fn bench_venv(target: &Path) -> AnyResult<PathBuf> {
    let venv = target.join("bench-venv");
    let marker = venv.join(".ecsnap-bench-installed");
    if !marker.exists() {
        eprintln!(
            "installing boto3 and the AWS CLI into {} (first run only)",
            venv.display()
        );
        run_ok(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        run_ok(Command::new(venv.join("bin/python")).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "boto3",
            "awscli",
        ]))?;
        std::fs::write(&marker, "boto3 awscli")?;
    }
    Ok(venv)
}

fn run_ok(cmd: &mut Command) -> AnyResult<()> {
    let status = cmd.status()?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed: {status}").into())
    }
}

fn driver(args: &[String]) -> AnyResult<()> {
    let opts = parse_options(args)?;
    let target = target_dir()?;
    let moto_python = Emulator::ensure_installed(&target.join("moto-venv"), &mut |m| {
        eprintln!("{m}");
    })?;
    let venv = bench_venv(&target)?;
    let state_dir = target.join("bench-fleet");
    std::fs::create_dir_all(&state_dir)?;
    let rt = runtime()?;
    let mut report = String::new();
    for fleet in &opts.fleets {
        let server = Server::get(fleet, &moto_python, &venv, &state_dir, opts.keep)?;
        let counts = Counts::default();
        let upstream = SocketAddr::from((Ipv4Addr::LOCALHOST, server.port));
        let listener = rt.block_on(tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))?;
        let proxy_port = listener.local_addr()?.port();
        let proxy = rt.spawn(serve_proxy(listener, upstream, counts.clone()));
        let endpoint = format!("http://127.0.0.1:{proxy_port}");
        let section = measure(fleet, &server, &endpoint, &counts, &venv, &opts)?;
        proxy.abort();
        print!("{section}");
        report.push_str(&section);
        if !opts.keep {
            drop(server);
        }
    }
    let path = state_dir.join("report.md");
    std::fs::write(&path, &report)?;
    eprintln!("report written to {}", path.display());
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The emulator, seeded once per fleet (and kept between runs with --keep).

struct Server {
    port: u16,
    seed_secs: f64,
    reused: bool,
    child: Option<Child>,
    keep: bool,
}

impl Server {
    fn get(
        fleet: &Fleet,
        moto_python: &Path,
        venv: &Path,
        state_dir: &Path,
        keep: bool,
    ) -> AnyResult<Self> {
        let state = state_dir.join(format!("{}.server", fleet.name));
        if keep && let Some(server) = Self::reuse(&state) {
            eprintln!(
                "[{}] reusing the seeded server on port {}",
                fleet.name, server.port
            );
            return Ok(server);
        }
        let port = free_port()?;
        let mut cmd = Command::new(moto_python);
        cmd.args([
            "-m",
            "moto.server",
            "-H",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
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
        let mut server = Server {
            port,
            seed_secs: 0.0,
            reused: false,
            child: Some(child),
            keep,
        };
        wait_ready(port)?;
        // moto advances task statuses on every DescribeTasks: pin them so runs agree.
        http(
            port,
            "POST",
            "/moto-api/state-manager/set-transition",
            r#"{"model_name":"ecs::task","transition":{"progression":"manual","times":1000000000}}"#,
        )?;
        eprintln!(
            "[{}] seeding {} clusters, {} services, {} images, {} volumes…",
            fleet.name, fleet.clusters, fleet.services, fleet.images, fleet.volumes
        );
        let start = Instant::now();
        run_ok(
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
                ),
        )?;
        server.seed_secs = start.elapsed().as_secs_f64();
        eprintln!("[{}] seeded in {:.1} s", fleet.name, server.seed_secs);
        if keep && let Some(pid) = server.child.as_ref().map(Child::id) {
            std::fs::write(&state, format!("{port} {pid} {:.1}\n", server.seed_secs))?;
        }
        Ok(server)
    }

    fn reuse(state: &Path) -> Option<Self> {
        let text = std::fs::read_to_string(state).ok()?;
        let mut parts = text.split_whitespace();
        let port: u16 = parts.next()?.parse().ok()?;
        let pid: u32 = parts.next()?.parse().ok()?;
        let seed_secs: f64 = parts.next()?.parse().ok()?;
        let alive = Path::new(&format!("/proc/{pid}")).exists()
            && http(port, "GET", "/moto-api/reset-auth", "").is_ok();
        alive.then_some(Server {
            port,
            seed_secs,
            reused: true,
            child: None,
            keep: true,
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if !self.keep
            && let Some(child) = &mut self.child
        {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
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
    use std::io::Write as _;
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
        Err("not an HTTP response".into())
    }
}

// ---------------------------------------------------------------------------------------
// The counting proxy: forwards bytes both ways, tallies each request by operation.

#[derive(Clone, Default)]
struct Counts(Arc<Mutex<BTreeMap<String, u64>>>);

impl Counts {
    fn add(&self, op: String) {
        if let Ok(mut m) = self.0.lock() {
            *m.entry(op).or_default() += 1;
        }
    }

    fn take(&self) -> BTreeMap<String, u64> {
        self.0
            .lock()
            .map(|mut m| std::mem::take(&mut *m))
            .unwrap_or_default()
    }
}

async fn serve_proxy(listener: tokio::net::TcpListener, upstream: SocketAddr, counts: Counts) {
    while let Ok((client, _)) = listener.accept().await {
        let counts = counts.clone();
        tokio::spawn(async move {
            let _ = relay(client, upstream, counts).await;
        });
    }
}

async fn relay(
    client: tokio::net::TcpStream,
    upstream: SocketAddr,
    counts: Counts,
) -> std::io::Result<()> {
    let server = tokio::net::TcpStream::connect(upstream).await?;
    client.set_nodelay(true)?;
    server.set_nodelay(true)?;
    let (mut from_client, mut to_client) = client.into_split();
    let (mut from_server, mut to_server) = server.into_split();
    let back = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut from_server, &mut to_client).await;
    });
    let mut pending: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut passthrough = false;
    loop {
        if !passthrough {
            while let Some(parsed) = parse_request(&pending) {
                match parsed {
                    Parsed::Complete { len, op } => {
                        counts.add(op);
                        to_server.write_all(&pending[..len]).await?;
                        pending.drain(..len);
                    }
                    Parsed::Unframed { op } => {
                        // No Content-Length (chunked): count it, then stop parsing.
                        counts.add(op);
                        passthrough = true;
                        break;
                    }
                }
            }
        }
        if passthrough && !pending.is_empty() {
            to_server.write_all(&pending).await?;
            pending.clear();
        }
        let n = from_client.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        pending.extend_from_slice(&chunk[..n]);
    }
    to_server.write_all(&pending).await?;
    to_server.shutdown().await?;
    let _ = back.await;
    Ok(())
}

enum Parsed {
    Complete { len: usize, op: String },
    Unframed { op: String },
}

/// A complete request at the start of `buf`: its length and `service:Operation`.
fn parse_request(buf: &[u8]) -> Option<Parsed> {
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&buf[..head_end]);
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut length = None;
    let mut target = None;
    let mut service = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.parse::<usize>().ok(),
            "x-amz-target" => target = value.rsplit('.').next().map(str::to_string),
            "authorization" => {
                // Credential=KEY/DATE/REGION/SERVICE/aws4_request
                service = value
                    .split("Credential=")
                    .nth(1)
                    .and_then(|c| c.split('/').nth(3))
                    .map(str::to_string);
            }
            _ => {}
        }
    }
    let service = service.unwrap_or_else(|| "unsigned".into());
    let from_query = |text: &str| {
        text.split(['&', '?', ' '])
            .find_map(|kv| kv.strip_prefix("Action="))
            .map(str::to_string)
    };
    let Some(length) = length else {
        let op = target
            .or_else(|| from_query(request_line))
            .unwrap_or_else(|| "?".into());
        return Some(Parsed::Unframed {
            op: format!("{service}:{op}"),
        });
    };
    if buf.len() < head_end + length {
        return None;
    }
    let body = String::from_utf8_lossy(&buf[head_end..head_end + length]);
    let op = target
        .or_else(|| from_query(&body))
        .or_else(|| from_query(request_line))
        .unwrap_or_else(|| "?".into());
    Some(Parsed::Complete {
        len: head_end + length,
        op: format!("{service}:{op}"),
    })
}

// ---------------------------------------------------------------------------------------
// Measuring and reporting.

struct Run {
    wall: Duration,
    calls: BTreeMap<String, u64>,
    out: serde_json::Value,
}

fn run_child(cmd: &mut Command, counts: &Counts) -> AnyResult<Run> {
    counts.take();
    let start = Instant::now();
    let output = cmd.stderr(Stdio::inherit()).output()?;
    let wall = start.elapsed();
    if !output.status.success() {
        return Err(format!("{cmd:?} failed: {}", output.status).into());
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    let out = serde_json::from_str(line).map_err(|e| format!("{cmd:?} printed {line:?}: {e}"))?;
    Ok(Run {
        wall,
        calls: counts.take(),
        out,
    })
}

/// Runs `make()` `runs` times; the run with the median wall time.
fn median_of(runs: usize, counts: &Counts, mut make: impl FnMut() -> Command) -> AnyResult<Run> {
    let mut all = Vec::new();
    for _ in 0..runs {
        all.push(run_child(&mut make(), counts)?);
    }
    all.sort_by_key(|r| r.wall);
    let mid = all.len() / 2;
    Ok(all.swap_remove(mid))
}

fn total(calls: &BTreeMap<String, u64>) -> u64 {
    calls.values().sum()
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn measure(
    fleet: &Fleet,
    server: &Server,
    endpoint: &str,
    counts: &Counts,
    venv: &Path,
    opts: &Options,
) -> AnyResult<String> {
    let exe = std::env::current_exe()?;
    let label = fleet.name;
    eprintln!("[{label}] ecsnap first screen ×3");
    let first = median_of(3, counts, || {
        let mut c = Command::new(&exe);
        c.args(["first-screen", endpoint]);
        c
    })?;
    eprintln!("[{label}] ecsnap inventory and boto3 ×{}", opts.runs);
    let mut ecsnap_runs = Vec::new();
    let mut boto3_runs = Vec::new();
    for _ in 0..opts.runs {
        let mut c = Command::new(&exe);
        c.args(["inventory", endpoint]);
        ecsnap_runs.push(run_child(&mut c, counts)?);
        let mut b = Command::new(venv.join("bin/python"));
        b.arg(benches_dir().join("baseline_boto3.py")).arg(endpoint);
        boto3_runs.push(run_child(&mut b, counts)?);
    }
    let pick = |mut all: Vec<Run>| {
        all.sort_by_key(|r| r.wall);
        let mid = all.len() / 2;
        all.swap_remove(mid)
    };
    let ecsnap = pick(ecsnap_runs);
    let boto3 = pick(boto3_runs);
    let awscli = if opts.skip_awscli {
        None
    } else {
        eprintln!("[{label}] AWS CLI script ×1 (slow by nature)");
        let path = format!(
            "{}:{}",
            venv.join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut a = Command::new("bash");
        a.arg(benches_dir().join("baseline_awscli.sh"))
            .arg(endpoint)
            .env("PATH", path);
        Some(run_child(&mut a, counts)?)
    };

    let mut s = String::new();
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    writeln!(
        s,
        "\n## Fleet `{label}`: {} clusters, {} services (+ tasks), {} ECR images in {} \
         repositories, {} volumes, ~{} snapshots\n",
        fleet.clusters,
        fleet.services,
        fleet.images,
        fleet.repositories,
        fleet.volumes,
        fleet.volumes
    )?;
    writeln!(
        s,
        "Machine: {cores} cores, {}. Seeding: {:.1} s{}. Runs: median of {} (AWS CLI: 1).\n",
        cpu_model(),
        server.seed_secs,
        if server.reused {
            " (earlier, server reused)"
        } else {
            ""
        },
        opts.runs
    )?;
    writeln!(
        s,
        "| contender | wall time | API calls | peak RSS | loaded |\n|---|---|---|---|---|"
    )?;
    let hwm_kib = ecsnap.out["vmhwm_kib"].as_u64().unwrap_or(0);
    writeln!(
        s,
        "| ecsnap full inventory | {} | {} | {:.1} MiB | {} |",
        secs(ecsnap.wall),
        total(&ecsnap.calls),
        hwm_kib as f64 / 1024.0,
        ecsnap.out
    )?;
    writeln!(
        s,
        "| boto3, 8 threads | {} | {} | – | {} |",
        secs(boto3.wall),
        total(&boto3.calls),
        boto3.out
    )?;
    if let Some(a) = &awscli {
        writeln!(
            s,
            "| AWS CLI script | {} | {} | – | {} |",
            secs(a.wall),
            total(&a.calls),
            a.out
        )?;
    }
    writeln!(
        s,
        "\nFirst useful screen (fresh process → `load_services` for all clusters): {} ms \
         ({} calls, {} services).\n",
        first.wall.as_millis(),
        total(&first.calls),
        first.out["services"]
    )?;

    // Targets.
    let wall_ratio = ecsnap.wall.as_secs_f64() / boto3.wall.as_secs_f64();
    let first_limit = if fleet.name == "large" { 1000 } else { 300 };
    writeln!(s, "| target | measured | met |\n|---|---|---|")?;
    let yes = |ok: bool| if ok { "yes" } else { "**no**" };
    writeln!(
        s,
        "| inventory ≤ 0.5× boto3 wall time | {wall_ratio:.2}× | {} |",
        yes(wall_ratio <= 0.5)
    )?;
    if let Some(a) = &awscli {
        let call_ratio = total(&ecsnap.calls) as f64 / total(&a.calls) as f64;
        writeln!(
            s,
            "| API calls ≤ 0.8× AWS CLI | {call_ratio:.2}× | {} |",
            yes(call_ratio <= 0.8)
        )?;
        let cli_ratio = ecsnap.wall.as_secs_f64() / a.wall.as_secs_f64();
        writeln!(
            s,
            "| (inventory vs AWS CLI wall time) | {cli_ratio:.3}× | – |"
        )?;
    }
    writeln!(
        s,
        "| first screen < {first_limit} ms | {} ms | {} |",
        first.wall.as_millis(),
        yes(first.wall.as_millis() < first_limit)
    )?;
    writeln!(
        s,
        "| peak RSS < 60 MB (large) | {:.1} MB | {} |",
        hwm_kib as f64 * 1024.0 / 1e6,
        yes(hwm_kib * 1024 < 60_000_000)
    )?;

    // Calls per operation.
    let mut ops: Vec<&String> = ecsnap
        .calls
        .keys()
        .chain(boto3.calls.keys())
        .chain(awscli.iter().flat_map(|a| a.calls.keys()))
        .collect();
    ops.sort();
    ops.dedup();
    writeln!(
        s,
        "\n| API calls by operation | ecsnap | boto3 | AWS CLI |\n|---|---|---|---|"
    )?;
    let get = |m: &BTreeMap<String, u64>, op: &String| m.get(op).copied().unwrap_or(0);
    for op in ops {
        writeln!(
            s,
            "| {op} | {} | {} | {} |",
            get(&ecsnap.calls, op),
            get(&boto3.calls, op),
            awscli
                .as_ref()
                .map_or_else(|| "–".to_string(), |a| get(&a.calls, op).to_string())
        )?;
    }
    Ok(s)
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|m| m.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}
