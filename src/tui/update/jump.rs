//! `:` jump targets and their completion: clusters, services and users by name; on a
//! console opened on several places also `ctx NAME` and `region R` (`all`: back to all).

use crate::tui::state::app::{AppState, JumpTarget};

/// Every place a jump can land, from what is loaded.
pub fn candidates(state: &AppState) -> Vec<JumpTarget> {
    let mut out = vec![JumpTarget::AllClusters];
    out.extend(
        state
            .services
            .clusters()
            .into_iter()
            .map(JumpTarget::Cluster),
    );
    out.extend(
        state
            .services
            .all
            .iter()
            .map(|s| JumpTarget::Service(s.cluster.clone(), s.name.clone())),
    );
    out.extend(
        state
            .snapshots
            .user_names()
            .into_iter()
            .map(|(r, u)| JumpTarget::User(r, u)),
    );
    if state.places.is_fleet() {
        out.push(JumpTarget::Account("all".into()));
        out.extend(
            state
                .places
                .account_names()
                .into_iter()
                .map(JumpTarget::Account),
        );
        out.push(JumpTarget::Region("all".into()));
        out.extend(state.places.regions().into_iter().map(JumpTarget::Region));
    }
    out
}

/// `ctx NAME` or `region R` as typed (known or not), for a switch to say what is known.
pub fn place_switch(input: &str) -> Option<JumpTarget> {
    let (word, name) = input.trim().split_once(' ')?;
    let name = name.trim().to_string();
    if name.is_empty() {
        return None;
    }
    match word {
        "ctx" => Some(JumpTarget::Account(name)),
        "region" => Some(JumpTarget::Region(name)),
        _ => None,
    }
}

/// Candidates whose text contains `input` (case-insensitive); exact and prefix matches
/// first, and a service's own name counts as a prefix.
pub fn matches(state: &AppState, input: &str) -> Vec<JumpTarget> {
    let needle = input.trim().to_lowercase();
    let mut scored: Vec<(u8, JumpTarget)> = candidates(state)
        .into_iter()
        .filter_map(|t| {
            let text = t.text().to_lowercase();
            let name = match &t {
                JumpTarget::Service(_, s) => s.to_lowercase(),
                _ => text.clone(),
            };
            let score = if text == needle || name == needle {
                0
            } else if text.starts_with(&needle) || name.starts_with(&needle) {
                1
            } else if text.contains(&needle) {
                2
            } else {
                return None;
            };
            Some((score, t))
        })
        .collect();
    scored.sort_by_key(|(score, _)| *score);
    scored.into_iter().map(|(_, t)| t).collect()
}
