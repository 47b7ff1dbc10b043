//! Per-pane state: rows, selection, filter, sort, marks and load state. Each pane owns its
//! own; `update` changes them, the views read them.

use std::cell::Cell;
use std::cmp::Ordering;
use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

/// Where a pane's data stands. Rows already shown stay while a refresh runs or fails.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum LoadState {
    #[default]
    Idle,
    Loading {
        since: DateTime<Utc>,
    },
    Loaded {
        at: DateTime<Utc>,
    },
    Failed {
        error: String,
        at: DateTime<Utc>,
    },
}

impl LoadState {
    pub fn is_loading(&self) -> bool {
        matches!(self, LoadState::Loading { .. })
    }
    pub fn error(&self) -> Option<&str> {
        match self {
            LoadState::Failed { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// One load slot: the generation of the newest request and where it stands. A result whose
/// generation is not the newest is stale and dropped.
#[derive(Debug, Clone, Default)]
pub struct Loader {
    pub generation: u64,
    pub state: LoadState,
    /// Whether any load ever finished (so an empty table means "none", not "not yet").
    pub loaded_once: bool,
    /// How far the running load is, for loads that arrive in parts.
    pub progress: Option<Progress>,
    /// When the newest successful load finished (kept while the next one runs): the
    /// header's refresh time for this pane.
    pub loaded_at: Option<DateTime<Utc>>,
}

/// Parts of a load delivered so far, e.g. 3 of 20 clusters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub unit: &'static str,
}

impl Loader {
    /// Starts a new request; returns its generation.
    pub fn start(&mut self, now: DateTime<Utc>) -> u64 {
        self.generation += 1;
        self.state = LoadState::Loading { since: now };
        self.progress = None;
        self.generation
    }

    /// Forgets what was loaded (the pane shows another thing now); the generation stays,
    /// so an answer to a request still running is dropped as stale.
    pub fn forget(&mut self) {
        self.state = LoadState::Idle;
        self.loaded_once = false;
        self.loaded_at = None;
    }

    /// Accepts one part of the newest request (recording how far it is); `false` for a
    /// part of a stale one, which the caller drops.
    pub fn part(&mut self, generation: u64, progress: Progress) -> bool {
        if generation != self.generation || !self.state.is_loading() {
            return false;
        }
        self.progress = Some(progress);
        true
    }

    /// Accepts a result if it answers the newest request.
    pub fn finish<T>(
        &mut self,
        generation: u64,
        result: Result<T, String>,
        now: DateTime<Utc>,
    ) -> Option<T> {
        if generation != self.generation {
            tracing::debug!(
                "dropping a stale result (generation {generation}, now {})",
                self.generation
            );
            return None;
        }
        self.progress = None;
        match result {
            Ok(v) => {
                self.state = LoadState::Loaded { at: now };
                self.loaded_once = true;
                self.loaded_at = Some(now);
                Some(v)
            }
            Err(error) => {
                tracing::warn!("load failed: {error}");
                self.state = LoadState::Failed { error, at: now };
                None
            }
        }
    }
}

/// What a table row tells the list machinery.
pub trait Row {
    /// Stable identity across reloads (selection and marks follow it).
    fn key(&self) -> String;
    /// Lower-case text the filter searches.
    fn haystack(&self) -> String;
    /// Orders two rows by sort column `column` (ascending as the column means it).
    fn compare(&self, other: &Self, column: usize) -> Ordering;
    /// Whether `compare` puts column `column`'s largest values (newest, costliest, most)
    /// first: the sort label then knows which way a reversed order runs.
    fn descending(column: usize) -> bool
    where
        Self: Sized,
    {
        let _ = column;
        false
    }
}

/// A filtered, sorted, selectable list of rows.
#[derive(Debug, Clone)]
pub struct ListPane<R> {
    pub rows: Vec<R>,
    haystacks: Vec<String>,
    /// Every index into `rows`, sorted (the filter narrows this into `visible`).
    order: Vec<usize>,
    /// Indices into `rows`, filtered and sorted.
    pub visible: Vec<usize>,
    /// Index into `visible`.
    pub selected: usize,
    pub filter: String,
    pub sort_columns: &'static [&'static str],
    pub sort: usize,
    pub reverse: bool,
    pub marks: BTreeSet<String>,
    /// First visible row; the view keeps the selection on screen and writes it back.
    pub offset: Cell<usize>,
    /// Whether the user chose a row (moved, jumped). Until then the selection follows the
    /// top row as rows arrive, so the worst service is the one selected; after, it stays
    /// on the row they chose, by identity.
    pub chosen: bool,
}

impl<R: Row> ListPane<R> {
    pub fn new(sort_columns: &'static [&'static str]) -> Self {
        Self {
            rows: Vec::new(),
            haystacks: Vec::new(),
            order: Vec::new(),
            visible: Vec::new(),
            selected: 0,
            filter: String::new(),
            sort_columns,
            sort: 0,
            reverse: false,
            marks: BTreeSet::new(),
            offset: Cell::new(0),
            chosen: false,
        }
    }

    /// Replaces the rows, keeping the selection on the same key when it still exists.
    pub fn set_rows(&mut self, rows: Vec<R>) {
        let keep = self.chosen_key();
        self.haystacks = rows.iter().map(Row::haystack).collect();
        self.rows = rows;
        let keys: BTreeSet<String> = self.rows.iter().map(Row::key).collect();
        self.marks.retain(|m| keys.contains(m));
        self.rebuild(keep.as_deref());
    }

    /// Drops the rows `stale` matches and adds `fresh` (one part of a load arriving),
    /// without recomputing the search text of the rows that stay.
    pub fn replace_rows(&mut self, stale: impl Fn(&R) -> bool, fresh: Vec<R>) {
        let keep = self.chosen_key();
        let fresh_keys: BTreeSet<String> = fresh.iter().map(Row::key).collect();
        let old = std::mem::take(&mut self.rows);
        let old_haystacks = std::mem::take(&mut self.haystacks);
        for (row, haystack) in old.into_iter().zip(old_haystacks) {
            if stale(&row) {
                let key = row.key();
                if !fresh_keys.contains(&key) {
                    self.marks.remove(&key);
                }
            } else {
                self.rows.push(row);
                self.haystacks.push(haystack);
            }
        }
        self.haystacks.extend(fresh.iter().map(Row::haystack));
        self.rows.extend(fresh);
        self.rebuild(keep.as_deref());
    }

    pub fn selected_row(&self) -> Option<&R> {
        self.visible
            .get(self.selected)
            .and_then(|&i| self.rows.get(i))
    }

    pub fn selected_key(&self) -> Option<String> {
        self.selected_row().map(Row::key)
    }

    /// The key the selection keeps across new rows: the user's choice, else none (the top).
    fn chosen_key(&self) -> Option<String> {
        if self.chosen {
            self.selected_key()
        } else {
            None
        }
    }

    pub fn visible_rows(&self) -> impl Iterator<Item = &R> {
        self.visible.iter().filter_map(|&i| self.rows.get(i))
    }

    /// Recomputes the visible rows after a filter, sort or data change.
    pub fn rebuild(&mut self, keep: Option<&str>) {
        let mut order: Vec<usize> = (0..self.rows.len()).collect();
        let (rows, col, rev) = (&self.rows, self.sort, self.reverse);
        order.sort_by(|&a, &b| {
            let o = rows[a].compare(&rows[b], col);
            if rev { o.reverse() } else { o }
        });
        self.order = order;
        self.refilter();
        self.selected = keep
            .and_then(|k| self.visible.iter().position(|&i| self.rows[i].key() == k))
            .unwrap_or(0);
        self.clamp();
    }

    /// Narrows the sorted order to the rows the filter matches (no re-sort).
    fn refilter(&mut self) {
        let needle = self.filter.to_lowercase();
        self.visible = self
            .order
            .iter()
            .copied()
            .filter(|&i| needle.is_empty() || self.haystacks[i].contains(&needle))
            .collect();
    }

    fn clamp(&mut self) {
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
    }

    pub fn move_by(&mut self, delta: isize) {
        self.chosen = true;
        let last = self.visible.len().saturating_sub(1);
        let target = self.selected.saturating_add_signed(delta);
        self.selected = target.min(last);
    }

    /// Moves the selection to the row with this key; false when it is not visible.
    pub fn select_key(&mut self, key: &str) -> bool {
        match self.visible.iter().position(|&i| self.rows[i].key() == key) {
            Some(p) => {
                self.selected = p;
                self.chosen = true;
                true
            }
            None => false,
        }
    }

    pub fn set_filter(&mut self, filter: String) {
        let keep = self.visible.get(self.selected).copied();
        self.filter = filter;
        self.refilter();
        self.selected = keep
            .and_then(|k| self.visible.iter().position(|&i| i == k))
            .unwrap_or(0);
        self.clamp();
    }

    pub fn sort_next(&mut self) {
        let keep = self.selected_key();
        self.sort = (self.sort + 1) % self.sort_columns.len().max(1);
        self.reverse = false;
        self.rebuild(keep.as_deref());
    }

    pub fn sort_reverse(&mut self) {
        let keep = self.selected_key();
        self.reverse = !self.reverse;
        self.rebuild(keep.as_deref());
    }

    pub fn toggle_mark(&mut self) {
        if let Some(k) = self.selected_key()
            && !self.marks.remove(&k)
        {
            self.marks.insert(k);
        }
    }

    pub fn is_marked(&self, row: &R) -> bool {
        !self.marks.is_empty() && self.marks.contains(&row.key())
    }

    /// The sort column, with an arrow once `S` reversed it: `↑` when the smallest (oldest,
    /// cheapest, A first) values now come first, `↓` when the largest do.
    pub fn sort_label(&self) -> String {
        let name = self.sort_columns.get(self.sort).copied().unwrap_or("-");
        if !self.reverse {
            return name.to_string();
        }
        let largest_first = !R::descending(self.sort);
        format!("{name}{}", if largest_first { "↓" } else { "↑" })
    }
}

/// What the keys do to a list, whatever its rows: `AppState::active_list` hands out the
/// active one as `&dyn ListOps`, so no caller needs to know which pane holds which list.
pub trait ListOps {
    fn filter(&self) -> &str;
    fn set_filter(&mut self, filter: String);
    fn move_by(&mut self, delta: isize);
    fn sort_next(&mut self);
    fn sort_reverse(&mut self);
    /// Marks or unmarks the selected row.
    fn toggle_mark(&mut self);
    /// Marks every row the filter shows, or unmarks them when all are marked.
    fn toggle_mark_visible(&mut self);
    /// The user acted on the selected row: from now on the selection stays on it, by
    /// identity, through re-sorts and refreshes (instead of following the top row).
    fn choose(&mut self);
}

impl<R: Row> ListOps for ListPane<R> {
    fn filter(&self) -> &str {
        &self.filter
    }
    fn set_filter(&mut self, filter: String) {
        ListPane::set_filter(self, filter);
    }
    fn move_by(&mut self, delta: isize) {
        ListPane::move_by(self, delta);
    }
    fn sort_next(&mut self) {
        ListPane::sort_next(self);
    }
    fn sort_reverse(&mut self) {
        ListPane::sort_reverse(self);
    }
    fn toggle_mark(&mut self) {
        ListPane::toggle_mark(self);
    }
    fn choose(&mut self) {
        if self.selected_row().is_some() {
            self.chosen = true;
        }
    }
    fn toggle_mark_visible(&mut self) {
        let keys: Vec<String> = self.visible_rows().map(Row::key).collect();
        if keys.iter().all(|k| self.marks.contains(k)) {
            for k in &keys {
                self.marks.remove(k);
            }
        } else {
            self.marks.extend(keys);
        }
    }
}

/// Ordering helpers shared by the panes.
#[allow(
    clippy::needless_pass_by_value,
    reason = "called with references and small copies"
)]
pub fn by<T: Ord>(a: T, b: T) -> Ordering {
    a.cmp(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone)]
    struct R(&'static str, i32);

    impl Row for R {
        fn key(&self) -> String {
            self.0.into()
        }
        fn haystack(&self) -> String {
            self.0.to_lowercase()
        }
        fn compare(&self, o: &Self, c: usize) -> Ordering {
            if c == 0 {
                self.0.cmp(o.0)
            } else {
                self.1.cmp(&o.1)
            }
        }
    }

    fn pane() -> ListPane<R> {
        let mut p = ListPane::new(&["name", "n"]);
        p.set_rows(vec![R("Bravo", 1), R("alpha", 3), R("Charlie", 2)]);
        p
    }

    fn keys(p: &ListPane<R>) -> Vec<&str> {
        p.visible_rows().map(|r| r.0).collect()
    }

    #[test]
    fn replacing_part_of_the_rows_keeps_order_filter_selection_and_marks() {
        let mut p = pane();
        p.set_filter("a".into());
        p.move_by(1);
        assert_eq!(p.selected_key().as_deref(), Some("Charlie"));
        p.marks.insert("Bravo".into());
        p.marks.insert("alpha".into());
        // Bravo comes again (refreshed), alpha is gone, Delta is new.
        p.replace_rows(
            |r| r.0 == "Bravo" || r.0 == "alpha",
            vec![R("Bravo", 9), R("Delta", 0)],
        );
        assert_eq!(keys(&p), ["Bravo", "Charlie", "Delta"]);
        assert_eq!(p.rows.iter().find(|r| r.0 == "Bravo").map(|r| r.1), Some(9));
        assert_eq!(p.selected_key().as_deref(), Some("Charlie"));
        assert_eq!(p.marks.iter().collect::<Vec<_>>(), ["Bravo"]);
        p.set_filter(String::new());
        assert_eq!(keys(&p), ["Bravo", "Charlie", "Delta"]);
        assert_eq!(p.selected_key().as_deref(), Some("Charlie"));
    }

    #[test]
    fn until_the_user_moves_the_selection_follows_the_top_row() {
        // The first part: one row, selected because it is the only one.
        let mut p = ListPane::new(&["name", "n"]);
        p.replace_rows(|_| false, vec![R("reports", 1)]);
        assert_eq!(p.selected_key().as_deref(), Some("reports"));
        // A worse row sorts in above it: the selection moves to the top with it.
        p.replace_rows(|r| r.0 == "ledger-api", vec![R("ledger-api", 2)]);
        assert_eq!(keys(&p), ["ledger-api", "reports"]);
        assert_eq!(p.selected_key().as_deref(), Some("ledger-api"));
        // Once the user chose a row, new rows never take the cursor from it.
        p.move_by(1);
        assert_eq!(p.selected_key().as_deref(), Some("reports"));
        p.replace_rows(|r| r.0 == "billing", vec![R("billing", 0)]);
        assert_eq!(keys(&p), ["billing", "ledger-api", "reports"]);
        assert_eq!(p.selected_key().as_deref(), Some("reports"));
        p.set_rows(vec![R("aaa", 0), R("reports", 1)]);
        assert_eq!(p.selected_key().as_deref(), Some("reports"));
    }

    #[test]
    fn sort_filter_and_selection_follow_the_key() {
        let mut p = pane();
        assert_eq!(keys(&p), ["Bravo", "Charlie", "alpha"]);
        p.move_by(1);
        assert_eq!(p.selected_key().as_deref(), Some("Charlie"));
        p.sort_next();
        assert_eq!(keys(&p), ["Bravo", "Charlie", "alpha"]);
        p.sort_reverse();
        assert_eq!(keys(&p), ["alpha", "Charlie", "Bravo"]);
        assert_eq!(p.selected_key().as_deref(), Some("Charlie"));
        p.set_filter("CH".into());
        assert_eq!(keys(&p), ["Charlie"]);
        p.set_filter("zzz".into());
        assert!(p.selected_row().is_none());
        p.set_filter(String::new());
        assert_eq!(p.visible.len(), 3);
        p.move_by(-10);
        assert_eq!(p.selected, 0);
        p.move_by(10);
        assert_eq!(p.selected, 2);
    }

    #[test]
    fn marks_survive_reloads_of_rows_that_still_exist() {
        let mut p = pane();
        p.toggle_mark();
        p.move_by(1);
        p.toggle_mark();
        assert_eq!(p.marks.len(), 2);
        p.set_rows(vec![R("Bravo", 1), R("delta", 9)]);
        assert_eq!(p.marks.iter().collect::<Vec<_>>(), ["Bravo"]);
    }

    #[test]
    fn stale_generations_are_dropped() {
        let now = chrono::DateTime::<Utc>::UNIX_EPOCH;
        let mut l = Loader::default();
        let first = l.start(now);
        let second = l.start(now);
        assert_eq!(l.finish(first, Ok::<_, String>(1), now), None);
        assert!(l.state.is_loading());
        assert_eq!(l.finish(second, Ok::<_, String>(2), now), Some(2));
        assert!(l.loaded_once);
        let third = l.start(now);
        assert_eq!(l.finish(third, Err::<i32, _>("boom".into()), now), None);
        assert_eq!(l.state.error(), Some("boom"));
    }
}
