//! The one key table: key handling, the footer and the `?` help all read it, so they
//! cannot disagree.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::tui::action::Action;
use crate::tui::state::dialog_kind::DialogKind;
use crate::tui::state::pane_id::PaneId;

/// A key as the table names it. Character keys ignore Shift (it is part of the char).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    const fn ch(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            ctrl: false,
        }
    }
    const fn code(code: KeyCode) -> Self {
        Self { code, ctrl: false }
    }
    const fn ctrl(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            ctrl: true,
        }
    }

    pub fn matches(&self, ev: &KeyEvent) -> bool {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let code = match ev.code {
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            other => other,
        };
        code == self.code && ctrl == self.ctrl
    }
}

/// Ctrl-C: quits from every mode, before any dialog or input sees the key.
const FORCE_QUIT: Key = Key::ctrl('c');

/// How a key is written in the footer, the help and the README: `Enter`, `x`, `Del`,
/// `Ctrl-C`, `Home`, `↓`.
pub fn key_label(key: &Key) -> String {
    let name = match key.code {
        KeyCode::Char(' ') => "space".to_string(),
        KeyCode::Char(c) if key.ctrl => c.to_ascii_uppercase().to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::Delete => "Del".into(),
        KeyCode::Insert => "Ins".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    };
    if key.ctrl {
        format!("Ctrl-{name}")
    } else {
        name
    }
}

/// A key that types text into an input (the filter, a jump, a typed confirmation): a
/// character without Ctrl. The input's own bindings are looked up first.
pub fn typed_char(ev: &KeyEvent) -> Option<char> {
    match ev.code {
        KeyCode::Char(c) if !ev.modifiers.contains(KeyModifiers::CONTROL) => Some(c),
        _ => None,
    }
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every pane.
    Global,
    /// Every pane that shows a list of rows (all but Detail and Deployments).
    Lists,
    Pane(PaneId),
    /// Several panes.
    Panes(&'static [PaneId]),
    /// Typing a `/` filter: these keys, and every other character is text.
    Filter,
    /// Typing a `:` jump: these keys, and every other character is text.
    Jump,
    /// The `?` overlay (it takes every key).
    Help,
    /// Open dialogs of these kinds (a dialog takes every key); listed in its own footer
    /// and its `?` help.
    Dialog(&'static [DialogKind]),
    /// A text field of a dialog has the focus (a typed confirmation, a port): these keys
    /// act, and every letter and digit is typed.
    TextField,
    /// The Logs view of a task (it takes every key but Ctrl-C).
    Logs,
    /// Typing a search in the Logs view: these keys, and every other character is text.
    LogsSearch,
}

impl Scope {
    /// Whether the binding works in `pane` with no input, overlay or dialog open.
    pub fn applies(self, pane: PaneId) -> bool {
        match self {
            Scope::Global => true,
            Scope::Lists => !matches!(pane, PaneId::Detail | PaneId::Deployments),
            Scope::Pane(p) => p == pane,
            Scope::Panes(ps) => ps.contains(&pane),
            Scope::Filter
            | Scope::Jump
            | Scope::Help
            | Scope::Dialog(_)
            | Scope::TextField
            | Scope::Logs
            | Scope::LogsSearch => false,
        }
    }

    /// The scope's name in the README's key table.
    pub fn where_label(self) -> String {
        match self {
            Scope::Global => "everywhere".into(),
            Scope::Lists => "every list pane".into(),
            Scope::Pane(p) => p.title().into(),
            Scope::Panes(ps) => ps.iter().map(|p| p.title()).collect::<Vec<_>>().join(", "),
            Scope::Filter => "while filtering".into(),
            Scope::Jump => "while jumping".into(),
            Scope::Help => "in the help".into(),
            Scope::Dialog(ds) if ds.len() == DialogKind::ALL.len() => "in every dialog".into(),
            Scope::Dialog(ds) if ds == DialogKind::CONFIRMING => {
                "in every dialog but the wait view".into()
            }
            Scope::Dialog(ds) => format!(
                "in {}",
                ds.iter().map(|d| d.title()).collect::<Vec<_>>().join(", ")
            ),
            Scope::TextField => "while typing in a dialog".into(),
            Scope::Logs => "in the Logs view".into(),
            Scope::LogsSearch => "while searching logs".into(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    pub scope: Scope,
    pub action: Action,
    /// One or two words for the footer.
    pub short: &'static str,
    /// A sentence for the help.
    pub desc: &'static str,
}

impl Binding {
    /// How the keys are written in the footer and the help: each key's label, joined
    /// with `/` (`x/Del`, `g/Home`).
    pub fn label(&self) -> String {
        self.keys
            .iter()
            .map(key_label)
            .collect::<Vec<_>>()
            .join("/")
    }

    fn matches(&self, ev: &KeyEvent) -> bool {
        self.keys.iter().any(|k| k.matches(ev))
    }
}

const fn b(
    keys: &'static [Key],
    scope: Scope,
    action: Action,
    short: &'static str,
    desc: &'static str,
) -> Binding {
    Binding {
        keys,
        scope,
        action,
        short,
        desc,
    }
}

use Scope::{Dialog, Filter, Global, Help, Jump, Lists, Logs, LogsSearch, Pane, Panes, TextField};

/// The panes that show one service: rollback and redeploy work from each.
/// The panes whose marks an action uses (the cleanup deletes the marked rows); elsewhere
/// a mark would do nothing, so none is offered.
const MARK_PANES: &[PaneId] = &[PaneId::Snapshots, PaneId::Orphans];

const SERVICE_PANES: &[PaneId] = &[
    PaneId::Services,
    PaneId::Tasks,
    PaneId::Detail,
    PaneId::Deployments,
];
/// The panes that offer continuing a deployment paused at a hook.
const CONTINUE_PANES: &[PaneId] = &[PaneId::Detail, PaneId::Deployments];
/// The panes the Deployments pane opens from.
const HISTORY_FROM: &[PaneId] = &[PaneId::Services, PaneId::Tasks, PaneId::Detail];

const ALL_DIALOGS: &[DialogKind] = &DialogKind::ALL;
const CONFIRMING: &[DialogKind] = DialogKind::CONFIRMING;
/// The dialogs with a list to pick from: revisions, tags, snapshots; containers.
pub const PICKERS: &[DialogKind] = &[DialogKind::Rollback, DialogKind::Exec];
const ROLLBACK: &[DialogKind] = &[DialogKind::Rollback];
const ROLLBACK_AND_RESTORE: &[DialogKind] = &[DialogKind::Rollback, DialogKind::Restore];
const CLEANUP: &[DialogKind] = &[DialogKind::Cleanup];
const DEPLOYMENT: &[DialogKind] = &[DialogKind::Deployment];
const WAIT_AND_DEPLOYMENT: &[DialogKind] = &[DialogKind::Wait, DialogKind::Deployment];

const ENTER: Key = Key::code(KeyCode::Enter);
const ESC: Key = Key::code(KeyCode::Esc);
const UP: Key = Key::code(KeyCode::Up);
const DOWN: Key = Key::code(KeyCode::Down);
const BACKSPACE: Key = Key::code(KeyCode::Backspace);
const RIGHT: Key = Key::code(KeyCode::Right);

/// Pane-specific keys first: they win over global ones and lead the footer.
#[rustfmt::skip]
pub const KEYMAP: &[Binding] = &[
    b(&[ENTER], Pane(PaneId::Services), Action::Open, "tasks", "open the tasks and volumes of the selected service"),
    b(&[Key::ch('d')], Pane(PaneId::Services), Action::Detail, "detail", "show the selected service's deployments, events, containers and environment"),
    b(&[Key::ch('E')], Pane(PaneId::Services), Action::Events, "events", "every service's events in one feed, newest first, each naming its service; / filters it (e.g. unable to place), Enter opens the event's service"),
    b(&[ENTER], Pane(PaneId::Events), Action::Open, "tasks", "open the tasks of the event's service"),
    b(&[ENTER], Pane(PaneId::Tasks), Action::Open, "detail", "show the service's deployments, events, containers and environment"),
    b(&[Key::ch('d')], Pane(PaneId::Tasks), Action::Detail, "detail", "show the service's detail"),
    b(&[ENTER], Pane(PaneId::Snapshots), Action::Open, "tags", "move between the users list and the selected user's tags"),
    b(&[Key::ch('u')], Pane(PaneId::Snapshots), Action::UniqueBytes, "unique", "compute the selected user's unique bytes (layers no other image shares)"),
    b(&[Key::ch('R')], Panes(SERVICE_PANES), Action::Rollback, "rollback", "roll the service back: while a deployment is in flight ECS's own rollback comes first and is preselected (stop it, or roll back at its paused hook); else pick a task-definition revision (the one before what runs is preselected), y, then watch it"),
    b(&[Key::ch('D')], Panes(SERVICE_PANES), Action::Redeploy, "redeploy", "force a new deployment of the service (same task definition, fresh tasks), then watch it"),
    b(&[Key::ch('x'), Key::code(KeyCode::Delete)], Pane(PaneId::Orphans), Action::Cleanup, "delete", "delete the marked orphans (or the selected one): plan, confirm, a result per resource"),
    b(&[Key::ch('x'), Key::code(KeyCode::Delete)], Pane(PaneId::Snapshots), Action::Cleanup, "delete", "delete the images of the marked tags (keeps each user's newest and images in use): plan, confirm, report"),
    b(&[Key::ch('m')], Pane(PaneId::Orphans), Action::MarkForDeletion, "mark 30d", "mark the marked orphans (or the selected one) for deletion in 30 days: the ecsnap:delete-after and ecsnap:owner tags (plan, confirm, audit); ecsnap cleanup --marked deletes them once due and still orphaned"),
    b(&[Key::ch('t')], Pane(PaneId::Snapshots), Action::RestoreUser, "restore", "point the user's resume tag at the selected tag (shows the digest before and after)"),
    b(&[Key::ch('e')], Pane(PaneId::Tasks), Action::Exec, "exec", "open a shell in the selected running task with ECS Exec (pick the container when there are several); the console steps aside until it ends"),
    b(&[Key::ch('p')], Pane(PaneId::Tasks), Action::PortForward, "forward", "forward a local port to the selected task (type REMOTE [LOCAL] [HOST]); shown in the header until ecsnap exits"),
    b(&[Key::ch('K')], Pane(PaneId::Tasks), Action::StopTask, "stop task", "stop the selected task (reason: stopped with ecsnap by you); its service starts a replacement"),
    b(&[Key::ch('+')], Panes(SERVICE_PANES), Action::ScaleUp, "scale +1", "raise the service's desired count by one: plan from → to, y"),
    b(&[Key::ch('-')], Panes(SERVICE_PANES), Action::ScaleDown, "scale -1", "lower the service's desired count by one: plan from → to, y"),
    b(&[Key::ch('/')], Lists, Action::Filter, "filter", "filter rows as you type (case-insensitive); Enter keeps it, Esc clears it"),
    b(&[Key::ch('s')], Lists, Action::SortNext, "sort", "sort by the next column"),
    b(&[Key::ch('S')], Lists, Action::SortReverse, "reverse", "reverse the sort order"),
    b(&[Key::ch(' ')], Panes(MARK_PANES), Action::Mark, "mark ↓", "mark or unmark the selected row, then move down (marked rows are what the cleanup deletes)"),
    b(&[Key::ch('a')], Panes(MARK_PANES), Action::MarkAll, "mark all", "mark every row the filter shows (again: unmark them)"),
    b(&[Key::ch('h')], Panes(HISTORY_FROM), Action::Deployments, "history", "show the service's deployments as ECS records them, newest first: status, stage, revisions, counts, circuit breaker, alarms, rollback; Esc returns"),
    b(&[Key::ch('o')], Panes(CONTINUE_PANES), Action::ContinueDeployment, "continue", "continue the service's deployment paused at a lifecycle hook (AWAITING_ACTION): plan with its stage and hook, confirm, ContinueServiceDeployment CONTINUE, then follow it (R rolls it back instead)"),
    b(&[ESC], Global, Action::Back, "back", "clear a message or the filter, or go back one level"),
    b(&[Key::ch(':')], Global, Action::Jump, "jump", "jump to a cluster, service or user by name (Tab completes)"),
    b(&[Key::ch('r')], Global, Action::Refresh, "refresh", "refresh this pane and the services now"),
    b(&[Key::ch('?')], Global, Action::Help, "help", "show or hide this help"),
    b(&[Key::ch('q')], Global, Action::Quit, "quit", "quit ecsnap"),
    b(&[FORCE_QUIT], Global, Action::Quit, "quit", "quit ecsnap, from anywhere (even while typing)"),
    b(&[Key::ch('b')], Global, Action::OpenConsole, "console", "open the selected service, task, deployment (Detail), image, volume or snapshot in the AWS console (its account and region); without a display the URL is shown to copy"),
    b(&[Key::ch('c')], Global, Action::CopyId, "copy id", "copy the selected resource's id to the clipboard through the terminal (OSC 52; in tmux with set-clipboard on)"),
    b(&[Key::ch('C')], Global, Action::CopyArn, "copy ARN", "copy the selected resource's ARN (its console URL when it has none) to the clipboard (OSC 52)"),
    b(&[Key::ch('j'), DOWN], Global, Action::Down, "down", "move down (scroll in Detail)"),
    b(&[Key::ch('k'), UP], Global, Action::Up, "up", "move up (scroll in Detail)"),
    b(&[Key::code(KeyCode::PageDown)], Global, Action::PageDown, "page down", "move one page down"),
    b(&[Key::code(KeyCode::PageUp)], Global, Action::PageUp, "page up", "move one page up"),
    b(&[Key::ch('g'), Key::code(KeyCode::Home)], Global, Action::Top, "top", "go to the first row"),
    b(&[Key::ch('G'), Key::code(KeyCode::End)], Global, Action::Bottom, "bottom", "go to the last row"),
    b(&[Key::code(KeyCode::Tab)], Global, Action::NextPane, "next pane", "next pane"),
    b(&[Key::code(KeyCode::BackTab)], Global, Action::PrevPane, "prev pane", "previous pane"),
    b(&[Key::ch('1')], Global, Action::GoPane(PaneId::Services), "services", "Services pane"),
    b(&[Key::ch('2')], Global, Action::GoPane(PaneId::Tasks), "tasks", "Tasks pane (of the selected service)"),
    b(&[Key::ch('3')], Global, Action::GoPane(PaneId::Snapshots), "snapshots", "Snapshots pane"),
    b(&[Key::ch('4')], Global, Action::GoPane(PaneId::Orphans), "orphans", "Orphans pane"),
    b(&[ENTER], Filter, Action::Confirm, "keep", "keep the filter and stop typing"),
    b(&[ESC], Filter, Action::Cancel, "clear", "clear the filter and stop typing"),
    b(&[BACKSPACE], Filter, Action::DeleteChar, "delete", "delete the last character of the filter"),
    b(&[DOWN], Filter, Action::Down, "down", "move down while typing"),
    b(&[UP], Filter, Action::Up, "up", "move up while typing"),
    b(&[ENTER], Jump, Action::Confirm, "go", "go to the name typed, or to the highlighted match"),
    b(&[Key::code(KeyCode::Tab)], Jump, Action::Complete, "complete", "complete the highlighted match"),
    b(&[ESC], Jump, Action::Cancel, "cancel", "stop typing, stay where you are"),
    b(&[BACKSPACE], Jump, Action::DeleteChar, "delete", "delete the last character"),
    b(&[DOWN], Jump, Action::Down, "next", "highlight the next match"),
    b(&[UP], Jump, Action::Up, "previous", "highlight the previous match"),
    b(&[Key::ch('?'), ESC, Key::ch('q')], Help, Action::Cancel, "close", "close this help"),
    b(&[Key::ch('j'), DOWN], Help, Action::Down, "down", "scroll the help down one line"),
    b(&[Key::ch('k'), UP], Help, Action::Up, "up", "scroll the help up one line"),
    b(&[Key::code(KeyCode::PageDown)], Help, Action::PageDown, "page", "scroll the help down one page"),
    b(&[Key::code(KeyCode::PageUp)], Help, Action::PageUp, "page", "scroll the help up one page"),
    b(&[Key::ch('g'), Key::code(KeyCode::Home)], Help, Action::Top, "top", "go to the start of the help"),
    b(&[Key::ch('G'), Key::code(KeyCode::End)], Help, Action::Bottom, "end", "go to the end of the help"),
    b(&[Key::ch('y'), ENTER], Dialog(CONFIRMING), Action::Confirm, "confirm", "confirm the plan shown: y when asked y/n; when asked to type the count or a name, type it and press Enter"),
    b(&[Key::ch('n'), ESC], Dialog(ALL_DIALOGS), Action::Cancel, "close", "cancel, or close the report; in the wait view stop watching (the deployment goes on in ECS)"),
    b(&[Key::ch('j'), DOWN], Dialog(PICKERS), Action::ModalDown, "down", "pick the next revision, tag or snapshot (the next container in exec)"),
    b(&[Key::ch('k'), UP], Dialog(PICKERS), Action::ModalUp, "up", "pick the previous revision, tag or snapshot (the previous container in exec)"),
    b(&[Key::ch('i'), RIGHT], Dialog(ROLLBACK), Action::ModalSwitch, "tags/EBS", "in the rollback picker: list task-definition revisions, then the container's image tags, then the managed EBS volume's snapshots, then ECS's service revisions of the deployment history"),
    b(&[Key::ch('s'), Key::code(KeyCode::Tab)], Dialog(CLEANUP), Action::ModalSnapshotFirst, "snapshot first", "in the cleanup dialog for volumes: snapshot each volume before deleting it, on/off (Tab while typing the count); shows the snapshots' extra $/month"),
    b(&[Key::ch('R')], Dialog(WAIT_AND_DEPLOYMENT), Action::Rollback, "roll back", "in the wait view: roll the service back (opens the picker) — offered when the rollout failed; in the deployment dialog, once the deployment paused at a hook again: roll it back there (plan, confirm, ContinueServiceDeployment ROLLBACK)"),
    b(&[Key::ch('o')], Dialog(DEPLOYMENT), Action::ContinueDeployment, "continue", "in the deployment dialog, once the deployment paused at a hook again: continue it (plan, confirm, ContinueServiceDeployment CONTINUE)"),
    b(&[Key::ch('t')], Dialog(ROLLBACK_AND_RESTORE), Action::ModalRestoreTier, "restore", "in the rollback picker's EBS snapshots: restore the highlighted archived snapshot from the archive tier for 7 days (RestoreSnapshotTier: plan, confirm, audit; a volume can be created from it up to 72 h later); on an archived image tag or service revision, or in the resume-tag restore of an archived tag: restore the image from ECR archive (UpdateImageStorageClass: plan, confirm, audit), then follow it until it can be pulled (minutes)"),
    b(&[Key::ch('f')], Dialog(ROLLBACK), Action::ModalForce, "force", "in the rollback picker: allow the highlighted revision although an image of it was deleted from ECR (its tasks will fail to pull it); on a service revision whose tag was pushed again: pin the digest it ran (a new revision is registered); again: no longer"),
    b(&[Key::ch('?')], Dialog(ALL_DIALOGS), Action::Help, "help", "show the keys of this dialog"),
    b(&[Key::code(KeyCode::Tab)], TextField, Action::ModalSnapshotFirst, "snapshot first", "in the cleanup dialog for volumes: snapshot each volume first, on/off"),
    b(&[ENTER], TextField, Action::Confirm, "confirm", "confirm with what was typed (the count, the name, the port)"),
    b(&[ESC], TextField, Action::Cancel, "cancel", "cancel: nothing is sent"),
    b(&[DOWN], TextField, Action::ModalDown, "next", "in the rollback picker and the exec dialog: pick the next one"),
    b(&[UP], TextField, Action::ModalUp, "previous", "in the rollback picker and the exec dialog: pick the previous one"),
    b(&[RIGHT], TextField, Action::ModalSwitch, "tags/EBS", "in the rollback picker (the name typed in production): the next list — revisions, image tags, EBS snapshots"),
    b(&[BACKSPACE], TextField, Action::DeleteChar, "delete", "delete the last character typed"),
    b(&[Key::ch('?')], TextField, Action::Help, "help", "show the keys of this dialog (? is never part of a count, a name or a port)"),
    b(&[ENTER], Pane(PaneId::Orphans), Action::Open, "lineage", "show the selected volume's or snapshot's lineage: where it came from, what was made of it, the DLM or Backup policy; Esc hides it"),
    b(&[Key::ch('v')], Pane(PaneId::Orphans), Action::RecoverVolume, "recover", "bring the selected orphaned volume back: snapshot it, then start its service's EBS volume from that snapshot, then watch it"),
    b(&[Key::ch('A')], Pane(PaneId::Orphans), Action::ArchiveSnapshots, "archive", "archive the marked snapshots (or the selected one) instead of deleting them: ModifySnapshotTier, cheaper per GB, billed at least 90 days, up to 72 h to restore (plan with $/month each way, confirm, audit)"),
    b(&[Key::ch('l')], Pane(PaneId::Tasks), Action::Logs, "logs", "open the Logs view of the selected task (running or stopped): its containers' CloudWatch Logs, newest lines first"),
    b(&[ESC, Key::ch('q')], Logs, Action::Back, "back", "close the Logs view (follow stops)"),
    b(&[Key::ch('f')], Logs, Action::LogsFollow, "follow", "follow new lines (read once a second at most), on/off; stops when the view closes"),
    b(&[Key::ch('/')], Logs, Action::Filter, "search", "search the lines as you type (case-insensitive); matches are highlighted"),
    b(&[Key::ch('n')], Logs, Action::LogsNextMatch, "next match", "go to the next older line that matches the search"),
    b(&[Key::ch('c')], Logs, Action::LogsContainer, "container", "show the task's next container (other log drivers say where their logs go)"),
    b(&[Key::ch('w')], Logs, Action::LogsWrap, "wrap", "wrap long lines, on/off"),
    b(&[Key::ch('k'), UP], Logs, Action::Up, "older", "scroll back one line (older pages load as you reach the top)"),
    b(&[Key::ch('j'), DOWN], Logs, Action::Down, "newer", "scroll forward one line"),
    b(&[Key::code(KeyCode::PageUp)], Logs, Action::PageUp, "page back", "scroll back one page (loads the page before the oldest line, one at a time)"),
    b(&[Key::code(KeyCode::PageDown)], Logs, Action::PageDown, "page fwd", "scroll forward one page"),
    b(&[Key::ch('g'), Key::code(KeyCode::Home)], Logs, Action::Top, "oldest", "go to the oldest line loaded (and load the page before it)"),
    b(&[Key::ch('G'), Key::code(KeyCode::End)], Logs, Action::Bottom, "newest", "go to the newest line"),
    b(&[Key::ch('?')], Logs, Action::Help, "help", "show the help"),
    b(&[Key::ch('b')], Logs, Action::OpenConsole, "console", "open the container's log stream in the CloudWatch console (without a display the URL is shown)"),
    b(&[Key::ch('C')], Logs, Action::CopyArn, "copy ARN", "copy the log stream's ARN to the clipboard (OSC 52)"),
    b(&[ENTER], LogsSearch, Action::Confirm, "keep", "keep the search and stop typing"),
    b(&[ESC], LogsSearch, Action::Cancel, "clear", "clear the search and stop typing"),
    b(&[BACKSPACE], LogsSearch, Action::DeleteChar, "delete", "delete the last character of the search"),
];

/// The bindings of an input, overlay or dialog scope (`Filter`, `Jump`, `Help`, `TextField`, `Logs`),
/// in table order.
pub fn bindings_in(scope: Scope) -> impl Iterator<Item = &'static Binding> {
    KEYMAP.iter().filter(move |b| b.scope == scope)
}

/// The action a key means in an input, overlay or dialog scope, if any.
pub fn lookup_in(scope: Scope, ev: &KeyEvent) -> Option<Action> {
    bindings_in(scope).find(|b| b.matches(ev)).map(|b| b.action)
}

/// The keys of every dialog, in table order.
pub fn modal_bindings() -> impl Iterator<Item = &'static Binding> {
    KEYMAP
        .iter()
        .filter(|b| matches!(b.scope, Scope::Dialog(_)))
}

/// The keys of one kind of dialog, in table order.
pub fn dialog_bindings(kind: DialogKind) -> impl Iterator<Item = &'static Binding> {
    KEYMAP
        .iter()
        .filter(move |b| matches!(b.scope, Scope::Dialog(ds) if ds.contains(&kind)))
}

/// The action a key means in an open dialog, if any (the dialog ignores what it does not
/// offer; `ModalKind::offers`).
pub fn lookup_modal(ev: &KeyEvent) -> Option<Action> {
    modal_bindings().find(|b| b.matches(ev)).map(|b| b.action)
}

/// The bindings that apply in a pane, in table order.
pub fn bindings_for(pane: PaneId) -> impl Iterator<Item = &'static Binding> {
    KEYMAP.iter().filter(move |b| b.scope.applies(pane))
}

/// The action a key press means in a pane, if any.
pub fn lookup(pane: PaneId, ev: &KeyEvent) -> Option<Action> {
    bindings_for(pane).find(|b| b.matches(ev)).map(|b| b.action)
}

/// The label of the keys bound to `action` in a pane (for hints such as "Esc clears").
pub fn label_for(pane: PaneId, action: Action) -> Option<String> {
    bindings_for(pane)
        .find(|b| b.action == action)
        .map(Binding::label)
}

/// Ctrl-C quits from every mode, before any modal sees the key.
pub fn is_force_quit(ev: &KeyEvent) -> bool {
    FORCE_QUIT.matches(ev)
}

/// The README's key table (section "Keys"), one row per binding in table order:
/// `| Key | Where | What it does |`. `tests/console/keys.rs` checks docs/console.md against it.
pub fn readme_table() -> String {
    let rows = KEYMAP.iter().map(|b| {
        format!(
            "| `{}` | {} | {} |\n",
            b.label(),
            b.scope.where_label(),
            b.desc
        )
    });
    std::iter::once("| Key | Where | What it does |\n|---|---|---|\n".to_string())
        .chain(rows)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn pane_keys_win_over_global_and_shift_is_part_of_the_char() {
        let enter = key(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(lookup(PaneId::Services, &enter), Some(Action::Open));
        assert_eq!(lookup(PaneId::Orphans, &enter), Some(Action::Open));
        let big_g = key(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(lookup(PaneId::Tasks, &big_g), Some(Action::Bottom));
        let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert!(is_force_quit(&ctrl_c));
        assert_eq!(lookup(PaneId::Detail, &ctrl_c), Some(Action::Quit));
        let plain_c = key(KeyCode::Char('c'), KeyModifiers::NONE);
        assert!(!is_force_quit(&plain_c));
        let slash = key(KeyCode::Char('/'), KeyModifiers::NONE);
        assert_eq!(lookup(PaneId::Detail, &slash), None);
        assert_eq!(lookup(PaneId::Orphans, &slash), Some(Action::Filter));
    }

    #[test]
    fn labels_come_from_the_keys() {
        let label = |action: Action| {
            KEYMAP
                .iter()
                .find(|b| b.action == action && b.scope == Scope::Global)
                .map(Binding::label)
        };
        assert_eq!(label(Action::Top).as_deref(), Some("g/Home"));
        assert_eq!(label(Action::Bottom).as_deref(), Some("G/End"));
        assert_eq!(label(Action::Down).as_deref(), Some("j/↓"));
        assert_eq!(label(Action::PrevPane).as_deref(), Some("Shift-Tab"));
        assert_eq!(label(Action::Mark).as_deref(), None);
        assert_eq!(
            label_for(PaneId::Orphans, Action::Cleanup).as_deref(),
            Some("x/Del")
        );
        assert_eq!(
            label_for(PaneId::Orphans, Action::Mark).as_deref(),
            Some("space")
        );
        assert_eq!(key_label(&FORCE_QUIT), "Ctrl-C");
    }

    #[test]
    fn a_text_field_binds_no_letter_or_digit() {
        // While a dialog's field has the focus, letters and digits are typed: none acts.
        for b in bindings_in(Scope::TextField) {
            for k in b.keys {
                assert!(
                    !matches!(k.code, KeyCode::Char(c) if c.is_alphanumeric()) || k.ctrl,
                    "{} would be typed and act",
                    b.label()
                );
            }
        }
    }

    #[test]
    fn inputs_bind_no_plain_character() {
        // Every plain character types text in the filter and a jump.
        for b in bindings_in(Scope::Filter)
            .chain(bindings_in(Scope::Jump))
            .chain(bindings_in(Scope::LogsSearch))
        {
            for k in b.keys {
                assert!(
                    !matches!(k.code, KeyCode::Char(_)) || k.ctrl,
                    "{} would shadow typing",
                    b.label()
                );
            }
        }
        let x = key(KeyCode::Char('x'), KeyModifiers::NONE);
        assert_eq!(typed_char(&x), Some('x'));
        assert_eq!(lookup_in(Scope::Filter, &x), None);
        let ctrl_x = key(KeyCode::Char('x'), KeyModifiers::CONTROL);
        assert_eq!(typed_char(&ctrl_x), None);
    }

    #[test]
    fn no_key_is_bound_twice_in_an_input_overlay_or_dialog() {
        for scope in [
            Scope::Filter,
            Scope::Jump,
            Scope::Help,
            Scope::TextField,
            Scope::Logs,
            Scope::LogsSearch,
        ] {
            let mut seen: Vec<Key> = Vec::new();
            for b in bindings_in(scope) {
                for k in b.keys {
                    assert!(!seen.contains(k), "{k:?} bound twice in {scope:?}");
                    seen.push(*k);
                }
            }
        }
        // A key means one thing in every dialog (the dialog looks it up before its kind).
        let mut seen: Vec<Key> = Vec::new();
        for b in modal_bindings() {
            for k in b.keys {
                assert!(!seen.contains(k), "{k:?} bound twice in the dialogs");
                seen.push(*k);
            }
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_a_pane() {
        for pane in PaneId::ALL {
            let mut seen: Vec<Key> = Vec::new();
            for b in bindings_for(pane) {
                for k in b.keys {
                    assert!(!seen.contains(k), "{k:?} bound twice in {pane:?}");
                    seen.push(*k);
                }
            }
        }
    }
}
