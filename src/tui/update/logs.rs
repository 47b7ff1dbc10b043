//! The Logs view's behaviour: `l` on a task opens it (where the containers log, then the
//! newest page of the first readable one: one GetLogEvents call), scrolling back past the
//! oldest line loaded asks for the page before it (backward token, a page at a time), `f`
//! follows (a forward read on the tick, at least a second apart, none once the view is
//! closed), `/` searches, `n` finds the next older match, `w` wraps, `c` picks the next
//! container, Esc/q close. Every load is an `Effect` carrying the view's generation.

use chrono::Duration;
use crossterm::event::KeyEvent;

use crate::model::LogSource;
use crate::tui::action::Action;
use crate::tui::keymap::{self, Scope};
use crate::tui::run::effect::{Effect, LogsRead};
use crate::tui::state::app::{AppState, Mode};
use crate::tui::state::logs::{LogsView, PageKind, StreamBuffer};
use crate::tui::state::msg::LogsAnswer;
use crate::tui::state::pane_id::PaneId;

/// Follow reads are at least this far apart.
pub const FOLLOW_EVERY: Duration = Duration::seconds(1);

/// `l`: opens the Logs view of the task selected in the Tasks pane.
pub fn open(state: &mut AppState) -> Vec<Effect> {
    if state.pane != PaneId::Tasks {
        return Vec::new();
    }
    let Some(row) = state.tasks.list.selected_row() else {
        state.message = Some("no task selected".into());
        return Vec::new();
    };
    let task = row.task.clone();
    let cluster = state
        .tasks
        .target
        .as_ref()
        .map_or_else(|| task.cluster.clone(), |t| t.cluster.clone());
    state.logs_generation += 1;
    let generation = state.logs_generation;
    state.logs = Some(Box::new(LogsView::new(cluster, task.clone(), generation)));
    vec![Effect::from(LogsRead::Sources {
        generation,
        task: Box::new(task),
    })]
}

fn close(state: &mut AppState) -> Vec<Effect> {
    state.logs = None;
    vec![Effect::CancelLogs]
}

/// A key while the Logs view is open (it takes every key but Ctrl-C).
pub fn on_key(state: &mut AppState, key: &KeyEvent) -> Vec<Effect> {
    let Some(view) = state.logs.as_mut() else {
        return Vec::new();
    };
    if view.searching {
        match keymap::lookup_in(Scope::LogsSearch, key) {
            Some(Action::Confirm) => view.searching = false,
            Some(Action::Cancel) => {
                view.searching = false;
                view.search.clear();
            }
            Some(Action::DeleteChar) => {
                view.search.pop();
            }
            Some(_) => {}
            None => {
                if let Some(c) = keymap::typed_char(key) {
                    view.search.push(c);
                }
            }
        }
        return Vec::new();
    }
    let page = view.height.get().max(1);
    let Some(action) = keymap::lookup_in(Scope::Logs, key) else {
        return Vec::new();
    };
    match action {
        Action::Back => return close(state),
        Action::Help => state.mode = Mode::Help,
        // With wrap on, a line taller than the view scrolls inside first.
        Action::Up if view.wrap_row > 0 => view.wrap_row -= 1,
        Action::Up => return scroll_back(view, 1),
        Action::PageUp => return scroll_back(view, page),
        Action::Top => return scroll_back(view, usize::MAX / 2),
        Action::Down if bottom_rows(view) > view.wrap_row + page => view.wrap_row += 1,
        Action::Down => {
            view.wrap_row = 0;
            view.scroll = view.scroll.saturating_sub(1);
        }
        Action::PageDown => {
            view.wrap_row = 0;
            view.scroll = view.scroll.saturating_sub(page);
        }
        Action::Bottom => {
            view.wrap_row = 0;
            view.scroll = 0;
        }
        Action::LogsWrap => {
            view.wrap = !view.wrap;
            view.wrap_row = 0;
        }
        Action::Filter => {
            view.searching = true;
            view.search.clear();
        }
        Action::LogsNextMatch if !next_match(view) => {
            state.message = Some("no older line matches the search".into());
        }
        Action::LogsFollow => {
            view.follow = !view.follow;
            if view.follow {
                view.scroll = 0;
                view.last_follow = None;
                let now = state.now;
                return follow_due(view, now).into_iter().collect();
            }
        }
        Action::LogsContainer => return next_container(view),
        Action::OpenConsole => return crate::tui::update::open_copy::open_in_console(state),
        Action::CopyArn => return crate::tui::update::open_copy::copy(state, true),
        _ => {}
    }
    Vec::new()
}

/// Scrolls `by` lines back; past the oldest line loaded, asks for the page before it.
fn scroll_back(view: &mut LogsView, by: usize) -> Vec<Effect> {
    let Some((_, buffer)) = view.current() else {
        return Vec::new();
    };
    let len = buffer.lines.len();
    let can_page = !buffer.at_start && !buffer.loading && buffer.backward_token.is_some();
    let wanted = view.scroll.saturating_add(by);
    // Never past a full screen from the oldest line (Home shows a screen from the start,
    // not one line under the start marker).
    view.scroll = wanted.min(view.max_scroll());
    view.wrap_row = 0;
    let shown = view.height.get().max(1);
    let top_reached = wanted.saturating_add(shown) >= len;
    if top_reached && can_page {
        return request(view, view.selected, PageKind::Older)
            .into_iter()
            .collect();
    }
    Vec::new()
}

/// Rows the bottom line shown takes (more than the view's height: a very long wrapped
/// line, scrolled inside).
fn bottom_rows(view: &LogsView) -> usize {
    let Some((_, buffer)) = view.current() else {
        return 0;
    };
    let bottom = buffer
        .lines
        .len()
        .checked_sub(1 + view.scroll)
        .and_then(|i| buffer.lines.get(i));
    bottom.map_or(0, |l| view.rows_of(l))
}

/// While the oldest line loaded is on screen and GetLogEvents has not said the stream
/// starts there, the page before it is read at once: the view then says "start of the
/// stream" or shows the older lines, never "scroll up" for lines that are not there.
fn older_if_top_shown(view: &mut LogsView, container: usize) -> Option<Effect> {
    if container != view.selected {
        return None;
    }
    let (_, buffer) = view.current()?;
    if buffer.at_start || buffer.loading || buffer.backward_token.is_none() {
        return None;
    }
    let top_shown = view.scroll >= view.max_scroll();
    top_shown.then(|| request(view, container, PageKind::Older))?
}

/// Moves to the next line older than the bottom one that matches the search.
fn next_match(view: &mut LogsView) -> bool {
    let Some((_, buffer)) = view.current() else {
        return false;
    };
    let len = buffer.lines.len();
    let bottom = len.saturating_sub(1).saturating_sub(view.scroll);
    let found = (0..bottom).rev().find(|&i| view.matches(&buffer.lines[i]));
    match found {
        Some(i) => {
            view.scroll = len - 1 - i;
            view.wrap_row = 0;
            true
        }
        None => false,
    }
}

/// `c`: the next container; its newest page is read the first time it is shown.
fn next_container(view: &mut LogsView) -> Vec<Effect> {
    let count = view.containers.as_ref().map_or(0, Vec::len);
    if count < 2 {
        return Vec::new();
    }
    view.selected = (view.selected + 1) % count;
    view.scroll = 0;
    view.wrap_row = 0;
    first_page(view).into_iter().collect()
}

/// The newest page of the shown container, unless it is loaded, loading or unreadable.
fn first_page(view: &mut LogsView) -> Option<Effect> {
    let (_, buffer) = view.current()?;
    if buffer.loaded || buffer.loading {
        return None;
    }
    request(view, view.selected, PageKind::Newest)
}

/// The effect reading one page of `container` (awslogs only), marking it in flight.
fn request(view: &mut LogsView, container: usize, kind: PageKind) -> Option<Effect> {
    let source = view.containers.as_ref()?.get(container)?.source.clone();
    let LogSource::Awslogs { group, stream, .. } = source else {
        return None;
    };
    let buffer = view.buffers.get(container)?;
    let token = match kind {
        PageKind::Newest => None,
        PageKind::Older => Some(buffer.backward_token.clone()?),
        PageKind::Newer => Some(buffer.forward_token.clone()?),
    };
    if kind == PageKind::Newer {
        view.buffers[container].following = true;
    } else {
        // Newest and older pages share one slot: a new one replaces the one in flight.
        for b in &mut view.buffers {
            b.loading = false;
        }
        view.buffers[container].loading = true;
    }
    Some(Effect::from(LogsRead::Page {
        generation: view.generation,
        container,
        group,
        stream,
        kind,
        token,
    }))
}

/// A follow read when one is due: following, nothing in flight, a second since the last.
fn follow_due(view: &mut LogsView, now: chrono::DateTime<chrono::Utc>) -> Option<Effect> {
    if !view.follow {
        return None;
    }
    let (_, buffer) = view.current()?;
    if !buffer.loaded || buffer.following || buffer.forward_token.is_none() {
        return None;
    }
    if view.last_follow.is_some_and(|at| now - at < FOLLOW_EVERY) {
        return None;
    }
    view.last_follow = Some(now);
    request(view, view.selected, PageKind::Newer)
}

/// The tick: a follow read when one is due.
pub fn on_tick(state: &mut AppState) -> Vec<Effect> {
    let now = state.now;
    state
        .logs
        .as_mut()
        .and_then(|v| follow_due(v, now))
        .into_iter()
        .collect()
}

/// An answer for the Logs view; answers for a closed view (another generation) are
/// dropped.
pub fn on_msg(state: &mut AppState, generation: u64, answer: LogsAnswer) -> Vec<Effect> {
    let Some(view) = state.logs.as_mut() else {
        return Vec::new();
    };
    if generation != view.generation {
        return Vec::new();
    }
    match answer {
        LogsAnswer::Sources(result) => match result {
            Ok(containers) => {
                view.selected = LogsView::first_container(&containers);
                view.buffers = vec![StreamBuffer::default(); containers.len()];
                view.containers = Some(containers);
                return first_page(view).into_iter().collect();
            }
            Err(e) => view.error = Some(e),
        },
        LogsAnswer::Page {
            container,
            kind,
            result,
        } => {
            let shown = container == view.selected;
            let Some(buffer) = view.buffer_mut(container) else {
                return Vec::new();
            };
            match result {
                Ok(page) => {
                    let sent = buffer.backward_token.clone();
                    let added = buffer.take(kind, sent.as_deref(), page);
                    if kind == PageKind::Newer && shown && view.scroll > 0 {
                        // Scrolled back: the lines on screen stay where they are.
                        view.scroll += added;
                    }
                    if kind != PageKind::Newer {
                        return older_if_top_shown(view, container).into_iter().collect();
                    }
                }
                Err(e) => {
                    buffer.loading = false;
                    buffer.following = false;
                    buffer.error = Some(e);
                }
            }
        }
    }
    Vec::new()
}
