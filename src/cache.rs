//! The on-disk cache of task-definition images: a task-definition revision never changes
//! once registered, so the images of `arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY:N`
//! are fetched once and then read from `$XDG_CACHE_HOME/ecsnap/task-definitions.json` by
//! every later run (in-use detection otherwise needs one DescribeTaskDefinition per
//! definition: the API has no batch form).
//!
//! Only full ARNs with a revision are kept (they name the account and region), only the
//! container images (never environment values, which may hold secrets), and only against
//! real AWS: `connect` leaves the cache off when an endpoint override points at an
//! emulator, whose ARNs repeat from one server to the next. Entries unseen for
//! `MAX_AGE_DAYS` are dropped and the file holds at most `MAX_ENTRIES`. A file that cannot
//! be read is ignored (and rewritten on the next save); a failed save is logged, never an
//! error: the cache only saves calls.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::json_file::{FileName, read_versioned, write_atomically};

/// Entries not used for this long are dropped on save.
pub const MAX_AGE_DAYS: i64 = 90;
/// At most this many definitions are kept (the most recently used).
pub const MAX_ENTRIES: usize = 20_000;
const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    images: Vec<String>,
    /// Unix seconds of the last run that used this entry.
    seen: i64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    entries: HashMap<String, Entry>,
}

#[derive(Debug, Default)]
struct State {
    loaded: bool,
    entries: HashMap<String, Entry>,
    changed: bool,
}

/// Task-definition images by ARN, read lazily from one JSON file and written back by
/// `save`. Shared between concurrent loads (`&self` everywhere).
#[derive(Debug)]
pub struct TaskDefinitionCache {
    path: PathBuf,
    now: DateTime<Utc>,
    state: Mutex<State>,
}

/// Whether `arn` names one revision unambiguously: a full ARN ending in `:N`.
pub fn cacheable(arn: &str) -> bool {
    let fields: Vec<&str> = arn.splitn(6, ':').collect();
    let [arn_tag, _partition, service, region, account, resource] = fields[..] else {
        return false;
    };
    arn_tag == "arn"
        && service == "ecs"
        && !region.is_empty()
        && !account.is_empty()
        && resource
            .strip_prefix("task-definition/")
            .and_then(|r| r.rsplit_once(':'))
            .is_some_and(|(family, rev)| {
                !family.is_empty() && !rev.is_empty() && rev.bytes().all(|b| b.is_ascii_digit())
            })
}

impl TaskDefinitionCache {
    /// A cache kept in `path` (read on first use).
    pub fn open(path: PathBuf, now: DateTime<Utc>) -> Self {
        Self {
            path,
            now,
            state: Mutex::new(State::default()),
        }
    }

    /// The default file: `$XDG_CACHE_HOME/ecsnap/task-definitions.json` (or under
    /// `~/.cache`); `None` without a home directory.
    pub fn default_path() -> Option<PathBuf> {
        crate::config::cache_dir().map(|d| d.join("task-definitions.json"))
    }

    fn with_state<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        // A panic elsewhere while holding the lock leaves plain data behind: keep using it.
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !state.loaded {
            state.loaded = true;
            state.entries = read_file(&self.path);
        }
        f(&mut state)
    }

    /// The images of a cached definition, marking it used.
    pub fn images(&self, arn: &str) -> Option<Vec<String>> {
        let now = self.now.timestamp();
        self.with_state(|s| {
            let entry = s.entries.get_mut(arn)?;
            if entry.seen != now {
                entry.seen = now;
                s.changed = true;
            }
            Some(entry.images.clone())
        })
    }

    /// Remembers a definition's images; ignored for ARNs that do not name one revision.
    pub fn insert(&self, arn: &str, images: Vec<String>) {
        if !cacheable(arn) {
            return;
        }
        let seen = self.now.timestamp();
        self.with_state(|s| {
            s.entries.insert(arn.to_string(), Entry { images, seen });
            s.changed = true;
        });
    }

    pub fn len(&self) -> usize {
        self.with_state(|s| s.entries.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the cache back when it changed, merged with what another run may have
    /// written meanwhile, pruned, through a temporary file renamed into place.
    pub fn save(&self) -> std::io::Result<()> {
        let path = &self.path;
        let entries = self.with_state(|s| {
            if !s.changed {
                return None;
            }
            s.changed = false;
            Some(s.entries.clone())
        });
        let Some(mut entries) = entries else {
            return Ok(());
        };
        for (arn, theirs) in read_file(path) {
            let ours = entries.entry(arn).or_insert_with(|| theirs.clone());
            ours.seen = ours.seen.max(theirs.seen);
        }
        prune(&mut entries, self.now, MAX_ENTRIES);
        write_file(path, &entries)
    }
}

/// Drops entries unseen for `MAX_AGE_DAYS`, then all but the `max` most recently seen.
fn prune(entries: &mut HashMap<String, Entry>, now: DateTime<Utc>, max: usize) {
    let oldest = now.timestamp() - MAX_AGE_DAYS * 86_400;
    entries.retain(|_, e| e.seen >= oldest);
    if entries.len() > max {
        let mut seen: Vec<i64> = entries.values().map(|e| e.seen).collect();
        seen.sort_unstable_by(|a, b| b.cmp(a));
        let cutoff = seen[max - 1];
        // Ties at the cutoff may keep a few too many; then drop by ARN order, stably.
        entries.retain(|_, e| e.seen >= cutoff);
        if entries.len() > max {
            let mut at_cutoff: Vec<String> = entries
                .iter()
                .filter(|(_, e)| e.seen == cutoff)
                .map(|(a, _)| a.clone())
                .collect();
            at_cutoff.sort();
            let excess = entries.len() - max;
            for arn in at_cutoff.into_iter().rev().take(excess) {
                entries.remove(&arn);
            }
        }
    }
}

const NAME: FileName = FileName {
    what: "task-definition cache",
    plural: false,
};

fn read_file(path: &Path) -> HashMap<String, Entry> {
    read_versioned(path, &NAME, FORMAT_VERSION, |f: &CacheFile| f.version)
        .map(|file| {
            file.entries
                .into_iter()
                .filter(|(arn, _)| cacheable(arn))
                .collect()
        })
        .unwrap_or_default()
}

fn write_file(path: &Path, entries: &HashMap<String, Entry>) -> std::io::Result<()> {
    let file = CacheFile {
        version: FORMAT_VERSION,
        entries: entries.clone(),
    };
    let text = serde_json::to_string(&file).map_err(std::io::Error::other)?;
    write_atomically(path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "arn:aws:ecs:eu-west-1:111122223333:task-definition/api:7";
    const B: &str = "arn:aws:ecs:eu-west-1:111122223333:task-definition/worker:12";

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).expect("valid time")
    }

    #[test]
    fn only_full_revision_arns_are_cacheable() {
        let cases = [
            (A, true),
            (
                "arn:aws-cn:ecs:cn-north-1:111122223333:task-definition/a-b_c:1",
                true,
            ),
            ("api:7", false),
            (
                "arn:aws:ecs:eu-west-1:111122223333:task-definition/api",
                false,
            ),
            (
                "arn:aws:ecs:eu-west-1:111122223333:task-definition/api:latest",
                false,
            ),
            ("arn:aws:ecs:eu-west-1:111122223333:service/c/api", false),
            ("arn:aws:ecs::111122223333:task-definition/api:7", false),
            ("", false),
        ];
        for (arn, want) in cases {
            assert_eq!(cacheable(arn), want, "{arn}");
        }
    }

    #[test]
    fn saved_entries_are_read_by_the_next_run() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sub/task-definitions.json");
        let first = TaskDefinitionCache::open(path.clone(), at(1_000_000));
        assert_eq!(first.images(A), None);
        first.insert(A, vec!["reg/ws:alice-1".into(), "reg/sidecar:3".into()]);
        first.insert("api:7", vec!["never".into()]);
        first.save().expect("saved");

        let second = TaskDefinitionCache::open(path.clone(), at(1_000_100));
        assert_eq!(
            second.images(A),
            Some(vec![
                "reg/ws:alice-1".to_string(),
                "reg/sidecar:3".to_string()
            ])
        );
        assert_eq!(second.images("api:7"), None);
        assert_eq!(second.len(), 1);
        let text = std::fs::read_to_string(&path).expect("cache file");
        assert!(text.contains("reg/sidecar:3"), "{text}");
    }

    #[test]
    fn concurrent_runs_merge_instead_of_overwriting() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("td.json");
        let one = TaskDefinitionCache::open(path.clone(), at(5_000));
        let two = TaskDefinitionCache::open(path.clone(), at(5_000));
        assert!(one.is_empty() && two.is_empty());
        one.insert(A, vec!["a".into()]);
        two.insert(B, vec!["b".into()]);
        one.save().expect("saved");
        two.save().expect("saved");
        let after = TaskDefinitionCache::open(path, at(5_001));
        assert_eq!(after.images(A), Some(vec!["a".to_string()]));
        assert_eq!(after.images(B), Some(vec!["b".to_string()]));
    }

    #[test]
    fn a_damaged_or_foreign_file_is_ignored_and_replaced() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("td.json");
        for text in ["{not json", r#"{"version": 99, "entries": {}}"#] {
            std::fs::write(&path, text).expect("written");
            let cache = TaskDefinitionCache::open(path.clone(), at(10));
            assert_eq!(cache.images(A), None);
            cache.insert(A, vec!["x".into()]);
            cache.save().expect("saved");
            let again = TaskDefinitionCache::open(path.clone(), at(11));
            assert_eq!(again.images(A), Some(vec!["x".to_string()]));
        }
    }

    #[test]
    fn nothing_is_written_when_nothing_changed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("td.json");
        let cache = TaskDefinitionCache::open(path.clone(), at(10));
        assert_eq!(cache.images(A), None);
        cache.save().expect("saved");
        assert!(!path.exists());
    }

    #[test]
    fn prune_drops_stale_then_least_recently_used() {
        let day = 86_400;
        let now = at(1_000 * day);
        let mut entries: HashMap<String, Entry> = (0..6)
            .map(|i| {
                (
                    format!("arn:aws:ecs:r:1:task-definition/f:{i}"),
                    Entry {
                        images: vec![],
                        // 0 and 1 are older than MAX_AGE_DAYS; 4 and 5 share a time.
                        seen: match i {
                            0 => now.timestamp() - (MAX_AGE_DAYS + 5) * day,
                            1 => now.timestamp() - (MAX_AGE_DAYS + 1) * day,
                            2 => now.timestamp() - 3 * day,
                            3 => now.timestamp() - 2 * day,
                            _ => now.timestamp() - day,
                        },
                    },
                )
            })
            .collect();
        prune(&mut entries, now, 3);
        let mut kept: Vec<&str> = entries.keys().map(String::as_str).collect();
        kept.sort_unstable();
        assert_eq!(
            kept,
            [
                "arn:aws:ecs:r:1:task-definition/f:3",
                "arn:aws:ecs:r:1:task-definition/f:4",
                "arn:aws:ecs:r:1:task-definition/f:5"
            ]
        );
        prune(&mut entries, now, 1);
        assert_eq!(entries.len(), 1);
        assert!(entries.contains_key("arn:aws:ecs:r:1:task-definition/f:4"));
    }
}
