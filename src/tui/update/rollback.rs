//! The rollback dialog (`R`, or `R` in a failed rollout's wait view): the request that
//! opens the picker and asks for the revisions, the picker's answers (image tags, EBS
//! snapshots, revisions) and the confirmed effect (its rollout then shows in the wait view).

use crate::ops::rollback::{EbsChoices, ImageTags, Revision};
use crate::tui::run::effect::{ActionEffect, Effect};
use crate::tui::state::app::AppState;
use crate::tui::state::modal::{Modal, ModalKind};
use crate::tui::state::rollback::{PickMode, RollbackModal};
use crate::tui::state::service_ref::ServiceRef;
use crate::tui::update::flows::{open_at, refused_by_controller};
use crate::tui::update::plan_dialog::{Ask, PlanDialog, ask};

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
    rollback_of(state, ServiceRef::new(place, cluster, service), current)
}

/// The rollback picker of `target` (the selected row's service, or the service whose
/// rollout failed), in its place.
pub(crate) fn rollback_of(
    state: &mut AppState,
    target: ServiceRef,
    current: String,
) -> Vec<Effect> {
    let ServiceRef {
        place,
        cluster,
        service,
    } = target;
    if refused_by_controller(state, (&cluster, &service, place), "roll back") {
        return Vec::new();
    }
    let mut modal = RollbackModal::new(cluster.clone(), service.clone(), current.clone());
    modal.initialization_rate = state.settings.initialization_rate;
    let generation = open_at(state, ModalKind::Rollback(modal), place);
    vec![Effect::from(ActionEffect::LoadRevisions {
        generation,
        cluster,
        service,
        current,
    })]
}

/// The revisions arrived (after the image tags and EBS snapshots): the picker asks for
/// its confirmation.
pub(crate) fn revisions(
    modal: &mut Modal,
    result: Result<Vec<Revision>, String>,
    production: bool,
) {
    let ModalKind::Rollback(r) = &mut modal.kind else {
        return;
    };
    let next = match result {
        Ok(revisions) => r.show(revisions),
        Err(e) => Ask::Failed(e),
    };
    ask(modal, next, production);
}

/// The picker's image-tag choices.
pub(crate) fn image_tags(modal: &mut Modal, result: Result<ImageTags, String>) {
    if let ModalKind::Rollback(r) = &mut modal.kind {
        r.set_image_tags(result);
    }
}

/// The picker's EBS snapshot choices.
pub(crate) fn ebs_snapshots(modal: &mut Modal, result: Result<EbsChoices, String>) {
    if let ModalKind::Rollback(r) = &mut modal.kind {
        r.set_ebs(result);
    }
}

/// The picker's service revisions, or why they are not offered.
pub(crate) fn service_revisions(
    modal: &mut Modal,
    result: Result<Vec<crate::ops::rollback_revision::RevisionChoice>, String>,
) {
    if let ModalKind::Rollback(r) = &mut modal.kind {
        r.set_service_revisions(result);
    }
}

/// The picker's ECS row: offered (and preselected) when a deployment is in flight.
pub(crate) fn ecs_offer(
    modal: &mut Modal,
    offer: Result<Option<Box<crate::tui::state::deployment_action::EcsAct>>, String>,
) {
    if let ModalKind::Rollback(r) = &mut modal.kind {
        r.set_ecs(offer);
    }
}

/// The picker's plan is the revisions it lists (after the image tags and EBS snapshots).
impl PlanDialog for RollbackModal {
    type Plan = Vec<Revision>;

    fn show(&mut self, revisions: Vec<Revision>) -> Ask {
        self.set_revisions(revisions);
        Ask::one(&self.service)
    }

    /// The target picked, or why there is none to send.
    fn send(&self, generation: u64) -> Result<Effect, Option<String>> {
        if let Some(act) = self.ecs_chosen() {
            return Ok(Effect::from(ActionEffect::Ecs {
                generation,
                plan: Box::new(act.clone()),
            }));
        }
        let Some(plan) = self.plan() else {
            return Err(Some(
                if let Some(why) = self.archived().or_else(|| self.refusal()) {
                    format!("{why}; nothing was sent")
                } else if self.mode == PickMode::Revisions {
                    "pick a revision other than the one running".into()
                } else {
                    self.headline()
                },
            ));
        };
        Ok(Effect::from(ActionEffect::Rollback { generation, plan }))
    }
}

/// What the wait view says was done, once the rollback was sent.
pub(crate) fn started_what(r: &RollbackModal) -> String {
    format!("rolled back {}", r.headline())
}
