//! The console's storage states (issue 26): the Orphans pane's zone, tier, lock and mark
//! columns; `m` marking orphans for deletion through ops's plan → confirm → send (and
//! read-only refusing); the rollback picker marking an archived snapshot, refusing to
//! confirm it, and `t` starting its restore through the same plan → confirm → send. Screens
//! at 120×40 and 80×24 (insta).

use crate::actions::{assert_y_refused_in_read_only, ch, on_worker, only_action};
use crate::asserts::{assert_has, assert_has_all, assert_lacks};
use crate::fixtures::{deliver, dialog, generation, loaded_state, now, render, reply};
use chrono::NaiveDate;
use ecsnap::analysis::marks::DELETE_AFTER_TAG;
use ecsnap::model::{ResourceKind, Skipped, Snapshot, SnapshotLock};
use ecsnap::ops::cleanup::marks::{Mark, MarkPlan};
use ecsnap::ops::cleanup::{ItemResult, ItemStatus};
use ecsnap::ops::restore_snapshot::{RestoreFor, RestoreSnapshotPlan};
use ecsnap::ops::rollback::EbsChoices;
use ecsnap::tui::run::effect::{ActionEffect, Effect, Load, StorageEffect, Work};
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::modal::Stage;
use ecsnap::tui::state::msg::{DialogAnswer, Planned};
use ecsnap::tui::state::pane_id::PaneId;
use ecsnap::tui::state::storage::{StorageAsk, StorageDone, StoragePlan};

/// `y` on the storage dialog: the plan it sends.
pub(crate) fn sends_on_y(s: &mut AppState) -> StoragePlan {
    let effects = ch(s, 'y');
    let ActionEffect::Storage(StorageEffect::Send { plan, .. }) = only_action(&effects) else {
        panic!("y sends the plan shown: {effects:?}");
    };
    plan.clone()
}

/// The ids of the Orphans pane's rows, as the table shows them (filter and order).
pub(crate) fn orphan_ids(s: &AppState) -> Vec<String> {
    s.orphans
        .list
        .visible_rows()
        .map(|r| r.id().to_string())
        .collect()
}

/// Ops's plan for the storage dialog arrives.
pub(crate) fn storage_planned(s: &mut AppState, plan: StoragePlan) {
    reply(s, DialogAnswer::Planned(Ok(Planned::Storage(plan))));
}

const MARKED: &str = "vol-0c01d00000000005e";
const ARCHIVED: &str = "snap-0aa0000000000001a";

/// The Orphans pane with a marked volume in another zone, the orphaned snapshot archived
/// and locked.
fn orphans_in_every_state() -> AppState {
    let mut s = loaded_state();
    s.pane = PaneId::Orphans;
    let mut report = crate::fixtures::orphan_report();
    for v in &mut report.volumes {
        if v.volume.id == MARKED {
            v.volume
                .tags
                .insert(DELETE_AFTER_TAG.into(), "2027-01-05".into());
            v.volume.availability_zone = Some("us-east-1c".into());
        }
    }
    for o in &mut report.snapshots {
        if o.snapshot.id == ARCHIVED {
            o.snapshot.storage_tier = Some("archive".into());
        }
    }
    report.locks.insert(
        ARCHIVED.into(),
        SnapshotLock {
            snapshot_id: ARCHIVED.into(),
            state: "compliance".into(),
            expires_on: Some(now() + chrono::Duration::days(60)),
        },
    );
    s.orphans.set_report(report);
    s
}

#[test]
fn orphans_show_the_zone_the_tier_the_lock_and_the_mark() {
    let s = orphans_in_every_state();
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "AZ",
            "us-east-1c",
            "us-east-1a",
            "archive",
            "locked until 2027-",
            "2027-01-05",
        ],
    );
    insta::assert_snapshot!("orphans_storage_states_120x40", text);
    let narrow = render(&s, 80, 24);
    // Narrow: ids, money and the mark's date stay whole.
    assert_has_all(&narrow, &["2027-01-05", ARCHIVED]);
    insta::assert_snapshot!("orphans_storage_states_80x24", narrow);
}

#[test]
fn the_filter_finds_marked_orphans_and_a_zone() {
    let mut s = orphans_in_every_state();
    s.orphans.list.set_filter("marked".into());
    assert_eq!(orphan_ids(&s), vec![MARKED.to_string()]);
    s.orphans.list.set_filter("us-east-1c".into());
    assert_eq!(orphan_ids(&s), vec![MARKED.to_string()]);
}

fn mark_plan(ids: &[&str]) -> MarkPlan {
    MarkPlan {
        target: ResourceKind::Volume,
        after_days: 30,
        marks: ids
            .iter()
            .map(|id| Mark {
                id: (*id).into(),
                kind: ResourceKind::Volume,
                size_gib: 100,
                delete_after: NaiveDate::from_ymd_opt(2027, 1, 5).expect("a date"),
                owner: "payments-prod/ledger".into(),
            })
            .collect(),
        skipped: vec![Skipped::new(
            MARKED,
            ResourceKind::Volume,
            1000.0,
            "already marked: to be deleted on 2027-01-05",
        )],
    }
}

/// `m` on the Orphans pane with `marks` marked: the plan asked of ops, its selection.
fn press_m(s: &mut AppState) -> StorageAsk {
    let effects = ch(s, 'm');
    let ActionEffect::Storage(StorageEffect::Plan { ask, .. }) = only_action(&effects) else {
        panic!("m asks ops for the plan: {effects:?}");
    };
    ask.clone()
}

#[test]
fn m_marks_the_marked_orphans_through_plan_confirm_and_send() {
    let mut s = orphans_in_every_state();
    let ids = ["vol-0e1d100000000004d", MARKED];
    for id in ids {
        s.orphans.list.marks.insert(id.into());
    }
    let StorageAsk::Mark {
        selection,
        after_days,
    } = press_m(&mut s)
    else {
        panic!("a mark was asked");
    };
    assert_eq!(after_days, 30);
    assert_eq!(
        selection
            .volumes
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        vec!["vol-0c01d00000000005e", "vol-0e1d100000000004d"]
    );
    assert!(selection.snapshots.is_empty());
    let plan = StoragePlan::Mark(vec![mark_plan(&["vol-0e1d100000000004d"])]);
    storage_planned(&mut s, plan.clone());
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "Mark 2 orphans for deletion in 30 days",
            "tag 1 orphan with ecsnap:delete-after",
            "delete on 2027-01-05  owner payments-prod/ledger",
            "already marked: to be deleted on 2027-01-05",
        ],
    );
    assert_screens!("storage_mark_confirm", text, s);
    assert_eq!(sends_on_y(&mut s), plan, "y sends exactly the plan shown");
    let g = generation(&s);
    let done = ItemResult {
        id: "vol-0e1d100000000004d".into(),
        kind: ResourceKind::Volume,
        status: ItemStatus::Done,
        detail: Some("marked: to be deleted on 2027-01-05".into()),
        snapshot_id: None,
    };
    let effects = ecsnap::tui::update::app::update(
        &mut s,
        ecsnap::tui::state::msg::Event::Msg(dialog(
            g,
            DialogAnswer::StorageDone(Ok(StorageDone::Marked(vec![done]))),
        )),
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Run(Work::Load(Load::Orphans { .. })))),
        "the Orphans reload after marking: {effects:?}"
    );
    assert_eq!(s.modal.as_ref().map(|m| &m.stage), Some(&Stage::Done));
    assert_has(&render(&s, 120, 40), "Done: 1 of 1 marked");
}

#[test]
fn m_on_the_selected_row_alone_and_read_only_refuses() {
    let mut s = orphans_in_every_state();
    s.settings.read_only = true;
    let selected = s.orphans.list.selected_key().expect("a selected row");
    let StorageAsk::Mark { selection, .. } = press_m(&mut s) else {
        panic!("a mark was asked");
    };
    assert_eq!(
        selection.volumes.iter().collect::<Vec<_>>(),
        vec![&selected]
    );
    storage_planned(&mut s, StoragePlan::Mark(vec![mark_plan(&[&selected])]));
    assert_y_refused_in_read_only(&mut s);
}

fn ebs_snapshot(id: &str, days: i64, tier: Option<&str>) -> Snapshot {
    Snapshot {
        id: id.into(),
        volume_id: Some("vol-0a1b2c3d".into()),
        size_gib: 100,
        state: "completed".into(),
        start_time: Some(now() - chrono::Duration::days(days)),
        description: Some(format!("nightly {days}d ago")),
        storage_tier: tier.map(Into::into),
        ..Snapshot::default()
    }
}

/// The rollback picker listing the EBS snapshots, the archived one highlighted.
fn picker_on_archived() -> AppState {
    let mut s = crate::rollback::picker_open();
    let g = generation(&s);
    deliver(
        &mut s,
        dialog(
            g,
            DialogAnswer::EbsSnapshots(Ok(EbsChoices {
                volume: "data".into(),
                from_snapshot: Some("snap-0new".into()),
                snapshots: vec![
                    ebs_snapshot("snap-0new", 0, None),
                    ebs_snapshot("snap-0cold", 120, Some("archive")),
                    ebs_snapshot("snap-0old", 200, Some("standard")),
                ],
                zones: None,
            })),
        ),
    );
    ch(&mut s, 'i');
    ch(&mut s, 'i');
    s
}

/// `t` is in the footer only while the highlighted snapshot is in the archive tier: on a
/// standard one it would restore nothing.
#[test]
fn the_picker_offers_t_only_on_an_archived_snapshot() {
    let mut s = picker_on_archived();
    let footer = |s: &AppState| crate::cleanup::footer(&render(s, 120, 40)).to_string();
    assert_has(&footer(&s), "t restore");
    ch(&mut s, 'j');
    assert_has(&render(&s, 120, 40), "▶ snap-0old");
    assert_lacks(&footer(&s), "t restore");
    ch(&mut s, 'k');
    assert_has(&footer(&s), "t restore");
}

#[test]
fn the_picker_refuses_an_archived_snapshot_and_t_restores_it() {
    let mut s = picker_on_archived();
    let text = render(&s, 120, 40);
    assert!(
        text.contains("▶ snap-0cold"),
        "the newest snapshot the volume does not start from:\n{text}"
    );
    assert_has_all(
        &text,
        &[
            "✗ archived — restore first (up to 72 h)",
            "Cannot confirm: the snapshot is archived · t restores it",
        ],
    );
    assert_screens!("picker_archived", text, s);
    assert!(
        ch(&mut s, 'y').is_empty(),
        "an archived snapshot is not confirmed"
    );
    let effects = ch(&mut s, 't');
    let [
        Effect::CancelAction,
        Effect::Run(Work::Action(ActionEffect::Storage(StorageEffect::Plan { ask, .. }))),
    ] = &effects[..]
    else {
        panic!("t asks ops for the restore's plan: {effects:?}");
    };
    assert_eq!(
        ask,
        &StorageAsk::RestoreTier {
            snapshot_id: "snap-0cold".into(),
            restore: RestoreFor::Days(7),
        }
    );
    let plan = StoragePlan::RestoreTier(Box::new(RestoreSnapshotPlan {
        snapshot: ebs_snapshot("snap-0cold", 120, Some("archive")),
        restore: RestoreFor::Days(7),
        standard_monthly_usd: 5.0,
        archive_monthly_usd: 1.25,
    }));
    storage_planned(&mut s, plan.clone());
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "Restore snapshot snap-0cold from the archive tier",
            "from the archive tier for 7 days",
        ],
    );
    assert_eq!(sends_on_y(&mut s), plan, "y sends exactly the plan shown");
}

#[test]
fn t_on_a_standard_snapshot_or_the_revisions_says_why_and_sends_nothing() {
    let mut s = picker_on_archived();
    ch(&mut s, 'j');
    assert!(ch(&mut s, 't').is_empty());
    assert_has(&render(&s, 120, 40), "snap-0old is in the standard tier");
    let mut s = on_worker();
    ch(&mut s, 'R');
    assert!(
        ch(&mut s, 't').is_empty(),
        "nothing to restore among revisions"
    );
}

#[test]
fn tasks_name_the_zone_of_ebs_volumes_and_show_s3_files_volumes() {
    use ecsnap::model::{StorageVolume, VolumeSource};
    use ecsnap::tui::state::msg::PaneAnswer;
    use ecsnap::tui::state::tasks::TasksData;
    use std::collections::HashMap;
    let mut s = loaded_state();
    s.pane = PaneId::Tasks;
    let mut storage = crate::recover::storage();
    storage.volumes.push(StorageVolume {
        name: "lake".into(),
        source: VolumeSource::S3Files {
            file_system_arn: "arn:aws:s3files:us-east-1:123456789012:file-system/fs-0lake".into(),
            access_point_arn: None,
            root_directory: Some("/models".into()),
            transit_encryption_port: None,
        },
    });
    let mut data = TasksData {
        storage: Ok(HashMap::from([(
            crate::fixtures::td_arn("ledger", 2),
            storage,
        )])),
        ..crate::fixtures::ledger_tasks()
    };
    for t in &mut data.tasks {
        t.availability_zone = Some("us-east-1b".into());
    }
    let g = s.tasks.loader.start(now());
    deliver(
        &mut s,
        crate::fixtures::pane(g, PaneAnswer::Tasks(Ok(data))),
    );
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "EBS vol-0a11ce0000000001a (configured at launch; kept after the task) in zone us-east-1b",
            "s3files     S3 Files arn:aws:s3files:us-east-1:123456789012:file-system/fs-0lake, root /models",
        ],
    );
    // The EFS file system is regional: no zone on its line.
    assert!(!text.contains("IAM enabled in zone"), "{text}");
}
