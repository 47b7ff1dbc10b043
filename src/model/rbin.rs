//! Recycle Bin: the region's retention rules, which keep a deleted EBS snapshot, EBS
//! volume or AMI recoverable for a while.

/// The resource types a retention rule covers, as Recycle Bin spells them.
pub const RBIN_EBS_SNAPSHOT: &str = "EBS_SNAPSHOT";
pub const RBIN_EBS_VOLUME: &str = "EBS_VOLUME";
pub const RBIN_EC2_IMAGE: &str = "EC2_IMAGE";

/// A tag a rule matches (`resource_tags`) or excludes (`exclude_resource_tags`); no value
/// matches any value of the key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleTag {
    pub key: String,
    pub value: Option<String>,
}

/// One retention rule (ListRules, then GetRule for its tags and status).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionRule {
    /// The rule's identifier (`identifier`).
    pub id: String,
    pub description: Option<String>,
    /// `EBS_SNAPSHOT`, `EBS_VOLUME`, `EC2_IMAGE`.
    pub resource_type: String,
    /// How long a deleted resource stays recoverable, in days.
    pub retention_days: i64,
    /// Tag-level rule: the resources carrying one of these tags. Empty: a region-level rule.
    pub resource_tags: Vec<RuleTag>,
    /// Region-level rule: resources carrying one of these tags are not retained.
    pub exclude_tags: Vec<RuleTag>,
    /// `available` (in force) or `pending` (being set up, not yet retaining).
    pub status: String,
}
