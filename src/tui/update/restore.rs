//! The restore dialog (`t` on a user's tag): the request that opens it and asks for the
//! plan, the plan's answer, the confirmed effect and its outcome.

use crate::ops::restore_image::ArchivedImage;
use crate::ops::restore_user::{RestorePlan, Restored};
use crate::tui::run::effect::{ActionEffect, Effect};
use crate::tui::state::app::AppState;
use crate::tui::state::modal::{Modal, ModalKind, Stage};
use crate::tui::state::restore::RestoreModal;
use crate::tui::update::flows::{Reload, open};
use crate::tui::update::plan_dialog::{Ask, PlanDialog};

/// `t`: plan pointing the selected user's resume tag at the selected tag.
pub fn request_restore(state: &mut AppState) -> Vec<Effect> {
    let s = &state.snapshots;
    let user = s.users.selected_row().and_then(|u| u.group.user.clone());
    let tag = s.tags.selected_row().map(|t| {
        (
            t.repository.clone(),
            t.entry.tag.clone(),
            t.entry.status.clone(),
        )
    });
    let (Some(user), Some((repository, tag, status))) = (user, tag) else {
        state.message =
            Some("select a user's tag to restore (tags under (other) have no user)".into());
        return Vec::new();
    };
    let mut modal = RestoreModal::new(&user, &tag);
    if status.is_unpullable() {
        // Refused before any plan: a session could not pull it. `t` offers the restore.
        modal.archived = Some(ArchivedImage {
            repository,
            reference: tag,
            status,
        });
        open(state, ModalKind::Restore(modal));
        if let Some(m) = state.modal.as_mut() {
            m.stage = Stage::Confirm;
        }
        return Vec::new();
    }
    let generation = open(state, ModalKind::Restore(modal));
    vec![Effect::from(ActionEffect::PlanRestore {
        generation,
        repository,
        user,
        tag,
    })]
}

impl PlanDialog for RestoreModal {
    type Plan = RestorePlan;

    /// The resume tag already pointing there: said, nothing asked.
    fn show(&mut self, plan: RestorePlan) -> Ask {
        let ask = if plan.is_noop() {
            Ask::Done
        } else {
            Ask::one(&plan.user)
        };
        self.plan = Some(plan);
        ask
    }

    fn send(&self, generation: u64) -> Result<Effect, Option<String>> {
        if let Some(why) = self.archived_refusal() {
            return Err(Some(format!("{why}; nothing was sent")));
        }
        let p = self.plan.as_ref().ok_or(None)?;
        if let Some(line) = p.nothing_to_do() {
            return Err(Some(line));
        }
        Ok(Effect::from(ActionEffect::Restore {
            generation,
            plan: p.clone(),
        }))
    }
}

/// The restore answered: the digests before and after, or why it failed.
pub(crate) fn restored(modal: &mut Modal, result: Result<Restored, String>) -> Option<Reload> {
    let ModalKind::Restore(r) = &mut modal.kind else {
        return None;
    };
    match result {
        Ok(done) => {
            r.restored = Some(done);
            modal.stage = Stage::Done;
            Some(Reload::Snapshots)
        }
        Err(e) => {
            modal.stage = Stage::Failed(e);
            None
        }
    }
}
