//! Monthly cost of EBS volumes, EBS snapshots and ECR images from a price table
//! ($/GB-month).

use std::collections::BTreeMap;

use serde::Deserialize;

const DEFAULT_PRICES: &str = include_str!("../../assets/prices.toml");

/// The volume type used for a price when a volume's own type is not in the table.
const FALLBACK_TYPE: &str = "gp2";

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prices {
    /// $/GB-month of snapshot storage (standard tier).
    pub snapshot: f64,
    /// $/GB-month of ECR image storage.
    pub ecr: f64,
    /// $/GB-month per volume type.
    pub volume: BTreeMap<String, f64>,
}

impl Default for Prices {
    fn default() -> Self {
        toml::from_str(DEFAULT_PRICES).unwrap_or_else(|e| {
            // The asset is compiled in and covered by a test; this is unreachable in practice.
            tracing::error!("built-in price table is invalid: {e}");
            Prices {
                snapshot: 0.05,
                ecr: 0.10,
                volume: BTreeMap::new(),
            }
        })
    }
}

impl Prices {
    pub fn volume_per_gib(&self, volume_type: &str) -> f64 {
        self.volume
            .get(volume_type)
            .or_else(|| self.volume.get(FALLBACK_TYPE))
            .copied()
            .unwrap_or(0.0)
    }

    pub fn volume_monthly(&self, volume_type: &str, size_gib: i32) -> f64 {
        self.volume_per_gib(volume_type) * f64::from(size_gib.max(0))
    }

    /// Upper bound: snapshots are incremental, but the full size is what could be billed.
    pub fn snapshot_monthly(&self, size_gib: i32) -> f64 {
        self.snapshot * f64::from(size_gib.max(0))
    }
}

/// $/GB-month of the EBS snapshot archive tier (us-east-1 list price; a full copy, not
/// incremental).
pub const SNAPSHOT_ARCHIVE_PER_GIB: f64 = 0.0125;

/// The archive tier bills every archived snapshot for at least this many days.
pub const ARCHIVE_MINIMUM_DAYS: u32 = 90;

/// What an archived snapshot of `size_gib` costs a month.
pub fn archive_monthly(size_gib: i32) -> f64 {
    SNAPSHOT_ARCHIVE_PER_GIB * f64::from(size_gib.max(0))
}

/// What the archive tier's 90-day minimum costs for `size_gib` (archived snapshots are
/// billed this much even when deleted or restored sooner).
pub fn archive_minimum_cost(size_gib: i32) -> f64 {
    archive_monthly(size_gib) * f64::from(ARCHIVE_MINIMUM_DAYS) * 12.0 / 365.0
}

/// What a plan that archives `size_gib` in all commits to: the 90-day minimum, and that
/// the archive holds a full copy while the standard figure is an upper bound.
pub fn archive_plan_note(size_gib: i32) -> String {
    format!(
        "the archive tier bills each snapshot for at least {ARCHIVE_MINIMUM_DAYS} days: \
         deleting or permanently restoring them sooner still costs that minimum (${:.2} for \
         these {size_gib} GiB). An archived snapshot is a full copy (a standard one is \
         incremental, so its $/month is an upper bound), and restoring one takes up to 72 h \
         before a volume can be created from it",
        cents(archive_minimum_cost(size_gib))
    )
}

/// What deleting an archived snapshot still costs: the rest of its 90-day minimum, at most
/// the whole of it (DescribeSnapshots does not say when it was archived).
pub fn archive_minimum_note(size_gib: i32) -> String {
    let most = archive_minimum_cost(size_gib);
    format!(
        "archived: the archive tier bills at least {ARCHIVE_MINIMUM_DAYS} days, so deleting it \
         still costs the rest of that minimum, up to ${:.2} ({size_gib} GiB at \
         ${SNAPSHOT_ARCHIVE_PER_GIB}/GB-month)",
        cents(most)
    )
}

/// The sum of GiB or dollars, `0.0` for none (`Iterator::sum` of no `f64` is `-0.0`,
/// which prints as `-0.0 GiB`).
pub fn total(values: impl IntoIterator<Item = f64>) -> f64 {
    values.into_iter().fold(0.0, |sum, v| sum + v)
}

/// Dollars rounded to cents, for display and JSON. Never `-0.0` (the sum of nothing is
/// `-0.0` in Rust, which would print as `$-0.00`).
pub fn cents(usd: f64) -> f64 {
    let c = (usd * 100.0).round() / 100.0;
    if c == 0.0 { 0.0 } else { c }
}

/// `#[serde(serialize_with = "…")]` of an amount the JSON shows to two decimals: `cents`.
pub fn cents_json<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(cents(*x))
}

/// `cents_json` of an amount that may be absent (`null`).
pub fn cents_json_opt<S: serde::Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(x) => s.serialize_f64(cents(*x)),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_archived_snapshot_s_deletion_names_the_90_day_minimum() {
        assert!((archive_monthly(100) - 1.25).abs() < 1e-9);
        // 90 days of 100 GiB at $0.0125: 1.25 × 90 × 12 / 365 = 3.70.
        let note = archive_minimum_note(100);
        assert!(note.contains("at least 90 days"), "{note}");
        assert!(note.contains("up to $3.70"), "{note}");
    }

    #[test]
    fn an_archive_plan_names_the_90_day_minimum_of_its_size() {
        // 200 GiB at $0.0125 = $2.50/month; 90 days = $7.40 (to the cent).
        assert!((archive_minimum_cost(200) - 7.397_260_273_972_603).abs() < 1e-9);
        let note = archive_plan_note(200);
        assert!(note.contains("at least 90 days"), "{note}");
        assert!(note.contains("$7.40 for these 200 GiB"), "{note}");
        assert!(note.contains("full copy"), "{note}");
    }

    #[test]
    fn nothing_costs_zero_not_minus_zero() {
        let nothing: f64 = std::iter::empty::<f64>().sum();
        assert_eq!(format!("{:.2}", cents(nothing)), "0.00");
        assert_eq!(format!("{:.2}", cents(-0.0)), "0.00");
        assert_eq!(format!("{:.2}", cents(-0.001)), "0.00");
        assert!((cents(12.345_6) - 12.35).abs() < 1e-9);
        assert_eq!(format!("{:.1}", total(Vec::new())), "0.0");
        assert!((total([1.5, 2.25]) - 3.75).abs() < 1e-9);
    }

    #[test]
    fn built_in_table_parses_and_has_every_type() {
        let p: Prices = toml::from_str(DEFAULT_PRICES).expect("assets/prices.toml parses");
        for t in ["gp3", "gp2", "io1", "io2", "st1", "sc1", "standard"] {
            assert!(p.volume.contains_key(t), "{t}");
        }
        assert!(p.ecr > 0.0);
        assert_eq!(Prices::default(), p);
    }

    #[test]
    fn monthly_costs_scale_with_size() {
        let p = Prices::default();
        let cases = [
            ("gp3", 100, 8.0),
            ("gp2", 10, 1.0),
            ("sc1", 1000, 15.0),
            ("unknown-type", 10, 1.0),
            ("gp3", -5, 0.0),
        ];
        for (t, size, want) in cases {
            assert!(
                (p.volume_monthly(t, size) - want).abs() < 1e-9,
                "{t} {size}"
            );
        }
        assert!((p.snapshot_monthly(20) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn amounts_in_json_are_cents() {
        #[derive(serde::Serialize)]
        struct Amount(#[serde(serialize_with = "cents_json")] f64);
        let json = |x| serde_json::to_string(&Amount(x)).unwrap_or_default();
        assert_eq!(json(1.234_9), "1.23");
        assert_eq!(json(-0.001), "0.0");
    }

    #[test]
    fn cents_rounds_half_up() {
        assert!((cents(1.005_1) - 1.01).abs() < 1e-9);
        assert!((cents(0.004) - 0.0).abs() < 1e-9);
    }
}
