//! The audit log: one JSON line per executed mutation, appended to
//! `state_dir()/audit.log` — time, caller identity, profile, region, action, resource ids,
//! result (and the error when it failed).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
}

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

    /// Appends one line. A write failure is logged and reported on stderr; it cannot undo
    /// the mutation that already happened.
    pub fn record(
        &self,
        actor: &Actor,
        action: &str,
        resource_ids: &[String],
        outcome: std::result::Result<Option<String>, String>,
    ) {
        let (result, error, detail) = match outcome {
            Ok(detail) => ("ok", None, detail),
            Err(e) => ("failed", Some(e), None),
        };
        let entry = AuditEntry {
            time: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
            identity_arn: actor.identity_arn.clone(),
            account: actor.account.clone(),
            profile: actor.profile.clone(),
            region: actor.region.clone(),
            action: action.to_string(),
            resource_ids: resource_ids.to_vec(),
            result: result.to_string(),
            error,
            detail,
        };
        let line = match serde_json::to_string(&entry) {
            Ok(l) => l,
            Err(e) => {
                tracing::error!("audit entry not encodable: {e}");
                return;
            }
        };
        let written = match self.file.lock() {
            Ok(mut f) => writeln!(f, "{line}").and_then(|()| f.flush()),
            Err(poisoned) => {
                let mut f = poisoned.into_inner();
                writeln!(f, "{line}").and_then(|()| f.flush())
            }
        };
        if let Err(e) = written {
            tracing::error!("writing the audit log {}: {e}", self.path.display());
            eprintln!(
                "warning: could not write the audit log {}: {e} (entry: {line})",
                self.path.display()
            );
        }
    }
}

/// Reads an audit log back (tests, and a future audit pane).
pub fn read_entries(path: &Path) -> Result<Vec<AuditEntry>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    Ok(text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect())
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

    struct DateTimeCheck;
    impl DateTimeCheck {
        fn parses(t: &str) -> bool {
            chrono::DateTime::parse_from_rfc3339(t).is_ok()
        }
    }
}
