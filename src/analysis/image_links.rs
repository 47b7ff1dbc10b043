//! How ECR images hang together (pure): an image index (OCI index, Docker manifest list)
//! and the manifests it lists, a referrer (signature, SBOM, SOCI index) and the manifest
//! it refers to. Deleting a child of an index that stays, or the subject of a referrer
//! that stays, breaks the image that stays; the image cleanup asks here who keeps what.

use std::collections::HashMap;

use serde::Deserialize;

use crate::model::Image;

/// The OCI image index media type.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// The Docker manifest list media type.
pub const DOCKER_MANIFEST_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";

/// Whether ECR says the image is an index (its manifest lists other manifests).
pub fn is_index(image: &Image) -> bool {
    image
        .media_type
        .as_deref()
        .is_some_and(|m| m == OCI_INDEX || m == DOCKER_MANIFEST_LIST)
}

/// What a manifest says about other manifests: the ones it lists (an index) and the one
/// it refers to (a referrer's `subject`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManifestLinks {
    pub children: Vec<String>,
    pub subject: Option<String>,
}

#[derive(Deserialize)]
struct Descriptor {
    digest: String,
}

#[derive(Deserialize)]
struct ManifestText {
    #[serde(default)]
    manifests: Vec<Descriptor>,
    subject: Option<Descriptor>,
}

/// Reads the links out of a manifest's JSON text; `None` when it is not JSON ecsnap reads.
pub fn parse_manifest(text: &str) -> Option<ManifestLinks> {
    let m: ManifestText = serde_json::from_str(text).ok()?;
    Some(ManifestLinks {
        children: m.manifests.into_iter().map(|d| d.digest).collect(),
        subject: m.subject.map(|d| d.digest),
    })
}

/// `(repository, digest)`.
type Key = (String, String);

/// Every index's children and every subject's referrers, by repository and digest.
#[derive(Debug, Clone, Default)]
pub struct ImageLinks {
    children: HashMap<Key, Vec<String>>,
    parents: HashMap<Key, Vec<String>>,
    referrers: HashMap<Key, Vec<String>>,
}

impl ImageLinks {
    /// From the images (their `subject`) and the manifests read for some of them
    /// (`(repository, digest)` → manifest text: the indexes', at least).
    pub fn new(images: &[Image], manifests: &HashMap<Key, String>) -> Self {
        let mut links = Self::default();
        for image in images {
            let key = (image.repository.clone(), image.digest.clone());
            let parsed = manifests.get(&key).and_then(|t| parse_manifest(t));
            let subject = image
                .subject
                .clone()
                .or_else(|| parsed.as_ref().and_then(|p| p.subject.clone()));
            if let Some(subject) = subject {
                links
                    .referrers
                    .entry((image.repository.clone(), subject))
                    .or_default()
                    .push(image.digest.clone());
            }
            for child in parsed.map(|p| p.children).unwrap_or_default() {
                links
                    .parents
                    .entry((image.repository.clone(), child.clone()))
                    .or_default()
                    .push(image.digest.clone());
                links.children.entry(key.clone()).or_default().push(child);
            }
        }
        links
    }

    /// The manifests an index lists (nothing for a plain image).
    pub fn children(&self, repository: &str, digest: &str) -> &[String] {
        get(&self.children, repository, digest)
    }

    /// The indexes that list this manifest.
    pub fn indexes_of(&self, repository: &str, digest: &str) -> &[String] {
        get(&self.parents, repository, digest)
    }

    /// The referrers whose subject is this manifest.
    pub fn referrers_of(&self, repository: &str, digest: &str) -> &[String] {
        get(&self.referrers, repository, digest)
    }
}

fn get<'a>(map: &'a HashMap<Key, Vec<String>>, repository: &str, digest: &str) -> &'a [String] {
    map.get(&(repository.to_string(), digest.to_string()))
        .map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(digest: &str, media: Option<&str>, subject: Option<&str>) -> Image {
        Image {
            repository: "ws".into(),
            digest: digest.into(),
            media_type: media.map(str::to_string),
            subject: subject.map(str::to_string),
            ..Image::default()
        }
    }

    #[test]
    fn an_index_lists_its_children_and_a_referrer_names_its_subject() {
        let index = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",
            "manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:amd","size":1},
                         {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:arm","size":1}]}"#;
        let signature = r#"{"schemaVersion":2,"artifactType":"application/vnd.cncf.notary.signature",
            "subject":{"digest":"sha256:amd","size":1},"layers":[]}"#;
        let images = vec![
            image("sha256:idx", Some(OCI_INDEX), None),
            image("sha256:amd", None, None),
            image("sha256:arm", None, None),
            image("sha256:sig", None, None),
            image("sha256:sbom", None, Some("sha256:arm")),
        ];
        let manifests = HashMap::from([
            (
                ("ws".to_string(), "sha256:idx".to_string()),
                index.to_string(),
            ),
            (
                ("ws".to_string(), "sha256:sig".to_string()),
                signature.to_string(),
            ),
        ]);
        let links = ImageLinks::new(&images, &manifests);
        assert!(is_index(&images[0]) && !is_index(&images[1]));
        assert_eq!(
            links.children("ws", "sha256:idx"),
            ["sha256:amd", "sha256:arm"]
        );
        assert_eq!(links.indexes_of("ws", "sha256:arm"), ["sha256:idx"]);
        assert_eq!(links.referrers_of("ws", "sha256:amd"), ["sha256:sig"]);
        assert_eq!(links.referrers_of("ws", "sha256:arm"), ["sha256:sbom"]);
        assert!(links.children("other", "sha256:idx").is_empty());
        assert_eq!(parse_manifest("not json"), None);
    }
}
