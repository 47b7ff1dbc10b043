//! Volume initialization (hydration): a volume created from a snapshot loads its blocks
//! lazily from S3 unless a volume initialization rate is set (ECS-managed EBS
//! `volumeInitializationRate`, EC2 `VolumeInitializationRate`, 100–300 MiB/s); its first
//! reads are slow until then. The estimate for a plan (size / rate) and the words a plan
//! says either way.

/// The lowest and highest initialization rate EBS accepts, in MiB/s.
pub const MIN_RATE_MIBPS: i32 = 100;
pub const MAX_RATE_MIBPS: i32 = 300;

/// Seconds to initialize `size_gib` at `rate_mibps` (at least one second).
pub fn estimate_seconds(size_gib: i32, rate_mibps: i32) -> i64 {
    let mib = i64::from(size_gib.max(0)) * 1024;
    let rate = i64::from(rate_mibps.max(1));
    ((mib + rate - 1) / rate).max(1)
}

/// `about 40 s`, `about 6 min`, `about 1 h 25 min`.
pub fn duration_words(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("about {s} s"),
        s if s < 3600 => format!("about {} min", (s + 59) / 60),
        s => {
            let m = (s % 3600 + 59) / 60;
            if m == 0 {
                format!("about {} h", s / 3600)
            } else {
                format!("about {} h {m} min", s / 3600)
            }
        }
    }
}

/// What the wait after a rollout says first when no initialization rate was set.
pub const NO_RATE_LINE: &str = "no initialization rate: blocks load from S3 on first read; the \
                                first reads of each block are slow";

/// What a plan says about the new volume's initialization: the rate and the estimate for
/// the snapshot's size, or that it hydrates lazily.
pub fn plan_line(size_gib: i32, rate_mibps: Option<i32>) -> String {
    match rate_mibps {
        Some(r) => format!(
            "the new volume initializes at {r} MiB/s: {} for {size_gib} GiB (volume \
             initialization rate)",
            duration_words(estimate_seconds(size_gib, r))
        ),
        None => "no initialization rate set: the new volume hydrates lazily from S3, so its \
                 first reads are slow (--initialization-rate 100-300 MiB/s loads it at a set \
                 rate)"
            .to_string(),
    }
}

/// One volume's initialization in words: `vol-… initializing at the set rate: 45%, about
/// 3 min left`, `vol-… hydrating lazily from S3 (no rate set): 12% — first reads are
/// slow`, `vol-… initialized`; `None` (EC2 reported nothing): `initialization not
/// reported`.
pub fn progress_line(
    volume_id: &str,
    status: Option<&crate::model::VolumeInitialization>,
) -> String {
    let Some(s) = status else {
        return format!("{volume_id}: initialization not reported");
    };
    if s.progress.is_some_and(|p| p >= 100) {
        return format!("{volume_id}: initialized");
    }
    let pct = s
        .progress
        .map_or_else(|| "?%".to_string(), |p| format!("{p}%"));
    let left = s
        .estimated_seconds_left
        .map(|t| format!(", {} left", duration_words(t)))
        .unwrap_or_default();
    match s.initialization_type.as_deref() {
        Some("provisioned-rate") => {
            format!("{volume_id}: initializing at the set rate: {pct}{left}")
        }
        Some("default") | None => format!(
            "{volume_id}: hydrating lazily from S3 (no initialization rate set): {pct}{left} — \
             first reads are slow"
        ),
        Some(other) => format!("{volume_id}: initializing ({other}): {pct}{left}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_follow_size_over_rate() {
        let cases = [
            (100, 300, 342, "about 6 min"),
            (1, 100, 11, "about 11 s"),
            (1000, 100, 10_240, "about 2 h 51 min"),
            (0, 300, 1, "about 1 s"),
        ];
        for (size, rate, secs, words) in cases {
            assert_eq!(estimate_seconds(size, rate), secs, "{size} GiB at {rate}");
            assert_eq!(duration_words(secs), words);
        }
        assert_eq!(duration_words(7200), "about 2 h");
    }

    #[test]
    fn progress_says_the_percent_the_estimate_and_how() {
        use crate::model::VolumeInitialization as V;
        let v = |t: Option<&str>, p: Option<i64>, left: Option<i64>| V {
            volume_id: "vol-1".into(),
            initialization_type: t.map(Into::into),
            progress: p,
            estimated_seconds_left: left,
        };
        let cases = [
            (
                Some(v(Some("provisioned-rate"), Some(45), Some(180))),
                "vol-1: initializing at the set rate: 45%, about 3 min left",
            ),
            (
                Some(v(Some("default"), Some(12), None)),
                "vol-1: hydrating lazily from S3 (no initialization rate set): 12% — first \
                 reads are slow",
            ),
            (
                Some(v(Some("provisioned-rate"), Some(100), Some(0))),
                "vol-1: initialized",
            ),
            (None, "vol-1: initialization not reported"),
        ];
        for (status, want) in cases {
            assert_eq!(progress_line("vol-1", status.as_ref()), want);
        }
    }

    #[test]
    fn a_plan_says_the_rate_or_that_the_volume_hydrates_lazily() {
        assert_eq!(
            plan_line(100, Some(300)),
            "the new volume initializes at 300 MiB/s: about 6 min for 100 GiB (volume \
             initialization rate)"
        );
        assert!(plan_line(100, None).contains("hydrates lazily from S3"));
    }
}
