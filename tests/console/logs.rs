//! Rendered screens (insta snapshots of a TestBackend) of the Logs view at 80×24 and
//! 120×40, and of the wait view explaining a failed rollout: the stopped task's class,
//! hint and the last lines of its essential container.

use crate::actions::submit;
use crate::asserts::{assert_has, assert_has_all, assert_lacks};
use crate::fixtures::{deliver, dialog, key, loaded_state, logs_msg, now, render, td_arn};
use chrono::Duration;
use crossterm::event::KeyCode;
use ecsnap::analysis::stop::diagnose;
use ecsnap::load::logs::ContainerLogs;
use ecsnap::model::{Deployment, LastLines, LogEvent, LogPage, LogSource, Task};
use ecsnap::ops::redeploy::Started;
use ecsnap::ops::wait::{StoppedTask, Verdict, WaitProgress};
use ecsnap::tui::run::effect::{ActionEffect, Effect, LogsRead, Work};
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::logs::PageKind;
use ecsnap::tui::state::msg::{DialogAnswer, Event, LogsAnswer};
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
        matches!(&effects[..], [Effect::Run(Work::Logs(LogsRead::Sources { task, .. }))] if task.id == TASK),
        "{effects:?}"
    );
    let generation = s.logs.as_ref().map(|v| v.generation).expect("open");
    let effects = update(
        &mut s,
        Event::Msg(logs_msg(generation, LogsAnswer::Sources(Ok(containers())))),
    );
    assert!(
        matches!(
            &effects[..],
            [Effect::Run(Work::Logs(LogsRead::Page {
                kind: PageKind::Newest,
                token: None,
                container: 0,
                ..
            }))]
        ),
        "{effects:?}"
    );
    deliver(
        &mut s,
        logs_msg(
            generation,
            LogsAnswer::Page {
                container: 0,
                kind: PageKind::Newest,
                result: Ok(LogPage {
                    events: ledger_lines(),
                    next_backward_token: Some("b/1".into()),
                    next_forward_token: Some("f/1".into()),
                }),
            },
        ),
    );
    key(&mut s, KeyCode::Char('/'));
    submit(&mut s, "error");
    s
}

#[test]
fn logs_view_screens() {
    let s = logs_view();
    let wide = render(&s, 120, 40);
    assert_has_all(&wide, &["ERROR reconciliation job", "(2 matches)"]);
    insta::assert_snapshot!("logs_view_120x40", wide);
    let narrow = render(&s, 80, 24);
    assert_has(&narrow, "WARN  heap at 87%");
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
    assert_has_all(
        &other,
        &[
            "log-router logs with the awsfirelens driver",
            "firelens → its configured output",
        ],
    );
    assert!(key(&mut s, KeyCode::Char('q')).contains(&Effect::CancelLogs));
    assert!(s.logs.is_none());
    assert_eq!(s.pane, PaneId::Tasks);
}

/// A task of the new revision that died of an out-of-memory kill.
fn oom_task() -> Task {
    Task {
        stop_code: Some("EssentialContainerExited".into()),
        ..crate::fixtures::oom_task("3b1f0c2d9e8a4f6b8c7d5e4f3a2b1c0d", td_arn("worker", 3))
    }
}

/// The wait dialog's (generation `g`) answer for `task_id`'s last log lines: the app
/// container's five, running out of memory at the end.
fn answer_last_lines(s: &mut AppState, g: u64, task_id: &str) {
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
        s,
        dialog(
            g,
            DialogAnswer::LastLines {
                task_id: task_id.into(),
                result: Ok(vec![LastLines {
                    container: "app".into(),
                    lines: Ok(lines),
                }]),
            },
        ),
    );
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
        dialog(
            g,
            DialogAnswer::Started(Ok(Started {
                deployment_id: Some("ecs-svc/new1".into()),
                task_definition: td_arn("worker", 3),
                service: worker,
            })),
        ),
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
        dialog(
            g,
            DialogAnswer::WaitProgress(WaitProgress {
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
            }),
        ),
    );
    let before = render(&s, 120, 40);
    assert_has(&before, "loading its last log lines");
    answer_last_lines(&mut s, g, &task.id);
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "out of memory: a container ran out of memory",
            "app — last 5 log lines:",
            "fatal: runtime: out of memory",
            "R rolls back now",
        ],
    );
    assert_screens!("wait_view_failed_task", text, s);
    let effects = key(&mut s, KeyCode::Char('R'));
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::Run(Work::Action(ActionEffect::LoadRevisions { .. }))
        )),
        "R still rolls back from the wait view: {effects:?}"
    );
}

/// The Logs view of ledger's first task drawn once at `size` (as the console does while
/// the page loads), then its newest page: `events`, with `backward` as the older pages'
/// token. Returns the state and the effects the page's arrival asked for.
fn logs_with(
    events: Vec<LogEvent>,
    backward: Option<&str>,
    size: (u16, u16),
) -> (AppState, Vec<Effect>) {
    let mut s = loaded_state();
    s.pane = PaneId::Tasks;
    key(&mut s, KeyCode::Char('l'));
    let generation = s.logs.as_ref().map(|v| v.generation).expect("open");
    deliver(
        &mut s,
        logs_msg(generation, LogsAnswer::Sources(Ok(containers()))),
    );
    render(&s, size.0, size.1);
    let effects = update(
        &mut s,
        Event::Msg(logs_msg(
            generation,
            LogsAnswer::Page {
                container: 0,
                kind: PageKind::Newest,
                result: Ok(LogPage {
                    events,
                    next_backward_token: backward.map(Into::into),
                    next_forward_token: Some("f/1".into()),
                }),
            },
        )),
    );
    (s, effects)
}

/// The older page asked for among `effects`, with its token.
fn older_asked(effects: &[Effect]) -> Option<String> {
    effects.iter().find_map(|e| match e {
        Effect::Run(Work::Logs(LogsRead::Page {
            kind: PageKind::Older,
            token,
            ..
        })) => token.clone(),
        _ => None,
    })
}

/// GetLogEvents at the start of a stream: no events, the same backward token back.
fn start_reached(s: &mut AppState, token: &str) -> Vec<Effect> {
    let generation = s.logs.as_ref().map(|v| v.generation).expect("open");
    update(
        s,
        Event::Msg(logs_msg(
            generation,
            LogsAnswer::Page {
                container: 0,
                kind: PageKind::Older,
                result: Ok(LogPage {
                    events: Vec::new(),
                    next_backward_token: Some(token.into()),
                    next_forward_token: Some("f/0".into()),
                }),
            },
        )),
    )
}

fn numbered(n: usize) -> Vec<LogEvent> {
    (0..n)
        .map(|i| event((n - i) as i64, &format!("INFO  line {i:03} of the stream")))
        .collect()
}

#[test]
fn home_shows_a_full_screen_from_the_start() {
    let (mut s, _) = logs_with(numbered(60), Some("b/1"), (80, 24));
    assert!(render(&s, 80, 24).contains("line 059"));
    let effects = key(&mut s, KeyCode::Home);
    assert_eq!(older_asked(&effects).as_deref(), Some("b/1"), "{effects:?}");
    assert!(older_asked(&start_reached(&mut s, "b/1")).is_none());
    let text = render(&s, 80, 24);
    assert_has(&text, "── start of the stream ──");
    let shown = text
        .lines()
        .filter(|l| l.contains("of the stream") && l.contains("line "))
        .count();
    let rows = s.logs.as_ref().map(|v| v.height.get()).unwrap_or_default();
    assert_eq!(
        shown,
        rows - 1,
        "a full screen under the start marker:\n{text}"
    );
    assert!(text.contains("line 000") && text.contains(&format!("line {:03}", rows - 2)));
    insta::assert_snapshot!("logs_home_80x24", text);
    // One line down from there moves the screen by one line (no dead keys first).
    key(&mut s, KeyCode::Char('j'));
    let text = render(&s, 80, 24);
    assert_lacks(&text, "start of the stream");
    assert_has(&text, &format!("line {:03}", rows - 1));
    key(&mut s, KeyCode::Char('g'));
    let text = render(&s, 120, 40);
    assert_has(&text, "line 000");
    let rows = s.logs.as_ref().map(|v| v.height.get()).unwrap_or_default();
    let shown = text
        .lines()
        .filter(|l| l.contains("of the stream") && l.contains("line "))
        .count();
    assert_eq!(shown, rows - 1, "a full screen at 120×40 too:\n{text}");
    insta::assert_snapshot!("logs_home_120x40", text);
}

#[test]
fn the_older_lines_banner_shows_only_when_aws_has_older_lines() {
    // The whole stream fits: the page before it is asked for at once, and its answer
    // (nothing, the same token) says the stream starts here.
    let (mut s, effects) = logs_with(numbered(5), Some("b/1"), (120, 40));
    assert_eq!(older_asked(&effects).as_deref(), Some("b/1"), "{effects:?}");
    assert!(render(&s, 120, 40).contains("loading older lines"));
    start_reached(&mut s, "b/1");
    let text = render(&s, 120, 40);
    assert_has(&text, "── start of the stream ──");
    assert_lacks(&text, "scroll up");
    insta::assert_snapshot!("logs_whole_stream_120x40", text);
    let text = render(&s, 80, 24);
    assert_lacks(&text, "scroll up");
    insta::assert_snapshot!("logs_whole_stream_80x24", text);
    // No backward token at all: the start, without a call.
    let (s, effects) = logs_with(numbered(5), None, (80, 24));
    assert!(older_asked(&effects).is_none(), "{effects:?}");
    assert!(render(&s, 80, 24).contains("── start of the stream ──"));
    // More lines than the screen: nothing is asked until the user scrolls up.
    let (s, effects) = logs_with(numbered(60), Some("b/1"), (80, 24));
    assert!(older_asked(&effects).is_none(), "{effects:?}");
    let text = render(&s, 80, 24);
    assert!(
        !text.contains("older lines") && !text.contains("start of the stream"),
        "{text}"
    );
}

#[test]
fn a_very_long_line_wrapped_shows_what_fits_and_scrolls_inside() {
    let long: String = (0..500)
        .flat_map(|i| format!("seg{i:04}-..").chars().collect::<Vec<_>>())
        .collect();
    assert_eq!(long.chars().count(), 5000);
    let mut events = numbered(3);
    events.push(event(0, &long));
    let (mut s, _) = logs_with(events, None, (80, 24));
    key(&mut s, KeyCode::Char('w'));
    let text = render(&s, 80, 24);
    assert!(text.contains("seg0000"), "the long line's start:\n{text}");
    let rows = s.logs.as_ref().map(|v| v.height.get()).unwrap_or_default();
    let body = text.lines().filter(|l| l.contains("seg")).count();
    assert_eq!(body, rows, "the view is full of the long line:\n{text}");
    insta::assert_snapshot!("logs_long_line_wrapped_80x24", text);
    // j reads on inside the line; G back at its start; k leaves it for the line above.
    for _ in 0..10 {
        key(&mut s, KeyCode::Char('j'));
    }
    let text = render(&s, 80, 24);
    assert_lacks(&text, "seg0000");
    assert!(text.contains("seg0080"), "ten rows further:\n{text}");
    for _ in 0..10 {
        key(&mut s, KeyCode::Char('k'));
    }
    assert!(render(&s, 80, 24).contains("seg0000"));
    key(&mut s, KeyCode::Char('k'));
    let text = render(&s, 120, 40);
    assert_has(&text, "line 002 of the stream");
    insta::assert_snapshot!("logs_long_line_wrapped_120x40", text);
}
