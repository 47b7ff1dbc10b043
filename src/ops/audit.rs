//! The audit log: JSON lines appended to `state_dir()/audit.log` — time, caller identity,
//! profile, region, action, resource ids, result (and the error when it failed).
//!
//! Each mutating request writes two lines: an `intent` line before it is sent (result
//! `pending`; if it cannot be written the request is not sent) and a `result` line after
//! its answer (`ok` / `failed`), paired by `op`. So even a `kill -9` leaves the trace of
//! what was sent: an intent without a result is a request whose outcome is unknown
//! (`unanswered`). Lines from before phases existed read as results.
//!
//! The file survives two writers and a full disk: one `write` per line under a file lock
//! every ecsnap process takes, a failed write cut back to the last whole line (and the
//! run stopped before its next request), the file 0600 in a 0700 state dir. `read_log`
//! reads it back for `ecsnap audit`, counting the lines that do not parse.

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
    /// `pending` (an intent), `ok`, `failed`, `gone` (already deleted by someone else) or
    /// `unknown` (the answer was lost and a re-read could not tell).
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
    /// What the change replaced (a rollback: the task definition, image or snapshot the
    /// service ran before), when it is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced: Option<String>,
}

pub const PHASE_INTENT: &str = "intent";
pub const PHASE_RESULT: &str = "result";
/// The `result` of an intent line.
pub const PENDING: &str = "pending";
/// Results: done (also after a lost answer, confirmed by a re-read: see `detail`).
pub const OK: &str = "ok";
/// Results: AWS answered an error and the resource is unchanged.
pub const FAILED: &str = "failed";
/// Results: a delete found it already gone (someone else deleted it).
pub const GONE: &str = "gone";
/// Results: the answer was lost and a re-read could not tell what happened.
pub const UNKNOWN: &str = "unknown";

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

/// An append-only JSON-lines file, private to the user (0600 in a 0700 directory). Opened
/// once, before the first mutation, so a log that cannot be written stops the action
/// before anything changes.
///
/// Each line is written with one `write` of the whole line (JSON + `\n`) while holding an
/// exclusive lock on the file that every ecsnap process takes (`File::lock`), so two
/// processes never interleave or glue lines. A write that fails (a full disk, an I/O
/// error) or lands short trims the file back to its last complete line and marks the log
/// broken: from then on every intent is refused at once, so the run sends nothing more.
pub struct AuditLog {
    path: PathBuf,
    file: Mutex<std::fs::File>,
    /// Why the log can no longer be trusted, once a write failed.
    broken: Mutex<Option<String>>,
    /// Tests only (`open_failing_after`): lines left before writes fail as on a full disk.
    fail_after: Option<AtomicU64>,
}

/// Creates `dir` (and its parents) private to the user (0700) if it is missing. An
/// existing directory is never widened; ecsnap's own state dir is narrowed to 0700 when
/// group or others may read it (logged).
pub fn ensure_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        if dir == crate::config::state_dir() {
            let meta = std::fs::metadata(dir)?;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                tracing::warn!(
                    "the state dir {} was readable by others (mode {mode:o}): narrowed to 0700",
                    dir.display()
                );
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
            }
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// Opens (creating it 0600) a file for appending; an existing regular file that group or
/// others may read is narrowed to 0600.
pub fn open_private_append(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true).read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        let meta = file.metadata()?;
        if meta.is_file() && meta.permissions().mode() & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        Ok(file)
    }
    #[cfg(not(unix))]
    {
        options.open(path)
    }
}

/// Cuts a half-written last line off `file` (everything after its last `\n`), so the next
/// line starts on a line of its own. Returns the new length. Only regular files are cut.
pub fn trim_to_last_line(file: &std::fs::File) -> std::io::Result<u64> {
    use std::io::{Read, Seek, SeekFrom};
    let meta = file.metadata()?;
    let len = meta.len();
    if !meta.is_file() || len == 0 {
        return Ok(len);
    }
    let mut f = file;
    let mut end = len;
    let mut buf = vec![0u8; 4096];
    while end > 0 {
        let start = end.saturating_sub(buf.len() as u64);
        let n = usize::try_from(end - start).unwrap_or(buf.len());
        f.seek(SeekFrom::Start(start))?;
        f.read_exact(&mut buf[..n])?;
        if let Some(i) = buf[..n].iter().rposition(|b| *b == b'\n') {
            let keep = start + i as u64 + 1;
            if keep != len {
                file.set_len(keep)?;
            }
            return Ok(keep);
        }
        end = start;
    }
    file.set_len(0)?;
    Ok(0)
}

impl AuditLog {
    /// `state_dir()/audit.log`.
    pub fn default_path() -> PathBuf {
        crate::config::state_dir().join("audit.log")
    }

    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            ensure_private_dir(dir)
                .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
        }
        let file = open_private_append(path)
            .map_err(|e| Error::io(format!("opening the audit log {}", path.display()), e))?;
        Ok(Self {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            broken: Mutex::new(None),
            fail_after: None,
        })
    }

    /// For tests: a log whose first `lines` lines are written, after which every write
    /// lands half a line and fails as on a full disk (ENOSPC) — what a disk filling up
    /// mid-run does. Not for use outside tests.
    #[doc(hidden)]
    pub fn open_failing_after(path: &Path, lines: u64) -> Result<Self> {
        let mut log = Self::open(path)?;
        log.fail_after = Some(AtomicU64::new(lines));
        Ok(log)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Why the log is broken (a write failed), if it is: nothing more may be sent.
    pub fn broken(&self) -> Option<String> {
        self.broken.lock().ok().and_then(|b| b.clone())
    }

    fn mark_broken(&self, why: &str) {
        if let Ok(mut b) = self.broken.lock() {
            b.get_or_insert_with(|| why.to_string());
        }
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
            replaced: None,
        }
    }

    fn write(&self, entry: &AuditEntry) -> std::result::Result<(), String> {
        let mut line = serde_json::to_vec(entry).map_err(|e| format!("not encodable: {e}"))?;
        line.push(b'\n');
        let f = match self.file.lock() {
            Ok(f) => f,
            Err(poisoned) => poisoned.into_inner(),
        };
        let written = append_line(&f, &line, self.fail_after.as_ref());
        written.map_err(|e| {
            let why = format!("{e} (entry: {})", String::from_utf8_lossy(&line).trim_end());
            self.mark_broken(&e.to_string());
            why
        })
    }

    /// Writes the intent line of a request about to be sent; returns its `op` id. An
    /// error means the line is not in the log, so the request must not be sent.
    pub fn intent(&self, actor: &Actor, action: &str, resource_ids: &[String]) -> Result<String> {
        let not_sent = |why: &str| {
            Error::io(
                format!(
                    "writing the audit log {} before sending {action} for {}: nothing was \
                     sent",
                    self.path.display(),
                    resource_ids.join(", ")
                ),
                std::io::Error::other(why.to_string()),
            )
        };
        if let Some(why) = self.broken() {
            return Err(not_sent(&format!(
                "an earlier write failed ({why}); free space or fix the file, then run again"
            )));
        }
        let op = format!(
            "{}-{}",
            std::process::id(),
            NEXT_OP.fetch_add(1, Ordering::Relaxed)
        );
        let entry = Self::entry(actor, action, resource_ids, PHASE_INTENT, Some(&op));
        self.write(&entry).map_err(|e| {
            tracing::error!("writing the audit log {}: {e}", self.path.display());
            not_sent(&e)
        })?;
        Ok(op)
    }

    /// Appends the result line of `op` (`Ok(detail)` or `Err(error)`). A write failure is
    /// logged and reported on stderr, and marks the log broken (nothing more is sent); it
    /// cannot undo the mutation that already happened.
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
                entry.result = OK.into();
                entry.detail = detail;
            }
            Err(e) => {
                entry.result = FAILED.into();
                entry.error = Some(e);
            }
        }
        self.result_entry(&entry);
    }

    /// Appends a result line already filled in (outcome words, detail, what was replaced).
    pub fn result_line(&self, actor: &Actor, op: Option<&str>, line: ResultLine<'_>) {
        let mut entry = Self::entry(actor, line.action, line.resource_ids, PHASE_RESULT, op);
        entry.result = line.result.to_string();
        entry.error = line.error;
        entry.detail = line.detail;
        entry.replaced = line.replaced;
        self.result_entry(&entry);
    }

    fn result_entry(&self, entry: &AuditEntry) {
        if let Err(e) = self.write(entry) {
            tracing::error!("writing the audit log {}: {e}", self.path.display());
            eprintln!(
                "warning: could not write the audit log {}: {e}; nothing more is sent",
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

/// A result line's content beyond who and when.
#[derive(Debug, Clone, Default)]
pub struct ResultLine<'a> {
    pub action: &'a str,
    pub resource_ids: &'a [String],
    /// `ok`, `failed`, `gone` or `unknown`.
    pub result: &'a str,
    pub error: Option<String>,
    pub detail: Option<String>,
    pub replaced: Option<String>,
}

/// One line, appended with one `write` under the cross-process lock; a half-written
/// line before it (an earlier crash) is cut first, and a failed or short write is cut
/// back, so the file only ever holds whole lines.
fn append_line(
    file: &std::fs::File,
    line: &[u8],
    fail_after: Option<&AtomicU64>,
) -> std::io::Result<()> {
    use std::io::Write;
    file.lock()?;
    let written = (|| {
        let before = trim_to_last_line(file)?;
        let mut f = file;
        let full = fail_after.is_some_and(|left| {
            left.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                .is_err()
        });
        let answer = if full {
            // As a disk that fills up mid-line: half of it lands, then ENOSPC.
            f.write(&line[..line.len() / 2])
                .and_then(|_| Err(std::io::Error::from_raw_os_error(28)))
        } else {
            f.write(line)
        };
        match answer {
            Ok(n) if n == line.len() => f.flush(),
            Ok(n) => {
                let _ = file.set_len(before);
                Err(std::io::Error::new(
                    std::io::ErrorKind::WriteZero,
                    format!("only {n} of {} bytes written", line.len()),
                ))
            }
            Err(e) => {
                let _ = file.set_len(before);
                Err(e)
            }
        }
    })();
    let unlocked = file.unlock();
    written.and(unlocked)
}

/// Reads an audit log back, every line of both phases in order (tests, and `ecsnap
/// audit`). `results` and `unanswered` split them. Lines that do not parse are left out.
pub fn read_entries(path: &Path) -> Result<Vec<AuditEntry>> {
    read_log(path).map(|(entries, _)| entries)
}

/// Reads an audit log back: the entries that parse, in order, and how many non-empty
/// lines did not (counted, never fatal).
pub fn read_log(path: &Path) -> Result<(Vec<AuditEntry>, usize)> {
    let bytes =
        std::fs::read(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    let text = String::from_utf8_lossy(&bytes);
    let mut entries = Vec::new();
    let mut bad = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        match serde_json::from_str::<AuditEntry>(line) {
            Ok(e) => entries.push(e),
            Err(_) => bad += 1,
        }
    }
    Ok((entries, bad))
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
    fn an_unwritable_log_refuses_the_intent_and_every_later_one() {
        // Every write to /dev/full fails (ENOSPC), though it opens. A machine without it
        // fails this test rather than skipping it.
        let log = AuditLog::open(Path::new("/dev/full")).expect("/dev/full opens");
        let err = log
            .intent(&Actor::default(), "ec2:DeleteVolume", &["vol-1".into()])
            .expect_err("not written");
        let text = err.to_string();
        assert!(
            text.contains("nothing was sent") && text.contains("vol-1"),
            "{text}"
        );
        assert!(log.broken().is_some());
        let again = log
            .intent(&Actor::default(), "ec2:DeleteVolume", &["vol-2".into()])
            .expect_err("refused at once")
            .to_string();
        assert!(
            again.contains("an earlier write failed") && again.contains("vol-2"),
            "{again}"
        );
    }

    #[test]
    fn a_half_written_last_line_is_cut_before_the_next_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("audit.log");
        let whole = r#"{"time":"2026-11-01T00:00:00.000Z","identity_arn":null,"account":null,"profile":null,"region":"us-east-1","action":"ec2:DeleteVolume","resource_ids":["vol-0"],"result":"ok","error":null,"detail":null}"#;
        std::fs::write(&path, format!("{whole}\n{{\"time\":\"2026-11-01T00:0")).expect("seed");
        let file = std::fs::OpenOptions::new()
            .read(true)
            .append(true)
            .open(&path)
            .expect("opens");
        assert_eq!(
            trim_to_last_line(&file).expect("trims"),
            whole.len() as u64 + 1
        );
        assert_eq!(
            std::fs::read_to_string(&path).expect("reads"),
            format!("{whole}\n")
        );
        // No newline at all: nothing whole to keep.
        std::fs::write(&path, "{\"half").expect("seed");
        assert_eq!(trim_to_last_line(&file).expect("trims"), 0);
        // The log itself cuts a half line before appending.
        std::fs::write(&path, format!("{whole}\n{{\"half")).expect("seed");
        record_one_delete(&path);
        let (entries, bad) = read_log(&path).expect("reads");
        assert_eq!(bad, 0);
        let ids: Vec<&str> = entries.iter().map(|e| e.resource_ids[0].as_str()).collect();
        assert_eq!(ids, ["vol-0", "vol-1"]);
    }

    #[cfg(unix)]
    #[test]
    fn the_log_and_its_new_directory_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state/ecsnap/audit.log");
        record_one_delete(&path);
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.path().join("state/ecsnap")), 0o700);
        // An existing file readable by others is narrowed.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        drop(AuditLog::open(&path).expect("reopens"));
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn unparsable_lines_are_counted_not_fatal() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("audit.log");
        record_one_delete(&path);
        let mut text = std::fs::read_to_string(&path).expect("reads");
        text.push_str("not json\n{\"time\": 1}\n\n");
        std::fs::write(&path, text).expect("writes");
        let (entries, bad) = read_log(&path).expect("reads");
        assert_eq!((entries.len(), bad), (1, 2));
    }

    /// Opens the log at `path` and records one DeleteVolume of `vol-1`.
    fn record_one_delete(path: &Path) {
        AuditLog::open(path).expect("opens").record(
            &Actor::default(),
            "ec2:DeleteVolume",
            &["vol-1".into()],
            Ok(None),
        );
    }

    struct DateTimeCheck;
    impl DateTimeCheck {
        fn parses(t: &str) -> bool {
            chrono::DateTime::parse_from_rfc3339(t).is_ok()
        }
    }
}
