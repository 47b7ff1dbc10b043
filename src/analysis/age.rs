//! Ages in whole days against an explicit clock.

use chrono::{DateTime, Utc};

/// Whole days between `then` and `now` (never negative); `None` when the time is unknown.
pub fn age_days(then: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<i64> {
    then.map(|t| (now - t).num_days().max(0))
}

/// Short human age: `45s`, `12m`, `5h`, `3d`.
pub fn short_age(then: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    let Some(t) = then else {
        return "-".to_string();
    };
    let secs = (now - t).num_seconds().max(0);
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::utc;

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        utc(2026, 11, d, h, 0)
    }

    #[test]
    fn whole_days_are_counted() {
        let now = at(23, 12);
        let cases = [
            (Some(at(23, 11)), Some(0)),
            (Some(at(22, 12)), Some(1)),
            (Some(at(1, 13)), Some(21)),
            (Some(at(24, 0)), Some(0)),
            (None, None),
        ];
        for (then, want) in cases {
            assert_eq!(age_days(then, now), want, "{then:?}");
        }
    }

    #[test]
    fn short_ages_pick_the_largest_unit() {
        let now = at(23, 12);
        assert_eq!(short_age(Some(at(23, 12)), now), "0s");
        assert_eq!(short_age(Some(at(23, 9)), now), "3h");
        assert_eq!(short_age(Some(at(20, 12)), now), "3d");
        assert_eq!(short_age(None, now), "-");
    }
}
