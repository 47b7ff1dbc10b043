//! The cleanup dialog drawn: the plan, item by item, the snapshot-first toggle and each
//! item's result as it lands.

use std::fmt::Write as _;

use ratatui::text::Line;

use crate::model::escape::escape;
use crate::ops::cleanup::ItemStatus;
use crate::tui::state::app::AppState;
use crate::tui::state::cleanup::CleanupModal;
use crate::tui::state::modal::{Modal, Stage};
use crate::tui::theme::Theme;
use crate::tui::view::widgets::spinner;

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
    let heading = if c.archives() {
        format!(
            "Plan: archive {} instead of deleting ({:.1} GiB): up to ${:.2}/month standard now, \
             ${:.2}/month archived",
            c.items().count(),
            c.total_gib(),
            c.total_monthly(),
            c.archive_monthly()
        )
    } else {
        format!(
            "Plan: delete {} ({:.1} GiB, saves ${:.2}/month){}",
            c.items().count(),
            c.total_gib(),
            c.total_monthly(),
            c.permanent_words()
                .map(|w| format!(" — {w}"))
                .unwrap_or_default()
        )
    };
    out.push(Line::styled(heading, theme.heading()));
    // How the run goes, right under the plan: a long plan (notes, many places) never
    // pushes the result out of the dialog.
    match modal.stage {
        Stage::Running => out.push(Line::raw(format!(
            "{} {}… {} of {} landed",
            spinner(state),
            c.verb().doing,
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
    for note in c.notes() {
        out.push(Line::styled(
            format!("Note: {}", escape(note)),
            theme.warn(),
        ));
    }
    out.extend(snapshot_first_line(c, modal, state, theme));
    // `groups` lists them in the order of the table they were chosen in.
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
        out.push(Line::styled(
            format!("Skipped (never {}):", c.verb().done),
            theme.warn(),
        ));
        for s in skipped {
            out.push(Line::raw(format!(
                "  {} ({}): {}",
                s.id,
                s.kind.as_str(),
                s.reason
            )));
        }
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
    if let Some(r) = &item.recycle_bin {
        let _ = write!(text, "  [{}]", escape(&r.describe()));
    }
    if c.archives() {
        let _ = write!(
            text,
            "  → ${:.2}/mo archived",
            crate::ops::cleanup::archive::item_archive_monthly(item.size_gib)
        );
    }
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
            Line::raw(format!("{} {}", spinner(state), text.trim_start()))
        }
        None => Line::raw(text),
    }
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
    // While the count is typed, `s` is a letter of it: only Tab toggles.
    let keys = if modal.text_field_focused() {
        "Tab"
    } else {
        "s/Tab"
    };
    Some(if c.snapshot_first() {
        Line::styled(
            format!(
                "Snapshot first: ON — each volume is snapshotted (kept {days} days) before \
                 it is deleted: +${extra:.2}/month{}",
                if modal.stage == Stage::Confirm {
                    format!("  ({keys}: off)")
                } else {
                    String::new()
                }
            ),
            theme.good(),
        )
    } else {
        Line::raw(format!(
            "Snapshot first: off  ({keys}: snapshot each volume first, kept {days} days, \
             +${extra:.2}/month)"
        ))
    })
}
