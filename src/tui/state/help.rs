//! The `?` help overlay's own state: how far it is scrolled. The view clamps the offset to
//! the text it draws and writes it back, so `G`/End can ask for "the end" without knowing
//! the screen.

use std::cell::Cell;

#[derive(Debug, Clone, Default)]
pub struct HelpView {
    /// Rows scrolled down (the view clamps it).
    pub scroll: Cell<u16>,
}

impl HelpView {
    /// Moves by `delta` rows (negative: up); the view clamps the far end.
    pub fn scroll_by(&self, delta: i32) {
        let v = i32::from(self.scroll.get()).saturating_add(delta);
        self.scroll
            .set(u16::try_from(v.clamp(0, i32::from(u16::MAX))).unwrap_or(0));
    }

    pub fn top(&self) {
        self.scroll.set(0);
    }

    /// The last page (clamped when drawn).
    pub fn bottom(&self) {
        self.scroll.set(u16::MAX);
    }
}
