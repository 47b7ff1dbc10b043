//! The plans a dialog shows: the rollback picker, the cleanup plan and its per-item
//! results, and the one-change plans (redeploy, restore-user).

use std::fmt::Write as _;

use ratatui::text::Line;

use crate::model::arn_name;
use crate::ops::cleanup::ItemStatus;
use crate::tui::app::AppState;
use crate::tui::modal::cleanup::CleanupModal;
use crate::tui::modal::rollback::{PickMode, RollbackModal};
use crate::tui::modal::simple::{SimpleModal, SimplePlan};
use crate::tui::modal::{Modal, Stage};
use crate::tui::theme::Theme;

/// Rows of the picker shown at most.
const PICKER_ROWS: usize = 10;
/// Lines of the highlighted target's diff shown at most (the rest are counted).
const DIFF_LINES: usize = 8;

pub fn rollback_lines(r: &RollbackModal, modal: &Modal, theme: Theme) -> Vec<Line<'static>> {
    let mut out = match r.mode {
        PickMode::Revisions => revision_lines(r, modal, theme),
        PickMode::ImageTags => tag_lines(r, theme),
        PickMode::EbsSnapshots => ebs_lines(r, theme),
    };
    if modal.stage == Stage::Confirm {
        out.extend(diff_lines(r, theme));
        if let Some(why) = r.refusal() {
            out.push(Line::styled(why, theme.bad()));
        } else if r.plan().is_some() {
            out.push(Line::raw(format!("Plan: {}", r.headline())));
        } else if r.list_error().is_none() {
            out.push(Line::styled(r.headline(), theme.warn()));
        }
        let how = match r.mode {
            PickMode::Revisions => "",
            PickMode::ImageTags => {
                " · a copy of the running revision is registered with the image changed"
            }
            PickMode::EbsSnapshots => {
                " · the service is updated; tasks it starts get a volume created from the \
                 snapshot"
            }
        };
        out.push(Line::styled(
            format!("i lists {} instead{how}", r.mode.next().label()),
            theme.dim(),
        ));
    }
    if modal.stage == Stage::Running {
        out.push(Line::raw(format!("sending: {}…", r.headline())));
    }
    out
}

/// What changes against what runs if the highlighted row is confirmed.
fn diff_lines(r: &RollbackModal, theme: Theme) -> Vec<Line<'static>> {
    if r.list_error().is_some() || (r.plan().is_none() && r.refusal().is_none()) {
        return Vec::new();
    }
    let changes = r.changes();
    if changes.is_empty() {
        return vec![Line::styled(
            "Changes against what runs: none in the compared fields",
            theme.dim(),
        )];
    }
    let mut out = vec![Line::styled(
        format!("Changes against what runs ({}):", changes.len()),
        theme.heading(),
    )];
    for c in changes.iter().take(DIFF_LINES) {
        out.push(Line::raw(format!("  {}", c.line())));
    }
    if changes.len() > DIFF_LINES {
        out.push(Line::styled(
            format!(
                "  … and {} more (ecsnap diff shows them all)",
                changes.len() - DIFF_LINES
            ),
            theme.dim(),
        ));
    }
    out
}

/// Whether a revision's images still exist: `✗ image deleted` wins, then what could not
/// be checked, then `✓ in ECR`.
fn image_mark(rev: &crate::ops::rollback::Revision) -> &'static str {
    use crate::model::ImagePresence;
    let has = |f: fn(&ImagePresence) -> bool| rev.images.iter().any(|i| f(&i.presence));
    if has(|p| matches!(p, ImagePresence::Deleted(_))) {
        "✗ image deleted"
    } else if has(|p| matches!(p, ImagePresence::Unchecked(_))) {
        "? unchecked"
    } else if has(|p| matches!(p, ImagePresence::NotEcr)) {
        "? not in ECR"
    } else if rev.images.is_empty() {
        ""
    } else {
        "✓ in ECR"
    }
}

fn picker_line(selected: bool, text: &str, theme: Theme) -> Line<'static> {
    if selected {
        Line::styled(format!("▶ {text}"), theme.selected())
    } else {
        Line::raw(format!("  {text}"))
    }
}

fn revision_lines(r: &RollbackModal, modal: &Modal, theme: Theme) -> Vec<Line<'static>> {
    let mut out = vec![Line::raw(format!(
        "Runs {}. Revisions of the family, newest first (j/k to pick):",
        arn_name(&r.current)
    ))];
    if modal.stage == Stage::Confirm && r.revisions.is_empty() {
        out.push(Line::styled("no ACTIVE revisions found", theme.warn()));
    }
    let start = r.selected.saturating_sub(PICKER_ROWS - 1);
    // As wide as the longest name and mark shown, so the row fits 80 columns.
    let shown = || r.revisions.iter().skip(start).take(PICKER_ROWS);
    let name_width = shown().map(|v| arn_name(&v.arn).len()).max().unwrap_or(0);
    let mark_width = shown()
        .map(|v| image_mark(v).chars().count())
        .max()
        .unwrap_or(0);
    for (i, rev) in r.revisions.iter().enumerate().skip(start).take(PICKER_ROWS) {
        let images: Vec<String> = rev
            .images
            .iter()
            .map(|c| format!("{}:{}", c.container, c.tag.as_deref().unwrap_or("(digest)")))
            .collect();
        let note = if rev.current { "  (running now)" } else { "" };
        let mark = image_mark(rev);
        let text = format!(
            "{:<name_width$} {:<16} {:<mark_width$} {}{note}",
            arn_name(&rev.arn),
            date(rev.registered_at),
            mark,
            images.join(", ")
        );
        let line = picker_line(i == r.selected, &text, theme);
        out.push(if i != r.selected && mark.starts_with('✗') {
            line.style(theme.bad())
        } else {
            line
        });
    }
    out
}

fn date(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map_or_else(|| "-".into(), |d| d.format("%Y-%m-%d %H:%M").to_string())
}

/// A picker list once loaded, or the line saying it is loading or why there is none.
fn loaded<'a, T>(
    list: Option<&'a Result<T, String>>,
    what: &str,
    theme: Theme,
) -> Result<&'a T, Vec<Line<'static>>> {
    match list {
        None => Err(vec![Line::raw(format!("loading the {what}…"))]),
        Some(Err(why)) => Err(vec![Line::styled(
            format!("No {what} to offer: {why}"),
            theme.warn(),
        )]),
        Some(Ok(t)) => Ok(t),
    }
}

fn tag_lines(r: &RollbackModal, theme: Theme) -> Vec<Line<'static>> {
    let t = match loaded(r.image_tags.as_ref(), "image tags", theme) {
        Ok(t) => t,
        Err(lines) => return lines,
    };
    let mut out = vec![Line::raw(format!(
        "Container {} runs {}. Tags of its repository, newest first (j/k to pick):",
        t.container, t.image
    ))];
    let running = t.image.rsplit(':').next().unwrap_or_default();
    let start = r.tag_selected.saturating_sub(PICKER_ROWS - 1);
    for (i, c) in t.tags.iter().enumerate().skip(start).take(PICKER_ROWS) {
        let note = if c.tag == running {
            "  (running now)"
        } else {
            ""
        };
        let text = format!("{:<28} pushed {}{note}", c.tag, date(c.pushed_at));
        out.push(picker_line(i == r.tag_selected, &text, theme));
    }
    out
}

fn ebs_lines(r: &RollbackModal, theme: Theme) -> Vec<Line<'static>> {
    let c = match loaded(r.ebs.as_ref(), "EBS snapshots", theme) {
        Ok(c) => c,
        Err(lines) => return lines,
    };
    let mut out = vec![Line::raw(format!(
        "Volume {} starts from {}. Completed snapshots, newest first (j/k to pick):",
        c.volume,
        c.from_snapshot.as_deref().unwrap_or("no snapshot")
    ))];
    let start = r.ebs_selected.saturating_sub(PICKER_ROWS - 1);
    for (i, s) in c.snapshots.iter().enumerate().skip(start).take(PICKER_ROWS) {
        let note = if Some(&s.id) == c.from_snapshot.as_ref() {
            "  (in use now)"
        } else {
            ""
        };
        let state = if s.state == "completed" {
            "✓ completed".to_string()
        } else {
            format!("✗ {}", s.state)
        };
        let text = format!(
            "{:<24} {}  {:>5} GiB  {state}  {}{note}",
            s.id,
            date(s.start_time),
            s.size_gib,
            s.description.as_deref().unwrap_or("")
        );
        out.push(picker_line(i == r.ebs_selected, &text, theme));
    }
    out
}

fn status_style(status: ItemStatus, theme: Theme) -> ratatui::style::Style {
    match status {
        ItemStatus::Done => theme.good(),
        ItemStatus::Skipped => theme.warn(),
        ItemStatus::Failed => theme.bad(),
    }
}

pub fn cleanup_lines(
    c: &CleanupModal,
    modal: &Modal,
    state: &AppState,
    theme: Theme,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if modal.stage == Stage::Planning {
        return out;
    }
    out.push(Line::styled(
        format!(
            "Plan: delete {} ({:.1} GiB, saves ${:.2}/month)",
            c.items().count(),
            c.total_gib(),
            c.total_monthly()
        ),
        theme.heading(),
    ));
    out.extend(snapshot_first_line(c, modal, state, theme));
    for (heading, items) in c.groups() {
        if let Some(heading) = heading {
            out.push(Line::styled(heading, theme.bold()));
        }
        for item in items {
            out.push(cleanup_item_line(item, c, modal, state, theme));
        }
    }
    let skipped: Vec<_> = c.skipped().collect();
    if !skipped.is_empty() {
        out.push(Line::styled("Skipped (never deleted):", theme.warn()));
        for s in skipped {
            out.push(Line::raw(format!(
                "  {} ({}): {}",
                s.id,
                s.kind.as_str(),
                s.reason
            )));
        }
    }
    match modal.stage {
        Stage::Running => out.push(Line::raw(format!(
            "{} deleting… {} of {} landed",
            super::spinner(state),
            c.results.len(),
            c.items().count()
        ))),
        Stage::Done => {
            out.push(Line::styled(
                format!(
                    "Result: {} done, {} skipped, {} failed — Esc closes",
                    c.count(ItemStatus::Done),
                    c.count(ItemStatus::Skipped),
                    c.count(ItemStatus::Failed)
                ),
                theme.bold(),
            ));
        }
        _ => {}
    }
    out
}

/// One item of a cleanup plan: kind, id, GiB, age, $/month and why; its result once
/// it landed (a spinner while running).
fn cleanup_item_line(
    item: &crate::ops::cleanup::CleanupItem,
    c: &CleanupModal,
    modal: &Modal,
    state: &AppState,
    theme: Theme,
) -> Line<'static> {
    let result = c.results.iter().find(|r| r.id == item.id);
    let id = match (&item.repository, &item.digest) {
        (Some(repo), Some(digest)) => format!(
            "{repo}@{} ({})",
            digest.chars().take(19).collect::<String>(),
            item.tags.join(", ")
        ),
        _ => item.id.clone(),
    };
    let mut text = format!(
        "  {:<8} {id:<24} {:>6.1} GiB {:>4} ${:>7.2}/mo  {}",
        item.kind.as_str(),
        item.size_gib,
        item.age_days
            .map_or_else(|| "-".into(), |d| format!("{d}d")),
        item.monthly_cost_usd,
        item.reason
    );
    if let Some(why) = item.blocked() {
        let _ = write!(text, "  BLOCKED by DryRun: {why}");
    }
    match result {
        Some(r) => {
            let detail = r
                .detail
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            Line::styled(
                format!("{:<7} {}{detail}", r.status.as_str(), text.trim_start()),
                status_style(r.status, theme),
            )
        }
        None if modal.stage == Stage::Running => {
            Line::raw(format!("{} {}", super::spinner(state), text.trim_start()))
        }
        None => Line::raw(text),
    }
}

pub fn simple_lines(
    s: &SimpleModal,
    modal: &Modal,
    state: &AppState,
    theme: Theme,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    match &s.plan {
        Some(SimplePlan::Restore(p)) => out.push(Line::raw(format!(
            "Plan: point {}:{} at {} so {}'s next session resumes from it",
            p.repository, p.resume_tag, p.tag, p.user
        ))),
        Some(SimplePlan::Redeploy(_) | SimplePlan::Recover(_)) => {
            if let Some(summary) = s.summary() {
                out.push(Line::raw(format!("Plan: {summary}")));
            }
        }
        None => {}
    }
    if let Some(p) = &s.progress {
        out.push(Line::raw(format!("{} {}", super::spinner(state), p.text())));
    }
    if let Some(SimplePlan::Restore(p)) = &s.plan {
        out.push(Line::raw(format!(
            "  before: {}",
            p.before_digest.as_deref().unwrap_or("(no such tag yet)")
        )));
        out.push(Line::raw(format!("  after:  {}", p.digest)));
    }
    match (&modal.stage, &s.restored) {
        (Stage::Running, _) => out.push(Line::raw(format!("{} sending…", super::spinner(state)))),
        (Stage::Done, Some(done)) => {
            out.push(Line::styled(
                format!(
                    "Done: now {} (was {}) — Esc closes",
                    done.after_digest,
                    done.before_digest.as_deref().unwrap_or("nothing")
                ),
                theme.good(),
            ));
        }
        _ => {}
    }
    out
}

/// Snapshot-first for volumes: the toggle and its extra cost while confirming; afterwards
/// only what was chosen, if on.
fn snapshot_first_line(
    c: &CleanupModal,
    modal: &Modal,
    state: &AppState,
    theme: Theme,
) -> Option<Line<'static>> {
    if !c.has_volumes() || (modal.stage != Stage::Confirm && !c.snapshot_first()) {
        return None;
    }
    let extra = c.snapshot_monthly(&state.settings.prices);
    let days = state.settings.snapshot_retention_days;
    Some(if c.snapshot_first() {
        Line::styled(
            format!(
                "Snapshot first: ON — each volume is snapshotted (kept {days} days) before \
                 it is deleted: +${extra:.2}/month{}",
                if modal.stage == Stage::Confirm {
                    "  (s/Tab: off)"
                } else {
                    ""
                }
            ),
            theme.good(),
        )
    } else {
        Line::raw(format!(
            "Snapshot first: off  (s/Tab: snapshot each volume first, kept {days} days, \
             +${extra:.2}/month)"
        ))
    })
}
