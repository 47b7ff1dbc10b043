//! What the user asked for. Keys map to these through the keymap table; `update` acts.

use super::app::PaneId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    NextPane,
    PrevPane,
    GoPane(PaneId),
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Drill in: service → tasks → detail; user → tags.
    Open,
    /// Back out one level, or clear the filter first.
    Back,
    Detail,
    Filter,
    SortNext,
    SortReverse,
    Jump,
    Refresh,
    Mark,
    Help,
    UniqueBytes,
    /// Mark every row the filter shows (or unmark them all).
    MarkAll,
    /// Open the rollback picker for the service in view (or roll back again from the wait
    /// view).
    Rollback,
    Redeploy,
    /// Plan the deletion of the marked rows (Orphans: volumes/snapshots; Snapshots: images).
    Cleanup,
    /// Point the selected user's resume tag at the selected tag.
    RestoreUser,
    // In a dialog, and in the filter, jump and help (Confirm: Enter keeps the filter or
    // jumps; Cancel: Esc leaves them).
    Confirm,
    Cancel,
    ModalUp,
    ModalDown,
    /// Rollback picker: revisions ↔ image tags.
    ModalSwitch,
    /// Cleanup dialog for volumes: snapshot each volume first, on/off.
    ModalSnapshotFirst,
    // Typing the filter or a jump.
    /// Delete the last character typed.
    DeleteChar,
    /// Complete the jump to the highlighted match.
    Complete,
    /// Orphans: bring the selected orphaned volume back into the service that created it.
    RecoverVolume,
    /// Rollback picker: allow the highlighted revision although an image of it was
    /// deleted from ECR.
    ModalForce,
    /// Open the Logs view of the selected task.
    Logs,
    // In the Logs view.
    /// Follow new lines, on/off.
    LogsFollow,
    /// Wrap long lines, on/off.
    LogsWrap,
    /// Show the next container of the task.
    LogsContainer,
    /// Go to the next older line that matches the search.
    LogsNextMatch,
    /// Open a shell in the selected task (ECS Exec).
    Exec,
    /// Forward a local port to the selected task.
    PortForward,
    /// Stop the selected task.
    StopTask,
    /// Desired count of the service in view +1 / -1.
    ScaleUp,
    ScaleDown,
}
