//! Snapshots pane state: users (per repository) with their totals, the selected user's
//! tags newest first, and unique bytes computed on demand.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::analysis::tags::{TagEntry, UserTags, groups_bytes};
use crate::tui::state::list::{ListPane, Loader, Row, by};

pub const USER_SORT_COLUMNS: &[&str] = &["user", "size", "tags", "newest"];
pub const TAG_SORT_COLUMNS: &[&str] = &["pushed", "size", "tag"];

#[derive(Debug, Clone)]
pub struct UserRow {
    pub group: UserTags,
    /// `group.total_bytes()`, computed once.
    pub total_bytes: i64,
    /// The place it was loaded from (a console on several places).
    pub place: Option<usize>,
}

impl UserRow {
    pub fn user_label(&self) -> &str {
        self.group.user.as_deref().unwrap_or("(other)")
    }
}

/// `repository/user`, the key of a user row and of its unique-bytes result.
pub fn user_key(group: &UserTags) -> String {
    format!(
        "{}/{}",
        group.repository,
        group.user.as_deref().unwrap_or("(other)")
    )
}

/// `key` prefixed with the place over several places (`place:key`).
fn placed_key(place: Option<usize>, key: String) -> String {
    match place {
        Some(p) => format!("{p}:{key}"),
        None => key,
    }
}

impl Row for UserRow {
    fn key(&self) -> String {
        placed_key(self.place, user_key(&self.group))
    }

    fn haystack(&self) -> String {
        format!("{} {}", self.group.repository, self.user_label()).to_lowercase()
    }

    fn compare(&self, o: &Self, column: usize) -> Ordering {
        let (a, b) = (&self.group, &o.group);
        // Named users before the "other" groups, then repository and name.
        let names = || {
            by(a.user.is_none(), b.user.is_none())
                .then_with(|| by(&a.repository, &b.repository))
                .then_with(|| by(&a.user, &b.user))
        };
        match column {
            0 => names(),
            1 => by(o.total_bytes, self.total_bytes).then_with(names),
            2 => by(b.tags.len(), a.tags.len()).then_with(names),
            _ => by(
                b.tags.first().and_then(|t| t.pushed_at),
                a.tags.first().and_then(|t| t.pushed_at),
            )
            .then_with(names),
        }
    }

    fn descending(column: usize) -> bool {
        matches!(column, 1..=3)
    }
}

#[derive(Debug, Clone)]
pub struct TagRow {
    pub repository: String,
    pub entry: TagEntry,
    /// The place of its user (a console on several places).
    pub place: Option<usize>,
    /// The user's resume tag without the user's prefix (`latest` for `alice-latest`),
    /// when it points at this tag.
    pub resume: Option<String>,
}

impl Row for TagRow {
    fn key(&self) -> String {
        placed_key(
            self.place,
            format!("{}:{}", self.repository, self.entry.tag),
        )
    }

    fn haystack(&self) -> String {
        format!("{} {}", self.entry.tag, self.entry.digest).to_lowercase()
    }

    fn compare(&self, o: &Self, column: usize) -> Ordering {
        let (a, b) = (&self.entry, &o.entry);
        let newest = || {
            by(b.pushed_at, a.pushed_at)
                .then_with(|| by(b.tag_time, a.tag_time))
                .then_with(|| by(&b.tag, &a.tag))
        };
        match column {
            0 => newest(),
            1 => by(b.size_bytes, a.size_bytes).then_with(newest),
            _ => by(&a.tag, &b.tag),
        }
    }

    fn descending(column: usize) -> bool {
        matches!(column, 0 | 1)
    }
}

/// Named users, tags and their bytes, each image once (a pane's or one place's).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SnapshotTotals {
    pub users: usize,
    pub tags: usize,
    pub bytes: i64,
}

impl SnapshotTotals {
    fn of<'a>(groups: impl Iterator<Item = &'a UserTags>) -> Self {
        let groups: Vec<&UserTags> = groups.collect();
        Self {
            users: groups.iter().filter(|g| g.user.is_some()).count(),
            tags: groups.iter().map(|g| g.tags.len()).sum(),
            bytes: groups_bytes(groups.iter().copied()),
        }
    }
}

/// Unique bytes of one user, as far as they are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unique {
    Computing { done: usize, total: usize },
    Done(i64),
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct SnapshotsPane {
    pub users: ListPane<UserRow>,
    pub tags: ListPane<TagRow>,
    /// Keys move in the tags list rather than the users list.
    pub focus_tags: bool,
    pub loader: Loader,
    pub unique: BTreeMap<String, Unique>,
    /// The unique-bytes computation in flight, and which user it is for.
    pub unique_loader: Loader,
    pub unique_for: Option<String>,
    /// The user whose tags `tags` holds.
    tags_for: Option<String>,
    /// Each repository's lifecycle policy, judged (loaded after the tags).
    pub lifecycle: crate::tui::state::lifecycle::LifecyclePane,
    /// The one place in view over several places (its lifecycle policies are shown);
    /// `None` with several in view, or with one place.
    pub place: Option<usize>,
    /// Over several places: each place's users and tags as it last answered.
    pub placed: BTreeMap<usize, Vec<UserTags>>,
}

impl Default for SnapshotsPane {
    fn default() -> Self {
        Self {
            users: ListPane::new(USER_SORT_COLUMNS),
            tags: ListPane::new(TAG_SORT_COLUMNS),
            focus_tags: false,
            loader: Loader::default(),
            unique: BTreeMap::new(),
            unique_loader: Loader::default(),
            unique_for: None,
            tags_for: None,
            lifecycle: crate::tui::state::lifecycle::LifecyclePane::default(),
            place: None,
            placed: BTreeMap::new(),
        }
    }
}

impl SnapshotsPane {
    /// The unique-bytes count of the selected user moved on.
    pub fn unique_progress(&mut self, generation: u64, done: usize, total: usize) {
        if generation == self.unique_loader.generation
            && let Some(key) = self.unique_for.clone()
        {
            self.unique.insert(key, Unique::Computing { done, total });
        }
    }

    /// The unique-bytes count answered (or failed): kept for the user it was asked for.
    pub fn unique_done(
        &mut self,
        generation: u64,
        result: Result<i64, String>,
        now: chrono::DateTime<chrono::Utc>,
    ) {
        let key = self.unique_for.clone();
        let outcome = match self.unique_loader.finish(generation, result, now) {
            Some(bytes) => Some(Unique::Done(bytes)),
            None => self
                .unique_loader
                .state
                .error()
                .map(|e| Unique::Failed(e.to_string())),
        };
        if let (Some(key), Some(outcome)) = (key, outcome)
            && generation == self.unique_loader.generation
        {
            self.unique.insert(key, outcome);
        }
    }

    pub fn set_groups(&mut self, groups: Vec<UserTags>) {
        self.set_rows(groups.into_iter().map(|g| (None, g)).collect());
    }

    fn set_rows(&mut self, groups: Vec<(Option<usize>, UserTags)>) {
        self.users.set_rows(
            groups
                .into_iter()
                .map(|(place, group)| UserRow {
                    total_bytes: group.total_bytes(),
                    group,
                    place,
                })
                .collect(),
        );
        self.sync_tags();
    }

    /// Over several places: replaces one place's users and tags (the others stay).
    pub fn set_place(&mut self, place: usize, groups: Vec<UserTags>) {
        self.placed.insert(place, groups);
        self.rebuild_placed();
    }

    /// Over several places: keeps only the places `keep` says are in view.
    pub fn retain_places(&mut self, keep: impl Fn(usize) -> bool) {
        self.placed.retain(|p, _| keep(*p));
        self.rebuild_placed();
    }

    fn rebuild_placed(&mut self) {
        let rows = self
            .placed
            .iter()
            .flat_map(|(p, groups)| groups.iter().map(|g| (Some(*p), g.clone())))
            .collect();
        self.set_rows(rows);
    }

    /// Users, tags and bytes per place, in place order (several places).
    pub fn place_totals(&self) -> Vec<(usize, SnapshotTotals)> {
        self.placed
            .iter()
            .map(|(p, groups)| (*p, SnapshotTotals::of(groups.iter())))
            .collect()
    }

    /// Users, tags and bytes of every row (the bytes per place: an image is stored
    /// once per registry).
    pub fn totals(&self) -> SnapshotTotals {
        let mut places: Vec<Option<usize>> = self.users.rows.iter().map(|u| u.place).collect();
        places.sort_unstable();
        places.dedup();
        let mut t = SnapshotTotals::default();
        for place in places {
            let one = SnapshotTotals::of(
                self.users
                    .rows
                    .iter()
                    .filter(|u| u.place == place)
                    .map(|u| &u.group),
            );
            t.users += one.users;
            t.tags += one.tags;
            t.bytes += one.bytes;
        }
        t
    }

    /// Shows the tags of the selected user.
    pub fn sync_tags(&mut self) {
        let rows = self
            .users
            .selected_row()
            .map(|u| {
                let points_at = u.group.resume_points_at().map(|t| t.tag.as_str());
                u.group
                    .tags
                    .iter()
                    .map(|entry| TagRow {
                        repository: u.group.repository.clone(),
                        entry: entry.clone(),
                        place: u.place,
                        resume: u
                            .group
                            .resume
                            .as_ref()
                            .filter(|_| points_at == Some(entry.tag.as_str()))
                            .map(|r| u.group.short_tag(&r.tag).to_string()),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let for_user = self.users.selected_key();
        if for_user != self.tags_for {
            self.tags.offset.set(0);
            self.tags.selected = 0;
            self.tags_for = for_user;
        }
        self.tags.set_rows(rows);
    }

    /// Image digests of the selected user, and of every other image in its repository.
    pub fn digests_for_unique(&self) -> Option<(String, String, Vec<String>, Vec<String>)> {
        let user = self.users.selected_row()?;
        let repo = user.group.repository.clone();
        let mut mine: Vec<String> = user
            .group
            .entries()
            .map(|(_, t)| t.digest.clone())
            .collect();
        mine.sort();
        mine.dedup();
        let mut others: Vec<String> = self
            .users
            .rows
            .iter()
            .filter(|u| u.group.repository == repo && u.place == user.place)
            .flat_map(|u| u.group.entries())
            .map(|(_, t)| t.digest.clone())
            .filter(|d| !mine.contains(d))
            .collect();
        others.sort();
        others.dedup();
        Some((user.key(), repo, mine, others))
    }

    /// Every user name, for `:` jumps.
    pub fn user_names(&self) -> Vec<(String, String)> {
        self.users
            .rows
            .iter()
            .filter_map(|u| Some((u.group.repository.clone(), u.group.user.clone()?)))
            .collect()
    }
}
