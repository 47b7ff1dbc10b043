//! The Orphans pane's recover (`v`: plan → y → snapshot progress → wait view) and lineage
//! (Enter: the Orphans detail; Esc hides it) through `update`, and the task volumes of
//! every kind in Tasks (the selected task) and Detail (the task definition); screens with
//! insta at 120×40.

use ecsnap::analysis::zones::ZoneCheck;
use std::collections::HashMap;

use crate::asserts::{assert_has, assert_has_all, assert_lacks};
use crate::fixtures::{
    assert_says, deliver, dialog, generation, key, listing, loaded_state, pane, render, reply,
    td_arn,
};
use crossterm::event::KeyCode;
use ecsnap::analysis::lineage::{Lineage, Related};
use ecsnap::model::{ResourceKind, StorageVolume, TaskStorage, Volume, VolumeMount, VolumeSource};
use ecsnap::ops::recover::{ConfigSource, ManagedVolume, RecoverPlan, RecoverProgress};
use ecsnap::ops::redeploy::Started;
use ecsnap::tui::run::effect::{Effect, Load, RecoverEffect, Work};
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::detail::DetailData;
use ecsnap::tui::state::modal::{ModalKind, Stage};
use ecsnap::tui::state::msg::{DialogAnswer, Event, Listing, PaneAnswer, Planned};
use ecsnap::tui::state::pane_id::PaneId;
use ecsnap::tui::state::tasks::TasksData;
use ecsnap::tui::update::app::update;

const VOL: &str = "vol-0de1e7ed00000003c";

fn ch(state: &mut AppState, c: char) -> Vec<Effect> {
    key(state, KeyCode::Char(c))
}

/// Orphans, with the row `id` selected.
fn on_orphan(id: &str) -> AppState {
    let mut s = loaded_state();
    s.pane = PaneId::Orphans;
    assert!(s.orphans.list.select_key(id), "{id} is listed");
    s
}

fn plan() -> RecoverPlan {
    RecoverPlan {
        volume: Volume {
            id: VOL.into(),
            size_gib: 100,
            volume_type: "gp3".into(),
            state: "available".into(),
            availability_zone: Some("us-east-1c".into()),
            ..Volume::default()
        },
        service: ecsnap::model::ClusterService::new("payments-prod", "ledger"),
        task_definition: td_arn("ledger", 2),
        managed: ManagedVolume {
            name: "data".into(),
            size_gib: Some(100),
            volume_type: Some("gp3".into()),
            from_snapshot: Some("snap-0bb0000000000002b".into()),
            source: ConfigSource::Service,
        },
        region: "us-east-1".into(),
        initialization_rate: None,
        zones: ZoneCheck::Checked {
            volume_zone: Some("us-east-1c".into()),
            subnet_zones: vec!["us-east-1a".into(), "us-east-1b".into()],
        },
    }
}

fn planned(s: &mut AppState) {
    let g = generation(s);
    deliver(
        s,
        dialog(
            g,
            DialogAnswer::Planned(Ok(Planned::Recover(Box::new(plan())))),
        ),
    );
}

#[test]
fn v_plans_the_recover_then_y_snapshots_with_progress_and_watches() {
    let mut s = on_orphan(VOL);
    let effects = ch(&mut s, 'v');
    assert!(
        matches!(&effects[..], [Effect::Run(Work::Recover(RecoverEffect::Plan { volume, .. }))] if volume == VOL),
        "{effects:?}"
    );
    planned(&mut s);
    assert_eq!(s.modal.as_ref().map(|m| &m.stage), Some(&Stage::Confirm));
    let text = render(&s, 120, 40);
    assert_has(&text, &format!("Recover {VOL} into its service"));
    assert_has(&text, "into payments-prod/ledger");
    insta::assert_snapshot!("recover_confirm_120x40", text);

    let effects = ch(&mut s, 'y');
    let [Effect::Run(Work::Recover(RecoverEffect::Recover { plan: sent, .. }))] = &effects[..]
    else {
        panic!("{effects:?}");
    };
    assert_eq!(**sent, plan(), "exactly the plan shown is sent");
    let g = generation(&s);
    for progress in [
        RecoverProgress::SnapshotStarted("snap-0fresh".into()),
        RecoverProgress::Snapshot {
            snapshot_id: "snap-0fresh".into(),
            state: "pending".into(),
            progress: Some("40%".into()),
            waited_secs: 10,
        },
    ] {
        deliver(&mut s, dialog(g, DialogAnswer::RecoverProgress(progress)));
    }
    let text = render(&s, 120, 40);
    assert_has(&text, "snapshot snap-0fresh: pending 40% (10s)");
    // Esc does not abandon a running recover's dialog.
    key(&mut s, KeyCode::Esc);
    assert!(s.modal.is_some());

    deliver(
        &mut s,
        dialog(
            g,
            DialogAnswer::Started(Ok(Started {
                service: crate::fixtures::service("payments-prod", "ledger", 2, 2, 2),
                deployment_id: Some("ecs-svc/9".into()),
                task_definition: td_arn("ledger", 2),
            })),
        ),
    );
    assert!(matches!(
        s.modal.as_ref().map(|m| &m.kind),
        Some(ModalKind::Wait(_))
    ));
    let text = render(&s, 120, 40);
    assert_has(&text, &format!("ecovered {VOL} from snapshot snap-0fresh"));
}

#[test]
fn v_on_a_snapshot_says_what_to_select_and_opens_nothing() {
    let mut s = on_orphan("snap-0aa0000000000001a");
    let effects = ch(&mut s, 'v');
    assert!(effects.is_empty(), "{effects:?}");
    assert!(s.modal.is_none());
    assert_says(&s, "select an orphaned volume");
}

#[test]
fn read_only_shows_the_recover_plan_and_refuses() {
    let mut s = on_orphan(VOL);
    s.settings.read_only = true;
    ch(&mut s, 'v');
    planned(&mut s);
    let effects = ch(&mut s, 'y');
    assert!(effects.is_empty(), "nothing is sent: {effects:?}");
    let text = render(&s, 120, 40);
    assert_has(&text, "READ-ONLY — refused, nothing was sent");
}

#[test]
fn a_refused_plan_shows_its_reason() {
    let mut s = on_orphan(VOL);
    ch(&mut s, 'v');
    reply(
        &mut s,
        DialogAnswer::Planned(Err(
            "refused: cannot recover vol-1: its origin is unknown".into()
        )),
    );
    let text = render(&s, 120, 40);
    assert_has(&text, "its origin is unknown");
    assert!(ch(&mut s, 'y').is_empty());
}

#[test]
fn enter_shows_the_lineage_and_esc_hides_it() {
    let mut s = on_orphan("snap-0aa0000000000001a");
    let effects = key(&mut s, KeyCode::Enter);
    let [
        Effect::Run(Work::Load(Load::Lineage {
            generation,
            kind,
            id,
        })),
    ] = &effects[..]
    else {
        panic!("{effects:?}");
    };
    assert_eq!(*kind, ResourceKind::Snapshot);
    assert_eq!(id, "snap-0aa0000000000001a");
    assert!(render(&s, 120, 40).contains("loading the lineage"));
    let lineage = Lineage {
        id: id.clone(),
        kind: ResourceKind::Snapshot,
        came_from: Some(Related {
            id: "vol-0900000000000dead".into(),
            state: None,
            at: None,
        }),
        made: vec![Related {
            id: "vol-0f00000000000abcd".into(),
            state: Some("in-use".into()),
            at: crate::fixtures::ago(24 * 60),
        }],
        managed_by: Some("DLM policy policy-0abc".into()),
        ecsnap_note: None,
    };
    let g = *generation;
    deliver(&mut s, pane(g, PaneAnswer::Lineage(Ok(lineage))));
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "Lineage of snap-0aa0000000000001a",
            "taken of volume vol-0900000000000dead (gone)",
            "volumes created from it (1):",
            "vol-0f00000000000abcd (in-use",
            "managed by DLM policy policy-0abc",
        ],
    );
    insta::assert_snapshot!("orphans_lineage_120x40", text);
    key(&mut s, KeyCode::Esc);
    assert!(s.orphans.lineage_for.is_none());
    assert!(!render(&s, 120, 40).contains("Lineage of"));
    // A late answer for the hidden detail is dropped.
    deliver(&mut s, pane(g, PaneAnswer::Lineage(Err("late".into()))));
    assert!(s.orphans.lineage.is_none());
}

/// The lineage of `id` with one fact to tell it by (`managed_by`).
fn lineage_of(id: &str, kind: ResourceKind) -> Lineage {
    Lineage {
        id: id.into(),
        kind,
        came_from: None,
        made: Vec::new(),
        managed_by: Some(format!("policy of {id}")),
        ecsnap_note: None,
    }
}

/// The one LoadLineage among `effects`: its generation and id.
fn lineage_load(effects: &[Effect]) -> Option<(u64, String)> {
    effects.iter().find_map(|e| match e {
        Effect::Run(Work::Load(Load::Lineage { generation, id, .. })) => {
            Some((*generation, id.clone()))
        }
        _ => None,
    })
}

#[test]
fn the_lineage_follows_the_cursor_and_leaves_a_deleted_row() {
    let first = "vol-0e1d100000000004d";
    let mut s = on_orphan(first);
    let (g0, id) = lineage_load(&key(&mut s, KeyCode::Enter)).expect("Enter loads the lineage");
    assert_eq!(id, first);
    deliver(
        &mut s,
        pane(
            g0,
            PaneAnswer::Lineage(Ok(lineage_of(first, ResourceKind::Volume))),
        ),
    );
    assert!(render(&s, 120, 40).contains(&format!("policy of {first}")));
    // j j: the detail is now about the third row, loading; the first one's is gone.
    assert!(
        lineage_load(&ch(&mut s, 'j')).is_some(),
        "j reloads the lineage"
    );
    let (g2, third) = lineage_load(&ch(&mut s, 'j')).expect("j reloads the lineage");
    assert_eq!(
        Some(third.as_str()),
        s.orphans
            .list
            .selected_row()
            .map(ecsnap::tui::state::orphans::OrphanRow::id)
    );
    assert_ne!(third, first);
    let text = render(&s, 120, 40);
    assert_has(&text, &format!("Lineage of {third}"));
    assert_has(&text, "loading the lineage");
    assert_lacks(&text, &format!("policy of {first}"));
    // A late answer of the first row (an older generation) is dropped; so is an answer
    // naming another id under the current generation.
    deliver(
        &mut s,
        pane(
            g0,
            PaneAnswer::Lineage(Ok(lineage_of(first, ResourceKind::Volume))),
        ),
    );
    deliver(
        &mut s,
        pane(
            g2,
            PaneAnswer::Lineage(Ok(lineage_of(first, ResourceKind::Volume))),
        ),
    );
    assert!(s.orphans.lineage.is_none());
    let (g3, again) = lineage_load(&key(&mut s, KeyCode::Down))
        .and_then(|_| lineage_load(&key(&mut s, KeyCode::Up)))
        .expect("Down then Up reload");
    assert_eq!(again, third);
    deliver(
        &mut s,
        pane(
            g3,
            PaneAnswer::Lineage(Ok(lineage_of(&third, ResourceKind::Volume))),
        ),
    );
    let text = render(&s, 120, 40);
    assert_has(&text, &format!("policy of {third}"));
    assert_screens!("orphans_lineage_follows", text, s);
    // The row is deleted (the refresh no longer lists it): the detail moves to the row now
    // selected, never keeps describing the deleted one.
    let mut report = crate::fixtures::orphan_report();
    report.volumes.retain(|v| v.volume.id != third);
    let g = s.orphans.loader.start(s.now);
    let effects = update(&mut s, Event::Msg(listing(g, Listing::Orphans(Ok(report)))));
    let (_, next) = lineage_load(&effects).expect("the refresh reloads the lineage");
    assert_ne!(next, third);
    assert_eq!(
        Some(next.as_str()),
        s.orphans
            .list
            .selected_row()
            .map(ecsnap::tui::state::orphans::OrphanRow::id)
    );
    let text = render(&s, 120, 40);
    assert!(
        !text.contains(&third),
        "the deleted row is gone everywhere:\n{text}"
    );
    assert_has(&text, &format!("Lineage of {next}"));
}

pub(crate) fn storage() -> TaskStorage {
    TaskStorage {
        volumes: vec![
            StorageVolume {
                name: "data".into(),
                source: VolumeSource::Ebs,
            },
            StorageVolume {
                name: "shared".into(),
                source: VolumeSource::Efs {
                    file_system_id: "fs-0123456789abcdef0".into(),
                    access_point_id: Some("fsap-0abc".into()),
                    root_directory: Some("/ledger".into()),
                    transit_encryption: Some("ENABLED".into()),
                    iam: Some("ENABLED".into()),
                },
            },
            StorageVolume {
                name: "scratch".into(),
                source: VolumeSource::Bind { host_path: None },
            },
        ],
        mount_points: vec![
            VolumeMount {
                container: "app".into(),
                source_volume: "data".into(),
                container_path: "/var/lib/ledger".into(),
                read_only: false,
            },
            VolumeMount {
                container: "app".into(),
                source_volume: "shared".into(),
                container_path: "/srv/shared".into(),
                read_only: true,
            },
        ],
        ephemeral_storage_gib: Some(40),
    }
}

#[test]
fn tasks_show_the_selected_tasks_volumes_of_every_kind() {
    let mut s = loaded_state();
    s.pane = PaneId::Tasks;
    let data = TasksData {
        storage: Ok(HashMap::from([(td_arn("ledger", 2), storage())])),
        ..crate::fixtures::ledger_tasks()
    };
    let g = s.tasks.loader.start(crate::fixtures::now());
    deliver(&mut s, pane(g, PaneAnswer::Tasks(Ok(data))));
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "Volumes of task",
            "EBS vol-0a11ce0000000001a (configured at launch; kept after the task)",
            "EFS fs-0123456789abcdef0, access point fsap-0abc, root /ledger, TLS enabled, IAM enabled",
            "app:/srv/shared (ro)",
            "bind mount (no host path: lives as long as the task)",
            "ephemeral storage 40 GiB",
        ],
    );
    insta::assert_snapshot!("tasks_volumes_120x40", text);
}

#[test]
fn detail_shows_the_task_definitions_volumes() {
    let mut s = loaded_state();
    s.pane = PaneId::Detail;
    let mut detail = crate::fixtures::ledger_detail();
    detail.task_definition.storage = storage();
    let data = DetailData::new(
        detail.task_definition,
        &crate::fixtures::ledger_tasks().tasks,
    );
    let g = s.detail.loader.start(crate::fixtures::now());
    deliver(&mut s, pane(g, PaneAnswer::Detail(Ok(data))));
    // Scroll to the end: the volumes come after the containers.
    for _ in 0..40 {
        key(&mut s, KeyCode::Down);
    }
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "Volumes (where each container mounts them)",
            "EBS (configured at launch; no attachment reported)",
            "app:/var/lib/ledger",
            "ephemeral storage 40 GiB",
        ],
    );
}
