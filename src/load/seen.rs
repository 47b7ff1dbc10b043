//! The file behind "unattached since" (`analysis::seen`): when ecsnap first saw each volume
//! `available`, per account and region, in `state_dir()/volumes-seen.json` — or
//! `volumes-seen-emulator.json`, keyed by endpoint too, when an endpoint override points at
//! an emulator, so test and demo runs never mix with real data.
//!
//! Written through a temporary file renamed into place; a file that cannot be read or
//! parsed is ignored and rewritten; a failed save is logged, never an error (the listing
//! still works, the start stays unknown).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::analysis::seen::{SeenMap, merge_seen};
use crate::json_file::{FileName, read_versioned, write_atomically};
use crate::model::{Volume, VolumeState};

const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
struct SeenFile {
    version: u32,
    /// Scope (`account/region`, with the endpoint first for an emulator) → volume → first
    /// sighting as `available`.
    scopes: BTreeMap<String, SeenMap>,
}

/// Where the sightings of one account and region are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenScope {
    pub path: PathBuf,
    pub key: String,
}

impl SeenScope {
    /// `file` is the real-AWS file (`Settings::volumes_seen_file`); with an endpoint
    /// override the emulator file next to it is used and the key names the endpoint.
    pub fn new(file: &Path, endpoint: Option<&str>, account: Option<&str>, region: &str) -> Self {
        let account = account
            .filter(|a| !a.is_empty())
            .unwrap_or("unknown-account");
        match endpoint {
            None => Self {
                path: file.to_path_buf(),
                key: format!("{account}/{region}"),
            },
            Some(url) => Self {
                path: file.with_file_name("volumes-seen-emulator.json"),
                key: format!("{url} {account}/{region}"),
            },
        }
    }
}

const NAME: FileName = FileName {
    what: "volume sightings",
    plural: true,
};

fn read_file(path: &Path) -> SeenFile {
    read_versioned(path, &NAME, FORMAT_VERSION, |f: &SeenFile| f.version).unwrap_or_default()
}

fn write_file(path: &Path, file: &SeenFile) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(file).map_err(std::io::Error::other)?;
    write_atomically(path, &text)
}

/// Records which volumes are `available` now and returns, for those seen so on an earlier
/// run, the first such sighting. Only this scope's entries change.
pub fn record(
    scope: &SeenScope,
    volumes: &[Volume],
    now: DateTime<Utc>,
) -> HashMap<String, DateTime<Utc>> {
    let previous = read_file(&scope.path)
        .scopes
        .remove(&scope.key)
        .unwrap_or_default();
    let available = volumes
        .iter()
        .filter(|v| v.state == VolumeState::Available)
        .map(|v| v.id.as_str());
    let update = merge_seen(&previous, available, now);
    if update.keep != previous {
        // Read again just before writing: another run may have saved other scopes meanwhile.
        let mut file = read_file(&scope.path);
        file.version = FORMAT_VERSION;
        if update.keep.is_empty() {
            file.scopes.remove(&scope.key);
        } else {
            file.scopes.insert(scope.key.clone(), update.keep);
        }
        if let Err(e) = write_file(&scope.path, &file) {
            tracing::warn!(
                "volume sightings not saved to {}: {e}",
                scope.path.display()
            );
        }
    }
    update.since
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn vol(id: &str, state: &str) -> Volume {
        Volume {
            id: id.into(),
            state: state.into(),
            ..Volume::default()
        }
    }

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, 9, 0, 0)
            .single()
            .expect("valid")
    }

    #[test]
    fn sightings_survive_runs_per_scope_and_a_damaged_file_is_rewritten() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("state/volumes-seen.json");
        let a = SeenScope::new(&file, None, Some("111122223333"), "eu-west-1");
        let b = SeenScope::new(&file, None, Some("444455556666"), "eu-west-1");
        let vols = [vol("vol-1", "available"), vol("vol-2", "in-use")];
        assert!(record(&a, &vols, day(1)).is_empty(), "first run: unknown");
        assert!(record(&b, &[vol("vol-9", "available")], day(2)).is_empty());
        let since = record(&a, &vols, day(4));
        assert_eq!(since.get("vol-1"), Some(&day(1)));
        assert_eq!(since.get("vol-2"), None);
        // The other account's entry was not dropped by this account's runs.
        assert_eq!(
            record(&b, &[vol("vol-9", "available")], day(5)).get("vol-9"),
            Some(&day(2))
        );
        // Attached now: dropped from the file.
        assert!(record(&a, &[vol("vol-1", "in-use")], day(6)).is_empty());
        assert!(record(&a, &[vol("vol-1", "available")], day(7)).is_empty());

        std::fs::write(&file, "{not json").expect("damaged");
        assert!(record(&a, &vols, day(8)).is_empty());
        assert_eq!(record(&a, &vols, day(9)).get("vol-1"), Some(&day(8)));
    }

    #[test]
    fn an_emulator_gets_its_own_file_and_key() {
        let file = Path::new("/s/ecsnap/volumes-seen.json");
        let real = SeenScope::new(file, None, None, "us-east-1");
        let emu = SeenScope::new(file, Some("http://127.0.0.1:5000"), None, "us-east-1");
        assert_eq!(real.path, file);
        assert_eq!(real.key, "unknown-account/us-east-1");
        assert_eq!(emu.path, Path::new("/s/ecsnap/volumes-seen-emulator.json"));
        assert_eq!(emu.key, "http://127.0.0.1:5000 unknown-account/us-east-1");
    }
}
