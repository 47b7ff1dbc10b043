//! `ecsnap logs`: the CloudWatch Logs of one task's containers, or of a service's tasks
//! merged by time; `--since`, `--container`, `--follow` (polled no faster than once a
//! second until Ctrl-C; over a service it looks for tasks started since every
//! `REDISCOVER_EVERY` polls, so a rollout's new tasks join) and `--json` (JSON lines).
//! Containers that do not log to CloudWatch Logs say on stderr which driver they use and
//! where their logs go.

use std::io::Write;
use std::time::Duration;

use crate::aws::AwsClients;
use crate::cli::{GlobalArgs, LogsArgs};
use crate::config::now;
use crate::error::{Error, Result, exit};
use crate::load::logs::{ContainerLogs, TaskLogs, follow_once, merged_since, task_log_sources};
use crate::model::escape::{escape, json_safe};
use crate::model::{LogEvent, LogSource};
use crate::ops::interrupt::Interrupt;
use crate::ops::wait::{Clock, SystemClock};
use crate::output::json::LogLineJson;

/// `--follow` never polls faster than this.
pub const FOLLOW_INTERVAL: Duration = Duration::from_secs(1);

/// `--follow` over a service looks for tasks that started since every this many polls.
pub const REDISCOVER_EVERY: u32 = 10;

/// Finds the streams to follow now (a service's tasks, looked for again).
pub type Discover<'a> =
    &'a (dyn Fn() -> futures::future::BoxFuture<'a, Result<Vec<ContainerLogs>>> + Sync);

/// `ecsnap logs` from its parsed arguments, on the one place the flags name.
pub(super) async fn run_command(args: LogsArgs, global: &GlobalArgs) -> Result<i32> {
    let aws = super::connect::connect_from(global).await?;
    run(&aws, &args, global.json).await
}

/// Runs `ecsnap logs`; returns the exit code.
pub async fn run(aws: &AwsClients, args: &LogsArgs, json: bool) -> Result<i32> {
    let tasks = task_log_sources(
        aws,
        &args.cluster,
        args.service.as_deref(),
        args.task.as_deref(),
    )
    .await?;
    if tasks.is_empty() {
        eprintln_escaped!(
            "note: service {} in {} has no running or recently stopped tasks",
            args.service.as_deref().unwrap_or("-"),
            args.cluster
        );
        return Ok(exit::OK);
    }
    let (streams, notes) = pick_streams(&tasks, args.container.as_deref())?;
    for note in &notes {
        eprintln_escaped!("note: {note}");
    }
    let since = args.since.map(|d| {
        let d = chrono::Duration::from_std(d).unwrap_or(chrono::Duration::zero());
        (now() - d).timestamp_millis()
    });
    let merged = merged_since(aws, &streams, since).await?;
    for note in &merged.missing {
        eprintln_escaped!("note: {note}");
    }
    // Following a service: its new tasks join (a rollout's), so lines name their task.
    let service = args
        .service
        .as_deref()
        .filter(|_| args.follow && args.task.is_none());
    let many_tasks = tasks.len() > 1 || service.is_some();
    if !write_events(&merged.events, json, many_tasks)? || !args.follow {
        return Ok(exit::OK);
    }
    let mut tokens = merged.tokens;
    let mut streams = streams;
    let interrupt = Interrupt::new();
    super::interrupts::watch(interrupt.clone());
    let clock = SystemClock::default();
    let discover = service.map(|service| {
        move || -> futures::future::BoxFuture<'_, Result<Vec<ContainerLogs>>> {
            Box::pin(async move {
                let tasks = task_log_sources(aws, &args.cluster, Some(service), None).await?;
                Ok(pick_streams(&tasks, args.container.as_deref())?.0)
            })
        }
    });
    follow(
        aws,
        &mut streams,
        &mut tokens,
        &clock,
        FollowOptions {
            interval: FOLLOW_INTERVAL,
            stop: &interrupt,
            discover: discover.as_ref().map(|d| d as Discover<'_>),
        },
        &mut |events| write_events(events, json, many_tasks),
    )
    .await?;
    Ok(exit::OK)
}

/// The streams to read (awslogs containers, only `container` when given) and a note for
/// each container whose logs ecsnap cannot read. An unknown `container` is an error that
/// lists the containers there are.
pub fn pick_streams(
    tasks: &[TaskLogs],
    container: Option<&str>,
) -> Result<(Vec<ContainerLogs>, Vec<String>)> {
    let all: Vec<&ContainerLogs> = tasks.iter().flat_map(|t| &t.containers).collect();
    let chosen: Vec<&ContainerLogs> = all
        .iter()
        .copied()
        .filter(|c| container.is_none_or(|name| c.container == name))
        .collect();
    if let Some(name) = container
        && chosen.is_empty()
    {
        let mut names: Vec<String> = all.iter().map(|c| c.container.clone()).collect();
        names.sort();
        names.dedup();
        return Err(Error::NotFound {
            kind: "container",
            name: name.to_string(),
            scope: Some(format!(
                "the task definition (containers: {})",
                names.join(", ")
            )),
            close: Vec::new(),
        });
    }
    let mut streams = Vec::new();
    let mut notes = Vec::new();
    for c in chosen {
        match &c.source {
            LogSource::Awslogs { .. } => streams.push(c.clone()),
            LogSource::Other { driver, where_ } => notes.push(format!(
                "task {} container {} logs with the {driver} driver, not to CloudWatch Logs: \
                 {where_}",
                c.task_id, c.container
            )),
        }
    }
    Ok((streams, notes))
}

/// How `follow` polls: every `interval` (at least a second) until `stop`, and with
/// `discover` (a service), looking for new streams every `REDISCOVER_EVERY` polls.
pub struct FollowOptions<'a> {
    pub interval: Duration,
    pub stop: &'a Interrupt,
    pub discover: Option<Discover<'a>>,
}

/// Polls the streams for new lines until `stop` is triggered or `on_events` says the
/// output is gone (returns `false`). A stream `discover` finds that is not followed yet
/// (a task started since) joins from its first line, and stderr says so; a failed look
/// is logged and the next one tries again.
pub async fn follow(
    aws: &AwsClients,
    streams: &mut Vec<ContainerLogs>,
    tokens: &mut Vec<Option<String>>,
    clock: &dyn Clock,
    opts: FollowOptions<'_>,
    on_events: &mut (dyn FnMut(&[LogEvent]) -> Result<bool> + Send),
) -> Result<()> {
    let interval = opts.interval.max(FOLLOW_INTERVAL);
    let mut polls: u32 = 0;
    loop {
        if opts.stop.is_triggered() {
            return Ok(());
        }
        clock.sleep(interval).await;
        if opts.stop.is_triggered() {
            return Ok(());
        }
        polls = polls.wrapping_add(1);
        if let Some(discover) = opts.discover
            && polls.is_multiple_of(REDISCOVER_EVERY)
        {
            match discover().await {
                Ok(found) => join_new_streams(streams, tokens, found),
                Err(e) => tracing::warn!("looking for the service's new tasks: {e}"),
            }
        }
        let events = follow_once(aws, streams, tokens).await?;
        if !on_events(&events)? {
            return Ok(());
        }
    }
}

/// Adds the streams of `found` not followed yet, each to be read from its start.
fn join_new_streams(
    streams: &mut Vec<ContainerLogs>,
    tokens: &mut Vec<Option<String>>,
    found: Vec<ContainerLogs>,
) {
    for c in found {
        let known = streams
            .iter()
            .any(|s| s.task_id == c.task_id && s.container == c.container);
        if !known {
            eprintln_escaped!(
                "note: following task {} container {} (started since)",
                c.task_id,
                c.container
            );
            streams.push(c);
            tokens.push(None);
        }
    }
}

/// One line of text output: time, where from (the task when several are merged), message.
/// The message is escaped (`model::escape`): a control sequence in a log line shows as
/// `\e[2J`, a line break inside it as `\n` (a trailing one is dropped), so each event is
/// one line.
pub fn text_line(e: &LogEvent, with_task: bool) -> String {
    let at = e.timestamp.format("%Y-%m-%dT%H:%M:%S%.3fZ");
    let message = escape(e.message.trim_end_matches(['\n', '\r']));
    let container = escape(&e.container);
    if with_task {
        format!("{at} {}/{container} {message}", escape(&e.task_id))
    } else {
        format!("{at} {container} {message}")
    }
}

/// One JSON line (`timestamp`, `task_id`, `container`, `message`): the exact message,
/// characters a terminal would act on JSON-escaped.
pub fn json_line(e: &LogEvent) -> Result<String> {
    serde_json::to_string(&LogLineJson::from(e))
        .map(|line| json_safe(&line).into_owned())
        .map_err(|err| Error::Usage(format!("cannot encode a log line as JSON: {err}")))
}

/// Writes events to stdout; `false` once stdout is closed (`| head`).
fn write_events(events: &[LogEvent], json: bool, with_task: bool) -> Result<bool> {
    if events.is_empty() {
        return Ok(true);
    }
    let mut text = String::new();
    for e in events {
        let line = if json {
            json_line(e)?
        } else {
            text_line(e, with_task)
        };
        text.push_str(&line);
        text.push('\n');
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(Error::io("writing to stdout", e)),
    }
}

/// Stopped tasks whose last lines a failed `--wait` prints.
const FAILED_TASKS_SHOWN: usize = 3;

/// After a failed wait: the newest stopped tasks that failed, each with its class and
/// the last lines of its essential containers (or where their logs go).
pub async fn failed_tasks_last_lines(
    aws: &AwsClients,
    outcome: &crate::ops::wait::WaitOutcome,
) -> String {
    use std::fmt::Write as _;
    let failed = outcome
        .stopped_tasks
        .iter()
        .rev()
        .filter(|t| t.stop.as_ref().is_none_or(|d| d.class.is_failure()))
        .take(FAILED_TASKS_SHOWN);
    let mut out = String::new();
    for t in failed {
        let class = t
            .stop
            .as_ref()
            .map(|d| format!(" ({}): {}", d.class.label(), d.hint))
            .unwrap_or_default();
        let _ = writeln!(out, "task {} stopped{class}", t.task_id);
        let task = crate::model::Task {
            id: t.task_id.clone(),
            task_definition: t.task_definition.clone(),
            ..crate::model::Task::default()
        };
        match crate::load::logs::last_lines(aws, &task, crate::load::logs::LAST_LINES).await {
            Ok(containers) => {
                for c in containers {
                    out.push_str(&last_lines_text(&c));
                }
            }
            Err(e) => {
                let _ = writeln!(out, "  (no log lines: {e})");
            }
        }
    }
    out
}

/// One container's last lines, indented, or why there are none.
pub fn last_lines_text(c: &crate::load::logs::LastLines) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    match &c.lines {
        Ok(lines) if lines.is_empty() => {
            let _ = writeln!(out, "  {}: (no log lines)", c.container);
        }
        Ok(lines) => {
            let _ = writeln!(out, "  {}, last {} lines:", c.container, lines.len());
            for l in lines {
                let message = escape(l.message.trim_end_matches(['\n', '\r']));
                let _ = writeln!(out, "    {} {message}", l.timestamp.format("%H:%M:%S"));
            }
        }
        Err(why) => {
            let _ = writeln!(out, "  {}: {why}", c.container);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Task;

    fn container(task: &str, name: &str, source: LogSource) -> ContainerLogs {
        ContainerLogs {
            task_id: task.into(),
            container: name.into(),
            essential: name == "app",
            source,
        }
    }

    fn tasks() -> Vec<TaskLogs> {
        let aws = |task: &str| LogSource::Awslogs {
            group: "/ecs/api".into(),
            stream: format!("ecs/app/{task}"),
            region: "us-east-1".into(),
        };
        let splunk = LogSource::Other {
            driver: "splunk".into(),
            where_: "splunk → https://splunk:8088".into(),
        };
        ["t1", "t2"]
            .iter()
            .map(|t| TaskLogs {
                task: Task {
                    id: (*t).into(),
                    ..Task::default()
                },
                containers: vec![
                    container(t, "app", aws(t)),
                    container(t, "audit", splunk.clone()),
                ],
            })
            .collect()
    }

    #[test]
    fn streams_are_the_awslogs_containers_and_the_others_are_noted() {
        let (streams, notes) = pick_streams(&tasks(), None).expect("picked");
        let names: Vec<String> = streams
            .iter()
            .map(|s| format!("{}/{}", s.task_id, s.container))
            .collect();
        assert_eq!(names, ["t1/app", "t2/app"]);
        assert_eq!(notes.len(), 2);
        assert!(
            notes[0].contains("t1 container audit logs with the splunk driver")
                && notes[0].contains("https://splunk:8088"),
            "{notes:?}"
        );
        let (streams, notes) = pick_streams(&tasks(), Some("audit")).expect("picked");
        assert!(streams.is_empty());
        assert_eq!(notes.len(), 2);
        let err = pick_streams(&tasks(), Some("web")).expect_err("unknown container");
        assert_eq!(
            err.to_string(),
            "container `web` not found in the task definition (containers: app, audit)"
        );
    }

    #[test]
    fn lines_name_the_task_when_several_are_merged() {
        let e = LogEvent {
            timestamp: chrono::DateTime::from_timestamp_millis(1_764_900_000_123)
                .unwrap_or_default(),
            message: "hello".into(),
            task_id: "t1".into(),
            container: "app".into(),
        };
        assert_eq!(text_line(&e, false), "2025-12-05T02:00:00.123Z app hello");
        assert_eq!(text_line(&e, true), "2025-12-05T02:00:00.123Z t1/app hello");
        assert_eq!(
            json_line(&e).expect("json"),
            r#"{"timestamp":"2025-12-05T02:00:00.123Z","task_id":"t1","container":"app","message":"hello"}"#
        );
    }
}
