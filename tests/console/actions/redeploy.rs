//! Redeploy through `update`: `d` plans, `y` sends it and watches the rollout.

use super::*;
use crate::asserts::assert_has;
use crate::fixtures::dialog;

#[test]
fn d_plans_a_redeploy_then_y_watches_it() {
    let mut s = on_worker();
    s.pane = PaneId::Detail;
    s.detail
        .retarget(ecsnap::tui::state::service_ref::ServiceRef::new(
            None,
            "payments-prod",
            "worker",
        ));
    let effects = ch(&mut s, 'D');
    assert!(
        matches!(only_action(&effects), ActionEffect::PlanRedeploy { service, .. } if service == "worker"),
        "{effects:?}"
    );
    let g = generation(&s);
    let plan = ecsnap::ops::redeploy::RedeployPlan {
        service: ecsnap::model::ClusterService::new("payments-prod", "worker"),
        task_definition: format!("{TD}:3"),
        desired_count: 3,
        running_count: 2,
    };
    deliver(
        &mut s,
        dialog(g, DialogAnswer::Planned(Ok(Planned::Redeploy(plan)))),
    );
    assert!(render(&s, 120, 40).contains("force a new deployment of payments-prod/worker"));
    let effects = ch(&mut s, 'y');
    assert!(
        matches!(only_action(&effects), ActionEffect::Redeploy { .. }),
        "{effects:?}"
    );
    deliver(&mut s, dialog(g, DialogAnswer::Started(Ok(started(3)))));
    let text = render(&s, 120, 40);
    assert_has(&text, "Forced a new deployment of worker:3");
}
