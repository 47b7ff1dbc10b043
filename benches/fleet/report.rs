//! Running the contenders and writing the Markdown report.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::proxy::{Counts, Exchange};
use crate::server::Server;
use crate::{AnyResult, At, benches_dir};

pub struct Run {
    pub wall: Duration,
    /// CPU seconds moto spent answering this contender.
    pub server_cpu: Option<f64>,
    pub calls: BTreeMap<String, u64>,
    /// Every request with its answer, as the proxy saw them.
    pub exchanges: Vec<Exchange>,
    /// Requests that reached the emulator (the rest were answered from the proxy's
    /// recording; all of them unless replay is on).
    pub forwarded: u64,
    /// CPU seconds this process (the proxy; the driver only waits meanwhile) spent.
    pub proxy_cpu: f64,
    pub out: serde_json::Value,
}

/// What each run is measured with: the proxy's call counts and moto's CPU clock.
#[derive(Clone, Copy)]
pub struct Meter<'a> {
    pub counts: &'a Counts,
    pub server: &'a Server,
}

pub fn run_child(cmd: &mut Command, meter: Meter<'_>) -> AnyResult<Run> {
    let counts = meter.counts;
    counts.take();
    let cpu_before = meter.server.cpu_secs();
    let proxy_before = crate::cpu_ms();
    let start = Instant::now();
    let output = cmd.stderr(Stdio::inherit()).output()?;
    let wall = start.elapsed();
    if !output.status.success() {
        return Err(format!("{cmd:?} failed: {}", output.status).into());
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    let out = serde_json::from_str(line).map_err(|e| format!("{cmd:?} printed {line:?}: {e}"))?;
    let server_cpu = meter
        .server
        .cpu_secs()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    let exchanges = counts.take_exchanges();
    let forwarded = counts.take_forwarded();
    let proxy_cpu =
        Duration::from_millis(crate::cpu_ms().saturating_sub(proxy_before)).as_secs_f64();
    Ok(Run {
        wall,
        server_cpu,
        calls: counts.take(),
        exchanges,
        forwarded,
        proxy_cpu,
        out,
    })
}

/// Runs `make()` `runs` times; the run with the median wall time.
fn median_of(runs: usize, meter: Meter<'_>, mut make: impl FnMut() -> Command) -> AnyResult<Run> {
    let mut all = Vec::new();
    for _ in 0..runs {
        all.push(run_child(&mut make(), meter)?);
    }
    all.sort_by_key(|r| r.wall);
    let mid = all.len() / 2;
    Ok(all.swap_remove(mid))
}

pub fn total(calls: &BTreeMap<String, u64>) -> u64 {
    calls.values().sum()
}

/// The run with the median wall time.
pub fn pick(mut all: Vec<Run>) -> Run {
    all.sort_by_key(|r| r.wall);
    let mid = all.len() / 2;
    all.swap_remove(mid)
}

pub fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

#[allow(
    clippy::too_many_lines,
    reason = "the whole race in order (seed, each contender cold and warm, the table): one \
              sequence"
)]
pub fn measure(at: &At<'_>) -> AnyResult<String> {
    let At {
        fleet,
        server,
        endpoint,
        counts,
        venv,
        opts,
        latency_ms,
        ..
    } = *at;
    let exe = std::env::current_exe()?;
    let label = format!("{} @{latency_ms} ms", fleet.name);
    eprintln!("[{label}] ecsnap first screen ×3");
    let meter = Meter { counts, server };
    let first = median_of(3, meter, || {
        let mut c = Command::new(&exe);
        c.args(["first-screen", endpoint]);
        c
    })?;
    eprintln!(
        "[{label}] ecsnap inventory (first run, then cache warm) and boto3 ×{}",
        opts.runs
    );
    let cache_dir = tempfile::tempdir()?;
    let cache = cache_dir.path().join("task-definitions.json");
    let mut ecsnap_runs = Vec::new();
    let mut warm_runs = Vec::new();
    let mut boto3_runs = Vec::new();
    for _ in 0..opts.runs {
        // Each pair starts with no cache file: the first run is cold and fills it.
        let _ = std::fs::remove_file(&cache);
        for runs in [&mut ecsnap_runs, &mut warm_runs] {
            let mut c = Command::new(&exe);
            c.args(["inventory", endpoint]).arg(&cache);
            runs.push(run_child(&mut c, meter)?);
        }
        let mut b = Command::new(venv.join("bin/python"));
        b.arg(benches_dir().join("baseline_boto3.py")).arg(endpoint);
        boto3_runs.push(run_child(&mut b, meter)?);
    }
    let ecsnap = pick(ecsnap_runs);
    let warm = pick(warm_runs);
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
        Some(run_child(&mut a, meter)?)
    };

    let mut s = String::new();
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    writeln!(
        s,
        "\n## Fleet `{}`, {latency_ms} ms added per call: {} clusters, {} services (+ tasks), \
         {} ECR images in {} repositories, {} volumes, ~{} snapshots\n",
        fleet.name,
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
        "| contender | wall time | moto CPU | API calls | peak RSS | loaded |\n\
         |---|---|---|---|---|---|"
    )?;
    let cpu = |r: &Run| {
        r.server_cpu
            .map_or_else(|| "–".into(), |c| format!("{c:.2} s"))
    };
    let hwm_kib = ecsnap.out["vmhwm_kib"].as_u64().unwrap_or(0);
    for (name, run) in [
        ("ecsnap full inventory, first run", &ecsnap),
        ("ecsnap, task-definition cache warm", &warm),
    ] {
        writeln!(
            s,
            "| {name} | {} | {} | {} | {:.1} MiB | {} |",
            secs(run.wall),
            cpu(run),
            total(&run.calls),
            run.out["vmhwm_kib"].as_u64().unwrap_or(0) as f64 / 1024.0,
            run.out
        )?;
    }
    writeln!(
        s,
        "| boto3, 8 threads | {} | {} | {} | – | {} |",
        secs(boto3.wall),
        cpu(&boto3),
        total(&boto3.calls),
        boto3.out
    )?;
    if let Some(a) = &awscli {
        writeln!(
            s,
            "| AWS CLI script | {} | {} | {} | – | {} |",
            secs(a.wall),
            cpu(a),
            total(&a.calls),
            a.out
        )?;
    }
    let first_ms = first.out["ms"].as_u64().unwrap_or(u64::MAX);
    writeln!(
        s,
        "\nFirst useful screen (fresh process → the first cluster's services, as the console's \
         Services pane loads them): {first_ms} ms, {} rows; every cluster: {} ms ({} calls, {} \
         services).\n",
        first.out["rows"],
        first.out["ms_all"],
        total(&first.calls),
        first.out["services"]
    )?;

    // Targets.
    let wall_ratio = ecsnap.wall.as_secs_f64() / boto3.wall.as_secs_f64();
    let warm_ratio = warm.wall.as_secs_f64() / boto3.wall.as_secs_f64();
    // Issue 6: < 300 ms on small, < 1 s on large (and medium, which has no target of its own).
    let first_limit = if fleet.name == "small" { 300 } else { 1000 };
    writeln!(s, "| target | measured | met |\n|---|---|---|")?;
    let yes = |ok: bool| if ok { "yes" } else { "**no**" };
    writeln!(
        s,
        "| inventory ≤ 0.5× boto3 wall time (first run) | {wall_ratio:.2}× | {} |",
        yes(wall_ratio <= 0.5)
    )?;
    writeln!(
        s,
        "| inventory ≤ 0.5× boto3 wall time (cache warm) | {warm_ratio:.2}× | {} |",
        yes(warm_ratio <= 0.5)
    )?;
    if let Some(a) = &awscli {
        for (when, run) in [("first run", &ecsnap), ("cache warm", &warm)] {
            let call_ratio = total(&run.calls) as f64 / total(&a.calls) as f64;
            writeln!(
                s,
                "| API calls ≤ 0.8× AWS CLI ({when}) | {call_ratio:.2}× | {} |",
                yes(call_ratio <= 0.8)
            )?;
        }
        let cli_ratio = ecsnap.wall.as_secs_f64() / a.wall.as_secs_f64();
        writeln!(
            s,
            "| (inventory vs AWS CLI wall time) | {cli_ratio:.3}× | – |"
        )?;
    } else {
        // The boto3 script makes the same calls as the AWS CLI script (same operations,
        // same batches; compare the per-operation table of any run with the CLI).
        for (when, run) in [("first run", &ecsnap), ("cache warm", &warm)] {
            let call_ratio = total(&run.calls) as f64 / total(&boto3.calls) as f64;
            writeln!(
                s,
                "| API calls ≤ 0.8× AWS CLI ({when}; CLI skipped: vs boto3, which makes the \
                 same calls) | {call_ratio:.2}× | {} |",
                yes(call_ratio <= 0.8)
            )?;
        }
    }
    writeln!(
        s,
        "| first screen < {first_limit} ms | {first_ms} ms | {} |",
        yes(first_ms < first_limit)
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
        .chain(warm.calls.keys())
        .chain(boto3.calls.keys())
        .chain(awscli.iter().flat_map(|a| a.calls.keys()))
        .collect();
    ops.sort();
    ops.dedup();
    writeln!(
        s,
        "\n| API calls by operation | ecsnap | ecsnap, cache warm | boto3 | AWS CLI |\n\
         |---|---|---|---|---|"
    )?;
    let get = |m: &BTreeMap<String, u64>, op: &String| m.get(op).copied().unwrap_or(0);
    for op in ops {
        writeln!(
            s,
            "| {op} | {} | {} | {} | {} |",
            get(&ecsnap.calls, op),
            get(&warm.calls, op),
            get(&boto3.calls, op),
            awscli
                .as_ref()
                .map_or_else(|| "–".to_string(), |a| get(&a.calls, op).to_string())
        )?;
    }
    Ok(s)
}

pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|m| m.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}
