//! Each built-in theme drawn at 80×24 (`[theme] name`), with its colours: the snapshot is
//! the screen's text followed by every run of styled cells, and a few cells are asserted by
//! hand (a steady service's ✓, the table header, the selected row). NO_COLOR wins over any
//! theme and override.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::fixtures::loaded_state;
use ecsnap::config::{ThemeName, ThemeSettings};
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier, Style};

fn themed(name: ThemeName, colors: &[(&str, Color)], color: bool) -> AppState {
    let mut s = loaded_state();
    s.color = color;
    s.settings.theme = ThemeSettings {
        name,
        colors: colors
            .iter()
            .map(|(r, c)| ((*r).to_string(), *c))
            .collect::<BTreeMap<_, _>>(),
    };
    s
}

fn draw(state: &AppState, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|f| view::draw(f, state))
        .expect("draw into the test backend");
    terminal.backend().buffer().clone()
}

/// The text, then each run of cells sharing one non-plain style: `row x0-x1 style`.
fn styled_text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        let line: String = (0..area.width).map(|x| buf[(x, y)].symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str("--- styles ---\n");
    for y in 0..area.height {
        let mut x = 0;
        while x < area.width {
            let style = buf[(x, y)].style();
            let start = x;
            while x < area.width && buf[(x, y)].style() == style {
                x += 1;
            }
            let described = describe(style);
            if !described.is_empty() {
                let _ = writeln!(out, "{y:>2} {start:>2}-{:<2} {described}", x - 1);
            }
        }
    }
    out
}

fn describe(s: Style) -> String {
    let mut parts = Vec::new();
    if let Some(fg) = s.fg.filter(|c| *c != Color::Reset) {
        parts.push(format!("fg={fg}"));
    }
    if let Some(bg) = s.bg.filter(|c| *c != Color::Reset) {
        parts.push(format!("bg={bg}"));
    }
    if !s.add_modifier.is_empty() {
        parts.push(format!("{:?}", s.add_modifier));
    }
    parts.join(" ")
}

/// Where `text` starts on the screen (first occurrence, by row).
fn find(buf: &Buffer, text: &str, row_has: &str) -> (u16, u16) {
    let area = buf.area;
    for y in 0..area.height {
        let cells: Vec<&str> = (0..area.width).map(|x| buf[(x, y)].symbol()).collect();
        let line: String = cells.concat();
        if !line.contains(row_has) {
            continue;
        }
        if let Some(byte) = line.find(text) {
            // Cells hold one symbol each: count the symbols before the byte offset.
            let x = line[..byte].chars().count();
            return (x as u16, y);
        }
    }
    panic!("{text:?} on a row with {row_has:?} not on screen");
}

fn style_at(buf: &Buffer, text: &str, row_has: &str) -> Style {
    let (x, y) = find(buf, text, row_has);
    buf[(x, y)].style()
}

macro_rules! theme_screens {
    ($($test:ident: $name:expr;)*) => {$(
        #[test]
        fn $test() {
            let s = themed($name, &[], true);
            let buf = draw(&s, 80, 24);
            insta::assert_snapshot!(
                concat!("theme_", stringify!($test), "_80x24"),
                styled_text(&buf)
            );
        }
    )*};
}

theme_screens! {
    default: ThemeName::Default;
    light: ThemeName::Light;
    high_contrast: ThemeName::HighContrast;
    mono: ThemeName::Mono;
}

#[test]
fn each_theme_colours_its_cells() {
    // (theme, a steady service's ✓, the table header, the selected row's background)
    let cases = [
        (
            ThemeName::Default,
            Some(Color::Green),
            Some(Color::Cyan),
            None,
        ),
        (
            ThemeName::Light,
            Some(Color::Indexed(28)),
            Some(Color::Indexed(25)),
            None,
        ),
        (
            ThemeName::HighContrast,
            Some(Color::LightGreen),
            Some(Color::White),
            Some(Color::LightYellow),
        ),
        (ThemeName::Mono, None, None, None),
    ];
    for (name, ok, header, selected_bg) in cases {
        let buf = draw(&themed(name, &[], true), 80, 24);
        assert_eq!(
            style_at(&buf, "✓", " api ")
                .fg
                .filter(|c| *c != Color::Reset),
            ok,
            "{name:?}"
        );
        let head = style_at(&buf, "STATE", "CLUSTER");
        assert_eq!(head.fg.filter(|c| *c != Color::Reset), header, "{name:?}");
        assert!(head.add_modifier.contains(Modifier::BOLD), "{name:?}");
        let selected = style_at(&buf, "crawler", "FAILED");
        assert_eq!(
            selected.bg.filter(|c| *c != Color::Reset),
            selected_bg,
            "{name:?}"
        );
        if selected_bg.is_none() {
            assert!(
                selected.add_modifier.contains(Modifier::REVERSED),
                "{name:?}"
            );
        }
        // The symbols stay whatever the colours: colour is never the only signal.
        let text = styled_text(&buf);
        for symbol in ["✗ FAILED", "◐ ROLLING", "! DEGRADED", "✓ steady", "›"] {
            assert!(text.contains(symbol), "{name:?} keeps {symbol}");
        }
    }
}

#[test]
fn a_colour_override_changes_its_role_only() {
    let buf = draw(
        &themed(ThemeName::Default, &[("ok", Color::Blue)], true),
        80,
        24,
    );
    assert_eq!(style_at(&buf, "✓", " api ").fg, Some(Color::Blue));
    assert_eq!(style_at(&buf, "STATE", "CLUSTER").fg, Some(Color::Cyan));
}

#[test]
fn no_color_wins_over_the_theme_and_its_overrides() {
    let s = themed(ThemeName::HighContrast, &[("ok", Color::Blue)], false);
    let buf = draw(&s, 80, 24);
    let text = styled_text(&buf);
    let styles = text.split("--- styles ---").nth(1).unwrap_or_default();
    assert!(
        !styles.contains("fg=") && !styles.contains("bg="),
        "{styles}"
    );
    assert!(
        style_at(&buf, "crawler", "FAILED")
            .add_modifier
            .contains(Modifier::REVERSED)
    );
}
