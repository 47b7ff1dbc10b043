//! Service metrics judged: which CloudWatch metrics to ask for a service (Container
//! Insights' `ECS/ContainerInsights` and the basic `AWS/ECS` ones), the utilisation series
//! made from their answers (percent of what the service reserved), and the sparklines and
//! charts the console draws from them. No I/O: the loader asks, this judges.

use chrono::{DateTime, Utc};

use crate::model::{MetricPoint, MetricQuery, MetricSeries};

/// Container Insights' namespace (service-level metrics: ClusterName, ServiceName).
pub const INSIGHTS: &str = "ECS/ContainerInsights";
/// ECS's own metrics, published whether or not Container Insights is on.
pub const BASIC: &str = "AWS/ECS";

/// The metrics asked for each service, in the order [`service_queries`] asks them.
const ASKED: [(&str, &str); 8] = [
    (INSIGHTS, "CpuUtilized"),
    (INSIGHTS, "CpuReserved"),
    (INSIGHTS, "MemoryUtilized"),
    (INSIGHTS, "MemoryReserved"),
    (INSIGHTS, "EBSFilesystemUtilized"),
    (INSIGHTS, "EBSFilesystemSize"),
    (BASIC, "CPUUtilization"),
    (BASIC, "MemoryUtilization"),
];

/// Queries asked per service: both namespaces in the same call, so a cluster without
/// Container Insights costs no second round trip.
pub const QUERIES_PER_SERVICE: usize = ASKED.len();

/// The command to turn Container Insights on for a cluster (with its enhanced,
/// task-level metrics).
pub fn enable_insights_command(cluster: &str) -> String {
    format!(
        "aws ecs update-cluster-settings --cluster {cluster} \
         --settings name=containerInsights,value=enhanced"
    )
}

/// The period of the points over `span`: a minute up to three hours, then wider so a
/// series keeps about 180 points (whole minutes).
pub fn period_for(span: chrono::Duration) -> i32 {
    let secs = span.num_seconds().max(60);
    let minutes = ((secs / 180 + 59) / 60).max(1);
    i32::try_from(minutes * 60).unwrap_or(i32::MAX)
}

/// `start` moved back to a whole multiple of `period_secs`, as CloudWatch stores periods.
pub fn period_start(start: DateTime<Utc>, period_secs: i32) -> DateTime<Utc> {
    let secs = start.timestamp();
    DateTime::from_timestamp(secs - secs.rem_euclid(i64::from(period_secs)), 0).unwrap_or(start)
}

/// The queries of one service, ids `s{index}_{metric}` (its index among the services asked).
pub fn service_queries(
    index: usize,
    cluster: &str,
    service: &str,
    period_secs: i32,
) -> Vec<MetricQuery> {
    ASKED
        .iter()
        .map(|(namespace, name)| MetricQuery {
            id: format!("s{index}_{name}"),
            namespace: (*namespace).to_string(),
            metric_name: (*name).to_string(),
            dimensions: vec![
                ("ClusterName".to_string(), cluster.to_string()),
                ("ServiceName".to_string(), service.to_string()),
            ],
            stat: "Average".to_string(),
            period_secs,
        })
        .collect()
}

/// Where a service's utilisation came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricSource {
    /// Container Insights (utilised against reserved, and EBS filesystems).
    ContainerInsights,
    /// Only ECS's basic CPUUtilization / MemoryUtilization.
    Basic,
    /// Neither namespace had a point in the window.
    NoData,
}

impl MetricSource {
    pub fn as_str(self) -> &'static str {
        match self {
            MetricSource::ContainerInsights => "container_insights",
            MetricSource::Basic => "aws_ecs",
            MetricSource::NoData => "none",
        }
    }
}

/// One utilisation series: percent of its limit, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    pub points: Vec<MetricPoint>,
    /// What 100% is, as the service reserved it last (CPU units, MiB, GB); `None` when
    /// only the percent is known (AWS/ECS).
    pub limit: Option<f64>,
    pub unit: &'static str,
}

impl Usage {
    pub fn last(&self) -> Option<f64> {
        self.points.last().map(|p| p.value)
    }

    pub fn min(&self) -> Option<f64> {
        self.points.iter().map(|p| p.value).reduce(f64::min)
    }

    pub fn max(&self) -> Option<f64> {
        self.points.iter().map(|p| p.value).reduce(f64::max)
    }

    pub fn avg(&self) -> Option<f64> {
        let n = self.points.len();
        (n > 0).then(|| self.points.iter().map(|p| p.value).sum::<f64>() / n as f64)
    }
}

/// A metric as CloudWatch answered it, value by value.
#[derive(Debug, Clone, PartialEq)]
pub struct RawSeries {
    pub namespace: String,
    pub metric_name: String,
    pub stat: String,
    pub points: Vec<MetricPoint>,
}

/// One service's metrics over a window.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceMetrics {
    pub cluster: String,
    pub service: String,
    pub source: MetricSource,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub period_secs: i32,
    pub cpu: Usage,
    pub memory: Usage,
    /// EBS filesystem utilisation, for a service whose tasks have managed EBS volumes
    /// (Container Insights only).
    pub ebs: Option<Usage>,
    /// Every metric that had points, as answered.
    pub raw: Vec<RawSeries>,
}

/// A service's answers judged: `series` are the answers to its [`service_queries`], in
/// their order (the missing ones count as empty).
pub fn judge(
    cluster: &str,
    service: &str,
    queries: &[MetricQuery],
    series: &[MetricSeries],
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> ServiceMetrics {
    let points = |name: &str| -> &[MetricPoint] {
        queries
            .iter()
            .zip(series)
            .find(|(q, _)| q.metric_name == name)
            .map_or(&[], |(_, s)| s.points.as_slice())
    };
    let cpu = ratio(points("CpuUtilized"), points("CpuReserved"), "CPU units");
    let memory = ratio(points("MemoryUtilized"), points("MemoryReserved"), "MiB");
    let ebs = ratio(
        points("EBSFilesystemUtilized"),
        points("EBSFilesystemSize"),
        "GB",
    );
    let insights = !cpu.points.is_empty() || !memory.points.is_empty();
    let basic = |name| Usage {
        points: points(name).to_vec(),
        limit: None,
        unit: "%",
    };
    let (source, cpu, memory) = if insights {
        (MetricSource::ContainerInsights, cpu, memory)
    } else {
        let (cpu, memory) = (basic("CPUUtilization"), basic("MemoryUtilization"));
        let source = if cpu.points.is_empty() && memory.points.is_empty() {
            MetricSource::NoData
        } else {
            MetricSource::Basic
        };
        (source, cpu, memory)
    };
    let raw = queries
        .iter()
        .zip(series)
        .filter(|(_, s)| !s.points.is_empty())
        .map(|(q, s)| RawSeries {
            namespace: q.namespace.clone(),
            metric_name: q.metric_name.clone(),
            stat: q.stat.clone(),
            points: s.points.clone(),
        })
        .collect();
    ServiceMetrics {
        cluster: cluster.to_string(),
        service: service.to_string(),
        source,
        start,
        end,
        period_secs: queries.first().map_or(60, |q| q.period_secs),
        cpu,
        memory,
        ebs: (!ebs.points.is_empty()).then_some(ebs),
        raw,
    }
}

/// `used` as a percent of `limit` at each of `used`'s times (the limit at that time, else
/// the last one known); no limit at all, no points.
fn ratio(used: &[MetricPoint], limit: &[MetricPoint], unit: &'static str) -> Usage {
    let last_limit = limit.iter().rev().map(|p| p.value).find(|v| *v > 0.0);
    let points = used
        .iter()
        .filter_map(|u| {
            let at = limit
                .iter()
                .find(|l| l.timestamp == u.timestamp)
                .map(|l| l.value)
                .filter(|v| *v > 0.0)
                .or(last_limit)?;
            Some(MetricPoint {
                timestamp: u.timestamp,
                value: 100.0 * u.value / at,
            })
        })
        .collect();
    Usage {
        points,
        limit: last_limit,
        unit,
    }
}

/// The clusters none of whose services had a Container Insights point: Container
/// Insights is off there (or was for the whole window), sorted.
pub fn clusters_without_insights(metrics: &[ServiceMetrics]) -> Vec<String> {
    let mut off: Vec<String> = metrics
        .iter()
        .map(|m| m.cluster.clone())
        .filter(|c| {
            !metrics
                .iter()
                .any(|m| &m.cluster == c && m.source == MetricSource::ContainerInsights)
        })
        .collect();
    off.sort();
    off.dedup();
    off
}

impl ServiceMetrics {
    /// The span a chart of `usage` draws: from the window's start to its newest point's
    /// period (CloudWatch publishes a minute or more late: no blank tail for that).
    pub fn drawn(&self, usage: &Usage) -> (DateTime<Utc>, DateTime<Utc>) {
        let end = usage.points.last().map_or(self.end, |p| {
            (p.timestamp + chrono::Duration::seconds(i64::from(self.period_secs))).min(self.end)
        });
        (self.start, end.max(self.start))
    }
}

const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The highest percent of each of `width` equal slices of `start..end` (`None`: no point
/// in that slice), so a spike or a climb to the limit is never averaged away.
fn slices(
    points: &[MetricPoint],
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    width: usize,
) -> Vec<Option<f64>> {
    let mut out = vec![None; width];
    let span = (end - start).num_milliseconds().max(1);
    for p in points {
        let from_start = (p.timestamp - start).num_milliseconds();
        if width == 0 || from_start < 0 || from_start > span {
            continue;
        }
        let at = usize::try_from(from_start.saturating_mul(width as i64) / span)
            .unwrap_or(0)
            .min(width - 1);
        out[at] = Some(out[at].map_or(p.value, |v: f64| v.max(p.value)));
    }
    out
}

/// Eighths of a cell `height` rows high that `percent` (of 0–100) fills: at least one
/// for a point, so a quiet service still shows a line.
fn eighths(percent: f64, height: usize) -> usize {
    let full = (height * 8) as f64;
    let filled = (percent.clamp(0.0, 100.0) / 100.0 * full).round();
    // The clamp above keeps this within 0..=height*8.
    (filled as usize).clamp(1, height * 8)
}

/// A one-line sparkline `width` wide over `start..end`, 0–100% from `▁` to `█`; a blank
/// where the window had no point.
pub fn sparkline(usage: &Usage, window: (DateTime<Utc>, DateTime<Utc>), width: usize) -> String {
    chart(usage, window, width, 1).concat()
}

/// A chart `height` rows high (top row first) and `width` wide: each column the slice's
/// highest percent, 100% filling every row.
pub fn chart(
    usage: &Usage,
    window: (DateTime<Utc>, DateTime<Utc>),
    width: usize,
    height: usize,
) -> Vec<String> {
    let columns: Vec<Option<usize>> = slices(&usage.points, window, width)
        .into_iter()
        .map(|v| v.map(|v| eighths(v, height.max(1))))
        .collect();
    (0..height.max(1))
        .rev()
        .map(|row| {
            columns
                .iter()
                .map(|c| match c {
                    Some(e) if *e >= (row + 1) * 8 => '█',
                    Some(e) if *e > row * 8 => BLOCKS[*e - row * 8 - 1],
                    Some(_) if row == 0 => BLOCKS[0],
                    // No point in the slice, or below this row.
                    _ => ' ',
                })
                .collect()
        })
        .collect()
}

/// A percent as the console and text output write it: `98%`, `-` when unknown.
pub fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_string(), |v| format!("{v:.0}%"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(minute: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000, 0)
            .single()
            .unwrap_or_default()
            + chrono::Duration::minutes(minute)
    }

    fn pts(values: &[(i64, f64)]) -> Vec<MetricPoint> {
        values
            .iter()
            .map(|(m, v)| MetricPoint {
                timestamp: t(*m),
                value: *v,
            })
            .collect()
    }

    fn answers(named: &[(&str, Vec<MetricPoint>)]) -> (Vec<MetricQuery>, Vec<MetricSeries>) {
        let queries = service_queries(0, "c", "s", 60);
        let series = queries
            .iter()
            .map(|q| MetricSeries {
                id: q.id.clone(),
                points: named
                    .iter()
                    .find(|(n, _)| *n == q.metric_name)
                    .map(|(_, p)| p.clone())
                    .unwrap_or_default(),
            })
            .collect();
        (queries, series)
    }

    #[test]
    fn queries_name_both_namespaces_with_the_service_dimensions() {
        let q = service_queries(3, "payments-prod", "checkout", 60);
        assert_eq!(q.len(), QUERIES_PER_SERVICE);
        assert_eq!(q[0].id, "s3_CpuUtilized");
        assert_eq!(q[0].namespace, INSIGHTS);
        assert_eq!(q[6].namespace, BASIC);
        assert_eq!(q[6].metric_name, "CPUUtilization");
        assert_eq!(
            q[2].dimensions,
            vec![
                ("ClusterName".to_string(), "payments-prod".to_string()),
                ("ServiceName".to_string(), "checkout".to_string())
            ]
        );
    }

    #[test]
    fn periods_follow_the_span() {
        let cases = [
            (60, 60),
            (60 * 60, 60),
            (3 * 3600, 60),
            (6 * 3600, 120),
            (86_400, 480),
        ];
        for (secs, period) in cases {
            assert_eq!(
                period_for(chrono::Duration::seconds(secs)),
                period,
                "{secs}"
            );
        }
    }

    #[test]
    fn container_insights_is_utilised_over_reserved() {
        let (q, s) = answers(&[
            ("MemoryUtilized", pts(&[(0, 256.0), (1, 512.0)])),
            ("MemoryReserved", pts(&[(0, 512.0)])),
            ("CpuUtilized", pts(&[(0, 64.0)])),
            ("CpuReserved", pts(&[(0, 256.0)])),
            ("EBSFilesystemUtilized", pts(&[(0, 15.0)])),
            ("EBSFilesystemSize", pts(&[(0, 20.0)])),
            ("CPUUtilization", pts(&[(0, 99.0)])),
        ]);
        let m = judge("c", "s", &q, &s, (t(0), t(60)));
        assert_eq!(m.source, MetricSource::ContainerInsights);
        let values = |u: &Usage| u.points.iter().map(|p| p.value).collect::<Vec<_>>();
        assert_eq!(values(&m.memory), vec![50.0, 100.0]);
        assert_eq!(m.memory.limit, Some(512.0));
        assert_eq!(values(&m.cpu), vec![25.0]);
        let ebs = m.ebs.as_ref().map(values);
        assert_eq!(ebs, Some(vec![75.0]));
        assert_eq!(m.raw.len(), 7);
    }

    #[test]
    fn without_container_insights_the_basic_metrics_are_used() {
        let (q, s) = answers(&[
            ("CPUUtilization", pts(&[(0, 12.5)])),
            ("MemoryUtilization", pts(&[(0, 40.0)])),
        ]);
        let m = judge("c", "s", &q, &s, (t(0), t(60)));
        assert_eq!(m.source, MetricSource::Basic);
        assert_eq!(m.cpu.last(), Some(12.5));
        assert_eq!(m.memory.limit, None);
        assert!(m.ebs.is_none());
        assert_eq!(clusters_without_insights(&[m]), vec!["c".to_string()]);
        let (q, s) = answers(&[]);
        assert_eq!(
            judge("c", "s", &q, &s, (t(0), t(60))).source,
            MetricSource::NoData
        );
    }

    #[test]
    fn sparklines_keep_each_slices_highest_point_and_blank_gaps() {
        let usage = Usage {
            points: pts(&[(0, 0.0), (1, 30.0), (2, 50.0), (5, 100.0), (7, 99.0)]),
            limit: None,
            unit: "%",
        };
        assert_eq!(sparkline(&usage, (t(0), t(8)), 8), "▁▂▄  █ █");
        assert_eq!(sparkline(&usage, (t(0), t(8)), 4), "▂▄██");
        let rows = chart(&usage, (t(0), t(8)), 4, 2);
        assert_eq!(rows, vec!["  ██", "▅███"]);
        assert_eq!(sparkline(&Usage::default(), (t(0), t(8)), 3), "   ");
    }

    #[test]
    fn summaries() {
        let usage = Usage {
            points: pts(&[(0, 10.0), (1, 30.0), (2, 20.0)]),
            limit: Some(512.0),
            unit: "MiB",
        };
        assert_eq!(
            (usage.min(), usage.avg(), usage.max(), usage.last()),
            (Some(10.0), Some(20.0), Some(30.0), Some(20.0))
        );
        assert_eq!(percent(usage.max()), "30%");
        assert_eq!(percent(None), "-");
    }
}
