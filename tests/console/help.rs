//! `?` in every view at 80×24: each pane, the Logs view, the wait view and each kind of
//! dialog is opened with the fixtures, `?` pressed, the help scrolled to its end page by
//! page, and every key the keymap binds there (and everywhere) must be in what was shown.
//! Also: the help's screens, its scroll keys, the footer's essential keys, and text fields
//! that type every letter (no key both typed and a command).

use crate::actions::type_text;
use crate::asserts::{assert_has, assert_has_all, assert_lacks};
use crate::fixtures::{footer, key, loaded_state, render, reply};
use crossterm::event::KeyCode;
use ecsnap::ops::confirm::Confirmation;
use ecsnap::tui::keymap::{Binding, KEYMAP, Scope, bindings_for, bindings_in, dialog_bindings};
use ecsnap::tui::state::app::{AppState, Mode};
use ecsnap::tui::state::dialog_kind::DialogKind;
use ecsnap::tui::state::msg::{DialogAnswer, Planned};
use ecsnap::tui::state::pane_id::PaneId;
use ecsnap::tui::view::{HelpFor, text_field_offers};

/// The text inside the help's box on one screen: the rows between its borders.
fn help_box(screen: &str) -> Vec<String> {
    let lines: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let Some((top, left)) = lines.iter().enumerate().find_map(|(y, l)| {
        let s: String = l.iter().collect();
        s.find("┌ Help ").map(|byte| (y, s[..byte].chars().count()))
    }) else {
        panic!("no help box on the screen:\n{screen}");
    };
    let right = (left + 1..lines[top].len())
        .find(|&x| lines[top][x] == '┐')
        .expect("the help box's top-right corner");
    let mut rows = Vec::new();
    for line in &lines[top + 1..] {
        if line.get(left) == Some(&'└') {
            break;
        }
        let end = right.min(line.len());
        rows.push(line.get(left + 1..end).unwrap_or_default().iter().collect());
    }
    rows
}

/// Presses `?`, then collects the help's rows page by page (PgDn) to its end, checking the
/// "more below" and "more above" marks on the way; closes it again.
fn collect_help(s: &mut AppState, width: u16, height: u16) -> Vec<String> {
    key(s, KeyCode::Char('?'));
    assert_eq!(s.mode, Mode::Help, "? opens the help");
    let mut rows = Vec::new();
    let mut pages = 0;
    loop {
        let screen = render(s, width, height);
        rows.extend(help_box(&screen));
        if pages > 0 {
            assert!(screen.contains("more above"), "scrolled: {screen}");
        }
        if !screen.contains("more below") {
            break;
        }
        pages += 1;
        assert!(pages < 40, "the help never ends:\n{screen}");
        key(s, KeyCode::PageDown);
    }
    key(s, KeyCode::Esc);
    assert_eq!(s.mode, Mode::Normal, "Esc closes the help");
    rows
}

/// The bindings the help of a view must show: its own, its inputs', everywhere's, the
/// help's — straight from the keymap's scopes.
fn expected(about: HelpFor) -> Vec<&'static Binding> {
    let mut out: Vec<&Binding> = match about {
        HelpFor::Pane(pane) => {
            let mut v: Vec<&Binding> = bindings_for(pane).collect();
            if Scope::Lists.applies(pane) {
                v.extend(bindings_in(Scope::Filter));
            }
            v.extend(bindings_in(Scope::Jump));
            v
        }
        HelpFor::Logs => bindings_in(Scope::Logs)
            .chain(bindings_in(Scope::LogsSearch))
            .chain(bindings_in(Scope::Global))
            .collect(),
        HelpFor::Dialog(kind) => {
            let mut v: Vec<&Binding> = dialog_bindings(kind).collect();
            if kind != DialogKind::Wait {
                v.extend(
                    bindings_in(Scope::TextField).filter(|b| text_field_offers(kind, b.action)),
                );
            }
            v.extend(bindings_in(Scope::Global));
            v
        }
    };
    out.extend(bindings_in(Scope::Help));
    out
}

/// Every expected key is a row of the help: its label, then its description's first words.
fn assert_help_has_every_key(about: HelpFor, rows: &[String]) {
    let text = rows.join("\n");
    assert!(
        text.contains("Everywhere"),
        "{about:?}: no Everywhere section:\n{text}"
    );
    let bindings = expected(about);
    assert!(!bindings.is_empty());
    for b in bindings {
        let label = b.label();
        let start: String = b.desc.split(' ').take(3).collect::<Vec<_>>().join(" ");
        let found = rows.iter().any(|r| {
            r.trim_start()
                .strip_prefix(label.as_str())
                .is_some_and(|rest| rest.starts_with(' ') && rest.trim_start().starts_with(&start))
        });
        assert!(
            found,
            "{about:?}: `{label}` ({}) is not in the help at 80×24:\n{text}",
            b.desc
        );
    }
}

fn ch(s: &mut AppState, c: char) {
    key(s, KeyCode::Char(c));
}

fn on(pane: PaneId) -> AppState {
    let mut s = loaded_state();
    s.pane = pane;
    s
}

fn kind_of(s: &AppState) -> DialogKind {
    s.modal.as_ref().expect("a dialog is open").dialog_kind()
}

/// Each dialog kind, opened the way a user opens it.
fn dialog(kind: DialogKind) -> AppState {
    let s = match kind {
        DialogKind::Rollback => crate::rollback::picker_open(),
        DialogKind::Wait => crate::actions::wait_view(),
        DialogKind::Cleanup => {
            // Two volumes: the count is typed (a text field has the focus).
            let (mut s, ids) = crate::cleanup::volumes_marked(2);
            ch(&mut s, 'x');
            let plan = crate::cleanup::volume_plan(&ids);
            reply(
                &mut s,
                DialogAnswer::Planned(Ok(Planned::Cleanup(vec![plan]))),
            );
            s
        }
        DialogKind::Redeploy => {
            let mut s = loaded_state();
            ch(&mut s, 'D');
            s
        }
        DialogKind::Storage => {
            let mut s = on(PaneId::Orphans);
            ch(&mut s, 'm');
            s
        }
        DialogKind::Scale => {
            let mut s = loaded_state();
            ch(&mut s, '+');
            s
        }
        DialogKind::Deployment => {
            let mut s = on(PaneId::Detail);
            ch(&mut s, 'o');
            s
        }
        DialogKind::Restore => {
            let mut s = on(PaneId::Snapshots);
            key(&mut s, KeyCode::Enter);
            ch(&mut s, 't');
            s
        }
        DialogKind::Recover => {
            let mut s = on(PaneId::Orphans);
            assert!(s.orphans.list.select_key("vol-0de1e7ed00000003c"));
            ch(&mut s, 'v');
            s
        }
        DialogKind::StopTask | DialogKind::Exec | DialogKind::PortForward => {
            let mut s = on(PaneId::Tasks);
            assert!(s.tasks.list.select_key("9c8be533c3fe4aaf8a67e7452bdf15ff"));
            ch(
                &mut s,
                match kind {
                    DialogKind::StopTask => 'K',
                    DialogKind::Exec => 'e',
                    _ => 'p',
                },
            );
            s
        }
    };
    assert_eq!(kind_of(&s), kind, "the dialog opened");
    s
}

#[test]
fn every_pane_shows_all_its_keys_and_everywhere_at_80x24() {
    for pane in PaneId::ALL {
        let mut s = on(pane);
        let rows = collect_help(&mut s, 80, 24);
        assert!(
            rows.iter()
                .any(|r| r.contains(&format!("Keys in {}", pane.title()))),
            "{pane:?}: {rows:#?}"
        );
        assert_help_has_every_key(HelpFor::Pane(pane), &rows);
        assert_eq!(s.pane, pane, "the help moved nothing");
    }
}

#[test]
fn the_logs_view_shows_its_own_keys_not_the_tasks_ones() {
    let mut s = crate::logs::logs_view();
    let rows = collect_help(&mut s, 80, 24);
    let text = rows.join("\n");
    assert_has(&text, "Keys in the Logs view");
    assert_lacks(&text, "Keys in Tasks");
    assert_help_has_every_key(HelpFor::Logs, &rows);
    assert!(
        s.logs.is_some(),
        "closing the help leaves the Logs view open"
    );
}

#[test]
fn every_dialog_shows_its_own_keys_then_everywhere_at_80x24() {
    for kind in DialogKind::ALL {
        let mut s = dialog(kind);
        let rows = collect_help(&mut s, 80, 24);
        let text = rows.join("\n");
        assert!(
            text.contains(&format!("Keys in {}", kind.title())),
            "{kind:?}: {text}"
        );
        assert_help_has_every_key(HelpFor::Dialog(kind), &rows);
        assert_eq!(kind_of(&s), kind, "closing the help leaves the dialog open");
    }
}

/// The same row of the keymap (`KEYMAP` is a `const`: compare what the row says).
fn same(a: &Binding, b: &Binding) -> bool {
    a.label() == b.label()
        && a.desc == b.desc
        && format!("{:?}", a.scope) == format!("{:?}", b.scope)
}

#[test]
fn every_binding_is_checked_in_some_view() {
    // The walk above covers every scope the keymap has.
    let views: Vec<HelpFor> = PaneId::ALL
        .into_iter()
        .map(HelpFor::Pane)
        .chain([HelpFor::Logs])
        .chain(DialogKind::ALL.into_iter().map(HelpFor::Dialog))
        .collect();
    for b in KEYMAP {
        assert!(
            views
                .iter()
                .any(|v| expected(*v).iter().any(|e| same(e, b))),
            "`{}` ({:?}) is checked in no help",
            b.label(),
            b.scope
        );
    }
}

#[test]
fn the_help_scrolls_with_its_keys_and_says_what_is_hidden() {
    let mut s = on(PaneId::Tasks);
    ch(&mut s, '?');
    let first = render(&s, 80, 24);
    assert!(
        first.contains("↓") && first.contains("more below"),
        "{first}"
    );
    assert_lacks(&first, "more above");
    insta::assert_snapshot!("help_tasks_80x24", first);
    key(&mut s, KeyCode::Char('j'));
    assert_eq!(s.help.scroll.get(), 1);
    key(&mut s, KeyCode::Down);
    key(&mut s, KeyCode::Char('k'));
    assert_eq!(s.help.scroll.get(), 1);
    key(&mut s, KeyCode::Char('G'));
    let end = render(&s, 80, 24);
    assert!(
        end.contains("more above") && !end.contains("more below"),
        "{end}"
    );
    insta::assert_snapshot!("help_tasks_end_80x24", end);
    key(&mut s, KeyCode::Char('g'));
    render(&s, 80, 24);
    assert_eq!(s.help.scroll.get(), 0);
    key(&mut s, KeyCode::End);
    render(&s, 80, 24);
    let bottom = s.help.scroll.get();
    assert!(
        bottom > 0 && bottom < u16::MAX,
        "clamped to the text: {bottom}"
    );
    key(&mut s, KeyCode::PageUp);
    assert!(s.help.scroll.get() < bottom);
    key(&mut s, KeyCode::Home);
    assert_eq!(s.help.scroll.get(), 0);
    // q closes, and the next ? opens at the top.
    key(&mut s, KeyCode::Char('G'));
    key(&mut s, KeyCode::Char('q'));
    assert_eq!(s.mode, Mode::Normal);
    assert!(!s.quit, "q in the help closes it, it does not quit");
    ch(&mut s, '?');
    assert_eq!(s.help.scroll.get(), 0);
    let tall = render(&s, 120, 40);
    insta::assert_snapshot!("help_tasks_120x40", tall);
}

#[test]
fn the_logs_help_screens() {
    let mut s = crate::logs::logs_view();
    ch(&mut s, '?');
    insta::assert_snapshot!("help_logs_80x24", render(&s, 80, 24));
    insta::assert_snapshot!("help_logs_120x40", render(&s, 120, 40));
}

#[test]
fn the_footer_keeps_each_panes_essential_keys_and_help_at_80_columns() {
    let essentials: [(PaneId, &[&str]); 5] = [
        (
            PaneId::Services,
            &[
                "Enter tasks",
                "d detail",
                "R rollback",
                "D redeploy",
                "/ filter",
            ],
        ),
        (
            PaneId::Tasks,
            &["Enter detail", "l logs", "R rollback", "e exec", "/ filter"],
        ),
        (PaneId::Detail, &["R rollback", "D redeploy", "Esc back"]),
        (
            PaneId::Snapshots,
            &["Enter tags", "t restore", "space mark ↓", "x/Del delete"],
        ),
        (
            PaneId::Orphans,
            &["Enter lineage", "space mark ↓", "x/Del delete", "v recover"],
        ),
    ];
    for (pane, keys) in essentials {
        let f = footer(&on(pane), 80, 24);
        for k in keys {
            assert!(f.contains(k), "{pane:?}: {k} cut from the footer: {f}");
        }
        assert!(f.trim_end().ends_with("? help"), "{pane:?}: {f}");
        assert!(f.chars().count() <= 80, "{pane:?}: {f}");
    }
    let tasks = footer(&on(PaneId::Tasks), 80, 24);
    assert!(tasks.contains('…'), "some keys left out say so: {tasks}");
}

#[test]
fn the_typed_count_takes_s_and_y_as_text_and_only_tab_enter_esc_act() {
    let mut s = dialog(DialogKind::Cleanup);
    let confirm = |s: &AppState| s.modal.as_ref().map(|m| m.confirm.clone()).expect("open");
    assert!(matches!(confirm(&s).needed, Confirmation::Typed(_)));
    let snapshot_first = |s: &AppState| {
        render(s, 120, 40)
            .lines()
            .any(|l| l.contains("Snapshot first: ON"))
    };
    let screen = render(&s, 120, 40);
    assert!(
        !screen.contains("s/Tab"),
        "s is typed here, not a key: {screen}"
    );
    assert!(
        screen.contains("(Tab: snapshot each volume first"),
        "{screen}"
    );
    let footer = screen.lines().nth(39).unwrap_or_default().to_string();
    assert_eq!(
        footer.trim(),
        "Tab snapshot first  Enter confirm  Esc cancel  Backspace delete  ? help",
        "only the keys that act while typing"
    );
    // s, y, j, n go into the field; none toggles, confirms, moves or closes.
    for c in ['s', 'y', 'j', 'n'] {
        ch(&mut s, c);
    }
    assert_eq!(confirm(&s).input, "syjn");
    assert!(!snapshot_first(&s));
    assert!(s.modal.is_some());
    // Tab toggles snapshot-first; Backspace deletes; Enter with the count confirms.
    key(&mut s, KeyCode::Tab);
    assert!(snapshot_first(&s), "Tab toggles snapshot first");
    assert!(render(&s, 120, 40).contains("(Tab: off)"));
    for _ in 0..4 {
        key(&mut s, KeyCode::Backspace);
    }
    assert_eq!(confirm(&s).input, "");
    ch(&mut s, '2');
    let effects = key(&mut s, KeyCode::Enter);
    assert!(
        matches!(&effects[..], [ecsnap::tui::run::effect::Effect::Run(ecsnap::tui::run::effect::Work::Action(ecsnap::tui::run::effect::ActionEffect::Cleanup { plans, .. }))] if plans[0].snapshot_first),
        "{effects:?}"
    );
}

#[test]
fn the_port_field_offers_no_letter_key_and_types_every_letter() {
    let mut s = dialog(DialogKind::PortForward);
    let screen = render(&s, 80, 24);
    let footer = screen.lines().nth(23).unwrap_or_default().to_string();
    assert_eq!(
        footer.trim(),
        "Enter confirm  Esc cancel  Backspace delete  ? help",
        "{screen}"
    );
    type_text(&mut s, "5432 db.internal");
    key(&mut s, KeyCode::Down);
    let input = s.modal.as_ref().map(|m| m.confirm.input.clone());
    assert_eq!(
        input.as_deref(),
        Some("5432 db.internal"),
        "n and j were typed"
    );
    // ? is never part of a port: it opens the dialog's help, and Esc comes back to it.
    ch(&mut s, '?');
    assert_eq!(s.mode, Mode::Help);
    assert!(render(&s, 80, 24).contains("Keys in the port-forward dialog"));
    key(&mut s, KeyCode::Esc);
    assert_eq!(kind_of(&s), DialogKind::PortForward);
    let input = s.modal.as_ref().map(|m| m.confirm.input.clone());
    assert_eq!(input.as_deref(), Some("5432 db.internal"));
}

#[test]
fn the_production_rollback_picker_types_the_name_and_picks_with_the_arrows() {
    let mut s = loaded_state();
    s.settings.production = true;
    assert!(s.services.list.select_key("payments-prod/worker"));
    ch(&mut s, 'R');
    reply(
        &mut s,
        DialogAnswer::Revisions(Ok(crate::rollback::revisions())),
    );
    let modal = s.modal.as_ref().expect("the picker");
    assert!(modal.text_field_focused(), "production: the name is typed");
    let screen = render(&s, 120, 40);
    let footer = screen.lines().nth(39).unwrap_or_default().to_string();
    assert_eq!(
        footer.trim(),
        "Enter confirm  Esc cancel  ↓ next  ↑ previous  → tags/EBS  Backspace delete  ? help"
    );
    assert_has_all(
        &screen,
        &[
            "(↓/↑ to pick)",
            "→ lists the container's image tags instead",
        ],
    );
    assert!(
        !screen.contains("j/k") && !screen.contains("i lists"),
        "{screen}"
    );
    let selected = |s: &AppState| match &s.modal.as_ref().map(|m| &m.kind) {
        Some(ecsnap::tui::state::modal::ModalKind::Rollback(r)) => r.selected,
        _ => panic!("the picker"),
    };
    let before = selected(&s);
    // j and i are letters of the name; ↓ picks.
    ch(&mut s, 'j');
    ch(&mut s, 'i');
    assert_eq!(selected(&s), before, "j did not move the pick");
    assert_eq!(
        s.modal.as_ref().map(|m| m.confirm.input.clone()).as_deref(),
        Some("ji")
    );
    key(&mut s, KeyCode::Down);
    assert_eq!(selected(&s), before + 1, "↓ picks the next revision");
    // → switches to the image tags (i could not: it is typed), and the name stays.
    let mode = |s: &AppState| match &s.modal.as_ref().map(|m| &m.kind) {
        Some(ecsnap::tui::state::modal::ModalKind::Rollback(r)) => r.mode,
        _ => panic!("the picker"),
    };
    assert_eq!(mode(&s), ecsnap::tui::state::rollback::PickMode::Revisions);
    key(&mut s, KeyCode::Right);
    assert_eq!(mode(&s), ecsnap::tui::state::rollback::PickMode::ImageTags);
    assert_eq!(
        s.modal.as_ref().map(|m| m.confirm.input.clone()).as_deref(),
        Some("ji")
    );
}

#[test]
fn while_a_field_is_typed_the_help_puts_the_typing_keys_first() {
    // The port of a forward is being typed: its help starts with what acts now.
    let mut s = dialog(DialogKind::PortForward);
    assert!(
        s.modal
            .as_ref()
            .is_some_and(ecsnap::tui::state::modal::Modal::text_field_focused)
    );
    let rows = collect_help(&mut s, 80, 24);
    let heading = |what: &str| {
        rows.iter()
            .position(|r| r.contains(what))
            .unwrap_or_else(|| panic!("{what} in {rows:#?}"))
    };
    let typing = heading("While typing");
    let others = heading("not while typing");
    assert!(typing < others, "{rows:#?}");
    // The cleanup's count is typed only once the plan is shown: before it, the order is
    // the usual one (its own keys first).
    let mut s = dialog(DialogKind::Wait);
    let rows = collect_help(&mut s, 80, 24);
    assert!(
        !rows.iter().any(|r| r.contains("not while typing")),
        "{rows:#?}"
    );
}
