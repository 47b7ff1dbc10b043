//! The storage dialog drawn: the marks ops planned (id, owner, date; what is skipped and
//! why), the snapshot's restore (cost each way, up to 72 h) or the image's (minutes, then
//! each poll until it can be pulled), the confirmation, and the results.

use ratatui::text::Line;

use crate::model::escape::escape;
use crate::ops::cleanup::ItemStatus;
use crate::tui::state::app::AppState;
use crate::tui::state::modal::Modal;
use crate::tui::state::storage::{StorageDone, StorageModal, StoragePlan};
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{count, sending};

/// Marks and skipped lines shown at most (the rest are counted).
const SHOWN: usize = 8;

pub fn lines(
    s: &StorageModal,
    modal: &Modal,
    state: &AppState,
    theme: Theme,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    match &s.plan {
        Some(StoragePlan::Mark(plans)) => {
            let marks: Vec<_> = plans.iter().flat_map(|p| p.marks.iter()).collect();
            let skipped: Vec<_> = plans.iter().flat_map(|p| p.skipped.iter()).collect();
            out.push(Line::raw(format!(
                "Plan: tag {} with ecsnap:delete-after and ecsnap:owner (nothing is deleted \
                 now; ecsnap cleanup --marked deletes them once due, if still orphaned)",
                count(marks.len(), "orphan", "orphans")
            )));
            for m in marks.iter().take(SHOWN) {
                out.push(Line::raw(format!(
                    "  {} {:>5} GiB  delete on {}  owner {}",
                    m.id,
                    m.size_gib,
                    m.delete_after.format("%Y-%m-%d"),
                    escape(&m.owner)
                )));
            }
            more(&mut out, marks.len(), theme);
            if !skipped.is_empty() {
                out.push(Line::styled(
                    format!("Skipped ({}):", skipped.len()),
                    theme.heading(),
                ));
                for k in skipped.iter().take(SHOWN) {
                    out.push(Line::styled(
                        format!("  {} — {}", k.id, escape(&k.reason)),
                        theme.dim(),
                    ));
                }
                more(&mut out, skipped.len(), theme);
            }
        }
        Some(StoragePlan::RestoreTier(p)) => {
            out.push(Line::raw(format!("Plan: {}", p.summary())));
        }
        Some(StoragePlan::RestoreImage(p)) => {
            out.push(Line::raw(format!("Plan: {}", escape(&p.summary()))));
            out.push(Line::styled(
                "Sends: ecr:UpdateImageStorageClass (to STANDARD), then polls until it can be \
                 pulled",
                theme.dim(),
            ));
        }
        None => {}
    }
    out.extend(sending(modal, state));
    if let Some((polls, status)) = &s.progress {
        out.push(Line::raw(format!(
            "Waiting until it can be pulled: ECR reports {} (poll {polls})",
            status.storage_class()
        )));
    }
    out.extend(done_lines(s, theme));
    out
}

/// What the action did: the marks, the snapshot read back, the image pullable again.
fn done_lines(s: &StorageModal, theme: Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    match &s.done {
        Some(StorageDone::Marked(results)) => {
            let done = results
                .iter()
                .filter(|r| r.status == ItemStatus::Done)
                .count();
            out.push(Line::styled(
                format!("Done: {} of {} marked", done, results.len()),
                theme.good(),
            ));
            for r in results.iter().filter(|r| r.status != ItemStatus::Done) {
                out.push(Line::styled(
                    format!(
                        "  ✗ {} {}",
                        r.id,
                        escape(r.detail.as_deref().unwrap_or("failed"))
                    ),
                    theme.bad(),
                ));
            }
        }
        Some(StorageDone::Restored(snap)) => {
            let now = crate::config::now();
            out.push(Line::styled(
                match snap {
                    Some(s) => format!(
                        "Done: restore started; {} now reads {} (up to 72 h before a volume \
                         can be created from it)",
                        s.id,
                        s.tier_text(now)
                    ),
                    None => "Done: restore started (the snapshot could not be read back)".into(),
                },
                theme.good(),
            ));
        }
        Some(StorageDone::ImageRestored(Ok(status))) => {
            out.push(Line::styled(
                format!(
                    "Done: the image is {} again and can be pulled; roll back or resume now",
                    status.storage_class()
                ),
                theme.good(),
            ));
        }
        Some(StorageDone::ImageRestored(Err(why))) => {
            out.push(Line::styled(
                format!("Restore sent; not pullable yet: {}", escape(why)),
                theme.warn(),
            ));
        }
        None => {}
    }
    out
}

fn more(out: &mut Vec<Line<'static>>, n: usize, theme: Theme) {
    if n > SHOWN {
        out.push(Line::styled(
            format!("  … and {} more", n - SHOWN),
            theme.dim(),
        ));
    }
}
