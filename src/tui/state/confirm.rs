//! The confirmation a dialog asks for (`Confirmation::required`: `y`, the count typed
//! back for bulk deletes, the name typed in production) and what has been typed so far.

use crate::ops::confirm::Confirmation;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmInput {
    pub needed: Confirmation,
    pub input: String,
    /// The dialog's own error line (wrong text, read-only refusal, failed action).
    pub error: Option<String>,
}

impl Default for ConfirmInput {
    fn default() -> Self {
        Self {
            needed: Confirmation::YesNo,
            input: String::new(),
            error: None,
        }
    }
}

impl ConfirmInput {
    pub fn new(needed: Confirmation) -> Self {
        Self {
            needed,
            ..Self::default()
        }
    }

    pub fn is_typed(&self) -> bool {
        matches!(self.needed, Confirmation::Typed(_))
    }

    /// The line that tells the user what to press or type.
    pub fn prompt(&self, what: &str) -> String {
        match &self.needed {
            Confirmation::YesNo => format!("{what}? y confirm · n/Esc cancel"),
            Confirmation::Typed(text) => format!(
                "{what}? Type {text} and press Enter to confirm (Esc cancels): {}▏",
                self.input
            ),
        }
    }

    /// Whether the typed answer (or a plain `y` for yes/no) confirms.
    pub fn accepts_typed(&self) -> bool {
        self.needed.accepts(&self.input)
    }
}

/// The confirmation for an action changing `count` resources (bulk when more than one),
/// named `name` when single.
pub fn needed(count: usize, production: bool, name: &str) -> Confirmation {
    Confirmation::required((count > 1).then_some(count), production, name)
}
