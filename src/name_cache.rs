//! The cluster and service names last listed, kept on disk for shell completion
//! (`ecsnap __names`, which the completion scripts call): completing `--cluster` and
//! `--service` never waits on the network — it reads this file, written whenever a listing
//! or the console loads the services of an AWS account — when the on-disk caches are on, as
//! for the task-definition cache: not with `--no-cache`, not against an `--endpoint-url`
//! emulator (whose demo names would otherwise be offered for real accounts), not from
//! clients built without it (the tests'). Names of every account and region listed are
//! offered together: the shell does not say which is meant.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::json_file::{FileName, read_versioned, write_atomically};
use crate::model::Service;

const VERSION: u32 = 1;
const NAME: FileName = FileName {
    what: "names for completion",
    plural: true,
};

#[derive(Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
struct Names {
    version: u32,
    /// Service names by cluster name.
    clusters: BTreeMap<String, BTreeSet<String>>,
}

/// The file: `$XDG_CACHE_HOME/ecsnap/names.json`.
pub fn path() -> Option<PathBuf> {
    crate::config::cache_dir().map(|d| d.join("names.json"))
}

/// Records the services just listed (each cluster listed replaces its names); a failure to
/// write is logged, never an error of the listing.
pub fn record(services: &[Service], caches_on: bool) {
    if !caches_on {
        return;
    }
    if let Some(path) = path() {
        record_in(&path, services);
    }
}

/// [`record`] into `path`.
pub fn record_in(path: &Path, services: &[Service]) {
    let mut names = read(path);
    let before = names.clusters.clone();
    let mut listed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for s in services {
        listed
            .entry(s.cluster.clone())
            .or_default()
            .insert(s.name.clone());
    }
    names.clusters.extend(listed);
    if names.clusters == before {
        return;
    }
    names.version = VERSION;
    let written = serde_json::to_string(&names)
        .map_err(std::io::Error::other)
        .and_then(|text| write_atomically(path, &text));
    if let Err(e) = written {
        tracing::warn!(
            "the {} could not be written to {}: {e}",
            NAME.what,
            path.display()
        );
    }
}

fn read(path: &Path) -> Names {
    read_versioned(path, &NAME, VERSION, |n: &Names| n.version).unwrap_or_default()
}

/// The cluster names known, sorted.
pub fn clusters_in(path: &Path) -> Vec<String> {
    read(path).clusters.into_keys().collect()
}

/// The service names known (of `cluster` only, when given), sorted, each once.
pub fn services_in(path: &Path, cluster: Option<&str>) -> Vec<String> {
    let names = read(path);
    let all: BTreeSet<String> = names
        .clusters
        .into_iter()
        .filter(|(c, _)| cluster.is_none_or(|wanted| wanted == c))
        .flat_map(|(_, services)| services)
        .collect();
    all.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(cluster: &str, name: &str) -> Service {
        Service {
            cluster: cluster.into(),
            name: name.into(),
            ..Service::default()
        }
    }

    #[test]
    fn listed_names_are_kept_and_a_cluster_listed_again_replaces_its_own() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cache").join("names.json");
        assert!(clusters_in(&path).is_empty(), "no file: nothing offered");
        record_in(
            &path,
            &[
                service("payments-prod", "checkout"),
                service("payments-prod", "ledger"),
                service("search-staging", "crawler"),
            ],
        );
        assert_eq!(clusters_in(&path), ["payments-prod", "search-staging"]);
        assert_eq!(services_in(&path, None), ["checkout", "crawler", "ledger"]);
        // payments-prod listed again without ledger: ledger is gone, search-staging stays.
        record_in(&path, &[service("payments-prod", "checkout")]);
        assert_eq!(services_in(&path, Some("payments-prod")), ["checkout"]);
        assert_eq!(services_in(&path, Some("search-staging")), ["crawler"]);
    }

    #[test]
    fn an_unreadable_file_offers_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("names.json");
        std::fs::write(&path, "{not json").expect("write");
        assert!(clusters_in(&path).is_empty());
    }
}
