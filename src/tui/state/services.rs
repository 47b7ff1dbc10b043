//! Services pane state: every service of every cluster (or one cluster), steadiness first.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::analysis::alarms::{any_firing, service_alarms};
use crate::analysis::health::{Steadiness, steadiness};
use crate::analysis::why::{Why, with_alarms};
use crate::load::Whys;
use crate::model::{Alarm, Service, ServiceDeployment, arn_name};
use crate::tui::state::list::{ListPane, Loader, Row, by};

pub const SORT_COLUMNS: &[&str] = &[
    "state", "cluster", "service", "running", "deployed", "task def",
];

/// How an endpoint without service deployments is named in a read's error (the Services
/// pane then stops asking; the Deployments pane says it).
pub const UNSUPPORTED: &str = "this endpoint does not support service deployments";

#[derive(Debug, Clone)]
pub struct ServiceRow {
    pub service: Service,
    pub steadiness: Steadiness,
    /// `cluster/name` (`place:cluster/name` over several places), computed once (sorting
    /// compares it).
    key: String,
    /// The place it was loaded from (a console on several places).
    pub place: Option<usize>,
    /// ECS's deployment of it in flight (service deployments), when read: its stage, and
    /// whether it waits for a person at a hook.
    pub live: Option<ServiceDeployment>,
    /// Its CloudWatch alarms (in ALARM first), once the place's alarms are read.
    pub alarms: Vec<Alarm>,
}

impl ServiceRow {
    pub fn new(service: Service) -> Self {
        Self::at(service, None)
    }

    /// A row of a service loaded from `place`.
    pub fn at(service: Service, place: Option<usize>) -> Self {
        let name = format!("{}/{}", service.cluster, service.name);
        Self {
            steadiness: steadiness(&service),
            key: match place {
                Some(p) => format!("{p}:{name}"),
                None => name,
            },
            place,
            service,
            live: None,
            alarms: Vec::new(),
        }
    }

    /// One of its alarms is in ALARM (sorts it up, and its why says so).
    pub fn firing(&self) -> bool {
        any_firing(&self.alarms)
    }

    /// Paused at a lifecycle hook, waiting for a person (sorts to the top).
    pub fn awaiting(&self) -> bool {
        self.live
            .as_ref()
            .is_some_and(|d| d.awaiting_hook().is_some())
    }

    /// When the newest deployment started (or the service was created).
    pub fn deployed_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.service
            .primary()
            .and_then(|d| d.created_at)
            .or(self.service.created_at)
    }

    pub fn task_def(&self) -> &str {
        arn_name(&self.service.task_definition)
    }

    pub fn rollout(&self) -> &str {
        self.service
            .primary()
            .and_then(|d| d.rollout_state.as_ref())
            .map_or("-", crate::model::RolloutState::as_str)
    }
}

impl Row for ServiceRow {
    fn key(&self) -> String {
        self.key.clone()
    }

    fn haystack(&self) -> String {
        format!(
            "{} {} {} {} {}",
            self.steadiness.label(),
            self.service.cluster,
            self.service.name,
            self.rollout(),
            self.task_def()
        )
        .to_lowercase()
    }

    fn compare(&self, o: &Self, column: usize) -> Ordering {
        let names = || by(&self.key, &o.key);
        match column {
            // A deployment waiting for a person first, then by steadiness.
            0 => by(!self.awaiting(), !o.awaiting())
                .then_with(|| by(!self.firing(), !o.firing()))
                .then_with(|| by(self.steadiness, o.steadiness))
                .then_with(names),
            1 => names(),
            2 => by(&self.service.name, &o.service.name).then_with(names),
            3 => by(self.service.running_count, o.service.running_count).then_with(names),
            // Newest deployment first.
            4 => by(o.deployed_at(), self.deployed_at()).then_with(names),
            _ => by(self.task_def(), o.task_def()).then_with(names),
        }
    }

    fn descending(column: usize) -> bool {
        matches!(column, 4)
    }
}

#[derive(Debug, Clone)]
pub struct ServicesPane {
    pub list: ListPane<ServiceRow>,
    pub loader: Loader,
    /// Every service loaded, before the cluster scope narrows them.
    pub all: Vec<Service>,
    /// The place of each of `all` (several places), `None` with one place.
    pub all_at: Vec<Option<usize>>,
    /// Over several places: each place's services as it last answered.
    pub placed: std::collections::BTreeMap<usize, Vec<Service>>,
    /// Show one cluster only (set with `:` jump).
    pub cluster_scope: Option<String>,
    /// Why each service not steady is not, by place and service ARN: read after the
    /// listing, kept across refreshes until the next answer replaces them.
    pub whys: HashMap<(Option<usize>, String), Why>,
    /// ECS's deployments in flight of the rolling services, by `cluster/service` (a
    /// console on one place), read after each listing.
    pub live: std::collections::HashMap<String, ServiceDeployment>,
    /// Their read.
    pub live_loader: Loader,
    /// Every CloudWatch alarm of each place (`None`: the one place), or why they could
    /// not be read; each row picks its own.
    pub alarms: HashMap<Option<usize>, Result<Vec<Alarm>, String>>,
    /// The endpoint does not know service deployments (an older one, moto): not asked
    /// again this run.
    pub live_unsupported: bool,
    /// Every service's CPU, memory and EBS-filesystem utilisation (a console on one place).
    pub metrics: crate::tui::state::metrics::MetricsState,
}

impl Default for ServicesPane {
    fn default() -> Self {
        Self {
            list: ListPane::new(SORT_COLUMNS),
            loader: Loader::default(),
            all: Vec::new(),
            all_at: Vec::new(),
            placed: std::collections::BTreeMap::new(),
            cluster_scope: None,
            whys: HashMap::new(),
            live: std::collections::HashMap::new(),
            live_loader: Loader::default(),
            live_unsupported: false,
            metrics: crate::tui::state::metrics::MetricsState::default(),
            alarms: HashMap::new(),
        }
    }
}

impl ServicesPane {
    pub fn set_services(&mut self, services: Vec<Service>) {
        self.all_at = vec![None; services.len()];
        self.all = services;
        self.apply_scope();
    }

    /// Over several places: replaces one place's services (the others stay).
    pub fn set_place(&mut self, place: usize, services: Vec<Service>) {
        self.placed.insert(place, services);
        self.rebuild_placed();
    }

    /// Over several places: replaces one cluster of one place's services (a part of that
    /// place's load); the place's other clusters and the other places stay.
    pub fn set_place_cluster(&mut self, place: usize, cluster: &str, services: Vec<Service>) {
        let rows = self.placed.entry(place).or_default();
        rows.retain(|s| s.cluster != cluster);
        rows.extend(services);
        self.rebuild_placed();
    }

    /// Over several places: keeps only the places `keep` says are in view.
    pub fn retain_places(&mut self, keep: impl Fn(usize) -> bool) {
        self.placed.retain(|p, _| keep(*p));
        self.rebuild_placed();
    }

    fn rebuild_placed(&mut self) {
        self.all.clear();
        self.all_at.clear();
        for (p, services) in &self.placed {
            self.all.extend(services.iter().cloned());
            self.all_at
                .extend(std::iter::repeat_n(Some(*p), services.len()));
        }
        self.apply_scope();
    }

    /// Replaces one cluster's services (a part of a load that arrives cluster by cluster);
    /// the others stay as they are until theirs arrive.
    /// Only that cluster's rows are rebuilt: a large account arrives in many parts.
    pub fn set_cluster(&mut self, cluster: &str, services: Vec<Service>) {
        self.all.retain(|s| s.cluster != cluster);
        if self.cluster_scope.as_ref().is_none_or(|c| c == cluster) {
            let rows = services
                .iter()
                .cloned()
                .map(|s| self.row(s, None))
                .collect();
            self.list
                .replace_rows(|r| r.service.cluster == cluster, rows);
        }
        self.all.extend(services);
        self.all_at = vec![None; self.all.len()];
    }

    pub fn apply_scope(&mut self) {
        let rows = self
            .all
            .iter()
            .zip(&self.all_at)
            .filter(|(s, _)| self.cluster_scope.as_ref().is_none_or(|c| &s.cluster == c))
            .map(|(s, p)| self.row(s.clone(), *p))
            .collect();
        self.list.set_rows(rows);
    }

    /// A place's answer of whys (`None`: the one place): replaces that place's.
    pub fn set_whys(&mut self, place: Option<usize>, whys: Whys) {
        self.whys.retain(|(p, _), _| *p != place);
        self.whys
            .extend(whys.into_iter().map(|(arn, why)| ((place, arn), why)));
    }

    /// A place's alarms (`None`: the one place): the rows pick theirs.
    pub fn set_alarms(&mut self, place: Option<usize>, alarms: Result<Vec<Alarm>, String>) {
        self.alarms.insert(place, alarms);
        self.apply_scope();
    }

    /// Why the alarms of the service's place could not be read (naming
    /// `cloudwatch:DescribeAlarms`), when they could not.
    pub fn alarms_error(&self, place: Option<usize>) -> Option<&str> {
        self.alarms.get(&place)?.as_ref().err().map(String::as_str)
    }

    /// Why the service of `row` is not steady (when its why was read), or which of its
    /// alarms is in ALARM.
    pub fn why_of(&self, row: &ServiceRow) -> Option<Why> {
        self.why_with(row.place, &row.service, &row.alarms)
    }

    /// [`Self::why_of`] for a service of `place` (Detail's).
    pub fn why_for(&self, place: Option<usize>, service: &Service) -> Option<Why> {
        self.why_with(place, service, &self.alarms_for(place, service))
    }

    fn why_with(&self, place: Option<usize>, service: &Service, alarms: &[Alarm]) -> Option<Why> {
        let judged = if steadiness(service).is_steady() {
            None
        } else {
            Some(self.whys.get(&(place, service.arn.clone()))?.clone())
        };
        with_alarms(judged, service, alarms)
    }

    /// The alarms of a service of `place` (none until they are read).
    pub fn alarms_for(&self, place: Option<usize>, service: &Service) -> Vec<Alarm> {
        match self.alarms.get(&place) {
            Some(Ok(all)) => service_alarms(service, all),
            _ => Vec::new(),
        }
    }

    /// A row with ECS's deployment in flight attached (one place only).
    fn row(&self, service: Service, place: Option<usize>) -> ServiceRow {
        let mut row = ServiceRow::at(service, place);
        row.alarms = self.alarms_for(place, &row.service);
        if place.is_none() {
            row.live = self
                .live
                .get(&format!("{}/{}", row.service.cluster, row.service.name))
                .cloned();
        }
        row
    }

    /// The deployments in flight arrived: the rows show their stage, and those waiting
    /// for a person sort first.
    pub fn set_live(&mut self, live: Vec<(String, String, ServiceDeployment)>) {
        self.live = live
            .into_iter()
            .map(|(c, s, d)| (format!("{c}/{s}"), d))
            .collect();
        self.apply_scope();
    }

    /// `service`'s deployment in flight when it waits for a person at a lifecycle hook.
    pub fn awaiting_of(&self, service: &Service) -> Option<&ServiceDeployment> {
        self.live
            .get(&format!("{}/{}", service.cluster, service.name))
            .filter(|d| d.awaiting_hook().is_some())
    }

    /// The rolling services whose deployments in flight are worth reading.
    pub fn rolling(&self) -> Vec<(String, String)> {
        self.all
            .iter()
            .filter(|s| steadiness(s) == Steadiness::Rolling)
            .map(|s| (s.cluster.clone(), s.name.clone()))
            .collect()
    }

    pub fn find(&self, cluster: &str, name: &str) -> Option<&Service> {
        self.all
            .iter()
            .find(|s| s.cluster == cluster && s.name == name)
    }

    /// The service named, loaded from `place` (`None`: the one place).
    pub fn find_at(&self, place: Option<usize>, cluster: &str, name: &str) -> Option<&Service> {
        self.all
            .iter()
            .zip(&self.all_at)
            .find(|(s, p)| **p == place && s.cluster == cluster && s.name == name)
            .map(|(s, _)| s)
    }

    pub fn clusters(&self) -> Vec<String> {
        let mut c: Vec<String> = self.all.iter().map(|s| s.cluster.clone()).collect();
        c.sort();
        c.dedup();
        c
    }
}
