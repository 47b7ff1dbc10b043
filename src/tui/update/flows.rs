//! The action flows, called only from `update`: requests (open a dialog and ask for the
//! plan) here; the dialog's keys (confirm → the `*_do` effect that runs exactly the plan
//! shown) and the answers that move a dialog along in `dialog`. Read-only mode shows the
//! plan and refuses.

use crate::tui::state::pane_id::PaneId;

use crate::ops::cleanup::Selection;
use crate::ops::guard::read_only_reason;
use crate::tui::run::effect::Effect;
use crate::tui::state::app::AppState;
use crate::tui::state::cleanup::CleanupModal;
use crate::tui::state::list::{ListPane, Row};
use crate::tui::state::modal::{Modal, ModalKind};
use crate::tui::state::orphans::OrphanRow;
use crate::tui::state::rollback::RollbackModal;
use crate::tui::state::simple::SimpleModal;

pub(crate) fn open(state: &mut AppState, kind: ModalKind) -> u64 {
    // Over several places the dialog acts where the selected row is, with its marks.
    open_at(state, kind, state.place_in_view())
}

/// Opens a dialog that acts in `place` (several places; `None` with one).
fn open_at(state: &mut AppState, kind: ModalKind, place: Option<usize>) -> u64 {
    state.action_generation += 1;
    let generation = state.action_generation;
    state.action_place = place;
    let read_only = read_only_at(state, state.action_place);
    state.modal = Some(Modal::new(generation, read_only, kind));
    generation
}

/// Why an action in `place` is refused as read-only (the place's account marks over
/// several places, the settings' otherwise), if it is.
fn read_only_at(state: &AppState, place: Option<usize>) -> Option<String> {
    let mut settings = state.settings.clone();
    settings.read_only = state.read_only_at(place);
    let reason = read_only_reason(&settings).map(|r| r.0);
    match place.and_then(|i| state.places.all.get(i)) {
        Some(p) if p.read_only && !state.settings.read_only => Some(format!(
            "account {} ({}) is marked read_only in the config",
            p.account, p.account_id
        )),
        _ => reason,
    }
}

/// `R`: the rollback picker for the service in view.
pub fn request_rollback(state: &mut AppState) -> Vec<Effect> {
    let Some((cluster, service)) = state.service_in_view() else {
        state.message = Some("select a service to roll back".into());
        return Vec::new();
    };
    let Some(current) = state
        .services
        .find_at(state.place_in_view(), &cluster, &service)
        .map(|s| crate::ops::running_task_definition(s).to_string())
    else {
        state.message = Some(format!(
            "{cluster}/{service} is not among the loaded services"
        ));
        return Vec::new();
    };
    let place = state.place_in_view();
    rollback_of(state, (cluster, service), current, place)
}

/// A service whose deployments another controller owns (CodeDeploy, external) is not
/// rolled back or redeployed through ECS: the reason goes to the status line, and nothing
/// is opened or sent.
fn refused_by_controller(
    state: &mut AppState,
    (cluster, service, place): (&str, &str, Option<usize>),
    action: &str,
) -> bool {
    let refusal = state
        .services
        .find_at(place, cluster, service)
        .and_then(|s| crate::ops::controller_refusal(s, action));
    match refusal {
        Some(e) => {
            state.message = Some(e.to_string());
            true
        }
        None => false,
    }
}

/// The rollback picker of `service` in `place` (the selected row's, or the place of the
/// rollout that failed).
pub(crate) fn rollback_of(
    state: &mut AppState,
    (cluster, service): (String, String),
    current: String,
    place: Option<usize>,
) -> Vec<Effect> {
    if refused_by_controller(state, (&cluster, &service, place), "roll back") {
        return Vec::new();
    }
    let modal = RollbackModal::new(cluster.clone(), service.clone(), current.clone());
    let generation = open_at(state, ModalKind::Rollback(modal), place);
    vec![Effect::LoadRevisions {
        generation,
        cluster,
        service,
        current,
    }]
}

/// `D`: plan a forced redeploy of the service in view.
pub fn request_redeploy(state: &mut AppState) -> Vec<Effect> {
    let Some((cluster, service)) = state.service_in_view() else {
        state.message = Some("select a service to redeploy".into());
        return Vec::new();
    };
    let place = state.place_in_view();
    if refused_by_controller(state, (&cluster, &service, place), "redeploy") {
        return Vec::new();
    }
    let generation = open(
        state,
        ModalKind::Simple(SimpleModal::redeploy(&cluster, &service)),
    );
    vec![Effect::PlanRedeploy {
        generation,
        cluster,
        service,
    }]
}

/// The marked rows' keys, or the selected row's when none is marked.
fn marked_or_selected<R: Row>(list: &ListPane<R>) -> Vec<String> {
    let keys: Vec<String> = list
        .rows
        .iter()
        .map(Row::key)
        .filter(|k| list.marks.contains(k))
        .collect();
    if keys.is_empty() {
        list.selected_key().into_iter().collect()
    } else {
        keys
    }
}

/// `x`: plan the deletion of the marked orphans, or of the marked tags' images.
pub fn request_cleanup(state: &mut AppState) -> Vec<Effect> {
    let mut selection = Selection::default();
    // Whether marks are acted on (else the selected row), and the table's order of ids.
    let (mut marked, mut order) = (true, Vec::new());
    match state.pane {
        PaneId::Orphans => {
            let list = &state.orphans.list;
            marked = !list.marks.is_empty();
            order = list.visible_rows().map(Row::key).collect();
            for key in marked_or_selected(list) {
                match list.rows.iter().find(|r| r.key() == key) {
                    Some(OrphanRow::Volume(_)) => selection.volumes.insert(key),
                    Some(OrphanRow::Snapshot(_)) => selection.snapshots.insert(key),
                    None => false,
                };
            }
        }
        PaneId::Snapshots => {
            let list = &state.snapshots.tags;
            marked = !list.marks.is_empty();
            let keys = if list.marks.is_empty() && !state.snapshots.focus_tags {
                Vec::new()
            } else {
                marked_or_selected(list)
            };
            for key in keys {
                if let Some(r) = list.rows.iter().find(|r| r.key() == key) {
                    selection
                        .images
                        .insert(format!("{}@{}", r.repository, r.entry.digest));
                }
            }
        }
        _ => {}
    }
    let asked = selection.len();
    if asked == 0 {
        state.message = Some(
            match state.pane {
                PaneId::Snapshots => {
                    "mark tags with space (Enter moves to the tags) to delete them"
                }
                _ => "nothing to delete here",
            }
            .into(),
        );
        return Vec::new();
    }
    // Over several places a cleanup acts in one place: the place of what was marked.
    let mut places: Vec<usize> = match state.pane {
        PaneId::Orphans => selection
            .volumes
            .iter()
            .chain(&selection.snapshots)
            .filter_map(|id| state.orphans.place_of.get(id).copied())
            .collect(),
        // The tags list holds the selected user's tags: one place.
        _ => state
            .snapshots
            .users
            .selected_row()
            .and_then(|u| u.place)
            .into_iter()
            .collect(),
    };
    places.sort_unstable();
    places.dedup();
    if state.places.is_fleet() && places.len() > 1 {
        return request_cleanup_across(state, &selection, &places);
    }
    let place = places.first().copied();
    let modal = CleanupModal::new(asked).chosen(marked, order);
    let generation = open_at(state, ModalKind::Cleanup(modal), place);
    vec![Effect::PlanCleanup {
        generation,
        selection,
    }]
}

/// `x` on orphans marked in several places: each place plans its own ids (with its own
/// rules, DryRun preflight and marks), the dialog shows them under each place's name and
/// confirms once — typed when any place is production. A read-only account among them
/// refuses before anything is planned.
fn request_cleanup_across(
    state: &mut AppState,
    selection: &Selection,
    places: &[usize],
) -> Vec<Effect> {
    let info = |p: usize| state.places.all.get(p);
    if let Some(p) = places
        .iter()
        .find(|p| state.read_only_at(Some(**p)))
        .and_then(|p| info(*p))
    {
        state.message = Some(format!(
            "account {} ({}) is marked read_only: unmark its rows (or leave it with :ctx) \
             to clean up the rest",
            p.account, p.account_id
        ));
        return Vec::new();
    }
    let labels = places
        .iter()
        .filter_map(|p| info(*p).map(|i| (*p, i.name())))
        .collect();
    let production = places.iter().any(|p| state.production_at(Some(*p)));
    let of_place = |ids: &std::collections::BTreeSet<String>, place: usize| {
        ids.iter()
            .filter(|id| state.orphans.place_of.get(*id) == Some(&place))
            .cloned()
            .collect()
    };
    let parts: Vec<(usize, Selection)> = places
        .iter()
        .map(|p| {
            (
                *p,
                Selection {
                    volumes: of_place(&selection.volumes, *p),
                    snapshots: of_place(&selection.snapshots, *p),
                    ..Selection::default()
                },
            )
        })
        .collect();
    let order = state.orphans.list.visible_rows().map(Row::key).collect();
    let modal = CleanupModal::across(selection.len(), labels, production).chosen(true, order);
    let generation = open_at(state, ModalKind::Cleanup(modal), None);
    parts
        .into_iter()
        .map(|(place, selection)| {
            Effect::PlanCleanupPart {
                generation,
                place,
                selection,
            }
            .at(place)
        })
        .collect()
}

/// `v`: plan bringing the selected orphaned volume back into the service that created it.
pub fn request_recover(state: &mut AppState) -> Vec<Effect> {
    let Some(OrphanRow::Volume(v)) = state.orphans.list.selected_row() else {
        state.message = Some("select an orphaned volume to recover into its service (v)".into());
        return Vec::new();
    };
    let volume = v.volume.id.clone();
    let generation = open(state, ModalKind::Simple(SimpleModal::recover(&volume)));
    vec![Effect::PlanRecover { generation, volume }]
}

/// `t`: plan pointing the selected user's resume tag at the selected tag.
pub fn request_restore(state: &mut AppState) -> Vec<Effect> {
    let s = &state.snapshots;
    let user = s.users.selected_row().and_then(|u| u.group.user.clone());
    let tag = s
        .tags
        .selected_row()
        .map(|t| (t.repository.clone(), t.entry.tag.clone()));
    let (Some(user), Some((repository, tag))) = (user, tag) else {
        state.message =
            Some("select a user's tag to restore (tags under (other) have no user)".into());
        return Vec::new();
    };
    let generation = open(state, ModalKind::Simple(SimpleModal::restore(&user, &tag)));
    vec![Effect::PlanRestore {
        generation,
        repository,
        user,
        tag,
    }]
}
