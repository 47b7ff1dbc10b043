//! Styles. Colour carries meaning (red failing, yellow in progress, green steady) but never
//! alone: every styled text also has a symbol or a word. With colour off (`NO_COLOR`,
//! `--no-color`) only bold, reverse and underline remain.

use ratatui::style::{Color, Modifier, Style};

use crate::analysis::health::Steadiness;

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn bad(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn warn(self) -> Style {
        self.fg(Color::Yellow)
    }
    pub fn good(self) -> Style {
        self.fg(Color::Green)
    }
    pub fn dim(self) -> Style {
        self.fg(Color::DarkGray)
    }
    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn heading(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    pub fn bold(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }
    pub fn table_header(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn active_tab(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }
    pub fn production(self) -> Style {
        self.banner(
            Color::White,
            Color::Red,
            Modifier::REVERSED | Modifier::BOLD,
        )
    }
    pub fn badge(self) -> Style {
        self.banner(Color::Black, Color::Yellow, Modifier::REVERSED)
    }

    /// Bold `fg` on `bg`; with colour off, `plain` instead.
    fn banner(self, fg: Color, bg: Color, plain: Modifier) -> Style {
        if self.color {
            Style::new().fg(fg).bg(bg).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(plain)
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
