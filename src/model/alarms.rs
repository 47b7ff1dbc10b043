//! CloudWatch alarms as DescribeAlarms reports them: name, state and its reason, and the
//! dimensions of the metric (or metrics) each one watches.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::state::AlarmStateValue;

/// One CloudWatch alarm (metric or composite).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alarm {
    pub name: String,
    /// `OK`, `ALARM`, `INSUFFICIENT_DATA`.
    pub state: AlarmStateValue,
    /// CloudWatch's `StateReason` (`Threshold Crossed: 1 datapoint [91.2] was greater than …`).
    pub reason: Option<String>,
    /// The metric's namespace (`AWS/ECS`, `ECS/ContainerInsights` …); `None` for composite
    /// and metric-math alarms.
    #[serde(skip)]
    pub namespace: Option<String>,
    /// Every dimension of every metric the alarm watches (name, value).
    #[serde(skip)]
    pub dimensions: Vec<(String, String)>,
    #[serde(skip)]
    pub updated_at: Option<DateTime<Utc>>,
}

impl Alarm {
    /// In the `ALARM` state.
    pub fn is_firing(&self) -> bool {
        self.state == AlarmStateValue::Alarm
    }

    /// Whether the alarm watches a metric with this dimension.
    pub fn has_dimension(&self, name: &str, value: &str) -> bool {
        self.dimensions.iter().any(|(n, v)| n == name && v == value)
    }
}
