//! What every dialog that shows a plan shares: the plan arrives → the dialog keeps it and
//! asks for the confirmation it needs (`Ask`, typed in production); confirmed → the effect
//! that sends exactly the plan shown, with the dialog's generation. Each dialog's state
//! implements `PlanDialog` in its feature's file, saying only what differs.

use crate::tui::run::effect::Effect;
use crate::tui::state::confirm::{ConfirmInput, needed};
use crate::tui::state::modal::{Modal, ModalKind, Stage};
use crate::tui::state::msg::Planned;

/// What a dialog asks once its plan is shown.
pub(crate) enum Ask {
    /// The confirmation for `count` resources (bulk when more than one), `name` typed back
    /// in production when there is one.
    Confirm { count: usize, name: String },
    /// Nothing to confirm (the plan changes nothing): the report is shown.
    Done,
    /// The plan cannot be sent (why): nothing is asked.
    Failed(String),
}

impl Ask {
    /// The confirmation for one resource named `name`.
    pub(crate) fn one(name: &str) -> Self {
        Self::Confirm {
            count: 1,
            name: name.to_owned(),
        }
    }
}

/// A dialog that shows a plan `ops` built and sends it once confirmed.
pub(crate) trait PlanDialog {
    /// What the dialog shows and sends.
    type Plan;

    /// The plan arrived: keep it; what to ask.
    fn show(&mut self, plan: Self::Plan) -> Ask;

    /// The effect that sends the plan shown with the dialog's `generation`, or the
    /// dialog's error line (`Err(None)`: no plan yet, nothing to say).
    fn send(&self, generation: u64) -> Result<Effect, Option<String>>;
}

/// The dialog at its next stage: asking `ask` (typed when `production` asks for it).
pub(crate) fn ask(modal: &mut Modal, ask: Ask, production: bool) {
    modal.stage = match ask {
        Ask::Confirm { count, name } => {
            modal.confirm = ConfirmInput::new(needed(count, production, &name));
            Stage::Confirm
        }
        Ask::Done => Stage::Done,
        Ask::Failed(why) => Stage::Failed(why),
    };
}

/// A plan arrived: its dialog shows it and asks for the confirmation it needs (a plan for
/// another kind of dialog changes nothing).
pub(crate) fn planned(modal: &mut Modal, result: Result<Planned, String>, production: bool) {
    let next = match (&mut modal.kind, result) {
        (_, Err(e)) => Ask::Failed(e),
        (ModalKind::Cleanup(c), Ok(Planned::Cleanup(p))) => c.show(p),
        (ModalKind::Redeploy(r), Ok(Planned::Redeploy(p))) => r.show(p),
        (ModalKind::Restore(r), Ok(Planned::Restore(p))) => r.show(p),
        (ModalKind::HandsOn(h), Ok(Planned::HandsOn(p))) => h.show(p),
        (ModalKind::Recover(r), Ok(Planned::Recover(p))) => r.show(p),
        (ModalKind::DeploymentAction(d), Ok(Planned::Deployment(p))) => d.show(*p),
        (ModalKind::Storage(s), Ok(Planned::Storage(p))) => s.show(p),
        (
            _,
            Ok(
                Planned::Cleanup(_)
                | Planned::Redeploy(_)
                | Planned::Restore(_)
                | Planned::HandsOn(_)
                | Planned::Recover(_)
                | Planned::Deployment(_)
                | Planned::Storage(_),
            ),
        ) => return,
    };
    ask(modal, next, production);
}
