//! The cleanup dialog (`x` on marked orphans or tags): the request that opens it and asks
//! for the plan (one per place when the marks span several places), the plans' answers,
//! the confirmed effect, and each deletion's result.

use crate::ops::cleanup::{CleanupPlan, ItemResult, Selection};
use crate::tui::run::effect::{ActionEffect, Effect, Work};
use crate::tui::state::app::AppState;
use crate::tui::state::cleanup::CleanupModal;
use crate::tui::state::list::{ListPane, Row};
use crate::tui::state::modal::{Modal, ModalKind, Stage};
use crate::tui::state::orphans::OrphanRow;
use crate::tui::state::pane_id::PaneId;
use crate::tui::update::flows::{Reload, open_at};
use crate::tui::update::plan_dialog::{Ask, PlanDialog, ask};

/// The marked orphans (or the selected one when none is marked) by kind.
pub(crate) fn orphan_selection(list: &ListPane<OrphanRow>) -> Selection {
    let mut selection = Selection::default();
    for key in marked_or_selected(list) {
        match list.rows.iter().find(|r| r.key() == key) {
            Some(OrphanRow::Volume(_)) => selection.volumes.insert(key),
            Some(OrphanRow::Snapshot(_)) => selection.snapshots.insert(key),
            None => false,
        };
    }
    selection
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
            selection = orphan_selection(list);
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
    vec![Effect::from(ActionEffect::PlanCleanup {
        generation,
        selection,
    })]
}

/// `A` in Orphans: plan archiving the marked snapshots (or the selected one) instead of
/// deleting them; the cleanup dialog shows the plan, confirms and reports as for `x` —
/// over several places too, each place planning its own snapshots.
pub fn request_archive(state: &mut AppState) -> Vec<Effect> {
    if state.pane != PaneId::Orphans {
        return Vec::new();
    }
    let list = &state.orphans.list;
    let marked = !list.marks.is_empty();
    let order: Vec<String> = list.visible_rows().map(Row::key).collect();
    let selection = Selection {
        snapshots: orphan_selection(list).snapshots,
        archive: true,
        ..Selection::default()
    };
    if selection.snapshots.is_empty() {
        state.message = Some("only snapshots can be archived: mark snapshots to archive".into());
        return Vec::new();
    }
    let mut places: Vec<usize> = selection
        .snapshots
        .iter()
        .filter_map(|id| state.orphans.place_of.get(id).copied())
        .collect();
    places.sort_unstable();
    places.dedup();
    if state.places.is_fleet() && places.len() > 1 {
        return request_cleanup_across(state, &selection, &places);
    }
    let modal = CleanupModal::new(selection.snapshots.len()).chosen(marked, order);
    let generation = open_at(state, ModalKind::Cleanup(modal), places.first().copied());
    vec![Effect::from(ActionEffect::PlanCleanup {
        generation,
        selection,
    })]
}

/// `x` (or `A`) on orphans marked in several places: each place plans its own ids (with its own
/// rules, DryRun preflight and marks), the dialog shows them under each place's name and
/// confirms once — typed when any place is production. A read-only account among them
/// refuses before anything is planned.
fn request_cleanup_across(
    state: &mut AppState,
    selection: &Selection,
    places: &[usize],
) -> Vec<Effect> {
    if let Some(why) = state.places.connecting_reason() {
        state.message = Some(why);
        return Vec::new();
    }
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
                    archive: selection.archive,
                    ..Selection::default()
                },
            )
        })
        .collect();
    let modal = CleanupModal::across(selection.len(), labels, production);
    let generation = open_at(state, ModalKind::Cleanup(modal), None);
    parts
        .into_iter()
        .map(|(place, selection)| {
            Work::Action(ActionEffect::PlanCleanupPart {
                generation,
                place,
                selection,
            })
            .at(place)
        })
        .collect()
}

impl PlanDialog for CleanupModal {
    type Plan = Vec<CleanupPlan>;

    fn show(&mut self, plans: Vec<CleanupPlan>) -> Ask {
        self.plans = plans;
        to_confirm(self)
    }

    /// Deletes what the plan shown can delete, or says why nothing can be.
    fn send(&self, generation: u64) -> Result<Effect, Option<String>> {
        if self.to_execute() == 0 {
            return Err(Some("nothing in the plan can be deleted".into()));
        }
        Ok(if self.across.is_some() {
            Effect::CleanupAcross {
                generation,
                parts: self.parts(),
            }
        } else {
            Effect::from(ActionEffect::Cleanup {
                generation,
                plans: self.plans.clone(),
            })
        })
    }
}

/// The confirmation the plans shown need: the count typed back for several items, the
/// only item's id in production.
fn to_confirm(c: &CleanupModal) -> Ask {
    Ask::Confirm {
        count: c.to_execute(),
        name: c.single_id(),
    }
}

/// One place's plans of a cleanup over several places: once every place answered, the
/// grouped plan asks for one confirmation (typed when any place is production); a place
/// that could not plan fails the dialog before anything is sent.
pub(crate) fn part_planned(
    modal: &mut Modal,
    place: usize,
    result: Result<Vec<CleanupPlan>, String>,
) {
    let ModalKind::Cleanup(c) = &mut modal.kind else {
        return;
    };
    if !c.part_planned(place, result) {
        return;
    }
    let next = match c.planning_errors() {
        Some(why) => Ask::Failed(format!("could not plan in {why} (nothing was deleted)")),
        None => to_confirm(c),
    };
    let production = c.production();
    ask(modal, next, production);
}

/// One deletion's result.
pub(crate) fn item(modal: &mut Modal, result: ItemResult) {
    if let ModalKind::Cleanup(c) = &mut modal.kind {
        c.record(result);
    }
}

/// The cleanup ended: every result, or why it did not start; the list it changed reloads.
pub(crate) fn done(modal: &mut Modal, result: Result<Vec<ItemResult>, String>) -> Option<Reload> {
    let ModalKind::Cleanup(c) = &mut modal.kind else {
        return None;
    };
    let images = c
        .plans
        .iter()
        .any(|p| p.target == crate::model::ResourceKind::Image);
    match result {
        Ok(results) => {
            for r in results {
                c.record(r);
            }
            modal.stage = Stage::Done;
        }
        Err(e) => modal.stage = Stage::Failed(format!("{e} (nothing was deleted)")),
    }
    Some(if images {
        Reload::Snapshots
    } else {
        Reload::Orphans
    })
}
