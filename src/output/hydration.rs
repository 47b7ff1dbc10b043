//! The JSON of the hydration followed after an EBS-snapshot rollback's or `recover`'s
//! rollout (`rollback … --wait`, `recover --wait`): each new volume's last progress and
//! estimate.

use serde::Serialize;

use crate::ops::hydration::HydrationOutcome;

#[derive(Debug, Serialize)]
pub struct HydrationJson {
    pub volume: String,
    /// `provisioned-rate`, `default` (lazily from S3) …; `null` when EC2 did not say.
    pub initialization_type: Option<String>,
    /// Percent initialized at the last look; `null` when EC2 reported none.
    pub progress: Option<i64>,
    /// EC2's estimate of the seconds left at the last look.
    pub estimate: Option<i64>,
    pub done: bool,
    /// The last look in words, as printed on stderr.
    pub line: String,
}

impl HydrationJson {
    pub fn list(outcome: &HydrationOutcome) -> Vec<Self> {
        outcome
            .volumes
            .iter()
            .map(|v| Self {
                volume: v.volume_id.clone(),
                initialization_type: v
                    .status
                    .as_ref()
                    .and_then(|s| s.initialization_type.clone()),
                progress: v.status.as_ref().and_then(|s| s.progress),
                estimate: v.status.as_ref().and_then(|s| s.estimated_seconds_left),
                done: v.done(),
                line: v.line(),
            })
            .collect()
    }
}
