//! "Unattached since": when ecsnap itself first saw each volume `available`. AWS records
//! no detach time, so this is ecsnap's own observation, kept between runs (`load::seen`
//! does the file); a volume seen for the first time has no known start yet.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::age::age_days;

/// First sighting as `available`, by volume id (one region's).
pub type SeenMap = BTreeMap<String, DateTime<Utc>>;

/// The map to keep after this run, and the known start per volume.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeenUpdate {
    /// Every volume available now: its earlier first sighting, or `now` when new. Volumes
    /// no longer available (attached, deleted) are dropped, so a later detach starts anew.
    pub keep: SeenMap,
    /// Volumes seen available on an earlier run, with the first such sighting. A volume
    /// first seen now is absent: its start is unknown.
    pub since: HashMap<String, DateTime<Utc>>,
}

/// Merges the previous map with the volumes `available` now.
pub fn merge_seen<'a>(
    previous: &SeenMap,
    available_now: impl IntoIterator<Item = &'a str>,
    now: DateTime<Utc>,
) -> SeenUpdate {
    let mut update = SeenUpdate::default();
    for id in available_now {
        match previous.get(id) {
            // A first sighting "in the future" (a clock moved back) is not trusted.
            Some(&first) if first <= now => {
                update.keep.insert(id.to_string(), first);
                update.since.insert(id.to_string(), first);
            }
            _ => {
                update.keep.insert(id.to_string(), now);
            }
        }
    }
    update
}

/// The starts known before `run_start`: a volume first seen during this run (a console
/// refreshing) keeps an unknown start, as on a first run, rather than reading "0 days".
pub fn seen_before<S: std::hash::BuildHasher>(
    mut since: HashMap<String, DateTime<Utc>, S>,
    run_start: DateTime<Utc>,
) -> HashMap<String, DateTime<Utc>, S> {
    since.retain(|_, first| *first < run_start);
    since
}

/// Whether a volume seen unattached since `since` passes `--unattached-days N`; `Err` says
/// why not. Unknown never passes.
pub fn unattached_long_enough(
    since: Option<DateTime<Utc>>,
    min_days: i64,
    now: DateTime<Utc>,
) -> Result<(), String> {
    match age_days(since, now) {
        None => Err(format!(
            "unattached since unknown: ecsnap has not seen it available on an earlier run \
             (its own observation, not AWS's); --unattached-days {min_days} keeps only volumes \
             seen unattached that long"
        )),
        Some(days) if days < min_days => Err(format!(
            "seen unattached only {days} days (since {}, ecsnap's own observation); \
             --unattached-days {min_days}",
            since
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        )),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::utc;

    fn day(d: u32) -> DateTime<Utc> {
        utc(2026, 11, d, 8, 0)
    }

    #[test]
    fn first_sighting_is_kept_across_runs_and_dropped_once_attached() {
        // Run 1 (Nov 1): both volumes are new, start unknown.
        let run1 = merge_seen(&SeenMap::new(), ["vol-a", "vol-b"], day(1));
        assert!(run1.since.is_empty());
        assert_eq!(run1.keep.get("vol-a"), Some(&day(1)));
        // Run 2 (Nov 5): both still available; the first sighting stays Nov 1.
        let run2 = merge_seen(&run1.keep, ["vol-a", "vol-b"], day(5));
        assert_eq!(run2.since.get("vol-a"), Some(&day(1)));
        assert_eq!(run2.keep.get("vol-b"), Some(&day(1)));
        // Run 3 (Nov 6): vol-b was attached (not available): dropped; vol-c appears.
        let run3 = merge_seen(&run2.keep, ["vol-a", "vol-c"], day(6));
        assert_eq!(
            run3.keep.keys().map(String::as_str).collect::<Vec<_>>(),
            ["vol-a", "vol-c"]
        );
        assert_eq!(run3.since.get("vol-c"), None);
        // Run 4 (Nov 9): vol-b is available again: a new start, unknown for now.
        let run4 = merge_seen(&run3.keep, ["vol-a", "vol-b", "vol-c"], day(9));
        assert_eq!(run4.since.get("vol-b"), None);
        assert_eq!(run4.keep.get("vol-b"), Some(&day(9)));
        assert_eq!(run4.since.get("vol-a"), Some(&day(1)));
        assert_eq!(run4.since.get("vol-c"), Some(&day(6)));
    }

    #[test]
    fn a_sighting_after_now_is_not_trusted() {
        let mut prev = SeenMap::new();
        prev.insert("vol-a".into(), day(20));
        let u = merge_seen(&prev, ["vol-a"], day(3));
        assert_eq!(u.since.get("vol-a"), None);
        assert_eq!(u.keep.get("vol-a"), Some(&day(3)));
    }

    #[test]
    fn unattached_days_filter() {
        let now = day(20);
        let cases = [
            (None, 1, false),
            (Some(day(1)), 19, true),
            (Some(day(1)), 20, false),
            (Some(day(13)), 7, true),
            (Some(day(14)), 7, false),
            (Some(day(20)), 0, true),
        ];
        for (since, n, want) in cases {
            assert_eq!(
                unattached_long_enough(since, n, now).is_ok(),
                want,
                "{since:?} {n}"
            );
        }
        let unknown = unattached_long_enough(None, 7, now).expect_err("unknown");
        assert!(
            unknown.contains("unknown") && unknown.contains("not AWS's"),
            "{unknown}"
        );
        let short = unattached_long_enough(Some(day(14)), 7, now).expect_err("short");
        assert!(
            short.contains("only 6 days") && short.contains("2026-11-14"),
            "{short}"
        );
    }

    #[test]
    fn a_volume_first_seen_during_this_run_keeps_an_unknown_start() {
        // Run 1 (day 1) saw vol-a; this run started on day 5 and its first refresh saw
        // vol-b: on its second refresh (day 5 too) only vol-a's start is known.
        let run1 = merge_seen(&SeenMap::new(), ["vol-a"], day(1));
        let refresh1 = merge_seen(&run1.keep, ["vol-a", "vol-b"], day(5));
        let refresh2 = merge_seen(&refresh1.keep, ["vol-a", "vol-b"], day(5));
        assert_eq!(refresh2.since.len(), 2, "merge_seen alone knows both");
        let known = seen_before(refresh2.since, day(5));
        assert_eq!(known.get("vol-a"), Some(&day(1)));
        assert!(!known.contains_key("vol-b"), "{known:?}");
    }
}
