//! Rendered screens (insta snapshots of a TestBackend) of the Logs view at 80×24 and
//! 120×40, and of the wait view explaining a failed rollout: the stopped task's class,
//! hint and the last lines of its essential container.

use crate::fixtures::{deliver, key, loaded_state, now, render, td_arn};
use chrono::Duration;
use crossterm::event::KeyCode;
use ecsnap::analysis::stop::diagnose;
use ecsnap::load::logs::ContainerLogs;
use ecsnap::model::{Deployment, LastLines, LogEvent, LogPage, LogSource, Task, TaskContainer};
use ecsnap::ops::redeploy::Started;
use ecsnap::ops::wait::{StoppedTask, Verdict, WaitProgress};
use ecsnap::tui::run::effect::Effect;
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::logs::PageKind;
use ecsnap::tui::state::msg::{Event, Msg};
use ecsnap::tui::state::pane_id::PaneId;
use ecsnap::tui::update::app::update;

const TASK: &str = "9c8be533c3fe4aaf8a67e7452bdf15ff";

fn event(seconds_ago: i64, message: &str) -> LogEvent {
    LogEvent {
        timestamp: now() - Duration::seconds(seconds_ago),
        message: message.into(),
        ..LogEvent::default()
    }
}

fn ledger_lines() -> Vec<LogEvent> {
    let messages = [
        "INFO  starting ledger 2026.11.2 (build 4f2a9c1)",
        "INFO  connected to postgres at ledger-db.internal:5432",
        "INFO  listening on :8080",
        "INFO  GET /healthz 200 1ms",
        "WARN  slow query: SELECT * FROM entries WHERE account_id = $1 ORDER BY posted_at DESC (2310 ms)",
        "INFO  POST /v1/transfers 201 38ms",
        "ERROR transfer 7f3e2a failed: insufficient funds in account acct_0042",
        "INFO  GET /healthz 200 1ms",
        "ERROR reconciliation job: timeout after 30s waiting for lock on ledger_entries",
        "INFO  POST /v1/transfers 201 41ms",
        "INFO  GET /healthz 200 1ms",
        "WARN  heap at 87% of the container's 512 MiB",
    ];
    let n = messages.len() as i64;
    messages
        .iter()
        .enumerate()
        .map(|(i, m)| event((n - i as i64) * 7, m))
        .collect()
}

fn containers() -> Vec<ContainerLogs> {
    vec![
        ContainerLogs {
            task_id: TASK.into(),
            container: "app".into(),
            essential: true,
            source: LogSource::Awslogs {
                group: "/ecs/ledger".into(),
                stream: format!("ecs/app/{TASK}"),
                region: "us-east-1".into(),
            },
        },
        ContainerLogs {
            task_id: TASK.into(),
            container: "log-router".into(),
            essential: false,
            source: LogSource::Other {
                driver: "awsfirelens".into(),
                where_:
                    "firelens → its configured output (the log router container's configuration)"
                        .into(),
            },
        },
    ]
}

/// The Logs view of ledger's first task, its newest page loaded, searching "error".
pub(crate) fn logs_view() -> AppState {
    let mut s = loaded_state();
    s.pane = PaneId::Tasks;
    let effects = key(&mut s, KeyCode::Char('l'));
    assert!(
        matches!(&effects[..], [Effect::LoadLogSources { task, .. }] if task.id == TASK),
        "{effects:?}"
    );
    let generation = s.logs.as_ref().map(|v| v.generation).expect("open");
    let effects = update(
        &mut s,
        Event::Msg(Msg::LogSources {
            generation,
            result: Ok(containers()),
        }),
    );
    assert!(
        matches!(
            &effects[..],
            [Effect::LoadLogPage {
                kind: PageKind::Newest,
                token: None,
                container: 0,
                ..
            }]
        ),
        "{effects:?}"
    );
    deliver(
        &mut s,
        Msg::LogPage {
            generation,
            container: 0,
            kind: PageKind::Newest,
            result: Ok(LogPage {
                events: ledger_lines(),
                next_backward_token: Some("b/1".into()),
                next_forward_token: Some("f/1".into()),
            }),
        },
    );
    key(&mut s, KeyCode::Char('/'));
    for c in "error".chars() {
        key(&mut s, KeyCode::Char(c));
    }
    key(&mut s, KeyCode::Enter);
    s
}

#[test]
fn logs_view_screens() {
    let s = logs_view();
    let wide = render(&s, 120, 40);
    assert!(wide.contains("ERROR reconciliation job"), "{wide}");
    assert!(wide.contains("(2 matches)"), "{wide}");
    insta::assert_snapshot!("logs_view_120x40", wide);
    let narrow = render(&s, 80, 24);
    assert!(narrow.contains("WARN  heap at 87%"), "{narrow}");
    insta::assert_snapshot!("logs_view_80x24", narrow);
}

#[test]
fn logs_view_wraps_and_names_another_driver() {
    let mut s = logs_view();
    key(&mut s, KeyCode::Char('w'));
    let wrapped = render(&s, 80, 24);
    assert!(
        wrapped.contains("(2310 ms)"),
        "the long line wraps:\n{wrapped}"
    );
    assert!(
        key(&mut s, KeyCode::Char('c')).is_empty(),
        "firelens: no read"
    );
    let other = render(&s, 80, 24);
    assert!(
        other.contains("log-router logs with the awsfirelens driver"),
        "{other}"
    );
    assert!(
        other.contains("firelens → its configured output"),
        "{other}"
    );
    assert!(key(&mut s, KeyCode::Char('q')).contains(&Effect::CancelLogs));
    assert!(s.logs.is_none());
    assert_eq!(s.pane, PaneId::Tasks);
}

/// A task of the new revision that died of an out-of-memory kill.
fn oom_task() -> Task {
    Task {
        id: "3b1f0c2d9e8a4f6b8c7d5e4f3a2b1c0d".into(),
        task_definition: td_arn("worker", 3),
        last_status: "STOPPED".into(),
        desired_status: "STOPPED".into(),
        stopped_reason: Some("Essential container in task exited".into()),
        stop_code: Some("EssentialContainerExited".into()),
        containers: vec![TaskContainer {
            name: "app".into(),
            exit_code: Some(137),
            reason: Some("OutOfMemoryError: Container killed due to memory usage".into()),
            ..TaskContainer::default()
        }],
        ..Task::default()
    }
}

#[test]
fn the_wait_view_shows_the_failed_task_its_class_hint_and_last_lines() {
    let mut s = loaded_state();
    assert!(s.services.list.select_key("payments-prod/worker"));
    key(&mut s, KeyCode::Char('D'));
    let g = s.modal.as_ref().map(|m| m.generation).expect("a dialog");
    let worker = crate::fixtures::services()
        .into_iter()
        .find(|x| x.name == "worker")
        .expect("worker");
    deliver(
        &mut s,
        Msg::Started {
            generation: g,
            result: Ok(Started {
                deployment_id: Some("ecs-svc/new1".into()),
                task_definition: td_arn("worker", 3),
                service: worker,
            }),
        },
    );
    let task = oom_task();
    let stopped = StoppedTask {
        task_id: task.id.clone(),
        task_definition: task.task_definition.clone(),
        reason: task.stopped_reason.clone(),
        stop: diagnose(&task),
    };
    let deployment = Deployment {
        id: "ecs-svc/new1".into(),
        status: "PRIMARY".into(),
        task_definition: td_arn("worker", 3),
        desired_count: 2,
        running_count: 0,
        pending_count: 0,
        rollout_state: Some("FAILED".into()),
        ..Deployment::default()
    };
    // The failure is seen a minute in (the elapsed time stops there).
    s.now = now() + Duration::seconds(60);
    deliver(
        &mut s,
        Msg::WaitProgress {
            generation: g,
            progress: WaitProgress {
                poll: 12,
                elapsed: std::time::Duration::from_mins(1),
                service_status: "ACTIVE".into(),
                deployments: vec![deployment],
                new_events: Vec::new(),
                new_stopped_tasks: vec![stopped],
                poll_error: None,
                verdict: Verdict::Failed(
                    "deployment ecs-svc/new1 (worker:3) rollout FAILED: tasks failed to start"
                        .into(),
                ),
            },
        },
    );
    let before = render(&s, 120, 40);
    assert!(before.contains("loading its last log lines"), "{before}");
    let lines = [
        "starting worker v1.6.0-rc1",
        "loading 1.2M ledger entries into the cache",
        "cache at 410 MiB",
        "cache at 498 MiB",
        "fatal: runtime: out of memory",
    ]
    .iter()
    .enumerate()
    .map(|(i, m)| event(60 - i as i64 * 10, m))
    .collect();
    deliver(
        &mut s,
        Msg::LastLines {
            generation: g,
            task_id: task.id.clone(),
            result: Ok(vec![LastLines {
                container: "app".into(),
                lines: Ok(lines),
            }]),
        },
    );
    let text = render(&s, 120, 40);
    assert!(
        text.contains("out of memory: a container ran out of memory"),
        "{text}"
    );
    assert!(text.contains("app — last 5 log lines:"), "{text}");
    assert!(text.contains("fatal: runtime: out of memory"), "{text}");
    assert!(text.contains("R rolls back now"), "{text}");
    insta::assert_snapshot!("wait_view_failed_task_120x40", text);
    insta::assert_snapshot!("wait_view_failed_task_80x24", render(&s, 80, 24));
    let effects = key(&mut s, KeyCode::Char('R'));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadRevisions { .. })),
        "R still rolls back from the wait view: {effects:?}"
    );
}
