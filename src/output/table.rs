//! Plain-text tables for the listing commands: left-aligned columns, two spaces apart.
//! Every cell is escaped (`model::escape`): a tag holding a newline or a control sequence
//! shows as `\n` / `\e[2J` in its own cell and cannot forge a row or act on the terminal.

use crate::model::escape::escape;

/// A table of text cells; widths are measured in characters.
#[derive(Debug, Default)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new<const N: usize>(headers: [&str; N]) -> Self {
        Self {
            headers: headers.iter().map(|h| (*h).to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Headers known only at run time.
    pub fn new_dyn(headers: &[&str]) -> Self {
        Self {
            headers: headers.iter().map(|h| (*h).to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(
            cells
                .into_iter()
                .map(|c| match escape(&c) {
                    std::borrow::Cow::Borrowed(_) => c,
                    std::borrow::Cow::Owned(e) => e,
                })
                .collect(),
        );
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn render(&self) -> String {
        let cols = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(cols) {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        let mut out = String::new();
        for row in std::iter::once(&self.headers).chain(self.rows.iter()) {
            let mut line = String::new();
            for (i, width) in widths.iter().enumerate() {
                let cell = row.get(i).map_or("", String::as_str);
                line.push_str(cell);
                if i + 1 < cols {
                    let pad = width.saturating_sub(cell.chars().count()) + 2;
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_on_the_widest_cell() {
        let mut t = Table::new(["ID", "STATE"]);
        t.row(vec!["vol-1".into(), "available".into()]);
        t.row(vec!["vol-22222".into(), "in-use".into()]);
        assert_eq!(
            t.render(),
            "ID         STATE\nvol-1      available\nvol-22222  in-use\n"
        );
    }

    #[test]
    fn cells_from_aws_cannot_forge_rows_or_reach_the_terminal() {
        let mut t = Table::new(["ID", "NAME"]);
        t.row(vec!["vol-1".into(), "a\nvol-2  forged\r\u{1b}[2J".into()]);
        let text = t.render();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(text.contains("a\\nvol-2  forged\\r\\e[2J"), "{text}");
        assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text}");
    }

    #[test]
    fn short_rows_are_padded() {
        let mut t = Table::new(["A", "B", "C"]);
        t.row(vec!["✓ steady".into()]);
        assert_eq!(t.render(), "A         B  C\n✓ steady\n");
    }
}
