//! Text assertions shared by the three harnesses: a screen, an output or a log holds a
//! part (or does not); a failure names the part and shows the whole text.
#![allow(
    dead_code,
    reason = "included by each test harness, each using a part of it"
)]

/// Asserts that `text` holds `part`; a failure shows the whole text.
#[track_caller]
pub fn assert_has(text: &str, part: &str) {
    assert!(text.contains(part), "{part:?} is missing from:\n{text}");
}

/// Asserts that `text` does not hold `part`; a failure shows the whole text.
#[track_caller]
pub fn assert_lacks(text: &str, part: &str) {
    assert!(!text.contains(part), "{part:?} should not be in:\n{text}");
}

/// Asserts that `text` holds every one of `parts`; a failure names the first missing.
#[track_caller]
pub fn assert_has_all(text: &str, parts: &[&str]) {
    for part in parts {
        assert_has(text, part);
    }
}
