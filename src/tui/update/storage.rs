//! The storage dialog: `m` in Orphans (mark the marked orphans, or the selected one, for
//! deletion after the grace period) and `t` in the rollback picker (restore the
//! highlighted archived snapshot from the archive tier, or the highlighted image tag's or
//! service revision's archived ECR image). The request that opens it and
//! asks ops for the plan, the plan's answer, the confirmed effect and the result.

use crate::ops::restore_image::ArchivedImage;
use crate::ops::restore_snapshot::RestoreFor;
use crate::tui::run::effect::{Effect, StorageEffect};
use crate::tui::state::app::AppState;
use crate::tui::state::modal::{Modal, ModalKind, Stage};
use crate::tui::state::rollback::PickMode;
use crate::tui::state::storage::{
    MARK_AFTER_DAYS, RESTORE_DAYS, StorageAsk, StorageDone, StorageModal, StoragePlan,
};
use crate::tui::update::flows::{Reload, open_at};
use crate::tui::update::plan_dialog::{Ask, PlanDialog};

/// `m` in Orphans: plan marks for the marked orphans (or the selected one). Over several
/// places it acts where they are; marks spanning places are refused (mark one place's).
pub fn request_mark(state: &mut AppState) -> Vec<Effect> {
    let selection = crate::tui::update::cleanup::orphan_selection(&state.orphans.list);
    if selection.volumes.is_empty() && selection.snapshots.is_empty() {
        state.message = Some("nothing to mark here".into());
        return Vec::new();
    }
    let mut places: Vec<usize> = selection
        .volumes
        .iter()
        .chain(&selection.snapshots)
        .filter_map(|id| state.orphans.place_of.get(id).copied())
        .collect();
    places.sort_unstable();
    places.dedup();
    if places.len() > 1 {
        state.message =
            Some("the marked orphans are in several places: mark one place's at a time".into());
        return Vec::new();
    }
    let ask = StorageAsk::Mark {
        selection,
        after_days: MARK_AFTER_DAYS,
    };
    let place = places.first().copied();
    let generation = open_at(
        state,
        ModalKind::Storage(StorageModal::new(ask.clone())),
        place,
    );
    vec![Effect::from(StorageEffect::Plan { generation, ask })]
}

/// `t` in the rollback picker: plan the restore of the highlighted archived snapshot
/// from the archive tier (for `RESTORE_DAYS` days), or of the highlighted image tag's or
/// service revision's archived image; the picker closes.
pub(crate) fn request_restore_tier(state: &mut AppState) -> Vec<Effect> {
    let Some(modal) = state.modal.as_mut() else {
        return Vec::new();
    };
    let ModalKind::Rollback(r) = &modal.kind else {
        return Vec::new();
    };
    if let Some(a) = r.archived_image() {
        return request_restore_image(state, a);
    }
    if r.mode != PickMode::EbsSnapshots {
        modal.confirm.error = Some(
            "t restores an archived snapshot or image: highlight one (i lists the image tags, \
             the EBS snapshots, the service revisions)"
                .into(),
        );
        return Vec::new();
    }
    let Some(snap) = r.highlighted_snapshot() else {
        return Vec::new();
    };
    if !snap.in_archive_tier() {
        modal.confirm.error = Some(format!(
            "{} is in the standard tier: nothing to restore",
            snap.id
        ));
        return Vec::new();
    }
    let ask = StorageAsk::RestoreTier {
        snapshot_id: snap.id.clone(),
        restore: RestoreFor::Days(RESTORE_DAYS),
    };
    open_restore(state, ask)
}

/// `t` on an archived image (the picker's image tag or service revision, the resume-tag
/// restore's tag): plan its restore from ECR archive; the dialog it came from closes.
pub(crate) fn request_restore_image(state: &mut AppState, a: ArchivedImage) -> Vec<Effect> {
    let ask = StorageAsk::RestoreImage {
        repository: a.repository,
        reference: a.reference,
    };
    open_restore(state, ask)
}

/// Closes the picker and opens the restore `ask` in its place; ops plans it.
fn open_restore(state: &mut AppState, ask: StorageAsk) -> Vec<Effect> {
    let place = state.modal.as_ref().and_then(|m| m.place);
    let generation = open_at(
        state,
        ModalKind::Storage(StorageModal::new(ask.clone())),
        place,
    );
    vec![
        Effect::CancelAction,
        Effect::from(StorageEffect::Plan { generation, ask }),
    ]
}

impl PlanDialog for StorageModal {
    type Plan = StoragePlan;

    /// The count of marks typed in production, or the snapshot id.
    fn show(&mut self, plan: StoragePlan) -> Ask {
        let name = match &plan {
            StoragePlan::Mark(plans) => plans
                .iter()
                .flat_map(|p| p.marks.iter())
                .map(|m| m.id.clone())
                .next()
                .unwrap_or_default(),
            StoragePlan::RestoreTier(p) => p.snapshot.id.clone(),
            StoragePlan::RestoreImage(p) => p.tag.clone(),
        };
        let count = plan.to_send();
        self.plan = Some(plan);
        Ask::Confirm { count, name }
    }

    fn send(&self, generation: u64) -> Result<Effect, Option<String>> {
        let plan = self.plan.clone().ok_or(None)?;
        // A restore already running sends nothing but is still followed until pullable.
        let waits = matches!(&plan, StoragePlan::RestoreImage(_));
        if plan.to_send() == 0 && !waits {
            return Err(Some("nothing in the plan can be marked".into()));
        }
        Ok(Effect::from(StorageEffect::Send { generation, plan }))
    }
}

/// An image restore's poll: the storage class ECR reports now (nothing to reload yet).
pub(crate) fn progress(modal: &mut Modal, status: crate::model::ImageStatus) -> Option<Reload> {
    if let ModalKind::Storage(s) = &mut modal.kind {
        let polls = s.progress.as_ref().map_or(0, |(n, _)| *n);
        s.progress = Some((polls + 1, status));
    }
    None
}

/// The action ended: its results, or why it sent nothing; marks reload the Orphans.
pub(crate) fn done(modal: &mut Modal, result: Result<StorageDone, String>) -> Option<Reload> {
    let ModalKind::Storage(s) = &mut modal.kind else {
        return None;
    };
    match result {
        Ok(d) => {
            s.done = Some(d);
            modal.stage = Stage::Done;
        }
        Err(e) => modal.stage = Stage::Failed(format!("{e} (nothing was sent)")),
    }
    Some(Reload::Orphans)
}
