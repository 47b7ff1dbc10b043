//! The rollback dialog drawn: the revision, image-tag and EBS-snapshot pickers and the
//! diff of the highlighted target against what runs.

use ratatui::text::Line;

use crate::model::arn_name;
use crate::tui::state::modal::{Modal, Stage};
use crate::tui::state::rollback::{PickMode, RollbackModal};
use crate::tui::theme::Theme;

/// Rows of the picker shown at most.
const PICKER_ROWS: usize = 10;
/// Lines of the highlighted target's diff shown at most (the rest are counted).
const DIFF_LINES: usize = 8;

pub fn rollback_lines(r: &RollbackModal, modal: &Modal, theme: Theme) -> Vec<Line<'static>> {
    let mut out = match r.mode {
        PickMode::Revisions => revision_lines(r, modal, theme),
        PickMode::ImageTags => tag_lines(r, modal, theme),
        PickMode::EbsSnapshots => ebs_lines(r, modal, theme),
        PickMode::ServiceRevisions => service_revision_lines(r, modal, theme),
    };
    if modal.stage == Stage::Confirm {
        out.extend(diff_lines(r, theme));
        if let Some(act) = r.ecs_chosen() {
            out.push(Line::raw(format!("Plan: {}", act.summary())));
            out.push(Line::styled(format!("Sends: {}", act.call()), theme.dim()));
        } else if let Some(why) = r.archived().or_else(|| r.refusal()) {
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
            PickMode::ServiceRevisions => " · task definition and EBS volume together",
        };
        // While the service's name is typed (production), `i` is a letter of it: → then.
        let key = if modal.text_field_focused() {
            "→"
        } else {
            "i"
        };
        out.push(Line::styled(
            format!("{key} lists {} instead{how}", r.mode.next().label()),
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

/// The keys that pick: `j/k`, or only the arrows while a name is typed (production).
pub(crate) fn pick_keys(modal: &Modal) -> &'static str {
    if modal.text_field_focused() {
        "↓/↑"
    } else {
        "j/k"
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
        "Runs {}. Revisions of the family, newest first ({} to pick):",
        arn_name(&r.current),
        pick_keys(modal)
    ))];
    out.extend(ecs_lines(r, theme));
    if let Some(Err(why)) = &r.service_revisions {
        out.push(Line::styled(
            format!(
                "Service revisions not offered: {}",
                crate::model::escape::escape(why)
            ),
            theme.dim(),
        ));
    }
    if modal.stage == Stage::Confirm && r.revisions.is_empty() {
        out.push(Line::styled("no ACTIVE revisions found", theme.warn()));
    }
    // As wide as the longest name and mark shown, so the row fits 80 columns.
    let shown = || window(&r.revisions, r.selected).map(|(_, v)| v);
    let name_width = shown().map(|v| arn_name(&v.arn).len()).max().unwrap_or(0);
    let mark_width = shown()
        .map(|v| image_mark(v).chars().count())
        .max()
        .unwrap_or(0);
    for (i, rev) in window(&r.revisions, r.selected) {
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
        let here = i == r.selected && r.ecs_chosen().is_none();
        let line = picker_line(here, &text, theme);
        out.push(if !here && mark.starts_with('✗') {
            line.style(theme.bad())
        } else {
            line
        });
    }
    out
}

/// The first row while a deployment is in flight: ECS's own rollback (stop it, or roll
/// back at its paused hook), above the revisions; or why it is not offered.
fn ecs_lines(r: &RollbackModal, theme: Theme) -> Vec<Line<'static>> {
    match &r.ecs {
        Some(Ok(Some(act))) => {
            let d = act.deployment();
            let text = format!(
                "{} — deployment {} {}, {}",
                act.label(),
                arn_name(&d.arn),
                d.status,
                crate::analysis::deployments::stage_words(d)
            );
            vec![picker_line(r.on_ecs, &text, theme)]
        }
        Some(Err(why)) => vec![Line::styled(
            format!(
                "ECS's own rollback not offered: {}",
                crate::model::escape::escape(why)
            ),
            theme.dim(),
        )],
        Some(Ok(None)) | None => Vec::new(),
    }
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

/// The rows of a picker shown: at most `PICKER_ROWS`, the selected one among them, each
/// with its index.
fn window<T>(items: &[T], selected: usize) -> impl Iterator<Item = (usize, &T)> {
    let start = selected.saturating_sub(PICKER_ROWS - 1);
    items.iter().enumerate().skip(start).take(PICKER_ROWS)
}

fn tag_lines(r: &RollbackModal, modal: &Modal, theme: Theme) -> Vec<Line<'static>> {
    let t = match loaded(r.image_tags.as_ref(), "image tags", theme) {
        Ok(t) => t,
        Err(lines) => return lines,
    };
    let mut out = vec![Line::raw(format!(
        "Container {} runs {}. Tags of its repository, newest first ({} to pick):",
        t.container,
        t.image,
        pick_keys(modal)
    ))];
    let running = t.image.rsplit(':').next().unwrap_or_default();
    for (i, c) in window(&t.tags, r.tag_selected) {
        let note = if c.tag == running {
            "  (running now)"
        } else if c.status == crate::model::ImageStatus::Activating {
            "  ✗ being restored — pullable in minutes"
        } else if c.status.is_unpullable() {
            "  ✗ archived — restore first (minutes)"
        } else {
            ""
        };
        let text = format!("{:<28} pushed {}{note}", c.tag, date(c.pushed_at));
        out.push(picker_line(i == r.tag_selected, &text, theme));
    }
    out
}

fn ebs_lines(r: &RollbackModal, modal: &Modal, theme: Theme) -> Vec<Line<'static>> {
    let c = match loaded(r.ebs.as_ref(), "EBS snapshots", theme) {
        Ok(c) => c,
        Err(lines) => return lines,
    };
    let mut out = vec![Line::raw(format!(
        "Volume {} starts from {}. Completed snapshots, newest first ({} to pick):",
        c.volume,
        c.from_snapshot.as_deref().unwrap_or("no snapshot"),
        pick_keys(modal)
    ))];
    for (i, s) in window(&c.snapshots, r.ebs_selected) {
        let note = if Some(&s.id) == c.from_snapshot.as_ref() {
            "  (in use now)"
        } else {
            ""
        };
        let now = crate::config::now();
        let state = if s.state != "completed" {
            format!("✗ {}", s.state)
        } else if s.is_archived(now) {
            "✗ archived — restore first (up to 72 h)".to_string()
        } else if s.in_archive_tier() {
            format!("✓ {}", s.tier_text(now))
        } else {
            "✓ completed".to_string()
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

/// ECS's service revisions, newest deployment first: id, when deployed, task definition,
/// a mark where a tag was pushed again; then the highlighted one's images by digest,
/// volume snapshots, load balancers and network.
fn service_revision_lines(r: &RollbackModal, modal: &Modal, theme: Theme) -> Vec<Line<'static>> {
    use crate::analysis::revision_diff::short_digest;
    use crate::model::escape::escape;
    let choices = match loaded(r.service_revisions.as_ref(), "service revisions", theme) {
        Ok(c) => c,
        Err(lines) => return lines,
    };
    let mut out = vec![Line::raw(format!(
        "ECS's service revisions, newest first ({} to pick):",
        pick_keys(modal)
    ))];
    let id_width = window(choices, r.service_selected)
        .map(|(_, c)| c.id().chars().count().min(24))
        .max()
        .unwrap_or(0);
    for (i, c) in window(choices, r.service_selected) {
        let id: String = c.id().chars().take(24).collect();
        let note = if c.current {
            "  (running now)"
        } else if c.archived.is_some() {
            "  ✗ archived — restore first (minutes)"
        } else if c.moved.is_empty() {
            ""
        } else {
            "  ⚠ tag pushed again (f pins)"
        };
        let text = format!(
            "{id:<id_width$} {:<16} {}{note}",
            date(c.deployed_at),
            escape(arn_name(&c.revision.task_definition))
        );
        out.push(picker_line(i == r.service_selected, &text, theme));
    }
    let Some(c) = choices.get(r.service_selected) else {
        return out;
    };
    let images: Vec<String> = c
        .revision
        .images
        .iter()
        .map(|i| {
            let name = i.image.rsplit('/').next().unwrap_or(&i.image);
            match &i.digest {
                Some(d) => format!("{}={name}@{}", i.container, short_digest(d)),
                None => format!("{}={name} (no digest)", i.container),
            }
        })
        .collect();
    let mut parts: Vec<String> = c
        .revision
        .volumes
        .iter()
        .map(|v| {
            format!(
                "volume {} from {}",
                v.name,
                v.snapshot_id.as_deref().unwrap_or("no snapshot")
            )
        })
        .collect();
    for lb in &c.revision.load_balancers {
        parts.push(format!(
            "LB {}",
            crate::analysis::revision_diff::lb_words(lb)
        ));
    }
    if let Some(n) = &c.revision.network {
        parts.push(format!("subnets {}", n.subnets.join(",")));
    }
    parts.splice(0..0, images);
    out.push(Line::styled(
        format!("  {}", escape(&parts.join(" · "))),
        theme.dim(),
    ));
    if r.pin && !c.current {
        out.push(Line::styled(
            "  ⚠ pinned: a copy of its task definition is registered with image@digest",
            theme.warn(),
        ));
    }
    out
}
