//! First-use install of the emulator's virtualenv, safe when several threads and processes
//! start at once (the end-to-end tests all do, on a fresh machine).
//!
//! How: one caller installs, the others wait for it and then use its result.
//! - Within a process a mutex serialises the callers (threads of one test binary).
//! - Between processes an OS file lock (`<parent>/.<name>.lock`, next to the install)
//!   does the same; the OS releases it when the holder exits, however it exits.
//! - The installer fills a fresh temporary directory (unique per process and call); the
//!   completion marker is written last and the directory is then renamed into place, so
//!   the final path either does not exist or is complete.
//! - A directory at the final path without the marker (a half-made install of an older
//!   ecsnap, or one made by hand) is never used: it is removed and the install redone.
//!   Temporary directories left by an interrupted install are removed too.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use crate::error::{Error, Result};

/// The file whose presence says an install is complete; written last, before the rename.
pub const MARKER: &str = ".ecsnap-moto-installed";

/// Serialises installs within this process (the file lock does it between processes).
static IN_PROCESS: Mutex<()> = Mutex::new(());

/// Distinguishes the temporary directories of several calls in one process.
static ATTEMPT: AtomicU64 = AtomicU64::new(0);

/// What fills a temporary directory with an install; it hears a progress callback.
pub type InstallStep<'a> = dyn FnMut(&Path, &mut dyn FnMut(&str)) -> Result<()> + 'a;

/// The marker of a (completed) install at `dir`.
pub fn marker(dir: &Path) -> PathBuf {
    dir.join(MARKER)
}

/// Whether `dir` holds a completed install.
pub fn is_complete(dir: &Path) -> bool {
    marker(dir).is_file()
}

/// Makes sure a completed install exists at `dir` and returns `dir`.
///
/// When there is none, `install` is called with an empty temporary directory (a sibling of
/// `dir`) to fill; `stamp` is written into the marker afterwards and the directory renamed
/// to `dir`. Concurrent callers, in this process or others, wait for the one installing
/// and then return the same path without installing again. `progress` hears about waiting
/// and about a half-made install being replaced.
pub fn install_once(
    dir: &Path,
    stamp: &str,
    progress: &mut dyn FnMut(&str),
    install: &mut InstallStep<'_>,
) -> Result<PathBuf> {
    if is_complete(dir) {
        return Ok(dir.to_path_buf());
    }
    let _threads = IN_PROCESS.lock().unwrap_or_else(PoisonError::into_inner);
    let (parent, name) = parent_and_name(dir)?;
    std::fs::create_dir_all(&parent)
        .map_err(|e| Error::io(format!("creating {}", parent.display()), e))?;
    let _processes = lock_file(&parent.join(format!(".{name}.lock")), progress)?;
    // Whoever held the lock before us may have finished the install.
    if is_complete(dir) {
        return Ok(dir.to_path_buf());
    }
    remove_leftovers(dir, &parent, &name, progress)?;
    let tmp = parent.join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        ATTEMPT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&tmp)
        .map_err(|e| Error::io(format!("creating {}", tmp.display()), e))?;
    let finished = install(&tmp, progress)
        .and_then(|()| {
            std::fs::write(marker(&tmp), stamp)
                .map_err(|e| Error::io("writing the install marker", e))
        })
        .and_then(|()| {
            std::fs::rename(&tmp, dir).map_err(|e| {
                Error::io(
                    format!("moving {} into place at {}", tmp.display(), dir.display()),
                    e,
                )
            })
        });
    if finished.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    finished.map(|()| dir.to_path_buf())
}

fn parent_and_name(dir: &Path) -> Result<(PathBuf, String)> {
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| {
            Error::Emulator(format!(
                "{} cannot be an install directory (no final name)",
                dir.display()
            ))
        })?
        .to_owned();
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    Ok((parent, name))
}

/// Opens (creating it if needed) and exclusively locks `path`; the lock is released when
/// the returned file is dropped or the process ends.
fn lock_file(path: &Path, progress: &mut dyn FnMut(&str)) -> Result<File> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| Error::io(format!("opening the install lock {}", path.display()), e))?;
    match file.try_lock() {
        Ok(()) => return Ok(file),
        Err(TryLockError::WouldBlock) => {}
        Err(TryLockError::Error(e)) => {
            return Err(Error::io(
                format!("locking the install lock {}", path.display()),
                e,
            ));
        }
    }
    progress("  another ecsnap (or test) is installing the emulator; waiting for it…");
    file.lock()
        .map_err(|e| Error::io(format!("locking the install lock {}", path.display()), e))?;
    Ok(file)
}

/// With the lock held: removes a half-made install at `dir` and temporary directories of
/// interrupted installs (nobody else can be writing them).
fn remove_leftovers(
    dir: &Path,
    parent: &Path,
    name: &str,
    progress: &mut dyn FnMut(&str),
) -> Result<()> {
    if dir.symlink_metadata().is_ok() {
        progress(&format!(
            "  {} is a half-made install (no completion marker); removing it and installing again",
            dir.display()
        ));
        remove_any(dir)?;
    }
    let prefix = format!(".{name}.tmp-");
    if let Ok(entries) = std::fs::read_dir(parent) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                remove_any(&entry.path())?;
            }
        }
    }
    Ok(())
}

fn remove_any(path: &Path) -> Result<()> {
    let is_dir = path.symlink_metadata().is_ok_and(|m| m.is_dir());
    let removed = if is_dir {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    removed.map_err(|e| Error::io(format!("removing {}", path.display()), e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    /// A stand-in for venv + pip: leaves a file behind, takes a moment, counts its runs.
    fn fake_install(runs: &AtomicUsize, tmp: &Path) -> Result<()> {
        runs.fetch_add(1, Ordering::SeqCst);
        std::fs::create_dir_all(tmp.join("bin")).map_err(|e| Error::io("fake", e))?;
        std::thread::sleep(Duration::from_millis(150));
        std::fs::write(tmp.join("bin").join("python"), "fake").map_err(|e| Error::io("fake", e))
    }

    #[test]
    fn concurrent_threads_install_once_and_share_the_result() {
        let root = tempfile::tempdir().expect("temp dir");
        let dir = root.path().join("moto-venv");
        let runs = Arc::new(AtomicUsize::new(0));
        let results: Vec<PathBuf> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..6)
                .map(|_| {
                    let (dir, runs) = (dir.clone(), Arc::clone(&runs));
                    s.spawn(move || {
                        install_once(&dir, "v1", &mut |_| {}, &mut |tmp, _| {
                            fake_install(&runs, tmp)
                        })
                        .expect("install succeeds")
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("thread joins"))
                .collect()
        });
        assert_eq!(runs.load(Ordering::SeqCst), 1, "the installer ran once");
        assert!(results.iter().all(|p| p == &dir), "{results:?}");
        assert!(is_complete(&dir));
        assert!(dir.join("bin").join("python").is_file());
        let leftovers: Vec<_> = std::fs::read_dir(root.path())
            .expect("read dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-"))
            .collect();
        assert!(leftovers.is_empty(), "temporary dirs left: {leftovers:?}");
    }

    #[test]
    fn a_dir_without_the_marker_is_removed_and_installed_again() {
        let root = tempfile::tempdir().expect("temp dir");
        let dir = root.path().join("moto-venv");
        std::fs::create_dir_all(dir.join("bin")).expect("half-made dir");
        std::fs::write(dir.join("half-made"), "").expect("half-made file");
        std::fs::create_dir_all(root.path().join(".moto-venv.tmp-1-0")).expect("stale tmp");
        let runs = AtomicUsize::new(0);
        let mut heard = Vec::new();
        let path = install_once(
            &dir,
            "v1",
            &mut |m| heard.push(m.to_owned()),
            &mut |tmp, _| fake_install(&runs, tmp),
        )
        .expect("install succeeds");
        assert_eq!(path, dir);
        assert_eq!(
            runs.load(Ordering::SeqCst),
            1,
            "a half-made dir is not used"
        );
        assert!(
            !dir.join("half-made").exists(),
            "the half-made dir was replaced"
        );
        assert!(!root.path().join(".moto-venv.tmp-1-0").exists());
        assert_eq!(
            std::fs::read_to_string(marker(&dir)).ok().as_deref(),
            Some("v1")
        );
        assert!(heard.iter().any(|m| m.contains("half-made")), "{heard:?}");
        // Complete now: the next call does not install.
        install_once(&dir, "v1", &mut |_| {}, &mut |tmp, _| {
            fake_install(&runs, tmp)
        })
        .expect("reuse");
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_failed_install_leaves_nothing_that_counts_as_installed() {
        let root = tempfile::tempdir().expect("temp dir");
        let dir = root.path().join("moto-venv");
        let err = install_once(&dir, "v1", &mut |_| {}, &mut |tmp, _| {
            std::fs::write(tmp.join("partial"), "").map_err(|e| Error::io("fake", e))?;
            Err(Error::Emulator("pip install failed".into()))
        })
        .expect_err("the installer failed");
        assert!(err.to_string().contains("pip install failed"), "{err}");
        assert!(!dir.exists());
        let runs = AtomicUsize::new(0);
        install_once(&dir, "v1", &mut |_| {}, &mut |tmp, _| {
            fake_install(&runs, tmp)
        })
        .expect("retry works");
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    /// Run by `concurrent_processes_install_once` in child processes of this test binary
    /// (with `--ignored` and `ECSNAP_TEST_INSTALL_DIR`); not a test of its own.
    #[test]
    #[ignore = "a child of concurrent_processes_install_once, which runs it in four processes"]
    fn child_process_install() {
        let dir = PathBuf::from(
            std::env::var_os("ECSNAP_TEST_INSTALL_DIR")
                .expect("ECSNAP_TEST_INSTALL_DIR: run by concurrent_processes_install_once"),
        );
        let log = dir.with_extension("runs");
        install_once(&dir, "v1", &mut |_| {}, &mut |tmp, _| {
            // Count the run in a shared file: append is atomic for one short line.
            let mut f = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&log)
                .map_err(|e| Error::io("runs log", e))?;
            std::io::Write::write_all(&mut f, format!("{}\n", std::process::id()).as_bytes())
                .map_err(|e| Error::io("runs log", e))?;
            std::thread::sleep(Duration::from_millis(300));
            std::fs::write(tmp.join("done"), "").map_err(|e| Error::io("fake", e))
        })
        .expect("install in a child process");
        assert!(is_complete(&dir));
    }

    #[test]
    fn concurrent_processes_install_once() {
        let root = tempfile::tempdir().expect("temp dir");
        let dir = root.path().join("moto-venv");
        let exe = std::env::current_exe().expect("the test binary");
        let children: Vec<_> = (0..4)
            .map(|_| {
                std::process::Command::new(&exe)
                    .args([
                        "demo::install::tests::child_process_install",
                        "--exact",
                        "--ignored",
                        "--test-threads=1",
                    ])
                    .env("ECSNAP_TEST_INSTALL_DIR", &dir)
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .expect("child starts")
            })
            .collect();
        for mut child in children {
            let status = child.wait().expect("child exits");
            assert!(status.success(), "a child install failed: {status}");
        }
        let runs = std::fs::read_to_string(dir.with_extension("runs")).expect("runs log");
        assert_eq!(
            runs.lines().count(),
            1,
            "installed more than once: {runs:?}"
        );
        assert!(is_complete(&dir));
        assert!(dir.join("done").is_file());
    }
}
