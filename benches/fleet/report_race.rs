//! The weekly report as a contender (issue 14, "fast over a real network"): what
//! `ecsnap report --json` runs — its one account's places connected by `connect_fleet`
//! (with one account, `report`'s load-as-each-account-connects has nothing to overlap),
//! every place's inventory loaded side by side by `commands::report::load_report`, the
//! JSON built — as a fresh child process, first run (no task-definition cache) and cache
//! warm, against `baseline_boto3.py` doing the same loads and sums, over one region and
//! over every seeded region. Each run's critical path comes from the proxy's log
//! (`critical.rs`) and its timeline is written to `target/bench-fleet/timelines/`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use ecsnap::aws::ConnectOptions;
use ecsnap::aws::fleet::{AccountSpec, RegionChoice, connect_fleet};
use ecsnap::cache::TaskDefinitionCache;
use ecsnap::commands::report::load_report;
use ecsnap::config::{Marks, Settings, now};
use ecsnap::demo::fleet::emulator_credentials;
use ecsnap::output::report::ReportJson;

use crate::critical::{describe, longest_chain, write_timeline};
use crate::report::{Meter, Run, pick, run_child, secs, total};
use crate::{AnyResult, At, REGIONS, benches_dir, runtime, vm_hwm_kib};

// The child.

/// `report ENDPOINT [REGIONS [CACHE_FILE]]`: the report over the comma-separated regions
/// (default us-east-1), with the task-definition cache file if given; prints one JSON line
/// of what it loaded. Fails if any place failed, so no partial run is timed.
pub fn child_report(
    endpoint: &str,
    regions: Option<&String>,
    cache: Option<&String>,
) -> AnyResult<()> {
    let start = Instant::now();
    let regions = regions.map_or("us-east-1", String::as_str);
    let (report, bytes) = runtime()?.block_on(report_of(endpoint, regions, cache))?;
    if !report.failures.is_empty() {
        return Err(format!("places failed: {:?}", report.failures.len()).into());
    }
    let in_use = report
        .snapshots
        .iter()
        .filter(|s| s.item.in_use > 0)
        .count();
    println!(
        "{{\"ms\": {}, \"places\": {}, \"services\": {}, \"user_groups\": {}, \
         \"in_use_groups\": {in_use}, \"orphan_volumes\": {}, \"orphan_snapshots\": {}, \
         \"json_bytes\": {bytes}, \"vmhwm_kib\": {}}}",
        start.elapsed().as_millis(),
        report.places.len(),
        report.services.len(),
        report.snapshots.len(),
        report.orphans.volumes.len(),
        report.orphans.snapshots.len(),
        vm_hwm_kib()
    );
    Ok(())
}

/// Connects the places as `report --region A,B` does, then loads and serializes the report.
async fn report_of(
    endpoint: &str,
    regions: &str,
    cache: Option<&String>,
) -> AnyResult<(ReportJson, usize)> {
    let choice = RegionChoice::parse(Some(regions));
    let home = match &choice {
        RegionChoice::List(l) => l.first().cloned(),
        _ => None,
    };
    let spec = AccountSpec {
        name: "default".into(),
        connect: ConnectOptions {
            profile: None,
            region: home,
            endpoint_url: Some(endpoint.to_string()),
            credentials: Some(emulator_credentials()),
            cache_task_definitions: false,
            assume_role: None,
            ..ConnectOptions::default()
        },
        regions: choice,
        marks: Marks::default(),
    };
    let (mut targets, failed) = connect_fleet(&[spec]).await;
    // As against real AWS: one cache file for every place (its keys are full ARNs).
    let cache = cache.map(|p| Arc::new(TaskDefinitionCache::open(PathBuf::from(p), now())));
    for t in &mut targets {
        t.aws.task_definitions.clone_from(&cache);
    }
    let (report, _failures) = load_report(&targets, &failed, &Settings::default(), now()).await;
    let bytes = serde_json::to_vec(&report)?.len();
    Ok((report, bytes))
}

// The race.

/// The medians of one region set: ecsnap first run, ecsnap cache warm, boto3.
struct Trio {
    regions: usize,
    first: Run,
    warm: Run,
    boto3: Run,
}

fn race(at: &At<'_>, regions: &[&str]) -> AnyResult<Trio> {
    let exe = std::env::current_exe()?;
    let meter = Meter {
        counts: at.counts,
        server: at.server,
    };
    let list = regions.join(",");
    let cache_dir = tempfile::tempdir()?;
    let cache = cache_dir.path().join("task-definitions.json");
    let (mut first, mut warm, mut boto3) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..at.opts.runs {
        // Each pair starts with no cache file: the first run is cold and fills it.
        let _ = std::fs::remove_file(&cache);
        for runs in [&mut first, &mut warm] {
            let mut c = Command::new(&exe);
            c.args(["report", at.endpoint, &list]).arg(&cache);
            runs.push(run_child(&mut c, meter)?);
        }
        let mut b = Command::new(at.venv.join("bin/python"));
        b.arg(benches_dir().join("baseline_boto3.py"))
            .args([at.endpoint, &list]);
        boto3.push(run_child(&mut b, meter)?);
    }
    Ok(Trio {
        regions: regions.len(),
        first: pick(first),
        warm: pick(warm),
        boto3: pick(boto3),
    })
}

/// Runs the report contenders at this latency and writes their section of the report.
pub fn measure_report(at: &At<'_>) -> AnyResult<String> {
    let label = format!("{} @{} ms", at.fleet.name, at.latency_ms);
    let mut trios = Vec::new();
    let mut sets = vec![&REGIONS[..1]];
    if at.opts.regions > 1 {
        sets.push(&REGIONS[..at.opts.regions]);
    }
    for regions in sets {
        eprintln!(
            "[{label}] report over {} region(s): ecsnap first run, cache warm, boto3 ×{}",
            regions.len(),
            at.opts.runs
        );
        let trio = race(at, regions)?;
        write_timelines(at, &trio)?;
        trios.push(trio);
    }
    let mut s = String::new();
    write_runs(&mut s, at, &trios)?;
    write_targets(&mut s, &trios)?;
    write_operations(&mut s, &trios[0])?;
    Ok(s)
}

fn contenders(trio: &Trio) -> [(&'static str, &Run); 3] {
    [
        ("ecsnap report --json, first run", &trio.first),
        ("ecsnap report --json, cache warm", &trio.warm),
        ("boto3, 8 threads per region", &trio.boto3),
    ]
}

fn write_runs(s: &mut String, at: &At<'_>, trios: &[Trio]) -> std::fmt::Result {
    writeln!(
        s,
        "\n### Weekly report, fleet `{}` per region, {} ms added per call\n\n\
         | contender | regions | wall time | moto CPU | API calls | sequential round trips | \
         loaded |\n|---|---|---|---|---|---|---|",
        at.fleet.name, at.latency_ms
    )?;
    for trio in trios {
        for (name, run) in contenders(trio) {
            writeln!(
                s,
                "| {name} | {} | {} | {} | {} | {} | {} |",
                trio.regions,
                secs(run.wall),
                run.server_cpu
                    .map_or_else(|| "–".into(), |c| format!("{c:.2} s")),
                total(&run.calls),
                longest_chain(&run.exchanges).len(),
                run.out
            )?;
        }
    }
    writeln!(
        s,
        "\nCritical paths (the longest chain of calls each sent after the previous one's \
         answer; timelines in `target/bench-fleet/timelines/`):\n"
    )?;
    for trio in trios {
        for (name, run) in contenders(trio) {
            let chain = longest_chain(&run.exchanges);
            writeln!(
                s,
                "- {name}, {} region(s): {}",
                trio.regions,
                describe(&chain)
            )?;
        }
    }
    Ok(())
}

fn ratio(a: &Run, b: &Run) -> f64 {
    a.wall.as_secs_f64() / b.wall.as_secs_f64()
}

fn mark(ok: bool) -> &'static str {
    if ok { "✓" } else { "✗" }
}

fn write_targets(s: &mut String, trios: &[Trio]) -> std::fmt::Result {
    let one = &trios[0];
    writeln!(s, "\n| target (issue 14) | measured | met |\n|---|---|---|")?;
    for (when, run) in [("first run", &one.first), ("cache warm", &one.warm)] {
        let r = ratio(run, &one.boto3);
        writeln!(
            s,
            "| report ≤ 0.5× boto3 wall time, 1 region ({when}) | {r:.2}× | {} |",
            mark(r <= 0.5)
        )?;
    }
    let (mine, theirs) = (total(&one.first.calls), total(&one.boto3.calls));
    writeln!(
        s,
        "| API calls on a first run ≤ boto3's | {mine} vs {theirs} | {} |",
        mark(mine <= theirs)
    )?;
    let Some(many) = trios.get(1) else {
        return Ok(());
    };
    let n = many.regions;
    for (when, a, b) in [
        ("first run", &many.first, &one.first),
        ("cache warm", &many.warm, &one.warm),
    ] {
        let r = ratio(a, b);
        writeln!(
            s,
            "| ecsnap: {n} regions ≤ 1.3× one region ({when}) | {r:.2}× | {} |",
            mark(r <= 1.3)
        )?;
    }
    writeln!(
        s,
        "| (boto3: {n} regions ÷ one) | {:.2}× | – |\n\
         | (ecsnap ÷ boto3 over {n} regions, first run / cache warm) | {:.2}× / {:.2}× | – |",
        ratio(&many.boto3, &one.boto3),
        ratio(&many.first, &many.boto3),
        ratio(&many.warm, &many.boto3)
    )
}

fn write_operations(s: &mut String, trio: &Trio) -> std::fmt::Result {
    let mut ops: Vec<&String> = contenders(trio)
        .iter()
        .flat_map(|(_, r)| r.calls.keys())
        .collect();
    ops.sort();
    ops.dedup();
    writeln!(
        s,
        "\n| report API calls by operation, 1 region | ecsnap first run | ecsnap cache warm | \
         boto3 |\n|---|---|---|---|"
    )?;
    let get = |m: &BTreeMap<String, u64>, op: &String| m.get(op).copied().unwrap_or(0);
    for op in ops {
        writeln!(
            s,
            "| {op} | {} | {} | {} |",
            get(&trio.first.calls, op),
            get(&trio.warm.calls, op),
            get(&trio.boto3.calls, op)
        )?;
    }
    Ok(())
}

fn write_timelines(at: &At<'_>, trio: &Trio) -> AnyResult<()> {
    let dir = at.state_dir.join("timelines");
    std::fs::create_dir_all(&dir)?;
    for (name, run) in [
        ("ecsnap-first", &trio.first),
        ("ecsnap-warm", &trio.warm),
        ("boto3", &trio.boto3),
    ] {
        let file = format!(
            "{}-{}ms-{}r-{name}.tsv",
            at.fleet.name, at.latency_ms, trio.regions
        );
        write_timeline(&dir.join(file), &run.exchanges)?;
    }
    Ok(())
}
