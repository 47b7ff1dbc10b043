//! The only place state changes: a key, a load result or a tick goes in, the state moves,
//! and the effects to run (loads to start) come out.

use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use crate::analysis::health::Steadiness;
use crate::model::ResourceKind;
use crate::tui::action::Action;
use crate::tui::keymap::{self, Scope};
use crate::tui::run::effect::{Effect, Load};
use crate::tui::state::app::{AppState, JumpTarget, Mode};
use crate::tui::state::list::{ListOps, LoadState, Progress, Row as ListRow};
use crate::tui::state::modal::{ModalKind, Stage};
use crate::tui::state::msg::{Event, Listing, Msg, PaneAnswer};
use crate::tui::state::orphans::OrphanRow;
use crate::tui::state::pane_id::PaneId;
use crate::tui::state::service_ref::ServiceRef;
use crate::tui::state::snapshots::Unique;
use crate::tui::update::flows::load_tasks_again;
use crate::tui::update::jump;

/// How often a service that is rolling out is refreshed while shown.
pub const ROLLING_REFRESH: Duration = Duration::from_secs(5);

/// The loads to start when the console opens: every pane fills in the background.
pub fn init(state: &mut AppState) -> Vec<Effect> {
    let mut effects = vec![Effect::from(Load::Identity)];
    effects.extend(crate::tui::update::route::load_listings(state));
    crate::tui::update::route::route(state, effects)
}

pub fn update(state: &mut AppState, event: Event) -> Vec<Effect> {
    let mut effects = update_inner(state, event);
    effects.extend(follow_lineage(state));
    crate::tui::update::route::route(state, effects)
}

/// The Orphans detail follows the cursor: once the selected row is no longer the one whose
/// lineage is shown (the cursor moved, a filter or a delete took the row away), the
/// lineage of the selected row loads (an answer still coming for the old id is dropped by
/// its generation); with no row left the detail closes.
fn follow_lineage(state: &mut AppState) -> Vec<Effect> {
    let Some(shown) = state.orphans.lineage_for.as_deref() else {
        return Vec::new();
    };
    match state.orphans.list.selected_row().map(OrphanRow::id) {
        Some(id) if id == shown => Vec::new(),
        Some(_) => open_lineage(state),
        None => {
            state.orphans.close_lineage();
            Vec::new()
        }
    }
}

fn update_inner(state: &mut AppState, event: Event) -> Vec<Effect> {
    match event {
        Event::Key(key) => on_key(state, &key),
        Event::Msg(msg) => on_msg(state, msg),
        Event::Tick(now) => {
            state.now = now;
            state.tick = state.tick.wrapping_add(1);
            let mut effects = due_refreshes(state);
            effects.extend(crate::tui::update::logs::on_tick(state));
            effects
        }
        Event::Resize { width, height } => {
            state.page = usize::from(height.saturating_sub(12)).max(1);
            state.too_small = !crate::tui::state::app::fits(width, height);
            Vec::new()
        }
    }
}

fn on_key(state: &mut AppState, key: &KeyEvent) -> Vec<Effect> {
    let cleanup_running = state
        .modal
        .as_ref()
        .is_some_and(|m| m.stage == Stage::Running && matches!(m.kind, ModalKind::Cleanup(_)));
    if !cleanup_running {
        state.cleanup_interrupted = false;
    }
    // Behind the "terminal too small" notice only quit works (`q` as Ctrl-C): a key
    // pressed there must not move a cursor or open a dialog the user cannot see.
    let quit_while_too_small =
        state.too_small && keymap::lookup_in(Scope::Global, key) == Some(Action::Quit);
    if state.too_small && !quit_while_too_small && !keymap::is_force_quit(key) {
        return Vec::new();
    }
    if keymap::is_force_quit(key) || quit_while_too_small {
        // The first Ctrl-C during a cleanup stops new deletes and lets those in flight
        // finish (reported); the second quits at once.
        if cleanup_running && !state.cleanup_interrupted {
            state.cleanup_interrupted = true;
            if let Some(m) = state.modal.as_mut() {
                m.confirm.error = Some(
                    "interrupted: no new deletes start; waiting for those in flight. Ctrl-C \
                     again quits at once"
                        .into(),
                );
            }
            return vec![Effect::InterruptCleanup];
        }
        state.quit = true;
        return Vec::new();
    }
    // The help, over a pane, the Logs view or a dialog, takes every key until it closes.
    if state.mode == Mode::Help {
        return crate::tui::update::help::on_key(state, key);
    }
    if state.modal.is_some() {
        if let Some(effects) = crate::tui::update::text_field::on_key(state, key) {
            return effects;
        }
        return crate::tui::update::dialog::on_key(state, key);
    }
    if state.logs.is_some() && state.mode != Mode::Help {
        return crate::tui::update::logs::on_key(state, key);
    }
    match state.mode.clone() {
        Mode::Help => Vec::new(),
        Mode::Filter => {
            on_filter_key(state, key);
            Vec::new()
        }
        Mode::Jump { input, choice } => on_jump_key(state, key, input, choice),
        Mode::Normal => {
            let action = keymap::lookup(state.pane, key);
            // Esc first clears a line the user is reading; only the next Esc goes back.
            if state.message.take().is_some() && action == Some(Action::Back) {
                return Vec::new();
            }
            match action {
                Some(action) => {
                    if action.acts_on_row() {
                        with_active_list(state, |l| l.choose());
                    }
                    act(state, action)
                }
                None => Vec::new(),
            }
        }
    }
}

/// Performs one keymap action.
pub fn act(state: &mut AppState, action: Action) -> Vec<Effect> {
    let page = state.page as isize;
    match action {
        Action::Quit => state.quit = true,
        Action::Help => state.mode = Mode::Help,
        Action::NextPane | Action::PrevPane => {
            let tabs = PaneId::TABS;
            let i = state.pane.tab();
            let next = if action == Action::NextPane {
                (i + 1) % tabs.len()
            } else {
                (i + tabs.len() - 1) % tabs.len()
            };
            return go_pane(state, tabs[next]);
        }
        Action::GoPane(p) => return go_pane(state, p),
        Action::Up => move_by(state, -1),
        Action::Down => move_by(state, 1),
        Action::PageUp => move_by(state, -page),
        Action::PageDown => move_by(state, page),
        Action::Top => move_by(state, isize::MIN / 2),
        Action::Bottom => move_by(state, isize::MAX / 2),
        Action::Open => return open(state),
        Action::Detail => return open_detail(state),
        Action::Events => open_events(state),
        Action::Back => back(state),
        Action::Filter => state.mode = Mode::Filter,
        Action::SortNext | Action::SortReverse => sort(state, action == Action::SortNext),
        Action::Jump => {
            state.mode = Mode::Jump {
                input: String::new(),
                choice: 0,
            };
        }
        Action::Refresh => return refresh(state),
        Action::Mark => mark(state),
        Action::UniqueBytes => return unique_bytes(state),
        Action::MarkAll => {
            with_active_list(state, |l| l.toggle_mark_visible());
        }
        Action::Rollback => return crate::tui::update::rollback::request_rollback(state),
        Action::Redeploy => return crate::tui::update::redeploy::request_redeploy(state),
        Action::Cleanup => return crate::tui::update::cleanup::request_cleanup(state),
        Action::RestoreUser => return crate::tui::update::restore::request_restore(state),
        Action::MarkForDeletion => return crate::tui::update::storage::request_mark(state),
        Action::ArchiveSnapshots => return crate::tui::update::cleanup::request_archive(state),
        Action::Exec => return crate::tui::update::hands_on::request_exec(state),
        Action::PortForward => return crate::tui::update::hands_on::request_port_forward(state),
        Action::StopTask => return crate::tui::update::hands_on::request_stop(state),
        Action::ScaleUp => return crate::tui::update::hands_on::request_scale(state, 1),
        Action::ScaleDown => return crate::tui::update::hands_on::request_scale(state, -1),
        Action::RecoverVolume => return crate::tui::update::recover::request_recover(state),
        Action::Deployments => return crate::tui::update::deployments::open(state),
        Action::ContinueDeployment => {
            return crate::tui::update::deployment_action::request_continue(state);
        }
        // Dialog, filter and jump keys are handled where those read them; nothing to do
        // in a pane.
        Action::Confirm
        | Action::Cancel
        | Action::ModalUp
        | Action::ModalDown
        | Action::ModalSwitch
        | Action::ModalSnapshotFirst
        | Action::ModalRestoreTier
        | Action::DeleteChar
        | Action::Complete
        | Action::ModalForce
        | Action::LogsFollow
        | Action::LogsWrap
        | Action::LogsContainer
        | Action::LogsNextMatch => {}
        Action::Logs => return crate::tui::update::logs::open(state),
        Action::OpenConsole => return crate::tui::update::open_copy::open_in_console(state),
        Action::CopyId => return crate::tui::update::open_copy::copy(state, false),
        Action::CopyArn => return crate::tui::update::open_copy::copy(state, true),
    }
    Vec::new()
}

fn go_pane(state: &mut AppState, pane: PaneId) -> Vec<Effect> {
    state.pane = pane;
    if pane == PaneId::Tasks {
        // The Tasks pane shows the service selected in Services.
        if let Some(row) = state.services.list.selected_row() {
            let target = (row.service.cluster.clone(), row.service.name.clone());
            let place = row.place;
            return load_tasks_of(state, target, place);
        }
    }
    Vec::new()
}

fn load_tasks_of(
    state: &mut AppState,
    target: (String, String),
    place: Option<usize>,
) -> Vec<Effect> {
    let fresh = state.tasks.target.as_ref() != Some(&ServiceRef::new(place, &target.0, &target.1))
        || !state.tasks.loader.loaded_once;
    state
        .tasks
        .retarget(ServiceRef::new(place, &target.0, &target.1));
    if !fresh && !matches!(state.tasks.loader.state, LoadState::Failed { .. }) {
        return Vec::new();
    }
    vec![Effect::from(Load::Tasks {
        generation: state.tasks.loader.start(state.now),
        cluster: target.0,
        service: target.1,
    })]
}

fn load_detail_of(
    state: &mut AppState,
    target: (String, String),
    place: Option<usize>,
) -> Vec<Effect> {
    state
        .detail
        .retarget(ServiceRef::new(place, &target.0, &target.1));
    let Some(service) = state.services.find_at(place, &target.0, &target.1) else {
        state.message = Some(format!(
            "{}/{} is not among the loaded services",
            target.0, target.1
        ));
        return Vec::new();
    };
    vec![Effect::from(Load::Detail {
        generation: state.detail.loader.start(state.now),
        task_definition: service.task_definition.clone(),
        cluster: target.0,
        service: target.1,
    })]
}

fn open(state: &mut AppState) -> Vec<Effect> {
    match state.pane {
        PaneId::Services => {
            let picked = state.services.list.selected_row().map(|row| {
                (
                    (row.service.cluster.clone(), row.service.name.clone()),
                    row.place,
                )
            });
            open_tasks_of(state, picked)
        }
        PaneId::Tasks => open_detail(state),
        PaneId::Snapshots => {
            state.snapshots.focus_tags =
                !state.snapshots.focus_tags && !state.snapshots.tags.visible.is_empty();
            Vec::new()
        }
        PaneId::Orphans => open_lineage(state),
        PaneId::Events => {
            // The event's service: its tasks, as Enter on Services opens them.
            let picked = state.events.list.selected_row().map(|row| {
                (
                    (row.event.cluster.clone(), row.event.service.clone()),
                    row.place,
                )
            });
            open_tasks_of(state, picked)
        }
        PaneId::Detail | PaneId::Deployments => Vec::new(),
    }
}

/// Enter on a service (or on an event: its service): the Tasks pane, loading that
/// service's tasks in its place; nothing without a selected row.
fn open_tasks_of(
    state: &mut AppState,
    picked: Option<((String, String), Option<usize>)>,
) -> Vec<Effect> {
    let Some((target, place)) = picked else {
        return Vec::new();
    };
    state.pane = PaneId::Tasks;
    load_tasks_of(state, target, place)
}

/// `E`: the Events pane, the feed built afresh from the services loaded.
fn open_events(state: &mut AppState) {
    state.events.rebuild(&state.services);
    state.pane = PaneId::Events;
}

/// Enter in Orphans: the lineage of the selected volume or snapshot.
fn open_lineage(state: &mut AppState) -> Vec<Effect> {
    let Some(row) = state.orphans.list.selected_row() else {
        return Vec::new();
    };
    let (kind, id) = match row {
        OrphanRow::Volume(v) => (ResourceKind::Volume, v.volume.id.clone()),
        OrphanRow::Snapshot(s) => (ResourceKind::Snapshot, s.snapshot.id.clone()),
    };
    let o = &mut state.orphans;
    o.lineage_for = Some(id.clone());
    o.lineage = None;
    vec![Effect::from(Load::Lineage {
        generation: o.lineage_loader.start(state.now),
        kind,
        id,
    })]
}

fn open_detail(state: &mut AppState) -> Vec<Effect> {
    // Detail is already the detail: nothing deeper to open.
    if state.pane == PaneId::Detail {
        return Vec::new();
    }
    let Some(target) = state.service_in_view() else {
        return Vec::new();
    };
    let place = state.place_in_view();
    state.detail_from = state.pane;
    state.pane = PaneId::Detail;
    load_detail_of(state, target, place)
}

fn back(state: &mut AppState) {
    if state.active_filter().is_some_and(|f| !f.is_empty()) {
        set_filter(state, String::new());
        return;
    }
    match state.pane {
        PaneId::Detail => state.pane = state.detail_from,
        PaneId::Deployments => state.pane = state.deployments.from,
        PaneId::Tasks | PaneId::Events => state.pane = PaneId::Services,
        PaneId::Snapshots if state.snapshots.focus_tags => state.snapshots.focus_tags = false,
        PaneId::Orphans if state.orphans.lineage_for.is_some() => state.orphans.close_lineage(),
        _ => state.message = Some("press q to quit".into()),
    }
}

/// Runs `f` on the active list (none on Detail: returns false). When that moves the
/// Snapshots pane's user selection, its tags follow.
fn with_active_list(state: &mut AppState, f: impl FnOnce(&mut dyn ListOps)) -> bool {
    let user = state.snapshots.users.selected_key();
    let Some(list) = state.active_list_mut() else {
        return false;
    };
    f(list);
    if state.snapshots.users.selected_key() != user {
        state.snapshots.sync_tags();
    }
    true
}

fn move_by(state: &mut AppState, delta: isize) {
    if state.pane == PaneId::Detail {
        let s = &state.detail.scroll;
        let v = i64::from(s.get()).saturating_add(delta as i64);
        s.set(u16::try_from(v.clamp(0, i64::from(u16::MAX))).unwrap_or(0));
        return;
    }
    if state.pane == PaneId::Deployments {
        state.deployments.move_by(delta);
        return;
    }
    with_active_list(state, |l| l.move_by(delta));
}

fn sort(state: &mut AppState, next: bool) {
    with_active_list(state, |l| {
        if next {
            l.sort_next();
        } else {
            l.sort_reverse();
        }
    });
}

fn mark(state: &mut AppState) {
    if with_active_list(state, |l| l.toggle_mark()) {
        move_by(state, 1);
    }
}

pub fn set_filter(state: &mut AppState, filter: String) {
    with_active_list(state, |l| l.set_filter(filter));
}

fn on_filter_key(state: &mut AppState, key: &KeyEvent) {
    let mut text = state.active_filter().unwrap_or_default().to_string();
    match keymap::lookup_in(Scope::Filter, key) {
        Some(Action::Cancel) => {
            state.mode = Mode::Normal;
            set_filter(state, String::new());
        }
        Some(Action::Confirm) => state.mode = Mode::Normal,
        Some(Action::DeleteChar) => {
            text.pop();
            set_filter(state, text);
        }
        Some(Action::Up) => move_by(state, -1),
        Some(Action::Down) => move_by(state, 1),
        Some(_) => {}
        None => {
            if let Some(c) = keymap::typed_char(key) {
                text.push(c);
                set_filter(state, text);
            }
        }
    }
}

fn on_jump_key(
    state: &mut AppState,
    key: &KeyEvent,
    mut input: String,
    choice: usize,
) -> Vec<Effect> {
    let matches = jump::matches(state, &input);
    let mut choice = choice.min(matches.len().saturating_sub(1));
    match keymap::lookup_in(Scope::Jump, key) {
        Some(Action::Cancel) => {
            state.mode = Mode::Normal;
            return Vec::new();
        }
        Some(Action::Confirm) => {
            state.mode = Mode::Normal;
            let exact = matches
                .iter()
                .find(|t| t.text().eq_ignore_ascii_case(input.trim()));
            if let Some(target) = exact.or(matches.get(choice)).cloned() {
                return jump_to(state, target);
            }
            // `ctx NAME` / `region R` that names no known place: say which are known.
            if let Some(target) = jump::place_switch(&input) {
                return jump_to(state, target);
            }
            state.message = Some(format!(
                "no cluster, service or user matches {:?}",
                input.trim()
            ));
            return Vec::new();
        }
        Some(Action::Complete) => {
            if let Some(t) = matches.get(choice) {
                input = t.text();
                choice = 0;
            }
        }
        Some(Action::Down) => choice = (choice + 1).min(matches.len().saturating_sub(1)),
        Some(Action::Up) => choice = choice.saturating_sub(1),
        Some(Action::DeleteChar) => {
            input.pop();
            choice = 0;
        }
        Some(_) => {}
        None => {
            if let Some(c) = keymap::typed_char(key) {
                input.push(c);
                choice = 0;
            }
        }
    }
    state.mode = Mode::Jump { input, choice };
    Vec::new()
}

fn jump_to(state: &mut AppState, target: JumpTarget) -> Vec<Effect> {
    match target {
        JumpTarget::AllClusters | JumpTarget::Cluster(_) => {
            state.services.cluster_scope = match target {
                JumpTarget::Cluster(c) => Some(c),
                _ => None,
            };
            state.services.list.filter.clear();
            state.services.apply_scope();
            state.pane = PaneId::Services;
            Vec::new()
        }
        JumpTarget::Service(cluster, service) => {
            if state
                .services
                .cluster_scope
                .as_ref()
                .is_some_and(|c| c != &cluster)
            {
                state.services.cluster_scope = None;
                state.services.apply_scope();
            }
            // Over several places the first place that has it (its key names the place).
            let key = state
                .services
                .list
                .rows
                .iter()
                .find(|r| r.service.cluster == cluster && r.service.name == service)
                .map_or_else(|| format!("{cluster}/{service}"), ListRow::key);
            if !state.services.list.select_key(&key) {
                state.services.list.set_filter(String::new());
                state.services.list.select_key(&key);
            }
            state.pane = PaneId::Tasks;
            let place = state.services.list.selected_row().and_then(|r| r.place);
            load_tasks_of(state, (cluster, service), place)
        }
        JumpTarget::User(repo, user) => {
            let s = &mut state.snapshots;
            // Over several places the first place that has the user (its key names it).
            let key = s
                .users
                .rows
                .iter()
                .find(|u| u.group.repository == repo && u.group.user.as_deref() == Some(&user))
                .map_or_else(|| format!("{repo}/{user}"), ListRow::key);
            if !s.users.select_key(&key) {
                s.users.set_filter(String::new());
                s.users.select_key(&key);
            }
            s.focus_tags = false;
            s.sync_tags();
            state.pane = PaneId::Snapshots;
            Vec::new()
        }
        JumpTarget::Account(a) => crate::tui::update::route::switch(state, Some(a), None),
        JumpTarget::Region(r) => crate::tui::update::route::switch(state, None, Some(r)),
    }
}

/// `r`: the services, and whatever the shown pane shows.
fn refresh(state: &mut AppState) -> Vec<Effect> {
    let now = state.now;
    let mut effects = vec![Effect::from(Load::Services {
        generation: state.services.loader.start(now),
    })];
    if state.header.account.is_none() {
        effects.push(Effect::from(Load::Identity));
    }
    effects.extend(pane_load(state, state.pane));
    effects
}

/// A fresh load of what a pane shows (the services list is loaded separately).
fn pane_load(state: &mut AppState, pane: PaneId) -> Vec<Effect> {
    let now = state.now;
    match pane {
        // The feed is the services' events: `refresh` loads them.
        PaneId::Services | PaneId::Events => Vec::new(),
        PaneId::Tasks => load_tasks_again(state).into_iter().collect(),
        PaneId::Detail => match state.detail.target.clone() {
            Some(t) => load_detail_of(state, t.names(), t.place),
            None => Vec::new(),
        },
        PaneId::Deployments => crate::tui::update::deployments::load(state)
            .into_iter()
            .collect(),
        PaneId::Snapshots => vec![Effect::from(Load::Snapshots {
            generation: state.snapshots.loader.start(now),
        })],
        PaneId::Orphans => vec![Effect::from(Load::Orphans {
            generation: state.orphans.loader.start(now),
        })],
    }
}

fn unique_bytes(state: &mut AppState) -> Vec<Effect> {
    let Some((key, repository, mine, others)) = state.snapshots.digests_for_unique() else {
        return Vec::new();
    };
    let generation = state.snapshots.unique_loader.start(state.now);
    state.snapshots.unique.insert(
        key.clone(),
        Unique::Computing {
            done: 0,
            total: mine.len() + others.len(),
        },
    );
    state.snapshots.unique_for = Some(key);
    vec![Effect::from(Load::Unique {
        generation,
        repository,
        mine,
        others,
    })]
}

/// Whether a loader's last answer is older than `every` (and nothing is in flight).
fn is_due(state: &LoadState, now: DateTime<Utc>, every: Duration) -> bool {
    let at = match state {
        LoadState::Loaded { at } | LoadState::Failed { at, .. } => *at,
        LoadState::Idle | LoadState::Loading { .. } => return false,
    };
    (now - at).to_std().is_ok_and(|age| age >= every)
}

/// Background refresh: the services every `settings.refresh`, and the shown pane too —
/// every 5 s while the shown service is rolling out.
fn due_refreshes(state: &mut AppState) -> Vec<Effect> {
    let now = state.now;
    let every = state.settings.refresh;
    let mut effects = Vec::new();
    if is_due(&state.services.loader.state, now, every) {
        effects.push(Effect::from(Load::Services {
            generation: state.services.loader.start(now),
        }));
    }
    let shown_rolling = |target: Option<&ServiceRef>| {
        target
            .and_then(|t| state.services.find_at(t.place, &t.cluster, &t.service))
            .is_some_and(|s| crate::analysis::health::steadiness(s) == Steadiness::Rolling)
    };
    let pane = state.pane;
    let (loader, fast) = match pane {
        // The services' refresh above is the feed's.
        PaneId::Services | PaneId::Events => return effects,
        PaneId::Tasks => (
            &state.tasks.loader.state,
            shown_rolling(state.tasks.target.as_ref()),
        ),
        PaneId::Detail => (
            &state.detail.loader.state,
            shown_rolling(state.detail.target.as_ref()),
        ),
        PaneId::Deployments => (
            &state.deployments.loader.state,
            crate::tui::update::deployments::in_flight(state),
        ),
        PaneId::Snapshots => (&state.snapshots.loader.state, false),
        PaneId::Orphans => (&state.orphans.loader.state, false),
    };
    let interval = if fast {
        ROLLING_REFRESH.min(every)
    } else {
        every
    };
    if is_due(loader, now, interval) {
        effects.extend(pane_load(state, pane));
    }
    effects
}

fn on_msg(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Identity(result) => {
            match result {
                Ok(id) => {
                    state.settings.apply_account(&id.account);
                    state.header.account = Some(id.account);
                    state.header.account_error = None;
                }
                Err(e) => state.header.account_error = Some(e),
            }
            Vec::new()
        }
        Msg::Listing {
            place: Some(place),
            generation,
            answer,
        } => crate::tui::update::route::on_placed(state, place, generation, answer),
        Msg::Listing {
            place: None,
            generation,
            answer,
        } => on_listing(state, generation, answer),
        Msg::Pane { generation, answer } => on_pane(state, generation, answer),
        Msg::Dialog { generation, answer } => {
            crate::tui::update::dialog::on_msg(state, generation, answer)
        }
        Msg::Logs { generation, answer } => {
            crate::tui::update::logs::on_msg(state, generation, answer)
        }
        Msg::Places(news) => crate::tui::update::route::on_places(state, news),
    }
}

/// A pane listing's answer, in a console on one place.
fn on_listing(state: &mut AppState, generation: u64, answer: Listing) -> Vec<Effect> {
    let now = state.now;
    match answer {
        Listing::ServicesPart {
            cluster,
            services,
            done,
            total,
        } => {
            let progress = Progress {
                done,
                total,
                unit: "clusters",
            };
            if state.services.loader.part(generation, progress) {
                state.services.set_cluster(&cluster, services);
                let open = state.pane == PaneId::Events;
                state.events.follow(&state.services, open);
            }
        }
        Listing::Services(result) => {
            if let Some(services) = state.services.loader.finish(generation, result, now) {
                state.services.set_services(services);
                let open = state.pane == PaneId::Events;
                state.events.follow(&state.services, open);
                state.last_refresh = Some(now);
                let mut effects = read_in_flight(state);
                effects.extend(crate::tui::update::metrics::request(state));
                return effects;
            }
        }
        Listing::ServicesWhy(whys) => {
            if generation == state.services.loader.generation {
                state.services.set_whys(None, whys);
            }
        }
        Listing::ServicesAlarms(alarms) => {
            if generation == state.services.loader.generation {
                state.services.set_alarms(None, alarms);
            }
        }
        Listing::Snapshots(result) => {
            if let Some(groups) = state.snapshots.loader.finish(generation, result, now) {
                state.snapshots.set_groups(groups);
                // The policies are judged against these tags: read them next.
                return vec![Effect::from(Load::Lifecycle {
                    generation: state.snapshots.lifecycle.loader.start(now),
                })];
            }
        }
        Listing::Orphans(result) => {
            if let Some(report) = state.orphans.loader.finish(generation, result, now) {
                state.orphans.set_report(report);
            }
        }
    }
    Vec::new()
}

/// After a listing on one place: ECS's deployments in flight of the rolling services, for
/// their stage in the Services pane (not asked again once the endpoint said it has none).
fn read_in_flight(state: &mut AppState) -> Vec<Effect> {
    let services = state.services.rolling();
    if state.places.is_fleet() || state.services.live_unsupported {
        return Vec::new();
    }
    if services.is_empty() {
        if !state.services.live.is_empty() {
            state.services.set_live(Vec::new());
        }
        return Vec::new();
    }
    vec![Effect::from(Load::InFlight {
        generation: state.services.live_loader.start(state.now),
        services,
    })]
}

/// Another pane load's answer (`generation`: that pane's loader's).
fn on_pane(state: &mut AppState, generation: u64, answer: PaneAnswer) -> Vec<Effect> {
    let now = state.now;
    match answer {
        PaneAnswer::Tasks(result) => {
            if let Some(data) = state.tasks.loader.finish(generation, result, now) {
                state.tasks.set_data(data);
                return crate::tui::update::task_metrics::request(state);
            }
        }
        PaneAnswer::Detail(result) => {
            if let Some(data) = state.detail.loader.finish(generation, result, now) {
                state.detail.data = Some(data);
            }
        }
        PaneAnswer::Lifecycle(result) => {
            if let Some(reports) = state
                .snapshots
                .lifecycle
                .loader
                .finish(generation, result, now)
            {
                state.snapshots.lifecycle.set_reports(reports);
            }
        }
        PaneAnswer::UniqueProgress { done, total } => {
            state.snapshots.unique_progress(generation, done, total);
        }
        PaneAnswer::Unique(result) => state.snapshots.unique_done(generation, result, now),
        PaneAnswer::InFlight(result) => {
            let unsupported = matches!(&result, Err(e) if e.starts_with(crate::tui::state::services::UNSUPPORTED));
            if let Some(live) = state.services.live_loader.finish(generation, result, now) {
                state.services.set_live(live);
            } else if unsupported {
                state.services.live_unsupported = true;
            }
        }
        PaneAnswer::Metrics(result) => {
            crate::tui::update::metrics::loaded(state, generation, result);
        }
        PaneAnswer::TaskMetrics(result) => {
            crate::tui::update::task_metrics::loaded(state, generation, result);
        }
        PaneAnswer::Deployments(result) => {
            crate::tui::update::deployments::loaded(state, generation, result);
        }
        PaneAnswer::Lineage(result) => {
            let o = &mut state.orphans;
            if let Some(lineage) = o.lineage_loader.finish(generation, result, now) {
                // Only the lineage of the row shown: never another id's late answer.
                if o.lineage_for.as_deref() == Some(lineage.id.as_str()) {
                    o.lineage = Some(lineage);
                }
            }
        }
    }
    Vec::new()
}
