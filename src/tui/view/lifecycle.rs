//! The lifecycle box under the Snapshots pane's tags: for the selected user, what the
//! repository's lifecycle policy expires now (with the rule), what it expires later and
//! when, and the warnings in red (an image in use, the resume tag's target, one of the
//! user's newest tags, a rollback target). Drawn only once the policy is known.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::tui::state::app::AppState;
use crate::tui::theme::Theme;

/// At most this many lines of detail (the rest counted).
const MAX_LINES: usize = 6;

/// The lines for the selected user, or `None` when there is nothing to show yet.
fn lines(state: &AppState, theme: Theme) -> Option<(String, Vec<Line<'static>>)> {
    let pane = &state.snapshots;
    let user = pane.users.selected_row()?;
    // Over several places the policies are those of the one place in view only.
    if user.place.is_some() && user.place != pane.place {
        return None;
    }
    let repo = user.group.repository.clone();
    let who = user.user_label().to_string();
    let life = &pane.lifecycle;
    let Some(judged) = life.for_user(&repo, user.group.user.as_deref()) else {
        return life.loader.state.error().map(|e| {
            let line = Line::from(Span::styled(
                format!("lifecycle policy unknown: {e}"),
                theme.bad(),
            ));
            (format!("Lifecycle policy of {repo}"), vec![line])
        });
    };
    let title = format!("Lifecycle policy of {repo} · {who}");
    if !judged.policy_present {
        let line = Line::from(Span::styled(
            format!(
                "no lifecycle policy: nothing expires (ecsnap lifecycle --repository {repo} \
                 --suggest proposes one)"
            ),
            theme.dim(),
        ));
        return Some((title, vec![line]));
    }
    let mut summary = vec![Span::raw(format!(
        "{} rules · {} tags expire now · {} later",
        judged.rules,
        judged.expires.len(),
        judged.upcoming.len()
    ))];
    if !judged.warnings.is_empty() {
        summary.push(Span::raw(" · "));
        summary.push(Span::styled(
            format!("⚠ {} warnings", judged.warnings.len()),
            theme.bad(),
        ));
    }
    if judged.problems > 0 {
        summary.push(Span::styled(
            format!(" · {} problems (ecsnap lifecycle)", judged.problems),
            theme.warn(),
        ));
    }
    let mut detail: Vec<Line<'static>> = Vec::new();
    for w in &judged.warnings {
        let rule = rule_of(w.rule_priority, w.tag.as_deref());
        detail.push(Line::from(Span::styled(
            format!("⚠ {rule}: {}", w.why),
            theme.bad(),
        )));
    }
    for e in &judged.expires {
        let rule = rule_of(e.rule_priority, e.tag.as_deref());
        detail.push(Line::from(Span::styled(
            format!("✗ expires now · {rule}"),
            theme.warn(),
        )));
    }
    for e in &judged.upcoming {
        let when =
            e.at.map(|a| a.format("%Y-%m-%d").to_string())
                .unwrap_or_default();
        let rule = rule_of(e.rule_priority, e.tag.as_deref());
        detail.push(Line::from(Span::styled(
            format!("… expires {when} · {rule}"),
            theme.dim(),
        )));
    }
    let more = detail.len().saturating_sub(MAX_LINES);
    detail.truncate(MAX_LINES);
    if more > 0 {
        detail.push(Line::from(Span::styled(
            format!("… {more} more (ecsnap lifecycle --repository {repo})"),
            theme.dim(),
        )));
    }
    let mut out = vec![Line::from(summary)];
    out.extend(detail);
    Some((title, out))
}

/// Draws the box at the bottom of `area` when there is something to show; returns what
/// is left for the tags.
pub fn split_off(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) -> Rect {
    let Some((title, lines)) = lines(state, theme) else {
        return area;
    };
    let wanted = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let height = wanted.min(area.height / 2);
    if height < 3 {
        return area;
    }
    let [rest, bottom] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(height)]).areas(area);
    let block = Block::bordered().title(Span::styled(format!(" {title} "), theme.heading()));
    let width = usize::from(bottom.width.saturating_sub(2));
    let lines: Vec<Line<'static>> = lines
        .into_iter()
        .map(|l| crate::tui::view::table::clip_line(l, width))
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), bottom);
    rest
}

/// A lifecycle rule and the tag it judged: `rule 2 · alice-1` (`<untagged>` for none).
fn rule_of(priority: i64, tag: Option<&str>) -> String {
    format!("rule {priority} · {}", tag.unwrap_or("<untagged>"))
}
