//! CloudWatch metric data as ecsnap reads it: the queries GetMetricData answers (one metric,
//! one statistic, one period each) and the series it answers, oldest point first.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// One metric to read: a namespace, a name, its dimensions and the statistic over `period`
/// seconds. `id` names the answer (GetMetricData's `Id`: a lower-case letter first, then
/// letters, digits and `_`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricQuery {
    pub id: String,
    pub namespace: String,
    pub metric_name: String,
    /// (name, value) pairs, in the order CloudWatch matches them (order does not matter).
    pub dimensions: Vec<(String, String)>,
    /// `Average`, `Maximum`, `Sum` …
    pub stat: String,
    pub period_secs: i32,
}

/// One point of a series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MetricPoint {
    #[serde(serialize_with = "super::json::at")]
    pub timestamp: DateTime<Utc>,
    pub value: f64,
}

/// The answer to one [`MetricQuery`]: its points oldest first (every page merged).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricSeries {
    pub id: String,
    pub points: Vec<MetricPoint>,
}
