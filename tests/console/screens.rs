//! Rendered screens (insta snapshots of a TestBackend at 120×40 and 80×24): the panes, the
//! help overlay, loading and failure states, and the footer and help against the keymap.

use crate::fixtures::{deliver, key, loaded_state, render};
use crossterm::event::KeyCode;
use ecsnap::tui::action::Action;
use ecsnap::tui::keymap::{KEYMAP, Scope, bindings_for};
use ecsnap::tui::run::effect::Effect;
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::dialog_kind::DialogKind;
use ecsnap::tui::state::msg::Msg;
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
    assert!(text.contains("loading services…"), "{text}");
    assert!(text.contains("3 loading"), "{text}");
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
    let part = |generation: u64, cluster: &str, done: usize| Msg::ServicesPart {
        generation,
        cluster: cluster.to_string(),
        services: of(cluster),
        done,
        total: clusters.len(),
    };
    deliver(&mut s, part(g, &clusters[0], 1));
    let first = of(&clusters[0]).len();
    assert_eq!(s.services.list.rows.len(), first);
    let text = render(&s, 120, 40);
    assert!(
        text.contains(&format!("1/{} clusters", clusters.len())),
        "progress in the title: {text}"
    );
    assert!(text.contains(&clusters[0]), "{text}");
    assert!(
        !text.contains("loading services…"),
        "rows shown, not the placeholder: {text}"
    );
    // A part of an older request, or one arriving after the whole answer, is dropped.
    deliver(&mut s, part(g - 1, &clusters[1], 2));
    assert_eq!(s.services.list.rows.len(), first);
    deliver(&mut s, part(g, &clusters[1], 2));
    assert_eq!(s.services.list.rows.len(), first + of(&clusters[1]).len());
    deliver(
        &mut s,
        Msg::Services {
            generation: g,
            result: Ok(all.clone()),
        },
    );
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
            Effect::LoadOrphans { generation } => Some(*generation),
            _ => None,
        })
        .expect("r refreshes the orphans pane");
    deliver(
        &mut s,
        Msg::Orphans {
            generation,
            result: Err(
                "ec2:DescribeVolumes was denied in us-east-1: the identity in use lacks \
                         the IAM permission `ec2:DescribeVolumes`."
                    .into(),
            ),
        },
    );
    let text = render(&s, 120, 40);
    assert!(text.contains("lacks the IAM permission"), "{text}");
    assert!(text.contains("`ec2:DescribeVolumes`"), "{text}");
    assert!(text.contains("load failed"), "{text}");
    // The rows it had stay; the other panes are unaffected.
    assert!(text.contains("vol-0e1d100000000004d"), "{text}");
    s.pane = PaneId::Services;
    let text = render(&s, 120, 40);
    assert!(!text.contains("DescribeVolumes"), "{text}");
    assert!(text.contains("ledger"), "{text}");
}

#[test]
fn too_small_terminal_says_so() {
    let s = loaded_state();
    let text = render(&s, 70, 20);
    assert!(text.contains("terminal too small"), "{text}");
    assert!(text.contains("70×20"), "{text}");
}

#[test]
fn every_key_is_in_the_help_and_the_footer() {
    let theme = Theme { color: false };
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
    let footer = |s: &AppState| {
        render(s, 120, 40)
            .lines()
            .nth(39)
            .unwrap_or_default()
            .to_string()
    };
    let mut s = loaded_state();
    assert!(footer(&s).contains("s sort"), "{}", footer(&s));
    key(&mut s, KeyCode::End);
    assert_eq!(s.services.list.selected, s.services.list.visible.len() - 1);
    key(&mut s, KeyCode::Home);
    assert_eq!(s.services.list.selected, 0);
    key(&mut s, KeyCode::Char('/'));
    let f = footer(&s);
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
    let f = footer(&s);
    assert!(f.contains("Tab complete") && f.contains("Enter go"), "{f}");
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Char('?'));
    assert!(footer(&s).contains("?/Esc/q close"), "{}", footer(&s));
}

#[test]
fn a_narrow_footer_keeps_help_visible() {
    let footer = view::footer_line(PaneId::Services, 80, Theme { color: false }).to_string();
    assert!(footer.contains("? help"), "{footer}");
    assert!(footer.chars().count() <= 80, "{footer}");
}

#[test]
fn the_selected_stopped_task_shows_its_class_hint_and_full_reason() {
    let mut s = state_on(PaneId::Tasks);
    key(&mut s, KeyCode::End);
    let text = render(&s, 80, 24);
    assert!(text.contains("out of memory"), "{text}");
    assert!(text.contains("OutOfMemoryError"), "{text}");
    insta::assert_snapshot!("tasks_stopped_selected_80x24", text);
}

#[test]
fn at_80x24_names_are_whole_and_ids_elided_in_the_middle() {
    let s = state_on(PaneId::Services);
    let text = render(&s, 80, 24);
    for name in [
        "search-staging",
        "payments-prod",
        "workspaces",
        "workspaces:2",
    ] {
        assert!(text.contains(name), "{name} cut at 80×24:\n{text}");
    }
    assert!(text.contains("IN_PROGRESS"), "{text}");
    let s = state_on(PaneId::Orphans);
    let text = render(&s, 80, 24);
    assert!(text.contains("vol-0e1d…000004d"), "{text}");
    assert!(text.contains("1000 GiB"), "{text}");
}
