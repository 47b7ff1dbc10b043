//! Unique bytes of a user's images: the manifests of every image involved, fetched with
//! bounded concurrency, and the layers no other image shares.

use std::collections::HashMap;

use futures::{StreamExt, stream};

use crate::analysis::unique::{manifest_layers, unique_bytes};
use crate::aws::{AwsClients, MAX_CONCURRENCY};
use crate::error::{Error, Result};

/// The bytes of `mine` (digests in `repository`) that no image of `others` shares.
/// `progress(done, total)` hears each manifest as it arrives.
pub async fn load_unique_bytes(
    aws: &AwsClients,
    repository: &str,
    mine: &[String],
    others: &[String],
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<i64> {
    let all: Vec<String> = mine.iter().chain(others).cloned().collect();
    let total = all.len();
    let ecr = aws.ecr.clone();
    let repository = repository.to_string();
    let mut fetches = stream::iter(all)
        .map(move |digest| {
            let (ecr, repository) = (ecr.clone(), repository.clone());
            async move {
                let manifest = ecr.get_manifest(&repository, &digest).await;
                (digest, manifest)
            }
        })
        .buffer_unordered(MAX_CONCURRENCY);
    let mut layers = HashMap::new();
    let mut done = 0;
    while let Some((digest, manifest)) = fetches.next().await {
        let layer_list = match manifest? {
            Some(json) => manifest_layers(&json)
                .map_err(|e| Error::Usage(format!("manifest of {digest}: {e}")))?,
            None => Vec::new(),
        };
        layers.insert(digest, layer_list);
        done += 1;
        progress(done, total);
    }
    Ok(unique_bytes(mine, others, &layers))
}
