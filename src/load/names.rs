//! "Did you mean" suggestions for unknown cluster, service, repository and user names.

/// Up to five candidates that look like `wanted`: case-insensitive substrings either way,
/// or a small edit distance. Closest first.
pub fn close_names<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let w = wanted.to_lowercase();
    let limit = (w.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, String)> = candidates
        .into_iter()
        .filter_map(|c| {
            let lc = c.to_lowercase();
            let d = edit_distance(&w, &lc);
            let contains = !w.is_empty() && (lc.contains(&w) || w.contains(&lc));
            (contains || d <= limit).then(|| (if contains { 0 } else { d }, c.to_string()))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(5).map(|(_, c)| c).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_table() {
        let names = ["payments-prod", "search-staging", "payments-dev", "ledger"];
        let cases: [(&str, &[&str]); 5] = [
            ("payments", &["payments-dev", "payments-prod"]),
            ("payments-prd", &["payments-prod", "payments-dev"]),
            ("ledgr", &["ledger"]),
            ("SEARCH-STAGING", &["search-staging"]),
            ("zzz", &[]),
        ];
        for (wanted, want) in cases {
            assert_eq!(close_names(wanted, names), want.to_vec(), "{wanted}");
        }
    }

    #[test]
    fn edit_distance_basics() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
