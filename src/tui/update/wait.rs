//! The wait view: a rollback, redeploy or recover that started turns its dialog into the
//! rollout's watch; its progress, the stopped tasks' last log lines and the verdict.

use chrono::{DateTime, Utc};

use crate::model::LastLines;
use crate::model::arn_name;
use crate::ops::redeploy::Started;
use crate::ops::wait::{WaitOutcome, WaitProgress};
use crate::tui::state::confirm::ConfirmInput;
use crate::tui::state::modal::{Modal, ModalKind, Stage};
use crate::tui::state::wait::WaitView;
use crate::tui::update::flows::Reload;
use crate::tui::update::{recover, rollback};

/// The change was sent (the dialog becomes the wait view), or refused / failed.
pub(crate) fn started(
    modal: &mut Modal,
    result: Result<Started, String>,
    now: DateTime<Utc>,
) -> Option<Reload> {
    let started = match result {
        Ok(started) => started,
        Err(e) => {
            modal.stage = Stage::Failed(e);
            return None;
        }
    };
    let what = match &modal.kind {
        ModalKind::Rollback(r) => rollback::started_what(r),
        ModalKind::Recover(r) => recover::started_what(r),
        ModalKind::Redeploy(_)
        | ModalKind::Restore(_)
        | ModalKind::Cleanup(_)
        | ModalKind::Wait(_)
        | ModalKind::HandsOn(_)
        | ModalKind::DeploymentAction(_)
        | ModalKind::Storage(_) => format!(
            "forced a new deployment of {}",
            arn_name(&started.task_definition)
        ),
    };
    modal.kind = ModalKind::Wait(WaitView::new(what, &started, now));
    modal.stage = Stage::Running;
    modal.confirm = ConfirmInput::default();
    Some(Reload::Services)
}

/// A look at the rollout.
pub(crate) fn progress(modal: &mut Modal, progress: &WaitProgress, now: DateTime<Utc>) {
    let ModalKind::Wait(w) = &mut modal.kind else {
        return;
    };
    w.apply(progress);
    if w.verdict.is_done() {
        w.end(now);
        modal.stage = Stage::Done;
    }
}

/// A look at ECS's service deployment: of the rollout the wait view watches, else of the
/// deployment dialog's.
pub(crate) fn deployment_look(modal: &mut Modal, d: crate::model::ServiceDeployment) {
    if let ModalKind::Wait(w) = &mut modal.kind {
        w.look(d);
    } else {
        crate::tui::update::deployment_action::look(modal, d);
    }
}

/// The last log lines of a task that stopped.
pub(crate) fn last_lines(
    modal: &mut Modal,
    task_id: String,
    result: Result<Vec<LastLines>, String>,
) {
    if let ModalKind::Wait(w) = &mut modal.kind {
        w.record_lines(task_id, result);
    }
}

/// A look at the new volumes' initialization after a stable EBS-snapshot rollout (no list
/// to reload).
pub(crate) fn hydration(modal: &mut Modal, lines: Vec<String>, ended: bool) -> Option<Reload> {
    if let ModalKind::Wait(w) = &mut modal.kind {
        w.hydration = lines;
        w.hydration_ended = ended;
    }
    None
}

/// The watch ended.
pub(crate) fn done(
    modal: &mut Modal,
    result: Result<WaitOutcome, String>,
    now: DateTime<Utc>,
) -> Option<Reload> {
    let ModalKind::Wait(w) = &mut modal.kind else {
        return None;
    };
    w.finish(result, now);
    modal.stage = Stage::Done;
    Some(Reload::Services)
}
