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
    theme: ThemeSection,
}

/// `[theme]`: a built-in palette by name, and colours per role over it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct ThemeSection {
    name: Option<String>,
    colors: BTreeMap<String, String>,
}

/// The built-in themes, by their config names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ThemeName {
    /// ANSI colours for a dark terminal.
    #[default]
    Default,
    /// Darker colours that read on a light background.
    Light,
    /// Bright colours, and the selection on a solid background.
    HighContrast,
    /// No colour at all: bold, reverse and underline (as with NO_COLOR).
    Mono,
}

impl ThemeName {
    pub const ALL: [ThemeName; 4] = [
        ThemeName::Default,
        ThemeName::Light,
        ThemeName::HighContrast,
        ThemeName::Mono,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ThemeName::Default => "default",
            ThemeName::Light => "light",
            ThemeName::HighContrast => "high-contrast",
            ThemeName::Mono => "mono",
        }
    }
}

/// The colour roles `[theme.colors]` may set (`tui::theme` has the palette).
pub const THEME_ROLES: [&str; 12] = [
    "ok",
    "warn",
    "bad",
    "dim",
    "key",
    "header",
    "selected_fg",
    "selected_bg",
    "production_fg",
    "production_bg",
    "badge_fg",
    "badge_bg",
];

/// `[theme]` as read: the built-in palette and the colours set over it, by role (one of
/// [`THEME_ROLES`]). NO_COLOR and `--no-color` win over both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThemeSettings {
    pub name: ThemeName,
    pub colors: BTreeMap<String, ratatui::style::Color>,
}

impl ThemeSection {
    fn settings(&self) -> std::result::Result<ThemeSettings, String> {
        let names = || {
            ThemeName::ALL
                .iter()
                .map(|n| format!("{:?}", n.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let name = match self.name.as_deref() {
            None => ThemeName::Default,
            Some(given) => ThemeName::ALL
                .into_iter()
                .find(|n| n.as_str() == given)
                .ok_or_else(|| {
                    format!(
                        "key `theme.name`: unknown theme {given:?}; expected one of {}",
                        names()
                    )
                })?,
        };
        let mut colors = BTreeMap::new();
        for (role, value) in &self.colors {
            if !THEME_ROLES.contains(&role.as_str()) {
                return Err(format!(
                    "key `theme.colors.{role}`: no such colour role; expected one of {}",
                    THEME_ROLES.join(", ")
                ));
            }
            let color = value.parse::<ratatui::style::Color>().map_err(|_| {
                format!(
                    "key `theme.colors.{role}`: {value:?} is not a colour; expected a name \
                     (red, lightgreen, darkgray, …), a 256-colour index (0-255) or \"#rrggbb\""
                )
            })?;
            colors.insert(role.clone(), color);
        }
        Ok(ThemeSettings { name, colors })
    }
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
    initialization_rate: Option<u32>,
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
#[allow(
    clippy::struct_field_names,
    reason = "the fields are the config keys, which say their unit"
)]
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct NetworkSection {
    connect_timeout_secs: Option<u64>,
    read_timeout_secs: Option<u64>,
    operation_timeout_secs: Option<u64>,
}

/// The network timeouts, in seconds (`[network]`; docs/errors.md).
#[allow(
    clippy::struct_field_names,
    reason = "named as the config keys, which say their unit"
)]
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
    /// The EBS volume initialization rate (MiB/s) a volume created by an EBS-snapshot
    /// rollback or `recover` loads at (`[safety] initialization_rate`, the flag
    /// `--initialization-rate` wins); `None`: it hydrates lazily from S3.
    pub initialization_rate: Option<i32>,
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
    /// `[theme]`: the console's colours.
    pub theme: ThemeSettings,
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
            initialization_rate: None,
            volumes_seen_file: None,
            prices: Prices::default(),
            refresh: Duration::from_secs(DEFAULT_REFRESH_SECS),
            read_only: false,
            production: false,
            accounts: BTreeMap::new(),
            profile_marks: BTreeMap::new(),
            fleet: FleetSettings::default(),
            network: NetworkSettings::default(),
            theme: ThemeSettings::default(),
        }
    }
}

impl Settings {
    /// Reads the config file (if any) and merges the flags over it.
    pub fn load(overrides: &Overrides) -> Result<Self> {
        let (path, text) = match &overrides.config {
            Some(p) => match read_config_file(p)? {
                Some(text) => (Some(p.clone()), Some(text)),
                None => {
                    return Err(Error::Config {
                        path: p.clone(),
                        message: "file does not exist (given with --config)".into(),
                    });
                }
            },
            None => match default_config_path() {
                Some(p) => match read_config_file(&p)? {
                    Some(text) => (Some(p), Some(text)),
                    None => (None, None),
                },
                None => (None, None),
            },
        };
        let profile = overrides
            .profile
            .clone()
            .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()));
        let mut settings = match (&path, &text) {
            (Some(p), Some(text)) => Self::from_toml(text, p, profile.as_deref())?,
            _ => Self::default(),
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
        validate_file(&file).map_err(bad)?;
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
        if let Some(r) = file.safety.initialization_rate {
            s.initialization_rate = i32::try_from(r).ok();
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
        s.fleet = FleetSettings {
            regions: file.fleet.regions,
            accounts: file.fleet.accounts,
        };
        s.network = file.network.settings().map_err(bad)?;
        s.theme = file.theme.settings().map_err(bad)?;
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

/// The largest config file ecsnap reads (a config is a few KiB; `--config /dev/zero` is not
/// one).
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Reads the config file at `path`, failing closed: `Ok(None)` only when nothing is at the
/// path itself (no such file, and the directories above it are readable). Anything else
/// that stops it being read — a dangling symbolic link, a directory above that cannot be
/// searched, permissions, a directory, a FIFO or device, more than [`MAX_CONFIG_BYTES`],
/// text that is not UTF-8 — is an error naming the path and the reason, because a config
/// that is there but unread would drop its `read_only` and `production` marks.
///
/// The kind of file is checked before it is opened, so a FIFO never blocks the start.
/// `/dev/null` (`--config /dev/null`: run without a config) reads as an empty file.
pub fn read_config_file(path: &Path) -> Result<Option<String>> {
    let fail = |message: String| Error::Config {
        path: path.to_path_buf(),
        message,
    };
    let why = |e: &std::io::Error| match e.kind() {
        std::io::ErrorKind::PermissionDenied => "cannot be read: permission denied; check the \
                                                 permissions of the file and of every directory \
                                                 above it"
            .to_string(),
        _ => format!("cannot be read: {e}"),
    };
    // The usual way to say "no config file": read as an empty one.
    if path == Path::new("/dev/null") {
        return Ok(Some(String::new()));
    }
    let link = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(fail(why(&e))),
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && link.file_type().is_symlink() => {
            let target = std::fs::read_link(path)
                .map_or_else(|_| "?".to_string(), |t| t.display().to_string());
            return Err(fail(format!(
                "is a symbolic link to {target}, which does not exist (a dangling link); fix \
                 or remove the link (nothing runs while the config cannot be read)"
            )));
        }
        Err(e) => return Err(fail(why(&e))),
    };
    if !meta.is_file() {
        return Err(fail(format!(
            "is {}, not a regular file; expected a TOML file",
            file_kind(meta.file_type())
        )));
    }
    if meta.len() > MAX_CONFIG_BYTES {
        return Err(fail(format!(
            "is {} bytes, over the {MAX_CONFIG_BYTES} bytes a config file may have",
            meta.len()
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| {
            std::io::Read::read_to_end(
                &mut std::io::Read::take(f, MAX_CONFIG_BYTES + 1),
                &mut bytes,
            )
        })
        .map_err(|e| fail(why(&e)))?;
    if wide(bytes.len()) > MAX_CONFIG_BYTES {
        return Err(fail(format!(
            "is over the {MAX_CONFIG_BYTES} bytes a config file may have"
        )));
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|e| fail(format!("is not UTF-8 text ({e}); expected a TOML file")))
}

/// How a non-regular file is named in the error.
fn file_kind(t: std::fs::FileType) -> &'static str {
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    "not a regular file"
}

/// Bounds of the numbers in the config: (key, lowest, highest, what the number is).
const BOUNDS: &[(&str, u64, u64, &str)] = &[
    (
        "snapshots.keep_newest",
        1,
        1000,
        "snapshot tags kept per user",
    ),
    (
        "safety.keep_revisions",
        1,
        1000,
        "task-definition revisions kept per family",
    ),
    (
        "safety.snapshot_retention_days",
        1,
        36_500,
        "days (at most 100 years)",
    ),
    (
        "console.refresh_secs",
        1,
        3600,
        "seconds between refreshes (at most an hour)",
    ),
    (
        "safety.initialization_rate",
        100,
        300,
        "MiB/s (the EBS volume initialization rate)",
    ),
];

fn wide(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Checks a number of the config against its [`BOUNDS`].
fn bounded(key: &str, value: u64) -> std::result::Result<(), String> {
    let Some((_, low, high, what)) = BOUNDS.iter().find(|(k, ..)| *k == key) else {
        return Ok(());
    };
    if (*low..=*high).contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "key `{key}`: {value} is out of range; expected {low} to {high} {what}"
        ))
    }
}

/// Everything in the file that must hold before a setting is used: the numbers within
/// their bounds, account ids of 12 digits, regions that are region names, and fleet entries
/// with unique names and role ARNs of IAM roles.
fn validate_file(file: &FileConfig) -> std::result::Result<(), String> {
    let numbers = [
        (
            "snapshots.keep_newest",
            file.snapshots.keep_newest.map(wide),
        ),
        (
            "safety.keep_revisions",
            file.safety.keep_revisions.map(wide),
        ),
        (
            "safety.snapshot_retention_days",
            file.safety.snapshot_retention_days.map(u64::from),
        ),
        ("console.refresh_secs", file.console.refresh_secs),
        (
            "safety.initialization_rate",
            file.safety.initialization_rate.map(u64::from),
        ),
    ];
    for (key, value) in numbers {
        if let Some(v) = value {
            bounded(key, v)?;
        }
    }
    for id in file.accounts.keys() {
        if !is_account_id(id) {
            return Err(format!(
                "key `accounts.\"{id}\"`: {id:?} is not an AWS account id; expected 12 digits, \
                 like [accounts.\"123456789012\"]"
            ));
        }
    }
    check_regions("fleet.regions", &file.fleet.regions)?;
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, a) in file.fleet.accounts.iter().enumerate() {
        let key = format!("fleet.accounts[{i}]");
        let name = a.name.trim();
        if name.is_empty() {
            return Err(format!(
                "key `{key}.name`: empty; every fleet account needs a name, like \"prod\""
            ));
        }
        if let Some(first) = names.insert(name, i) {
            return Err(format!(
                "key `{key}.name`: {name:?} is also the name of fleet.accounts[{first}]; each \
                 entry needs its own name"
            ));
        }
        if role_account(&a.role_arn).is_none() {
            return Err(format!(
                "key `{key}.role_arn` ({name}): {:?} is not an IAM role ARN; expected \
                 arn:<partition>:iam::<12-digit account>:role/<path/name>, like \
                 \"arn:aws:iam::123456789012:role/ecsnap-read\"",
                a.role_arn
            ));
        }
        if let Some(s) = &a.session_name
            && !session_name_re().is_match(s)
        {
            return Err(format!(
                "key `{key}.session_name` ({name}): {s:?}; expected 2 to 64 letters, digits or \
                 any of +=,.@-"
            ));
        }
        if let Some(x) = &a.external_id
            && !(2..=1224).contains(&x.len())
        {
            return Err(format!(
                "key `{key}.external_id` ({name}): expected 2 to 1224 characters, got {}",
                x.len()
            ));
        }
        check_regions(&format!("{key}.regions"), &a.regions)?;
    }
    Ok(())
}

/// `all`, or region names (each checked, with a "did you mean").
fn check_regions(key: &str, regions: &[String]) -> std::result::Result<(), String> {
    for r in regions {
        if !r.trim().eq_ignore_ascii_case("all") {
            crate::model::region::check_region(r.trim())
                .map_err(|e| format!("key `{key}`: {e}"))?;
        }
    }
    Ok(())
}

/// An AWS account id: exactly 12 digits.
pub fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

fn role_arn_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r"^arn:aws(?:-[a-z]+)*:iam::([0-9]{12}):role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}$",
        )
        .unwrap_or_else(|e| unreachable!("the role ARN pattern is valid: {e}"))
    })
}

fn session_name_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"^[\w+=,.@-]{2,64}$")
            .unwrap_or_else(|e| unreachable!("the session name pattern is valid: {e}"))
    })
}

/// The account of an IAM role ARN (`arn:aws:iam::123456789012:role/x` → `123456789012`);
/// `None` when it is not one.
pub fn role_account(arn: &str) -> Option<&str> {
    role_arn_re()
        .captures(arn)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str())
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
            ("[theme]\nname = \"solarized\"", "theme.name"),
            ("[theme]\ncolour = \"red\"", "colour"),
            ("[theme.colors]\nok = \"greenish\"", "theme.colors.ok"),
            ("[theme.colors]\nfailing = \"red\"", "theme.colors.failing"),
        ];
        for (text, needle) in cases {
            let err = parse(text, None).expect_err(text).to_string();
            assert!(err.starts_with("config file /tmp/ecsnap.toml: "), "{err}");
            assert!(err.contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn an_unknown_theme_is_named_with_the_valid_ones() {
        let err = parse("[theme]\nname = \"solarized\"", None)
            .expect_err("unknown theme")
            .to_string();
        assert!(err.contains("unknown theme \"solarized\""), "{err}");
        for name in ["\"default\"", "\"light\"", "\"high-contrast\"", "\"mono\""] {
            assert!(err.contains(name), "{err}");
        }
        let err = parse("[theme.colors]\nfailing = \"red\"", None)
            .expect_err("unknown role")
            .to_string();
        assert!(err.contains("ok, warn, bad"), "{err}");
    }

    #[test]
    fn a_theme_and_its_colours_are_read() {
        use ratatui::style::Color;
        let s = parse(
            "[theme]\nname = \"high-contrast\"\n[theme.colors]\nok = \"blue\"\nbadge_bg = \"#102030\"\ndim = \"244\"",
            None,
        )
        .expect("valid");
        assert_eq!(s.theme.name, ThemeName::HighContrast);
        assert_eq!(s.theme.colors.get("ok"), Some(&Color::Blue));
        assert_eq!(
            s.theme.colors.get("badge_bg"),
            Some(&Color::Rgb(0x10, 0x20, 0x30))
        );
        assert_eq!(s.theme.colors.get("dim"), Some(&Color::Indexed(244)));
        assert_eq!(
            parse("", None).expect("empty").theme,
            ThemeSettings::default()
        );
    }

    /// Every way a config file can be there but unreadable is an error naming the path:
    /// only "nothing at the path" is "no config". These cases hold for root too (root reads
    /// through permission bits, so permission-denied cases are left to non-root runs).
    #[test]
    fn an_unreadable_config_is_an_error_naming_the_path_and_why() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::write(d.join("real.toml"), "[safety]\n").expect("write");
        std::os::unix::fs::symlink(d.join("gone.toml"), d.join("dangling.toml")).expect("link");
        std::fs::create_dir(d.join("dir.toml")).expect("dir");
        let fifo = std::process::Command::new("mkfifo")
            .arg(d.join("fifo.toml"))
            .status()
            .expect("mkfifo runs");
        assert!(fifo.success());
        let big = std::fs::File::create(d.join("big.toml")).expect("create");
        big.set_len(MAX_CONFIG_BYTES + 1).expect("grow");
        std::fs::write(d.join("binary.toml"), [0xff, 0xfe, 0x00]).expect("write");
        std::fs::write(d.join("plain"), "").expect("write");
        let cases = [
            ("dangling.toml", "dangling link"),
            ("dir.toml", "is a directory, not a regular file"),
            ("fifo.toml", "is a FIFO (named pipe), not a regular file"),
            ("big.toml", "over the 1048576 bytes"),
            ("binary.toml", "is not UTF-8"),
            // A path through a file: not "no such file" but "not a directory".
            ("plain/config.toml", "cannot be read"),
        ];
        for (name, needle) in cases {
            let path = d.join(name);
            let err = read_config_file(&path).expect_err(name).to_string();
            assert!(
                err.starts_with(&format!("config file {}: ", path.display())),
                "{name}: {err}"
            );
            assert!(err.contains(needle), "{name}: {err}");
        }
        assert_eq!(
            read_config_file(&d.join("absent.toml")).expect("absent"),
            None
        );
        assert_eq!(
            read_config_file(&d.join("real.toml")).expect("readable"),
            Some("[safety]\n".to_string())
        );
        // A link to a readable file is read through.
        std::os::unix::fs::symlink(d.join("real.toml"), d.join("link.toml")).expect("link");
        assert!(
            read_config_file(&d.join("link.toml"))
                .expect("link")
                .is_some()
        );
    }

    #[test]
    fn load_fails_closed_on_a_dangling_default_config() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.toml");
        std::os::unix::fs::symlink(dir.path().join("elsewhere.toml"), &path).expect("link");
        let err = Settings::load(&Overrides {
            config: Some(path.clone()),
            ..Overrides::default()
        })
        .expect_err("a dangling --config");
        assert!(err.to_string().contains("dangling link"), "{err}");
        assert_eq!(err.exit_code(), crate::error::exit::ERROR);
    }

    #[test]
    #[allow(clippy::too_many_lines, reason = "one table of cases")]
    fn validation_names_the_key_and_the_bound() {
        let fleet = |entries: &str| format!("[fleet]\naccounts = [{entries}]");
        let role = |acct: &str, name: &str| {
            format!("{{ name = \"{name}\", role_arn = \"arn:aws:iam::{acct}:role/ecsnap\" }}")
        };
        let cases: Vec<(String, &str)> = vec![
            (
                "[safety]\nsnapshot_retention_days = 4294967295".into(),
                "key `safety.snapshot_retention_days`: 4294967295 is out of range; expected 1 to 36500",
            ),
            (
                "[safety]\nsnapshot_retention_days = 36501".into(),
                "safety.snapshot_retention_days",
            ),
            (
                "[safety]\nkeep_revisions = 0".into(),
                "key `safety.keep_revisions`: 0",
            ),
            (
                "[safety]\nkeep_revisions = 100000".into(),
                "expected 1 to 1000",
            ),
            (
                "[snapshots]\nkeep_newest = 0".into(),
                "key `snapshots.keep_newest`: 0",
            ),
            (
                "[console]\nrefresh_secs = 0".into(),
                "key `console.refresh_secs`: 0",
            ),
            (
                "[console]\nrefresh_secs = 86400".into(),
                "expected 1 to 3600",
            ),
            (
                "[accounts.\"12345\"]\nread_only = true".into(),
                "key `accounts.\"12345\"`: \"12345\" is not an AWS account id; expected 12 digits",
            ),
            (
                "[accounts.\"1234567890123\"]\nread_only = true".into(),
                "expected 12 digits",
            ),
            (
                "[fleet]\nregions = [\"US-EAST-1\"]".into(),
                "key `fleet.regions`: \"US-EAST-1\" is not a region name: region names are lower case; did you mean us-east-1?",
            ),
            (
                "[fleet]\nregions = [\"us-eats-1\"]".into(),
                "did you mean us-east-1?",
            ),
            (
                fleet("{ name = \"prod\", role_arn = \"arn:aws:iam::1234:role/x\" }"),
                "key `fleet.accounts[0].role_arn` (prod): \"arn:aws:iam::1234:role/x\" is not an IAM role ARN",
            ),
            (
                fleet("{ name = \"prod\", role_arn = \"arn:aws:iam::123456789012:user/x\" }"),
                "is not an IAM role ARN",
            ),
            (
                fleet("{ name = \"prod\", role_arn = \"ecsnap-read\" }"),
                "expected arn:<partition>:iam::<12-digit account>:role/<path/name>",
            ),
            (
                fleet(&role("111122223333", " ")),
                "key `fleet.accounts[0].name`: empty",
            ),
            (
                fleet(&format!(
                    "{}, {}",
                    role("111122223333", "prod"),
                    role("444455556666", "prod")
                )),
                "key `fleet.accounts[1].name`: \"prod\" is also the name of fleet.accounts[0]",
            ),
            (
                fleet(
                    "{ name = \"p\", role_arn = \"arn:aws:iam::111122223333:role/r\", regions = [\"eu-wset-1\"] }",
                ),
                "key `fleet.accounts[0].regions`: \"eu-wset-1\" is not a known AWS region; did you mean eu-west-1?",
            ),
            (
                fleet(
                    "{ name = \"p\", role_arn = \"arn:aws:iam::111122223333:role/r\", session_name = \"a b\" }",
                ),
                "key `fleet.accounts[0].session_name` (p)",
            ),
        ];
        for (text, needle) in &cases {
            let err = parse(text, None).expect_err(text).to_string();
            assert!(err.starts_with("config file /tmp/ecsnap.toml: "), "{err}");
            assert!(
                err.contains(needle),
                "{text}\n  wanted: {needle}\n  got: {err}"
            );
        }
        // Within the bounds, and well-formed ARNs of every partition, pass.
        let good = [
            "[safety]\nsnapshot_retention_days = 36500\nkeep_revisions = 1\n[snapshots]\nkeep_newest = 1000\n[console]\nrefresh_secs = 3600".to_string(),
            "[accounts.\"111122223333\"]\nproduction = true".to_string(),
            "[fleet]\nregions = [\"all\"]".to_string(),
            "[fleet]\nregions = [\"us-east-1\", \"ap-southeast-7\"]".to_string(),
            fleet(&format!(
                "{}, {}, {{ name = \"gov\", role_arn = \"arn:aws-us-gov:iam::777788889999:role/ops/team/ecsnap-read\" }}",
                role("111122223333", "prod"),
                role("111122223333", "prod-admin")
            )),
        ];
        for text in &good {
            parse(text, None).unwrap_or_else(|e| panic!("{text}: {e}"));
        }
    }

    #[test]
    fn role_arns_name_their_account() {
        assert_eq!(
            role_account("arn:aws:iam::111122223333:role/ecsnap-read"),
            Some("111122223333")
        );
        assert_eq!(
            role_account("arn:aws-cn:iam::111122223333:role/a/b/c"),
            Some("111122223333")
        );
        assert_eq!(role_account("arn:aws:iam::111122223333:role/"), None);
        assert_eq!(role_account("arn:aws:sts::111122223333:role/x"), None);
        assert_eq!(role_account("arn:aws:iam::11112222333a:role/x"), None);
    }
}
