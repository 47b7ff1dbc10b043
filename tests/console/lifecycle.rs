//! The Snapshots pane's lifecycle box: the tags' arrival asks for the policies, and once
//! they are judged the selected user's expiries, later expiries and warnings show — the
//! warnings in red with the rule's priority; a repository without a policy says so.

use crate::actions::only_load;
use crate::asserts::{assert_has, assert_has_all};
use crate::fixtures::{deliver, listing, loaded_state, now, pane, render};
use ecsnap::analysis::in_use::InUse;
use ecsnap::analysis::keep::KeptImages;
use ecsnap::analysis::lifecycle_report::{LifecycleReport, Safety, judge};
use ecsnap::analysis::tags::TagPattern;
use ecsnap::tui::run::effect::Load;
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::msg::{Event, Listing, PaneAnswer};
use ecsnap::tui::state::pane_id::PaneId;
use ecsnap::tui::update::app::update;
use ecsnap::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

const ALICE_KEEPS_TWO: &str = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged",
  "tagPatternList":["alice-*"],"countType":"imageCountMoreThan","countNumber":2},
  "action":{"type":"expire"}},{"rulePriority":2,"selection":{"tagStatus":"tagged",
  "tagPatternList":["bob-*"],"countType":"sinceImagePushed","countUnit":"days",
  "countNumber":30},"action":{"type":"expire"}}]}"#;

fn reports() -> Vec<LifecycleReport> {
    let images = crate::fixtures::images();
    let mut in_use = InUse::default();
    in_use.add_reference(
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/workspaces:alice-20261120T0815",
    );
    let kept = KeptImages::default();
    let pattern = TagPattern::default();
    let safety = Safety {
        pattern: &pattern,
        resume_tag: "{user}-latest",
        keep_newest: 3,
        in_use: &in_use,
        kept: &kept,
    };
    let of = |repo: &str| -> Vec<_> {
        images
            .iter()
            .filter(|i| i.repository == repo)
            .cloned()
            .collect()
    };
    vec![
        judge(
            "workspaces",
            Some(ALICE_KEEPS_TWO),
            &of("workspaces"),
            &safety,
            now(),
        ),
        judge("ledger", None, &of("ledger"), &safety, now()),
    ]
}

fn with_lifecycle() -> AppState {
    let mut s = loaded_state();
    s.pane = PaneId::Snapshots;
    let g = s.snapshots.lifecycle.loader.generation;
    deliver(&mut s, pane(g, PaneAnswer::Lifecycle(Ok(reports()))));
    s
}

#[test]
fn the_tags_arriving_ask_for_the_policies() {
    let mut s = crate::fixtures::empty_state();
    let g = s.snapshots.loader.generation;
    let effects = update(
        &mut s,
        Event::Msg(listing(
            g,
            Listing::Snapshots(Ok(crate::fixtures::snapshot_groups())),
        )),
    );
    let want = s.snapshots.lifecycle.loader.generation;
    assert!(
        matches!(only_load(&effects), Load::Lifecycle { generation } if *generation == want),
        "{effects:?}"
    );
    // Until they are judged, no box (the tags keep the whole pane).
    s.pane = PaneId::Snapshots;
    assert!(!render(&s, 120, 40).contains("Lifecycle policy"));
}

#[test]
fn the_selected_users_expiries_and_warnings_show() {
    let s = with_lifecycle();
    let text = render(&s, 120, 40);
    assert_has_all(
        &text,
        &[
            "Lifecycle policy of workspaces · alice",
            "2 rules · 4 tags expire now · 0 later · ⚠ 2 warnings",
            "⚠ rule 1 · alice-20261120T0815: rule 1 expires an image in use",
            "⚠ rule 1 · alice-20261120T0815: rule 1 expires alice's 3rd newest snapshot tag",
            "✗ expires now · rule 1 · alice-20261115T0800",
        ],
    );
    insta::assert_snapshot!("snapshots_lifecycle_120x40", text);
}

#[test]
fn warnings_are_red() {
    let mut s = with_lifecycle();
    s.color = true;
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    terminal
        .draw(|f| view::draw(f, &s))
        .expect("draw into the test backend");
    let buf = terminal.backend().buffer();
    let cell = (0..40)
        .flat_map(|y| (0..120).map(move |x| (x, y)))
        .map(|p| &buf[p])
        .find(|c| c.symbol() == "⚠")
        .expect("a warning mark");
    assert_eq!(cell.fg, Color::Red);
}

#[test]
fn later_expiries_and_no_policy() {
    let mut s = with_lifecycle();
    // bob: his age rule reaches nothing yet; each tag says when it will.
    assert!(s.snapshots.users.select_key("workspaces/bob"));
    s.snapshots.sync_tags();
    let text = render(&s, 120, 40);
    // Seven tags: the newest image also carries bob-latest.
    assert_has_all(
        &text,
        &[
            "0 tags expire now · 7 later",
            "… expires 2026-",
            "rule 2 · bob-20261115T0800",
        ],
    );
    // ledger has no policy: said so, nothing expires.
    assert!(s.snapshots.users.select_key("ledger/(other)"));
    s.snapshots.sync_tags();
    let text = render(&s, 120, 40);
    assert_has(&text, "no lifecycle policy: nothing expires");
    // At 80 columns the line is cut where the box ends, and says so.
    let narrow = render(&s, 80, 24);
    assert_has(
        &narrow,
        "no lifecycle policy: nothing expires (ecsnap lifecycle --repository ledger --…│",
    );
}
