//! Index-safe image cleanup against moto, images pushed with PutImage through the SDK: a
//! multi-architecture index (OCI image index) among a user's newest tags keeps the manifest
//! it lists, even when that manifest carries an old tag of the user's own; `cleanup
//! --images --dry-run` skips it naming the index, and plans the user's other old tags.

use crate::emulator::{block_on, json_of};
use crate::harness::Fresh;
use ecsnap::analysis::image_links::OCI_INDEX;

const REPO: &str = "ws-index";

/// A distinct single-layer image manifest (moto derives the digest from the layers).
fn manifest(seed: u8) -> String {
    let d = |salt: u8| format!("sha256:{}", format!("{seed:02x}{salt:02x}").repeat(16));
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","size":1000,"digest":"{}"}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":5000,"digest":"{}"}}]}}"#,
        d(1),
        d(2)
    )
}

#[test]
fn a_kept_index_keeps_the_manifest_it_lists() {
    let t = Fresh::start();
    let ecr = &t.aws.ecr;
    let digest_of = |tag: &str| {
        let out = block_on(
            ecr.describe_images()
                .repository_name(REPO)
                .image_ids(
                    aws_sdk_ecr::types::ImageIdentifier::builder()
                        .image_tag(tag)
                        .build(),
                )
                .send(),
        )
        .expect("described");
        out.image_details()
            .first()
            .and_then(|d| d.image_digest())
            .map(str::to_string)
            .expect("a digest")
    };
    block_on(ecr.create_repository().repository_name(REPO).send()).expect("repository");
    let put = |tag: &str, body: String| {
        block_on(
            ecr.put_image()
                .repository_name(REPO)
                .image_tag(tag)
                .image_manifest(body)
                .send(),
        )
        .expect("put image");
    };
    // The amd64 manifest carries alice's oldest tag; her newest tag is the index listing it.
    put("alice-20261101T0800", manifest(1));
    put("alice-20261102T0800", manifest(2));
    put("alice-20261103T0800", manifest(3));
    let amd = digest_of("alice-20261101T0800");
    let index = format!(
        r#"{{"schemaVersion":2,"mediaType":"{OCI_INDEX}","manifests":[{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{amd}","size":500,"platform":{{"architecture":"amd64","os":"linux"}}}}]}}"#
    );
    let index_digest = format!("sha256:{}", "ab".repeat(32));
    block_on(
        ecr.put_image()
            .repository_name(REPO)
            .image_tag("alice-20261104T0800")
            .image_manifest(index)
            .image_manifest_media_type(OCI_INDEX)
            .image_digest(&index_digest)
            .send(),
    )
    .expect("put index");

    let plan = json_of(
        t.ecsnap()
            .args(["--json", "cleanup", "--images", "--dry-run"]),
    );
    let skipped = plan["skipped"].as_array().expect("skipped");
    let amd_id = format!("{REPO}@{amd}");
    let why = skipped
        .iter()
        .find(|s| s["id"] == amd_id.as_str())
        .and_then(|s| s["reason"].as_str())
        .unwrap_or_else(|| panic!("{amd_id} skipped: {plan}"));
    assert_eq!(
        why,
        format!(
            "a manifest of image index {REPO}@{index_digest} (alice-20261104T0800) which is kept"
        )
    );
    assert!(
        plan["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|i| i["id"] != amd_id.as_str()),
        "{plan}"
    );
}
