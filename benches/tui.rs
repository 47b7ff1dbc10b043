//! Micro-benchmarks of the console over 20,000 rows (issue: "rendering a 20,000-row pane
//! frame; filter keystroke on 20,000 rows"): `cargo bench --bench tui`.
//!
//! Targets: a frame under 5 ms, a filter keystroke under 10 ms.
//!
//! The data is synthetic and deterministic, and reaches the state the way the app's loads
//! do: `init` starts the loaders, then `Listing::Services` / `Listing::Snapshots` with the matching
//! generation go through `update`. Frames are drawn with `view::draw` into a
//! `Terminal<TestBackend>` of 200×60 that is reused across iterations, as the app reuses
//! its terminal (so ratatui's buffer diff is part of the cost, as it is per frame).
//!
//! - `render_services_20000`: one frame of the Services pane holding 20,000 services
//!   (400 clusters `fleet-NN`… of 50 services, a few rolling, failed or degraded).
//! - `render_snapshots_20000`: one frame of the Snapshots pane (reached with `3`) holding
//!   20,000 tags of 200 users in 4 repositories (100 tags per user).
//! - `filter_keystroke_20000`: the Services pane in filter mode (`/`), one key (`f`, which
//!   every row matches, so all 20,000 rows stay visible and are re-sorted) through `update`.
//!   Each iteration starts from a clone of the same state (cloned outside the timing).
//! - `filter_keystroke_draw_20000`: the same keystroke, then the frame that shows it.
//! - `services_part_into_20000`: during a refresh (`r`), one cluster's 50 services arrive
//!   (`Listing::ServicesPart`) into the pane holding 20,000 — what each cluster costs the UI
//!   while a large account loads cluster by cluster.
//! - `places_192_…` / `render_services_192_places…`: the console over 192 places (48
//!   accounts × 4 regions, 3 services each) while every place's services arrive as it
//!   answers (see `places_192`), and the memory the state takes.

#[path = "../tests/common/console_fixtures.rs"]
mod fixtures;

use std::hint::black_box;

use chrono::{Duration, TimeZone, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ecsnap::analysis::in_use::InUse;
use ecsnap::analysis::tags::{TagPattern, group_by_user};
use ecsnap::config::Settings;
use ecsnap::model::{Deployment, Image, Service, ServiceEvent};
use ecsnap::tui::state::app::{AppState, Mode};
use ecsnap::tui::state::msg::{Event, Listing, Msg};
use ecsnap::tui::state::pane_id::PaneId;
use ecsnap::tui::state::places::{PlaceInfo, Places};
use ecsnap::tui::update::app::{init, update};
use ecsnap::tui::view;
use fixtures::{REGISTRY, ago, deliver, now};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const ROWS: usize = 20_000;
const WIDTH: u16 = 200;
const HEIGHT: u16 = 60;

/// A fixture deployment of 2/2 tasks in rollout state `rollout`, made `minutes` ago.
fn deployment(status: &str, family: &str, rev: usize, rollout: &str, minutes: usize) -> Deployment {
    Deployment {
        id: format!("ecs-svc/{:019}", rev * 1_000_003 + minutes),
        rollout_state: Some(rollout.into()),
        created_at: ago(minutes as i64),
        updated_at: ago(minutes as i64),
        ..fixtures::deployment(status, family, rev as i32, (2, 2, 0))
    }
}

/// 20,000 services in 400 clusters; every 97th rolling, every 389th failed, every 131st
/// degraded, the rest steady.
fn services() -> Vec<Service> {
    (0..ROWS)
        .map(|i| {
            let cluster = format!("fleet-{:02}", i % 400);
            let name = format!("svc-{i:05}");
            let rev = 1 + i % 37;
            let minutes = 5 + (i * 7_919) % (60 * 24 * 90);
            let mut primary = deployment("PRIMARY", &name, rev, "COMPLETED", minutes);
            let mut deployments = Vec::new();
            let (desired, mut running) = (2 + (i % 3) as i32, 2 + (i % 3) as i32);
            if i % 389 == 0 {
                primary.rollout_state = Some("FAILED".into());
                primary.rollout_state_reason = Some("tasks failed to start".into());
                primary.failed_tasks = 3;
                running = 0;
            } else if i % 97 == 0 {
                primary.rollout_state = Some("IN_PROGRESS".into());
                deployments.push(deployment(
                    "ACTIVE",
                    &name,
                    rev.saturating_sub(1).max(1),
                    "COMPLETED",
                    minutes + 60 * 24,
                ));
            } else if i % 131 == 0 {
                running = desired - 1;
            }
            deployments.insert(0, primary);
            Service {
                pending_count: 0,
                deployments,
                events: vec![ServiceEvent {
                    id: format!("{name}-e1"),
                    created_at: ago(minutes as i64),
                    message: format!("(service {name}) has reached a steady state."),
                }],
                created_at: ago((minutes + 60 * 24 * 30) as i64),
                ..fixtures::service(&cluster, &name, rev as i32, desired, running)
            }
        })
        .collect()
}

/// 20,000 tags of 200 users (`user0042-20261120T0815`), 100 per user, in 4 repositories;
/// each user's newest tag is in use.
fn images() -> (Vec<Image>, InUse) {
    let base = Utc
        .with_ymd_and_hms(2026, 8, 15, 8, 15, 0)
        .single()
        .unwrap_or_default();
    let mut in_use = InUse::default();
    let images: Vec<Image> = (0..ROWS)
        .map(|i| {
            let (user, k) = (i % 200, i / 200);
            let at = base + Duration::days(k as i64) + Duration::minutes(user as i64);
            let repository = format!("workspaces-{}", user % 4);
            let tag = format!("user{user:04}-{}", at.format("%Y%m%dT%H%M"));
            if k == ROWS / 200 - 1 {
                in_use.add_reference(&format!("{REGISTRY}/{repository}:{tag}"));
            }
            let h = (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            Image {
                repository,
                digest: format!(
                    "sha256:{h:016x}{:016x}{h:016x}{:016x}",
                    !h,
                    h.rotate_left(17)
                ),
                tags: vec![tag],
                pushed_at: Some(at + Duration::minutes(3)),
                size_bytes: 200_000_000 + (i as i64 % 977) * 1_500_000,
                ..Default::default()
            }
        })
        .collect();
    (images, in_use)
}

fn key(state: &mut AppState, c: char) {
    let _ = fixtures::key(state, KeyCode::Char(c));
}

/// The console after start-up with the services and snapshots loaded, on the Services pane.
fn loaded_state() -> AppState {
    let mut s = AppState::new(Settings::default(), fixtures::header("prod"), true, now());
    let _ = update(
        &mut s,
        Event::Resize {
            width: WIDTH,
            height: HEIGHT,
        },
    );
    let _ = init(&mut s);
    deliver(&mut s, fixtures::identity());
    let generation = s.services.loader.generation;
    deliver(
        &mut s,
        Msg::Listing {
            place: None,
            generation,
            answer: Listing::Services(Ok(services())),
        },
    );
    let (images, in_use) = images();
    let groups = group_by_user(&images, &TagPattern::default(), &in_use);
    let generation = s.snapshots.loader.generation;
    deliver(
        &mut s,
        Msg::Listing {
            place: None,
            generation,
            answer: Listing::Snapshots(Ok(groups)),
        },
    );
    assert_eq!(s.services.list.visible.len(), ROWS, "services delivered");
    assert_eq!(
        s.snapshots.users.rows.len(),
        200,
        "snapshot users delivered"
    );
    s
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("a test terminal")
}

fn draw(terminal: &mut Terminal<TestBackend>, state: &AppState) {
    terminal
        .draw(|f| view::draw(f, state))
        .expect("drawing into the test backend");
}

fn tui(c: &mut Criterion) {
    let services = loaded_state();

    let mut term = terminal();
    c.bench_function("render_services_20000", |b| {
        b.iter(|| draw(&mut term, black_box(&services)));
    });

    let mut snapshots = services.clone();
    key(&mut snapshots, '3');
    assert_eq!(snapshots.pane, PaneId::Snapshots);
    assert_eq!(snapshots.snapshots.tags.rows.len(), ROWS / 200);
    let mut term = terminal();
    c.bench_function("render_snapshots_20000", |b| {
        b.iter(|| draw(&mut term, black_box(&snapshots)));
    });
    drop(snapshots);

    let mut refreshing = services.clone();
    key(&mut refreshing, 'r');
    let generation = refreshing.services.loader.generation;
    let part: Vec<Service> = refreshing
        .services
        .all
        .iter()
        .filter(|s| s.cluster == "fleet-07")
        .cloned()
        .collect();
    assert_eq!(part.len(), ROWS / 400, "one cluster's services");
    let msg = Msg::Listing {
        place: None,
        generation,
        answer: Listing::ServicesPart {
            cluster: "fleet-07".into(),
            services: part,
            done: 1,
            total: 400,
        },
    };
    c.bench_function("services_part_into_20000", |b| {
        b.iter_batched(
            || (refreshing.clone(), msg.clone()),
            |(mut s, m)| {
                deliver(&mut s, m);
                s
            },
            BatchSize::LargeInput,
        );
    });
    drop(refreshing);

    let mut filtering = services;
    key(&mut filtering, '/');
    assert_eq!(filtering.mode, Mode::Filter);
    let press = Event::Key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::NONE));
    c.bench_function("filter_keystroke_20000", |b| {
        b.iter_batched(
            || (filtering.clone(), press.clone()),
            |(mut s, e)| {
                let effects = update(&mut s, e);
                (s, effects)
            },
            BatchSize::LargeInput,
        );
    });

    let mut term = terminal();
    draw(&mut term, &filtering);
    c.bench_function("filter_keystroke_draw_20000", |b| {
        b.iter_batched(
            || (filtering.clone(), press.clone()),
            |(mut s, e)| {
                let effects = update(&mut s, e);
                draw(&mut term, &s);
                (s, effects)
            },
            BatchSize::LargeInput,
        );
    });
}

/// Places of the organisation-scale case: 48 accounts × 4 regions.
const PLACES: usize = 192;
const REGIONS: [&str; 4] = ["us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2"];

/// Resident set of this process, in KiB (`VmRSS`).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// The console opened on 192 places before any answered (the Services load started in
/// every place, one generation).
fn opened_on_places() -> AppState {
    let mut s = AppState::new(Settings::default(), fixtures::header("org"), false, now());
    let _ = update(
        &mut s,
        Event::Resize {
            width: WIDTH,
            height: HEIGHT,
        },
    );
    s.places = Places {
        all: (0..PLACES)
            .map(|i| PlaceInfo {
                account: format!("acct-{:02}", i / REGIONS.len()),
                account_id: format!("{:012}", 100_000_000_000 + i / REGIONS.len()),
                region: REGIONS[i % REGIONS.len()].into(),
                production: i % 12 == 0,
                read_only: false,
            })
            .collect(),
        ..Places::default()
    };
    let _ = init(&mut s);
    s
}

/// Place `place`'s answer as the runner sends it: its one cluster's three services as a
/// part (shown at once), then the place's whole listing.
fn place_answers(place: usize, generation: u64) -> [Msg; 2] {
    let cluster = format!("c{place:03}");
    let rows: Vec<Service> = ["api", "web", "worker"]
        .iter()
        .enumerate()
        .map(|(k, name)| fixtures::service(&cluster, name, 1 + k as i32, 2, 2))
        .collect();
    [
        Msg::Listing {
            place: Some(place),
            generation,
            answer: Listing::ServicesPart {
                cluster,
                services: rows.clone(),
                done: 1,
                total: 1,
            },
        },
        Msg::Listing {
            place: Some(place),
            generation,
            answer: Listing::Services(Ok(rows)),
        },
    ]
}

/// Delivers the answers of places `range` (in a scrambled order, as they would come).
fn answer_places(s: &mut AppState, range: std::ops::Range<usize>) {
    let generation = s.services.loader.generation;
    for i in range {
        let place = (i * 37) % PLACES;
        for m in place_answers(place, generation) {
            deliver(s, m);
        }
    }
}

/// The console over 192 places (issue 29): every place's services arrive as it answers.
///
/// - `places_192_all_answer`: from the opened console, all 192 places' answers (a part and
///   the whole listing each, 3 services per place) through `update`;
/// - `place_answer_into_191`: the last place's answer arriving into the other 191's rows;
/// - `render_services_192_places_half`: a frame while 96 of 192 have answered (the
///   pane's progress counts places in);
/// - `render_services_192_places`: a frame with every place's 576 rows.
///
/// Memory: the resident set grown while building the 192-place states, printed once (this
/// group runs first, so the 20,000-row fixtures of `tui` have not been built yet).
fn places_192(c: &mut Criterion) {
    let before = rss_kib();
    let opened = opened_on_places();
    let mut half = opened.clone();
    answer_places(&mut half, 0..PLACES / 2);
    let mut all = opened.clone();
    answer_places(&mut all, 0..PLACES);
    let after = rss_kib();
    assert_eq!(
        all.services.list.visible.len(),
        3 * PLACES,
        "every place's rows"
    );
    assert_eq!(half.services.list.visible.len(), 3 * PLACES / 2);
    assert!(
        half.services.loader.state.is_loading(),
        "half the places still loading"
    );
    assert!(
        !all.services.loader.state.is_loading(),
        "every place answered"
    );
    eprintln!(
        "places_192: three console states (opened, half, all answered) grew the resident \
         set by {} KiB (now {} KiB)",
        after.saturating_sub(before),
        after
    );

    c.bench_function("places_192_all_answer", |b| {
        b.iter_batched(
            || opened.clone(),
            |mut s| {
                answer_places(&mut s, 0..PLACES);
                s
            },
            BatchSize::LargeInput,
        );
    });

    let mut all_but_one = opened.clone();
    answer_places(&mut all_but_one, 0..PLACES - 1);
    let generation = all_but_one.services.loader.generation;
    let last = (PLACES - 1) * 37 % PLACES;
    c.bench_function("place_answer_into_191", |b| {
        b.iter_batched(
            || (all_but_one.clone(), place_answers(last, generation)),
            |(mut s, msgs)| {
                for m in msgs {
                    deliver(&mut s, m);
                }
                s
            },
            BatchSize::LargeInput,
        );
    });

    let mut term = terminal();
    c.bench_function("render_services_192_places_half", |b| {
        b.iter(|| draw(&mut term, black_box(&half)));
    });
    let mut term = terminal();
    c.bench_function("render_services_192_places", |b| {
        b.iter(|| draw(&mut term, black_box(&all)));
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = places_192, tui
}
criterion_main!(benches);
