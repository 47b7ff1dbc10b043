//! Where effects run in a console opened on several places, and the answers that come
//! back from each: `update` decides what to load or do as for one place, then `route`
//! sends each effect to its place(s) — the pane listings to every place in view, the
//! rest to the place of what they are about (the selected row's, the shown service's,
//! the open dialog's). With one place nothing is rewritten.
//!
//! `switch` (`:ctx NAME`, `:region R`, `all`) changes which places are in view without
//! reconnecting, and reloads the panes.
use crate::tui::state::pane_id::PaneId;

use crate::tui::run::effect::{Effect, Load, LogsRead, Work};
use crate::tui::state::app::AppState;
use crate::tui::state::list::Progress;
use crate::tui::state::msg::{Listing, PlacesNews};

/// Sends each effect to the place(s) it is about; unchanged with one place.
pub fn route(state: &mut AppState, effects: Vec<Effect>) -> Vec<Effect> {
    if !state.places.is_fleet() {
        return effects;
    }
    let mut out = Vec::new();
    for effect in effects {
        match effect {
            Effect::Run(work) => out.extend(route_work(state, work)),
            // A cleanup over several places carries each part's place itself.
            Effect::At { .. }
            | Effect::CancelAction
            | Effect::InterruptCleanup
            | Effect::CancelLogs
            | Effect::OpenUrl(_)
            | Effect::Copy(_)
            | Effect::CleanupAcross { .. } => out.push(effect),
        }
    }
    out
}

/// The place(s) one piece of work runs in over several places.
fn route_work(state: &mut AppState, work: Work) -> Vec<Effect> {
    match work {
        // Every place's identity was asked when it was connected.
        Work::Load(Load::Identity) => Vec::new(),
        Work::Load(Load::Services { .. }) => fan_out(state, PaneId::Services, &work),
        Work::Load(Load::Orphans { .. }) => fan_out(state, PaneId::Orphans, &work),
        Work::Load(Load::Snapshots { .. }) => {
            // Lifecycle policies are shown for one place in view only.
            let one = one_in_view(state);
            if one != state.snapshots.place {
                state.snapshots.lifecycle = crate::tui::state::lifecycle::LifecyclePane::default();
            }
            state.snapshots.place = one;
            fan_out(state, PaneId::Snapshots, &work)
        }
        Work::Load(Load::Lifecycle { .. }) if state.snapshots.place.is_none() => Vec::new(),
        work @ (Work::Load(
            Load::Tasks { .. }
            | Load::Detail { .. }
            | Load::Lifecycle { .. }
            | Load::Unique { .. }
            | Load::Deployments { .. }
            | Load::InFlight { .. }
            | Load::Metrics { .. }
            | Load::TaskMetrics { .. }
            | Load::Lineage { .. },
        )
        | Work::Logs(_)
        | Work::Action(_)
        | Work::HandsOn(_)
        | Work::Recover(_)) => {
            if let Some(place) = place_for(state, &work) {
                vec![work.at(place)]
            } else {
                tracing::warn!("no place to run {work:?} in");
                state.message = Some(
                    "this works on one account and region: select a row, or switch to \
                     one place with :ctx NAME or :region R"
                        .into(),
                );
                Vec::new()
            }
        }
    }
}

/// One copy of a pane load per place in view, each with the same generation.
fn fan_out(state: &mut AppState, pane: PaneId, work: &Work) -> Vec<Effect> {
    let view = state.places.in_view();
    state.places.expect(pane, &view);
    view.into_iter().map(|p| work.clone().at(p)).collect()
}

/// The place a piece of work is about.
fn place_for(state: &AppState, work: &Work) -> Option<usize> {
    match work {
        Work::Load(load) => match load {
            Load::Tasks { .. } | Load::TaskMetrics { .. } => {
                state.tasks.target.as_ref().and_then(|t| t.place)
            }
            Load::Detail { .. } => state.detail.target.as_ref().and_then(|t| t.place),
            Load::Deployments { .. } => state.deployments.target.as_ref().and_then(|t| t.place),
            Load::Lifecycle { .. } => state.snapshots.place,
            Load::Unique { .. } => state.snapshots.users.selected_row().and_then(|u| u.place),
            Load::Lineage { .. } => state.place_in_view(),
            // Everywhere, or nowhere in particular: as before, the dialog's.
            // Asked only in a console on one place.
            Load::Identity
            | Load::InFlight { .. }
            | Load::Metrics { .. }
            | Load::Services { .. }
            | Load::Snapshots { .. }
            | Load::Orphans { .. } => dialog_place(state),
        },
        Work::Logs(LogsRead::Sources { .. } | LogsRead::Page { .. }) => state.place_in_view(),
        // The dialogs: where the dialog was opened.
        Work::Action(_) | Work::HandsOn(_) | Work::Recover(_) => dialog_place(state),
    }
}

/// The place the open dialog acts in.
fn dialog_place(state: &AppState) -> Option<usize> {
    state.modal.as_ref().and_then(|m| m.place)
}

/// One place's answer to a pane listing: merged with the other places' answers; the
/// pane is loaded when every place asked has answered (a failed place keeps its error
/// in its own line, the rest show).
pub fn on_placed(
    state: &mut AppState,
    place: usize,
    generation: u64,
    answer: Listing,
) -> Vec<Effect> {
    let now = state.now;
    let (pane, error) = match answer {
        // A cluster of one place's services, before that place's whole answer: shown at
        // once in that place's rows (the progress still counts places).
        Listing::ServicesPart {
            cluster, services, ..
        } => {
            let loader = &state.services.loader;
            if generation == loader.generation && loader.state.is_loading() {
                state.services.set_place_cluster(place, &cluster, services);
                let open = state.pane == PaneId::Events;
                state.events.follow(&state.services, open);
            }
            return Vec::new();
        }
        // After that place's services: why those not steady are not.
        Listing::ServicesWhy(whys) => {
            if generation == state.services.loader.generation {
                state.services.set_whys(Some(place), whys);
            }
            return Vec::new();
        }
        // Beside that place's services: its alarms.
        Listing::ServicesAlarms(alarms) => {
            if generation == state.services.loader.generation {
                state.services.set_alarms(Some(place), alarms);
            }
            return Vec::new();
        }
        Listing::Services(ref result) => (PaneId::Services, result.as_ref().err().cloned()),
        Listing::Orphans(ref result) => (PaneId::Orphans, result.as_ref().err().cloned()),
        Listing::Snapshots(ref result) => (PaneId::Snapshots, result.as_ref().err().cloned()),
    };
    let loader = state.loader_mut(pane);
    if generation != loader.generation || !loader.state.is_loading() {
        tracing::debug!("dropping a stale answer of place {place}");
        return Vec::new();
    }
    let Some((done, total)) = state.places.answered(pane, place, error) else {
        return Vec::new();
    };
    let mut effects = Vec::new();
    match answer {
        Listing::Services(Ok(services)) => {
            state.services.set_place(place, services);
            let open = state.pane == PaneId::Events;
            state.events.follow(&state.services, open);
        }
        Listing::Orphans(Ok(report)) => state.orphans.set_place(place, report),
        Listing::Snapshots(Ok(groups)) => {
            state.snapshots.set_place(place, groups);
            if state.snapshots.place == Some(place) {
                effects.push(Effect::from(Load::Lifecycle {
                    generation: state.snapshots.lifecycle.loader.start(now),
                }));
            }
        }
        // A failed place: its line says why (`answered` above); the rest show.
        Listing::Services(Err(_))
        | Listing::Orphans(Err(_))
        | Listing::Snapshots(Err(_))
        | Listing::ServicesPart { .. }
        | Listing::ServicesWhy(_)
        | Listing::ServicesAlarms(_) => {}
    }
    settle_listing(state, pane, generation, (done, total));
    effects
}

/// A pane listing's progress over the places asked: loaded once every place asked has
/// answered and no account is still connecting (a place yet to join would be asked too),
/// even if some failed (their lines say so); when all failed, the pane says so too.
fn settle_listing(
    state: &mut AppState,
    pane: PaneId,
    generation: u64,
    (done, total): (usize, usize),
) {
    let now = state.now;
    if done < total || state.places.connecting.is_some() {
        state.loader_mut(pane).part(
            generation,
            Progress {
                done,
                total,
                unit: "places",
            },
        );
        return;
    }
    let all_failed = state
        .places
        .errors
        .keys()
        .filter(|(p, _)| *p == pane)
        .count()
        == total;
    let result = if all_failed && total > 0 {
        Err("every place failed (see the lines above)".to_string())
    } else {
        Ok(())
    };
    let finished = state.loader_mut(pane).finish(generation, result, now);
    if finished.is_some() && pane == PaneId::Services {
        state.last_refresh = Some(now);
    }
}

/// A listing's load, given its generation.
type ListingLoad = fn(u64) -> Load;

/// The listing panes, each loaded in every place in view, with their load.
const LISTINGS: [(PaneId, ListingLoad); 3] = [
    (PaneId::Services, |generation| Load::Services { generation }),
    (PaneId::Snapshots, |generation| Load::Snapshots {
        generation,
    }),
    (PaneId::Orphans, |generation| Load::Orphans { generation }),
];

/// Accounts of a console opened on several places, answering one by one: a joined
/// account's places in view are asked for every listing still loading (with its
/// generation: their rows arrive beside the others'); once every account has answered,
/// the places' final marks apply and listings whose places have all answered are loaded.
pub fn on_places(state: &mut AppState, news: PlacesNews) -> Vec<Effect> {
    match news {
        PlacesNews::Joined {
            places,
            failed,
            accounts,
        } => on_joined(state, places, failed, accounts),
        PlacesNews::Settled { marks, notes } => {
            for (place, (production, read_only)) in state.places.all.iter_mut().zip(marks) {
                place.production = production;
                place.read_only = read_only;
            }
            state.places.connecting = None;
            for (pane, _) in LISTINGS {
                let loader = state.loader_mut(pane);
                let (generation, loading) = (loader.generation, loader.state.is_loading());
                if loading && let Some(progress) = state.places.progress(pane) {
                    settle_listing(state, pane, generation, progress);
                }
            }
            state.message = Some(if state.places.all.is_empty() {
                "no place could be reached: each pane lists why".to_string()
            } else if notes.is_empty() {
                format!(
                    "every account answered: {}",
                    crate::tui::state::places::count(state.places.all.len(), "place")
                )
            } else {
                notes.join("; ")
            });
            Vec::new()
        }
    }
}

fn on_joined(
    state: &mut AppState,
    places: Vec<crate::tui::state::places::PlaceInfo>,
    failed: Vec<String>,
    accounts: (usize, usize),
) -> Vec<Effect> {
    let first = state.places.all.len();
    state.places.all.extend(places);
    state.places.failed.extend(failed);
    state.places.connecting = Some(accounts);
    let joined: Vec<usize> = (first..state.places.all.len())
        .filter(|&i| state.places.shows(i))
        .collect();
    // Lifecycle policies show for one place in view only.
    let one = one_in_view(state);
    if one != state.snapshots.place {
        state.snapshots.lifecycle = crate::tui::state::lifecycle::LifecyclePane::default();
        state.snapshots.place = one;
    }
    let mut effects = Vec::new();
    for (pane, load) in LISTINGS {
        let loader = state.loader_mut(pane);
        if !loader.state.is_loading() || joined.is_empty() {
            continue;
        }
        let generation = loader.generation;
        state.places.also_expect(pane, &joined);
        if let Some(progress) = state.places.progress(pane) {
            settle_listing(state, pane, generation, progress);
        }
        let work = Work::Load(load(generation));
        effects.extend(joined.iter().map(|&p| work.clone().at(p)));
    }
    effects
}

/// The one place in view, if only one is.
fn one_in_view(state: &AppState) -> Option<usize> {
    if let [one] = state.places.in_view()[..] {
        Some(one)
    } else {
        None
    }
}

/// `:ctx NAME` / `:region R` (`all`: every one): narrows or widens the places in view,
/// keeps what the places still in view showed, and reloads the listings.
pub fn switch(
    state: &mut AppState,
    account: Option<String>,
    region: Option<String>,
) -> Vec<Effect> {
    if !state.places.is_fleet() {
        state.message = Some(
            ":ctx and :region switch between the places of a console opened on several \
             (--profile a,b, --region a,b|all, [fleet])"
                .into(),
        );
        return Vec::new();
    }
    let all = |v: &Option<String>| v.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("all"));
    let mut next = state.places.clone();
    if let Some(a) = &account {
        next.account = (!all(&account)).then(|| a.clone());
    }
    if let Some(r) = &region {
        next.region = (!all(&region)).then(|| r.clone());
    }
    if next.in_view().is_empty() {
        state.message = Some(format!(
            "no place matches {}: known accounts {}; regions {}",
            account
                .map(|a| format!("account {a}"))
                .or(region.map(|r| format!("region {r}")))
                .unwrap_or_default(),
            state.places.account_names().join(", "),
            state.places.regions().join(", ")
        ));
        return Vec::new();
    }
    state.places = next;
    let places = state.places.clone();
    state.services.retain_places(|p| places.shows(p));
    state.orphans.retain_places(|p| places.shows(p));
    state.snapshots.retain_places(|p| places.shows(p));
    state.orphans.close_lineage();
    let (accounts, regions) = state.places.counts_in_view();
    state.message = Some(format!(
        "in view: {} · {}",
        crate::tui::state::places::count(accounts, "account"),
        crate::tui::state::places::count(regions, "region")
    ));
    if matches!(
        state.pane,
        PaneId::Tasks | PaneId::Detail | PaneId::Deployments
    ) {
        state.pane = PaneId::Services;
    }
    load_listings(state)
}

/// Start loading the three listing panes (Services, Snapshots, Orphans), each with a new
/// generation.
pub fn load_listings(state: &mut AppState) -> Vec<Effect> {
    let now = state.now;
    vec![
        Effect::from(Load::Services {
            generation: state.services.loader.start(now),
        }),
        Effect::from(Load::Snapshots {
            generation: state.snapshots.loader.start(now),
        }),
        Effect::from(Load::Orphans {
            generation: state.orphans.loader.start(now),
        }),
    ]
}
