//! Settings from the config file, the environment and the flags, merged once at start.
//!
//! The file is `--config FILE`, else `$XDG_CONFIG_HOME/ecsnap/config.toml`
//! (`~/.config/ecsnap/config.toml`). Every key is optional; see README "Configuration".

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::analysis::cost::Prices;
use crate::analysis::tags::{DEFAULT_TAG_PATTERN, TagPattern};
use crate::error::{Error, Result};

pub const DEFAULT_PROTECTION_TAG: &str = "ecsnap:keep";
pub const DEFAULT_RESUME_TAG: &str = "{user}-latest";
pub const DEFAULT_KEEP_NEWEST: usize = 3;
/// Revisions of each service family whose images a cleanup keeps (rollback targets).
pub const DEFAULT_KEEP_REVISIONS: usize = 5;
pub const DEFAULT_REFRESH_SECS: u64 = 30;
/// Days a snapshot taken before deleting a volume is kept from cleanup.
pub const DEFAULT_SNAPSHOT_RETENTION_DAYS: u32 = 30;

/// The config file as written. Unknown keys are errors, so typos don't pass silently.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct FileConfig {
    snapshots: SnapshotsSection,
    safety: SafetySection,
    prices: PricesSection,
    console: ConsoleSection,
    profiles: BTreeMap<String, MarkSection>,
    accounts: BTreeMap<String, MarkSection>,
    fleet: FleetSection,
    network: NetworkSection,
}

/// `[fleet]`: the regions and accounts one run looks at.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct FleetSection {
    regions: Vec<String>,
    accounts: Vec<FleetAccount>,
}

/// One account of `[fleet] accounts`: reached by assuming `role_arn` with the default
/// credentials, in its own `regions` (else the fleet's), with its own marks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetAccount {
    pub name: String,
    pub role_arn: String,
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub session_name: Option<String>,
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub production: bool,
    #[serde(default)]
    pub read_only: bool,
}

/// Where one run looks besides the single profile and region (`[fleet]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FleetSettings {
    /// Regions for every account without its own; `all` = every enabled region.
    pub regions: Vec<String>,
    pub accounts: Vec<FleetAccount>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct SnapshotsSection {
    tag_pattern: Option<String>,
    resume_tag: Option<String>,
    keep_newest: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct SafetySection {
    protection_tag: Option<String>,
    keep_revisions: Option<usize>,
    snapshot_retention_days: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct PricesSection {
    snapshot: Option<f64>,
    ecr: Option<f64>,
    volume: BTreeMap<String, f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct ConsoleSection {
    refresh_secs: Option<u64>,
}

/// `[network]`: when a call gives up on an endpoint that does not answer.
// The fields are the config keys, which say their unit.
#[allow(clippy::struct_field_names)]
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct NetworkSection {
    connect_timeout_secs: Option<u64>,
    read_timeout_secs: Option<u64>,
    operation_timeout_secs: Option<u64>,
}

/// The network timeouts, in seconds (`[network]`; docs/errors.md).
#[allow(clippy::struct_field_names)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkSettings {
    /// Opening the connection.
    pub connect_timeout_secs: u64,
    /// The answer of one attempt, once connected.
    pub read_timeout_secs: u64,
    /// The whole call, retries included.
    pub operation_timeout_secs: u64,
}

pub const DEFAULT_CONNECT_TIMEOUT_SECS: u64 = 5;
pub const DEFAULT_READ_TIMEOUT_SECS: u64 = 20;
/// 30 s a call: a command whose first read (who am I) and second read both meet a silent
/// endpoint still gives up within about a minute.
pub const DEFAULT_OPERATION_TIMEOUT_SECS: u64 = 30;
/// The largest timeout the config accepts: an hour.
const MAX_TIMEOUT_SECS: u64 = 3600;

impl Default for NetworkSettings {
    fn default() -> Self {
        Self {
            connect_timeout_secs: DEFAULT_CONNECT_TIMEOUT_SECS,
            read_timeout_secs: DEFAULT_READ_TIMEOUT_SECS,
            operation_timeout_secs: DEFAULT_OPERATION_TIMEOUT_SECS,
        }
    }
}

impl NetworkSection {
    /// Each key between 1 s and an hour; the error names the key.
    fn settings(&self) -> std::result::Result<NetworkSettings, String> {
        let d = NetworkSettings::default();
        let key = |name: &str, v: Option<u64>, default: u64| match v {
            None => Ok(default),
            Some(n) if (1..=MAX_TIMEOUT_SECS).contains(&n) => Ok(n),
            Some(n) => Err(format!(
                "key `network.{name}`: {n}; expected a number of seconds from 1 to \
                 {MAX_TIMEOUT_SECS}"
            )),
        };
        Ok(NetworkSettings {
            connect_timeout_secs: key(
                "connect_timeout_secs",
                self.connect_timeout_secs,
                d.connect_timeout_secs,
            )?,
            read_timeout_secs: key(
                "read_timeout_secs",
                self.read_timeout_secs,
                d.read_timeout_secs,
            )?,
            operation_timeout_secs: key(
                "operation_timeout_secs",
                self.operation_timeout_secs,
                d.operation_timeout_secs,
            )?,
        })
    }
}

/// `production` / `read_only` marks for a profile or an account id.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Marks {
    pub production: bool,
    pub read_only: bool,
}

type MarkSection = Marks;

/// What the flags contribute to the settings.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub profile: Option<String>,
    pub read_only: bool,
}

/// Everything ecsnap's behaviour depends on besides AWS itself.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config_path: Option<PathBuf>,
    pub profile: Option<String>,
    pub tag_pattern: TagPattern,
    /// The resume tag of a user; `{user}` is replaced by the user name.
    pub resume_tag: String,
    pub keep_newest: usize,
    pub protection_tag: String,
    /// The newest N revisions of each family an ACTIVE / DRAINING service runs: their
    /// images are rollback targets, never cleaned up (`[safety] keep_revisions`).
    pub keep_revisions: usize,
    /// A snapshot taken by `cleanup --volumes --snapshot-first` is tagged to be kept this
    /// many days (`ecsnap:retain-until`); cleanup skips it until then.
    pub snapshot_retention_days: u32,
    /// Where ecsnap keeps when it first saw each volume `available` ("unattached since");
    /// `None`: not kept (the default for library use; `load` sets the state dir's file).
    pub volumes_seen_file: Option<PathBuf>,
    pub prices: Prices,
    pub refresh: Duration,
    pub read_only: bool,
    pub production: bool,
    /// Marks per account id, applied once the caller identity is known.
    pub accounts: BTreeMap<String, Marks>,
    /// Marks per profile name (`[profiles.NAME]`), for runs over several profiles.
    pub profile_marks: BTreeMap<String, Marks>,
    /// `[fleet]`: regions and assumed-role accounts to look at in one run.
    pub fleet: FleetSettings,
    /// `[network]`: when to give up on an endpoint that does not answer.
    pub network: NetworkSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            config_path: None,
            profile: None,
            tag_pattern: TagPattern::default(),
            resume_tag: DEFAULT_RESUME_TAG.to_string(),
            keep_newest: DEFAULT_KEEP_NEWEST,
            protection_tag: DEFAULT_PROTECTION_TAG.to_string(),
            keep_revisions: DEFAULT_KEEP_REVISIONS,
            snapshot_retention_days: DEFAULT_SNAPSHOT_RETENTION_DAYS,
            volumes_seen_file: None,
            prices: Prices::default(),
            refresh: Duration::from_secs(DEFAULT_REFRESH_SECS),
            read_only: false,
            production: false,
            accounts: BTreeMap::new(),
            profile_marks: BTreeMap::new(),
            fleet: FleetSettings::default(),
            network: NetworkSettings::default(),
        }
    }
}

impl Settings {
    /// Reads the config file (if any) and merges the flags over it.
    pub fn load(overrides: &Overrides) -> Result<Self> {
        let path = match &overrides.config {
            Some(p) => {
                if !p.exists() {
                    return Err(Error::Config {
                        path: p.clone(),
                        message: "file does not exist (given with --config)".into(),
                    });
                }
                Some(p.clone())
            }
            None => default_config_path().filter(|p| p.exists()),
        };
        let profile = overrides
            .profile
            .clone()
            .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()));
        let mut settings = match &path {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| Error::io(format!("reading config file {}", p.display()), e))?;
                Self::from_toml(&text, p, profile.as_deref())?
            }
            None => Self::default(),
        };
        settings.config_path = path;
        settings.profile = profile;
        settings.volumes_seen_file = Some(state_dir().join("volumes-seen.json"));
        settings.read_only |= overrides.read_only;
        Ok(settings)
    }

    /// Parses and validates config text; `path` is only used in error messages.
    pub fn from_toml(text: &str, path: &Path, profile: Option<&str>) -> Result<Self> {
        let bad = |message: String| Error::Config {
            path: path.to_path_buf(),
            message,
        };
        let file: FileConfig = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        let mut s = Settings::default();
        if let Some(p) = &file.snapshots.tag_pattern {
            s.tag_pattern = TagPattern::new(p).map_err(|e| {
                bad(format!(
                    "key `snapshots.tag_pattern`: {e}; expected a regex with a named group \
                     `user`, like {DEFAULT_TAG_PATTERN:?}"
                ))
            })?;
        }
        if let Some(r) = &file.snapshots.resume_tag {
            if !r.contains("{user}") {
                return Err(bad(format!(
                    "key `snapshots.resume_tag`: {r:?} has no `{{user}}`; expected a pattern like \
                     {DEFAULT_RESUME_TAG:?}"
                )));
            }
            s.resume_tag.clone_from(r);
        }
        if let Some(n) = file.snapshots.keep_newest {
            s.keep_newest = n;
        }
        if let Some(t) = &file.safety.protection_tag {
            if t.trim().is_empty() {
                return Err(bad(
                    "key `safety.protection_tag`: empty; expected a tag key like \"ecsnap:keep\""
                        .into(),
                ));
            }
            s.protection_tag.clone_from(t);
        }
        if let Some(n) = file.safety.keep_revisions {
            s.keep_revisions = n;
        }
        if let Some(days) = file.safety.snapshot_retention_days {
            if days == 0 {
                return Err(bad(
                    "key `safety.snapshot_retention_days`: 0; expected a number of days ≥ 1 \
                     (safety snapshots are kept from cleanup that long)"
                        .into(),
                ));
            }
            s.snapshot_retention_days = days;
        }
        if let Some(p) = file.prices.snapshot {
            s.prices.snapshot = non_negative("prices.snapshot", p).map_err(bad)?;
        }
        if let Some(p) = file.prices.ecr {
            s.prices.ecr = non_negative("prices.ecr", p).map_err(bad)?;
        }
        for (vtype, p) in &file.prices.volume {
            let p = non_negative(&format!("prices.volume.{vtype}"), *p).map_err(bad)?;
            s.prices.volume.insert(vtype.clone(), p);
        }
        if let Some(secs) = file.console.refresh_secs {
            if secs == 0 {
                return Err(bad(
                    "key `console.refresh_secs`: 0; expected a number of seconds ≥ 1".into(),
                ));
            }
            s.refresh = Duration::from_secs(secs);
        }
        let marks = file
            .profiles
            .get(profile.unwrap_or("default"))
            .copied()
            .unwrap_or_default();
        s.read_only = marks.read_only;
        s.production = marks.production;
        s.accounts = file.accounts;
        s.profile_marks = file.profiles;
        for (i, a) in file.fleet.accounts.iter().enumerate() {
            if a.name.trim().is_empty() || !a.role_arn.starts_with("arn:") {
                return Err(bad(format!(
                    "key `fleet.accounts[{i}]`: expected a `name` and a `role_arn` like \
                     \"arn:aws:iam::123456789012:role/ecsnap-read\", got name {:?}, role_arn {:?}",
                    a.name, a.role_arn
                )));
            }
        }
        s.fleet = FleetSettings {
            regions: file.fleet.regions,
            accounts: file.fleet.accounts,
        };
        s.network = file.network.settings().map_err(bad)?;
        Ok(s)
    }

    /// Applies `[accounts."ID"]` marks once the caller's account is known.
    pub fn apply_account(&mut self, account: &str) {
        if let Some(m) = self.accounts.get(account) {
            self.read_only |= m.read_only;
            self.production |= m.production;
        }
    }

    /// The resume tag for a user (`{user}-latest` → `alice-latest`).
    pub fn resume_tag_for(&self, user: &str) -> String {
        self.resume_tag.replace("{user}", user)
    }
}

fn non_negative(key: &str, v: f64) -> std::result::Result<f64, String> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(format!(
            "key `{key}`: {v}; expected a price in USD per GB-month ≥ 0"
        ))
    }
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

fn xdg(var: &str, fallback: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| home().map(|h| h.join(fallback)))
        .map(|d| d.join("ecsnap"))
}

pub fn default_config_path() -> Option<PathBuf> {
    xdg("XDG_CONFIG_HOME", ".config").map(|d| d.join("config.toml"))
}

/// Where logs and the audit log go.
pub fn state_dir() -> PathBuf {
    xdg("XDG_STATE_HOME", ".local/state").unwrap_or_else(|| std::env::temp_dir().join("ecsnap"))
}

/// Where caches go (`$XDG_CACHE_HOME/ecsnap`, else `~/.cache/ecsnap`); `None` without a
/// home directory.
pub fn cache_dir() -> Option<PathBuf> {
    xdg("XDG_CACHE_HOME", ".cache")
}

/// Where the demo keeps its emulator install.
pub fn data_dir() -> PathBuf {
    xdg("XDG_DATA_HOME", ".local/share").unwrap_or_else(|| std::env::temp_dir().join("ecsnap"))
}

/// "Now", overridable with `ECSNAP_NOW` (RFC 3339) so ages can be shown against a fixed
/// clock in demos and tests.
pub fn now() -> DateTime<Utc> {
    std::env::var("ECSNAP_NOW")
        .ok()
        .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, profile: Option<&str>) -> Result<Settings> {
        Settings::from_toml(text, Path::new("/tmp/ecsnap.toml"), profile)
    }

    #[test]
    fn empty_file_gives_defaults() {
        let s = parse("", None).expect("empty config is fine");
        assert_eq!(s.keep_newest, 3);
        assert_eq!(s.protection_tag, "ecsnap:keep");
        assert_eq!(s.keep_revisions, 5);
        assert_eq!(s.snapshot_retention_days, 30);
        assert_eq!(s.resume_tag_for("alice"), "alice-latest");
        assert!(!s.read_only && !s.production);
    }

    #[test]
    fn full_file_is_applied() {
        let text = r#"
            [snapshots]
            tag_pattern = '^snap-(?P<user>[a-z]+)-(?P<ts>\d{12})$'
            resume_tag = "{user}-resume"
            keep_newest = 5
            [safety]
            protection_tag = "do-not-delete"
            keep_revisions = 2
            snapshot_retention_days = 90
            [prices]
            snapshot = 0.04
            ecr = 0.2
            [prices.volume]
            gp3 = 0.09
            [console]
            refresh_secs = 10
            [profiles.prod]
            production = true
            read_only = true
            [accounts."111122223333"]
            production = true
        "#;
        let s = parse(text, Some("prod")).expect("valid");
        assert_eq!(s.keep_newest, 5);
        assert_eq!(s.protection_tag, "do-not-delete");
        assert_eq!(s.keep_revisions, 2);
        assert_eq!(s.snapshot_retention_days, 90);
        assert_eq!(s.resume_tag_for("bob"), "bob-resume");
        assert!((s.prices.volume_per_gib("gp3") - 0.09).abs() < 1e-9);
        assert!((s.prices.volume_per_gib("gp2") - 0.10).abs() < 1e-9);
        assert!((s.prices.snapshot - 0.04).abs() < 1e-9);
        assert!((s.prices.ecr - 0.2).abs() < 1e-9);
        assert_eq!(s.refresh, Duration::from_secs(10));
        assert!(s.read_only && s.production);
        assert!(s.tag_pattern.parse("snap-dan-202611200815").is_some());
        let mut other = parse(text, Some("dev")).expect("valid");
        assert!(!other.read_only && !other.production);
        other.apply_account("111122223333");
        assert!(other.production && !other.read_only);
    }

    #[test]
    fn network_timeouts_are_read_and_bounded() {
        let s = parse("", None).expect("empty config is fine");
        assert_eq!(s.network, NetworkSettings::default());
        let s = parse(
            "[network]\nconnect_timeout_secs = 2\nread_timeout_secs = 3\noperation_timeout_secs = 9",
            None,
        )
        .expect("valid");
        assert_eq!(
            s.network,
            NetworkSettings {
                connect_timeout_secs: 2,
                read_timeout_secs: 3,
                operation_timeout_secs: 9
            }
        );
        for (text, key) in [
            (
                "[network]\nread_timeout_secs = 0",
                "network.read_timeout_secs",
            ),
            (
                "[network]\nconnect_timeout_secs = 0",
                "network.connect_timeout_secs",
            ),
            (
                "[network]\noperation_timeout_secs = 86400",
                "network.operation_timeout_secs",
            ),
            ("[network]\nread_timeout = 3", "read_timeout"),
        ] {
            let err = parse(text, None).expect_err(text).to_string();
            assert!(err.contains(key), "{text}: {err}");
        }
    }

    #[test]
    fn bad_values_name_file_key_and_expectation() {
        let cases = [
            ("[snapshots]\nkeep_newest = \"three\"", "keep_newest"),
            (
                "[snapshots]\ntag_pattern = '^(?P<name>x)$'",
                "snapshots.tag_pattern",
            ),
            (
                "[snapshots]\nresume_tag = \"latest\"",
                "snapshots.resume_tag",
            ),
            ("[prices]\nsnapshot = -1.0", "prices.snapshot"),
            ("[prices]\necr = -0.1", "prices.ecr"),
            ("[console]\nrefresh_secs = 0", "console.refresh_secs"),
            ("[safety]\nprotecton_tag = \"x\"", "protecton_tag"),
            (
                "[safety]\nsnapshot_retention_days = 0",
                "safety.snapshot_retention_days",
            ),
            ("not toml at all", "expected"),
        ];
        for (text, needle) in cases {
            let err = parse(text, None).expect_err(text).to_string();
            assert!(err.starts_with("config file /tmp/ecsnap.toml: "), "{err}");
            assert!(err.contains(needle), "{text}: {err}");
        }
    }
}
