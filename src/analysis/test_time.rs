//! Fixed instants for unit tests, so no test reads the clock.

use chrono::{DateTime, TimeZone, Utc};

/// `y-m-d h:mi:00` UTC. Panics on a date that does not exist (a typo in a test).
pub fn utc(y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, mi, 0)
        .single()
        .expect("a valid test date")
}
