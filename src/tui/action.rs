//! What the user asked for. Keys map to these through the keymap table; `update` acts.

use crate::tui::state::pane_id::PaneId;

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
    /// Open the Events pane: every service's events in one feed.
    Events,
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
    /// Orphans: mark the marked orphans (or the selected one) for deletion after the grace
    /// period (the `ecsnap:delete-after` tag).
    MarkForDeletion,
    /// Orphans: archive the marked snapshots (or the selected one) instead of deleting
    /// them (ModifySnapshotTier), through the cleanup dialog.
    ArchiveSnapshots,
    /// Rollback picker: restore the highlighted archived EBS snapshot from the archive tier.
    ModalRestoreTier,
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
    /// Open the selected resource in the AWS console (or show its URL).
    OpenConsole,
    /// Copy the selected resource's id (OSC 52).
    CopyId,
    /// Copy the selected resource's ARN, or its console URL when it has none.
    CopyArn,
    /// Open the Deployments pane of the service in view.
    Deployments,
    /// Continue the deployment of the service in view paused at a hook.
    ContinueDeployment,
}

impl Action {
    /// Whether the action is about the selected row (drills into it, acts on it, marks
    /// it). Taking one makes the row the user's choice: the selection stays on it, by
    /// identity, through re-sorts and refreshes, so a service that sorts down once steady
    /// (after a rollback) keeps the cursor, and Tasks opens for it, not for row 0.
    pub fn acts_on_row(self) -> bool {
        match self {
            Action::Open
            | Action::Detail
            | Action::Mark
            | Action::UniqueBytes
            | Action::Rollback
            | Action::Redeploy
            | Action::RestoreUser
            | Action::RecoverVolume
            | Action::Logs
            | Action::Exec
            | Action::PortForward
            | Action::StopTask
            | Action::ScaleUp
            | Action::ScaleDown
            | Action::OpenConsole
            | Action::CopyId
            | Action::CopyArn
            | Action::Deployments
            | Action::ContinueDeployment => true,
            Action::Quit
            | Action::NextPane
            | Action::PrevPane
            | Action::GoPane(_)
            | Action::Events
            | Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::Back
            | Action::Filter
            | Action::SortNext
            | Action::SortReverse
            | Action::Jump
            | Action::Refresh
            | Action::Help
            | Action::MarkAll
            | Action::Cleanup
            | Action::MarkForDeletion
            | Action::ArchiveSnapshots
            | Action::ModalRestoreTier
            | Action::Confirm
            | Action::Cancel
            | Action::ModalUp
            | Action::ModalDown
            | Action::ModalSwitch
            | Action::ModalSnapshotFirst
            | Action::DeleteChar
            | Action::Complete
            | Action::ModalForce
            | Action::LogsFollow
            | Action::LogsWrap
            | Action::LogsContainer
            | Action::LogsNextMatch => false,
        }
    }
}
