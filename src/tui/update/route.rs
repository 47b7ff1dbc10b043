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
use crate::tui::state::msg::Listing;

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
            let view = state.places.in_view();
            let one = if let [one] = view[..] {
                Some(one)
            } else {
                None
            };
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
    if done < total {
        state.loader_mut(pane).part(
            generation,
            Progress {
                done,
                total,
                unit: "places",
            },
        );
        return effects;
    }
    // Every place answered: loaded, even if some failed (their lines say so). When all
    // failed, the pane says so too.
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
    effects
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
