//! Container logs: where each container of a task logs (`task_log_sources`, from the task
//! and its task definition), the newest page of a stream, older pages, newer lines
//! (follow), every event since a time (the command) and the last lines of each essential
//! container (the wait view).

use futures::{StreamExt, stream};

use crate::analysis::logs::log_source;
use crate::aws::AwsClients;
use crate::error::{Error, Result};
pub use crate::model::LastLines;
use crate::model::{LogEvent, LogPage, LogSource, Task, TaskDefinition};

use super::ecs::{load_tasks, resolve_cluster};

/// How many lines the first screen of a stream asks for (one GetLogEvents call).
pub const FIRST_PAGE: i32 = 200;
/// Lines of each essential container the wait view shows for a task that stopped.
pub const LAST_LINES: i32 = 5;
/// Streams read at once by the command and the wait view.
const STREAMS_AT_ONCE: usize = 4;
/// A forward read stops after this many pages (10,000 events each at most).
const MAX_PAGES: usize = 100;

/// Where one container of a task logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerLogs {
    pub task_id: String,
    pub container: String,
    pub essential: bool,
    pub source: LogSource,
}

impl ContainerLogs {
    /// The CloudWatch Logs group and stream, for `awslogs` containers.
    pub fn stream(&self) -> Option<(&str, &str)> {
        match &self.source {
            LogSource::Awslogs { group, stream, .. } => Some((group, stream)),
            LogSource::Other { .. } => None,
        }
    }
}

/// The containers of one task and where they log.
#[derive(Debug, Clone)]
pub struct TaskLogs {
    pub task: Task,
    pub containers: Vec<ContainerLogs>,
}

/// Where each container of `task` logs, from its task definition (one
/// DescribeTaskDefinition call).
pub async fn sources_of(aws: &AwsClients, task: &Task) -> Result<TaskLogs> {
    let td = aws
        .ecs
        .describe_task_definition(&task.task_definition)
        .await?;
    Ok(sources_in(&td, task, &aws.region))
}

/// Where each container of `task` logs, its task definition known.
pub fn sources_in(td: &TaskDefinition, task: &Task, region: &str) -> TaskLogs {
    let containers = td
        .containers
        .iter()
        .map(|c| ContainerLogs {
            task_id: task.id.clone(),
            container: c.name.clone(),
            essential: c.essential,
            source: log_source(c.log_configuration.as_ref(), &c.name, &task.id, region),
        })
        .collect();
    TaskLogs {
        task: task.clone(),
        containers,
    }
}

/// The log sources of the tasks asked for: one task by id (running or recently stopped,
/// standalone too), or every live and recently stopped task of a service. Each task
/// definition is described once, however many tasks run it.
pub async fn task_log_sources(
    aws: &AwsClients,
    cluster: &str,
    service: Option<&str>,
    task_id: Option<&str>,
) -> Result<Vec<TaskLogs>> {
    let tasks = match task_id {
        Some(id) => {
            let cluster = resolve_cluster(aws, cluster).await?;
            let found = aws.ecs.describe_tasks(&cluster, &[id.to_string()]).await?;
            if found.is_empty() {
                return Err(Error::NotFound {
                    kind: "task",
                    name: id.to_string(),
                    scope: Some(format!("cluster {cluster} ({})", aws.region)),
                    close: Vec::new(),
                });
            }
            found
        }
        None => load_tasks(aws, cluster, service).await?,
    };
    let mut definitions: Vec<TaskDefinition> = Vec::new();
    let mut out = Vec::with_capacity(tasks.len());
    for task in &tasks {
        let known = definitions
            .iter()
            .position(|td| td.arn == task.task_definition);
        let index = if let Some(i) = known {
            i
        } else {
            let td = aws
                .ecs
                .describe_task_definition(&task.task_definition)
                .await?;
            definitions.push(td);
            definitions.len() - 1
        };
        out.push(sources_in(&definitions[index], task, &aws.region));
    }
    Ok(out)
}

/// The newest page of a stream: the first screen of the Logs view, one call.
pub async fn newest_page(
    aws: &AwsClients,
    group: &str,
    stream: &str,
    limit: i32,
) -> Result<LogPage> {
    aws.logs
        .get_log_events(group, stream, None, false, Some(limit), None)
        .await
}

/// The page before `backward_token` (scrolling back), one call.
pub async fn older_page(
    aws: &AwsClients,
    group: &str,
    stream: &str,
    backward_token: &str,
    limit: i32,
) -> Result<LogPage> {
    aws.logs
        .get_log_events(
            group,
            stream,
            Some(backward_token),
            false,
            Some(limit),
            None,
        )
        .await
}

/// Lines newer than `forward_token` (follow), one call.
pub async fn newer_lines(
    aws: &AwsClients,
    group: &str,
    stream: &str,
    forward_token: &str,
) -> Result<LogPage> {
    aws.logs
        .get_log_events(group, stream, Some(forward_token), true, None, None)
        .await
}

/// Every event of one stream from `since` (epoch ms; from the start without), oldest
/// first, and the forward token to follow it from there.
pub async fn stream_since(
    aws: &AwsClients,
    logs: &ContainerLogs,
    since: Option<i64>,
) -> Result<(Vec<LogEvent>, Option<String>)> {
    let Some((group, stream)) = logs.stream() else {
        return Ok((Vec::new(), None));
    };
    let mut events = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = aws
            .logs
            .get_log_events(group, stream, token.as_deref(), true, None, since)
            .await?;
        let done = page.events.is_empty() || page.next_forward_token == token;
        events.extend(page.events.into_iter().map(|e| tag(e, logs)));
        if page.next_forward_token.is_some() {
            token = page.next_forward_token;
        }
        if done {
            break;
        }
    }
    Ok((events, token))
}

/// The events of several streams, merged by time, and what is needed to follow them.
#[derive(Debug, Clone, Default)]
pub struct Merged {
    pub events: Vec<LogEvent>,
    /// The forward token of each stream, in the order of the streams asked for.
    pub tokens: Vec<Option<String>>,
    /// Streams that do not exist (yet): a task that never logged. A missing group is an
    /// error instead: it names the group.
    pub missing: Vec<String>,
}

/// The events of several streams from `since`, merged by time; the forward token of each
/// stream (in the order of `streams`) for following them.
pub async fn merged_since(
    aws: &AwsClients,
    streams: &[ContainerLogs],
    since: Option<i64>,
) -> Result<Merged> {
    let answers: Vec<Result<(Vec<LogEvent>, Option<String>)>> = stream::iter(streams)
        .map(|s| stream_since(aws, s, since))
        .buffered(STREAMS_AT_ONCE)
        .collect()
        .await;
    // A group that answered for another stream exists: its "not found" for this stream
    // is the stream's (moto, unlike AWS, says "log group" for a missing stream too).
    let groups_read = groups_of(
        answers
            .iter()
            .zip(streams)
            .filter(|(a, _)| a.is_ok())
            .map(|(_, l)| l),
    );
    let mut merged = Merged::default();
    for (answer, logs) in answers.into_iter().zip(streams) {
        match answer {
            Ok((mut e, token)) => {
                merged.events.append(&mut e);
                merged.tokens.push(token);
            }
            Err(e) if stream_is_missing(&e, logs, &groups_read) => {
                let name = logs.stream().map_or("-", |(_, s)| s);
                merged.missing.push(format!(
                    "task {} container {}: log stream {name} does not exist (yet)",
                    logs.task_id, logs.container
                ));
                merged.tokens.push(None);
            }
            Err(e) => return Err(e),
        }
    }
    sort_by_time(&mut merged.events);
    Ok(merged)
}

/// The log groups of these streams (those that log to CloudWatch).
fn groups_of<'a>(streams: impl Iterator<Item = &'a ContainerLogs>) -> Vec<String> {
    streams
        .filter_map(|l| l.stream().map(|(g, _)| g.to_string()))
        .collect()
}

/// Whether a read's error means its stream does not exist (yet): said so, or "group not
/// found" for a group that answered for another stream.
fn stream_is_missing(e: &Error, logs: &ContainerLogs, groups_read: &[String]) -> bool {
    match e {
        Error::NotFound {
            kind: "log stream", ..
        } => true,
        Error::NotFound {
            kind: "log group", ..
        } => logs
            .stream()
            .is_some_and(|(g, _)| groups_read.iter().any(|r| r == g)),
        _ => false,
    }
}

/// The newest lines of each stream after its `tokens` entry, merged by time; the tokens
/// move on. A stream without a token (it did not exist yet) is read from its start once
/// it exists.
pub async fn follow_once(
    aws: &AwsClients,
    streams: &[ContainerLogs],
    tokens: &mut [Option<String>],
) -> Result<Vec<LogEvent>> {
    let mut events = Vec::new();
    // Streams with a token have been read: their groups exist.
    let groups_read = groups_of(
        streams
            .iter()
            .zip(tokens.iter())
            .filter(|(_, t)| t.is_some())
            .map(|(l, _)| l),
    );
    for (logs, token) in streams.iter().zip(tokens.iter_mut()) {
        let Some((group, stream)) = logs.stream() else {
            continue;
        };
        let answer = match token.as_deref() {
            Some(from) => newer_lines(aws, group, stream, from).await,
            // A stream that did not exist yet: from its start, once it does.
            None => {
                aws.logs
                    .get_log_events(group, stream, None, true, None, None)
                    .await
            }
        };
        let page = match answer {
            Err(e) if token.is_none() && stream_is_missing(&e, logs, &groups_read) => continue,
            other => other?,
        };
        if page.next_forward_token.is_some() {
            *token = page.next_forward_token;
        }
        events.extend(page.events.into_iter().map(|e| tag(e, logs)));
    }
    sort_by_time(&mut events);
    Ok(events)
}

/// The newest `n` lines of each essential container of a task (one call each); a
/// container whose logs ecsnap cannot read says where they go instead.
pub async fn last_lines(aws: &AwsClients, task: &Task, n: i32) -> Result<Vec<LastLines>> {
    let sources = sources_of(aws, task).await?;
    let essential: Vec<ContainerLogs> = sources
        .containers
        .into_iter()
        .filter(|c| c.essential)
        .collect();
    // Owned containers: the future stays `Send` for any borrow (the console spawns it).
    Ok(stream::iter(essential)
        .map(|c| container_last_lines(aws, c, n))
        .buffered(STREAMS_AT_ONCE)
        .collect()
        .await)
}

async fn container_last_lines(aws: &AwsClients, c: ContainerLogs, n: i32) -> LastLines {
    let lines = match &c.source {
        LogSource::Awslogs { group, stream, .. } => newest_page(aws, group, stream, n)
            .await
            .map(|p| p.events)
            .map_err(|e| e.to_string()),
        LogSource::Other { driver, where_ } => Err(format!("{driver}: {where_}")),
    };
    LastLines {
        container: c.container,
        lines,
    }
}

fn tag(mut e: LogEvent, logs: &ContainerLogs) -> LogEvent {
    e.task_id.clone_from(&logs.task_id);
    e.container.clone_from(&logs.container);
    e
}

/// By time, then task and container, so equal times come out the same way every run.
fn sort_by_time(events: &mut [LogEvent]) {
    events.sort_by(|a, b| {
        a.timestamp
            .cmp(&b.timestamp)
            .then_with(|| a.task_id.cmp(&b.task_id))
            .then_with(|| a.container.cmp(&b.container))
    });
}
