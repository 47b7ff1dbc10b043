//! The Deployments pane and ECS's own deployment actions in the console: `h` opens the
//! history of the service in view (newest first, each status, stage, revisions by digest,
//! counts, breaker, alarms, hooks, rollback), a paused canary's countdown moving with the
//! console's clock, a denied listing and an endpoint without service deployments said in
//! words, Esc back where it came from; `o` plans CONTINUE on the paused hook → confirm
//! (typed in production; read-only refuses and sends nothing) → the deployment followed;
//! `R` offers ECS's own rollback first and preselected (stop it, or roll back at the
//! paused hook), a revision below it still pickable, and the rollback followed
//! ROLLBACK_REQUESTED → ROLLBACK_IN_PROGRESS → ROLLBACK_SUCCESSFUL. Screens at 120×40 and
//! 80×24 (insta).

use crate::actions::{
    assert_y_refused_in_read_only, ch, confirm_by_typing, on_worker, only_action, only_load,
};
use crate::asserts::{assert_has, assert_has_all};
use crate::fixtures::{
    deliver, deployment_history, key, now, pane, paused_canary, render, reply, rolling_back,
};
use crossterm::event::KeyCode;
use ecsnap::model::{LifecycleHookAction, ServiceDeployment, ServiceDeploymentStatus};
use ecsnap::ops::continue_deployment;
use ecsnap::ops::stop_deployment;
use ecsnap::tui::run::effect::{ActionEffect, Effect, Load, Work};
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::deployment_action::EcsAct;
use ecsnap::tui::state::modal::{ModalKind, Stage};
use ecsnap::tui::state::msg::{DialogAnswer, Event, PaneAnswer, Planned};
use ecsnap::tui::state::pane_id::PaneId;
use ecsnap::tui::update::app::update;

/// `h` on worker, and the history that comes back.
fn history_of(first: ServiceDeployment) -> AppState {
    let mut s = on_worker();
    let effects = ch(&mut s, 'h');
    assert!(
        matches!(
            only_load(&effects),
            Load::Deployments { cluster, service, .. }
                if cluster == "payments-prod" && service == "worker"
        ),
        "{effects:?}"
    );
    assert_eq!(s.pane, PaneId::Deployments);
    let g = s.deployments.loader.generation;
    deliver(
        &mut s,
        pane(g, PaneAnswer::Deployments(Ok(deployment_history(first)))),
    );
    s
}

fn failed_listing(error: &str) -> AppState {
    let mut s = on_worker();
    ch(&mut s, 'h');
    let g = s.deployments.loader.generation;
    deliver(&mut s, pane(g, PaneAnswer::Deployments(Err(error.into()))));
    s
}

#[test]
fn h_shows_the_history_newest_first_with_stage_revisions_and_the_countdown() {
    let s = history_of(paused_canary());
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "Deployments of payments-prod/worker",
            "2 deployments, newest first · R rolls back",
        ],
    );
    let canary = text.find("d-canary").expect("the canary listed");
    let first = text.find("d-first").expect("the first deployment listed");
    assert!(canary < first, "newest first:\n{text}");
    assert_has_all(
        &text,
        &[
            "↻ IN_PROGRESS",
            "canary 10% · POST_TEST_TRAFFIC_SHIFT",
            "worker:2 (3/3) → worker:3 (1/1)",
        ],
    );
    // Images by digest, shortened to 12 hex digits.
    assert_has_all(
        &text,
        &[
            "images: app worker:v1.3.0@sha256:",
            "images before: app worker:v1.2.0@sha256:",
            "circuit breaker MONITORING 0/3",
            "hook hook-pause-1 PAUSE AWAITING_ACTION",
            "waiting for you: 6m40s left, then ROLLBACK by itself",
            "✓ SUCCESSFUL",
            "(first deployment) → worker:2 (3/3)",
        ],
    );
    assert_screens!("deployments_paused_canary", text, s);
}

#[test]
fn the_paused_hook_counts_down_with_the_console_clock() {
    let mut s = history_of(paused_canary());
    let _ = update(&mut s, Event::Tick(now() + chrono::Duration::seconds(100)));
    let text = render(&s, 120, 40);
    assert_has(&text, "waiting for you: 5m00s left");
    let _ = update(&mut s, Event::Tick(now() + chrono::Duration::seconds(460)));
    assert_has(&render(&s, 120, 40), "waiting for you: expired 1m00s ago");
}

#[test]
fn a_rollback_in_progress_shows_the_breaker_the_alarm_and_where_it_returns() {
    let s = history_of(rolling_back());
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "↩ ROLLBACK_IN_PROGRESS",
            "reason: ECS deployment circuit breaker: tasks failed to start.",
            "circuit breaker TRIGGERED 3/3",
            "alarms TRIGGERED (triggered: worker-5xx)",
            "rolled back to worker:2: circuit breaker triggered",
        ],
    );
    assert_screens!("deployments_rolling_back", text, s);
}

#[test]
fn a_denied_listing_names_the_permission_instead_of_the_view() {
    let s = failed_listing(
        "ecs:ListServiceDeployments was denied in us-east-1: the identity in use lacks the \
         IAM permission `ecs:ListServiceDeployments`.",
    );
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "The deployment history could not be read:",
            "ecs:ListServiceDeployments was denied in us-east-1",
        ],
    );
    insta::assert_snapshot!("deployments_denied_80x24", render(&s, 80, 24));
}

#[test]
fn an_endpoint_without_service_deployments_says_so() {
    let s = failed_listing(
        "this endpoint does not support service deployments (ecs:ListServiceDeployments is \
         not supported by http://localhost:5000 in us-east-1)",
    );
    assert_has(
        &render(&s, 120, 40),
        "this endpoint does not support service deployments",
    );
}

#[test]
fn esc_returns_to_the_pane_it_was_opened_from_and_j_moves_the_cursor() {
    let mut s = history_of(paused_canary());
    assert_eq!(s.deployments.selected, 0);
    ch(&mut s, 'j');
    assert_eq!(s.deployments.selected, 1);
    ch(&mut s, 'j');
    assert_eq!(s.deployments.selected, 1, "stops at the last one");
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.pane, PaneId::Services);
    // From Detail: back to Detail.
    ch(&mut s, 'd');
    assert_eq!(s.pane, PaneId::Detail);
    ch(&mut s, 'h');
    assert_eq!(s.pane, PaneId::Deployments);
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.pane, PaneId::Detail);
}

// ---- o: continue the paused deployment ---------------------------------------------

fn continue_plan(action: LifecycleHookAction) -> EcsAct {
    let plan = continue_deployment::plan_for(
        "payments-prod",
        "worker",
        &[paused_canary()],
        action,
        Vec::new(),
        now(),
    )
    .expect("a paused deployment");
    EcsAct::Hook(plan)
}

/// `o` on the Deployments pane and the plan ops made.
fn continue_planned(s: &mut AppState) {
    let effects = ch(s, 'o');
    assert!(
        matches!(
            only_action(&effects),
            ActionEffect::PlanHook { service, action, .. }
                if service == "worker" && *action == LifecycleHookAction::Continue
        ),
        "{effects:?}"
    );
    reply(
        s,
        DialogAnswer::Planned(Ok(Planned::Deployment(Box::new(continue_plan(
            LifecycleHookAction::Continue,
        ))))),
    );
}

/// A look at the followed deployment: past its pause once it moved on.
fn looked(status: &str) -> ServiceDeployment {
    let mut d = ServiceDeployment {
        status: status.into(),
        ..paused_canary()
    };
    if status != "IN_PROGRESS" {
        d.hooks.clear();
    }
    d
}

#[test]
fn o_plans_continue_on_the_hook_then_sends_it_and_follows_the_deployment() {
    let mut s = history_of(paused_canary());
    continue_planned(&mut s);
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "Continue the paused deployment of payments-prod/worker",
            "hook hook-pause-1 is AWAITING_ACTION (6m40s left",
            "ContinueServiceDeployment hookId=hook-pause-1 action=CONTINUE",
        ],
    );
    assert_screens!("deployment_continue_confirm", text, s);
    let effects = ch(&mut s, 'y');
    let ActionEffect::Ecs { plan, .. } = only_action(&effects) else {
        panic!("the confirmed plan is sent: {effects:?}");
    };
    let EcsAct::Hook(p) = plan.as_ref() else {
        panic!("a hook action: {plan:?}");
    };
    assert_eq!(p.hook.hook_id.as_deref(), Some("hook-pause-1"));
    assert_eq!(p.action, LifecycleHookAction::Continue);
    reply(
        &mut s,
        DialogAnswer::DeploymentSent(Ok(paused_canary().arn)),
    );
    let mut moved = looked("IN_PROGRESS");
    moved.hooks.clear();
    moved.lifecycle_stage = Some("BAKE_TIME".into());
    reply(&mut s, DialogAnswer::DeploymentLook(Box::new(moved)));
    let watching = render(&s, 120, 40);
    assert_has_all(
        &watching,
        &[
            "ECS took it. Deployment d-canary: IN_PROGRESS",
            "canary 10% · BAKE_TIME",
            "Esc stops following",
        ],
    );
    reply(
        &mut s,
        DialogAnswer::DeploymentLook(Box::new(looked("SUCCESSFUL"))),
    );
    reply(
        &mut s,
        DialogAnswer::DeploymentFollowed(Ok("SUCCESSFUL".into())),
    );
    let done = render(&s, 120, 40);
    assert_has_all(&done, &["IN_PROGRESS → SUCCESSFUL", "✓ SUCCESSFUL"]);
    assert_eq!(s.modal.as_ref().map(|m| &m.stage), Some(&Stage::Done));
}

#[test]
fn o_in_read_only_shows_the_plan_and_sends_nothing() {
    let mut s = history_of(paused_canary());
    s.settings.read_only = true;
    continue_planned(&mut s);
    assert_y_refused_in_read_only(&mut s);
}

#[test]
fn o_in_production_needs_the_service_name_typed() {
    let mut s = history_of(paused_canary());
    s.settings.production = true;
    continue_planned(&mut s);
    let effects = confirm_by_typing(&mut s, "worker");
    assert!(
        matches!(only_action(&effects), ActionEffect::Ecs { .. }),
        "{effects:?}"
    );
}

#[test]
fn a_refused_plan_says_why_and_sends_nothing() {
    let mut s = history_of(successful_only());
    ch(&mut s, 'o');
    reply(
        &mut s,
        DialogAnswer::Planned(Err(
            "no deployment of payments-prod/worker is waiting at a lifecycle hook \
             (AWAITING_ACTION): nothing to continue or roll back; nothing was sent"
                .into(),
        )),
    );
    let text = render(&s, 120, 40);
    assert_has(&text, "is waiting at a lifecycle hook");
    assert!(ch(&mut s, 'y').is_empty());
    assert!(s.modal.is_none(), "y closes the failure");
}

fn successful_only() -> ServiceDeployment {
    crate::fixtures::successful_deployment()
}

// ---- R: ECS's own rollback first ---------------------------------------------------

fn stop_plan() -> EcsAct {
    let mut d = rolling_back();
    d.status = ServiceDeploymentStatus::InProgress;
    d.rollback = None;
    d.arn = crate::fixtures::deployment_arn("d-live");
    EcsAct::Stop(
        stop_deployment::plan_for("payments-prod", "worker", &[d], &[], now()).expect("in flight"),
    )
}

/// `R` on worker with a deployment in flight: the picker with ECS's row on top.
fn picker_with(offer: EcsAct) -> AppState {
    let mut s = on_worker();
    ch(&mut s, 'R');
    reply(&mut s, DialogAnswer::EcsOffer(Ok(Some(Box::new(offer)))));
    reply(
        &mut s,
        DialogAnswer::Revisions(Ok(crate::rollback::revisions())),
    );
    s
}

#[test]
fn r_preselects_ecs_rollback_of_the_deployment_in_flight_and_follows_it() {
    let mut s = picker_with(stop_plan());
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "▶ stop this deployment and roll back (ECS) — deployment d-live",
            "StopServiceDeployment stopType=ROLLBACK",
        ],
    );
    assert_screens!("deployment_ecs_rollback_picker", text, s);
    let effects = ch(&mut s, 'y');
    let ActionEffect::Ecs { plan, .. } = only_action(&effects) else {
        panic!("ECS's rollback is sent: {effects:?}");
    };
    assert!(matches!(plan.as_ref(), EcsAct::Stop(p) if p.deployment.arn.ends_with("/d-live")));
    assert!(
        matches!(
            s.modal.as_ref().map(|m| &m.kind),
            Some(ModalKind::DeploymentAction(_))
        ),
        "the dialog follows the deployment"
    );
    reply(
        &mut s,
        DialogAnswer::DeploymentSent(Ok(crate::fixtures::deployment_arn("d-live"))),
    );
    for status in [
        "ROLLBACK_REQUESTED",
        "ROLLBACK_IN_PROGRESS",
        "ROLLBACK_SUCCESSFUL",
    ] {
        reply(
            &mut s,
            DialogAnswer::DeploymentLook(Box::new(looked(status))),
        );
    }
    reply(
        &mut s,
        DialogAnswer::DeploymentFollowed(Ok("ROLLBACK_SUCCESSFUL".into())),
    );
    let text = render(&s, 120, 40);
    assert_has(
        &text,
        "ROLLBACK_REQUESTED → ROLLBACK_IN_PROGRESS → ROLLBACK_SUCCESSFUL",
    );
    assert_screens!("deployment_rolled_back", text, s);
}

#[test]
fn r_on_a_paused_deployment_rolls_back_at_its_hook_and_a_revision_stays_pickable() {
    let mut s = picker_with(continue_plan(LifecycleHookAction::Rollback));
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "roll back at the paused hook hook-pause-1 (ECS)",
            "ContinueServiceDeployment hookId=hook-pause-1 action=ROLLBACK",
        ],
    );
    // j moves to the revisions (the first is what runs; the next one is a rollback):
    // the task-definition rollback as before.
    ch(&mut s, 'j');
    assert!(
        ch(&mut s, 'y').is_empty(),
        "what runs is not a rollback target"
    );
    ch(&mut s, 'j');
    let effects = ch(&mut s, 'y');
    assert!(
        matches!(only_action(&effects), ActionEffect::Rollback { .. }),
        "{effects:?}"
    );
}

#[test]
fn r_back_up_to_the_ecs_row_and_read_only_sends_nothing() {
    let mut s = picker_with(stop_plan());
    s.modal.as_mut().expect("open").read_only = Some("--read-only".into());
    ch(&mut s, 'j');
    ch(&mut s, 'k');
    let ModalKind::Rollback(r) = &s.modal.as_ref().expect("open").kind else {
        panic!("the picker");
    };
    assert!(r.ecs_chosen().is_some(), "k goes back up to ECS's row");
    assert!(ch(&mut s, 'y').is_empty(), "read-only sends nothing");
    assert_has(&render(&s, 120, 40), "refused, nothing was sent");
}

#[test]
fn r_without_service_deployments_says_why_ecs_rollback_is_not_offered() {
    let mut s = on_worker();
    ch(&mut s, 'R');
    reply(
        &mut s,
        DialogAnswer::EcsOffer(Err(
            "ecs:ListServiceDeployments is not supported by http://localhost:5000".into(),
        )),
    );
    reply(
        &mut s,
        DialogAnswer::Revisions(Ok(crate::rollback::revisions())),
    );
    let text = render(&s, 120, 40);
    assert_has(
        &text,
        "ECS's own rollback not offered: ecs:ListServiceDeployments",
    );
    let effects = ch(&mut s, 'y');
    assert!(
        matches!(only_action(&effects), ActionEffect::Rollback { .. }),
        "the revision preselected as before: {effects:?}"
    );
}

// ---- Services: the stage of a deployment in flight, a person awaited on top ---------

/// The services listed on a fresh console, and the effects that answer asks for.
fn services_listed() -> (AppState, Vec<Effect>) {
    let mut s = crate::fixtures::empty_state();
    deliver(&mut s, crate::fixtures::identity());
    let g = s.services.loader.generation;
    let effects = update(
        &mut s,
        Event::Msg(crate::fixtures::listing(
            g,
            ecsnap::tui::state::msg::Listing::Services(Ok(crate::fixtures::services())),
        )),
    );
    // The metrics read every listing asks for is `metrics.rs`'s.
    (s, without_metrics(effects))
}

fn without_metrics(effects: Vec<Effect>) -> Vec<Effect> {
    effects
        .into_iter()
        .filter(|e| !matches!(e, Effect::Run(Work::Load(Load::Metrics { .. }))))
        .collect()
}

fn in_flight(s: &mut AppState, answer: Result<Vec<(String, String, ServiceDeployment)>, String>) {
    let g = s.services.live_loader.generation;
    deliver(s, pane(g, PaneAnswer::InFlight(answer)));
}

#[test]
fn a_service_waiting_for_a_person_sorts_first_with_its_countdown() {
    let (mut s, effects) = services_listed();
    assert!(
        matches!(
            only_load(&effects),
            Load::InFlight { services, .. }
                if services == &[("payments-prod".to_string(), "worker".to_string())]
        ),
        "only the rolling service is asked about: {effects:?}"
    );
    in_flight(
        &mut s,
        Ok(vec![(
            "payments-prod".into(),
            "worker".into(),
            paused_canary(),
        )]),
    );
    let text = render(&s, 120, 40);
    assert_has_all(&text, &["◆ AWAITING", "ROLLBACK in 6m40s"]);
    // Selected first, its line under the table says it waits for the user, and how to act.
    assert_has_all(
        &text,
        &[
            "worker: ◆ AWAITING · ROLLBACK in 6m40s · its deployment waits for you at",
            "R rolls it back now · o continues it",
        ],
    );
    let worker = text.find("worker").expect("worker listed");
    let crawler = text.find("crawler").expect("crawler listed");
    assert!(
        worker < crawler,
        "the service waiting for a person is above the failed one:\n{text}"
    );
    assert_screens!("services_awaiting", text, s);
    let _ = update(&mut s, Event::Tick(now() + chrono::Duration::seconds(40)));
    assert_has(&render(&s, 80, 24), "ROLLBACK in 6m00s");
    // Detail heads with the same line: it waits for the user, not "rolling".
    key(&mut s, KeyCode::Char('d'));
    let detail = render(&s, 120, 40);
    let head = detail
        .lines()
        .skip_while(|l| !l.contains("Detail of"))
        .nth(1)
        .unwrap_or_default();
    assert!(
        head.contains("worker: ◆ AWAITING · ROLLBACK in 6m00s"),
        "Detail's first line: {head}\n{detail}"
    );
    // At 80 columns its footer keeps `o continue`, the key that matters while it waits
    // (it was behind `…`).
    let narrow = render(&s, 80, 24);
    let footer = narrow.lines().last().unwrap_or_default();
    assert!(footer.contains("o continue"), "footer: {footer}\n{narrow}");
    assert!(footer.contains("R rollback"), "footer: {footer}\n{narrow}");
    insta::assert_snapshot!("detail_awaiting_80x24", narrow);
}

#[test]
fn a_baking_deployment_shows_the_bake_time_left() {
    let (mut s, _) = services_listed();
    let baking = ServiceDeployment {
        hooks: Vec::new(),
        lifecycle_stage: Some("BAKE_TIME".into()),
        updated_at: Some(now() - chrono::Duration::seconds(348)),
        ..paused_canary()
    };
    in_flight(
        &mut s,
        Ok(vec![("payments-prod".into(), "worker".into(), baking)]),
    );
    assert_has(&render(&s, 120, 40), "canary 10% · bake 4m12s left");
}

#[test]
fn an_endpoint_without_service_deployments_is_not_asked_again() {
    let (mut s, _) = services_listed();
    in_flight(
        &mut s,
        Err(format!(
            "{} (ecs:ListServiceDeployments is not supported)",
            ecsnap::tui::state::services::UNSUPPORTED
        )),
    );
    assert!(s.services.live_unsupported);
    let g = s.services.loader.start(now());
    let effects = update(
        &mut s,
        Event::Msg(crate::fixtures::listing(
            g,
            ecsnap::tui::state::msg::Listing::Services(Ok(crate::fixtures::services())),
        )),
    );
    let effects = without_metrics(effects);
    assert!(effects.is_empty(), "{effects:?}");
    // The rollout state shows as before.
    assert_has(&render(&s, 120, 40), "IN_PROGRESS");
}

// ---- Detail: how ECS deploys the service --------------------------------------------

#[test]
fn detail_shows_the_strategy_bake_time_and_hooks() {
    let mut s = on_worker();
    let worker = s
        .services
        .all
        .iter_mut()
        .find(|x| x.name == "worker")
        .expect("worker loaded");
    worker.deploy_settings = Some(ecsnap::model::DeploySettings {
        strategy: Some("CANARY".into()),
        bake_time_minutes: Some(10),
        step_percent: Some(10.0),
        step_bake_minutes: Some(5),
        hooks: vec![ecsnap::model::ServiceLifecycleHook {
            target_type: Some("PAUSE".into()),
            target_arn: None,
            stages: vec!["POST_TEST_TRAFFIC_SHIFT".into()],
        }],
    });
    ch(&mut s, 'd');
    let text = render(&s, 120, 40);
    assert_has(
        &text,
        "strategy CANARY · 10% a step, 5m each · bake 10m · hooks: PAUSE at POST_TEST_TRAFFIC_SHIFT",
    );
    // A service DescribeServices reports no strategy for: rolling, said so.
    key(&mut s, KeyCode::Esc);
    assert!(s.services.list.select_key("payments-prod/api"));
    ch(&mut s, 'd');
    assert_has(
        &render(&s, 120, 40),
        "strategy ROLLING (no strategy, bake time or hooks reported)",
    );
}

#[test]
fn paused_again_at_another_hook_o_continues_and_r_rolls_back_from_the_dialog() {
    let mut s = history_of(paused_canary());
    continue_planned(&mut s);
    ch(&mut s, 'y');
    reply(
        &mut s,
        DialogAnswer::DeploymentSent(Ok(paused_canary().arn)),
    );
    let mut again = paused_canary();
    again.hooks[0].hook_id = Some("hook-pause-2".into());
    again.lifecycle_stage = Some("POST_PRODUCTION_TRAFFIC_SHIFT".into());
    reply(&mut s, DialogAnswer::DeploymentLook(Box::new(again)));
    reply(
        &mut s,
        DialogAnswer::DeploymentFollowed(Ok(
            "awaiting action again at hook hook-pause-2 (IN_PROGRESS)".into(),
        )),
    );
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "waiting for you: o continues, R rolls back",
            "hook hook-pause-2 PAUSE AWAITING_ACTION",
        ],
    );
    let effects = ch(&mut s, 'R');
    assert!(
        matches!(
            only_action(&effects),
            ActionEffect::PlanHook { action, .. }
                if *action == LifecycleHookAction::Rollback
        ),
        "{effects:?}"
    );
    let text = render(&s, 120, 40);
    assert_has(
        &text,
        "Roll back the paused deployment of payments-prod/worker",
    );
}
