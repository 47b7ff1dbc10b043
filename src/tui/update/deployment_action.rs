//! The deployment dialog: `o` asks `ops` for the plan of CONTINUE on the hook the
//! service's deployment is paused at (the rollback picker's ECS row sends a stop or a
//! ROLLBACK the same way), the plan shown with its confirmation (typed in production),
//! the confirmed effect, and the answers while the deployment is followed.

use crate::model::LifecycleHookAction;
use crate::tui::run::effect::{ActionEffect, Effect};
use crate::tui::state::app::AppState;
use crate::tui::state::deployment_action::{DeploymentActionModal, EcsAct, Following};
use crate::tui::state::modal::{Modal, ModalKind, Stage};
use crate::tui::state::service_ref::ServiceRef;
use crate::tui::update::flows::{Reload, open_at, refused_by_controller};
use crate::tui::update::plan_dialog::{Ask, PlanDialog};

/// `o`: plan continuing the service in view's deployment paused at a hook.
pub fn request_continue(state: &mut AppState) -> Vec<Effect> {
    let Some((cluster, service)) = state.service_in_view() else {
        state.message = Some("select a service to continue its deployment".into());
        return Vec::new();
    };
    let place = state.place_in_view();
    if refused_by_controller(state, (&cluster, &service, place), "continue") {
        return Vec::new();
    }
    request_hook(
        state,
        ServiceRef::new(place, cluster, service),
        LifecycleHookAction::Continue,
    )
}

/// The dialog planning `action` on the hook `target`'s deployment is paused at (in its
/// place).
pub(crate) fn request_hook(
    state: &mut AppState,
    target: ServiceRef,
    action: LifecycleHookAction,
) -> Vec<Effect> {
    let ServiceRef {
        place,
        cluster,
        service,
    } = target;
    let generation = open_at(
        state,
        ModalKind::DeploymentAction(Box::new(DeploymentActionModal::new(
            &cluster,
            &service,
            Some(action.clone()),
        ))),
        place,
    );
    vec![Effect::from(ActionEffect::PlanHook {
        generation,
        cluster,
        service,
        action,
    })]
}

impl PlanDialog for DeploymentActionModal {
    type Plan = EcsAct;

    fn show(&mut self, plan: EcsAct) -> Ask {
        self.plan = Some(plan);
        Ask::one(&self.service)
    }

    fn send(&self, generation: u64) -> Result<Effect, Option<String>> {
        let plan = self.plan.clone().ok_or(None)?;
        Ok(Effect::from(ActionEffect::Ecs {
            generation,
            plan: Box::new(plan),
        }))
    }
}

/// Confirmed and sent: the dialog follows the deployment from now on.
pub(crate) fn start_following(modal: &mut Modal) {
    match &mut modal.kind {
        ModalKind::DeploymentAction(d) => d.following = Some(Following::default()),
        ModalKind::Rollback(r) => {
            if let Some(act) = r.ecs_chosen() {
                modal.kind = ModalKind::DeploymentAction(Box::new(
                    DeploymentActionModal::sent_from_picker(act.clone()),
                ));
            }
        }
        ModalKind::Cleanup(_)
        | ModalKind::Redeploy(_)
        | ModalKind::Restore(_)
        | ModalKind::Recover(_)
        | ModalKind::Wait(_)
        | ModalKind::HandsOn(_)
        | ModalKind::Storage(_) => {}
    }
}

/// ECS answered the call (or it was refused / failed: nothing more follows).
pub(crate) fn sent(modal: &mut Modal, result: Result<String, String>) -> Option<Reload> {
    let ModalKind::DeploymentAction(d) = &mut modal.kind else {
        return None;
    };
    match result {
        Ok(_) => {
            d.following.get_or_insert_with(Following::default).sent = true;
            Some(Reload::Services)
        }
        Err(e) => {
            d.following = None;
            modal.stage = Stage::Failed(e);
            None
        }
    }
}

/// One look at the deployment followed.
pub(crate) fn look(modal: &mut Modal, deployment: crate::model::ServiceDeployment) {
    if let ModalKind::DeploymentAction(d) = &mut modal.kind {
        d.following
            .get_or_insert_with(Following::default)
            .look(deployment);
    }
}

/// Following ended: the report (reached, or why not); the services reload.
pub(crate) fn followed(modal: &mut Modal, result: Result<String, String>) -> Option<Reload> {
    let ModalKind::DeploymentAction(d) = &mut modal.kind else {
        return None;
    };
    d.following.get_or_insert_with(Following::default).outcome = Some(result);
    modal.stage = Stage::Done;
    Some(Reload::Services)
}
