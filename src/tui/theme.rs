//! Styles, from one palette. Colour carries meaning (red failing, yellow in progress, green
//! steady) but never alone: every styled text also has a symbol or a word. The palette is a
//! built-in theme (`[theme] name`: default, light, high-contrast, mono) with the config's
//! per-role colours over it (`[theme.colors]`); with colour off (`NO_COLOR`, `--no-color`,
//! or the mono theme) only bold, reverse and underline remain. Every colour the console
//! draws comes from here.

use ratatui::style::{Color, Modifier, Style};

use crate::analysis::health::Steadiness;
use crate::config::{ThemeName, ThemeSettings};

/// The colour of each role; `None` draws the role without colour (its modifiers stay).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Palette {
    pub ok: Option<Color>,
    pub warn: Option<Color>,
    pub bad: Option<Color>,
    pub dim: Option<Color>,
    pub key: Option<Color>,
    pub header: Option<Color>,
    /// The selected row: reversed when both are `None`.
    pub selected_fg: Option<Color>,
    pub selected_bg: Option<Color>,
    pub production_fg: Option<Color>,
    pub production_bg: Option<Color>,
    pub badge_fg: Option<Color>,
    pub badge_bg: Option<Color>,
}

impl Palette {
    /// The built-in palette of a theme.
    pub fn builtin(name: ThemeName) -> Self {
        match name {
            ThemeName::Default => Palette {
                ok: Some(Color::Green),
                warn: Some(Color::Yellow),
                bad: Some(Color::Red),
                dim: Some(Color::DarkGray),
                key: Some(Color::Cyan),
                header: Some(Color::Cyan),
                selected_fg: None,
                selected_bg: None,
                production_fg: Some(Color::White),
                production_bg: Some(Color::Red),
                badge_fg: Some(Color::Black),
                badge_bg: Some(Color::Yellow),
            },
            // Yellow and cyan vanish on white: darker 256-colour shades instead.
            ThemeName::Light => Palette {
                ok: Some(Color::Indexed(28)),
                warn: Some(Color::Indexed(130)),
                bad: Some(Color::Indexed(160)),
                dim: Some(Color::Indexed(244)),
                key: Some(Color::Indexed(25)),
                header: Some(Color::Indexed(25)),
                selected_fg: None,
                selected_bg: None,
                production_fg: Some(Color::White),
                production_bg: Some(Color::Indexed(160)),
                badge_fg: Some(Color::Black),
                badge_bg: Some(Color::Indexed(220)),
            },
            ThemeName::HighContrast => Palette {
                ok: Some(Color::LightGreen),
                warn: Some(Color::LightYellow),
                bad: Some(Color::LightRed),
                dim: Some(Color::Gray),
                key: Some(Color::LightCyan),
                header: Some(Color::White),
                selected_fg: Some(Color::Black),
                selected_bg: Some(Color::LightYellow),
                production_fg: Some(Color::White),
                production_bg: Some(Color::Red),
                badge_fg: Some(Color::Black),
                badge_bg: Some(Color::LightYellow),
            },
            ThemeName::Mono => Palette::default(),
        }
    }

    /// The config's theme: its built-in palette with `[theme.colors]` over it.
    pub fn from_settings(settings: &ThemeSettings) -> Self {
        let mut p = Palette::builtin(settings.name);
        for (role, color) in &settings.colors {
            if let Some(slot) = p.role_mut(role) {
                *slot = Some(*color);
            }
        }
        p
    }

    /// The slot of a role named as in the config (`config::THEME_ROLES`).
    fn role_mut(&mut self, role: &str) -> Option<&mut Option<Color>> {
        Some(match role {
            "ok" => &mut self.ok,
            "warn" => &mut self.warn,
            "bad" => &mut self.bad,
            "dim" => &mut self.dim,
            "key" => &mut self.key,
            "header" => &mut self.header,
            "selected_fg" => &mut self.selected_fg,
            "selected_bg" => &mut self.selected_bg,
            "production_fg" => &mut self.production_fg,
            "production_bg" => &mut self.production_bg,
            "badge_fg" => &mut self.badge_fg,
            "badge_bg" => &mut self.badge_bg,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Theme {
    palette: Palette,
}

impl Theme {
    /// The config's theme, or no colour at all when `color` is off (NO_COLOR and
    /// `--no-color` win over every theme and override).
    pub fn new(color: bool, settings: &ThemeSettings) -> Self {
        if color {
            Theme {
                palette: Palette::from_settings(settings),
            }
        } else {
            Theme::plain()
        }
    }

    /// The default theme's colours.
    pub fn colored() -> Self {
        Theme {
            palette: Palette::builtin(ThemeName::Default),
        }
    }

    /// No colour: bold, reverse and underline only.
    pub fn plain() -> Self {
        Theme {
            palette: Palette::default(),
        }
    }

    fn fg(c: Option<Color>) -> Style {
        match c {
            Some(c) => Style::new().fg(c),
            None => Style::new(),
        }
    }

    pub fn bad(self) -> Style {
        Self::fg(self.palette.bad).add_modifier(Modifier::BOLD)
    }
    pub fn warn(self) -> Style {
        Self::fg(self.palette.warn)
    }
    pub fn good(self) -> Style {
        Self::fg(self.palette.ok)
    }
    pub fn dim(self) -> Style {
        Self::fg(self.palette.dim)
    }
    pub fn key(self) -> Style {
        Self::fg(self.palette.key).add_modifier(Modifier::BOLD)
    }
    pub fn heading(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    pub fn bold(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn selected(self) -> Style {
        match (self.palette.selected_fg, self.palette.selected_bg) {
            (None, None) => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            (fg, bg) => {
                let mut s = Style::new().add_modifier(Modifier::BOLD);
                if let Some(fg) = fg {
                    s = s.fg(fg);
                }
                if let Some(bg) = bg {
                    s = s.bg(bg);
                }
                s
            }
        }
    }
    pub fn table_header(self) -> Style {
        Self::fg(self.palette.header).add_modifier(Modifier::BOLD)
    }
    pub fn active_tab(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }
    pub fn production(self) -> Style {
        Self::banner(
            self.palette.production_fg,
            self.palette.production_bg,
            Modifier::REVERSED | Modifier::BOLD,
        )
    }
    pub fn badge(self) -> Style {
        Self::banner(
            self.palette.badge_fg,
            self.palette.badge_bg,
            Modifier::REVERSED,
        )
    }

    /// Bold `fg` on `bg`; without a background colour, `plain` instead.
    fn banner(fg: Option<Color>, bg: Option<Color>, plain: Modifier) -> Style {
        match bg {
            Some(bg) => {
                let s = Style::new().bg(bg).add_modifier(Modifier::BOLD);
                match fg {
                    Some(fg) => s.fg(fg),
                    None => s,
                }
            }
            None => Style::new().add_modifier(plain),
        }
    }

    pub fn steadiness(self, s: Steadiness) -> Style {
        match s {
            Steadiness::Failed => self.bad(),
            Steadiness::Rolling | Steadiness::Degraded => self.warn(),
            Steadiness::Steady => self.good(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn overrides_replace_their_role_only() {
        let settings = ThemeSettings {
            name: ThemeName::Default,
            colors: BTreeMap::from([("ok".to_string(), Color::Blue)]),
        };
        let t = Theme::new(true, &settings);
        assert_eq!(t.good().fg, Some(Color::Blue));
        assert_eq!(t.bad().fg, Some(Color::Red));
    }

    #[test]
    fn no_color_wins_over_theme_and_overrides() {
        let settings = ThemeSettings {
            name: ThemeName::HighContrast,
            colors: BTreeMap::from([("bad".to_string(), Color::Blue)]),
        };
        let t = Theme::new(false, &settings);
        assert_eq!(t.bad().fg, None);
        assert!(t.bad().add_modifier.contains(Modifier::BOLD));
        assert_eq!(t.selected().bg, None);
        assert!(t.selected().add_modifier.contains(Modifier::REVERSED));
    }

    /// Theme `name` in colour, with no overrides.
    fn named(name: ThemeName) -> Theme {
        Theme::new(
            true,
            &ThemeSettings {
                name,
                colors: BTreeMap::new(),
            },
        )
    }

    #[test]
    fn mono_has_no_colour_and_keeps_the_modifiers() {
        let t = named(ThemeName::Mono);
        assert_eq!(t.good().fg, None);
        assert_eq!(t.production().bg, None);
        assert!(t.production().add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn high_contrast_selects_on_a_solid_background() {
        let t = named(ThemeName::HighContrast);
        assert_eq!(t.selected().bg, Some(Color::LightYellow));
        assert_eq!(t.selected().fg, Some(Color::Black));
    }

    #[test]
    fn every_config_role_has_a_slot() {
        for role in crate::config::THEME_ROLES {
            assert!(Palette::default().role_mut(role).is_some(), "{role}");
        }
    }
}
