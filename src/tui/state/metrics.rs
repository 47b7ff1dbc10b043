//! The Services pane's metrics: every service's CPU, memory and EBS-filesystem utilisation
//! over the last hour, read after each listing as a load of its own (its own generation),
//! kept until the next answer replaces them. Detail draws its charts from the same data.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::analysis::metrics::{ServiceMetrics, clusters_without_insights};
use crate::tui::state::list::Loader;

/// How far back the console's sparklines reach.
pub const WINDOW: chrono::Duration = chrono::Duration::hours(1);

#[derive(Debug, Clone, Default)]
pub struct MetricsState {
    pub loader: Loader,
    /// By (cluster, service name).
    pub by_service: HashMap<(String, String), ServiceMetrics>,
    /// The clusters where Container Insights is off (no service had its metrics).
    pub insights_off: Vec<String>,
}

impl MetricsState {
    /// A load's answer replaces what was shown.
    pub fn set(&mut self, metrics: Vec<ServiceMetrics>) {
        self.insights_off = clusters_without_insights(&metrics);
        self.by_service = metrics
            .into_iter()
            .map(|m| ((m.cluster.clone(), m.service.clone()), m))
            .collect();
    }

    pub fn of(&self, cluster: &str, service: &str) -> Option<&ServiceMetrics> {
        self.by_service
            .get(&(cluster.to_string(), service.to_string()))
    }

    /// The window a load started at `now` reads.
    pub fn window(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        (now - WINDOW, now)
    }

    /// Why the last read failed (a missing permission, …): one line, never a pane's error.
    pub fn error(&self) -> Option<&str> {
        self.loader.state.error()
    }
}
