//! The Logs view's state: one task's containers (where each logs), a buffer of lines per
//! container (grown backward page by page as the user scrolls back, forward while
//! following), the scroll position, follow, wrap and the search.

use chrono::{DateTime, Utc};

use crate::load::logs::ContainerLogs;
use crate::model::{LogEvent, LogPage, LogSource, Task};

/// `MM-DD HH:MM:SS` and a space: what a line's timestamp takes on screen.
pub const TIME_WIDTH: usize = 15;

/// Which way a GetLogEvents page reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// The newest lines: the first screen of a container.
    Newest,
    /// The page before the oldest line loaded (scrolling back; the backward token).
    Older,
    /// Lines after the newest loaded (follow; the forward token).
    Newer,
}

/// The lines of one container loaded so far, and the tokens to page on.
#[derive(Debug, Clone, Default)]
pub struct StreamBuffer {
    /// Oldest first.
    pub lines: Vec<LogEvent>,
    pub backward_token: Option<String>,
    pub forward_token: Option<String>,
    /// The first line of the stream is loaded: nothing older to ask for.
    pub at_start: bool,
    /// The newest page has arrived.
    pub loaded: bool,
    /// A newest or older page is being read.
    pub loading: bool,
    /// A follow read is in flight.
    pub following: bool,
    pub error: Option<String>,
}

impl StreamBuffer {
    /// Takes one page in. Returns how many lines were added.
    pub fn take(&mut self, kind: PageKind, sent: Option<&str>, page: LogPage) -> usize {
        let added = page.events.len();
        match kind {
            PageKind::Newest => {
                self.lines = page.events;
                // No backward token: GetLogEvents has nothing older to page to.
                self.at_start = added == 0 || page.next_backward_token.is_none();
                self.backward_token = page.next_backward_token;
                self.forward_token = page.next_forward_token;
                self.loaded = true;
                self.loading = false;
            }
            PageKind::Older => {
                // At the start the same token comes back, with no events.
                self.at_start = added == 0
                    || page.next_backward_token.is_none()
                    || page.next_backward_token.as_deref() == sent;
                let mut lines = page.events;
                lines.append(&mut self.lines);
                self.lines = lines;
                if page.next_backward_token.is_some() {
                    self.backward_token = page.next_backward_token;
                }
                self.loading = false;
            }
            PageKind::Newer => {
                self.lines.extend(page.events);
                if page.next_forward_token.is_some() {
                    self.forward_token = page.next_forward_token;
                }
                self.following = false;
            }
        }
        self.error = None;
        added
    }
}

/// The Logs view of one task.
#[derive(Debug, Clone)]
pub struct LogsView {
    pub cluster: String,
    pub task: Task,
    /// Answers carrying another generation are for a view that was closed.
    pub generation: u64,
    /// Where each container logs; `None` until the task definition is read.
    pub containers: Option<Vec<ContainerLogs>>,
    /// Reading the task definition failed.
    pub error: Option<String>,
    /// The container shown (index into `containers` and `buffers`).
    pub selected: usize,
    pub buffers: Vec<StreamBuffer>,
    /// Lines scrolled back from the newest (0: the newest line is at the bottom).
    pub scroll: usize,
    pub follow: bool,
    /// When the last follow read was asked for (reads are at least a second apart).
    pub last_follow: Option<DateTime<Utc>>,
    pub wrap: bool,
    /// The search text (matches are highlighted); `searching` while it is typed.
    pub search: String,
    pub searching: bool,
    /// Lines the view showed last time it drew (the page size for scrolling).
    pub height: std::cell::Cell<usize>,
    /// Columns the lines had last time the view drew (for wrapping).
    pub width: std::cell::Cell<usize>,
    /// With wrap on, rows scrolled down inside the bottom line when it is taller than
    /// the view (a very long line is read a screen at a time).
    pub wrap_row: usize,
}

impl LogsView {
    pub fn new(cluster: String, task: Task, generation: u64) -> Self {
        Self {
            cluster,
            task,
            generation,
            containers: None,
            error: None,
            selected: 0,
            buffers: Vec::new(),
            scroll: 0,
            follow: false,
            last_follow: None,
            wrap: false,
            search: String::new(),
            searching: false,
            height: std::cell::Cell::new(10),
            width: std::cell::Cell::new(80),
            wrap_row: 0,
        }
    }

    /// Rows a line takes on screen: 1, or with wrap on its timestamp and message wrapped
    /// at the view's width.
    pub fn rows_of(&self, line: &LogEvent) -> usize {
        if self.wrap {
            (TIME_WIDTH + line.message.chars().count())
                .div_ceil(self.width.get().max(1))
                .max(1)
        } else {
            1
        }
    }

    /// The farthest back `scroll` goes: the oldest line at the top of a full screen (the
    /// row above it says whether the stream starts there).
    pub fn max_scroll(&self) -> usize {
        let Some((_, buffer)) = self.current() else {
            return 0;
        };
        let len = buffer.lines.len();
        let rows = self.height.get().max(1);
        let mut used = 1; // the start-of-stream (or older-lines) row
        let mut fit = 0;
        for line in &buffer.lines {
            used += self.rows_of(line);
            if used > rows {
                break;
            }
            fit += 1;
        }
        len.saturating_sub(fit.max(1))
    }

    /// The container shown and its buffer.
    pub fn current(&self) -> Option<(&ContainerLogs, &StreamBuffer)> {
        let c = self.containers.as_ref()?.get(self.selected)?;
        Some((c, self.buffers.get(self.selected)?))
    }

    pub fn buffer_mut(&mut self, container: usize) -> Option<&mut StreamBuffer> {
        self.buffers.get_mut(container)
    }

    /// The first container to show: an essential one that logs to CloudWatch Logs, else
    /// any that does, else the first.
    pub fn first_container(containers: &[ContainerLogs]) -> usize {
        let readable = |c: &&ContainerLogs| matches!(c.source, LogSource::Awslogs { .. });
        containers
            .iter()
            .position(|c| c.essential && readable(&c))
            .or_else(|| containers.iter().position(|c| readable(&c)))
            .unwrap_or(0)
    }

    /// Whether a line matches the search (case-insensitive).
    pub fn matches(&self, line: &LogEvent) -> bool {
        !self.search.is_empty()
            && line
                .message
                .to_lowercase()
                .contains(&self.search.to_lowercase())
    }

    /// Lines of the shown container that match the search.
    pub fn match_count(&self) -> usize {
        self.current().map_or(0, |(_, b)| {
            b.lines.iter().filter(|l| self.matches(l)).count()
        })
    }
}
