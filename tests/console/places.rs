//! The console opened on several places: the panes load in every place in view (each
//! answer carries its place and generation), ACCOUNT and REGION columns, totals per place,
//! the places that failed in their own lines, the header's counts and marks; `:region` and
//! `:ctx` narrowing the view; actions acting in the selected row's place. Screens are
//! insta snapshots at 120×40 and 80×24.

use crate::actions::{submit, type_text};
use crate::asserts::{assert_has, assert_has_all, assert_lacks};
use crate::fixtures::{assert_says, deliver, dialog, header, key, listing, now, pane, render};
use crossterm::event::KeyCode;
use ecsnap::analysis::orphans::OrphanReport;
use ecsnap::aws::Preflight;
use ecsnap::config::Settings;
use ecsnap::model::ResourceKind;
use ecsnap::ops::cleanup::{CleanupItem, CleanupPlan};
use ecsnap::tui::action::Action;
use ecsnap::tui::run::effect::{ActionEffect, Effect, HandsOnEffect, Load, Work};
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::hands_on::HandsOnAsk;
use ecsnap::tui::state::modal::Stage;
use ecsnap::tui::state::msg::{DialogAnswer, Event, Listing, Msg, PaneAnswer, PlacesNews};
use ecsnap::tui::state::pane_id::PaneId;
use ecsnap::tui::state::places::{PlaceInfo, Places};
use ecsnap::tui::update::app::{act, init, update};

pub(crate) const PROD: usize = 0;
pub(crate) const STAGING: usize = 1;
const STAGING_EU: usize = 2;

fn place(account: &str, id: &str, region: &str, production: bool) -> PlaceInfo {
    PlaceInfo {
        account: account.into(),
        account_id: id.into(),
        region: region.into(),
        production,
        read_only: false,
    }
}

/// prod in eu-west-1 (production), staging in us-east-1 and eu-west-1; dev could not be
/// reached at all.
fn places() -> Places {
    Places {
        all: vec![
            place("prod", "111111111111", "eu-west-1", true),
            place("staging", "222222222222", "us-east-1", false),
            place("staging", "222222222222", "eu-west-1", false),
        ],
        failed: vec![
            "account dev: ExpiredToken: the security token included in the request is expired \
             (sts:GetCallerIdentity)"
                .into(),
        ],
        ..Places::default()
    }
}

/// The fixture report with other ids (another account's orphans).
fn other_report() -> OrphanReport {
    let mut r = crate::fixtures::orphan_report();
    for v in &mut r.volumes {
        v.volume.id = v.volume.id.replace("vol-0", "vol-1");
    }
    for s in &mut r.snapshots {
        s.snapshot.id = s.snapshot.id.replace("snap-0", "snap-1");
    }
    r.volumes.truncate(1);
    r.skipped.clear();
    r
}

fn placed(place: usize, msg: Msg) -> Msg {
    let Msg::Listing {
        generation, answer, ..
    } = msg
    else {
        panic!("only a pane listing is placed: {msg:?}");
    };
    Msg::Listing {
        place: Some(place),
        generation,
        answer,
    }
}

/// The console on the three places, before anything answered, and the first effects.
fn opened() -> (AppState, Vec<Effect>) {
    let mut s = AppState::new(Settings::default(), header("prod,staging"), false, now());
    s.page = 10;
    s.places = places();
    let effects = init(&mut s);
    (s, effects)
}

/// Every place answered: prod all the fixture services, staging us-east-1 the
/// payments-prod ones (same names, another place), staging eu-west-1 none; orphans in
/// prod and staging us-east-1, staging eu-west-1 denied.
/// Selects payments-prod/worker of `place` in the Services pane.
pub(crate) fn select_worker(s: &mut AppState, place: usize) {
    assert!(
        s.services
            .list
            .select_key(&format!("{place}:payments-prod/worker"))
    );
}

pub(crate) fn loaded() -> AppState {
    let (mut s, _) = opened();
    let g = s.services.loader.generation;
    let services = crate::fixtures::services();
    let staging: Vec<_> = services
        .iter()
        .filter(|x| x.cluster == "payments-prod")
        .cloned()
        .collect();
    for (p, list) in [
        (PROD, services),
        (STAGING, staging),
        (STAGING_EU, Vec::new()),
    ] {
        deliver(&mut s, placed(p, listing(g, Listing::Services(Ok(list)))));
    }
    let g = s.orphans.loader.generation;
    deliver(
        &mut s,
        placed(
            PROD,
            listing(g, Listing::Orphans(Ok(crate::fixtures::orphan_report()))),
        ),
    );
    deliver(
        &mut s,
        placed(STAGING, listing(g, Listing::Orphans(Ok(other_report())))),
    );
    deliver(
        &mut s,
        placed(
            STAGING_EU,
            listing(
                g,
                Listing::Orphans(Err(
                    "listing volumes in eu-west-1: AccessDenied: not authorized to \
                             perform ec2:DescribeVolumes"
                        .into(),
                )),
            ),
        ),
    );
    let g = s.snapshots.loader.generation;
    let groups = crate::fixtures::snapshot_groups();
    let staging: Vec<_> = groups.iter().take(2).cloned().collect();
    for (p, list) in [(PROD, groups), (STAGING, staging), (STAGING_EU, Vec::new())] {
        deliver(&mut s, placed(p, listing(g, Listing::Snapshots(Ok(list)))));
    }
    s
}

#[test]
fn the_listings_load_in_every_place_with_one_generation() {
    let (s, effects) = opened();
    let services: Vec<(usize, u64)> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::At {
                place,
                work: Work::Load(Load::Services { generation }),
            } => Some((*place, *generation)),
            _ => None,
        })
        .collect();
    let g = s.services.loader.generation;
    assert_eq!(services, vec![(0, g), (1, g), (2, g)], "{effects:?}");
    assert!(
        !effects.contains(&Effect::Run(Work::Load(Load::Identity))),
        "identities are known"
    );
    for pane in ["snapshots", "orphans"] {
        let n = effects
            .iter()
            .filter(|e| match e {
                Effect::At { work, .. } => match work {
                    Work::Load(Load::Snapshots { .. }) => pane == "snapshots",
                    Work::Load(Load::Orphans { .. }) => pane == "orphans",
                    _ => false,
                },
                _ => false,
            })
            .count();
        assert_eq!(n, 3, "{pane}: {effects:?}");
    }
}

/// A place's services show cluster by cluster, in that place's rows, before the place
/// has answered in full; a stale generation's part is dropped.
#[test]
fn services_arrive_cluster_by_cluster_in_their_place() {
    let (mut s, _) = opened();
    let g = s.services.loader.generation;
    let services = crate::fixtures::services();
    let payments: Vec<_> = services
        .iter()
        .filter(|x| x.cluster == "payments-prod")
        .cloned()
        .collect();
    assert!(!payments.is_empty() && payments.len() < services.len());
    let part = |generation, list: Vec<_>| {
        placed(
            STAGING,
            listing(
                generation,
                Listing::ServicesPart {
                    cluster: "payments-prod".into(),
                    services: list,
                    done: 1,
                    total: 2,
                },
            ),
        )
    };
    deliver(&mut s, part(g - 1, payments.clone()));
    assert!(
        s.services.list.rows.is_empty(),
        "an older load's part is dropped"
    );
    deliver(&mut s, part(g, payments.clone()));
    let keys: Vec<String> = s
        .services
        .list
        .rows
        .iter()
        .map(ecsnap::tui::state::list::Row::key)
        .collect();
    let want: Vec<String> = payments
        .iter()
        .map(|x| format!("{STAGING}:{}/{}", x.cluster, x.name))
        .collect();
    assert_eq!(keys.len(), want.len(), "{keys:?}");
    assert!(
        want.iter().all(|k| keys.contains(k)),
        "{keys:?} vs {want:?}"
    );
    assert!(
        s.services.loader.state.is_loading(),
        "the places have not all answered"
    );
    // The place's whole answer replaces its parts; the other places follow.
    deliver(
        &mut s,
        placed(STAGING, listing(g, Listing::Services(Ok(payments.clone())))),
    );
    assert_eq!(s.services.list.rows.len(), payments.len());
    deliver(
        &mut s,
        placed(PROD, listing(g, Listing::Services(Ok(services.clone())))),
    );
    assert_eq!(s.services.list.rows.len(), payments.len() + services.len());
}

#[test]
fn a_place_answering_late_for_an_older_load_is_dropped() {
    let (mut s, _) = opened();
    let old = s.services.loader.generation;
    act(&mut s, Action::Refresh);
    deliver(
        &mut s,
        placed(
            PROD,
            listing(old, Listing::Services(Ok(crate::fixtures::services()))),
        ),
    );
    assert!(s.services.list.rows.is_empty());
    assert!(s.services.loader.state.is_loading());
}

#[test]
fn services_over_several_places_screen() {
    let mut s = loaded();
    s.pane = PaneId::Services;
    let text = render(&s, 120, 40);
    assert_has_all(&text, &["2 accounts · 2 regions", "PRODUCTION"]);
    assert!(
        text.contains("ACCOUNT") && text.contains("REGION"),
        "{text}"
    );
    assert_has(&text, "account dev: ExpiredToken");
    assert_screens!("services_places", text, s);
}

#[test]
fn orphans_over_several_places_screen() {
    let mut s = loaded();
    s.pane = PaneId::Orphans;
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "prod · eu-west-1:",
            // One of a kind is said in the singular.
            "staging · us-east-1: 1 volume, 1 snapshot ·",
            "ec2:DescribeVolumes",
            "Total:",
        ],
    );
    assert_screens!("orphans_places", text, s);
}

#[test]
fn snapshots_over_several_places_screen() {
    let mut s = loaded();
    s.pane = PaneId::Snapshots;
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &["prod · eu-west-1:", "staging · us-east-1:", "ACCOUNT"],
    );
    insta::assert_snapshot!("snapshots_places_120x40", text);
}

#[test]
fn unique_bytes_are_counted_in_the_selected_user_place() {
    let mut s = loaded();
    s.pane = PaneId::Snapshots;
    let user = s
        .snapshots
        .users
        .rows
        .iter()
        .find(|u| u.place == Some(STAGING))
        .map(ecsnap::tui::state::list::Row::key)
        .expect("a staging user");
    assert!(s.snapshots.users.select_key(&user));
    let effects = key(&mut s, KeyCode::Char('u'));
    assert!(
        matches!(&effects[..], [Effect::At { place: STAGING, work }]
            if matches!(work, Work::Load(Load::Unique { .. }))),
        "{effects:?}"
    );
}

fn type_jump(s: &mut AppState, text: &str) -> Vec<Effect> {
    key(s, KeyCode::Char(':'));
    submit(s, text)
}

#[test]
fn region_narrows_the_view_and_reloads_with_new_generations() {
    let mut s = loaded();
    let before = s.services.loader.generation;
    let effects = type_jump(&mut s, "region us-east-1");
    assert_eq!(s.places.in_view(), vec![STAGING]);
    let g = s.services.loader.generation;
    assert!(g > before);
    assert!(
        effects.contains(&Work::Load(Load::Services { generation: g }).at(STAGING)),
        "{effects:?}"
    );
    assert!(
        effects
            .iter()
            .all(|e| matches!(e, Effect::At { place, .. } if *place == STAGING)),
        "only the place in view loads: {effects:?}"
    );
    // The rows of the places out of view are gone at once; one place: no place columns.
    assert!(
        s.services
            .list
            .rows
            .iter()
            .all(|r| r.place == Some(STAGING))
    );
    let text = render(&s, 120, 40);
    assert_has(&text, "staging (222222222222) · us-east-1");
    assert_lacks(&text, "PRODUCTION");
    assert_lacks(&text, "ACCOUNT");
    // And back to all.
    let effects = type_jump(&mut s, "region all");
    assert_eq!(s.places.in_view(), vec![PROD, STAGING, STAGING_EU]);
    assert_eq!(
        effects
            .iter()
            .filter(|e| matches!(e, Effect::At { work, .. }
                if matches!(work, Work::Load(Load::Services { .. }))))
            .count(),
        3
    );
}

#[test]
fn ctx_completes_account_names_with_tab() {
    let mut s = loaded();
    key(&mut s, KeyCode::Char(':'));
    type_text(&mut s, "ctx st");
    key(&mut s, KeyCode::Tab);
    let effects = key(&mut s, KeyCode::Enter);
    assert_eq!(s.places.account.as_deref(), Some("staging"));
    assert_eq!(s.places.in_view(), vec![STAGING, STAGING_EU]);
    assert!(!effects.is_empty());
    let text = render(&s, 120, 40);
    assert_has(&text, "1 account · 2 regions");
}

#[test]
fn an_unknown_place_is_refused_and_the_view_stays() {
    let mut s = loaded();
    let effects = type_jump(&mut s, "region mars-1");
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(s.places.in_view().len(), 3);
    let said = s.message.clone().unwrap_or_default();
    assert!(
        said.contains("no place matches region mars-1") && said.contains("eu-west-1, us-east-1"),
        "{said}"
    );
}

/// Enter on staging's worker: its tasks load in staging; the load's generation.
fn open_staging_worker_tasks(s: &mut AppState) -> u64 {
    select_worker(s, STAGING);
    let effects = key(s, KeyCode::Enter);
    match &effects[..] {
        [
            Effect::At {
                place: STAGING,
                work,
            },
        ] => match work {
            Work::Load(Load::Tasks { generation, .. }) => *generation,
            other => panic!("expected a tasks load, got {other:?}"),
        },
        other => panic!("expected a tasks load in staging, got {other:?}"),
    }
}

#[test]
fn tasks_load_from_the_selected_service_place() {
    let mut s = loaded();
    open_staging_worker_tasks(&mut s);
    let text = render(&s, 120, 40);
    assert_has(
        &text,
        "Tasks of payments-prod/worker in staging · us-east-1",
    );
}

#[test]
fn a_read_only_account_refuses_in_its_dialog() {
    let mut s = loaded();
    s.places.all[STAGING].read_only = true;
    select_worker(&mut s, STAGING);
    key(&mut s, KeyCode::Char('D'));
    let reason = s.modal.as_ref().and_then(|m| m.read_only.clone());
    assert!(
        reason
            .as_deref()
            .is_some_and(|r| r.contains("staging (222222222222)")),
        "{reason:?}"
    );
    let text = render(&s, 120, 40);
    assert_has(&text, "READ-ONLY");
    // The other account in view is not read-only: its dialog is not refused.
    key(&mut s, KeyCode::Esc);
    select_worker(&mut s, PROD);
    key(&mut s, KeyCode::Char('D'));
    assert_eq!(s.modal.as_ref().and_then(|m| m.read_only.clone()), None);
}

fn volume_plan(id: &str) -> CleanupPlan {
    CleanupPlan {
        archive: false,
        target: ResourceKind::Volume,
        items: vec![CleanupItem {
            id: id.into(),
            kind: ResourceKind::Volume,
            repository: None,
            digest: None,
            tags: Vec::new(),
            size_gib: 100.0,
            age_days: Some(40),
            monthly_cost_usd: 8.0,
            reason: "available (attached to nothing)".into(),
            preflight: Some(Preflight::Allowed),
            with_digests: Vec::new(),
            recycle_bin: None,
        }],
        skipped: Vec::new(),
        min_age_days: None,
        snapshot_first: false,
        keep_newest: 3,
        preflight_done: true,
        notes: Vec::new(),
    }
}

/// A rendered dialog's lines without their borders, joined: a line that wraps reads whole.
fn flattened(text: &str) -> String {
    text.lines()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ")
}

const PROD_VOLUME: &str = "vol-0c01d00000000005e";
const STAGING_VOLUME: &str = "vol-1c01d00000000005e";

/// Orphans of prod and of staging us-east-1 marked, `x` pressed.
fn cleanup_across_asked(s: &mut AppState) -> Vec<Effect> {
    s.pane = PaneId::Orphans;
    for id in [PROD_VOLUME, STAGING_VOLUME] {
        assert!(s.orphans.list.select_key(id), "{id}");
        key(s, KeyCode::Char(' '));
    }
    key(s, KeyCode::Char('x'))
}

#[test]
fn cleanup_of_orphans_marked_in_two_places_plans_in_each_and_confirms_once() {
    let mut s = loaded();
    let effects = cleanup_across_asked(&mut s);
    let g = s.modal.as_ref().map(|m| m.generation).expect("the dialog");
    // Each place plans exactly its own ids.
    let asked: Vec<(usize, Vec<String>)> = effects
        .iter()
        .map(|e| match e {
            Effect::At { place, work } => match work {
                Work::Action(ActionEffect::PlanCleanupPart {
                    generation,
                    place: p,
                    selection,
                }) if *generation == g && p == place && selection.snapshots.is_empty() => {
                    (*place, selection.volumes.iter().cloned().collect())
                }
                other => panic!("expected a cleanup part, got {other:?}"),
            },
            other => panic!("expected a placed effect, got {other:?}"),
        })
        .collect();
    assert_eq!(
        asked,
        vec![
            (PROD, vec![PROD_VOLUME.to_string()]),
            (STAGING, vec![STAGING_VOLUME.to_string()])
        ]
    );
    assert!(render(&s, 120, 40).contains("Clean up 2 marked orphans in 2 places"));
    let planned = |place, id| {
        dialog(
            g,
            DialogAnswer::CleanupPartPlanned {
                place,
                result: Ok(vec![volume_plan(id)]),
            },
        )
    };
    deliver(&mut s, planned(STAGING, STAGING_VOLUME));
    assert_eq!(
        s.modal.as_ref().map(|m| m.stage.clone()),
        Some(Stage::Planning),
        "prod has not answered"
    );
    deliver(&mut s, planned(PROD, PROD_VOLUME));
    let text = render(&s, 140, 40);
    assert_has_all(
        &text,
        &[
            "prod (111111111111) · eu-west-1: 1 to delete, 100.0 GiB, $8.00/month",
            "staging (222222222222) · us-east-1: 1 to delete, 100.0 GiB, $8.00/month",
        ],
    );
    // The confirm line names what is deleted and every place it is in.
    let flat = flattened(&text);
    assert!(
        flat.contains("Delete 2 volumes in prod (111111111111) · eu-west-1; staging (222222222222) · us-east-1?"),
        "{text}"
    );
    insta::assert_snapshot!("cleanup_across_confirm_120x40", render(&s, 120, 40));
    // Two items: the count is typed (and prod is production anyway).
    assert!(key(&mut s, KeyCode::Char('y')).is_empty());
    key(&mut s, KeyCode::Backspace);
    key(&mut s, KeyCode::Char('2'));
    let effects = key(&mut s, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::CleanupAcross {
            generation: g,
            parts: vec![
                (PROD, vec![volume_plan(PROD_VOLUME)]),
                (STAGING, vec![volume_plan(STAGING_VOLUME)]),
            ],
        }]
    );
    // The results land; the orphans reload in every place in view.
    let effects = update(
        &mut s,
        Event::Msg(dialog(g, DialogAnswer::CleanupDone(Ok(Vec::new())))),
    );
    let reloaded: Vec<usize> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::At {
                place,
                work: Work::Load(Load::Orphans { .. }),
            } => Some(*place),
            _ => None,
        })
        .collect();
    assert_eq!(reloaded, vec![PROD, STAGING, STAGING_EU]);
}

const PROD_SNAPSHOT: &str = "snap-0aa0000000000001a";
const STAGING_SNAPSHOT: &str = "snap-1aa0000000000001a";

/// `volume_plan` as an archive plan of snapshot `id`.
fn archive_plan(id: &str) -> CleanupPlan {
    let mut plan = volume_plan(id);
    plan.archive = true;
    plan.target = ResourceKind::Snapshot;
    plan.items[0].kind = ResourceKind::Snapshot;
    plan.items[0].monthly_cost_usd = 5.0;
    plan
}

#[test]
fn archive_of_snapshots_marked_in_two_places_plans_in_each_and_confirms_once() {
    let mut s = loaded();
    s.pane = PaneId::Orphans;
    for id in [PROD_SNAPSHOT, STAGING_SNAPSHOT] {
        assert!(s.orphans.list.select_key(id), "{id}");
        key(&mut s, KeyCode::Char(' '));
    }
    let effects = key(&mut s, KeyCode::Char('A'));
    let g = s.modal.as_ref().map(|m| m.generation).expect("the dialog");
    // Each place plans archiving exactly its own snapshots.
    let asked: Vec<(usize, Vec<String>)> = effects
        .iter()
        .map(|e| match e {
            Effect::At {
                place,
                work:
                    Work::Action(ActionEffect::PlanCleanupPart {
                        generation,
                        place: p,
                        selection,
                    }),
            } if *generation == g && p == place && selection.archive => {
                assert!(selection.volumes.is_empty(), "{selection:?}");
                (*place, selection.snapshots.iter().cloned().collect())
            }
            other => panic!("expected an archive part, got {other:?}"),
        })
        .collect();
    assert_eq!(
        asked,
        vec![
            (PROD, vec![PROD_SNAPSHOT.to_string()]),
            (STAGING, vec![STAGING_SNAPSHOT.to_string()])
        ]
    );
    for (place, id) in [(PROD, PROD_SNAPSHOT), (STAGING, STAGING_SNAPSHOT)] {
        deliver(
            &mut s,
            dialog(
                g,
                DialogAnswer::CleanupPartPlanned {
                    place,
                    result: Ok(vec![archive_plan(id)]),
                },
            ),
        );
    }
    let text = render(&s, 140, 40);
    assert_has_all(
        &text,
        &[
            "Plan: archive 2 instead of deleting (200.0 GiB): up to $10.00/month standard now, \
             $2.50/month archived",
            "prod (111111111111) · eu-west-1: 1 to archive, 100.0 GiB, $5.00/month standard → \
             $1.25/month archived",
            "staging (222222222222) · us-east-1: 1 to archive",
        ],
    );
    let flat = flattened(&text);
    assert!(
        flat.contains("Archive 2 snapshots in prod (111111111111) · eu-west-1; staging"),
        "{text}"
    );
    // Prod is production: the count is typed.
    assert!(key(&mut s, KeyCode::Char('y')).is_empty());
    key(&mut s, KeyCode::Backspace);
    key(&mut s, KeyCode::Char('2'));
    assert_eq!(
        key(&mut s, KeyCode::Enter),
        vec![Effect::CleanupAcross {
            generation: g,
            parts: vec![
                (PROD, vec![archive_plan(PROD_SNAPSHOT)]),
                (STAGING, vec![archive_plan(STAGING_SNAPSHOT)]),
            ],
        }]
    );
}

#[test]
fn a_cleanup_across_places_refuses_a_read_only_account_and_fails_on_a_place_that_cannot_plan() {
    let mut s = loaded();
    s.places.all[STAGING].read_only = true;
    assert!(cleanup_across_asked(&mut s).is_empty());
    assert!(s.modal.is_none());
    assert_eq!(
        s.message.as_deref(),
        Some(
            "account staging (222222222222) is marked read_only: unmark its rows (or leave it \
             with :ctx) to clean up the rest"
        )
    );

    let mut s = loaded();
    cleanup_across_asked(&mut s);
    let g = s.modal.as_ref().map(|m| m.generation).expect("the dialog");
    deliver(
        &mut s,
        dialog(
            g,
            DialogAnswer::CleanupPartPlanned {
                place: PROD,
                result: Ok(vec![volume_plan(PROD_VOLUME)]),
            },
        ),
    );
    deliver(
        &mut s,
        dialog(
            g,
            DialogAnswer::CleanupPartPlanned {
                place: STAGING,
                result: Err("AccessDenied: ec2:DescribeVolumes".into()),
            },
        ),
    );
    let stage = s.modal.as_ref().map(|m| m.stage.clone());
    assert_eq!(
        stage,
        Some(Stage::Failed(
            "could not plan in staging (222222222222) · us-east-1: AccessDenied: \
             ec2:DescribeVolumes (nothing was deleted)"
                .into()
        ))
    );
    // Nothing can be confirmed from there.
    assert!(key(&mut s, KeyCode::Char('y')).is_empty());
}

#[test]
fn exec_acts_in_the_place_of_the_tasks_in_view() {
    let mut s = loaded();
    let generation = open_staging_worker_tasks(&mut s);
    // Tasks answer for the one service in view, unplaced.
    deliver(
        &mut s,
        pane(
            generation,
            PaneAnswer::Tasks(Ok(crate::fixtures::ledger_tasks())),
        ),
    );
    let task = s
        .tasks
        .list
        .rows
        .iter()
        .find(|r| r.task.is_live())
        .expect("a running task")
        .task
        .id
        .clone();
    assert!(s.tasks.list.select_key(&task));
    let effects = key(&mut s, KeyCode::Char('e'));
    assert!(
        matches!(&effects[..], [Effect::At { place: STAGING, work }]
            if matches!(work, Work::HandsOn(HandsOnEffect::Plan { ask: HandsOnAsk::Exec { task: t, .. }, .. })
                if *t == task)),
        "{effects:?}"
    );
    let text = render(&s, 120, 40);
    assert_has(&text, "In account staging (222222222222)");
}

#[test]
fn ctx_in_a_console_on_one_place_says_what_it_is_for() {
    let mut s = crate::fixtures::loaded_state();
    let effects = type_jump(&mut s, "ctx prod");
    assert!(effects.is_empty(), "{effects:?}");
    assert_says(&s, "opened on several");
}

#[test]
fn scale_and_cleanup_act_in_their_rows_place() {
    let mut s = loaded();
    select_worker(&mut s, STAGING);
    let effects = key(&mut s, KeyCode::Char('+'));
    assert!(
        matches!(&effects[..], [Effect::At { place: STAGING, work }]
            if matches!(work, Work::HandsOn(HandsOnEffect::Plan { .. }))),
        "{effects:?}"
    );
    key(&mut s, KeyCode::Esc);
    // An orphan of staging us-east-1, marked alone: the cleanup is planned there.
    s.pane = PaneId::Orphans;
    assert!(s.orphans.list.select_key("vol-1c01d00000000005e"));
    key(&mut s, KeyCode::Char(' '));
    let effects = key(&mut s, KeyCode::Char('x'));
    assert!(
        matches!(&effects[..], [Effect::At { place: STAGING, work }]
            if matches!(work, Work::Action(ActionEffect::PlanCleanup { selection, .. })
                if selection.volumes.contains("vol-1c01d00000000005e"))),
        "{effects:?}"
    );
}

/// A cleanup of one place's row, over several places, names that place's region in its
/// confirmation line, not the console's own region (prod is in eu-west-1, the console's
/// header in us-east-1).
#[test]
fn a_cleanup_in_one_place_confirms_in_that_places_region() {
    let mut s = loaded();
    s.pane = PaneId::Orphans;
    assert!(s.orphans.list.select_key(PROD_VOLUME));
    key(&mut s, KeyCode::Char(' '));
    let effects = key(&mut s, KeyCode::Char('x'));
    assert!(
        matches!(&effects[..], [Effect::At { place: PROD, .. }]),
        "{effects:?}"
    );
    crate::cleanup::cleanup_planned(&mut s, vec![volume_plan(PROD_VOLUME)]);
    let text = flattened(&render(&s, 140, 40));
    assert_has(&text, &format!("Delete volume {PROD_VOLUME} in eu-west-1"));
    assert_lacks(&text, &format!("{PROD_VOLUME} in us-east-1"));
}

/// Over many places the Services pane never waits for the slowest (issue 29): each
/// place's rows are on screen as that place answers, and the title counts places in.
#[test]
fn the_services_pane_shows_each_place_as_it_answers_and_counts_places_in() {
    let (mut s, _) = opened();
    let g = s.services.loader.generation;
    let services = crate::fixtures::services();
    deliver(
        &mut s,
        placed(PROD, listing(g, Listing::Services(Ok(services.clone())))),
    );
    let screen = render(&s, 120, 40);
    assert_has(&screen, "1/3 places");
    assert_eq!(
        s.services.list.rows.len(),
        services.len(),
        "prod's rows, at once"
    );
    assert_has(&screen, &services[0].name);
    deliver(
        &mut s,
        placed(
            STAGING,
            listing(g, Listing::Services(Ok(services[..1].to_vec()))),
        ),
    );
    let screen = render(&s, 120, 40);
    assert_has(&screen, "2/3 places");
    assert_eq!(s.services.list.rows.len(), services.len() + 1);
    assert!(
        s.services.loader.state.is_loading(),
        "staging eu-west-1 has not answered: still loading, the others shown"
    );
    deliver(
        &mut s,
        placed(STAGING_EU, listing(g, Listing::Services(Ok(Vec::new())))),
    );
    let screen = render(&s, 120, 40);
    assert_lacks(&screen, "places ·");
    assert!(
        !s.services.loader.state.is_loading(),
        "every place answered"
    );
}

/// The effects that load `pane`'s listing, as (place, generation).
fn listing_loads(effects: &[Effect]) -> Vec<(&'static str, usize, u64)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::At {
                place,
                work: Work::Load(load),
            } => match load {
                Load::Services { generation } => Some(("services", *place, *generation)),
                Load::Snapshots { generation } => Some(("snapshots", *place, *generation)),
                Load::Orphans { generation } => Some(("orphans", *place, *generation)),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn joined(places: Vec<PlaceInfo>, failed: &[&str], accounts: (usize, usize)) -> Event {
    Event::Msg(Msg::Places(PlacesNews::Joined {
        places,
        failed: failed.iter().map(|f| (*f).to_string()).collect(),
        accounts,
    }))
}

/// The console opens before every account has answered (issue 29): each account's
/// places join as it answers and are asked for every listing still loading, with that
/// listing's generation, so their rows show beside the others' at once; the header counts
/// the accounts in; a listing is loaded only once every account has answered; and every
/// action waits until then, because an entry still connecting may reach the same account
/// with stricter marks. Settled, the final marks apply.
#[test]
fn places_join_as_their_accounts_answer_and_actions_wait_for_the_last() {
    let mut s = AppState::new(Settings::default(), header("prod,staging"), false, now());
    s.page = 10;
    s.places.connecting = Some((0, 2));
    let effects = init(&mut s);
    assert_eq!(listing_loads(&effects), [], "no place yet: {effects:?}");
    let g = s.services.loader.generation;
    let (gs, go) = (s.snapshots.loader.generation, s.orphans.loader.generation);
    assert!(s.services.loader.state.is_loading());

    // prod answers first: asked at once for all three listings, with their generations.
    let effects = update(
        &mut s,
        joined(
            vec![place("prod", "111111111111", "eu-west-1", false)],
            &[],
            (1, 2),
        ),
    );
    assert_eq!(
        listing_loads(&effects),
        [("services", 0, g), ("snapshots", 0, gs), ("orphans", 0, go)]
    );
    deliver(
        &mut s,
        placed(
            0,
            listing(g, Listing::Services(Ok(crate::fixtures::services()))),
        ),
    );
    let text = render(&s, 120, 40);
    assert_has_all(&text, &["connecting 1/2 accounts", "payments-prod"]);
    let narrow = render(&s, 80, 24);
    assert_has(&narrow, "connecting 1/2 accounts");
    assert!(
        s.services.loader.state.is_loading(),
        "staging has not answered yet: the listing is not complete"
    );
    // An action waits: the marks are not final.
    select_worker(&mut s, 0);
    key(&mut s, KeyCode::Char('D'));
    let reason = s.modal.as_ref().and_then(|m| m.read_only.clone());
    assert!(
        reason
            .as_deref()
            .is_some_and(|r| r.contains("1 of 2 accounts still connecting")),
        "{reason:?}"
    );
    key(&mut s, KeyCode::Esc);

    // staging answers with two regions, and dev could not be reached.
    let effects = update(
        &mut s,
        joined(
            vec![
                place("staging", "222222222222", "us-east-1", false),
                place("staging", "222222222222", "eu-west-1", false),
            ],
            &["account dev: ExpiredToken: the security token included in the request is expired"],
            (2, 2),
        ),
    );
    let services: Vec<_> = listing_loads(&effects)
        .into_iter()
        .filter(|(pane, ..)| *pane == "services")
        .collect();
    assert_eq!(services, [("services", 1, g), ("services", 2, g)]);
    for p in [1, 2] {
        deliver(
            &mut s,
            placed(p, listing(g, Listing::Services(Ok(Vec::new())))),
        );
    }
    assert!(
        s.services.loader.state.is_loading(),
        "every place answered, but the accounts have not all said their marks"
    );

    // Settled: prod is production, staging eu-west-1 read-only (its account's config).
    update(
        &mut s,
        Event::Msg(Msg::Places(PlacesNews::Settled {
            marks: vec![(true, false), (false, true), (false, true)],
            notes: Vec::new(),
        })),
    );
    assert!(
        !s.services.loader.state.is_loading(),
        "every place answered"
    );
    assert_eq!(s.places.connecting, None);
    assert!(s.places.all[0].production);
    assert!(s.places.all[2].read_only);
    let text = render(&s, 120, 40);
    assert_lacks(&text, "connecting");
    assert_has(&text, "✗ 1 unreachable");
    assert_says(&s, "every account answered: 3 places");
    select_worker(&mut s, 0);
    key(&mut s, KeyCode::Char('D'));
    assert_eq!(s.modal.as_ref().and_then(|m| m.read_only.clone()), None);
}
