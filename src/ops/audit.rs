//! The audit log: JSON lines appended to `state_dir()/audit.log` — time, caller identity,
//! profile, region, action, resource ids, result (and the error when it failed).
//!
//! Each mutating request writes two lines: an `intent` line before it is sent (result
//! `pending`; if it cannot be written the request is not sent) and a `result` line after
//! its answer (`ok` / `failed`), paired by `op`. So even a `kill -9` leaves the trace of
//! what was sent: an intent without a result is a request whose outcome is unknown
//! (`unanswered`). Lines from before phases existed read as results.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::CallerIdentity;

/// Who is acting, where: written on every line.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Actor {
    /// STS caller ARN, when GetCallerIdentity answered.
    pub identity_arn: Option<String>,
    pub account: Option<String>,
    pub profile: Option<String>,
    pub region: String,
}

impl Actor {
    pub fn new(identity: Option<&CallerIdentity>, profile: Option<&str>, region: &str) -> Self {
        Self {
            identity_arn: identity.map(|i| i.arn.clone()),
            account: identity.map(|i| i.account.clone()),
            profile: profile.map(str::to_string),
            region: region.to_string(),
        }
    }
}

/// One line of the audit log.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AuditEntry {
    /// RFC 3339 UTC.
    pub time: String,
    pub identity_arn: Option<String>,
    pub account: Option<String>,
    pub profile: Option<String>,
    pub region: String,
    /// The IAM action of the call, e.g. `ec2:DeleteVolume`.
    pub action: String,
    pub resource_ids: Vec<String>,
    /// `ok` or `failed`.
    pub result: String,
    pub error: Option<String>,
    /// What changed, when the ids don't say it (new task definition, digests ...).
    pub detail: Option<String>,
    /// `intent` (before the request is sent; result `pending`) or `result` (its answer).
    #[serde(default = "result_phase")]
    pub phase: String,
    /// Pairs an intent line with its result lines: `<pid>-<n>`, unique within the log.
    #[serde(default)]
    pub op: Option<String>,
}

pub const PHASE_INTENT: &str = "intent";
pub const PHASE_RESULT: &str = "result";
/// The `result` of an intent line.
pub const PENDING: &str = "pending";

fn result_phase() -> String {
    PHASE_RESULT.to_string()
}

impl AuditEntry {
    pub fn is_intent(&self) -> bool {
        self.phase == PHASE_INTENT
    }

    pub fn is_result(&self) -> bool {
        self.phase != PHASE_INTENT
    }
}

/// Operation ids of this process.
static NEXT_OP: AtomicU64 = AtomicU64::new(1);

/// An append-only JSON-lines file. Opened once, before the first mutation, so a log that
/// cannot be written stops the action before anything changes.
pub struct AuditLog {
    path: PathBuf,
    file: Mutex<std::fs::File>,
}

impl AuditLog {
    /// `state_dir()/audit.log`.
    pub fn default_path() -> PathBuf {
        crate::config::state_dir().join("audit.log")
    }

    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| Error::io(format!("opening the audit log {}", path.display()), e))?;
        Ok(Self {
            path: path.to_path_buf(),
            file: Mutex::new(file),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn entry(
        actor: &Actor,
        action: &str,
        resource_ids: &[String],
        phase: &str,
        op: Option<&str>,
    ) -> AuditEntry {
        AuditEntry {
            time: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
            identity_arn: actor.identity_arn.clone(),
            account: actor.account.clone(),
            profile: actor.profile.clone(),
            region: actor.region.clone(),
            action: action.to_string(),
            resource_ids: resource_ids.to_vec(),
            result: PENDING.to_string(),
            error: None,
            detail: None,
            phase: phase.to_string(),
            op: op.map(str::to_string),
        }
    }

    fn write(&self, entry: &AuditEntry) -> std::result::Result<(), String> {
        let line = serde_json::to_string(entry).map_err(|e| format!("not encodable: {e}"))?;
        let written = match self.file.lock() {
            Ok(mut f) => writeln!(f, "{line}").and_then(|()| f.flush()),
            Err(poisoned) => {
                let mut f = poisoned.into_inner();
                writeln!(f, "{line}").and_then(|()| f.flush())
            }
        };
        written.map_err(|e| format!("{e} (entry: {line})"))
    }

    /// Writes the intent line of a request about to be sent; returns its `op` id. An
    /// error means the line is not in the log, so the request must not be sent.
    pub fn intent(&self, actor: &Actor, action: &str, resource_ids: &[String]) -> Result<String> {
        let op = format!(
            "{}-{}",
            std::process::id(),
            NEXT_OP.fetch_add(1, Ordering::Relaxed)
        );
        let entry = Self::entry(actor, action, resource_ids, PHASE_INTENT, Some(&op));
        self.write(&entry).map_err(|e| {
            tracing::error!("writing the audit log {}: {e}", self.path.display());
            Error::io(
                format!(
                    "writing the audit log {} before sending {action} for {}: nothing was \
                     sent",
                    self.path.display(),
                    resource_ids.join(", ")
                ),
                std::io::Error::other(e),
            )
        })?;
        Ok(op)
    }

    /// Appends the result line of `op` (`Ok(detail)` or `Err(error)`). A write failure is
    /// logged and reported on stderr; it cannot undo the mutation that already happened.
    pub fn result(
        &self,
        actor: &Actor,
        op: Option<&str>,
        action: &str,
        resource_ids: &[String],
        outcome: std::result::Result<Option<String>, String>,
    ) {
        let mut entry = Self::entry(actor, action, resource_ids, PHASE_RESULT, op);
        match outcome {
            Ok(detail) => {
                entry.result = "ok".into();
                entry.detail = detail;
            }
            Err(e) => {
                entry.result = "failed".into();
                entry.error = Some(e);
            }
        }
        if let Err(e) = self.write(&entry) {
            tracing::error!("writing the audit log {}: {e}", self.path.display());
            eprintln!(
                "warning: could not write the audit log {}: {e}",
                self.path.display()
            );
        }
    }

    /// A result line with no intent before it (kept for callers that record afterwards).
    pub fn record(
        &self,
        actor: &Actor,
        action: &str,
        resource_ids: &[String],
        outcome: std::result::Result<Option<String>, String>,
    ) {
        self.result(actor, None, action, resource_ids, outcome);
    }
}

/// Reads an audit log back, every line of both phases in order (tests, and a future audit
/// pane). `results` and `unanswered` split them.
pub fn read_entries(path: &Path) -> Result<Vec<AuditEntry>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    Ok(text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect())
}

/// The result lines (what was answered, `ok` or `failed`).
pub fn results(entries: &[AuditEntry]) -> Vec<&AuditEntry> {
    entries.iter().filter(|e| e.is_result()).collect()
}

/// Intent lines with no result line for their `op`: requests that were sent (or about to
/// be) and whose outcome the log does not know — what a `kill -9` leaves behind.
pub fn unanswered(entries: &[AuditEntry]) -> Vec<&AuditEntry> {
    let answered: std::collections::HashSet<&str> = entries
        .iter()
        .filter(|e| e.is_result())
        .filter_map(|e| e.op.as_deref())
        .collect();
    entries
        .iter()
        .filter(|e| e.is_intent() && e.op.as_deref().is_none_or(|op| !answered.contains(op)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_appended_with_every_field() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state/audit.log");
        let actor = Actor::new(
            Some(&CallerIdentity {
                account: "123456789012".into(),
                arn: "arn:aws:iam::123456789012:user/oncall".into(),
            }),
            Some("prod"),
            "eu-west-1",
        );
        let log = AuditLog::open(&path).expect("opens");
        log.record(&actor, "ec2:DeleteVolume", &["vol-1".into()], Ok(None));
        log.record(
            &actor,
            "ec2:DeleteSnapshot",
            &["snap-1".into()],
            Err("denied".into()),
        );
        drop(log);
        let again = AuditLog::open(&path).expect("reopens");
        again.record(
            &actor,
            "ecs:UpdateService",
            &["c/s".into()],
            Ok(Some("td".into())),
        );
        let entries = read_entries(&path).expect("reads");
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].action, "ec2:DeleteVolume");
        assert_eq!(entries[0].result, "ok");
        assert_eq!(entries[0].account.as_deref(), Some("123456789012"));
        assert_eq!(entries[0].profile.as_deref(), Some("prod"));
        assert_eq!(entries[0].region, "eu-west-1");
        assert_eq!(entries[1].result, "failed");
        assert_eq!(entries[1].error.as_deref(), Some("denied"));
        assert_eq!(entries[2].detail.as_deref(), Some("td"));
        assert!(DateTimeCheck::parses(&entries[2].time));
    }

    #[test]
    fn intents_pair_with_results_and_old_lines_read_as_results() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("audit.log");
        // A line written before phases existed.
        std::fs::write(
            &path,
            r#"{"time":"2026-11-01T00:00:00.000Z","identity_arn":null,"account":null,"profile":null,"region":"us-east-1","action":"ec2:DeleteVolume","resource_ids":["vol-0"],"result":"ok","error":null,"detail":null}"#
                .to_string()
                + "\n",
        )
        .expect("seed");
        let log = AuditLog::open(&path).expect("opens");
        let actor = Actor::default();
        let ids = |id: &str| vec![id.to_string()];
        let a = log
            .intent(&actor, "ec2:DeleteVolume", &ids("vol-1"))
            .expect("a");
        let b = log
            .intent(&actor, "ec2:DeleteVolume", &ids("vol-2"))
            .expect("b");
        assert_ne!(a, b);
        log.result(
            &actor,
            Some(&a),
            "ec2:DeleteVolume",
            &ids("vol-1"),
            Ok(None),
        );
        // vol-2: sent, then the process died (no result line).
        let entries = read_entries(&path).expect("reads");
        let phases: Vec<(&str, &str, &str)> = entries
            .iter()
            .map(|e| {
                (
                    e.resource_ids[0].as_str(),
                    e.phase.as_str(),
                    e.result.as_str(),
                )
            })
            .collect();
        assert_eq!(
            phases,
            [
                ("vol-0", "result", "ok"),
                ("vol-1", "intent", "pending"),
                ("vol-2", "intent", "pending"),
                ("vol-1", "result", "ok"),
            ]
        );
        assert_eq!(entries[1].op, entries[3].op);
        let done: Vec<&str> = results(&entries)
            .iter()
            .map(|e| e.resource_ids[0].as_str())
            .collect();
        assert_eq!(done, ["vol-0", "vol-1"]);
        let unknown: Vec<&str> = unanswered(&entries)
            .iter()
            .map(|e| e.resource_ids[0].as_str())
            .collect();
        assert_eq!(unknown, ["vol-2"]);
    }

    #[test]
    fn an_unwritable_log_refuses_the_intent() {
        // Every write to /dev/full fails (ENOSPC), though it opens.
        let Ok(log) = AuditLog::open(Path::new("/dev/full")) else {
            return;
        };
        let err = log
            .intent(&Actor::default(), "ec2:DeleteVolume", &["vol-1".into()])
            .expect_err("not written");
        let text = err.to_string();
        assert!(
            text.contains("nothing was sent") && text.contains("vol-1"),
            "{text}"
        );
    }

    struct DateTimeCheck;
    impl DateTimeCheck {
        fn parses(t: &str) -> bool {
            chrono::DateTime::parse_from_rfc3339(t).is_ok()
        }
    }
}
