//! Fleet benchmark: ecsnap's full inventory against a boto3 and an AWS CLI inventory of the
//! same emulated account, side by side in one run (issue 6; figures in the README, "Performance").
//!
//! ```text
//! cargo bench --bench fleet -- small medium large [--runs N] [--keep] [--skip-awscli]
//!     [--latency-ms 0,50] [--regions N]
//! cargo bench --bench fleet -- --accounts A --regions R --latency-ms 300 [--runs N] [--live]
//! cargo bench --bench fleet -- --org-table   # 1, 16, 48, 192 places at 300 ms, one report
//! ```
//!
//! For each fleet it starts moto (from `target/moto-venv`; one server per region, as AWS
//! serves each region apart), seeds it concurrently through boto3 (`fleet_seed.py`, timed
//! and reported apart), puts a counting HTTP proxy on 127.0.0.1 in front of it (routing
//! each request to its region's server), then runs each contender as a child process
//! through the proxy:
//!
//! - ecsnap: this binary re-run as `inventory ENDPOINT` (`load::load_inventory`: everything
//!   the four listing commands show, in memory); it reports its own peak RSS (`VmHWM`);
//! - ecsnap with the task-definition cache warm: `inventory ENDPOINT CACHE_FILE` twice, the
//!   first run (cold, reported as such) filling the file the second one reads — what every
//!   run after the first makes against real AWS;
//! - ecsnap's first useful screen: `first-screen ENDPOINT`, a fresh process that connects
//!   and runs `load_services_progressively` (what the console's Services pane runs) — the
//!   time is from process start to the first cluster's rows, and to all of them;
//! - `baseline_boto3.py` (8 threads) and `baseline_awscli.sh` (AWS CLI v1, one call after
//!   another), from `target/bench-venv`, made on first use;
//! - the weekly report: `report ENDPOINT REGIONS [CACHE_FILE]` (what `ecsnap report --json`
//!   runs over one account: `commands::report::load_report` over the places
//!   `connect_fleet` connects, then the JSON), first run and cache warm, against `baseline_boto3.py ENDPOINT REGIONS`,
//!   over one region and over all `--regions N` seeded regions (`report_race.rs`).
//!
//! - the organisation (issue 29, `org.rs`): with `--accounts A`, the `tiny` fleet is seeded
//!   into A accounts × `--regions R` places and the weekly report over every place races
//!   the report over one place alone and `baseline_boto3.py` over both (8 threads per
//!   place); wall time, calls, round trips on the critical path, peak RSS. One run of each
//!   contender through moto records its answers, and the measured runs are answered from
//!   that recording by the proxy (`proxy.rs`), so they measure the client and the added
//!   latency, not moto's single core per region (`--live`: through moto).
//!
//! `--latency-ms 0,50` (or repeated) measures everything once per latency: the proxy holds
//! each request that long before forwarding it, as a network round trip would.
//!
//! Wall times are from spawn to exit, median of `--runs` (default 3; the AWS CLI runs
//! once). API calls are counted at the proxy per operation (`X-Amz-Target` for ECS/ECR,
//! `Action=` for EC2/STS). `--keep` leaves each seeded server running and records it in
//! `target/bench-fleet/`, so the next run with `--keep` reuses it instead of seeding again;
//! `--seed-only` just seeds and keeps (e.g. the large fleet, ahead of time).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use ecsnap::aws::{ConnectOptions, connect};
use ecsnap::cache::TaskDefinitionCache;
use ecsnap::config::{Settings, now};
use ecsnap::demo::Emulator;
use ecsnap::demo::fleet::emulator_credentials;
use ecsnap::load::{load_inventory, load_services_progressively};

mod critical;
mod org;
mod proxy;
mod report;
mod report_race;
mod server;

use proxy::{Counts, Upstreams, serve_proxy};
use report::measure;
use server::Server;

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

const FLEETS: [Fleet; 4] = [
    // One place of the organisation bench (`--accounts`).
    Fleet {
        name: "tiny",
        clusters: 1,
        services: 3,
        images: 4,
        volumes: 4,
        repositories: 1,
        users: 2,
    },
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
        (Some("inventory"), Some(endpoint)) => child_inventory(endpoint, args.get(2)),
        (Some("first-screen"), Some(endpoint)) => child_first_screen(endpoint),
        (Some("report"), Some(endpoint)) => {
            report_race::child_report(endpoint, args.get(2), args.get(3))
        }
        (Some("org"), Some(endpoint)) => match (args.get(2), args.get(3)) {
            (Some(accounts), Some(regions)) => org::child_org(endpoint, accounts, regions),
            _ => Err("org ENDPOINT ACCOUNTS REGIONS".into()),
        },
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
        cache_task_definitions: false,
        assume_role: None,
        ..ConnectOptions::default()
    })
    .await?)
}

/// CPU time (user + system) this process has used, in ms.
pub fn cpu_ms() -> u64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0;
    };
    // After the parenthesised command name: utime and stime are the 12th and 13th fields,
    // in ticks of 10 ms (USER_HZ 100 on Linux).
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (tick(11) + tick(12)) * 10
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

/// `cache`: a task-definition cache file to use (as a run against real AWS would; the
/// emulator connection leaves it off otherwise).
fn child_inventory(endpoint: &str, cache: Option<&String>) -> AnyResult<()> {
    let start = Instant::now();
    let inv = runtime()?.block_on(async {
        let mut aws = clients(endpoint).await?;
        aws.task_definitions = cache
            .map(|path| std::sync::Arc::new(TaskDefinitionCache::open(PathBuf::from(path), now())));
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

/// The console's opening pane: services cluster by cluster (`load_services_progressively`,
/// what the Services pane runs). Reports when the first cluster's rows were there to draw
/// (`ms`, the first useful screen) and when every cluster was (`ms_all`).
fn child_first_screen(endpoint: &str) -> AnyResult<()> {
    let start = Instant::now();
    let mut first: Option<(u128, usize)> = None;
    let services = runtime()?.block_on(async {
        let aws = clients(endpoint).await?;
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(
            load_services_progressively(&aws, |part| {
                first.get_or_insert((start.elapsed().as_millis(), part.services.len()));
            })
            .await?,
        )
    })?;
    let all_ms = start.elapsed().as_millis();
    let (first_ms, first_rows) = first.unwrap_or((all_ms, 0));
    println!(
        "{{\"ms\": {first_ms}, \"rows\": {first_rows}, \"ms_all\": {all_ms}, \"services\": {}}}",
        services.len()
    );
    Ok(())
}

// The driver.

#[derive(Clone)]
struct Options {
    fleets: Vec<Fleet>,
    runs: usize,
    keep: bool,
    skip_awscli: bool,
    seed_only: bool,
    /// Added to every request by the proxy; everything is measured once per entry.
    latencies_ms: Vec<u64>,
    /// Regions the fleet is seeded into (the report runs over 1 and over all of them).
    regions: usize,
    /// `--accounts N`: the organisation bench (`org.rs`) over N accounts × the regions,
    /// the `tiny` fleet in each place.
    accounts: usize,
    /// `--live`: the organisation bench's measured runs go to the emulator too, instead of
    /// being answered from the proxy's recording of it (see `proxy`).
    live: bool,
    /// `--org-table`: the organisation bench over each of `ORG_TABLE`'s shapes in turn, at
    /// 300 ms unless `--latency-ms` says otherwise (the performance doc's table).
    org_table: bool,
}

/// The places of the performance doc's organisation table: (accounts, regions).
const ORG_TABLE: [(usize, usize); 4] = [(1, 1), (4, 4), (12, 4), (48, 4)];

/// The proxy's listen backlog (see `driver`).
const PROXY_BACKLOG: u32 = 4096;

/// The regions a fleet is seeded into, in order; `--regions N` takes the first N.
pub const REGIONS: [&str; 8] = [
    "us-east-1",
    "eu-west-1",
    "us-west-2",
    "ap-southeast-2",
    "eu-central-1",
    "ap-northeast-1",
    "ca-central-1",
    "sa-east-1",
];

fn parse_latencies(text: Option<&String>) -> AnyResult<Vec<u64>> {
    let text = text.ok_or("--latency-ms wants a number of milliseconds or a list")?;
    text.split(',')
        .map(|n| {
            n.trim()
                .parse::<u64>()
                .map_err(|_| format!("--latency-ms: {n:?} is not a number of milliseconds").into())
        })
        .collect()
}

fn parse_options(args: &[String]) -> AnyResult<Options> {
    let mut opts = Options {
        fleets: Vec::new(),
        runs: 3,
        keep: false,
        skip_awscli: false,
        seed_only: false,
        latencies_ms: Vec::new(),
        regions: 1,
        accounts: 0,
        live: false,
        org_table: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--keep" => opts.keep = true,
            "--live" => opts.live = true,
            "--org-table" => opts.org_table = true,
            "--skip-awscli" => opts.skip_awscli = true,
            "--seed-only" => {
                opts.seed_only = true;
                opts.keep = true;
            }
            "--runs" => {
                opts.runs = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or("--runs wants a positive number")?;
            }
            "--latency-ms" => opts.latencies_ms.extend(parse_latencies(it.next())?),
            "--regions" => {
                opts.regions = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| (1..=REGIONS.len()).contains(n))
                    .ok_or("--regions wants a number from 1 to 8")?;
            }
            "--accounts" => {
                opts.accounts = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or("--accounts wants a positive number")?;
            }
            name => {
                let fleet = FLEETS.iter().find(|f| f.name == name).ok_or_else(|| {
                    format!(
                        "unknown argument {name:?}; fleets are tiny, small, medium, large; \
                         flags --runs N, --keep, --skip-awscli, --seed-only, \
                         --latency-ms N[,N…], --regions N, --accounts N, --live, --org-table"
                    )
                })?;
                opts.fleets.push(*fleet);
            }
        }
    }
    if opts.org_table && opts.latencies_ms.is_empty() {
        opts.latencies_ms.push(300);
    }
    if opts.accounts > 0 || opts.org_table {
        // The organisation bench: the tiny fleet in every place.
        opts.fleets = vec![FLEETS[0]];
    }
    if opts.fleets.is_empty() {
        opts.fleets.push(FLEETS[1]);
    }
    if opts.latencies_ms.is_empty() {
        opts.latencies_ms.push(0);
    }
    opts.latencies_ms.dedup();
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

/// Everything one measurement needs: the fleet, its server and proxy, the latency.
struct At<'a> {
    fleet: &'a Fleet,
    server: &'a Server,
    endpoint: &'a str,
    counts: &'a Counts,
    venv: &'a Path,
    opts: &'a Options,
    latency_ms: u64,
    /// `target/bench-fleet/`: the report and the timelines go there.
    state_dir: &'a Path,
}

fn driver(args: &[String]) -> AnyResult<()> {
    let opts = parse_options(args)?;
    let shapes: Vec<Options> = if opts.org_table {
        ORG_TABLE
            .iter()
            .map(|&(accounts, regions)| Options {
                regions,
                accounts,
                ..opts.clone()
            })
            .collect()
    } else {
        vec![opts]
    };
    let mut report = String::new();
    for opts in &shapes {
        report.push_str(&drive(opts)?);
    }
    if !report.is_empty() {
        let path = target_dir()?.join("bench-fleet").join("report.md");
        std::fs::write(&path, &report)?;
        eprintln!("report written to {}", path.display());
    }
    Ok(())
}

/// Everything `opts` asks for, over one shape of fleet; the report's sections.
fn drive(opts: &Options) -> AnyResult<String> {
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
        let accounts = org::account_ids(opts.accounts);
        let server = Server::get(
            fleet,
            opts.regions,
            &accounts,
            &moto_python,
            &venv,
            &state_dir,
            opts.keep,
        )?;
        if opts.seed_only {
            continue;
        }
        let counts = Counts::default();
        let upstreams = Upstreams {
            regions: REGIONS
                .iter()
                .zip(server.ports())
                .map(|(region, port)| {
                    (
                        (*region).to_string(),
                        SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
                    )
                })
                .collect(),
        };
        // A large listen backlog: under a burst of hundreds of connections a small one
        // (Python's default is 5) drops SYNs, and TCP's retransmit timers (1 s, 3 s…) then
        // decide the figures (issue 29). The kernel caps it at net.core.somaxconn.
        let listener = {
            let _in_runtime = rt.enter();
            let socket = tokio::net::TcpSocket::new_v4()?;
            socket.bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))?;
            socket.listen(PROXY_BACKLOG)?
        };
        let proxy_port = listener.local_addr()?.port();
        let proxy = rt.spawn(serve_proxy(listener, upstreams, counts.clone()));
        let endpoint = format!("http://127.0.0.1:{proxy_port}");
        for &latency in &opts.latencies_ms {
            counts.set_latency_ms(latency);
            let at = At {
                fleet,
                server: &server,
                endpoint: &endpoint,
                counts: &counts,
                venv: &venv,
                opts,
                latency_ms: latency,
                state_dir: &state_dir,
            };
            let section = if opts.accounts > 0 {
                org::measure_org(&at, &accounts)?
            } else {
                let mut section = measure(&at)?;
                section.push_str(&report_race::measure_report(&at)?);
                section
            };
            print!("{section}");
            report.push_str(&section);
        }
        proxy.abort();
        if !opts.keep {
            drop(server);
        }
    }
    Ok(report)
}
