//! The places the console looks at when it was opened on several accounts or regions
//! (`--region a,b|all`, `--profile a,b`, `[fleet]`): each place's account name, account
//! id, region and marks, the places that could not be connected and why, and which places
//! are in view (`:ctx NAME`, `:region R`, `all` for every one). Plain data: the clients
//! live with the effect runner, indexed the same way.
//!
//! With one place (the plain console) `all` is empty and nothing here changes a thing.

use std::collections::{BTreeMap, BTreeSet};

use crate::tui::state::pane_id::PaneId;

/// One account in one region, as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceInfo {
    /// The profile or `[fleet]` account name.
    pub account: String,
    pub account_id: String,
    pub region: String,
    pub production: bool,
    pub read_only: bool,
}

impl PlaceInfo {
    /// How the console names it: `prod (111111111111) · eu-west-1`.
    pub fn name(&self) -> String {
        format!("{} ({}) · {}", self.account, self.account_id, self.region)
    }
}

/// The places of a console opened on several.
#[derive(Debug, Clone, Default)]
pub struct Places {
    /// Every connected place, in the runner's order (an effect's `place` indexes this).
    pub all: Vec<PlaceInfo>,
    /// Places that could not be connected: `account prod · eu-west-1: why`.
    pub failed: Vec<String>,
    /// `:ctx NAME`: only this account in view.
    pub account: Option<String>,
    /// `:region R`: only this region in view.
    pub region: Option<String>,
    /// The newest load of a pane: places that have not answered yet, and how many were
    /// asked.
    pub awaiting: BTreeMap<PaneId, (BTreeSet<usize>, usize)>,
    /// The newest load of a pane: the places that failed it, and why.
    pub errors: BTreeMap<(PaneId, usize), String>,
    /// While accounts are still connecting: (answered, asked). Places join as their
    /// account answers; until every account has, their marks are not final (an entry
    /// still connecting may reach the same account with stricter ones) and every action
    /// waits.
    pub connecting: Option<(usize, usize)>,
}

impl Places {
    /// The console was opened on several places (even if one is in view now).
    pub fn is_fleet(&self) -> bool {
        !self.all.is_empty() || !self.failed.is_empty() || self.connecting.is_some()
    }

    /// Why actions wait, while accounts are still connecting.
    pub fn connecting_reason(&self) -> Option<String> {
        self.connecting.map(|(answered, asked)| {
            format!(
                "{} of {asked} accounts still connecting: the marks of entries into one \
                 account combine once every account has answered, so actions wait until then",
                asked - answered
            )
        })
    }

    /// Indices of the places in view.
    pub fn in_view(&self) -> Vec<usize> {
        (0..self.all.len()).filter(|&i| self.shows(i)).collect()
    }

    /// Whether place `i` is in view.
    pub fn shows(&self, i: usize) -> bool {
        self.all.get(i).is_some_and(|p| {
            self.account.as_ref().is_none_or(|a| &p.account == a)
                && self.region.as_ref().is_none_or(|r| &p.region == r)
        })
    }

    /// More than one place in view: listings carry ACCOUNT and REGION columns.
    pub fn many_in_view(&self) -> bool {
        self.in_view().len() > 1
    }

    /// Distinct accounts and regions in view.
    pub fn counts_in_view(&self) -> (usize, usize) {
        let view: Vec<&PlaceInfo> = self.in_view().into_iter().map(|i| &self.all[i]).collect();
        let accounts: BTreeSet<&str> = view.iter().map(|p| p.account.as_str()).collect();
        let regions: BTreeSet<&str> = view.iter().map(|p| p.region.as_str()).collect();
        (accounts.len(), regions.len())
    }

    /// Any production account in view.
    pub fn production_in_view(&self) -> bool {
        self.in_view().iter().any(|&i| self.all[i].production)
    }

    /// Any read-only account in view.
    pub fn read_only_in_view(&self) -> bool {
        self.in_view().iter().any(|&i| self.all[i].read_only)
    }

    /// The account names known, sorted, without repeats (`:ctx` completion).
    pub fn account_names(&self) -> Vec<String> {
        let names: BTreeSet<&str> = self.all.iter().map(|p| p.account.as_str()).collect();
        names.into_iter().map(str::to_string).collect()
    }

    /// The regions known, sorted, without repeats (`:region` completion).
    pub fn regions(&self) -> Vec<String> {
        let names: BTreeSet<&str> = self.all.iter().map(|p| p.region.as_str()).collect();
        names.into_iter().map(str::to_string).collect()
    }

    /// (account, region) of place `i`, for the ACCOUNT and REGION columns.
    pub fn label(&self, i: Option<usize>) -> (String, String) {
        match i.and_then(|i| self.all.get(i)) {
            Some(p) => (p.account.clone(), p.region.clone()),
            None => ("-".into(), "-".into()),
        }
    }

    /// The ACCOUNT and REGION cells of a row from place `i`: a column every row in view
    /// would repeat (one account, or one region) is left empty, so the table drops it.
    pub fn column_label(&self, i: Option<usize>) -> (String, String) {
        let (accounts, regions) = self.counts_in_view();
        let (account, region) = self.label(i);
        (
            if accounts > 1 { account } else { String::new() },
            if regions > 1 { region } else { String::new() },
        )
    }

    /// ` in prod · eu-west-1` when more than one place is in view (a pane's title says
    /// whose service it shows), else nothing.
    pub fn suffix(&self, i: Option<usize>) -> String {
        if !self.many_in_view() {
            return String::new();
        }
        let (account, region) = self.label(i);
        format!(" in {account} · {region}")
    }

    /// Places that joined while `pane`'s newest load runs are asked too.
    pub fn also_expect(&mut self, pane: PaneId, places: &[usize]) {
        let (waiting, asked) = self.awaiting.entry(pane).or_default();
        waiting.extend(places.iter().copied());
        *asked += places.len();
    }

    /// `pane`'s newest load: (answered, asked), when it asked any place.
    pub fn progress(&self, pane: PaneId) -> Option<(usize, usize)> {
        self.awaiting
            .get(&pane)
            .map(|(waiting, asked)| (*asked - waiting.len(), *asked))
    }

    /// A new load of `pane` asks these places; their earlier errors are forgotten.
    pub fn expect(&mut self, pane: PaneId, places: &[usize]) {
        self.errors.retain(|(p, _), _| *p != pane);
        self.awaiting
            .insert(pane, (places.iter().copied().collect(), places.len()));
    }

    /// Place `i` answered the newest load of `pane` (`Err`: with this error). Returns
    /// (answered so far, asked) for the progress, or `None` when it was not awaited.
    pub fn answered(
        &mut self,
        pane: PaneId,
        i: usize,
        error: Option<String>,
    ) -> Option<(usize, usize)> {
        let (waiting, asked) = self.awaiting.get_mut(&pane)?;
        if !waiting.remove(&i) {
            return None;
        }
        let progress = (*asked - waiting.len(), *asked);
        if let Some(e) = error {
            self.errors.insert((pane, i), e);
        }
        Some(progress)
    }

    /// The lines a pane shows above its table: places that could not be connected, and
    /// places whose part of this pane's load failed.
    pub fn failure_lines(&self, pane: PaneId) -> Vec<String> {
        let mut out: Vec<String> = self.failed.clone();
        for ((p, i), e) in &self.errors {
            if *p == pane && self.shows(*i) {
                out.push(format!("account {}: {e}", self.all[*i].name()));
            }
        }
        out
    }
}

/// `2 accounts`, `1 region`.
pub fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(account: &str, region: &str, production: bool) -> PlaceInfo {
        PlaceInfo {
            account: account.into(),
            account_id: "123456789012".into(),
            region: region.into(),
            production,
            read_only: false,
        }
    }

    #[test]
    fn the_view_narrows_to_an_account_or_a_region() {
        let mut p = Places {
            all: vec![
                place("dev", "eu-west-1", false),
                place("prod", "eu-west-1", true),
                place("prod", "us-east-1", true),
            ],
            ..Places::default()
        };
        assert_eq!(p.counts_in_view(), (2, 2));
        assert!(p.production_in_view());
        p.account = Some("dev".into());
        assert_eq!(p.in_view(), vec![0]);
        assert!(!p.production_in_view());
        assert!(!p.many_in_view());
        p.account = None;
        p.region = Some("eu-west-1".into());
        assert_eq!(p.in_view(), vec![0, 1]);
        assert_eq!(p.account_names(), vec!["dev", "prod"]);
        assert_eq!(p.regions(), vec!["eu-west-1", "us-east-1"]);
    }

    #[test]
    fn a_column_every_row_would_repeat_is_left_empty() {
        let mut p = Places {
            all: vec![
                place("prod", "eu-west-1", true),
                place("prod", "us-east-1", true),
                place("dev", "us-east-1", false),
            ],
            ..Places::default()
        };
        assert_eq!(
            p.column_label(Some(1)),
            ("prod".to_string(), "us-east-1".to_string())
        );
        // One account in view, two regions: the ACCOUNT cells are empty (column dropped).
        p.account = Some("prod".into());
        assert_eq!(
            p.column_label(Some(0)),
            (String::new(), "eu-west-1".to_string())
        );
        // One region in view, two accounts: the REGION cells are empty.
        p.account = None;
        p.region = Some("us-east-1".into());
        assert_eq!(p.column_label(Some(2)), ("dev".to_string(), String::new()));
        assert_eq!(
            p.label(Some(2)),
            ("dev".to_string(), "us-east-1".to_string())
        );
    }

    #[test]
    fn answers_count_down_and_keep_errors() {
        let mut p = Places {
            all: vec![place("a", "r1", false), place("b", "r1", false)],
            ..Places::default()
        };
        p.expect(PaneId::Services, &[0, 1]);
        assert_eq!(
            p.answered(PaneId::Services, 1, Some("denied".into())),
            Some((1, 2))
        );
        assert_eq!(p.answered(PaneId::Services, 1, None), None);
        assert_eq!(p.answered(PaneId::Services, 0, None), Some((2, 2)));
        assert_eq!(p.failure_lines(PaneId::Services).len(), 1);
    }
}
