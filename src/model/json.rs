//! How model values read in ecsnap's JSON output, in one place: times as RFC 3339 UTC to
//! the second (`2026-11-20T08:15:00Z`). The AWS states serialize as AWS spells them
//! (`state.rs`); the model types an output shows field for field derive `Serialize`.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serializer;

/// A time as the JSON and text outputs write it: RFC 3339 UTC, whole seconds.
pub fn rfc3339(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// `#[serde(serialize_with = "…")]` of an optional time: `rfc3339`, `null` when none.
pub fn time<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match rfc3339(*t) {
        Some(text) => s.serialize_str(&text),
        None => s.serialize_none(),
    }
}

/// `#[serde(serialize_with = "…")]` of a time that is always there: `rfc3339`.
pub fn at<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    time(&Some(*t), s)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn times_are_whole_seconds_utc() {
        let t = Utc
            .timestamp_opt(1_795_682_100, 250_000_000)
            .single()
            .map(Some)
            .unwrap_or_default();
        assert_eq!(rfc3339(t).as_deref(), Some("2026-11-26T08:35:00Z"));
        let json = serde_json::to_string(&Wrap(t)).unwrap_or_default();
        assert_eq!(json, "\"2026-11-26T08:35:00Z\"");
        assert_eq!(
            serde_json::to_string(&Wrap(None)).unwrap_or_default(),
            "null"
        );
    }

    #[derive(serde::Serialize)]
    struct Wrap(#[serde(serialize_with = "time")] Option<DateTime<Utc>>);
}
