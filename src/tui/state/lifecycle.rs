//! The Snapshots pane's lifecycle part: each repository's lifecycle policy judged against
//! its per-user tags (what expires now, what later, the warnings), by repository.

use std::collections::BTreeMap;

use crate::analysis::lifecycle_report::{ExpiryWarning, LifecycleReport, TagExpiry};
use crate::tui::state::list::Loader;

#[derive(Debug, Clone, Default)]
pub struct LifecyclePane {
    pub loader: Loader,
    reports: BTreeMap<String, LifecycleReport>,
}

/// What the policy does to one user's tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserLifecycle<'a> {
    pub policy_present: bool,
    pub rules: usize,
    pub problems: usize,
    pub expires: Vec<&'a TagExpiry>,
    pub upcoming: Vec<&'a TagExpiry>,
    pub warnings: Vec<&'a ExpiryWarning>,
}

impl LifecyclePane {
    pub fn set_reports(&mut self, reports: Vec<LifecycleReport>) {
        self.reports = reports
            .into_iter()
            .map(|r| (r.repository.clone(), r))
            .collect();
    }

    pub fn report(&self, repository: &str) -> Option<&LifecycleReport> {
        self.reports.get(repository)
    }

    /// The part of `repository`'s report about `user` (`None`: tags of no user), or
    /// `None` when that repository's policy is not known (yet).
    pub fn for_user(&self, repository: &str, user: Option<&str>) -> Option<UserLifecycle<'_>> {
        let r = self.reports.get(repository)?;
        Some(UserLifecycle {
            policy_present: r.policy_present,
            rules: r.rules.len(),
            problems: r.problems.len(),
            expires: r
                .expires
                .iter()
                .filter(|e| e.user.as_deref() == user)
                .collect(),
            upcoming: r
                .upcoming
                .iter()
                .filter(|e| e.user.as_deref() == user)
                .collect(),
            warnings: r
                .warnings
                .iter()
                .filter(|w| w.user.as_deref() == user)
                .collect(),
        })
    }
}
