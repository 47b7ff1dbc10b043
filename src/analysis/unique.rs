//! Unique bytes of a user's snapshot images: the layers their manifests reference that no
//! other image (in the same repository) references. Shared base layers cost nothing extra
//! to keep, so this is what deleting every tag of the user would actually free.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

/// One layer of an image manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    pub digest: String,
    pub size: i64,
}

#[derive(Deserialize)]
struct ManifestJson {
    #[serde(default)]
    layers: Vec<LayerJson>,
}

#[derive(Deserialize)]
struct LayerJson {
    digest: String,
    #[serde(default)]
    size: i64,
}

/// The layers of a Docker v2 / OCI image manifest. A manifest list (index) has no
/// `layers` and yields none.
pub fn manifest_layers(json: &str) -> Result<Vec<Layer>, String> {
    let m: ManifestJson =
        serde_json::from_str(json).map_err(|e| format!("unreadable image manifest: {e}"))?;
    Ok(m.layers
        .into_iter()
        .map(|l| Layer {
            digest: l.digest,
            size: l.size.max(0),
        })
        .collect())
}

/// Bytes of the layers used by `mine` (image digests) and by no image in `others`.
/// `layers` maps an image digest to its manifest's layers; each layer counts once.
pub fn unique_bytes<S: std::hash::BuildHasher>(
    mine: &[String],
    others: &[String],
    layers: &HashMap<String, Vec<Layer>, S>,
) -> i64 {
    let mine_set: HashSet<&str> = mine.iter().map(String::as_str).collect();
    let shared: HashSet<&str> = others
        .iter()
        .filter(|d| !mine_set.contains(d.as_str()))
        .filter_map(|d| layers.get(d))
        .flatten()
        .map(|l| l.digest.as_str())
        .collect();
    let mut counted = HashSet::new();
    mine_set
        .iter()
        .filter_map(|d| layers.get(*d))
        .flatten()
        .filter(|l| !shared.contains(l.digest.as_str()) && counted.insert(l.digest.as_str()))
        .map(|l| l.size)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(d: &str, size: i64) -> Layer {
        Layer {
            digest: d.into(),
            size,
        }
    }

    #[test]
    fn manifest_layers_are_read() {
        let json = r#"{"schemaVersion":2,"config":{"size":7,"digest":"sha256:c"},
            "layers":[{"digest":"sha256:a","size":10},{"digest":"sha256:b","size":20}]}"#;
        assert_eq!(
            manifest_layers(json),
            Ok(vec![layer("sha256:a", 10), layer("sha256:b", 20)])
        );
        assert_eq!(manifest_layers(r#"{"manifests":[]}"#), Ok(vec![]));
        assert!(manifest_layers("not json").is_err());
    }

    #[test]
    fn unique_bytes_table() {
        let layers: HashMap<String, Vec<Layer>> = [
            ("i1", vec![layer("base", 100), layer("a1", 10)]),
            (
                "i2",
                vec![layer("base", 100), layer("a2", 20), layer("a1", 10)],
            ),
            ("o1", vec![layer("base", 100), layer("b1", 5)]),
            ("o2", vec![layer("a2", 20)]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_string()).collect::<Vec<_>>();
        let cases: [(&[&str], &[&str], i64); 5] = [
            // base shared with o1, a2 shared with o2: only a1 (once) is unique.
            (&["i1", "i2"], &["o1", "o2"], 10),
            (&["i1", "i2"], &["o1"], 30),
            (&["i1", "i2"], &[], 130),
            // An image listed on both sides is mine, not a sharer.
            (&["i1"], &["i1"], 110),
            // Unknown manifests count nothing.
            (&["zz"], &["o1"], 0),
        ];
        for (mine, others, want) in cases {
            assert_eq!(
                unique_bytes(&s(mine), &s(others), &layers),
                want,
                "{mine:?} vs {others:?}"
            );
        }
    }
}
