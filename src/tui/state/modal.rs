//! The action dialogs: a modal layer over the panes that takes every key while open.
//!
//! Each destructive action is a request (it opens a dialog and asks for the plan) and a
//! `*_do` (confirmed: run exactly the plan shown). The dialog goes through stages —
//! planning → confirm → running → report — and shows its own errors (a failed plan, a
//! read-only refusal, a wrong typed confirmation). A rollback or redeploy that started
//! turns into the wait view. Every answer carries the dialog's generation; answers for a
//! dialog that was closed are dropped.

use crate::tui::state::cleanup::CleanupModal;
use crate::tui::state::confirm::ConfirmInput;
use crate::tui::state::deployment_action::DeploymentActionModal;
use crate::tui::state::dialog_kind::DialogKind;
use crate::tui::state::recover::RecoverModal;
use crate::tui::state::redeploy::RedeployModal;
use crate::tui::state::restore::RestoreModal;
use crate::tui::state::rollback::RollbackModal;
use crate::tui::state::wait::WaitView;

/// Where a dialog stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// The plan is being built (reads only).
    Planning,
    /// The plan is shown; waiting for the confirmation.
    Confirm,
    /// Confirmed; the plan runs.
    Running,
    /// Finished: the report is shown.
    Done,
    /// The plan could not be built or the action failed before it started.
    Failed(String),
}

#[derive(Debug, Clone)]
pub enum ModalKind {
    Rollback(RollbackModal),
    Cleanup(CleanupModal),
    Redeploy(RedeployModal),
    Restore(RestoreModal),
    Recover(RecoverModal),
    Wait(WaitView),
    /// Scale, stop a task, exec, port forwarding.
    HandsOn(crate::tui::state::hands_on::HandsOnModal),
    /// ECS's own action on a deployment in flight (stop and roll back, continue or roll
    /// back at a paused hook), then following it.
    DeploymentAction(Box<DeploymentActionModal>),
    /// Marking orphans for deletion, restoring an archived snapshot.
    Storage(crate::tui::state::storage::StorageModal),
}

impl ModalKind {
    /// Which dialog this is, for its keys and its `?` help.
    pub fn dialog_kind(&self) -> DialogKind {
        match self {
            ModalKind::Rollback(_) => DialogKind::Rollback,
            ModalKind::Cleanup(_) => DialogKind::Cleanup,
            ModalKind::Redeploy(_) => DialogKind::Redeploy,
            ModalKind::Recover(_) => DialogKind::Recover,
            ModalKind::Restore(_) => DialogKind::Restore,
            ModalKind::Wait(_) => DialogKind::Wait,
            ModalKind::HandsOn(h) => h.dialog,
            ModalKind::DeploymentAction(_) => DialogKind::Deployment,
            ModalKind::Storage(_) => DialogKind::Storage,
        }
    }

    /// Whether a dialog key means something in this dialog (the footer shows only those):
    /// the keymap binds it for this dialog kind.
    pub fn offers(&self, action: crate::tui::action::Action) -> bool {
        use crate::tui::action::Action as A;
        // Only a failed rollout's wait view, or a deployment paused again, offers them
        // (`Modal::offers`).
        !matches!(action, A::Rollback | A::ContinueDeployment)
            && crate::tui::keymap::dialog_bindings(self.dialog_kind()).any(|b| b.action == action)
    }
}

#[derive(Debug, Clone)]
pub struct Modal {
    /// Answers carrying another generation are stale.
    pub generation: u64,
    pub stage: Stage,
    pub confirm: ConfirmInput,
    /// Set when the console is read-only: the dialog shows the plan and refuses.
    pub read_only: Option<String>,
    /// The place the dialog acts in (a console on several places; `None` with one, and for
    /// a cleanup over several places, whose parts carry their own).
    pub place: Option<usize>,
    pub kind: ModalKind,
}

impl Modal {
    /// Whether the dialog, at its stage, answers `action` (its footer shows only those): a
    /// report or a failure only closes; watching (a rollout, a scale's count) only stops,
    /// and offers a rollback once the rollout failed.
    pub fn offers(&self, action: crate::tui::action::Action) -> bool {
        use crate::tui::action::Action as A;
        // `?` opens this dialog's help at every stage.
        if action == A::Help {
            return true;
        }
        // Watching confirms nothing: Esc, and R once the rollout failed.
        if self.is_watching() {
            let failed = matches!(&self.kind, ModalKind::Wait(w) if w.offers_rollback());
            return action == A::Cancel || (action == A::Rollback && failed);
        }
        // Planning, nothing can be confirmed or picked yet: only Esc (it cancels); running
        // (results coming), nothing acts — Esc says the results follow.
        match self.stage {
            Stage::Planning => return action == A::Cancel,
            Stage::Running => return false,
            Stage::Confirm | Stage::Done | Stage::Failed(_) => {}
        }
        if matches!(self.stage, Stage::Done | Stage::Failed(_)) {
            let paused = matches!(&self.kind, ModalKind::DeploymentAction(d) if d.paused_again());
            return action == A::Cancel
                || (paused && matches!(action, A::ContinueDeployment | A::Rollback));
        }
        // `t` restores the highlighted snapshot or image: only while the picker highlights
        // an archived snapshot or image, or the resume-tag restore's tag is archived.
        if action == A::ModalRestoreTier {
            return match &self.kind {
                ModalKind::Restore(r) => r.archived.is_some(),
                ModalKind::Rollback(r) => r.restorable(),
                _ => false,
            };
        }
        // Snapshot first applies to volumes about to be deleted: only while their plan is
        // confirmed, never to a plan of snapshots only (an archive plan).
        if action == A::ModalSnapshotFirst {
            return self.stage == Stage::Confirm
                && matches!(&self.kind, ModalKind::Cleanup(c) if c.has_volumes() && !c.archives());
        }
        // `f` overrides a revision's deleted image, or pins a service revision's digests:
        // only while the highlighted row has one to override or pin.
        if action == A::ModalForce {
            return matches!(&self.kind, ModalKind::Rollback(r) if r.forcible());
        }
        // The picker confirms only a row it can send, and moves only among two or more.
        if let ModalKind::Rollback(r) = &self.kind {
            match action {
                A::Confirm => return r.confirmable(),
                A::ModalDown | A::ModalUp => return r.choice_count() > 1,
                _ => {}
            }
        }
        self.kind.offers(action)
    }

    pub fn new(
        generation: u64,
        place: Option<usize>,
        read_only: Option<String>,
        kind: ModalKind,
    ) -> Self {
        Self {
            generation,
            stage: Stage::Planning,
            confirm: ConfirmInput::default(),
            read_only,
            place,
            kind,
        }
    }

    /// Whether it watches something going on (a rollout, a scale's count) rather than
    /// waiting for results: Esc then stops watching.
    pub fn is_watching(&self) -> bool {
        match &self.kind {
            ModalKind::Wait(_) => true,
            ModalKind::HandsOn(h) => h.is_watching(),
            ModalKind::DeploymentAction(d) => d.is_following(),
            ModalKind::Rollback(_)
            | ModalKind::Cleanup(_)
            | ModalKind::Redeploy(_)
            | ModalKind::Restore(_)
            | ModalKind::Recover(_)
            | ModalKind::Storage(_) => false,
        }
    }

    /// Whether keys type into the confirmation (a typed confirmation is being asked).
    pub fn typing(&self) -> bool {
        self.stage == Stage::Confirm && self.confirm.is_typed()
    }

    /// Which dialog this is, for its keys and its `?` help.
    pub fn dialog_kind(&self) -> DialogKind {
        self.kind.dialog_kind()
    }

    /// Whether a text field has the focus (a typed confirmation, the port of a forward):
    /// letters and digits then go to it, and only Tab, Enter, Esc and Backspace act.
    pub fn text_field_focused(&self) -> bool {
        self.typing()
    }

    pub fn title(&self) -> String {
        match &self.kind {
            ModalKind::Rollback(r) => format!("Roll back {}/{}", r.cluster, r.service),
            ModalKind::Cleanup(c) => c.title(),
            ModalKind::Redeploy(r) => r.title(),
            ModalKind::Restore(r) => r.title(),
            ModalKind::Recover(r) => r.title(),
            ModalKind::Wait(w) => w.title(),
            ModalKind::HandsOn(h) => h.title(),
            ModalKind::DeploymentAction(d) => d.title(),
            ModalKind::Storage(s) => s.title(),
        }
    }
}
