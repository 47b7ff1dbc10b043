//! The demo emulator's rollout dynamics: moto cannot move a rollout, so `ecsnap demo` runs
//! moto's server inside ecsnap's own Python helper (`dynamics.py`, embedded here) which
//! starts, fails, drains and completes deployments the way ECS reports them, starts and
//! stops tasks when a service is scaled or a task stopped (ECS's service scheduler), sets
//! the seeded fleet's creation times (see [`super::ages`]), and writes the tasks' log lines
//! to CloudWatch Logs. See the helper's docstring for how it works.
//!
//! Off unless asked for: the end-to-end tests start plain moto (`Emulator::start`); the demo
//! passes a [`Dynamics`] to `Emulator::start_with`. Its timings come from the environment
//! so a test can run the whole story in seconds:
//!
//! | variable | default | what |
//! |---|---|---|
//! | `ECSNAP_DEMO_STEP` | 2 | seconds between two steps of a rollout or of the scheduler (a task starts, runs, an old one drains) |
//! | `ECSNAP_DEMO_OOM_AFTER` | 6 | seconds a task of an out-of-memory revision runs before it is killed |
//! | `ECSNAP_DEMO_FAIL_AFTER` | 60 | seconds without a healthy task before the circuit breaker marks the rollout FAILED |
//! | `ECSNAP_DEMO_BAKE` | 6 | seconds a deployment bakes (BAKE_TIME, and a canary's first traffic step without a hook) before ECS calls it SUCCESSFUL |
//! | `ECSNAP_DEMO_HOOK_TIMEOUT` | the hook's | seconds a PAUSE lifecycle hook waits before its `timeoutAction` fires (default: the hook's own `timeoutInMinutes`, 15 minutes in the demo) |
//! | `ECSNAP_DEMO_DYNAMICS` | on | `off` runs the demo on plain moto (nothing moves) |

use std::time::Duration;

/// The helper: moto's server in-process plus the rollout loop (`python -c SCRIPT PORT`).
pub const SCRIPT: &str = include_str!("dynamics.py");

/// The environment variable that carries the configuration (JSON) to the helper.
pub const CONFIG_ENV: &str = "ECSNAP_DEMO_DYNAMICS";

/// A container whose memory limit (MiB) is below this is killed for out of memory.
pub const WORKING_SET_MIB: u32 = 300;

/// How fast the emulated rollouts move.
#[derive(Debug, Clone, PartialEq)]
pub struct Dynamics {
    pub step: Duration,
    pub oom_after: Duration,
    pub fail_after: Duration,
    pub working_set_mib: u32,
    /// How long a service deployment bakes before it is SUCCESSFUL.
    pub bake: Duration,
    /// How long a PAUSE lifecycle hook waits for a person (`None`: the hook's own timeout).
    pub hook_timeout: Option<Duration>,
}

impl Default for Dynamics {
    /// The demo's pace: a failing rollout is FAILED after a minute; a good one of two tasks
    /// completes in about 10 s.
    fn default() -> Self {
        Self {
            step: Duration::from_secs(2),
            oom_after: Duration::from_secs(6),
            fail_after: Duration::from_mins(1),
            working_set_mib: WORKING_SET_MIB,
            bake: Duration::from_secs(6),
            hook_timeout: None,
        }
    }
}

impl Dynamics {
    /// The demo's dynamics with the timings the environment sets; `None` when
    /// `ECSNAP_DEMO_DYNAMICS=off`. A value that is not a number of seconds is an error.
    pub fn from_env() -> crate::error::Result<Option<Self>> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// As [`Dynamics::from_env`], reading variables through `get` (for tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> crate::error::Result<Option<Self>> {
        if get(CONFIG_ENV).is_some_and(|v| v.trim().eq_ignore_ascii_case("off")) {
            return Ok(None);
        }
        let mut d = Self::default();
        for (name, field) in [
            ("ECSNAP_DEMO_STEP", &mut d.step),
            ("ECSNAP_DEMO_OOM_AFTER", &mut d.oom_after),
            ("ECSNAP_DEMO_FAIL_AFTER", &mut d.fail_after),
            ("ECSNAP_DEMO_BAKE", &mut d.bake),
        ] {
            if let Some(text) = get(name).filter(|v| !v.trim().is_empty()) {
                *field = seconds(&text).ok_or_else(|| {
                    crate::error::Error::Usage(format!(
                        "{name}={text:?} is not a number of seconds (e.g. 2 or 0.5)"
                    ))
                })?;
            }
        }
        if let Some(text) = get("ECSNAP_DEMO_HOOK_TIMEOUT").filter(|v| !v.trim().is_empty()) {
            d.hook_timeout = Some(seconds(&text).ok_or_else(|| {
                crate::error::Error::Usage(format!(
                    "ECSNAP_DEMO_HOOK_TIMEOUT={text:?} is not a number of seconds (e.g. 900)"
                ))
            })?);
        }
        Ok(Some(d))
    }

    /// The JSON the helper reads from [`CONFIG_ENV`].
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "step": self.step.as_secs_f64(),
            "oom_after": self.oom_after.as_secs_f64(),
            "fail_after": self.fail_after.as_secs_f64(),
            "working_set_mib": self.working_set_mib,
            "bake": self.bake.as_secs_f64(),
            "hook_timeout": self.hook_timeout.map(|t| t.as_secs_f64()),
        })
        .to_string()
    }
}

/// `2`, `0.5`: a non-negative, finite number of seconds.
fn seconds(text: &str) -> Option<Duration> {
    let v: f64 = text.trim().parse().ok()?;
    (v.is_finite() && v >= 0.0).then(|| Duration::from_secs_f64(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(pairs: &[(&str, &str)]) -> crate::error::Result<Option<Dynamics>> {
        Dynamics::from_lookup(|k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_string())
        })
    }

    #[test]
    fn timings_come_from_the_environment() {
        assert_eq!(from(&[]).ok().flatten(), Some(Dynamics::default()));
        let d = from(&[("ECSNAP_DEMO_STEP", "0.5"), ("ECSNAP_DEMO_FAIL_AFTER", "8")])
            .ok()
            .flatten()
            .unwrap_or_default();
        assert_eq!(d.step, Duration::from_millis(500));
        assert_eq!(d.fail_after, Duration::from_secs(8));
        assert_eq!(d.oom_after, Duration::from_secs(6));
        assert_eq!(from(&[("ECSNAP_DEMO_DYNAMICS", "off")]).ok(), Some(None));
        let err = from(&[("ECSNAP_DEMO_STEP", "fast")])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("ECSNAP_DEMO_STEP"), "{err}");
        assert!(from(&[("ECSNAP_DEMO_OOM_AFTER", "-1")]).is_err());
        let d = from(&[("ECSNAP_DEMO_BAKE", "1"), ("ECSNAP_DEMO_HOOK_TIMEOUT", "4")])
            .ok()
            .flatten()
            .unwrap_or_default();
        assert_eq!(d.bake, Duration::from_secs(1));
        assert_eq!(d.hook_timeout, Some(Duration::from_secs(4)));
        assert!(from(&[("ECSNAP_DEMO_HOOK_TIMEOUT", "soon")]).is_err());
    }

    #[test]
    fn the_helper_reads_the_timings_as_json() {
        let json: serde_json::Value =
            serde_json::from_str(&Dynamics::default().to_json()).unwrap_or_default();
        assert_eq!(json["step"], 2.0);
        assert_eq!(json["fail_after"], 60.0);
        assert_eq!(json["working_set_mib"], 300);
        assert_eq!(json["bake"], 6.0);
        assert!(json["hook_timeout"].is_null());
        let quick = Dynamics {
            hook_timeout: Some(Duration::from_secs(3)),
            ..Dynamics::default()
        };
        let json: serde_json::Value = serde_json::from_str(&quick.to_json()).unwrap_or_default();
        assert_eq!(json["hook_timeout"], 3.0);
        assert!(SCRIPT.contains("ThreadedMotoServer") && SCRIPT.contains(CONFIG_ENV));
    }
}
