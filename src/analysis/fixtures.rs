//! Fixtures shared by unit tests: fixed instants (no test reads the clock) and owned
//! key/value pairs (tags, environment) from string literals.

use chrono::{DateTime, TimeZone, Utc};

/// `y-m-d h:mi:00` UTC. Panics on a date that does not exist (a typo in a test).
pub fn utc(y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, mi, 0)
        .single()
        .expect("a valid test date")
}

/// The pairs owned, in any collection of `(String, String)` (a tag map, an environment).
pub fn pairs<C: FromIterator<(String, String)>>(pairs: &[(&str, &str)]) -> C {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}
