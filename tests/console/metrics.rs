//! Metrics in the console: the Services pane's CPU and MEM sparkline columns where the
//! row has room (120 columns) and the selected service's utilisation line under the table
//! (80 columns too), Detail's charts with min/avg/max, the limit and the EBS filesystem,
//! the Container Insights note, a missing permission as one line, and the read asked after
//! every services listing with its own generation.

use crate::asserts::{assert_has, assert_has_all, assert_lacks};
use crate::fixtures::{deliver, key, listing, loaded_state, now, render, services};
use chrono::Duration;
use crossterm::event::KeyCode;
use ecsnap::analysis::metrics::{MetricSource, ServiceMetrics, Usage};
use ecsnap::model::MetricPoint;
use ecsnap::tui::run::effect::{Effect, Load, Work};
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::msg::{Event, Listing, Msg, PaneAnswer};
use ecsnap::tui::state::pane_id::PaneId;
use ecsnap::tui::update::app::update;

/// A series of `values`, one every 5 minutes of the last hour.
pub(crate) fn usage(values: &[f64], limit: Option<f64>, unit: &'static str) -> Usage {
    let start = now() - Duration::hours(1);
    Usage {
        points: values
            .iter()
            .enumerate()
            .map(|(i, v)| MetricPoint {
                timestamp: start + Duration::minutes(5 * i64::try_from(i).unwrap_or(0)),
                value: *v,
            })
            .collect(),
        limit,
        unit,
    }
}

const CLIMB: [f64; 12] = [
    40.0, 45.0, 52.0, 60.0, 68.0, 75.0, 82.0, 88.0, 93.0, 96.0, 97.0, 98.0,
];
const FLAT: [f64; 12] = [
    20.0, 22.0, 21.0, 23.0, 20.0, 24.0, 22.0, 21.0, 23.0, 22.0, 20.0, 21.0,
];

/// Every fixture service's metrics: payments-prod with Container Insights (ledger with an
/// EBS filesystem), search-staging with AWS/ECS only (crawler's memory climbing to 98%).
fn fleet_metrics() -> Vec<ServiceMetrics> {
    services()
        .iter()
        .map(|s| {
            let insights = s.cluster == "payments-prod";
            let (limit_cpu, limit_mem) = if insights {
                (Some(256.0), Some(512.0))
            } else {
                (None, None)
            };
            let unit = |u| if insights { u } else { "%" };
            ServiceMetrics {
                cluster: s.cluster.clone(),
                service: s.name.clone(),
                source: if insights {
                    MetricSource::ContainerInsights
                } else {
                    MetricSource::Basic
                },
                start: now() - Duration::hours(1),
                end: now(),
                period_secs: 60,
                cpu: usage(&FLAT, limit_cpu, unit("CPU units")),
                memory: usage(
                    if s.name == "crawler" { &CLIMB } else { &FLAT },
                    limit_mem,
                    unit("MiB"),
                ),
                ebs: (s.name == "ledger").then(|| usage(&[55.0; 12], Some(20.0), "GB")),
                raw: Vec::new(),
            }
        })
        .collect()
}

/// The metrics read the listing asked for answers `answer`.
fn answer(s: &mut AppState, answer: Result<Vec<ServiceMetrics>, String>) {
    let generation = s.services.metrics.loader.generation;
    deliver(
        s,
        Msg::Pane {
            generation,
            answer: PaneAnswer::Metrics(answer),
        },
    );
}

#[test]
fn a_services_listing_asks_for_every_services_metrics_with_a_generation_of_its_own() {
    let mut s = loaded_state();
    let generation = s.services.loader.start(now());
    let before = s.services.metrics.loader.generation;
    let effects = update(
        &mut s,
        Event::Msg(listing(generation, Listing::Services(Ok(services())))),
    );
    let asked: Vec<&Vec<(String, String)>> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Run(Work::Load(Load::Metrics {
                generation,
                services,
                start,
                end,
            })) => {
                assert_eq!(*generation, before + 1);
                assert_eq!(*end - *start, Duration::hours(1));
                Some(services)
            }
            _ => None,
        })
        .collect();
    assert_eq!(asked.len(), 1, "{effects:?}");
    assert_eq!(asked[0].len(), services().len());
    assert!(asked[0].contains(&("search-staging".to_string(), "crawler".to_string())));
}

#[test]
fn services_show_sparklines_and_the_selected_services_utilisation() {
    let mut s = loaded_state();
    // Before the answer: no columns, no line; the rows are there.
    let before = render(&s, 120, 40);
    assert_lacks(&before, " MEM");
    assert_has(&before, "crawler");
    answer(&mut s, Ok(fleet_metrics()));
    let wide = render(&s, 120, 40);
    assert_has_all(&wide, &[" CPU ", " MEM"]);
    // crawler (selected) climbs to 98% of its memory.
    assert_has_all(
        &wide,
        &[
            "mem ▃▄▄▅▅▆▇▇▇███ 98%",
            "Container Insights is off in search-staging: no EBS filesystem; Detail (d) says how \
         to turn it on",
        ],
    );
    insta::assert_snapshot!("metrics_services_120x40", wide);
    // At 80 columns the names keep their width; the selected service's line stays.
    let narrow = render(&s, 80, 24);
    assert_has_all(&narrow, &["mem ▃▄▄▅▅▆▇▇▇███ 98%", "search-staging crawler"]);
    insta::assert_snapshot!("metrics_services_80x24", narrow);
    // Another row selected: the failing service's line under the table starts with its
    // memory, so its climb stays on the first screen.
    key(&mut s, KeyCode::Down);
    let other = render(&s, 80, 24);
    assert_has(&other, "crawler: mem ▄▄▅▆▇▇██ 98% · ✗ FAILED");
}

#[test]
fn detail_charts_memory_cpu_and_the_ebs_filesystem_with_their_limits() {
    let mut s = loaded_state();
    answer(&mut s, Ok(fleet_metrics()));
    // crawler, worker, query, api, then ledger.
    for _ in 0..4 {
        key(&mut s, KeyCode::Down);
    }
    key(&mut s, KeyCode::Char('d'));
    assert_eq!(s.pane, PaneId::Detail);
    let screen = render(&s, 120, 40);
    assert_has_all(
        &screen,
        &[
            "Detail of payments-prod/ledger",
            "Memory: now 21% · min 20% · avg 22% · max 24% · limit 512 MiB",
            "CPU: now 21%",
            "EBS filesystem: now 55% · min 55% · avg 55% · max 55% · limit 20 GB",
        ],
    );
    assert_lacks(&screen, "Container Insights is off");
    assert_screens!("metrics_detail", screen, s);
}

#[test]
fn detail_of_a_service_without_container_insights_says_how_to_turn_it_on() {
    let mut s = loaded_state();
    answer(&mut s, Ok(fleet_metrics()));
    key(&mut s, KeyCode::Char('d'));
    let screen = render(&s, 120, 40);
    assert_has_all(
        &screen,
        &[
            "Detail of search-staging/crawler",
            "Memory: now 98% · min 40%",
            "Container Insights is off in search-staging",
            "no EBS filesystem. Turn it on with",
            "    aws ecs update-cluster-settings --cluster search-staging --settings \
         name=containerInsights,value=enhanced",
        ],
    );
}

#[test]
fn a_missing_permission_is_one_line_and_blocks_nothing() {
    let mut s = loaded_state();
    answer(
        &mut s,
        Err(
            "access denied: `cloudwatch:GetMetricData` in us-east-1: User ana is not authorized\n\
             add it to the policy"
                .into(),
        ),
    );
    let screen = render(&s, 80, 24);
    assert_has(
        &screen,
        "metrics: access denied: `cloudwatch:GetMetricData`",
    );
    assert_lacks(&screen, "add it to the policy");
    assert_has_all(&screen, &["crawler: ✗ FAILED", "search-staging indexer"]);
}

#[test]
fn an_answer_of_an_older_read_is_dropped() {
    let mut s = loaded_state();
    let stale = s.services.metrics.loader.generation - 1;
    deliver(
        &mut s,
        Msg::Pane {
            generation: stale,
            answer: PaneAnswer::Metrics(Ok(fleet_metrics())),
        },
    );
    assert_lacks(&render(&s, 120, 40), " MEM");
}
