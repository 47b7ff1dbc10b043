//! Several accounts and regions (`--region all|A,B`, `--profile a,b`, `[fleet]` in the
//! config): which accounts and regions the flags and the config ask for, each connected,
//! and what each place gave sorted out (`located`, `finish`) for the listings
//! (`listings.rs`), `report`, the console and the actions over several places. A place
//! that fails is reported and the rest still print; the exit code is 1 only when every
//! place failed.

use super::connect::connect_options;
use futures::StreamExt;

use crate::aws::fleet::{
    AccountPlaces, AccountSpec, Connecting, FleetTarget, Place, PlaceFailure, RegionChoice,
    connect_each, connect_fleet,
};
use crate::aws::{AssumeRole, ConnectOptions};
use crate::cli::GlobalArgs;
use crate::config::{Marks, Settings};
use crate::error::{Error, Result, exit};
use crate::load::fleet::{Across, as_they_connect};
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
/// place's own once its account id is known. Waits for every account: the listings
/// answer once, at the end.
pub(crate) async fn connect_places(
    global: &GlobalArgs,
    settings: &Settings,
) -> (Vec<FleetTarget>, Vec<PlaceFailure>) {
    let specs = account_specs(global, settings);
    let (targets, failed) = connect_fleet(&specs).await;
    let mut joining = Joining::new(specs, settings);
    let (mut targets, failed) = joining.join((targets, failed));
    let settled = joining.settled();
    for t in &mut targets {
        t.place.marks = settled(&t.place);
    }
    (targets, failed)
}

/// Connects every place the flags and config ask for and runs `load` on each as soon as
/// its own account has connected (`load::fleet::as_they_connect`): a place waits for its
/// own account's AssumeRole, not the slowest one's. Each place is read once (`Joining`);
/// once every account has answered, each place's marks are its final ones.
pub(crate) async fn load_as_connected<T, F, Fut>(
    global: &GlobalArgs,
    settings: &Settings,
    load: F,
) -> Across<T>
where
    F: FnMut(&FleetTarget) -> Fut,
    T: Send + 'static,
    Fut: Future<Output = Result<T>> + Send + 'static,
{
    let specs = account_specs(global, settings);
    let mut joining = Joining::new(specs.clone(), settings);
    let joined = connect_each(&specs).map(|answer| joining.join(answer));
    let mut got = as_they_connect(joined, load).await;
    let settled = joining.settled();
    let answered = got.answers.iter_mut().map(|(p, _)| p);
    for place in answered.chain(got.errors.iter_mut().map(|(p, _)| p)) {
        place.marks = settled(place);
    }
    got
}

/// Connects every place the flags and config ask for, and sends each account's places as
/// soon as that account has answered (the console opens on them), then the settled marks.
/// Returns the receiver and how many accounts are connecting.
pub(crate) fn connect_places_streamed(
    global: &GlobalArgs,
    settings: &Settings,
) -> (tokio::sync::mpsc::UnboundedReceiver<Connecting>, usize) {
    let specs = account_specs(global, settings);
    let accounts = specs.len();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let mut joining = Joining::new(specs.clone(), settings);
    tokio::spawn(async move {
        let mut each = std::pin::pin!(connect_each(&specs));
        let mut connected = 0;
        while let Some(answer) = each.next().await {
            connected += 1;
            let (targets, failed) = joining.join(answer);
            let joined = Connecting::Joined {
                targets,
                failed,
                accounts: (connected, accounts),
            };
            if tx.send(joined).is_err() {
                return; // the console closed
            }
        }
        let (marks, notes) = joining.settle();
        let _ = tx.send(Connecting::Settled { marks, notes });
    });
    (rx, accounts)
}

/// Waits for the first account with a place to show: the news so far (that account's
/// last), or — when every account answered and none had a place — every failure.
pub(crate) async fn first_places(
    connecting: &mut tokio::sync::mpsc::UnboundedReceiver<Connecting>,
) -> std::result::Result<Vec<Connecting>, Vec<PlaceFailure>> {
    let mut first = Vec::new();
    let mut failures = Vec::new();
    loop {
        // Settled (or the sender gone) before any place: none could be reached.
        let Some(news @ Connecting::Joined { .. }) = connecting.recv().await else {
            return Err(failures);
        };
        if let Connecting::Joined {
            targets, failed, ..
        } = &news
        {
            failures.extend(failed.iter().cloned());
            let some = !targets.is_empty();
            first.push(news);
            if some {
                return Ok(first);
            }
        }
    }
}

/// Places joining as their accounts connect. Each place is read once (two entries that
/// reach the same account and region: the first to connect is kept); its marks are final
/// only once every account has answered (`settle`), because an entry still connecting may
/// reach the same account with stricter marks.
pub(crate) struct Joining {
    specs: Vec<AccountSpec>,
    /// `[accounts."ID"]` marks.
    by_id: std::collections::BTreeMap<String, Marks>,
    seen: std::collections::BTreeSet<(String, String)>,
    /// Every connected entry's place, the ones read once included (their marks combine).
    entries: Vec<Place>,
    /// The places kept, in the order they joined.
    kept: Vec<Place>,
}

impl Joining {
    pub(crate) fn new(specs: Vec<AccountSpec>, settings: &Settings) -> Self {
        Self {
            specs,
            by_id: settings.accounts.clone(),
            seen: std::collections::BTreeSet::new(),
            entries: Vec::new(),
            kept: Vec::new(),
        }
    }

    /// One account's places: the ones not read already, with the marks known so far.
    pub(crate) fn join(&mut self, (targets, failed): AccountPlaces) -> AccountPlaces {
        let mut kept = Vec::new();
        for mut t in targets {
            if self.admit(&mut t.place) {
                kept.push(t);
            }
        }
        (kept, failed)
    }

    /// Whether a connected place is read (not read already through another entry), with
    /// the marks known so far.
    fn admit(&mut self, place: &mut Place) -> bool {
        self.entries.push(place.clone());
        let key = (place.account_id.clone(), place.region.clone());
        if !self.seen.insert(key) {
            tracing::warn!(
                "{} reaches account {} in {} like an earlier one: read once",
                place.account,
                place.account_id,
                place.region
            );
            return false;
        }
        place.marks = self.with_account_marks(&place.account_id, place.marks);
        self.kept.push(place.clone());
        true
    }

    /// Every account has answered: the kept places' final marks (in the order they
    /// joined), the strictest of every entry into the same account, and one note per
    /// account whose entries disagreed.
    pub(crate) fn settle(&self) -> (Vec<Marks>, Vec<String>) {
        let mut entries = self.entries.clone();
        let notes = combine_marks(&self.specs, &mut entries);
        let marks = self
            .kept
            .iter()
            .map(|place| {
                let combined = entries
                    .iter()
                    .find(|e| e.account_id == place.account_id)
                    .map_or(place.marks, |e| e.marks);
                self.with_account_marks(&place.account_id, combined)
            })
            .collect();
        (marks, notes)
    }

    /// Every account has answered: prints the notes of `settle` and gives each kept
    /// place's final marks, by its account and region.
    pub(crate) fn settled(&self) -> impl Fn(&Place) -> Marks + use<> {
        let (marks, notes) = self.settle();
        for note in notes {
            eprintln_escaped!("note: {note}");
            tracing::warn!("{note}");
        }
        let by_place: std::collections::BTreeMap<(String, String), Marks> = self
            .kept
            .iter()
            .map(|p| (p.account_id.clone(), p.region.clone()))
            .zip(marks)
            .collect();
        move |place| {
            by_place
                .get(&(place.account_id.clone(), place.region.clone()))
                .copied()
                .unwrap_or(place.marks)
        }
    }

    fn with_account_marks(&self, account_id: &str, marks: Marks) -> Marks {
        let by_id = self.by_id.get(account_id).copied().unwrap_or_default();
        Marks {
            production: marks.production || by_id.production,
            read_only: marks.read_only || by_id.read_only,
        }
    }
}

/// Entries (profiles or `[fleet]` roles) that reach the same account share its marks, the
/// strictest of them: read-only and production win. An entry's account is known from its
/// role ARN before connecting (so an entry that failed to connect still marks the account)
/// and from STS once connected. Returns one note per account whose entries disagreed.
pub(crate) fn combine_marks(specs: &[AccountSpec], places: &mut [Place]) -> Vec<String> {
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
    for p in places.iter() {
        add(&p.account_id, &p.account, p.marks);
    }
    let strictest = |entries: &Entries| {
        entries.values().fold(Marks::default(), |a, m| Marks {
            read_only: a.read_only || m.read_only,
            production: a.production || m.production,
        })
    };
    for p in places.iter_mut() {
        if let Some(entries) = by_account.get(&p.account_id) {
            p.marks = strictest(entries);
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
    f.line()
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

    fn place(account: &str, id: &str, region: &str, read_only: bool) -> Place {
        Place {
            account: account.into(),
            account_id: id.into(),
            region: region.into(),
            marks: Marks {
                production: false,
                read_only,
            },
        }
    }

    /// Places join as their accounts answer: a place reached again through another entry
    /// is read once (the first to connect), marks are provisional while joining (the
    /// entry's and `[accounts."ID"]`'s), and once every account has answered each place
    /// gets the strictest marks of every entry into its account.
    #[test]
    fn joining_places_read_each_once_and_settle_to_the_strictest_marks() {
        let mut settings = Settings::default();
        settings.accounts.insert(
            "333333333333".into(),
            Marks {
                production: true,
                read_only: false,
            },
        );
        let mut joining = Joining::new(Vec::new(), &settings);
        let mut ops = place("ops", "111111111111", "us-east-1", false);
        let mut dev = place("dev", "333333333333", "us-east-1", false);
        assert!(joining.admit(&mut ops));
        assert!(joining.admit(&mut dev));
        assert!(
            !ops.marks.read_only,
            "provisional: only its own entry so far"
        );
        assert!(dev.marks.production, "[accounts.\"ID\"] applies at once");
        // `audit` reaches ops's account, read-only: not read again, but its mark counts.
        let mut audit = place("audit", "111111111111", "us-east-1", true);
        assert!(!joining.admit(&mut audit));
        let mut audit_eu = place("audit", "111111111111", "eu-west-1", true);
        assert!(joining.admit(&mut audit_eu), "a region not read yet");
        let (marks, notes) = joining.settle();
        let read_only: Vec<bool> = marks.iter().map(|m| m.read_only).collect();
        assert_eq!(read_only, [true, false, true], "ops, dev, audit eu-west-1");
        assert!(marks[1].production);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("`audit` and `ops`"), "{notes:?}");
    }
}
