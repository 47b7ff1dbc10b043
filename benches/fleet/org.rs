//! Organisation scale (issue 29): the weekly report over `--accounts A` × `--regions R`
//! places, each holding the `tiny` fleet (one cluster, three services, four volumes, one
//! repository), against one of those places alone and against `baseline_boto3.py` doing
//! the same per place (8 threads per place, every place side by side), through the proxy
//! that adds `--latency-ms` to every call.
//!
//! Each account is reached as `[fleet] accounts` reach one: AssumeRole of
//! `arn:aws:iam::ACCOUNT:role/ecsnap-read` with the emulator's keys (moto keeps an assumed
//! role's resources in the role's account; the fleet was seeded that way).

use std::fmt::Write as _;
use std::process::Command;
use std::time::Instant;

use ecsnap::aws::fleet::{AccountSpec, RegionChoice, connect_each};
use ecsnap::aws::{AssumeRole, ConnectOptions};
use ecsnap::commands::report::load_report_as_connected;
use ecsnap::config::{Marks, Settings, now};
use ecsnap::demo::fleet::emulator_credentials;

use crate::critical::{describe, longest_chain, longest_place_chain, write_timeline};
use crate::report::{Meter, Run, pick, run_child, secs, total};
use crate::{AnyResult, At, REGIONS, benches_dir, cpu_ms, runtime, vm_hwm_kib};

/// The accounts of `--accounts N`: 12-digit ids, the same every run.
pub fn account_ids(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| (100_000_000_001 + i as u64).to_string())
        .collect()
}

// The child.

/// `org ENDPOINT ACCOUNTS REGIONS`: the report over every account (comma-separated ids,
/// each through its role) in every region (comma-separated); prints one JSON line. Fails
/// if any place failed, so no partial run is timed.
pub fn child_org(endpoint: &str, accounts: &str, regions: &str) -> AnyResult<()> {
    let start = Instant::now();
    let report = runtime()?.block_on(async {
        let region_list: Vec<String> = regions.split(',').map(str::to_string).collect();
        let specs: Vec<AccountSpec> = accounts
            .split(',')
            .map(|id| AccountSpec {
                name: format!("acct-{id}"),
                connect: ConnectOptions {
                    region: region_list.first().cloned(),
                    endpoint_url: Some(endpoint.to_string()),
                    credentials: Some(emulator_credentials()),
                    assume_role: Some(AssumeRole {
                        role_arn: format!("arn:aws:iam::{id}:role/ecsnap-read"),
                        external_id: None,
                        session_name: None,
                    }),
                    ..ConnectOptions::default()
                },
                regions: RegionChoice::List(region_list.clone()),
                marks: Marks::default(),
            })
            .collect();
        // As `ecsnap report` runs: each place reads as soon as its own account connects.
        let (report, _failures) =
            load_report_as_connected(connect_each(&specs), &Settings::default(), now()).await;
        let bytes = serde_json::to_vec(&report)?.len();
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>((report, bytes))
    })?;
    let (report, bytes) = report;
    if !report.failures.is_empty() {
        return Err(format!(
            "{} places failed, first: {:?}",
            report.failures.len(),
            report.failures.first().map(|f| &f.error)
        )
        .into());
    }
    println!(
        "{{\"ms\": {}, \"cpu_ms\": {}, \"places\": {}, \"services\": {}, \
         \"orphan_volumes\": {}, \"json_bytes\": {bytes}, \"vmhwm_kib\": {}}}",
        start.elapsed().as_millis(),
        cpu_ms(),
        report.places.len(),
        report.services.len(),
        report.orphans.volumes.len(),
        vm_hwm_kib()
    );
    Ok(())
}

// The race.

/// The medians of the four contenders.
struct Four {
    places: usize,
    all: Run,
    one: Run,
    boto3_all: Run,
    boto3_one: Run,
}

/// Peak resident set of an ecsnap child, from what it printed.
fn rss_mb(run: &Run) -> Option<f64> {
    run.out["vmhwm_kib"].as_f64().map(|k| k / 1024.0)
}

fn race(at: &At<'_>, accounts: &[String]) -> AnyResult<Four> {
    let exe = std::env::current_exe()?;
    let meter = Meter {
        counts: at.counts,
        server: at.server,
    };
    let regions = REGIONS[..at.opts.regions].join(",");
    let all_accounts = accounts.join(",");
    let (one_account, one_region) = (accounts[0].as_str(), REGIONS[0]);
    let (mut all, mut one, mut b_all, mut b_one) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let boto3 = |regions: &str, accounts: &str| {
        let mut b = Command::new(at.venv.join("bin/python"));
        b.arg(benches_dir().join("baseline_boto3.py"))
            .args([at.endpoint, regions, accounts]);
        b
    };
    let one_cmd = || {
        let mut c = Command::new(&exe);
        c.args(["org", at.endpoint, one_account, one_region]);
        c
    };
    let all_cmd = || {
        let mut c = Command::new(&exe);
        c.args(["org", at.endpoint, &all_accounts, &regions]);
        c
    };
    if !at.opts.live {
        // One run of each contender through the emulator records its answers; the
        // measured runs are answered from the recording (see `proxy`), as AWS answers
        // each place apart.
        eprintln!("[org] recording the emulator's answers: one run of each contender");
        for mut cmd in [
            one_cmd(),
            all_cmd(),
            boto3(one_region, one_account),
            boto3(&regions, &all_accounts),
        ] {
            run_child(&mut cmd, meter)?;
        }
        at.counts.set_replay(true);
    }
    let measured: AnyResult<()> = (|| {
        for _ in 0..at.opts.runs {
            one.push(run_child(&mut one_cmd(), meter)?);
            all.push(run_child(&mut all_cmd(), meter)?);
            b_one.push(run_child(&mut boto3(one_region, one_account), meter)?);
            b_all.push(run_child(&mut boto3(&regions, &all_accounts), meter)?);
        }
        Ok(())
    })();
    at.counts.set_replay(false);
    measured?;
    Ok(Four {
        places: accounts.len() * at.opts.regions,
        all: pick(all),
        one: pick(one),
        boto3_all: pick(b_all),
        boto3_one: pick(b_one),
    })
}

fn ratio(a: &Run, b: &Run) -> f64 {
    a.wall.as_secs_f64() / b.wall.as_secs_f64()
}

fn mark(ok: bool) -> &'static str {
    if ok { "✓" } else { "✗" }
}

/// Runs the four contenders at this latency and writes their section of the report.
pub fn measure_org(at: &At<'_>, accounts: &[String]) -> AnyResult<String> {
    let places = accounts.len() * at.opts.regions;
    eprintln!(
        "[org {} accounts × {} regions = {places} places @{} ms] ecsnap all, one place; \
         boto3 all, one place ×{}",
        accounts.len(),
        at.opts.regions,
        at.latency_ms,
        at.opts.runs
    );
    let four = race(at, accounts)?;
    // Every place's services, or the figures measure an emptier fleet than they say.
    for (run, n) in [
        (&four.all, places),
        (&four.one, 1),
        (&four.boto3_all, places),
    ] {
        let want = (at.fleet.services * n) as u64;
        if run.out["services"].as_u64() != Some(want) {
            return Err(format!(
                "a run loaded {} services, not {want}: {}",
                run.out["services"], run.out
            )
            .into());
        }
    }
    let dir = at.state_dir.join("timelines");
    std::fs::create_dir_all(&dir)?;
    let contenders = [
        (
            "ecsnap report, every place",
            four.places,
            &four.all,
            "ecsnap-all",
        ),
        ("ecsnap report, one place alone", 1, &four.one, "ecsnap-one"),
        (
            "boto3, 8 threads per place, every place",
            four.places,
            &four.boto3_all,
            "boto3-all",
        ),
        (
            "boto3, 8 threads, one place alone",
            1,
            &four.boto3_one,
            "boto3-one",
        ),
    ];
    let mut s = String::new();
    writeln!(
        s,
        "\n### Organisation: {} accounts × {} regions = {places} places, fleet `tiny` per \
         place, {} ms added per call\n\n\
         | contender | places | wall time | API calls | to the emulator | round trips: whole \
         run / longest place's own | peak RSS | client CPU | moto CPU | proxy CPU | loaded |\n\
         |---|---|---|---|---|---|---|---|---|---|---|",
        accounts.len(),
        at.opts.regions,
        at.latency_ms
    )?;
    for (name, n, run, file) in contenders {
        writeln!(
            s,
            "| {name} | {n} | {} | {} | {} | {} / {} | {} | {} | {} | {:.2} s | {} |",
            secs(run.wall),
            total(&run.calls),
            run.forwarded,
            longest_chain(&run.exchanges).len(),
            longest_place_chain(&run.exchanges).map_or(0, |(_, c)| c.len()),
            rss_mb(run).map_or_else(|| "–".into(), |m| format!("{m:.1} MB")),
            run.out["cpu_ms"]
                .as_f64()
                .map_or_else(|| "–".into(), |ms| format!("{:.2} s", ms / 1000.0)),
            run.server_cpu
                .map_or_else(|| "–".into(), |c| format!("{c:.2} s")),
            run.proxy_cpu,
            run.out
        )?;
        write_timeline(
            &dir.join(format!("org-{places}p-{}ms-{file}.tsv", at.latency_ms)),
            &run.exchanges,
        )?;
    }
    writeln!(
        s,
        "\nCritical paths (the whole run's: calls of any places each sent after the previous \
         one's answer; the longest place's own: its calls and its account's AssumeRole):\n"
    )?;
    for (name, _, run, _) in contenders {
        writeln!(s, "- {name}: {}", describe(&longest_chain(&run.exchanges)))?;
        if let Some((place, chain)) = longest_place_chain(&run.exchanges) {
            writeln!(s, "  - place {place}: {}", describe(&chain))?;
        }
    }
    write_targets(&mut s, &four)?;
    Ok(s)
}

/// The targets, measured side by side in this run.
fn write_targets(s: &mut String, four: &Four) -> std::fmt::Result {
    let scale = ratio(&four.all, &four.one);
    let goal = if four.places > 48 { 1.6 } else { 1.3 };
    let vs = ratio(&four.all, &four.boto3_all);
    writeln!(
        s,
        "\n| target (issue 29) | measured | met |\n|---|---|---|\n\
         | every place ≤ {goal}× one place alone | {scale:.2}× | {} |\n\
         | ecsnap ≤ 0.5× boto3, every place | {vs:.2}× | {} |\n\
         | peak RSS ≤ 200 MB | {} | {} |\n\
         | (boto3: every place ÷ one) | {:.2}× | – |",
        mark(scale <= goal),
        mark(vs <= 0.5),
        rss_mb(&four.all).map_or_else(|| "–".into(), |m| format!("{m:.1} MB")),
        mark(rss_mb(&four.all).is_some_and(|m| m <= 200.0)),
        ratio(&four.boto3_all, &four.boto3_one)
    )
}
