//! The hands-on dialogs through `update`: `+`/`-` plan the desired count from → to and `y`
//! sends exactly it; `K` stops the selected task (read-only refuses inside the dialog);
//! `e` lists the containers with their exec readiness, picks one, and hands the plugin
//! call to the event loop; `p` asks for the port, then plans; production types the task
//! id; the header shows running port forwards. Screens with insta (120×40 and 80×24).

use crate::actions::{confirm_by_typing, only_hands_on, only_load, type_text};
use crate::asserts::{assert_has, assert_has_all, assert_lacks};
use crate::fixtures::{assert_says, deliver, dialog, generation, key, loaded_state, render, reply};
use crossterm::event::KeyCode;
use ecsnap::ops::exec::ExecPlan;
use ecsnap::ops::plugin::PluginCall;
use ecsnap::ops::port_forward::{Forward, PortForwardPlan};
use ecsnap::ops::scale::ScalePlan;
use ecsnap::ops::stop_task::StopPlan;
use ecsnap::tui::run::effect::{Effect, HandsOnEffect, Load, Work};
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::hands_on::{Foreground, HandsOnAsk, HandsOnDone, HandsOnPlan};
use ecsnap::tui::state::modal::{ModalKind, Stage};
use ecsnap::tui::state::msg::{DialogAnswer, Event};
use ecsnap::tui::state::msg::{Msg, Planned};
use ecsnap::tui::state::pane_id::PaneId;
use ecsnap::tui::update::app::update;

pub(crate) const TASK: &str = "9c8be533c3fe4aaf8a67e7452bdf15ff";

/// The plan of a port forward from localhost:15432 to db.internal:5432 through ledger's
/// first task.
pub(crate) fn db_forward_plan() -> PortForwardPlan {
    PortForwardPlan {
        cluster: "payments-prod".into(),
        task_id: TASK.into(),
        container: "app".into(),
        runtime_id: format!("{TASK}-app"),
        remote_port: 5432,
        local_port: 15432,
        host: Some("db.internal".into()),
        blocker: None,
    }
}

fn ch(state: &mut AppState, c: char) -> Vec<Effect> {
    key(state, KeyCode::Char(c))
}

/// `y` in the dialog: no call is handed to the event loop.
fn assert_y_sends_nothing(s: &mut AppState) {
    let effects = ch(s, 'y');
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::Run(Work::HandsOn(HandsOnEffect::Send { .. })))),
        "{effects:?}"
    );
}

/// The exec dialog says `why` it cannot open a shell and offers no confirmation (its
/// 80×24 screen is the snapshot `snapshot`); `y` sends nothing.
fn assert_exec_refused(s: &mut AppState, why: &str, snapshot: &str) {
    let screen = render(s, 120, 40);
    assert_has(&screen, why);
    assert_lacks(&screen, "Open the shell");
    insta::assert_snapshot!(snapshot, render(s, 80, 24));
    assert_y_sends_nothing(s);
}

fn on_tasks() -> AppState {
    let mut s = loaded_state();
    s.pane = PaneId::Tasks;
    assert!(s.tasks.list.select_key(TASK));
    s
}

fn exec_plans() -> Vec<ExecPlan> {
    let plan = |container: &str, blocker: Option<&str>| ExecPlan {
        cluster: "payments-prod".into(),
        task_id: TASK.into(),
        task_arn: format!("arn:aws:ecs:us-east-1:123456789012:task/payments-prod/{TASK}"),
        container: container.into(),
        runtime_id: Some(format!("{TASK}-{container}")),
        command: "/bin/sh".into(),
        blocker: blocker.map(str::to_string),
    };
    vec![
        plan(
            "envoy",
            Some("the ExecuteCommandAgent is PENDING in container envoy, not RUNNING"),
        ),
        plan("app", None),
    ]
}

#[test]
fn plus_plans_one_more_and_y_sends_exactly_that() {
    let mut s = loaded_state();
    assert!(s.services.list.select_key("payments-prod/ledger"));
    let effects = ch(&mut s, '+');
    assert!(
        matches!(only_hands_on(&effects), HandsOnEffect::Plan { ask: HandsOnAsk::Scale { service, delta: 1, .. }, .. } if service == "ledger"),
        "{effects:?}"
    );
    key(&mut s, KeyCode::Esc);
    let (g, plan) = ledger_scale_planned(&mut s);
    let text = render(&s, 120, 40);
    assert_has(&text, "scale payments-prod/ledger from 2 to 3 desired");
    let effects = ch(&mut s, 'y');
    assert_eq!(
        only_hands_on(&effects),
        &HandsOnEffect::Send {
            generation: g,
            plan: HandsOnPlan::Scale(plan.clone())
        }
    );
    let effects = update(&mut s, Event::Msg(scaled(g)));
    // The services reload and the running count is watched, as `scale --wait` does.
    assert!(
        matches!(&effects[..], [Effect::Run(Work::Load(Load::Services { .. })), Effect::Run(Work::HandsOn(HandsOnEffect::WatchScale { generation, plan: p }))]
            if *generation == g && *p == plan),
        "{effects:?}"
    );
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "desired count is now 3",
            "running 2 of 3 · pending 0 · 0 looks",
            "Esc stops watching",
        ],
    );
    deliver(
        &mut s,
        dialog(
            g,
            DialogAnswer::ScaleLook {
                running: 2,
                pending: 1,
            },
        ),
    );
    assert!(render(&s, 120, 40).contains("running 2 of 3 · pending 1 · 1 look"));
    // A look for another dialog is dropped.
    deliver(
        &mut s,
        dialog(
            g + 1,
            DialogAnswer::ScaleLook {
                running: 0,
                pending: 0,
            },
        ),
    );
    assert!(render(&s, 120, 40).contains("running 2 of 3 · pending 1 · 1 look"));
    let effects = update(
        &mut s,
        Event::Msg(dialog(
            g,
            DialogAnswer::ScaleWatched(Ok("3 running, as asked (after 0m10s)".into())),
        )),
    );
    assert!(
        matches!(only_load(&effects), Load::Services { .. }),
        "{effects:?}"
    );
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &["✓ 3 running, as asked (after 0m10s)", "Esc closes"],
    );
    assert_eq!(s.modal.as_ref().map(|m| m.stage.clone()), Some(Stage::Done));
}

#[test]
fn minus_plans_one_fewer() {
    let mut s = loaded_state();
    assert!(s.services.list.select_key("payments-prod/ledger"));
    let effects = ch(&mut s, '-');
    assert!(
        matches!(
            only_hands_on(&effects),
            HandsOnEffect::Plan {
                ask: HandsOnAsk::Scale { delta: -1, .. },
                ..
            }
        ),
        "{effects:?}"
    );
}

/// `+` on ledger and its plan (2 → 3) delivered: the dialog asks to confirm.
fn ledger_scale_planned(s: &mut AppState) -> (u64, ScalePlan) {
    assert!(s.services.list.select_key("payments-prod/ledger"));
    ch(s, '+');
    let plan = ScalePlan {
        service: ecsnap::model::ClusterService::new("payments-prod", "ledger"),
        from: 2,
        to: 3,
        running: 2,
    };
    let g = planned(s, HandsOnPlan::Scale(plan.clone()));
    (g, plan)
}

/// The hands-on plan `plan` arrived for the open dialog: its generation.
fn planned(s: &mut AppState, plan: HandsOnPlan) -> u64 {
    reply(s, DialogAnswer::Planned(Ok(Planned::HandsOn(plan))))
}

/// UpdateService answered for the dialog `g`: desired 3, 2 running.
fn scaled(g: u64) -> Msg {
    dialog(
        g,
        DialogAnswer::HandsOnDone(Ok(HandsOnDone::Scaled {
            desired: 3,
            running: 2,
        })),
    )
}

/// Esc while a scale's count is watched closes the dialog and stops the watch (the
/// new desired count stays: it was sent); a failed watch says why.
#[test]
fn esc_stops_watching_a_scale_and_a_failed_watch_says_why() {
    let mut s = loaded_state();
    let (g, _) = ledger_scale_planned(&mut s);
    ch(&mut s, 'y');
    deliver(&mut s, scaled(g));
    let effects = key(&mut s, KeyCode::Esc);
    assert_eq!(effects, vec![Effect::CancelAction]);
    assert!(s.modal.is_none());

    // Again, and this time the rollout fails while watched.
    let (g, _) = ledger_scale_planned(&mut s);
    ch(&mut s, 'y');
    deliver(&mut s, scaled(g));
    deliver(
        &mut s,
        dialog(
            g,
            DialogAnswer::ScaleWatched(Err(
                "deployment ecs-svc/1 rollout FAILED: tasks failed to start".into(),
            )),
        ),
    );
    let text = render(&s, 120, 40);
    assert_has(
        &text,
        "✗ deployment ecs-svc/1 rollout FAILED: tasks failed to start",
    );
}

/// The plan of stopping ledger's first task, by user ana.
pub(crate) fn stop_plan() -> StopPlan {
    StopPlan {
        cluster: "payments-prod".into(),
        task_id: TASK.into(),
        task_arn: format!("arn:aws:ecs:us-east-1:123456789012:task/payments-prod/{TASK}"),
        service: Some("ledger".into()),
        last_status: "RUNNING".into(),
        reason: "stopped with ecsnap by arn:aws:iam::123456789012:user/ana".into(),
    }
}

#[test]
fn k_stops_the_selected_task_and_read_only_refuses_in_the_dialog() {
    let mut s = on_tasks();
    s.settings.read_only = true;
    let effects = ch(&mut s, 'K');
    assert!(
        matches!(only_hands_on(&effects), HandsOnEffect::Plan { ask: HandsOnAsk::Stop { task, .. }, .. } if task == TASK),
        "{effects:?}"
    );
    planned(&mut s, HandsOnPlan::Stop(stop_plan()));
    let effects = ch(&mut s, 'y');
    assert!(effects.is_empty(), "read-only sends nothing: {effects:?}");
    let text = render(&s, 120, 40);
    assert_has(&text, "READ-ONLY — refused");
    insta::assert_snapshot!("stop_task_read_only_120x40", text);

    // Writable: y sends the plan; the answer reloads services and the tasks.
    let mut s = on_tasks();
    ch(&mut s, 'K');
    let g = planned(&mut s, HandsOnPlan::Stop(stop_plan()));
    let effects = ch(&mut s, 'y');
    assert!(
        matches!(only_hands_on(&effects), HandsOnEffect::Send { plan: HandsOnPlan::Stop(p), .. } if p.reason.contains("user/ana")),
        "{effects:?}"
    );
    let effects = fixtures_update(
        &mut s,
        dialog(
            g,
            DialogAnswer::HandsOnDone(Ok(HandsOnDone::Stopped {
                desired_status: "STOPPED".into(),
            })),
        ),
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Run(Work::Load(Load::Tasks { service, .. })) if service == "ledger")),
        "{effects:?}"
    );
}

fn fixtures_update(s: &mut AppState, msg: Msg) -> Vec<Effect> {
    ecsnap::tui::update::app::update(s, ecsnap::tui::state::msg::Event::Msg(msg))
}

#[test]
fn stopped_tasks_get_no_dialog() {
    let mut s = on_tasks();
    assert!(s.tasks.list.select_key("2f0e4c7ab1d94e0c9a2d5b7e1f3c6a80"));
    for c in ['K', 'e', 'p'] {
        assert!(ch(&mut s, c).is_empty());
        assert!(s.modal.is_none());
        assert_says(&s, "STOPPED");
    }
}

#[test]
fn e_picks_the_ready_container_and_hands_the_call_to_the_event_loop() {
    let mut s = on_tasks();
    let effects = ch(&mut s, 'e');
    assert!(
        matches!(only_hands_on(&effects), HandsOnEffect::Plan { ask: HandsOnAsk::Exec { task, .. }, .. } if task == TASK),
        "{effects:?}"
    );
    let g = planned(&mut s, HandsOnPlan::Exec(exec_plans()));
    // The ready container (app) is preselected; the other shows why not.
    insta::assert_snapshot!("exec_picker_120x40", render(&s, 120, 40));
    insta::assert_snapshot!("exec_picker_80x24", render(&s, 80, 24));
    // Pick envoy, then back to app: y sends only the container picked.
    ch(&mut s, 'k');
    ch(&mut s, 'j');
    let effects = ch(&mut s, 'y');
    match only_hands_on(&effects) {
        HandsOnEffect::Send {
            plan: HandsOnPlan::Exec(plans),
            ..
        } => {
            assert_eq!(plans.len(), 1);
            assert_eq!(plans[0].container, "app");
        }
        other => panic!("{other:?}"),
    }
    let call = PluginCall {
        args: vec!["{}".into()],
        env: Vec::new(),
    };
    deliver(
        &mut s,
        dialog(
            g,
            DialogAnswer::HandsOnDone(Ok(HandsOnDone::Exec {
                call: call.clone(),
                what: format!("app in task {TASK}"),
            })),
        ),
    );
    assert!(s.modal.is_none(), "the dialog closes for the shell");
    assert!(
        matches!(&s.foreground, Some(Foreground::Exec { call: c, .. }) if *c == call),
        "{:?}",
        s.foreground
    );
}

#[test]
fn production_exec_needs_the_task_id_typed() {
    let mut s = on_tasks();
    s.settings.production = true;
    ch(&mut s, 'e');
    planned(&mut s, HandsOnPlan::Exec(exec_plans()));
    let effects = confirm_by_typing(&mut s, TASK);
    assert!(
        matches!(only_hands_on(&effects), HandsOnEffect::Send { plan: HandsOnPlan::Exec(p), .. } if p[0].container == "app"),
        "{effects:?}"
    );
}

#[test]
fn p_asks_for_the_port_then_plans_and_the_header_shows_the_forward() {
    let mut s = on_tasks();
    assert!(
        ch(&mut s, 'p').is_empty(),
        "nothing is planned before the port"
    );
    assert!(matches!(
        s.modal.as_ref().map(|m| (&m.stage, &m.kind)),
        Some((Stage::Confirm, ModalKind::HandsOn(_)))
    ));
    type_text(&mut s, "5432 x");
    // "x" is taken as a host: a fine spec. Type a bad one first.
    for _ in 0..6 {
        key(&mut s, KeyCode::Backspace);
    }
    type_text(&mut s, "99999");
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    assert!(render(&s, 120, 40).contains("is not a port"));
    for _ in 0..5 {
        key(&mut s, KeyCode::Backspace);
    }
    type_text(&mut s, "5432 15432 db.internal");
    insta::assert_snapshot!("port_prompt_80x24", render(&s, 80, 24));
    let effects = key(&mut s, KeyCode::Enter);
    let forward = Forward {
        remote_port: 5432,
        local_port: Some(15432),
        host: Some("db.internal".into()),
    };
    assert!(
        matches!(only_hands_on(&effects), HandsOnEffect::Plan { ask: HandsOnAsk::Forward { forward: f, task, .. }, .. } if *f == forward && task == TASK),
        "{effects:?}"
    );
    let plan = db_forward_plan();
    let g = planned(&mut s, HandsOnPlan::Forward(plan.clone()));
    let effects = ch(&mut s, 'y');
    assert_eq!(
        only_hands_on(&effects),
        &HandsOnEffect::Send {
            generation: g,
            plan: HandsOnPlan::Forward(plan)
        }
    );
    deliver(
        &mut s,
        dialog(
            g,
            DialogAnswer::HandsOnDone(Ok(HandsOnDone::Forward {
                call: PluginCall {
                    args: Vec::new(),
                    env: Vec::new(),
                },
                route: "localhost:15432 → db.internal:5432".into(),
            })),
        ),
    );
    assert!(
        matches!(&s.foreground, Some(Foreground::Forward { route, .. }) if route.contains("15432"))
    );
    // The event loop starts it and lists it; the header shows it.
    s.forwards.push("localhost:15432 → db.internal:5432".into());
    let text = render(&s, 120, 40);
    assert!(
        text.lines()
            .next()
            .is_some_and(|l| l.contains("⇄ localhost:15432 → db.internal:5432")),
        "{text}"
    );
}

#[test]
fn without_the_plugin_exec_says_how_to_install_it_and_offers_no_confirm() {
    let mut s = on_tasks();
    ch(&mut s, 'e');
    let g = generation(&s);
    // What the runner answers when `session-manager-plugin` is not found (it is checked
    // before the plan: `ops::exec::plan_all_with_plugin`).
    deliver(
        &mut s,
        dialog(
            g,
            DialogAnswer::Planned(Err(ecsnap::ops::plugin::INSTALL_HINT.to_string())),
        ),
    );
    assert_exec_refused(
        &mut s,
        "session-manager-plugin is not installed",
        "exec_without_plugin_80x24",
    );
}

#[test]
fn exec_with_no_ready_container_says_what_is_missing_and_asks_nothing() {
    let mut s = on_tasks();
    ch(&mut s, 'e');
    let mut plans = exec_plans();
    plans[1].blocker =
        Some("ECS Exec is off (enableExecuteCommand false): enable it on service ledger".into());
    plans[0].blocker = plans[1].blocker.clone();
    planned(&mut s, HandsOnPlan::Exec(plans));
    assert_exec_refused(
        &mut s,
        "ECS Exec is off (enableExecuteCommand false)",
        "exec_not_ready_80x24",
    );
}

#[test]
fn y_on_a_container_that_is_not_ready_says_why_and_sends_nothing() {
    let mut s = on_tasks();
    ch(&mut s, 'e');
    planned(&mut s, HandsOnPlan::Exec(exec_plans()));
    ch(&mut s, 'k'); // envoy: its agent is PENDING
    assert_y_sends_nothing(&mut s);
    let screen = render(&s, 120, 40);
    assert_has(&screen, "container envoy cannot take a shell");
}
