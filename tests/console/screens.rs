//! Rendered screens (insta snapshots of a TestBackend at 120×40 and 80×24): the panes, the
//! help overlay, loading and failure states, and the footer and help against the keymap.

use crate::asserts::{assert_has, assert_has_all, assert_lacks};
use crate::fixtures::{deliver, footer, key, listing, loaded_state, pane, render};
use crossterm::event::KeyCode;
use ecsnap::tui::action::Action;
use ecsnap::tui::keymap::{KEYMAP, Scope, bindings_for};
use ecsnap::tui::run::effect::{Effect, Load, Work};
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::dialog_kind::DialogKind;
use ecsnap::tui::state::msg::{Listing, PaneAnswer};
use ecsnap::tui::state::pane_id::PaneId;
use ecsnap::tui::theme::Theme;
use ecsnap::tui::update::app::act;
use ecsnap::tui::view;
use ecsnap::tui::view::{HelpFor, text_field_offers};

fn state_on(pane: PaneId) -> AppState {
    let mut s = loaded_state();
    s.pane = pane;
    s
}

macro_rules! screens {
    ($($name:ident: $pane:expr;)*) => {$(
        #[test]
        fn $name() {
            let s = state_on($pane);
            insta::assert_snapshot!(concat!(stringify!($name), "_120x40"), render(&s, 120, 40));
            insta::assert_snapshot!(concat!(stringify!($name), "_80x24"), render(&s, 80, 24));
        }
    )*};
}

screens! {
    services_pane: PaneId::Services;
    tasks_pane: PaneId::Tasks;
    detail_pane: PaneId::Detail;
    snapshots_pane: PaneId::Snapshots;
    orphans_pane: PaneId::Orphans;
}

#[test]
fn help_overlay_screen() {
    let mut s = state_on(PaneId::Services);
    act(&mut s, Action::Help);
    insta::assert_snapshot!("help_120x40", render(&s, 120, 40));
}

#[test]
fn loading_screen_shows_spinners_and_counts() {
    let s = crate::fixtures::empty_state();
    let text = render(&s, 120, 40);
    assert_has_all(&text, &["loading services…", "3 loading"]);
    insta::assert_snapshot!("loading_120x40", text);
}

#[test]
fn services_show_cluster_by_cluster_while_the_rest_load() {
    let mut s = crate::fixtures::empty_state();
    let g = s.services.loader.generation;
    let all = crate::fixtures::services();
    let mut clusters: Vec<String> = all.iter().map(|x| x.cluster.clone()).collect();
    clusters.dedup();
    assert!(clusters.len() >= 2, "the fixture fleet spans clusters");
    let of = |c: &str| -> Vec<_> { all.iter().filter(|x| x.cluster == c).cloned().collect() };
    let part = |generation: u64, cluster: &str, done: usize| {
        listing(
            generation,
            Listing::ServicesPart {
                cluster: cluster.to_string(),
                services: of(cluster),
                done,
                total: clusters.len(),
            },
        )
    };
    deliver(&mut s, part(g, &clusters[0], 1));
    let first = of(&clusters[0]).len();
    assert_eq!(s.services.list.rows.len(), first);
    let text = render(&s, 120, 40);
    assert!(
        text.contains(&format!("1/{} clusters", clusters.len())),
        "progress in the title: {text}"
    );
    assert_has(&text, &clusters[0]);
    assert!(
        !text.contains("loading services…"),
        "rows shown, not the placeholder: {text}"
    );
    // A part of an older request, or one arriving after the whole answer, is dropped.
    deliver(&mut s, part(g - 1, &clusters[1], 2));
    assert_eq!(s.services.list.rows.len(), first);
    deliver(&mut s, part(g, &clusters[1], 2));
    assert_eq!(s.services.list.rows.len(), first + of(&clusters[1]).len());
    deliver(&mut s, listing(g, Listing::Services(Ok(all.clone()))));
    assert_eq!(s.services.list.rows.len(), all.len());
    assert!(s.services.loader.progress.is_none());
    deliver(&mut s, part(g, &clusters[0], 1));
    assert_eq!(s.services.list.rows.len(), all.len());
    let text = render(&s, 120, 40);
    assert!(
        !text.contains(" clusters"),
        "no progress once loaded: {text}"
    );
}

#[test]
fn a_failed_load_shows_in_its_pane_only() {
    let mut s = loaded_state();
    let _ = act(&mut s, Action::GoPane(PaneId::Orphans));
    let effects = act(&mut s, Action::Refresh);
    let generation = effects
        .iter()
        .find_map(|e| match e {
            Effect::Run(Work::Load(Load::Orphans { generation })) => Some(*generation),
            _ => None,
        })
        .expect("r refreshes the orphans pane");
    deliver(
        &mut s,
        listing(
            generation,
            Listing::Orphans(Err(
                "ec2:DescribeVolumes was denied in us-east-1: the identity in use lacks \
                         the IAM permission `ec2:DescribeVolumes`."
                    .into(),
            )),
        ),
    );
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "lacks the IAM permission",
            "`ec2:DescribeVolumes`",
            "load failed",
        ],
    );
    // The rows it had stay; the other panes are unaffected.
    assert_has(&text, "vol-0e1d100000000004d");
    s.pane = PaneId::Services;
    let text = render(&s, 120, 40);
    assert_lacks(&text, "DescribeVolumes");
    assert_has(&text, "ledger");
}

#[test]
fn too_small_terminal_says_so() {
    let s = loaded_state();
    let text = render(&s, 70, 20);
    assert_has_all(&text, &["terminal too small", "70×20"]);
}

#[test]
fn every_key_is_in_the_help_and_the_footer() {
    let theme = Theme::plain();
    for pane in PaneId::ALL {
        let help: String = view::help_lines(pane, theme)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n");
        let footer = view::footer_line(pane, 1000, theme).to_string();
        for b in bindings_for(pane) {
            assert!(
                help.contains(&b.label()),
                "{pane:?}: {} missing from help",
                b.label()
            );
            assert!(
                help.contains(b.desc),
                "{pane:?}: {} missing from help",
                b.desc
            );
            assert!(
                footer.contains(&b.label()),
                "{pane:?}: {} missing from footer",
                b.label()
            );
        }
    }
    // Every binding applies somewhere: the keys of an input, overlay, the Logs view or a
    // dialog are in their own footer and in the help of every view where they work.
    let text = |about: HelpFor| -> String {
        view::help_lines_for(about, usize::MAX, theme)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    };
    for b in KEYMAP {
        let views: Vec<HelpFor> = match b.scope {
            Scope::Filter => PaneId::ALL
                .into_iter()
                .filter(|p| Scope::Lists.applies(*p))
                .map(HelpFor::Pane)
                .collect(),
            Scope::Jump => PaneId::ALL.into_iter().map(HelpFor::Pane).collect(),
            Scope::Help => PaneId::ALL
                .into_iter()
                .map(HelpFor::Pane)
                .chain([HelpFor::Logs])
                .chain(DialogKind::ALL.into_iter().map(HelpFor::Dialog))
                .collect(),
            Scope::Logs | Scope::LogsSearch => vec![HelpFor::Logs],
            Scope::Dialog(kinds) => kinds.iter().map(|k| HelpFor::Dialog(*k)).collect(),
            Scope::TextField => DialogKind::ALL
                .into_iter()
                .filter(|k| *k != DialogKind::Wait && text_field_offers(*k, b.action))
                .map(HelpFor::Dialog)
                .collect(),
            _ => {
                assert!(
                    PaneId::ALL.iter().any(|p| b.scope.applies(*p)),
                    "{}",
                    b.label()
                );
                continue;
            }
        };
        assert!(!views.is_empty(), "{} is in no help", b.label());
        for about in views {
            let help = text(about);
            assert!(
                help.contains(b.desc),
                "{about:?}: {} ({}) missing from help",
                b.label(),
                b.desc
            );
        }
        if !matches!(b.scope, Scope::Dialog(_)) {
            let own_footer = view::scope_footer(b.scope, theme).to_string();
            assert!(
                own_footer.contains(&b.label()),
                "{} missing from the {:?} footer",
                b.label(),
                b.scope
            );
        }
    }
}

#[test]
fn the_footer_shows_the_keys_of_the_mode_and_home_end_move() {
    let mut s = loaded_state();
    assert_has(&footer(&s, 120, 40), "s sort");
    key(&mut s, KeyCode::End);
    assert_eq!(s.services.list.selected, s.services.list.visible.len() - 1);
    key(&mut s, KeyCode::Home);
    assert_eq!(s.services.list.selected, 0);
    key(&mut s, KeyCode::Char('/'));
    let f = footer(&s, 120, 40);
    assert!(
        f.contains("Enter keep") && f.contains("Esc clear") && f.contains("Backspace delete"),
        "{f}"
    );
    assert!(
        !f.contains("s sort"),
        "pane keys do not work while typing: {f}"
    );
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Char(':'));
    let f = footer(&s, 120, 40);
    assert!(f.contains("Tab complete") && f.contains("Enter go"), "{f}");
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Char('?'));
    assert_has(&footer(&s, 120, 40), "?/Esc/q close");
}

#[test]
fn a_narrow_footer_keeps_help_visible() {
    let footer = view::footer_line(PaneId::Services, 80, Theme::plain()).to_string();
    assert_has(&footer, "? help");
    assert!(footer.chars().count() <= 80, "{footer}");
}

#[test]
fn the_selected_stopped_task_shows_its_class_hint_and_full_reason() {
    let mut s = state_on(PaneId::Tasks);
    key(&mut s, KeyCode::End);
    let text = render(&s, 80, 24);
    assert_has_all(&text, &["out of memory", "OutOfMemoryError"]);
    insta::assert_snapshot!("tasks_stopped_selected_80x24", text);
}

#[test]
fn at_80x24_names_are_whole_and_orphan_ids_too() {
    let s = state_on(PaneId::Services);
    let text = render(&s, 80, 24);
    assert_has_all(
        &text,
        &[
            "search-staging",
            "payments-prod",
            "workspaces",
            "workspaces:2",
        ],
    );
    assert_has(&text, "IN_PROGRESS");
    let s = state_on(PaneId::Orphans);
    let text = render(&s, 80, 24);
    // Ids and numbers are never cut (the origin gives way instead).
    assert_has(&text, "vol-0e1d100000000004d");
    assert_lacks(&text, "vol-0e1d…");
    assert_has(&text, "1000 GiB");
}

/// The loaded state with ledger's Tasks pane showing `data`.
fn tasks_showing(data: ecsnap::tui::state::tasks::TasksData) -> AppState {
    let mut s = state_on(PaneId::Tasks);
    let g = s.tasks.loader.start(s.now);
    deliver(&mut s, pane(g, PaneAnswer::Tasks(Ok(data))));
    s
}

#[test]
fn a_list_says_how_many_rows_are_hidden_below_and_above() {
    let mut s = tasks_showing(crate::fixtures::rollout_tasks());
    assert_eq!(s.tasks.list.visible.len(), 17);
    let text = render(&s, 80, 24);
    let shown = text
        .lines()
        .filter(|l| l.contains("RUNNING/RUNNING"))
        .count();
    assert!(shown < 17, "80×24 cannot show all 17: {text}");
    assert!(
        text.contains(&format!("↓ {} more", 17 - shown)),
        "the hidden rows are counted: {text}"
    );
    insta::assert_snapshot!("tasks_more_below_80x24", text);
    // At the bottom the rows above are counted instead; in the middle both.
    for _ in 0..16 {
        key(&mut s, KeyCode::Char('j'));
    }
    let text = render(&s, 80, 24);
    let shown = text
        .lines()
        .filter(|l| l.contains("RUNNING/RUNNING") || l.contains("STOPPED/STOPPED"))
        .count();
    assert_has(&text, &format!("↑ {} more", 17 - shown));
    assert_lacks(&text, "↓");
    // Up past the top of the window: it scrolls, one row now hidden below.
    for _ in 0..shown {
        key(&mut s, KeyCode::Char('k'));
    }
    let text = render(&s, 80, 24);
    assert_has(&text, "more · ↓ 1 more");
    // 120×40 shows all 17: no marker.
    let text = render(&s, 120, 40);
    assert_lacks(&text, " more");
    insta::assert_snapshot!("tasks_all_shown_120x40", text);
}

#[test]
fn skipped_says_how_many_do_not_fit() {
    use ecsnap::model::{ResourceKind, Skipped};
    let mut s = state_on(PaneId::Orphans);
    let mut report = crate::fixtures::orphan_report();
    for i in 0..4 {
        report.skipped.push(Skipped::new(
            &format!("vol-0ff{i:014}"),
            ResourceKind::Volume,
            10.0,
            "protected by tag ecsnap:keep",
        ));
    }
    let g = s.orphans.loader.start(s.now);
    deliver(&mut s, listing(g, Listing::Orphans(Ok(report))));
    assert_eq!(s.orphans.skipped.len(), 6);
    let text = render(&s, 80, 24);
    let listed = text.lines().filter(|l| l.contains("ecsnap:keep")).count()
        + text.lines().filter(|l| l.contains("backs AMI")).count();
    assert!(listed < 6, "80×24 cannot list all 6 skipped: {text}");
    assert!(
        text.contains(&format!("↓ {} more", 6 - listed)),
        "the skipped rows not listed are counted: {text}"
    );
    insta::assert_snapshot!("orphans_skipped_more_80x24", text);
    let text = render(&s, 120, 40);
    insta::assert_snapshot!("orphans_skipped_more_120x40", text);
}

#[test]
fn orphans_show_money_and_ids_whole_and_name_unattached_as_the_legend_does() {
    let mut s = state_on(PaneId::Orphans);
    let mut report = crate::fixtures::orphan_report();
    // The most expensive rows: a 16 TiB io2 volume costing $8192.00 a month, and one at
    // $12345.67.
    let mut big = report.volumes[0].clone();
    big.volume.id = "vol-0f16000000000b16a".into();
    big.volume.size_gib = 16384;
    big.volume.volume_type = "io2".into();
    big.monthly_cost_usd = 8192.0;
    let mut bigger = big.clone();
    bigger.volume.id = "vol-0f17000000000b17b".into();
    bigger.monthly_cost_usd = 12345.67;
    report.volumes.extend([big, bigger]);
    let g = s.orphans.loader.start(s.now);
    deliver(&mut s, listing(g, Listing::Orphans(Ok(report))));
    for (w, h) in [(80, 24), (120, 40)] {
        let text = render(&s, w, h);
        assert_has_all(
            &text,
            &[
                "8192.00",
                "12345.67",
                "vol-0f16000000000b16a",
                "vol-0f17000000000b17b",
                "snap-0aa0000000000001a",
                "vol-0e1d100000000004d",
                "16384 GiB",
            ],
        );
        // One word for days unattached, in the header and in the legend.
        assert_has(&text, "UNATT.");
        assert_lacks(&text, " UNA ");
        insta::assert_snapshot!(format!("orphans_whole_numbers_{w}x{h}"), text);
    }
}

#[test]
fn detail_says_the_circuit_breaker_is_on_when_a_rollout_names_it() {
    let mut s = state_on(PaneId::Detail);
    let mut services = crate::fixtures::services();
    let ledger = services
        .iter_mut()
        .find(|x| x.name == "ledger")
        .expect("ledger");
    // The description carries no breaker configuration, yet the breaker stopped a rollout.
    ledger.circuit_breaker = None;
    ledger.deployments[0].rollout_state = Some("FAILED".into());
    ledger.deployments[0].rollout_state_reason =
        Some("ECS deployment circuit breaker: tasks failed to start.".into());
    let g = s.services.loader.start(s.now);
    deliver(&mut s, listing(g, Listing::Services(Ok(services))));
    for (w, h) in [(80, 24), (120, 40)] {
        let text = render(&s, w, h);
        assert_has(&text, "circuit breaker on");
        assert_lacks(&text, "circuit breaker not set");
        assert_has(&text, "ECS deployment circuit breaker");
        insta::assert_snapshot!(format!("detail_breaker_fired_{w}x{h}"), text);
    }
}

#[test]
fn the_header_shows_the_open_panes_own_refresh_time() {
    let mut s = state_on(PaneId::Tasks);
    // A minute on, Tasks reloads (it refreshes on its own); Services does not.
    s.now += chrono::Duration::seconds(60);
    let g = s.tasks.loader.start(s.now);
    deliver(
        &mut s,
        pane(g, PaneAnswer::Tasks(Ok(crate::fixtures::ledger_tasks()))),
    );
    s.now += chrono::Duration::seconds(2);
    let text = render(&s, 120, 40);
    let header = text.lines().next().unwrap_or_default().to_string();
    assert_has(&header, "refreshed 12:01:00 (2s ago)");
    let narrow = render(&s, 80, 24);
    assert!(
        narrow
            .lines()
            .next()
            .unwrap_or_default()
            .contains("↻ 12:01:00"),
        "{narrow}"
    );
    insta::assert_snapshot!("tasks_refreshed_80x24", narrow);
    s.pane = PaneId::Services;
    let text = render(&s, 120, 40);
    let header = text.lines().next().unwrap_or_default().to_string();
    assert_has(&header, "refreshed 12:00:00 (1m ago)");
    insta::assert_snapshot!("services_refreshed_120x40", text);
    // A reload in flight keeps the last good time.
    s.pane = PaneId::Tasks;
    let _ = s.tasks.loader.start(s.now);
    assert!(render(&s, 120, 40).contains("refreshed 12:01:00"));
}

#[test]
fn tasks_show_each_tasks_revision() {
    let mut s = tasks_showing(crate::fixtures::rollout_tasks());
    let text = render(&s, 120, 40);
    let live = |rev: &str| {
        text.lines()
            .filter(|l| l.contains("RUNNING/RUNNING") && l.contains(&format!(" {rev} ")))
            .count()
    };
    assert_has(&text, " REV ");
    assert_eq!((live(":3"), live(":2")), (9, 6), "{text}");
    // At 80×24 the revision stays whole beside each task.
    s.tasks.list.select_key("1000000a000000000000000000000a0a");
    let text = render(&s, 80, 24);
    assert_has(&text, " REV ");
    let selected = text.lines().find(|l| l.contains('›')).unwrap_or_default();
    assert!(selected.contains(" :2 "), "{text}");
    insta::assert_snapshot!("tasks_revisions_80x24", text);
}

#[test]
fn detail_of_another_service_has_no_refresh_time_until_it_loads() {
    let mut s = state_on(PaneId::Services);
    assert!(s.services.list.select_key("payments-prod/api"));
    s.now += chrono::Duration::seconds(30);
    let effects = key(&mut s, KeyCode::Char('d'));
    let g = effects
        .iter()
        .find_map(|e| match e {
            Effect::Run(Work::Load(Load::Detail {
                generation,
                service,
                ..
            })) if service == "api" => Some(*generation),
            _ => None,
        })
        .expect("d loads api's detail");
    let text = render(&s, 120, 40);
    assert_has(&text, "Detail of payments-prod/api");
    assert!(
        !text.contains("refreshed 12:00:00"),
        "ledger's load time is not api's:\n{text}"
    );
    deliver(
        &mut s,
        pane(g, PaneAnswer::Detail(Ok(crate::fixtures::ledger_detail()))),
    );
    assert!(render(&s, 120, 40).contains("refreshed 12:00:30 (0s ago)"));
}

/// The demo's story on the status line at 80 columns: it takes two rows, and the second is
/// indented as the first (it started at column 0, without the leading space).
#[test]
fn a_message_longer_than_the_width_wraps_with_its_indent_at_80x24() {
    let mut s = loaded_state();
    s.message = Some(
        "payments-prod/checkout: checkout:3 will fail; R then rolls it back · \
         payments-prod/gateway: a canary waits for you"
            .into(),
    );
    let screen = render(&s, 80, 24);
    let rows: Vec<&str> = screen.lines().collect();
    assert_eq!(
        rows[21].trim_end(),
        " payments-prod/checkout: checkout:3 will fail; R then rolls it back ·",
        "{screen}"
    );
    assert_eq!(
        rows[22].trim_end(),
        " payments-prod/gateway: a canary waits for you",
        "{screen}"
    );
    // A word longer than a row (a console URL) goes on from the next row's first column.
    s.message = Some(format!("opened {}", "x".repeat(100)));
    let screen = render(&s, 80, 24);
    let rows: Vec<&str> = screen.lines().collect();
    assert_eq!(rows[20].trim_end(), " opened", "{screen}");
    assert_eq!(rows[21], format!(" {}", "x".repeat(79)), "{screen}");
    assert_eq!(rows[22].trim_end(), "x".repeat(21), "{screen}");
}
