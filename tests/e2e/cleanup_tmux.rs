//! End to end: a cleanup with snapshot-first from the console at 80×24, in tmux against a
//! fresh moto demo fleet. Orphans → mark two volumes (Space) → `x` → Tab (snapshot first)
//! → the typed count and Enter → the result. Then AWS read back: both volumes gone, one
//! snapshot of each (its `VolumeId` the deleted volume), every other volume as it was, and
//! the audit log with one result line per snapshot and per delete.
//!
//! Driven with Tab, the typed count and Enter only: they mean the same whether `s`/`y` are
//! commands in the typed-count field or typed into it.
//!
//! Needs tmux and the emulator's virtualenv (see `console_tmux.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::emulator::{Aws, audit_entries, block_on, sdk, seeded_emulator, tag_pairs};
use crate::tmux::{FIRST_SCREEN, SCREEN, Tmux, console_command, require_tmux};

/// A volume as read back: (state, size GiB, tags).
type VolumeState = (String, i32, BTreeSet<(String, String)>);

/// Every volume: id → its state.
fn volumes(aws: &Aws) -> BTreeMap<String, VolumeState> {
    block_on(aws.ec2.describe_volumes().send())
        .expect("describe volumes")
        .volumes()
        .iter()
        .map(|v| {
            (
                v.volume_id().unwrap_or_default().to_string(),
                (
                    v.state()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    v.size().unwrap_or_default(),
                    tag_pairs(v.tags()),
                ),
            )
        })
        .collect()
}

/// The resource ids of audit result lines (id, detail), sorted.
fn sorted_ids(lines: &[(String, Option<String>)]) -> Vec<&String> {
    let mut ids: Vec<&String> = lines.iter().map(|(id, _)| id).collect();
    ids.sort();
    ids
}

/// Every snapshot of the account: id → the volume it was taken of.
fn snapshots(aws: &Aws) -> BTreeMap<String, String> {
    block_on(aws.ec2.describe_snapshots().owner_ids("self").send())
        .expect("describe snapshots")
        .snapshots()
        .iter()
        .map(|s| {
            (
                s.snapshot_id().unwrap_or_default().to_string(),
                s.volume_id().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The selected row of the focused list (marked `›`).
fn selected_line(screen: &str) -> Option<&str> {
    screen.lines().find(|l| l.contains('›'))
}

/// The volume ids the cleanup dialog lists as its plan's items (`volume vol-… GiB … $…/mo`;
/// the pane's rows around the dialog have no `/mo`).
fn planned_volumes(screen: &str) -> BTreeSet<String> {
    screen
        .lines()
        .take_while(|l| !l.contains("Skipped (never deleted)"))
        .filter(|l| l.contains("volume") && l.contains("/mo"))
        .flat_map(|l| {
            l.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .filter(|w| w.starts_with("vol-") && w.len() > 8)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

// One console session, each step waiting for what the one before showed.
#[expect(
    clippy::too_many_lines,
    reason = "one tmux session driven through a cleanup, AWS and the audit log read back"
)]
#[test]
fn console_cleanup_with_snapshot_first_reaches_aws_in_tmux() {
    require_tmux("the console cleanup end-to-end test");
    let (emulator, fleet) = seeded_emulator();
    let aws = sdk(&emulator.endpoint());
    let home = tempfile::tempdir().expect("temp home");
    let tmux = Tmux::start(
        &console_command(&emulator.endpoint(), home.path(), ""),
        80,
        24,
    );
    tmux.wait("the services", FIRST_SCREEN, |s| s.contains("Services (8)"));
    let volumes_before = volumes(&aws);
    let snapshots_before = snapshots(&aws);

    // Orphans: mark the first two volume rows (snapshot rows are passed over).
    tmux.keys(&["4"]);
    let mut screen = tmux.wait("the orphans", SCREEN, |s| {
        s.contains("Total: 12 volumes") && selected_line(s).is_some()
    });
    let mut marked = 0;
    for _ in 0..20 {
        if marked == 2 {
            break;
        }
        let selected = selected_line(&screen).unwrap_or_default().to_string();
        // The row's id says its kind (at 80 columns there is no KIND column; a snapshot's
        // reason can name its source volume, so only the first id counts).
        let is_volume = selected
            .split(|c: char| c.is_whitespace() || c == '│')
            .find(|w| w.starts_with("vol-") || w.starts_with("snap-"))
            .is_some_and(|id| id.starts_with("vol-"));
        if is_volume && !selected.contains('●') {
            tmux.keys(&["Space"]);
            marked += 1;
            screen = tmux.wait_for(&format!("{marked} marked"), SCREEN);
        } else {
            tmux.keys(&["Down"]);
            screen = tmux.wait("the next row selected", SCREEN, |s| {
                selected_line(s).is_some_and(|l| l != selected)
            });
        }
    }
    assert_eq!(marked, 2, "two volumes marked:\n{screen}");

    // x: the plan of the two marked volumes, asking for the count typed back.
    tmux.keys(&["x"]);
    let screen = tmux.wait("the cleanup plan", SCREEN, |s| {
        s.contains("Snapshot first: off") && s.contains("Type 2")
    });
    let victims = planned_volumes(&screen);
    assert_eq!(victims.len(), 2, "two volumes in the plan:\n{screen}");
    for v in &victims {
        assert!(fleet.orphan_volumes.contains(v), "{v} is an orphan");
    }
    // Tab: snapshot first; then the count and Enter.
    tmux.keys(&["Tab"]);
    tmux.wait_for("Snapshot first: ON", SCREEN);
    tmux.text("2");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait("both volumes done", Duration::from_mins(1), |s| {
        s.contains("Result: 2 done, 0 skipped, 0 failed")
    });
    for v in &victims {
        assert!(
            screen.lines().any(|l| l.contains("done") && l.contains(v)),
            "{v} reported done:\n{screen}"
        );
    }
    tmux.keys(&["Escape"]);
    // An Esc and a `q` sent together arrive as Alt-q: wait for the dialog to close.
    tmux.wait("the report to close", SCREEN, |s| {
        !s.contains("Result: 2 done")
    });
    tmux.keys(&["q"]);
    tmux.wait_for("ECSNAP-EXITED-0", SCREEN);

    // AWS read back: both volumes gone, every other volume as it was.
    let volumes_after = volumes(&aws);
    for v in &victims {
        assert!(!volumes_after.contains_key(v), "{v} is deleted");
    }
    let mut others = volumes_before.clone();
    others.retain(|id, _| !victims.contains(id));
    assert_eq!(volumes_after, others, "every other volume untouched");

    // One new snapshot per deleted volume, taken of it.
    let snapshots_after = snapshots(&aws);
    let new: BTreeMap<&String, &String> = snapshots_after
        .iter()
        .filter(|(id, _)| !snapshots_before.contains_key(*id))
        .collect();
    let of: BTreeSet<String> = new.values().map(|v| (*v).clone()).collect();
    assert_eq!(new.len(), 2, "{new:?}");
    assert_eq!(of, victims, "one snapshot of each deleted volume: {new:?}");
    for (id, vol) in &snapshots_before {
        assert_eq!(snapshots_after.get(id), Some(vol), "{id} untouched");
    }

    // The audit log: one result line per snapshot (naming it) and per delete.
    let entries = audit_entries(home.path());
    let results = |action: &str| -> Vec<(String, Option<String>)> {
        entries
            .iter()
            .filter(|e| e.is_result() && e.action == action && e.result == "ok")
            .flat_map(|e| {
                e.resource_ids
                    .iter()
                    .map(|id| (id.clone(), e.detail.clone()))
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let deleted = results("ec2:DeleteVolume");
    assert_eq!(
        sorted_ids(&deleted),
        victims.iter().collect::<Vec<_>>(),
        "one DeleteVolume line per volume: {deleted:?}"
    );
    let snapped = results("ec2:CreateSnapshot");
    assert_eq!(
        sorted_ids(&snapped),
        victims.iter().collect::<Vec<_>>(),
        "one CreateSnapshot line per volume: {snapped:?}"
    );
    for (vol, detail) in &snapped {
        let detail = detail.as_deref().unwrap_or_default();
        assert!(
            new.iter()
                .any(|(snap, of)| *of == vol && detail.contains(snap.as_str())),
            "the CreateSnapshot line of {vol} names its snapshot: {detail}"
        );
    }
    // Nothing else was changed.
    let actions: BTreeSet<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        BTreeSet::from(["ec2:CreateSnapshot", "ec2:DeleteVolume"]),
        "{entries:?}"
    );
}
