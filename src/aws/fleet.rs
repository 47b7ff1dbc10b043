//! Several accounts and regions in one run, every account at once: each account's
//! credentials are resolved once (a profile, or a role assumed with the default
//! credentials), its identity known once (an assumed role's from AssumeRole's answer, a
//! profile's from GetCallerIdentity),
//! its regions listed (`all`: DescribeRegions), and one client set built per region from
//! the same credentials. A place that cannot be reached is a [`PlaceFailure`], never the
//! end of the run.

use aws_config::Region;
use futures::stream::{FuturesUnordered, Stream, StreamExt};

use super::api::{AwsClients, OpsClients};
use super::connect::{
    ConnectOptions, assumed_identity, check_profile_files, clients_from, sdk_config,
};
use crate::config::Marks;
use crate::model::CallerIdentity;

/// Where `--region all` asks who the account is and which regions it has enabled when no
/// region is configured (no `--region` home, AWS_REGION or profile region): the first
/// region of the commercial partition, enabled in every account.
pub const DISCOVERY_REGION: &str = "us-east-1";

/// Which regions of an account to look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionChoice {
    /// The account's own region (the profile's, AWS_REGION, or `--region`).
    Home,
    /// Every region enabled for the account (DescribeRegions).
    All,
    List(Vec<String>),
}

impl RegionChoice {
    /// `all`, a comma-separated list, or one region; `None`: the home region.
    pub fn parse(text: Option<&str>) -> Self {
        let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
            return Self::Home;
        };
        let list: Vec<String> = text
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect();
        if list.iter().any(|r| r.eq_ignore_ascii_case("all")) {
            Self::All
        } else {
            Self::List(list)
        }
    }

    /// More than one region could come of it.
    pub fn is_many(&self) -> bool {
        match self {
            Self::Home => false,
            Self::All => true,
            Self::List(l) => l.len() > 1,
        }
    }
}

/// One account to look at: how to reach it and where.
#[derive(Debug, Clone)]
pub struct AccountSpec {
    /// The profile or `[fleet]` account name (`default` for the default chain).
    pub name: String,
    /// Credentials and home region (its `region` is the home region, if set).
    pub connect: ConnectOptions,
    pub regions: RegionChoice,
    pub marks: Marks,
}

/// Where a load ran: the account (name and id) and region, with the account's marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub account: String,
    pub account_id: String,
    pub region: String,
    pub marks: Marks,
}

impl Place {
    /// How a place is named in plans and messages: `prod (111122223333) · us-east-1`.
    pub fn name(&self) -> String {
        format!("{} ({}) · {}", self.account, self.account_id, self.region)
    }
}

/// One account in one region, ready to load, and to act on through a `Mutator` built
/// from `ops` (the actions over several places).
#[derive(Clone)]
pub struct FleetTarget {
    pub place: Place,
    pub aws: AwsClients,
    /// The action adapters over the same credentials and region.
    pub ops: OpsClients,
    /// Who the account's credentials are (STS, asked once per account).
    pub identity: CallerIdentity,
    /// The profile the credentials came from (`None`: the default chain or a role).
    pub profile: Option<String>,
}

/// An account or region that could not be reached, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceFailure {
    pub account: String,
    pub account_id: Option<String>,
    /// `None` when the whole account failed (credentials, identity, region list).
    pub region: Option<String>,
    pub error: String,
}

/// One account's places (its regions), connected, and the places of it that failed.
pub type AccountPlaces = (Vec<FleetTarget>, Vec<PlaceFailure>);

/// News of a fleet connecting, for the console that opens before every account has
/// answered.
pub enum Connecting {
    /// One account answered: its places not read already (their marks provisional) and
    /// its places that failed; `accounts`: (answered so far, asked).
    Joined {
        targets: Vec<FleetTarget>,
        failed: Vec<PlaceFailure>,
        accounts: (usize, usize),
    },
    /// Every account answered: the final marks of every place joined, in the order they
    /// joined (entries into one account combined to the strictest), and a note per
    /// account whose entries disagreed.
    Settled {
        marks: Vec<Marks>,
        notes: Vec<String>,
    },
}

impl PlaceFailure {
    /// `account prod (123456789012) · eu-west-1: what went wrong`
    pub fn line(&self) -> String {
        let id = self
            .account_id
            .as_ref()
            .map(|id| format!(" ({id})"))
            .unwrap_or_default();
        let region = self
            .region
            .as_ref()
            .map(|r| format!(" · {r}"))
            .unwrap_or_default();
        format!("account {}{id}{region}: {}", self.account, self.error)
    }
}

/// Connects every account and region asked for. Targets come back sorted by account name
/// and region; failures likewise.
pub async fn connect_fleet(specs: &[AccountSpec]) -> (Vec<FleetTarget>, Vec<PlaceFailure>) {
    let per_account: Vec<AccountPlaces> = connect_each(specs).collect().await;
    let mut targets = Vec::new();
    let mut failures = Vec::new();
    for (t, f) in per_account {
        targets.extend(t);
        failures.extend(f);
    }
    targets.sort_by(|a, b| {
        (&a.place.account, &a.place.region).cmp(&(&b.place.account, &b.place.region))
    });
    failures.sort_by(|a, b| (&a.account, &a.region).cmp(&(&b.account, &b.region)));
    (targets, failures)
}

/// Every account at once, each account's places as soon as that account has answered
/// (the fastest first): what bounds them is each place's requests and the process-wide
/// budget (`aws::budget`), not a count of accounts. The console opens on this stream and
/// `report` and the listings load each place as it comes (`load::fleet::as_they_connect`),
/// so no place waits for the slowest account's credentials.
pub fn connect_each(specs: &[AccountSpec]) -> impl Stream<Item = AccountPlaces> + '_ {
    specs
        .iter()
        .map(connect_account)
        .collect::<FuturesUnordered<_>>()
}

/// The region the environment or the profile sets (`AWS_REGION`, the profile's `region`).
async fn configured_region(profile: Option<&str>) -> Option<Region> {
    let mut chain = aws_config::default_provider::region::DefaultRegionChain::builder();
    if let Some(p) = profile {
        chain = chain.profile_name(p);
    }
    chain.build().region().await
}

async fn connect_account(spec: &AccountSpec) -> (Vec<FleetTarget>, Vec<PlaceFailure>) {
    let fail = |account_id: Option<String>, region: Option<String>, error: String| PlaceFailure {
        account: spec.name.clone(),
        account_id,
        region,
        error,
    };
    if let Err(e) = check_profile_files(&spec.connect).await {
        return (Vec::new(), vec![fail(None, None, e.to_string())]);
    }
    // `all` with no region configured: who the account is and which regions it has are
    // asked in DISCOVERY_REGION. Set before the credentials are built, so an assumed
    // role's STS call has a region too.
    let mut connect = spec.connect.clone();
    if connect.region.is_none()
        && spec.regions == RegionChoice::All
        && configured_region(connect.profile.as_deref())
            .await
            .is_none()
    {
        connect.region = Some(DISCOVERY_REGION.to_string());
    }
    let conf = sdk_config(&connect).await;
    let home = match clients_from(&conf, &spec.connect) {
        Ok(clients) => clients,
        Err(e) => return (Vec::new(), vec![fail(None, None, e.to_string())]),
    };
    // An assumed role's account is in AssumeRole's answer; only a profile's or the
    // default chain's credentials need GetCallerIdentity to say whose they are.
    let identity = match &spec.connect.assume_role {
        Some(role) => match assumed_identity(&conf, role).await {
            Ok(id) => id,
            Err(e) => return (Vec::new(), vec![fail(None, None, e)]),
        },
        None => match home.0.sts.caller_identity().await {
            Ok(id) => id,
            Err(e) => return (Vec::new(), vec![fail(None, None, e.to_string())]),
        },
    };
    let account_id = identity.account.clone();
    let regions = match &spec.regions {
        RegionChoice::Home => vec![home.0.region.clone()],
        RegionChoice::List(list) => list.clone(),
        RegionChoice::All => match home.0.ec2.enabled_regions().await {
            Ok(r) => r,
            Err(e) => {
                return (
                    Vec::new(),
                    vec![fail(Some(account_id), None, e.to_string())],
                );
            }
        },
    };
    let mut targets = Vec::new();
    let mut failures = Vec::new();
    for region in regions {
        let clients = if region == home.0.region {
            Ok(home.clone())
        } else {
            let conf = conf
                .clone()
                .into_builder()
                .region(Region::new(region.clone()))
                .build();
            clients_from(&conf, &spec.connect)
        };
        match clients {
            Ok((aws, ops)) => targets.push(FleetTarget {
                place: Place {
                    account: spec.name.clone(),
                    account_id: account_id.clone(),
                    region,
                    marks: spec.marks,
                },
                aws,
                ops,
                identity: identity.clone(),
                profile: spec.connect.profile.clone(),
            }),
            Err(e) => failures.push(fail(Some(account_id.clone()), Some(region), e.to_string())),
        }
    }
    (targets, failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_choices_parse_from_the_flag() {
        assert_eq!(RegionChoice::parse(None), RegionChoice::Home);
        assert_eq!(RegionChoice::parse(Some(" ")), RegionChoice::Home);
        assert_eq!(RegionChoice::parse(Some("all")), RegionChoice::All);
        assert_eq!(RegionChoice::parse(Some("ALL")), RegionChoice::All);
        assert_eq!(
            RegionChoice::parse(Some("eu-west-1, us-east-1,")),
            RegionChoice::List(vec!["eu-west-1".into(), "us-east-1".into()])
        );
        assert!(!RegionChoice::parse(Some("eu-west-1")).is_many());
        assert!(RegionChoice::parse(Some("eu-west-1,us-east-1")).is_many());
        assert!(RegionChoice::All.is_many());
    }
}
