//! Metrics drawn: the Services table's narrow CPU and MEM sparkline columns (only where
//! the row has room after every other column, MEM kept longest), the selected service's
//! utilisation line under the table, and Detail's charts with min/avg/max and the limit.
//! A failed read or a cluster without Container Insights is one line, never a pane error.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::analysis::metrics::{
    MetricSource, ServiceMetrics, Usage, chart, enable_insights_command, percent, sparkline,
};
use crate::model::Service;
use crate::model::escape::escape_text;
use crate::tui::state::app::AppState;
use crate::tui::state::list::Loader;
use crate::tui::theme::Theme;

/// The widest a table sparkline gets, and the narrowest it is shown.
const SPARK_MAX: usize = 12;
const SPARK_MIN: usize = 4;
/// The sparkline under the table.
const LINE_SPARK: usize = 20;
/// Detail's charts: columns and rows.
const CHART_WIDTH: usize = 60;
const CHART_HEIGHT: usize = 3;

/// Which utilisation a column shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Cpu,
    Memory,
}

impl Which {
    pub fn header(self) -> &'static str {
        match self {
            Which::Cpu => "CPU",
            Which::Memory => "MEM",
        }
    }

    fn of(self, m: &ServiceMetrics) -> &Usage {
        match self {
            Which::Cpu => &m.cpu,
            Which::Memory => &m.memory,
        }
    }
}

/// The sparkline columns that fit in `slack` spare cells of a row (each with its gap):
/// CPU and MEM, or MEM alone, or none; each as wide as the room allows up to its most.
/// None before the first read answered.
pub fn spark_columns(state: &AppState, slack: usize) -> Vec<(Which, usize)> {
    spark_fit(state.services.metrics.loader.loaded_once, slack)
}

/// As [`spark_columns`], for any table: none unless `shown`.
pub fn spark_fit(shown: bool, slack: usize) -> Vec<(Which, usize)> {
    if !shown {
        return Vec::new();
    }
    let both = slack.saturating_sub(2) / 2;
    if both >= SPARK_MIN {
        let w = both.min(SPARK_MAX);
        return vec![(Which::Cpu, w), (Which::Memory, w)];
    }
    let one = slack.saturating_sub(1);
    if one >= SPARK_MIN {
        return vec![(Which::Memory, one.min(SPARK_MAX))];
    }
    Vec::new()
}

/// Red from 90% of the limit, yellow from 75%.
fn level_style(value: Option<f64>, theme: Theme) -> Style {
    match value {
        Some(v) if v >= 90.0 => theme.bad(),
        Some(v) if v >= 75.0 => theme.warn(),
        _ => Style::default(),
    }
}

/// A table cell: the service's sparkline `width` wide, `-` without points.
pub fn spark_cell(
    state: &AppState,
    service: &Service,
    which: Which,
    width: usize,
    theme: Theme,
) -> Span<'static> {
    spark_span(
        state.services.metrics.of(&service.cluster, &service.name),
        which,
        width,
        theme,
    )
}

/// A table cell from a service's or a task's metrics: the sparkline `width` wide, `-`
/// without points.
pub fn spark_span(
    m: Option<&ServiceMetrics>,
    which: Which,
    width: usize,
    theme: Theme,
) -> Span<'static> {
    match m.map(|m| (m, which.of(m))) {
        Some((m, u)) if !u.points.is_empty() => Span::styled(
            sparkline(u, m.drawn(u), width),
            level_style(u.last(), theme),
        ),
        _ => Span::styled("-", theme.dim()),
    }
}

/// `mem ▁▂▄█ 98% of 512 MiB`: a utilisation in a few words.
pub(super) fn usage_spans(
    label: &str,
    m: &ServiceMetrics,
    u: &Usage,
    theme: Theme,
) -> Vec<Span<'static>> {
    let of = match u.limit {
        Some(l) => format!(" of {l:.0} {}", u.unit),
        None => String::new(),
    };
    vec![
        Span::styled(format!("{label} "), theme.dim()),
        Span::styled(
            // A cell per point at most: sparse points leave no blanks between them.
            sparkline(u, m.drawn(u), u.points.len().clamp(1, LINE_SPARK)),
            level_style(u.last(), theme),
        ),
        Span::raw(format!(" {}{of}", percent(u.last()))),
    ]
}

/// Under the Services table, for the selected service: its memory, CPU (and EBS
/// filesystem) over the last hour; else why there are none (the read failed, Container
/// Insights is off in its cluster). `None` before the first read answered.
pub fn selected_line(state: &AppState, service: &Service, theme: Theme) -> Option<Line<'static>> {
    let metrics = &state.services.metrics;
    if let Err(note) = read_note(&metrics.loader, "  metrics", theme) {
        return note;
    }
    Some(usage_or(
        metrics.of(&service.cluster, &service.name),
        Span::raw("  "),
        "  metrics: no CPU or memory data in the last hour",
        theme,
    ))
}

/// `Ok` once a metrics read answered (the caller draws its data); else the line in its
/// place: its failure, in one dim line (`{label}: why`), or none before its first answer.
pub(super) fn read_note(
    loader: &Loader,
    label: &str,
    theme: Theme,
) -> Result<(), Option<Line<'static>>> {
    if let Some(error) = loader.state.error() {
        return Err(Some(Line::styled(
            format!("{label}: {}", escape_text(first_line(error))),
            theme.dim(),
        )));
    }
    if loader.loaded_once {
        Ok(())
    } else {
        Err(None)
    }
}

/// `lead` then the memory, CPU (and EBS filesystem) of `m`, or the dim line `none` when
/// there is no `m` or it has no data point.
pub(super) fn usage_or(
    m: Option<&ServiceMetrics>,
    lead: Span<'static>,
    none: &'static str,
    theme: Theme,
) -> Line<'static> {
    match m.filter(|m| m.source != MetricSource::NoData) {
        Some(m) => usage_line(lead, m, theme),
        None => Line::styled(none, theme.dim()),
    }
}

/// `lead` then the memory, CPU (and EBS filesystem) of one service or task.
pub(super) fn usage_line(
    lead: Span<'static>,
    m: &crate::analysis::metrics::ServiceMetrics,
    theme: Theme,
) -> Line<'static> {
    let mut spans = vec![lead];
    spans.extend(usage_spans("mem", m, &m.memory, theme));
    spans.push(Span::styled(" · ", theme.dim()));
    spans.extend(usage_spans("cpu", m, &m.cpu, theme));
    if let Some(ebs) = &m.ebs {
        spans.push(Span::styled(" · ", theme.dim()));
        spans.extend(usage_spans("ebs", m, ebs, theme));
    }
    Line::from(spans)
}

/// The memory of a service not steady, for its line under the table: `mem ▃▆█ 100% · `
/// (nothing without points), so a climb to the limit shows even when it is not selected.
pub fn memory_prefix(state: &AppState, service: &Service) -> String {
    let Some(m) = state.services.metrics.of(&service.cluster, &service.name) else {
        return String::new();
    };
    let u = &m.memory;
    if u.points.is_empty() {
        return String::new();
    }
    format!(
        "mem {} {} · ",
        sparkline(u, m.drawn(u), u.points.len().clamp(1, OTHER_SPARK)),
        percent(u.last())
    )
}

/// The memory sparkline on another service's line.
const OTHER_SPARK: usize = 8;

pub(super) fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// Detail's Metrics section: a chart per utilisation with min/avg/max and the limit, the
/// EBS filesystem for a service with managed EBS volumes, and the notes (Container
/// Insights off and how to turn it on; a failed read). Nothing before the first read
/// answered (the section fills in when it does; over several places none is read).
pub fn detail_lines(state: &AppState, service: &Service, theme: Theme) -> Vec<Line<'static>> {
    let metrics = &state.services.metrics;
    if !metrics.loader.loaded_once && metrics.error().is_none() {
        return Vec::new();
    }
    let mut out = vec![Line::styled(
        "Metrics (last hour, highest point of each slice; 100% = the limit)",
        theme.heading(),
    )];
    if let Some(error) = metrics.error() {
        out.push(Line::styled(
            format!("  {}", escape_text(first_line(error))),
            theme.dim(),
        ));
        return out;
    }
    let Some(m) = metrics.of(&service.cluster, &service.name) else {
        let what = if metrics.loader.state.is_loading() {
            "  reading CloudWatch…"
        } else {
            "  not read yet (the service arrived after the last read)"
        };
        out.push(Line::styled(what, theme.dim()));
        return out;
    };
    if m.source == MetricSource::NoData {
        out.push(Line::styled(
            "  no CPU or memory data in the last hour",
            theme.dim(),
        ));
    } else {
        out.extend(chart_lines("CPU", m, &m.cpu, theme));
        out.extend(chart_lines("Memory", m, &m.memory, theme));
    }
    match &m.ebs {
        Some(ebs) => out.extend(chart_lines("EBS filesystem", m, ebs, theme)),
        None if !service.volume_configurations.is_empty()
            && m.source == MetricSource::ContainerInsights =>
        {
            out.push(Line::styled(
                "  EBS filesystem: no data (enhanced Container Insights reports it)",
                theme.dim(),
            ));
        }
        None => {}
    }
    if m.source != MetricSource::ContainerInsights {
        out.push(Line::styled(
            format!(
                "  Container Insights is off in {}: CPU and memory from AWS/ECS only, no \
                 EBS filesystem. Turn it on with",
                m.cluster,
            ),
            theme.warn(),
        ));
        out.push(Line::raw(format!(
            "    {}",
            enable_insights_command(&m.cluster)
        )));
    }
    out
}

/// One chart: its title with now, min/avg/max and the limit, then its rows.
fn chart_lines(label: &str, m: &ServiceMetrics, u: &Usage, theme: Theme) -> Vec<Line<'static>> {
    let limit = match u.limit {
        Some(l) => format!(" · limit {l:.0} {}", u.unit),
        None => String::new(),
    };
    let mut out = vec![Line::from(vec![
        Span::styled(format!("  {label}: "), theme.bold()),
        Span::styled(
            format!("now {}", percent(u.last())),
            level_style(u.last(), theme),
        ),
        Span::raw(format!(
            " · min {} · avg {} · max {}{limit}",
            percent(u.min()),
            percent(u.avg()),
            percent(u.max())
        )),
    ])];
    if u.points.is_empty() {
        out.push(Line::styled("    no data", theme.dim()));
        return out;
    }
    let style = level_style(u.max(), theme);
    // A column per point at most: sparse points leave no blank columns between them.
    let width = u.points.len().clamp(1, CHART_WIDTH);
    out.extend(
        chart(u, m.drawn(u), width, CHART_HEIGHT)
            .into_iter()
            .map(|row| Line::from(vec![Span::raw("    "), Span::styled(row, style)])),
    );
    out
}

/// Under the table, once: the clusters where Container Insights is off (Detail has the
/// command that turns it on: it does not fit here).
pub fn insights_note(state: &AppState, theme: Theme) -> Option<Line<'static>> {
    let off = &state.services.metrics.insights_off;
    let first = off.first()?;
    let more = if off.len() > 1 {
        format!(" (and {} more)", off.len() - 1)
    } else {
        String::new()
    };
    Some(Line::styled(
        format!(
            "  Container Insights is off in {first}{more}: no EBS filesystem; Detail (d) says \
             how to turn it on"
        ),
        theme.dim(),
    ))
}
