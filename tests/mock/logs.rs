//! The Logs view and `ecsnap logs --follow` against aws-smithy-mocks: the first screen is
//! exactly one GetLogEvents call (the newest page), scrolling back sends the backward token
//! (a page at a time, none past the start), following sends the forward token with
//! `startFromHead` (at least a second apart) and stops when the view closes; the command's
//! follow loop sleeps a second between reads and stops when interrupted.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::asserts::assert_has;
use crate::fixtures::{key, loaded_state, now, render, td_arn};
use crate::mocked::clients_with_logs;
use crate::runtime::block_on;
use aws_sdk_cloudwatchlogs::operation::get_log_events::{GetLogEventsInput, GetLogEventsOutput};
use aws_sdk_cloudwatchlogs::types::OutputLogEvent;
use aws_sdk_ecs::operation::describe_task_definition::DescribeTaskDefinitionOutput;
use aws_sdk_ecs::types::{ContainerDefinition, LogConfiguration, LogDriver, TaskDefinition};
use aws_smithy_mocks::{Rule, mock};
use crossterm::event::KeyCode;
use ecsnap::aws::AwsClients;
use ecsnap::commands::logs::{Discover, FollowOptions, REDISCOVER_EVERY, follow};
use ecsnap::load::logs::{ContainerLogs, LAST_LINES, last_lines};
use ecsnap::model::{LogEvent, LogSource, Task};
use ecsnap::ops::interrupt::Interrupt;
use ecsnap::ops::wait::FakeClock;
use ecsnap::tui::run::effect::{Effect, LogsRead, Work};
use ecsnap::tui::run::runner::perform_logs_read;
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::logs::PageKind;
use ecsnap::tui::state::msg::Event;
use ecsnap::tui::state::pane_id::PaneId;
use ecsnap::tui::update::app::update;
use futures::future::BoxFuture;

const GROUP: &str = "/ecs/ledger";
/// The first task of the fixture's ledger service.
const TASK: &str = "9c8be533c3fe4aaf8a67e7452bdf15ff";

fn stream() -> String {
    format!("ecs/app/{TASK}")
}

/// A container's log configuration: `driver` with `options`.
fn logging(driver: LogDriver, options: &[(&str, &str)]) -> LogConfiguration {
    options
        .iter()
        .fold(
            LogConfiguration::builder().log_driver(driver),
            |b, (k, v)| b.options(*k, *v),
        )
        .build()
        .expect("a log configuration")
}

/// The ledger task definition: `app` logs to CloudWatch Logs, `sidecar` to splunk.
fn task_definition() -> Rule {
    mock!(aws_sdk_ecs::Client::describe_task_definition).then_output(|| {
        let awslogs = logging(
            LogDriver::Awslogs,
            &[("awslogs-group", GROUP), ("awslogs-stream-prefix", "ecs")],
        );
        let splunk = logging(
            LogDriver::Splunk,
            &[("splunk-url", "https://splunk.example:8088")],
        );
        DescribeTaskDefinitionOutput::builder()
            .task_definition(
                TaskDefinition::builder()
                    .task_definition_arn(td_arn("ledger", 2))
                    .family("ledger")
                    .revision(2)
                    .container_definitions(
                        ContainerDefinition::builder()
                            .name("sidecar")
                            .essential(false)
                            .log_configuration(splunk)
                            .build(),
                    )
                    .container_definitions(
                        ContainerDefinition::builder()
                            .name("app")
                            .essential(true)
                            .log_configuration(awslogs)
                            .build(),
                    )
                    .build(),
            )
            .build()
    })
}

/// Events `first..=last` a second apart from a fixed time (ms).
fn events(first: i64, last: i64) -> Vec<OutputLogEvent> {
    (first..=last)
        .map(|i| {
            OutputLogEvent::builder()
                .timestamp(1_764_900_000_000 + i * 1000)
                .message(format!("line {i}\n"))
                .build()
        })
        .collect()
}

fn page(events: Vec<OutputLogEvent>, backward: &str, forward: &str) -> GetLogEventsOutput {
    GetLogEventsOutput::builder()
        .set_events(Some(events))
        .next_backward_token(backward)
        .next_forward_token(forward)
        .build()
}

/// The `app` container of `task` logging to `GROUP`/`stream` with the awslogs driver.
fn awslogs_app(task: &str, stream: String) -> ContainerLogs {
    ContainerLogs {
        task_id: task.into(),
        container: "app".into(),
        essential: true,
        source: LogSource::Awslogs {
            group: GROUP.into(),
            stream,
            region: "eu-west-1".into(),
        },
    }
}

fn for_stream(r: &GetLogEventsInput) -> bool {
    r.log_group_name() == Some(GROUP) && r.log_stream_name() == Some(stream().as_str())
}

/// Runs the Logs view's effects against the clients and feeds the answers back; returns
/// the effects those answers asked for.
fn run(state: &mut AppState, aws: &AwsClients, effects: Vec<Effect>) -> Vec<Effect> {
    let mut next = Vec::new();
    for e in effects {
        if let Some(msg) = block_on(perform_logs_read(e, aws)) {
            next.extend(update(state, Event::Msg(msg)));
        }
    }
    next
}

fn lines_shown(state: &AppState) -> Vec<String> {
    let view = state.logs.as_ref().expect("the Logs view is open");
    let (_, buffer) = view.current().expect("a container is shown");
    buffer.lines.iter().map(|l| l.message.clone()).collect()
}

fn page_effect(effects: &[Effect]) -> Option<(PageKind, Option<String>)> {
    effects.iter().find_map(|e| match e {
        Effect::Run(Work::Logs(LogsRead::Page { kind, token, .. })) => Some((*kind, token.clone())),
        _ => None,
    })
}

/// Asserts that `effects` ask for the `kind` page from `token`, then runs them; returns
/// the effects their answers asked for.
#[track_caller]
fn read_page(
    state: &mut AppState,
    aws: &AwsClients,
    effects: Vec<Effect>,
    (kind, token): (PageKind, &str),
) -> Vec<Effect> {
    assert_eq!(
        page_effect(&effects),
        Some((kind, Some(token.to_string()))),
        "{effects:?}"
    );
    run(state, aws, effects)
}

/// The fixture's console on the Tasks pane with `l` pressed: the Logs view opening, and
/// the effects it asked for.
fn logs_opened() -> (AppState, Vec<Effect>) {
    let mut s = loaded_state();
    s.pane = PaneId::Tasks;
    let opened = key(&mut s, KeyCode::Char('l'));
    (s, opened)
}

/// Read-side clients where only CloudWatch Logs answers, by `rules`.
fn logs_only(rules: &[&Rule]) -> AwsClients {
    clients_with_logs(&[], &[], &[], rules)
}

/// What `logs --follow` saw: the events in order, the fake clock's sleeps, and how
/// often it looked for new streams.
struct Followed {
    events: Vec<LogEvent>,
    sleeps: Vec<Duration>,
    looks: usize,
}

/// `logs --follow` over `streams` from `tokens` (both kept up to date by the loop),
/// polling every `interval`, interrupted once `enough` events were seen; with `found`,
/// each look for the service's streams finds those.
fn follow_until(
    aws: &AwsClients,
    streams: &mut Vec<ContainerLogs>,
    tokens: &mut Vec<Option<String>>,
    interval: Duration,
    found: Option<&[ContainerLogs]>,
    enough: usize,
) -> ecsnap::Result<Followed> {
    let clock = FakeClock::default();
    let stop = Interrupt::new();
    let stopper = stop.clone();
    let mut seen: Vec<LogEvent> = Vec::new();
    let mut on_events = |events: &[LogEvent]| {
        seen.extend_from_slice(events);
        if seen.len() >= enough {
            stopper.trigger();
        }
        Ok(true)
    };
    let looks = AtomicUsize::new(0);
    let discover = || -> BoxFuture<'_, ecsnap::Result<Vec<ContainerLogs>>> {
        looks.fetch_add(1, Ordering::SeqCst);
        let found = found.unwrap_or_default().to_vec();
        Box::pin(async move { Ok(found) })
    };
    let opts = FollowOptions {
        interval,
        stop: &stop,
        discover: found.is_some().then_some(&discover as Discover<'_>),
    };
    block_on(follow(aws, streams, tokens, &clock, opts, &mut on_events))?;
    Ok(Followed {
        events: seen,
        sleeps: clock.sleeps(),
        looks: looks.load(Ordering::SeqCst),
    })
}

#[test]
fn the_logs_view_pages_back_by_token_and_follows_until_closed() {
    let td = task_definition();
    let newest = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .match_requests(|r| for_stream(r) && r.next_token().is_none())
        .then_output(|| page(events(101, 150), "b1", "f1"));
    let older = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .match_requests(|r| {
            for_stream(r) && r.next_token() == Some("b1") && r.start_from_head() != Some(true)
        })
        .then_output(|| page(events(51, 100), "b0", "f0"));
    let start = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .match_requests(|r| for_stream(r) && r.next_token() == Some("b0"))
        .then_output(|| page(Vec::new(), "b0", "f0"));
    let follow1 = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .match_requests(|r| {
            for_stream(r) && r.next_token() == Some("f1") && r.start_from_head() == Some(true)
        })
        .then_output(|| page(events(151, 152), "b2", "f2"));
    let follow2 = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .match_requests(|r| {
            for_stream(r) && r.next_token() == Some("f2") && r.start_from_head() == Some(true)
        })
        .then_output(|| page(events(153, 153), "b3", "f3"));
    let aws = clients_with_logs(
        &[&td],
        &[],
        &[],
        &[&newest, &older, &start, &follow1, &follow2],
    );
    let (mut s, opened) = logs_opened();
    assert!(
        matches!(&opened[..], [Effect::Run(Work::Logs(LogsRead::Sources { task, .. }))] if task.id == TASK),
        "{opened:?}"
    );

    // Where the containers log, then the newest page of the essential awslogs one.
    let first = run(&mut s, &aws, opened);
    assert_eq!(page_effect(&first), Some((PageKind::Newest, None)));
    assert!(run(&mut s, &aws, first).is_empty());
    assert_eq!(td.num_calls(), 1);
    assert_eq!(
        newest.num_calls(),
        1,
        "the first screen is one GetLogEvents call"
    );
    assert_eq!(older.num_calls() + follow1.num_calls(), 0);
    assert_eq!(lines_shown(&s).len(), 50);
    let screen = render(&s, 120, 40);
    assert_has(&screen, "line 150");
    assert_has(&screen, "app (2/2)");

    // Scrolling within what is loaded asks for nothing; reaching the top asks for one page.
    assert!(key(&mut s, KeyCode::Up).is_empty());
    let mut back = Vec::new();
    for _ in 0..10 {
        back.extend(key(&mut s, KeyCode::PageUp));
    }
    let pages: Vec<_> = back
        .iter()
        .filter(|e| matches!(e, Effect::Run(Work::Logs(LogsRead::Page { .. }))))
        .collect();
    assert_eq!(pages.len(), 1, "one page at a time: {back:?}");
    assert!(read_page(&mut s, &aws, back, (PageKind::Older, "b1")).is_empty());
    assert_eq!(older.num_calls(), 1);
    let lines = lines_shown(&s);
    assert_eq!(lines.len(), 100);
    assert_eq!(lines.first().map(String::as_str), Some("line 51"));
    assert_eq!(lines.last().map(String::as_str), Some("line 150"));

    // Past the start: the same token comes back with no events, and nothing more is asked.
    let top = key(&mut s, KeyCode::Home);
    read_page(&mut s, &aws, top, (PageKind::Older, "b0"));
    assert_eq!(start.num_calls(), 1);
    assert!(key(&mut s, KeyCode::PageUp).is_empty(), "at the start");
    let screen = render(&s, 120, 40);
    assert_has(&screen, "start of the stream");

    // Follow: the forward token at once, then not again within the second.
    let follow = key(&mut s, KeyCode::Char('f'));
    read_page(&mut s, &aws, follow, (PageKind::Newer, "f1"));
    assert_eq!(follow1.num_calls(), 1);
    assert_eq!(lines_shown(&s).last().map(String::as_str), Some("line 152"));
    let tick = |s: &mut AppState, ms: i64| {
        update(s, Event::Tick(now() + chrono::Duration::milliseconds(ms)))
    };
    let early = tick(&mut s, 500);
    assert!(page_effect(&early).is_none(), "{early:?}");
    let due = tick(&mut s, 1000);
    read_page(&mut s, &aws, due, (PageKind::Newer, "f2"));
    assert_eq!(follow2.num_calls(), 1);
    assert_eq!(lines_shown(&s).last().map(String::as_str), Some("line 153"));

    // Closing stops the reads; later ticks ask for no more lines.
    let closed = key(&mut s, KeyCode::Esc);
    assert!(closed.contains(&Effect::CancelLogs), "{closed:?}");
    assert!(s.logs.is_none());
    let later = tick(&mut s, 5000);
    assert!(page_effect(&later).is_none(), "{later:?}");
    assert_eq!(
        newest.num_calls() + older.num_calls() + start.num_calls(),
        3
    );
    assert_eq!(follow1.num_calls() + follow2.num_calls(), 2);
}

#[test]
fn a_container_with_another_driver_says_where_its_logs_go() {
    let td = task_definition();
    let newest = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .then_output(|| page(events(1, 3), "b1", "f1"));
    let aws = clients_with_logs(&[&td], &[], &[], &[&newest]);
    let (mut s, opened) = logs_opened();
    let first = run(&mut s, &aws, opened);
    run(&mut s, &aws, first);
    // `c` shows the splunk sidecar: no read, the driver and its URL instead.
    assert!(key(&mut s, KeyCode::Char('c')).is_empty());
    assert_eq!(newest.num_calls(), 1);
    let screen = render(&s, 120, 40);
    assert_has(&screen, "sidecar logs with the splunk driver");
    assert_has(&screen, "https://splunk.example:8088");
}

#[test]
fn the_follow_loop_sleeps_a_second_between_reads_and_stops_when_interrupted() {
    let follow1 = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .match_requests(|r| r.next_token() == Some("f1") && r.start_from_head() == Some(true))
        .then_output(|| page(events(1, 2), "b2", "f2"));
    let follow2 = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .match_requests(|r| r.next_token() == Some("f2") && r.start_from_head() == Some(true))
        .then_output(|| page(events(3, 3), "b3", "f3"));
    let aws = logs_only(&[&follow1, &follow2]);
    let mut streams = vec![awslogs_app(TASK, stream())];
    let mut tokens = vec![Some("f1".to_string())];
    let interval = Duration::from_millis(10);
    let followed =
        follow_until(&aws, &mut streams, &mut tokens, interval, None, 3).expect("follows");
    let seen: Vec<String> = followed
        .events
        .iter()
        .map(|e| format!("{}/{} {}", e.task_id, e.container, e.message))
        .collect();
    assert_eq!(
        seen,
        [
            format!("{TASK}/app line 1"),
            format!("{TASK}/app line 2"),
            format!("{TASK}/app line 3"),
        ]
    );
    assert_eq!(tokens, [Some("f3".to_string())]);
    assert_eq!(follow1.num_calls(), 1);
    assert_eq!(follow2.num_calls(), 1);
    assert_eq!(
        followed.sleeps,
        [Duration::from_secs(1), Duration::from_secs(1)],
        "never faster than once a second"
    );
}

#[test]
fn last_lines_read_the_newest_lines_of_each_essential_container() {
    let td = task_definition();
    let newest = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .match_requests(|r| for_stream(r) && r.limit() == Some(LAST_LINES))
        .then_output(|| page(events(6, 10), "b1", "f1"));
    let aws = clients_with_logs(&[&td], &[], &[], &[&newest]);
    let task = Task {
        id: TASK.into(),
        task_definition: td_arn("ledger", 2),
        ..Task::default()
    };
    let lines = block_on(last_lines(&aws, &task, LAST_LINES)).expect("last lines");
    assert_eq!(lines.len(), 1, "the sidecar is not essential: {lines:?}");
    assert_eq!(lines[0].container, "app");
    let got: Vec<String> = lines[0]
        .lines
        .as_ref()
        .expect("lines")
        .iter()
        .map(|l| l.message.clone())
        .collect();
    assert_eq!(got, ["line 6", "line 7", "line 8", "line 9", "line 10"]);
    assert_eq!(newest.num_calls(), 1);
}

/// CloudWatch Logs' answer for a log group that is not there.
const NO_GROUP: &str =
    r#"{"__type":"ResourceNotFoundException","message":"The specified log group does not exist."}"#;
/// CloudWatch Logs' answer for a log stream that is not there (yet).
const NO_STREAM: &str = r#"{"__type":"ResourceNotFoundException","message":"The specified log stream does not exist."}"#;

fn failing(body: &str) -> Rule {
    let body = body.to_string();
    mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .sequence()
        .http_status(400, Some(body))
        .repeatedly()
        .build()
}

#[test]
fn denied_and_missing_reads_name_the_permission_the_group_and_the_stream() {
    let read = |rule: &Rule| {
        let aws = logs_only(&[rule]);
        block_on(ecsnap::load::logs::newest_page(&aws, GROUP, &stream(), 10))
            .expect_err("the read fails")
            .to_string()
    };
    let denied = failing(
        r#"{"__type":"AccessDeniedException","message":"User is not authorized to perform: logs:GetLogEvents"}"#,
    );
    let e = read(&denied);
    assert_has(&e, "logs:GetLogEvents");
    assert_has(&e, "eu-west-1");
    let no_group = failing(NO_GROUP);
    let e = read(&no_group);
    assert_has(&e, "log group `/ecs/ledger` not found");
    assert_has(&e, "logs:GetLogEvents");
    let no_stream = failing(NO_STREAM);
    let e = read(&no_stream);
    assert!(
        e.contains(&format!("log stream `{}` not found", stream())),
        "{e}"
    );
    assert_has(&e, "log group /ecs/ledger");
}

#[test]
fn following_picks_up_a_stream_once_it_exists() {
    let rule = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .match_requests(|r| r.next_token().is_none() && r.start_from_head() == Some(true))
        .sequence()
        .http_status(400, Some(NO_STREAM.to_string()))
        .output(|| page(events(1, 2), "b1", "f1"))
        .build();
    let aws = logs_only(&[&rule]);
    let mut streams = vec![awslogs_app(TASK, stream())];
    let mut tokens = vec![None];
    let interval = Duration::from_secs(1);
    let followed = follow_until(&aws, &mut streams, &mut tokens, interval, None, 1)
        .expect("a missing stream is not an error while following");
    assert_eq!(followed.events.len(), 2);
    assert_eq!(tokens, [Some("f1".to_string())]);
    assert_eq!(rule.num_calls(), 2);
}

/// `logs --service --follow`: every `REDISCOVER_EVERY` polls the service's streams are
/// looked for again; a task started since joins from its first line (GetLogEvents from
/// the head, no token), one already followed is not added twice.
#[test]
fn following_a_service_picks_up_a_task_started_since() {
    const NEW: &str = "1111aaaa2222bbbb3333cccc4444dddd";
    let new_stream = format!("ecs/app/{NEW}");
    let old = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .match_requests(|r| for_stream(r) && r.next_token() == Some("f1"))
        .then_output(|| page(Vec::new(), "b1", "f1"));
    let wanted = new_stream.clone();
    let new_from_head = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .match_requests(move |r| {
            r.log_stream_name() == Some(wanted.as_str())
                && r.next_token().is_none()
                && r.start_from_head() == Some(true)
        })
        .then_output(|| page(events(1, 2), "nb", "nf"));
    let aws = logs_only(&[&old, &new_from_head]);
    let mut streams = vec![awslogs_app(TASK, stream())];
    let mut tokens = vec![Some("f1".to_string())];
    // Each look finds the followed task and the new one.
    let found = [awslogs_app(TASK, stream()), awslogs_app(NEW, new_stream)];
    let interval = Duration::from_secs(1);
    let followed =
        follow_until(&aws, &mut streams, &mut tokens, interval, Some(&found), 1).expect("follows");
    let seen: Vec<String> = followed
        .events
        .iter()
        .map(|e| format!("{} {}", e.task_id, e.message))
        .collect();
    assert_eq!(seen, [format!("{NEW} line 1"), format!("{NEW} line 2")]);
    let tasks: Vec<&str> = streams.iter().map(|s| s.task_id.as_str()).collect();
    assert_eq!(tasks, [TASK, NEW]);
    assert_eq!(tokens, [Some("f1".to_string()), Some("nf".to_string())]);
    assert_eq!(followed.looks, 1);
    // The old stream was read on every poll; the new one once, from its start.
    assert_eq!(old.num_calls(), REDISCOVER_EVERY as usize);
    assert_eq!(new_from_head.num_calls(), 1);
}

/// A service's streams, merged: a task that has not logged yet is named and skipped, even
/// when the server (moto) answers "log group does not exist" for its missing stream,
/// because another stream of the same group answered; a group nobody could read is an
/// error naming it.
#[test]
fn merging_a_service_skips_a_stream_that_does_not_exist_yet() {
    const LATE: &str = "0000aaaa1111bbbb2222cccc3333dddd";
    let late_stream = format!("ecs/app/{LATE}");
    let streams = vec![
        awslogs_app(TASK, stream()),
        awslogs_app(LATE, late_stream.clone()),
    ];
    let late = late_stream.clone();
    let missing = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .match_requests(move |r| r.log_stream_name() == Some(late.as_str()))
        .sequence()
        .http_status(400, Some(NO_GROUP.to_string()))
        .repeatedly()
        .build();
    let present = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .match_requests(for_stream)
        .sequence()
        .output(|| page(events(1, 3), "b1", "f1"))
        .output(|| page(Vec::new(), "b1", "f1"))
        .build();
    let aws = logs_only(&[&missing, &present]);
    let merged = block_on(ecsnap::load::logs::merged_since(&aws, &streams, None))
        .expect("one stream missing is not an error");
    let got: Vec<&str> = merged.events.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(got, ["line 1", "line 2", "line 3"]);
    assert_eq!(merged.tokens, [Some("f1".to_string()), None]);
    assert_eq!(merged.missing.len(), 1, "{:?}", merged.missing);
    assert!(merged.missing[0].contains(LATE), "{:?}", merged.missing);

    // Only the late stream asked for: nothing shows the group exists, so it is an error.
    let aws = logs_only(&[&missing]);
    let e = block_on(ecsnap::load::logs::merged_since(&aws, &streams[1..], None))
        .expect_err("the group is not known to exist")
        .to_string();
    assert_has(&e, "log group `/ecs/ledger` not found");
}

#[test]
fn a_failed_wait_prints_the_failed_tasks_class_and_last_lines() {
    use ecsnap::analysis::stop::diagnose;
    use ecsnap::ops::wait::{StoppedTask, Verdict, WaitOutcome};

    let td = task_definition();
    let newest = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .match_requests(|r| r.limit() == Some(LAST_LINES))
        .then_output(|| page(events(6, 10), "b1", "f1"));
    let aws = clients_with_logs(&[&td], &[], &[], &[&newest]);
    let oom = crate::fixtures::oom_task("oom1", td_arn("ledger", 2));
    let scaled = Task {
        id: "scaled1".into(),
        task_definition: td_arn("ledger", 1),
        last_status: "STOPPED".into(),
        desired_status: "STOPPED".into(),
        stopped_reason: Some("Scaling activity initiated by (deployment ecs-svc/123)".into()),
        ..Task::default()
    };
    let stopped = |t: &Task| StoppedTask {
        task_id: t.id.clone(),
        task_definition: t.task_definition.clone(),
        reason: t.stopped_reason.clone(),
        stop: diagnose(t),
    };
    let outcome = WaitOutcome {
        verdict: Verdict::Failed("rollout FAILED".into()),
        elapsed: Duration::from_mins(1),
        polls: 12,
        service: None,
        events: Vec::new(),
        stopped_tasks: vec![stopped(&oom), stopped(&scaled)],
        deployment: None,
    };
    let text = block_on(ecsnap::commands::logs::failed_tasks_last_lines(
        &aws, &outcome,
    ));
    assert_has(
        &text,
        "task oom1 stopped (out of memory): a container ran out of memory",
    );
    assert_has(&text, "app, last 5 lines:");
    assert!(
        text.contains(" line 6\n") && text.contains(" line 10\n"),
        "{text}"
    );
    assert!(
        !text.contains("scaled1"),
        "a normal stop is not a failure: {text}"
    );
    assert_eq!(newest.num_calls(), 1);
}
