//! One cleanup at a time per account and region: a lock file in the state dir
//! (`locks/cleanup-<account>-<region>.lock`), held with an exclusive `File::lock` for as
//! long as the cleanup plans and deletes, released when it ends (or its process dies).
//! The holder writes who it is into the file (pid, user, host, since when), so a second
//! run can say whom it waits for — or, with `--no-wait`, whom it refuses to run beside.
//! A second run plans after it gets the lock, so it plans what the first one left.
//!
//! Several places (a fleet cleanup) take their locks in one order (sorted keys), so two
//! fleet runs cannot wait on each other in a circle.

use std::fs::{File, TryLockError};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::{SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Who holds a lock, as its holder wrote it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    pub user: String,
    pub host: String,
    /// RFC 3339 UTC.
    pub since: String,
    /// The account and region, as shown.
    pub place: String,
}

impl Holder {
    fn me(place: &str) -> Self {
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .ok()
            .or_else(|| {
                // No USER in the environment (cron, a service): the uid at least.
                let status = std::fs::read_to_string("/proc/self/status").ok()?;
                let uid = status.lines().find_map(|l| l.strip_prefix("Uid:"))?;
                Some(format!("uid {}", uid.split_whitespace().next()?))
            })
            .unwrap_or_else(|| "unknown user".into());
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .or_else(|_| std::fs::read_to_string("/etc/hostname"))
            .map(|h| h.trim().to_string())
            .ok()
            .filter(|h| !h.is_empty())
            .or_else(|| std::env::var("HOSTNAME").ok())
            .unwrap_or_else(|| "unknown host".into());
        Self {
            pid: std::process::id(),
            user,
            host,
            since: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
            place: place.to_string(),
        }
    }

    /// `pid 4242, alice@ops-1, since 2026-12-06T14:03:11Z`.
    pub fn describe(&self) -> String {
        format!(
            "pid {}, {}@{}, since {}",
            self.pid, self.user, self.host, self.since
        )
    }
}

/// Which lock: one account (or, when STS did not say, the profile) in one region.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LockKey {
    /// The account id, or `profile-<name>` when the account is unknown.
    pub account: String,
    pub region: String,
}

impl LockKey {
    pub fn new(account: Option<&str>, profile: Option<&str>, region: &str) -> Self {
        let account = match account {
            Some(a) if !a.is_empty() => a.to_string(),
            _ => format!("profile-{}", profile.unwrap_or("default")),
        };
        Self {
            account,
            region: region.to_string(),
        }
    }

    /// `123456789012 · us-east-1`.
    pub fn label(&self) -> String {
        format!("{} · {}", self.account, self.region)
    }

    fn file_name(&self) -> String {
        let safe = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        };
        format!(
            "cleanup-{}-{}.lock",
            safe(&self.account),
            safe(&self.region)
        )
    }
}

/// The lock directory: `state_dir()/locks`.
pub fn default_dir() -> PathBuf {
    crate::config::state_dir().join("locks")
}

/// A held cleanup lock; released when dropped.
#[derive(Debug)]
pub struct CleanupLock {
    key: LockKey,
    _file: File,
}

impl CleanupLock {
    pub fn key(&self) -> &LockKey {
        &self.key
    }
}

/// What to do when another run holds the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenHeld {
    /// Wait for it (blocking this thread: call through [`acquire`]).
    Wait,
    /// Refuse at once (`--no-wait`, the console).
    Refuse,
}

fn open(dir: &Path, key: &LockKey) -> Result<(File, PathBuf)> {
    super::audit::ensure_private_dir(dir)
        .map_err(|e| Error::io(format!("creating the lock directory {}", dir.display()), e))?;
    let path = dir.join(key.file_name());
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(false).read(true).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options
        .open(&path)
        .map_err(|e| Error::io(format!("opening the cleanup lock {}", path.display()), e))?;
    Ok((file, path))
}

/// Who holds the lock file at `path`, as written there (best effort).
pub fn holder_at(path: &Path) -> Option<Holder> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(text.trim()).ok()
}

fn busy(key: &LockKey, holder: Option<&Holder>) -> Error {
    Error::Refused(format!(
        "another cleanup is running in {} ({}): nothing was planned or sent. Run again when \
         it ends (`ecsnap cleanup` without --no-wait waits for it)",
        key.label(),
        holder.map_or_else(|| "holder unknown".to_string(), Holder::describe)
    ))
}

/// Takes the lock of `key` in `dir` (blocking while another run holds it, with
/// `WhenHeld::Wait`; `on_wait` hears once whom it waits for). Synchronous: async callers
/// use [`acquire`].
pub fn acquire_blocking(
    dir: &Path,
    key: &LockKey,
    when_held: WhenHeld,
    on_wait: &mut dyn FnMut(&LockKey, Option<&Holder>),
) -> Result<CleanupLock> {
    let (mut file, path) = open(dir, key)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let holder = holder_at(&path);
            if when_held == WhenHeld::Refuse {
                return Err(busy(key, holder.as_ref()));
            }
            on_wait(key, holder.as_ref());
            file.lock()
                .map_err(|e| Error::io(format!("waiting for the lock {}", path.display()), e))?;
        }
        Err(TryLockError::Error(e)) => {
            return Err(Error::io(
                format!("locking the cleanup lock {}", path.display()),
                e,
            ));
        }
    }
    // Ours now: say who holds it.
    let me = serde_json::to_string(&Holder::me(&key.label())).unwrap_or_default();
    let written = file
        .set_len(0)
        .and_then(|()| file.seek(SeekFrom::Start(0)).map(|_| ()))
        .and_then(|()| file.write_all(format!("{me}\n").as_bytes()));
    if let Err(e) = written {
        tracing::warn!("writing the holder into {}: {e}", path.display());
    }
    Ok(CleanupLock {
        key: key.clone(),
        _file: file,
    })
}

/// The locks of `keys` (deduplicated, taken in sorted order), on a blocking thread.
/// `on_wait` hears whom each wait is for.
pub async fn acquire(
    dir: PathBuf,
    keys: Vec<LockKey>,
    when_held: WhenHeld,
    mut on_wait: impl FnMut(&LockKey, Option<&Holder>) + Send + 'static,
) -> Result<Vec<CleanupLock>> {
    let mut keys = keys;
    keys.sort();
    keys.dedup();
    tokio::task::spawn_blocking(move || {
        keys.iter()
            .map(|k| acquire_blocking(&dir, k, when_held, &mut on_wait))
            .collect::<Result<Vec<_>>>()
    })
    .await
    .map_err(|e| {
        Error::io(
            "taking the cleanup lock",
            std::io::Error::other(e.to_string()),
        )
    })?
}

/// The stderr line of a run that waits: for whom, where.
pub fn waiting_line(key: &LockKey, holder: Option<&Holder>) -> String {
    format!(
        "waiting for another cleanup in {} to finish ({})…",
        key.label(),
        holder.map_or_else(|| "holder unknown".to_string(), Holder::describe)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_taker_is_refused_with_the_holder_or_waits_its_turn() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = LockKey::new(Some("123456789012"), None, "us-east-1");
        let first =
            acquire_blocking(dir.path(), &key, WhenHeld::Refuse, &mut |_, _| {}).expect("first");
        let err =
            acquire_blocking(dir.path(), &key, WhenHeld::Refuse, &mut |_, _| {}).expect_err("held");
        assert_eq!(err.exit_code(), 5);
        let text = err.to_string();
        assert!(
            text.contains("123456789012 · us-east-1")
                && text.contains(&format!("pid {}", std::process::id())),
            "{text}"
        );
        // Another account or region is another lock.
        let other = LockKey::new(Some("123456789012"), None, "eu-west-1");
        let _second = acquire_blocking(dir.path(), &other, WhenHeld::Refuse, &mut |_, _| {})
            .expect("other region");
        // A waiter hears whom it waits for, then gets the lock once the first is dropped.
        let dir_path = dir.path().to_path_buf();
        let (tx, rx) = std::sync::mpsc::channel();
        let waiter = std::thread::spawn(move || {
            acquire_blocking(&dir_path, &key, WhenHeld::Wait, &mut |k, h| {
                let _ = tx.send(waiting_line(k, h));
            })
            .map(|l| l.key().clone())
        });
        let line = rx.recv().expect("heard the wait");
        assert!(
            line.contains("waiting for another cleanup in 123456789012"),
            "{line}"
        );
        drop(first);
        let got = waiter.join().expect("joins").expect("acquired");
        assert_eq!(got.region, "us-east-1");
    }

    #[test]
    fn keys_fall_back_to_the_profile_and_make_safe_file_names() {
        let key = LockKey::new(None, Some("dev/ops"), "us-east-1");
        assert_eq!(key.account, "profile-dev/ops");
        assert_eq!(key.file_name(), "cleanup-profile-dev_ops-us-east-1.lock");
        assert_eq!(
            LockKey::new(Some(""), None, "eu-west-1").file_name(),
            "cleanup-profile-default-eu-west-1.lock"
        );
    }
}
