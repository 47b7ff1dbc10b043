//! Micro-benchmarks of the pure analysis over 100,000 items (issue 6):
//! `cargo bench --bench analysis`.
//!
//! - `find_orphans`: 50,000 volumes (half available) and 50,000 snapshots (a third of them
//!   of deleted volumes), 1,000 AMIs.
//! - `group_by_user`: 100,000 ECR images in 20 repositories, 2,000 users, 1,000 in-use
//!   references.
//!
//! The console's 20,000-row frame and filter keystroke are in `benches/tui.rs`.

use std::hint::black_box;

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use ecsnap::analysis::cost::Prices;
use ecsnap::analysis::in_use::InUse;
use ecsnap::analysis::orphans::{OrphanRules, find_orphans};
use ecsnap::analysis::tags::{TagPattern, group_by_user};
use ecsnap::model::{Ami, Image, Snapshot, Volume};

const ITEMS: usize = 100_000;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

fn ago(days: usize) -> Option<DateTime<Utc>> {
    now().checked_sub_signed(Duration::days(days as i64))
}

fn ebs_fixture() -> (Vec<Volume>, Vec<Snapshot>, Vec<Ami>) {
    let half = ITEMS / 2;
    let volumes = (0..half)
        .map(|i| Volume {
            id: format!("vol-{i:017x}"),
            size_gib: 8 + (i % 500) as i32,
            volume_type: "gp3".into(),
            state: if i % 2 == 0 { "available" } else { "in-use" }.into(),
            create_time: ago(i % 400),
            tags: if i % 5 == 0 {
                [
                    ("AmazonECSCreated".to_string(), "true".to_string()),
                    ("aws:ecs:clusterName".to_string(), format!("c-{}", i % 20)),
                    (
                        "aws:ecs:serviceName".to_string(),
                        format!("svc-{}", i % 1000),
                    ),
                ]
                .into_iter()
                .collect()
            } else {
                std::collections::BTreeMap::new()
            },
            ..Volume::default()
        })
        .collect();
    let snapshots = (0..half)
        .map(|i| Snapshot {
            id: format!("snap-{i:017x}"),
            // Every third snapshot's volume is gone (ids past the volumes' range).
            volume_id: Some(format!(
                "vol-{:017x}",
                if i % 3 == 0 { half + i } else { i }
            )),
            size_gib: 8 + (i % 500) as i32,
            state: "completed".into(),
            start_time: ago(i % 400),
            owner_id: Some("123456789012".into()),
            ..Snapshot::default()
        })
        .collect();
    let amis = (0..1_000)
        .map(|i| Ami {
            id: format!("ami-{i:017x}"),
            name: Some(format!("golden-{i}")),
            state: Some("available".into()),
            snapshot_ids: vec![format!("snap-{:017x}", i * 30)],
        })
        .collect();
    (volumes, snapshots, amis)
}

fn image_fixture() -> (Vec<Image>, InUse) {
    let images: Vec<Image> = (0..ITEMS)
        .map(|i| Image {
            repository: format!("workspaces-{:02}", i % 20),
            digest: format!("sha256:{i:064x}"),
            tags: vec![format!(
                "user{:04}-202611{:02}T{:02}{:02}",
                i % 2_000,
                1 + i % 28,
                (i / 28) % 24,
                (i * 7) % 60
            )],
            pushed_at: ago(i % 90),
            size_bytes: 100_000_000 + (i as i64 % 977) * 1_000_000,
            ..Default::default()
        })
        .collect();
    let mut in_use = InUse::default();
    for image in images.iter().step_by(ITEMS / 1_000) {
        in_use.add_reference(&format!(
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/{}:{}",
            image.repository, image.tags[0]
        ));
    }
    (images, in_use)
}

fn analysis(c: &mut Criterion) {
    let prices = Prices::default();
    let rules = OrphanRules {
        protection_tag: "ecsnap:keep",
        min_age_days: None,
        account: Some("123456789012"),
        prices: &prices,
        now: now(),
        unattached_days: None,
        available_since: None,
    };
    let (volumes, snapshots, amis) = ebs_fixture();
    c.bench_function("find_orphans_100k", |b| {
        b.iter(|| {
            find_orphans(
                black_box(&volumes),
                black_box(&snapshots),
                &amis,
                &[],
                &rules,
            )
        });
    });

    let (images, in_use) = image_fixture();
    let pattern = TagPattern::default();
    c.bench_function("group_by_user_100k", |b| {
        b.iter(|| group_by_user(black_box(&images), &pattern, &in_use));
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = analysis
}
criterion_main!(benches);
