//! The critical path of a run, from the proxy's log: the longest chain of calls in which
//! each was sent only after the previous one's answer had come back. With a latency of
//! L ms added per call, such a chain of n calls costs at least n × L of the wall time, so
//! it counts the round trips that a faster network cannot overlap (waiting for a free slot
//! under a concurrency bound shows up here too, as it should).

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use crate::proxy::Exchange;

/// The longest chain of exchanges that do not overlap in time, in order: the greedy pick
/// of the earliest answer to end, then the earliest-ending one sent after it, and so on
/// (that greedy is optimal for the most non-overlapping intervals).
pub fn longest_chain(exchanges: &[Exchange]) -> Vec<&Exchange> {
    longest_chain_of(exchanges, |_| true)
}

/// The longest of the places' own critical paths: for each place (`ACCOUNT REGION`, see
/// `Exchange::place`), the longest chain of its own calls and its account's AssumeRole —
/// what one place waits for, whatever the other places' calls overlap with. `None` when
/// no exchange names its place (no assumed role).
pub fn longest_place_chain(exchanges: &[Exchange]) -> Option<(String, Vec<&Exchange>)> {
    let mut places: Vec<&str> = exchanges
        .iter()
        .filter_map(|e| e.place.as_deref())
        .filter(|p| !p.ends_with(" *"))
        .collect();
    places.sort_unstable();
    places.dedup();
    places
        .into_iter()
        .map(|place| {
            let account = place.split(' ').next().unwrap_or_default();
            let assumed = format!("{account} *");
            let chain = longest_chain_of(exchanges, |e| {
                e.place.as_deref() == Some(place) || e.place.as_deref() == Some(assumed.as_str())
            });
            (place.to_string(), chain)
        })
        .max_by_key(|(_, chain)| chain.len())
}

/// `longest_chain` over the exchanges `keep` keeps.
fn longest_chain_of(exchanges: &[Exchange], keep: impl Fn(&Exchange) -> bool) -> Vec<&Exchange> {
    let mut by_end: Vec<&Exchange> = exchanges.iter().filter(|e| keep(e)).collect();
    by_end.sort_by_key(|e| e.end);
    let mut chain: Vec<&Exchange> = Vec::new();
    for e in by_end {
        if chain.last().is_none_or(|last| e.start >= last.end) {
            chain.push(e);
        }
    }
    chain
}

/// `n: op → op ×k → …`, runs of the same operation folded.
pub fn describe(chain: &[&Exchange]) -> String {
    let mut runs: Vec<(&str, usize)> = Vec::new();
    for e in chain {
        match runs.last_mut() {
            Some((op, n)) if *op == e.op => *n += 1,
            _ => runs.push((&e.op, 1)),
        }
    }
    let steps: Vec<String> = runs
        .iter()
        .map(|(op, n)| {
            if *n == 1 {
                (*op).to_string()
            } else {
                format!("{op} ×{n}")
            }
        })
        .collect();
    format!("{}: {}", chain.len(), steps.join(" → "))
}

/// Writes every exchange as `op start_ms end_ms on_path` (ms from the first request),
/// tab-separated, in the order the requests arrived.
pub fn write_timeline(path: &Path, exchanges: &[Exchange]) -> std::io::Result<()> {
    let chain = longest_chain(exchanges);
    let Some(zero) = exchanges.iter().map(|e| e.start).min() else {
        return std::fs::write(path, "");
    };
    let ms = |t: Instant| t.duration_since(zero).as_secs_f64() * 1000.0;
    let mut sorted: Vec<&Exchange> = exchanges.iter().collect();
    sorted.sort_by_key(|e| e.start);
    let mut text = String::from("op\tstart_ms\tend_ms\ton_critical_path\n");
    for e in sorted {
        let on_path = chain.iter().any(|c| std::ptr::eq(*c, e));
        let _ = writeln!(
            text,
            "{}\t{:.1}\t{:.1}\t{}",
            e.op,
            ms(e.start),
            ms(e.end),
            u8::from(on_path)
        );
    }
    std::fs::write(path, text)
}
