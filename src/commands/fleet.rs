//! Several accounts and regions (`--region all|A,B`, `--profile a,b`, `[fleet]` in the
//! config): which accounts and regions the flags and the config ask for, each connected,
//! and what each place gave sorted out (`located`, `finish`) for the listings
//! (`listings.rs`), `report`, the console and the actions over several places. A place
//! that fails is reported and the rest still print; the exit code is 1 only when every
//! place failed.

use std::fmt::Write as _;

use super::connect::connect_options;
use crate::aws::fleet::{
    AccountSpec, FleetTarget, Place, PlaceFailure, RegionChoice, connect_fleet,
};
use crate::aws::{AssumeRole, ConnectOptions};
use crate::cli::GlobalArgs;
use crate::config::{Marks, Settings};
use crate::error::{Error, Result, exit};
use crate::load::fleet::Across;
use crate::output::fleet::Where;

/// The profiles `--profile` names (comma-separated), in order, without repeats.
fn profiles(global: &GlobalArgs) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in global
        .profile
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
    {
        if !p.is_empty() && !out.iter().any(|o| o == p) {
            out.push(p.to_string());
        }
    }
    out
}

/// The regions asked for: `--region`, else `[fleet] regions`, else each account's own.
fn region_choice(global: &GlobalArgs, settings: &Settings) -> RegionChoice {
    match &global.region {
        Some(r) => RegionChoice::parse(Some(r)),
        None if settings.fleet.regions.is_empty() => RegionChoice::Home,
        None => RegionChoice::parse(Some(&settings.fleet.regions.join(","))),
    }
}

/// The first region of a list (the account's home for its identity and region list).
fn home_region(choice: &RegionChoice) -> Option<String> {
    match choice {
        RegionChoice::List(l) => l.first().cloned(),
        RegionChoice::Home | RegionChoice::All => None,
    }
}

/// The accounts a run looks at: the `--profile` list; else the `[fleet] accounts` (each
/// assumed with the default credentials); else the one default account.
pub(crate) fn account_specs(global: &GlobalArgs, settings: &Settings) -> Vec<AccountSpec> {
    let regions = region_choice(global, settings);
    let base = connect_options(global);
    let profiles = profiles(global);
    if profiles.is_empty() && !settings.fleet.accounts.is_empty() {
        return settings
            .fleet
            .accounts
            .iter()
            .map(|a| {
                let regions = if a.regions.is_empty() || global.region.is_some() {
                    regions.clone()
                } else {
                    RegionChoice::parse(Some(&a.regions.join(",")))
                };
                AccountSpec {
                    name: a.name.clone(),
                    connect: ConnectOptions {
                        profile: None,
                        // `all`: no home region; connecting asks where the account's
                        // regions are (`aws::fleet::DISCOVERY_REGION` when none is set).
                        region: home_region(&regions),
                        assume_role: Some(AssumeRole {
                            role_arn: a.role_arn.clone(),
                            external_id: a.external_id.clone(),
                            session_name: a.session_name.clone(),
                        }),
                        ..base.clone()
                    },
                    regions,
                    marks: Marks {
                        production: a.production,
                        read_only: a.read_only,
                    },
                }
            })
            .collect();
    }
    let home = home_region(&regions);
    let names: Vec<Option<String>> = if profiles.is_empty() {
        vec![None]
    } else {
        profiles.into_iter().map(Some).collect()
    };
    names
        .into_iter()
        .map(|profile| {
            let name = profile
                .clone()
                .or_else(|| settings.profile.clone())
                .unwrap_or_else(|| "default".into());
            AccountSpec {
                marks: settings
                    .profile_marks
                    .get(&name)
                    .copied()
                    .unwrap_or_default(),
                name,
                connect: ConnectOptions {
                    profile: profile.or_else(|| base.profile.clone()),
                    region: home.clone(),
                    ..base.clone()
                },
                regions: regions.clone(),
            }
        })
        .collect()
}

/// More than one place could be in view: the listings go through this module.
pub(crate) fn is_fleet(global: &GlobalArgs, settings: &Settings) -> bool {
    let specs = account_specs(global, settings);
    specs.len() > 1
        || specs.iter().any(|s| s.regions.is_many())
        || (global.profile.is_none() && !settings.fleet.accounts.is_empty())
}

/// Connects every place the flags and config ask for; `[accounts."ID"]` marks join each
/// place's own once its account id is known.
pub(crate) async fn connect_places(
    global: &GlobalArgs,
    settings: &Settings,
) -> (Vec<FleetTarget>, Vec<PlaceFailure>) {
    let specs = account_specs(global, settings);
    let (mut targets, failed) = connect_fleet(&specs).await;
    for note in combine_marks(&specs, &mut targets) {
        eprintln_escaped!("note: {note}");
        tracing::warn!("{note}");
    }
    // Two profiles (or roles) may reach the same account: each place is read once.
    let mut seen = std::collections::BTreeSet::new();
    targets.retain(|t| {
        let first = seen.insert((t.place.account_id.clone(), t.place.region.clone()));
        if !first {
            tracing::warn!(
                "{} reaches account {} in {} like an earlier one: read once",
                t.place.account,
                t.place.account_id,
                t.place.region
            );
        }
        first
    });
    for t in &mut targets {
        if let Some(m) = settings.accounts.get(&t.place.account_id) {
            t.place.marks.production |= m.production;
            t.place.marks.read_only |= m.read_only;
        }
    }
    (targets, failed)
}

/// Entries (profiles or `[fleet]` roles) that reach the same account share its marks, the
/// strictest of them: read-only and production win. An entry's account is known from its
/// role ARN before connecting (so an entry that failed to connect still marks the account)
/// and from STS once connected. Returns one note per account whose entries disagreed.
pub(crate) fn combine_marks(specs: &[AccountSpec], targets: &mut [FleetTarget]) -> Vec<String> {
    type Entries = std::collections::BTreeMap<String, Marks>;
    let mut by_account: std::collections::BTreeMap<String, Entries> =
        std::collections::BTreeMap::new();
    let mut add = |account: &str, name: &str, marks: Marks| {
        let m = by_account
            .entry(account.to_string())
            .or_default()
            .entry(name.to_string())
            .or_default();
        m.read_only |= marks.read_only;
        m.production |= marks.production;
    };
    for spec in specs {
        let account = spec
            .connect
            .assume_role
            .as_ref()
            .and_then(|r| crate::config::role_account(&r.role_arn));
        if let Some(account) = account {
            add(account, &spec.name, spec.marks);
        }
    }
    for t in targets.iter() {
        add(&t.place.account_id, &t.place.account, t.place.marks);
    }
    let strictest = |entries: &Entries| {
        entries.values().fold(Marks::default(), |a, m| Marks {
            read_only: a.read_only || m.read_only,
            production: a.production || m.production,
        })
    };
    for t in targets.iter_mut() {
        if let Some(entries) = by_account.get(&t.place.account_id) {
            t.place.marks = strictest(entries);
        }
    }
    by_account
        .iter()
        .filter(|(_, entries)| entries.len() > 1)
        .filter_map(|(account, entries)| {
            let all = strictest(entries);
            if entries.values().all(|m| *m == all) {
                return None;
            }
            let names: Vec<String> = entries.keys().map(|n| format!("`{n}`")).collect();
            let marks: Vec<&str> = [(all.read_only, "read-only"), (all.production, "production")]
                .into_iter()
                .filter_map(|(on, word)| on.then_some(word))
                .collect();
            Some(format!(
                "{} reach the same account {account}: all of them are {} there (the marks of \
                 entries into one account combine to the strictest)",
                names.join(" and "),
                marks.join(" and ")
            ))
        })
        .collect()
}

pub(super) fn where_of(place: &Place) -> Where {
    Where {
        account: place.account.clone(),
        account_id: Some(place.account_id.clone()),
        region: place.region.clone(),
    }
}

/// Each place's answer, and the places that failed.
type Placed<T> = (Vec<(Where, T)>, Vec<PlaceFailure>);

/// The answers with their places, after dropping places that do not have what a filter
/// named (a cluster or repository that lives in another region is not a failure). When no
/// place has it, the first "not found" is the error.
pub(super) fn located<T>(mut got: Across<T>) -> Result<Placed<T>> {
    let (absent, errors): (Vec<_>, Vec<_>) = got
        .errors
        .drain(..)
        .partition(|(_, e)| matches!(e, Error::NotFound { .. }));
    got.errors = errors;
    if got.answers.is_empty()
        && got.errors.is_empty()
        && got.unreachable.is_empty()
        && let Some((_, e)) = absent.into_iter().next()
    {
        return Err(e);
    }
    let failures = got.failures();
    let answers = got
        .answers
        .into_iter()
        .map(|(p, v)| (where_of(&p), v))
        .collect();
    Ok((answers, failures))
}

/// Prints each failed place on stderr; the exit code: 1 when nothing answered.
pub(super) fn finish(answered: usize, failures: &[PlaceFailure]) -> i32 {
    for f in failures {
        eprintln_escaped!("error: {}", failure_line(f));
    }
    if answered == 0 && !failures.is_empty() {
        exit::ERROR
    } else {
        exit::OK
    }
}

/// `account prod (123456789012) · eu-west-1: what went wrong`
pub(crate) fn failure_line(f: &PlaceFailure) -> String {
    let mut line = format!("account {}", f.account);
    if let Some(id) = &f.account_id {
        let _ = write!(line, " ({id})");
    }
    if let Some(r) = &f.region {
        let _ = write!(line, " · {r}");
    }
    let _ = write!(line, ": {}", f.error);
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FleetAccount;

    fn global(profile: Option<&str>, region: Option<&str>) -> GlobalArgs {
        GlobalArgs {
            profile: profile.map(str::to_string),
            region: region.map(str::to_string),
            endpoint_url: None,
            read_only: false,
            config: None,
            json: false,
            no_color: false,
            no_cache: false,
            network: crate::config::NetworkSettings::default(),
        }
    }

    #[test]
    fn profiles_and_regions_make_the_places() {
        let mut settings = Settings::default();
        settings.profile_marks.insert(
            "prod".into(),
            Marks {
                production: true,
                read_only: false,
            },
        );
        let specs = account_specs(
            &global(Some("prod, dev,prod"), Some("eu-west-1,us-east-1")),
            &settings,
        );
        let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["prod", "dev"]);
        assert!(specs[0].marks.production);
        assert!(!specs[1].marks.production);
        assert_eq!(specs[0].connect.profile.as_deref(), Some("prod"));
        assert_eq!(specs[0].connect.region.as_deref(), Some("eu-west-1"));
        assert_eq!(
            specs[1].regions,
            RegionChoice::List(vec!["eu-west-1".into(), "us-east-1".into()])
        );
        assert!(is_fleet(&global(Some("prod,dev"), None), &settings));
        assert!(is_fleet(&global(None, Some("all")), &settings));
        assert!(!is_fleet(
            &global(Some("prod"), Some("eu-west-1")),
            &settings
        ));
        assert!(!is_fleet(&global(None, None), &settings));
    }

    #[test]
    fn fleet_accounts_assume_their_roles_in_their_regions() {
        let mut settings = Settings::default();
        settings.fleet.regions = vec!["us-east-1".into(), "eu-west-1".into()];
        settings.fleet.accounts = vec![
            FleetAccount {
                name: "prod".into(),
                role_arn: "arn:aws:iam::111111111111:role/ecsnap-read".into(),
                external_id: Some("x-1".into()),
                regions: vec!["eu-central-1".into()],
                production: true,
                ..FleetAccount::default()
            },
            FleetAccount {
                name: "dev".into(),
                role_arn: "arn:aws:iam::222222222222:role/ecsnap-read".into(),
                ..FleetAccount::default()
            },
        ];
        let specs = account_specs(&global(None, None), &settings);
        assert_eq!(specs.len(), 2);
        let role = specs[0].connect.assume_role.as_ref().expect("a role");
        assert_eq!(role.role_arn, "arn:aws:iam::111111111111:role/ecsnap-read");
        assert_eq!(role.external_id.as_deref(), Some("x-1"));
        assert_eq!(
            specs[0].regions,
            RegionChoice::List(vec!["eu-central-1".into()])
        );
        assert!(specs[0].marks.production);
        assert_eq!(
            specs[1].regions,
            RegionChoice::List(vec!["us-east-1".into(), "eu-west-1".into()])
        );
        assert!(is_fleet(&global(None, None), &settings));
        // An explicit profile looks at that profile only.
        let one = account_specs(&global(Some("ops"), None), &settings);
        assert_eq!(one.len(), 1);
        assert!(one[0].connect.assume_role.is_none());
    }

    #[test]
    fn entries_into_one_account_are_noted_by_their_role_arns() {
        let mut settings = Settings::default();
        let entry = |name: &str, arn: &str, read_only: bool| FleetAccount {
            name: name.into(),
            role_arn: arn.into(),
            read_only,
            ..FleetAccount::default()
        };
        settings.fleet.accounts = vec![
            entry("ops", "arn:aws:iam::111111111111:role/admin", false),
            entry("audit", "arn:aws:iam::111111111111:role/audit", true),
            entry("dev", "arn:aws:iam::222222222222:role/admin", false),
            entry("dev-too", "arn:aws:iam::222222222222:role/other", false),
        ];
        let specs = account_specs(&global(None, Some("us-east-1")), &settings);
        // Known before connecting: an entry that then fails still marks its account.
        let notes = combine_marks(&specs, &mut []);
        assert_eq!(
            notes,
            [
                "`audit` and `ops` reach the same account 111111111111: all of them are \
              read-only there (the marks of entries into one account combine to the strictest)"
            ]
        );
    }
}
