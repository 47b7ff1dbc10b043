//! The small JSON files ecsnap keeps between runs (the task-definition cache, the volume
//! sightings): read back only in the format this build writes, and written whole (a
//! temporary file, then a rename), so no reader ever sees half a file.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::de::DeserializeOwned;

/// Saves so far in this process: each writes its own temporary file, so two saves at once
/// never share one.
static SAVES: AtomicU64 = AtomicU64::new(0);

/// How the log names a kind of file.
pub struct FileName {
    /// `task-definition cache`, `volume sightings`.
    pub what: &'static str,
    /// Whether the name takes a plural verb (`sightings have`, `cache has`).
    pub plural: bool,
}

/// Reads `path` as a `T` whose `version_of` is `version`. `None` when the file is missing;
/// also `None`, logged as starting afresh, when it is unreadable, not valid JSON of `T`, or
/// of another format version.
pub fn read_versioned<T: DeserializeOwned>(
    path: &Path,
    name: &FileName,
    version: u32,
    version_of: impl Fn(&T) -> u32,
) -> Option<T> {
    let what = name.what;
    let (has, is) = if name.plural {
        ("have", "are")
    } else {
        ("has", "is")
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            tracing::warn!("{what} {} unreadable: {e}", path.display());
            return None;
        }
    };
    match serde_json::from_str::<T>(&text) {
        Ok(file) if version_of(&file) == version => Some(file),
        Ok(file) => {
            tracing::info!(
                "{what} {} {has} format {}, not {version}: starting afresh",
                path.display(),
                version_of(&file)
            );
            None
        }
        Err(e) => {
            tracing::warn!(
                "{what} {} {is} not valid ({e}): starting afresh",
                path.display()
            );
            None
        }
    }
}

/// Writes `text` to `path` through a temporary file beside it and a rename, creating the
/// directory first; the temporary file is removed when the rename fails.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let n = SAVES.fetch_add(1, Ordering::Relaxed);
    let tmp = path.with_extension(format!("json.{}-{n}.tmp", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::{FileName, read_versioned, write_atomically};

    #[derive(serde::Deserialize)]
    struct File {
        version: u32,
        value: String,
    }

    const NAME: FileName = FileName {
        what: "test file",
        plural: false,
    };

    fn read(path: &std::path::Path) -> Option<String> {
        read_versioned(path, &NAME, 2, |f: &File| f.version).map(|f| f.value)
    }

    #[test]
    fn a_file_is_read_back_only_whole_and_in_its_format() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sub/file.json");
        assert_eq!(read(&path), None, "missing");
        write_atomically(&path, r#"{"version": 2, "value": "kept"}"#).expect("writes");
        assert_eq!(read(&path).as_deref(), Some("kept"));
        write_atomically(&path, r#"{"version": 1, "value": "old"}"#).expect("writes");
        assert_eq!(read(&path), None, "another format");
        write_atomically(&path, r#"{"version": 2, "val"#).expect("writes");
        assert_eq!(read(&path), None, "not valid");
        let left: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .expect("lists")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(left, ["file.json"], "no temporary file is left behind");
    }
}
