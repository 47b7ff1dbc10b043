//! What every dialog's request shares: opening the dialog (with its generation, its place
//! and whether that place is read-only — read-only mode shows the plan and refuses), the
//! controller refusal, and which list a finished action reloads. The requests themselves
//! are in each feature's file (`rollback`, `cleanup`, `redeploy`, `restore`, `recover`,
//! `hands_on`); the dialog's keys and the answers' dispatch in `dialog`.

use crate::ops::guard::read_only_reason;
use crate::tui::run::effect::{Effect, Load};
use crate::tui::state::app::AppState;
use crate::tui::state::modal::{Modal, ModalKind};
use crate::tui::state::service_ref::ServiceRef;

/// Which list to load again once a dialog's action changed it.
pub(crate) enum Reload {
    Services,
    Snapshots,
    Orphans,
}

pub(crate) fn open(state: &mut AppState, kind: ModalKind) -> u64 {
    // Over several places the dialog acts where the selected row is, with its marks.
    open_at(state, kind, state.place_in_view())
}

/// Opens a dialog that acts in `place` (several places; `None` with one).
pub(crate) fn open_at(state: &mut AppState, kind: ModalKind, place: Option<usize>) -> u64 {
    state.action_generation += 1;
    let generation = state.action_generation;
    let read_only = read_only_at(state, place);
    state.modal = Some(Modal::new(generation, place, read_only, kind));
    generation
}

/// Why an action in `place` is refused as read-only (the place's account marks over
/// several places, the settings' otherwise), if it is.
fn read_only_at(state: &AppState, place: Option<usize>) -> Option<String> {
    let mut settings = state.settings.clone();
    settings.read_only = state.read_only_at(place);
    let reason = read_only_reason(&settings).map(|r| r.0);
    if let Some(why) = state.places.connecting_reason() {
        return Some(why);
    }
    match place.and_then(|i| state.places.all.get(i)) {
        Some(p) if p.read_only && !state.settings.read_only => Some(format!(
            "account {} ({}) is marked read_only in the config",
            p.account, p.account_id
        )),
        _ => reason,
    }
}

/// A service whose deployments another controller owns (CodeDeploy, external) is not
/// rolled back or redeployed through ECS: the reason goes to the status line, and nothing
/// is opened or sent.
pub(crate) fn refused_by_controller(
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

/// A fresh load of the service the Tasks pane shows (a new generation of its loader), if
/// it shows one.
pub(crate) fn load_tasks_again(state: &mut AppState) -> Option<Effect> {
    let (cluster, service) = state.tasks.target.as_ref().map(ServiceRef::names)?;
    Some(Effect::from(Load::Tasks {
        generation: state.tasks.loader.start(state.now),
        cluster,
        service,
    }))
}
